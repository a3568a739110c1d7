"""The posting schedule: time-sensitive posts go out quickly, the rest are saved for later,
and no network gets more than the team allows. Every case is a row of a table."""

from __future__ import annotations

import collections
import datetime as dt
import itertools
import json
import random
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest

from postdesk.config import (
    ConfigError,
    PostingWindow,
    ScheduleSettings,
    config_as_toml,
    config_from_dict,
    parse_windows,
)
from postdesk.model import Person, Submission
from postdesk.schedule import (
    Pin,
    Plan,
    QueueItem,
    Slot,
    load_pins,
    plan,
    queue_from_json,
    queue_to_json,
    render_ics,
    render_table,
)

TZ = ZoneInfo("America/Chicago")
MON = dt.date(2026, 11, 23)  # a Monday; Thanksgiving week, which the schedule does not know about


def local(day: dt.date | str, hhmm: str, tz: ZoneInfo = TZ) -> dt.datetime:
    day = dt.date.fromisoformat(day) if isinstance(day, str) else day
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm), tzinfo=tz)


NOW = local(MON, "08:00")
APPROVED = local("2026-11-20", "12:00")


def item(name: str, *, deadline: str | None = None, post_after: str | None = None, approved: int = 0,
         channels: tuple[str, ...] = ("x",), posted: tuple[str, ...] = ()) -> QueueItem:
    """A queue item; ``approved`` is minutes after a fixed approval time (so order is explicit)."""
    return QueueItem(
        id=name, title=f"Title of {name}", channels=channels,
        deadline=dt.date.fromisoformat(deadline) if deadline else None,
        post_after=dt.date.fromisoformat(post_after) if post_after else None,
        approved_at=APPROVED + dt.timedelta(minutes=approved), posted=frozenset(posted),
    )


def settings(**changes: Any) -> ScheduleSettings:
    windows = changes.pop("windows", None)
    if isinstance(windows, str):
        changes["windows"] = {"facebook": windows, "x": windows, "linkedin": windows}
    return ScheduleSettings(**changes)


def describe(slot: Slot) -> str:
    """``Mon 23 09:00 x name`` plus flags: the way the tables below spell a slot."""
    text = f"{slot.at.astimezone(TZ):%a %d %H:%M} {slot.channel} {slot.item}"
    return text + (" pinned" if slot.pinned else "") + (" AT RISK" if slot.at_risk else "")


@dataclass
class Case:
    id: str
    items: list[QueueItem]
    slots: list[str]
    unplaced: list[tuple[str, str, str]] = field(default_factory=list)  # item, channel, words in the reason
    settings: dict[str, Any] = field(default_factory=dict)
    now: dt.datetime = NOW
    pins: list[Pin] = field(default_factory=list)


def pin(name: str, day: str, hhmm: str, channel: str = "x") -> Pin:
    return Pin(item=name, channel=channel, at=local(day, hhmm))


CASES = [
    # --- windows ---------------------------------------------------------------------------------
    Case("weekend-skipped", [item("a"), item("b", approved=1), item("c", approved=2)],
         ["Fri 27 15:00 x a", "Mon 30 09:00 x b", "Mon 30 11:00 x c"], now=local("2026-11-27", "14:00")),
    Case("evening-skipped-and-window-end-excluded", [item("a")], ["Tue 24 09:00 x a"], now=local(MON, "15:30")),
    Case("now-rounds-up-to-the-grid", [item("a")], ["Mon 23 11:00 x a"], now=local(MON, "09:05")),
    Case("saturday-window", [item(n, approved=i) for i, n in enumerate("abcd")],
         ["Fri 27 09:00 x a", "Fri 27 11:00 x b", "Sat 28 10:00 x c", "Mon 30 09:00 x d"],
         settings={"windows": "Mon-Fri 09:00-12:00; Sat 10:00-12:00"}, now=local("2026-11-27", "08:00")),
    Case("morning-and-afternoon-windows", [item(n, approved=i) for i, n in enumerate("abcde")],
         ["Mon 23 09:00 x a", "Mon 23 11:00 x b", "Mon 23 13:00 x c", "Mon 23 15:00 x d", "Tue 24 09:00 x e"],
         settings={"windows": "Mon-Fri 09:00-12:00; Mon-Fri 13:00-17:00", "max_per_day": 5}),
    Case("comma-list-of-days", [item(n, approved=i) for i, n in enumerate("abc")],
         ["Mon 23 10:00 x a", "Wed 25 10:00 x b", "Fri 27 10:00 x c"],
         settings={"windows": "Mon,Wed,Fri 10:00-11:00"}),
    # --- limits ----------------------------------------------------------------------------------
    Case("max-per-day", [item(n, approved=i) for i, n in enumerate("abcd")],
         ["Mon 23 09:00 x a", "Mon 23 11:00 x b", "Tue 24 09:00 x c", "Tue 24 11:00 x d"],
         settings={"max_per_day": 2}),
    Case("min-spacing-sets-the-grid", [item(n, approved=i) for i, n in enumerate("abcd")],
         ["Mon 23 09:00 x a", "Mon 23 12:00 x b", "Mon 23 15:00 x c", "Tue 24 09:00 x d"],
         settings={"min_spacing_minutes": 180, "max_per_day": 5}),
    Case("limits-are-per-network", [item("a", channels=("x", "facebook")), item("b", approved=1, channels=("x",))],
         ["Mon 23 09:00 facebook a", "Mon 23 09:00 x a", "Tue 24 09:00 x b"], settings={"max_per_day": 1}),
    # --- embargo ---------------------------------------------------------------------------------
    Case("post-after-embargo", [item("a", post_after="2026-11-25"), item("b", approved=1)],
         ["Mon 23 09:00 x b", "Wed 25 09:00 x a"]),
    Case("embargoed-deadline-item-leaves-earlier-room",
         [item("a", deadline="2026-11-25", post_after="2026-11-24"), item("b", approved=-60)],
         ["Mon 23 09:00 x b", "Tue 24 09:00 x a"]),
    Case("embargo-beyond-the-horizon", [item("a", post_after="2027-06-01")], [],
         unplaced=[("a", "x", "embargoed until 2027-06-01")]),
    # --- order -----------------------------------------------------------------------------------
    Case("earliest-deadline-first-even-if-approved-later",
         [item("saved", approved=-500), item("friday", deadline="2026-11-27", approved=10),
          item("wednesday", deadline="2026-11-25", approved=20)],
         ["Mon 23 09:00 x wednesday", "Mon 23 11:00 x friday", "Mon 23 13:00 x saved"]),
    Case("same-deadline-earliest-approval-then-id",
         [item("c", deadline="2026-11-25", approved=5), item("b", deadline="2026-11-25"),
          item("a", deadline="2026-11-25")],
         ["Mon 23 09:00 x a", "Mon 23 11:00 x b", "Mon 23 13:00 x c"]),
    Case("saved-for-later-after-deadlines-oldest-first",
         [item("new", approved=30), item("old", approved=-30), item("middle"),
          item("due", deadline="2026-12-10", approved=60)],
         ["Mon 23 09:00 x due", "Mon 23 11:00 x old", "Mon 23 13:00 x middle", "Tue 24 09:00 x new"]),
    Case("time-sensitive-pushes-saved-items-back",
         [*(item(f"saved{i}", approved=-100 + i) for i in range(3)),
          item("urgent", deadline="2026-11-23", approved=90)],
         ["Mon 23 09:00 x urgent", "Mon 23 11:00 x saved0", "Mon 23 13:00 x saved1", "Tue 24 09:00 x saved2"]),
    # --- at risk ---------------------------------------------------------------------------------
    Case("at-risk-when-the-network-is-full",
         [item("a", deadline="2026-11-24"), *(item(f"p{i}") for i in range(6))],
         ["Mon 23 09:00 x p0 pinned", "Mon 23 11:00 x p1 pinned", "Mon 23 13:00 x p2 pinned",
          "Tue 24 09:00 x p3 pinned", "Tue 24 11:00 x p4 pinned", "Tue 24 13:00 x p5 pinned",
          "Wed 25 09:00 x a AT RISK"],
         pins=[pin(f"p{i}", str(MON + dt.timedelta(days=i // 3)), ("09:00", "11:00", "13:00")[i % 3])
               for i in range(6)]),
    Case("a-late-item-does-not-make-others-late",
         [item("a", deadline="2026-11-23"), item("b", deadline="2026-11-23", approved=1),
          item("c", deadline="2026-11-24", approved=2)],
         ["Mon 23 09:00 x a", "Tue 24 09:00 x c", "Wed 25 09:00 x b AT RISK"], settings={"max_per_day": 1}),
    Case("deadline-already-passed",
         [item("gone", deadline="2026-11-20"), item("due", deadline="2026-11-23", approved=9)],
         ["Mon 23 09:00 x due", "Mon 23 11:00 x gone AT RISK"]),
    Case("no-free-slot-within-the-horizon", [item(n, approved=i) for i, n in enumerate("abc")],
         ["Mon 23 09:00 x a", "Tue 24 09:00 x b"], unplaced=[("c", "x", "no free slot on X")],
         settings={"max_per_day": 1, "horizon_days": 2}),
    # --- pins ------------------------------------------------------------------------------------
    Case("pin-respected-and-blocks-its-neighbours", [item("a"), item("b", approved=1), item("c", approved=2)],
         ["Mon 23 09:00 x b", "Mon 23 11:00 x c", "Tue 24 10:00 x a pinned"], pins=[pin("a", "2026-11-24", "10:00")]),
    Case("pin-counts-against-the-day", [item("a"), item("b", approved=1), item("c", approved=2)],
         ["Mon 23 10:00 x a pinned", "Mon 23 13:00 x b", "Tue 24 09:00 x c"],
         settings={"max_per_day": 2}, pins=[pin("a", "2026-11-23", "10:00")]),
    Case("pin-outside-the-windows-is-kept", [item("a"), item("b", approved=1)],
         ["Mon 23 09:00 x b", "Sat 28 10:30 x a pinned"], pins=[pin("a", "2026-11-28", "10:30")]),
    Case("pin-after-the-deadline-is-at-risk", [item("a", deadline="2026-11-24")],
         ["Wed 25 09:00 x a pinned AT RISK"], pins=[pin("a", "2026-11-25", "09:00")]),
    Case("past-pin-reported-and-planned-automatically", [item("a")], ["Mon 23 09:00 x a"],
         unplaced=[("a", "x", "in the past")], pins=[pin("a", "2026-11-23", "07:00")]),
    Case("pin-before-the-embargo-reported", [item("a", post_after="2026-11-25")], ["Wed 25 09:00 x a"],
         unplaced=[("a", "x", "before the embargo")], pins=[pin("a", "2026-11-24", "09:00")]),
    Case("pin-on-a-posted-network-reported", [item("a", channels=("x", "facebook"), posted=("x",))],
         ["Mon 23 09:00 facebook a"], unplaced=[("a", "x", "already posted on X")],
         pins=[pin("a", "2026-11-24", "09:00")]),
    Case("pin-on-another-network-reported", [item("a")], ["Mon 23 09:00 x a"],
         unplaced=[("a", "linkedin", "not one of the item's networks")],
         pins=[pin("a", "2026-11-24", "09:00", channel="linkedin")]),
    Case("pin-for-an-unknown-item-reported", [item("a")], ["Mon 23 09:00 x a"],
         unplaced=[("ghost", "x", "no such item")], pins=[pin("ghost", "2026-11-24", "09:00")]),
    Case("second-pin-reported-earlier-kept", [item("a")], ["Tue 24 09:00 x a pinned"],
         unplaced=[("a", "x", "a second pin")],
         pins=[pin("a", "2026-11-25", "09:00"), pin("a", "2026-11-24", "09:00")]),
    # --- already posted --------------------------------------------------------------------------
    Case("posted-networks-not-planned", [item("a", channels=("facebook", "x", "linkedin"), posted=("x", "facebook"))],
         ["Mon 23 09:00 linkedin a"]),
    Case("posted-everywhere-nothing-planned", [item("a", posted=("x",))], []),
    Case("unknown-network-reported", [item("a", channels=("x", "instagram"))], ["Mon 23 09:00 x a"],
         unplaced=[("a", "instagram", "no posting windows for 'instagram'")]),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_plan(case: Case):
    result = plan(case.items, settings=settings(**case.settings), tz=TZ, now=case.now, pins=case.pins)
    assert [describe(slot) for slot in result.slots] == case.slots
    assert [(i, c) for i, c, _ in result.unplaced] == [(i, c) for i, c, _ in case.unplaced]
    for (_, _, reason), (_, _, words) in zip(result.unplaced, case.unplaced, strict=True):
        assert words in reason
    assert result.at_risk == tuple(slot for slot in result.slots if slot.at_risk)


def test_the_same_queue_in_any_order_gives_the_same_plan():
    items = [item(f"2026-11-{10 + i:02d}-post-{i}", deadline=f"2026-11-{24 + i % 5}" if i % 3 else None,
                  post_after="2026-11-25" if i % 7 == 0 else None, approved=i % 4, channels=("x", "facebook"))
             for i in range(20)]
    pins = [pin(items[5].id, "2026-11-24", "10:00"), pin(items[6].id, "2026-11-24", "10:00", "facebook"),
            pin("ghost", "2026-11-24", "12:00")]
    expected = plan(items, settings=ScheduleSettings(), tz=TZ, now=NOW, pins=pins)
    shuffler = random.Random(20261123)
    for _ in range(5):
        shuffler.shuffle(items)
        shuffler.shuffle(pins)
        again = plan(items, settings=ScheduleSettings(), tz=TZ, now=NOW, pins=pins)
        assert again == expected
        assert queue_to_json(again, items, TZ) == queue_to_json(expected, items, TZ)


def test_a_busy_week_places_everything_and_keeps_every_deadline_that_can_be_kept():
    week = [dt.date(2026, 11, 30) + dt.timedelta(days=n) for n in range(5)]  # Mon 30 Nov to Fri 4 Dec
    per_day = {0: 5, 1: 2, 2: 4, 3: 1, 4: 3}  # 15 posts due this week, 15 slots this week
    dated = [item(f"due-{week[d]:%a}-{k}", deadline=str(week[d]), approved=10 * d + k)
             for d, count in per_day.items() for k in range(count)]
    saved = [item(f"saved-{k:02d}", approved=-k) for k in range(10)]
    items = dated + saved
    result = plan(items, settings=ScheduleSettings(), tz=TZ, now=local(week[0], "08:00"))

    assert sorted(slot.item for slot in result.slots) == sorted(i.id for i in items)  # nothing dropped
    assert result.unplaced == ()
    days = collections.Counter(slot.at.date() for slot in result.slots)
    assert max(days.values()) == 3
    assert all(day.weekday() < 5 for day in days)
    times = [slot.at.astimezone(dt.UTC) for slot in result.slots]
    assert all(b - a >= dt.timedelta(minutes=120) for a, b in itertools.pairwise(times))
    # Mondays are 5 for 3 slots; every other day fits if Monday's extra two wait: 13 is the best possible.
    on_time = [slot for slot in result.slots if slot.deadline and not slot.at_risk]
    assert len(on_time) == 13
    assert all(slot.at.date() <= slot.deadline for slot in on_time)
    assert sorted(slot.item for slot in result.at_risk) == ["due-Mon-3", "due-Mon-4"]
    assert all(slot.at.date() > slot.deadline for slot in result.at_risk if slot.deadline)
    # The saved items wait for the next week, oldest approval first.
    saved_slots = [slot for slot in result.slots if slot.item.startswith("saved")]
    assert all(slot.at.date() >= dt.date(2026, 12, 7) for slot in saved_slots)
    assert [slot.item for slot in saved_slots] == [f"saved-{k:02d}" for k in range(9, -1, -1)]


@pytest.mark.parametrize(
    ("windows", "now", "count", "expected_local", "expected_utc"),
    [
        pytest.param("Mon-Sun 09:00-17:00", local("2026-10-30", "08:00"), 5,
                     ["10-30 09:00", "10-31 09:00", "11-01 09:00", "11-02 09:00", "11-03 09:00"],
                     ["14:00", "14:00", "15:00", "15:00", "15:00"], id="fall-back-week-stays-at-9"),
        pytest.param("Sun 00:00-04:00", local("2026-10-31", "12:00"), 4,
                     ["11-01 00:00", "11-01 01:00", "11-01 02:00", "11-01 03:00"],
                     ["05:00", "06:00", "08:00", "09:00"], id="fall-back-night-repeated-hour-once"),
        pytest.param("Sun 00:00-04:00", local("2026-03-07", "12:00"), 3,
                     ["03-08 00:00", "03-08 01:00", "03-08 03:00"],
                     ["06:00", "07:00", "08:00"], id="spring-forward-night-skips-the-missing-hour"),
    ],
)
def test_daylight_saving(windows, now, count, expected_local, expected_utc):
    spacing = 60 if "00:00" in windows else 120
    max_per_day = 10 if "00:00" in windows else 1
    items = [item(f"i{n}", approved=n) for n in range(count)]
    result = plan(items, settings=settings(windows=windows, min_spacing_minutes=spacing, max_per_day=max_per_day),
                  tz=TZ, now=now)
    assert [f"{slot.at:%m-%d %H:%M}" for slot in result.slots] == expected_local
    assert [f"{slot.at.astimezone(dt.UTC):%H:%M}" for slot in result.slots] == expected_utc


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"now": dt.datetime(2026, 11, 23, 8)}, "now must be tz-aware", id="naive-now"),
        pytest.param({"items": [item("a"), item("a")]}, "twice", id="duplicate-id"),
        pytest.param({"pins": [Pin("a", "x", dt.datetime(2026, 11, 24, 9))]}, "tz-aware", id="naive-pin"),
    ],
)
def test_plan_refuses_ambiguous_input(kwargs, message):
    arguments = {"items": [item("a")], "settings": ScheduleSettings(), "tz": TZ, "now": NOW, **kwargs}
    with pytest.raises(ValueError, match=message):
        plan(**arguments)


def test_queue_item_from_a_submission():
    person = Person("Jordan Reyes", "jordan.reyes@example.gov")
    submission = Submission(path="content/submissions/2026-11-20-backpack-drive.md", title="Backpack Drive",
                            category="event", submitted_by=person, office="Cole County Office", supervisor=person,
                            channels=("facebook", "x"), confidentiality_confirmed=True, body="", body_line=1,
                            post_by=dt.date(2026, 12, 4), post_after=dt.date(2026, 11, 30))
    queued = QueueItem.from_submission(submission, approved_at=APPROVED, posted=["x"])
    assert queued == QueueItem("2026-11-20-backpack-drive", "Backpack Drive", ("facebook", "x"), dt.date(2026, 12, 4),
                               dt.date(2026, 11, 30), APPROVED, frozenset({"x"}), "event", "Cole County Office")


# --- settings ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Mon-Fri 09:00-17:00", [({0, 1, 2, 3, 4}, 540, 1020)], id="default"),
        pytest.param("Mon-Fri 09:00-12:00; Mon-Fri 13:00-17:00; Sat 10:00-12:00",
                     [({0, 1, 2, 3, 4}, 540, 720), ({0, 1, 2, 3, 4}, 780, 1020), ({5}, 600, 720)], id="three-windows"),
        pytest.param("Mon, Wed,Fri 08:30 - 09:00;", [({0, 2, 4}, 510, 540)], id="comma-list-spaces-trailing-semicolon"),
        pytest.param("Sat-Sun 18:00-24:00", [({5, 6}, 1080, 1440)], id="until-midnight"),
        pytest.param("Mon-Tue,Thu 07:00-08:00", [({0, 1, 3}, 420, 480)], id="range-and-day"),
    ],
)
def test_windows_parse(text, expected):
    assert parse_windows(text) == tuple(PostingWindow(frozenset(days), start, end) for days, start, end in expected)


@pytest.mark.parametrize(
    ("windows", "message", "hint"),
    [
        pytest.param({"instagram": "Mon 09:00-10:00"}, "Unknown setting 'schedule.windows.instagram'", "Known",
                     id="unknown-network"),
        pytest.param({"x": "Monday 09:00-10:00"}, "'Monday' .* is not a day name", "Did you mean 'Mon'", id="day-name"),
        pytest.param({"x": "Mon-Fry 09:00-10:00"}, "'Fry' .* is not a day name", "Did you mean 'Fri'", id="typo-day"),
        pytest.param({"x": "Fri-Mon 09:00-10:00"}, "run backwards", "write Fri-Sun,Mon", id="backwards-days"),
        pytest.param({"x": "Mon 9:00-10:00"}, "'9:00' .* is not a time of day", "two digits", id="one-digit-hour"),
        pytest.param({"x": "Mon 09:60-10:00"}, "'09:60' .* is not a time of day", "00:00 to 23:59", id="bad-minute"),
        pytest.param({"x": "Mon 24:00-24:00"}, "'24:00' .* is not a time of day", "24:00 may end", id="start-24"),
        pytest.param({"x": "Mon 17:00-09:00"}, "ends at or before it starts", "cannot cross midnight",
                     id="end-before-start"),
        pytest.param({"x": "Mon 09:00-09:00"}, "ends at or before it starts", "split it", id="empty-window"),
        pytest.param({"x": "09:00-17:00"}, "is not days followed by a time range", "Mon-Fri", id="no-days"),
        pytest.param({"x": " ; "}, "schedule.windows.x has no posting window", "enabled = false", id="blank"),
        pytest.param({"x": 9}, "must be a table of texts", "windows =", id="not-text"),
    ],
)
def test_windows_are_validated_strictly(tmp_path, windows, message, hint):
    with pytest.raises(ConfigError, match=message) as raised:
        config_from_dict({"schedule": {"windows": windows}}, root=tmp_path)
    assert hint in raised.value.hint


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param({"max_per_day": 0}, "schedule.max_per_day must be a positive number", id="zero-per-day"),
        pytest.param({"min_spacing_minutes": "2h"}, "must be a whole number", id="spacing-not-a-number"),
        pytest.param({"horizon_days": 1000}, "more than a year", id="horizon-too-far"),
        pytest.param({"max_per_dya": 2}, "Did you mean 'max_per_day'", id="typo"),
    ],
)
def test_schedule_numbers_are_validated(tmp_path, raw, message):
    with pytest.raises(ConfigError, match=message):
        config_from_dict({"schedule": raw}, root=tmp_path)


def test_schedule_settings_defaults_partial_windows_and_round_trip(tmp_path):
    default = config_from_dict({}, root=tmp_path).schedule
    assert default == ScheduleSettings()
    assert dict(default.windows) == {"facebook": "Mon-Fri 09:00-17:00", "x": "Mon-Fri 09:00-17:00",
                                     "linkedin": "Mon-Fri 09:00-17:00"}
    assert (default.max_per_day, default.min_spacing_minutes, default.horizon_days) == (3, 120, 90)
    config = config_from_dict({"schedule": {"windows": {"x": "Sat 10:00-12:00"}, "max_per_day": 5}}, root=tmp_path)
    assert dict(config.schedule.windows) == {**default.windows, "x": "Sat 10:00-12:00"}
    text = config_as_toml(config)
    assert "[schedule]" in text
    assert config_from_dict(tomllib.loads(text), root=tmp_path) == config


# --- queue JSON ----------------------------------------------------------------------------------


def sample() -> tuple[list[QueueItem], Plan]:
    items = [item("2026-11-20-backpack-drive", deadline="2026-11-24", channels=("facebook", "x")),
             item("2026-11-21-foster-night", approved=5), item("2026-11-22-late", deadline="2026-11-20", approved=9),
             item("2026-11-22-embargoed", post_after="2027-06-01", approved=7)]
    pins = [pin("2026-11-20-backpack-drive", "2026-11-24", "10:00"), pin("ghost", "2026-11-24", "09:00")]
    return items, plan(items, settings=ScheduleSettings(), tz=TZ, now=NOW, pins=pins)


def test_queue_json_round_trips_and_is_stable():
    items, result = sample()
    text = queue_to_json(result, items, TZ)
    assert queue_from_json(text) == result
    assert queue_to_json(queue_from_json(text), items, TZ) == text
    document = json.loads(text)
    assert text == json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert document["timezone"] == "America/Chicago"
    first = document["slots"][0]
    assert first == {"at": "2026-11-23T09:00:00-06:00", "at_risk": False, "channel": "facebook",
                     "deadline": "2026-11-24", "item": "2026-11-20-backpack-drive", "pinned": False,
                     "title": "Title of 2026-11-20-backpack-drive"}
    assert [entry[:2] for entry in document["unplaced"]] == [["2026-11-22-embargoed", "x"], ["ghost", "x"]]
    assert [e["item"] for e in document["slots"] if e["at_risk"]] == ["2026-11-22-late"]
    assert queue_from_json(text).slots[0].at.tzinfo == TZ


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("{", "not valid JSON", id="broken"),
        pytest.param('{"format": "other"}', "not a postdesk-queue/1 document", id="wrong-format"),
        pytest.param('{"format": "postdesk-queue/1", "slots": {}}', "slots must be a list", id="slots-not-list"),
        pytest.param('{"format": "postdesk-queue/1", "slots": [{"item": "a", "channel": "x", "at": "2026-11-23T09:00",'
                     ' "deadline": null, "pinned": false, "at_risk": false}]}', "has no UTC offset", id="naive-time"),
        pytest.param('{"format": "postdesk-queue/1", "slots": [{"item": "a", "channel": "x", "at": "soon",'
                     ' "deadline": null, "pinned": false, "at_risk": false}]}', "bad date or time", id="bad-time"),
        pytest.param('{"format": "postdesk-queue/1", "slots": [{"item": "a", "channel": "x",'
                     ' "at": "2026-11-23T09:00-06:00", "pinned": "yes", "at_risk": false}]}', "pinned must be bool",
                     id="bad-flag"),
        pytest.param('{"format": "postdesk-queue/1", "timezone": "Mars/Olympus"}', "not a known time zone",
                     id="bad-zone"),
        pytest.param('{"format": "postdesk-queue/1", "unplaced": [{"item": "a"}]}', r"\[item, channel, reason\]",
                     id="bad-unplaced"),
    ],
)
def test_queue_from_json_refuses_what_it_did_not_write(text, message):
    with pytest.raises(ValueError, match=message):
        queue_from_json(text)


# --- pins file -----------------------------------------------------------------------------------

GOOD_PIN = '[[pin]]\nitem = "2026-11-20-backpack-drive"\nchannel = "x"\n'


def test_load_pins(tmp_path):
    assert load_pins(tmp_path / "missing.toml", tz=TZ) == ()
    path = tmp_path / "pins.toml"
    path.write_text(GOOD_PIN + 'at = "2026-12-01T10:00"\n\n[[pin]]\nitem = "2026-11-21-foster-night"\n'
                    'channel = "facebook"\nat = 2026-12-02T09:30:00\n\n[[pin]]\nitem = "a"\nchannel = "linkedin"\n'
                    'at = "2026-12-03T16:00:00Z"\n', encoding="utf-8")
    pins = load_pins(path, tz=TZ)
    assert pins == (Pin("2026-11-20-backpack-drive", "x", local("2026-12-01", "10:00")),
                    Pin("2026-11-21-foster-night", "facebook", local("2026-12-02", "09:30")),
                    Pin("a", "linkedin", local("2026-12-03", "10:00")))
    assert all(p.at.tzinfo == TZ for p in pins)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("[[pin]\n", "not valid TOML", id="broken-toml"),
        pytest.param("[pins]\n", "unknown table or key 'pins'", id="wrong-table"),
        pytest.param("pin = 3\n", "must be a list of", id="pin-not-tables"),
        pytest.param('[[pin]]\nitem = "a"\nchannel = "x"\n', r"pin #1 \(item 'a'\) has no 'at'", id="missing-at"),
        pytest.param('[[pin]]\nitem = "a"\nchannel = "x"\nat = "2026-12-01T10:00"\nwhen = 1\n',
                     "unknown key 'when'", id="unknown-key"),
        pytest.param('[[pin]]\nitem = "a.md"\nchannel = "x"\nat = "2026-12-01T10:00"\n',
                     "item 'a.md' is not a submission's name", id="item-with-md"),
        pytest.param(GOOD_PIN.replace('"x"', '"twitter"') + 'at = "2026-12-01T10:00"\n',
                     "channel 'twitter' is not a network", id="unknown-network"),
        pytest.param(GOOD_PIN + 'at = "2026-12-01"\n', "is not a date and time", id="date-only-text"),
        pytest.param(GOOD_PIN + "at = 2026-12-01\n", "needs a date and a time", id="date-only-toml"),
        pytest.param(GOOD_PIN + 'at = "2026-13-01T10:00"\n', "is not a date and time", id="month-13"),
        pytest.param(GOOD_PIN + "at = 10\n", "must be a date and time in quotes", id="number"),
        pytest.param(GOOD_PIN + 'at = "2026-03-08T02:30"\n', "does not exist in America/Chicago", id="skipped-hour"),
        pytest.param(GOOD_PIN + 'at = "2026-12-01T10:00"\n' + GOOD_PIN + 'at = "2026-12-02T10:00"\n',
                     r"pin #2 .* again \(pin #1 already does\)", id="duplicate"),
    ],
)
def test_load_pins_names_the_pin_and_the_problem(tmp_path, text, message):
    path = tmp_path / "pins.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as raised:
        load_pins(path, tz=TZ)
    assert raised.value.path == str(path)
    assert raised.value.hint


# --- table and calendar ---------------------------------------------------------------------------


def test_render_table():
    items, result = sample()
    text = render_table(result, items, TZ, now=NOW)
    lines = text.splitlines()
    assert lines[0] == ("Posting schedule as of Mon 23 Nov 2026 08:00 (America/Chicago): 4 posts, 1 at risk, "
                        "1 waiting, 1 not placed")
    assert lines[2].split() == ["When", "Network", "Title", "Deadline", "Flags"]
    assert "Mon 23 Nov 09:00  Facebook  Title of 2026-11-20-backpack-drive  Tue 24 Nov" in text
    assert any(line.startswith("Tue 24 Nov 10:00  X ") and line.endswith("pinned") for line in lines)
    assert any("Title of 2026-11-22-late" in line and line.endswith("AT RISK") for line in lines)
    summary = text.split("AT RISK (1)", 1)[1]
    assert "X: Title of 2026-11-22-late (2026-11-22-late) at Mon 23 Nov 2026 09:00, deadline Fri 20 Nov 2026" in summary
    # an embargo beyond the horizon is waiting (saved for later), not a problem; no room is
    waiting, stuck = summary.split("NOT PLACED (1):")
    assert "Waiting (1):" in waiting and "embargoed until 2027-06-01" in waiting and "no such item" not in waiting
    assert "no such item" in stuck and "embargoed" not in stuck
    later = render_table(result, items, TZ, now=local("2025-12-01", "08:00"))
    assert "Mon 23 Nov 2026 09:00" in later  # another year: the year is shown
    midday = render_table(result, items, TZ, now=local(MON, "12:00")).splitlines()
    assert [line[:16] for line in midday if line.endswith("past")] == ["Mon 23 Nov 09:00"] * 2 + ["Mon 23 Nov 11:00"]
    assert render_table(Plan((), (), ()), [], TZ, now=NOW).splitlines()[1] == "Nothing to post."


def test_render_ics_parses_back():
    items, result = sample()
    data = render_ics(result, items, TZ)
    assert data == render_ics(result, items, TZ)  # no clock inside: same plan, same bytes
    calendar = icalendar.Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    assert [str(event["uid"]) for event in events] == [f"{s.item}-{s.channel}@postdesk" for s in result.slots]
    assert [event["dtstart"].dt for event in events] == [slot.at for slot in result.slots]
    assert all(event["dtstart"].params["TZID"] == "America/Chicago" for event in events)
    assert all(event["duration"].dt == dt.timedelta(minutes=15) for event in events)
    assert [str(calendar.walk("VTIMEZONE")[0]["tzid"])] == ["America/Chicago"]
    by_uid = {str(event["uid"]): event for event in events}
    pinned = by_uid["2026-11-20-backpack-drive-x@postdesk"]
    assert str(pinned["summary"]) == "[X] Title of 2026-11-20-backpack-drive"
    assert "Deadline: Tue 24 Nov 2026" in str(pinned["description"])
    assert "Pinned by a reviewer" in str(pinned["description"])
    late = by_uid["2026-11-22-late-x@postdesk"]
    assert "AT RISK" in str(late["description"])
    assert "Deadline: none" in str(by_uid["2026-11-21-foster-night-x@postdesk"]["description"])


def test_render_ics_across_the_fall_back_change():
    items = [item(f"i{n}", approved=n) for n in range(4)]
    result = plan(items, settings=settings(windows="Mon-Sun 09:00-10:00", max_per_day=1), tz=TZ,
                  now=local("2026-10-30", "08:00"))
    events = icalendar.Calendar.from_ical(render_ics(result, items, TZ)).walk("VEVENT")
    assert [event["dtstart"].dt.astimezone(dt.UTC).hour for event in events] == [14, 14, 15, 15]
    assert {event["dtstart"].dt.hour for event in events} == {9}


def test_render_ics_of_an_empty_plan():
    calendar = icalendar.Calendar.from_ical(render_ics(Plan((), (), ()), [], TZ))
    assert list(calendar.walk("VEVENT")) == []


def test_missing_pins_file_is_no_pins(tmp_path: Path):
    assert load_pins(tmp_path / "nope" / "pins.toml", tz=TZ) == ()
