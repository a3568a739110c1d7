"""The posting schedule: when each approved post goes out on each network.

The communications team posts time-sensitive items quickly, saves the rest for later
and limits how much goes out (``[schedule]`` in postdesk.toml). :func:`plan` turns the
approved queue into slots. It is a pure function of its inputs (no clock, no files), so
the same queue always gives the same plan and a test can fix "now". The other functions
write a plan out (JSON for machines, a table for the terminal, iCalendar for the team's
calendars) and read reviewers' pins from a TOML file; only :func:`load_pins` touches a
file.

Planned times (the grid)
    Each posting window offers its start and then every ``min_spacing_minutes`` after
    it, while before the window's end: 09:00, 11:00, 13:00 and 15:00 by default. Grid
    times are round and predictable for the team, and two neighbouring grid times are
    exactly the minimum spacing apart, so a finer grid would not fit more posts into a
    day, only odder times. The price: "now" rounds up to the next grid time (an item
    approved at 09:05 goes out at 11:00 at the earliest), and a pin off the grid (10:00)
    blocks the grid times less than the spacing away on either side.

Time zones and daylight saving
    Grid times are wall-clock times in the agency's zone, built with the zone, so 09:00
    stays 09:00 across a change. Everything is compared and subtracted in UTC, because
    Python compares two datetimes of the same zone on their wall clocks, which is wrong
    in the repeated hour. A wall time that does not exist (the hour skipped in spring)
    is no grid time; a repeated one (autumn) means its first occurrence. Days (the
    daily maximum, the embargo from 00:00, the deadline until 23:59:59) are local days.

Order
    Per network: reviewers' pins first; then items with a deadline, earliest deadline
    first (then earliest approval, then id), each at the earliest free grid time; an
    item that can no longer make its deadline waits until every item that still can has
    its slot, then takes the earliest one left and is flagged at risk (so one hopeless
    item never makes an item that could still make it late too); then items with no
    deadline, oldest approval first. What fits nowhere within the horizon is reported in
    ``Plan.unplaced`` with the reason, never dropped.
"""

from __future__ import annotations

import bisect
import collections
import dataclasses
import datetime as dt
import difflib
import json
import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .config import Config, PostingWindow, ScheduleSettings
from .errors import ConfigError, LedgerError
from .model import CHANNEL_LABELS, CHANNELS, Finding, Submission

UTC = dt.UTC
QUEUE_FORMAT = "postdesk-queue/1"
"""The ``format`` field of :func:`queue_to_json` output; bumped when the layout changes."""
EVENT_MINUTES = 15
"""Length of a calendar entry: a reminder to post, not a meeting."""

_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class QueueItem:
    """An approved submission waiting to be posted, as the scheduler sees it.

    ``id`` is the submission's file stem (``2026-11-20-backpack-drive``); ``posted``
    names the networks it already went out on, which are never planned again.
    """

    id: str
    title: str
    channels: tuple[str, ...]
    deadline: dt.date | None
    post_after: dt.date | None
    approved_at: dt.datetime
    posted: frozenset[str] = frozenset()
    category: str = ""
    office: str = ""

    @classmethod
    def from_submission(cls, submission: Submission, *, approved_at: dt.datetime,
                        posted: Iterable[str] = ()) -> QueueItem:
        """The queue entry of an approved submission (``approved_at``: when it was merged)."""
        return cls(
            id=submission.path.rsplit("/", 1)[-1].removesuffix(".md"),
            title=submission.title,
            channels=tuple(submission.channels),
            deadline=submission.deadline,
            post_after=submission.post_after,
            approved_at=approved_at,
            posted=frozenset(posted),
            category=submission.category,
            office=submission.office,
        )


@dataclass(frozen=True)
class Pin:
    """A reviewer fixes the time of one item on one network (``at`` is tz-aware)."""

    item: str
    channel: str
    at: dt.datetime


@dataclass(frozen=True)
class Slot:
    """One planned post: ``item`` goes out on ``channel`` at ``at`` (in the agency's zone).

    ``at_risk`` means the slot is after the end of the item's deadline day: the post may
    be useless by then, so a person should look at it.
    """

    item: str
    channel: str
    at: dt.datetime
    pinned: bool
    deadline: dt.date | None
    at_risk: bool


@dataclass(frozen=True)
class Plan:
    """The schedule: ``slots`` in time order, the ``at_risk`` ones again, and what fits nowhere.

    ``unplaced`` holds ``(item, channel, reason)`` for every post that has no slot within
    the horizon and for every pin that was ignored, so nothing disappears unexplained.
    """

    slots: tuple[Slot, ...]
    at_risk: tuple[Slot, ...]
    unplaced: tuple[tuple[str, str, str], ...]


def make_plan(slots: Iterable[Slot], unplaced: Iterable[tuple[str, str, str]] = ()) -> Plan:
    """A Plan in canonical order: slots by (time, channel, item), unplaced by (item, channel, reason)."""
    ordered = tuple(sorted(slots, key=lambda s: (_utc(s.at, "a slot's time"), s.channel, s.item)))
    return Plan(slots=ordered, at_risk=tuple(s for s in ordered if s.at_risk), unplaced=tuple(sorted(unplaced)))


# --- planning -------------------------------------------------------------------------


def plan(items: Iterable[QueueItem], *, settings: ScheduleSettings, tz: ZoneInfo, now: dt.datetime,
         pins: Sequence[Pin] = ()) -> Plan:
    """Plan every item on every network it still needs, within ``settings`` (see the module notes).

    Deterministic: the order of ``items`` and ``pins`` does not matter, ties go to the
    smaller item id. ``now`` and every ``approved_at`` and pin time must be tz-aware.
    """
    now_utc = _utc(now, "now")
    queue: dict[str, QueueItem] = {}
    for item in items:
        if item.id in queue:
            raise ValueError(f"the queue holds the item '{item.id}' twice")
        _utc(item.approved_at, f"approved_at of '{item.id}'")
        queue[item.id] = item
    today = now_utc.astimezone(tz).date()
    horizon_end = today + dt.timedelta(days=settings.horizon_days)  # the first day not planned
    spacing = dt.timedelta(minutes=settings.min_spacing_minutes)
    lanes: dict[str, _Lane] = {}

    def lane(channel: str) -> _Lane:
        if channel not in lanes:
            windows = settings.windows_for(channel) if channel in settings.windows else ()
            grid = _grid(windows, tz, today, horizon_end, settings.min_spacing_minutes, now_utc)
            lanes[channel] = _Lane(grid, tz=tz, max_per_day=settings.max_per_day, spacing=spacing)
        return lanes[channel]

    slots: list[Slot] = []
    unplaced: list[tuple[str, str, str]] = []
    pinned: dict[tuple[str, str], dt.datetime] = {}
    for pin in sorted(pins, key=lambda p: (_utc(p.at, "a pin's time"), p.channel, p.item)):
        at = _utc(pin.at, "a pin's time")
        problem = _pin_problem(pin, at, queue.get(pin.item), pinned, now_utc, tz)
        if problem:
            unplaced.append((pin.item, pin.channel, problem))
            continue
        lane(pin.channel).take(at)  # a pin counts against the day and the spacing like any post
        pinned[pin.item, pin.channel] = at
        slots.append(_slot(queue[pin.item], pin.channel, at, tz, pinned=True))

    def place(item: QueueItem, channel: str, *, defer_if_late: bool) -> tuple[QueueItem, str] | None:
        start = _not_before(item, now_utc, tz)
        at = lane(channel).earliest(start)
        if at is None:
            unplaced.append((item.id, channel, _no_room_reason(item, channel, start, settings, tz,
                                                               horizon_end, bool(lane(channel).grid))))
            return None
        if defer_if_late and item.deadline is not None and at > _day_end(item.deadline, tz):
            return item, channel
        lane(channel).take(at)
        slots.append(_slot(item, channel, at, tz, pinned=False))
        return None

    def still_wanted(item: QueueItem) -> list[str]:
        return [c for c in item.channels if c not in item.posted and (item.id, c) not in pinned]

    dated = sorted((i for i in queue.values() if i.deadline is not None),
                   key=lambda i: (i.deadline, _utc(i.approved_at, ""), i.id))
    late = [deferred for item in dated for channel in still_wanted(item)
            if (deferred := place(item, channel, defer_if_late=True)) is not None]
    for item, channel in late:
        place(item, channel, defer_if_late=False)
    saved = sorted((i for i in queue.values() if i.deadline is None), key=lambda i: (_utc(i.approved_at, ""), i.id))
    for item in saved:
        for channel in still_wanted(item):
            place(item, channel, defer_if_late=False)
    return make_plan(slots, unplaced)


class _Lane:
    """One network's calendar while planning: its grid times and the times already taken (UTC)."""

    def __init__(self, grid: list[dt.datetime], *, tz: ZoneInfo, max_per_day: int, spacing: dt.timedelta) -> None:
        self.grid = grid
        self._tz = tz
        self._max_per_day = max_per_day
        self._spacing = spacing
        self._taken: list[dt.datetime] = []
        self._per_day: collections.Counter[dt.date] = collections.Counter()

    def take(self, at: dt.datetime) -> None:
        bisect.insort(self._taken, at)
        self._per_day[at.astimezone(self._tz).date()] += 1

    def fits(self, at: dt.datetime) -> bool:
        if self._per_day[at.astimezone(self._tz).date()] >= self._max_per_day:
            return False
        index = bisect.bisect_left(self._taken, at)  # only the nearest neighbours can be too close
        if index < len(self._taken) and self._taken[index] - at < self._spacing:
            return False
        return not (index > 0 and at - self._taken[index - 1] < self._spacing)

    def earliest(self, not_before: dt.datetime) -> dt.datetime | None:
        for at in self.grid[bisect.bisect_left(self.grid, not_before):]:
            if self.fits(at):
                return at
        return None


def _grid(windows: Sequence[PostingWindow], tz: ZoneInfo, first_day: dt.date, end_day: dt.date,
          step_minutes: int, not_before: dt.datetime) -> list[dt.datetime]:
    """Every grid time (UTC) from ``not_before`` on, on the local days ``first_day`` up to ``end_day``."""
    times: set[dt.datetime] = set()
    day = first_day
    while day < end_day:
        for window in windows:
            if day.weekday() in window.days:
                for minute in range(window.start, window.end, step_minutes):
                    at = _wall(day, minute, tz)
                    if at is not None and at >= not_before:
                        times.add(at)
        day += dt.timedelta(days=1)
    return sorted(times)


def _wall(day: dt.date, minute: int, tz: ZoneInfo) -> dt.datetime | None:
    """The UTC instant of a local wall time; None in the hour skipped in spring; the first of a repeated one."""
    naive = dt.datetime.combine(day, dt.time(minute // 60, minute % 60))
    at = naive.replace(tzinfo=tz).astimezone(UTC)
    return at if at.astimezone(tz).replace(tzinfo=None) == naive else None


def _day_start(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz).astimezone(UTC)


def _day_end(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=tz).astimezone(UTC)


def _not_before(item: QueueItem, now_utc: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    if item.post_after is None:
        return now_utc
    return max(now_utc, _day_start(item.post_after, tz))


def _slot(item: QueueItem, channel: str, at: dt.datetime, tz: ZoneInfo, *, pinned: bool) -> Slot:
    late = item.deadline is not None and at > _day_end(item.deadline, tz)
    return Slot(item=item.id, channel=channel, at=at.astimezone(tz), pinned=pinned, deadline=item.deadline,
                at_risk=late)


def _pin_problem(pin: Pin, at: dt.datetime, item: QueueItem | None, pinned: dict[tuple[str, str], dt.datetime],
                 now_utc: dt.datetime, tz: ZoneInfo) -> str:
    """Why a pin is ignored ("" when it is kept). An ignored pin's post is planned like any other."""
    when = _when(at.astimezone(tz), year=True)
    label = _label(pin.channel)
    if item is None:
        return f"pin at {when}: no such item in the queue (not approved yet, or already removed)"
    if pin.channel not in item.channels:
        return f"pin at {when}: {label} is not one of the item's networks ({', '.join(map(_label, item.channels))})"
    if pin.channel in item.posted:
        return f"pin at {when}: already posted on {label}, pin ignored"
    if (pin.item, pin.channel) in pinned:
        kept = _when(pinned[pin.item, pin.channel].astimezone(tz), year=True)
        return f"pin at {when}: a second pin for this post, ignored (the pin at {kept} is kept)"
    if at < now_utc:
        return f"pin at {when} is in the past: ignored, planned automatically"
    if item.post_after is not None and at < _day_start(item.post_after, tz):
        return (f"pin at {when} is before the embargo (post_after {item.post_after.isoformat()}): "
                "ignored, planned automatically")
    return ""


WAITING = "embargoed until"
"""How an unplaced reason starts when the item is simply not due yet (its embargo lies
beyond the horizon): waiting, not a problem; see :func:`is_waiting`."""


def is_waiting(reason: str) -> bool:
    """True when an unplaced item only waits for its embargo, which is no cause for alarm."""
    return reason.startswith(WAITING)


def _no_room_reason(item: QueueItem, channel: str, start: dt.datetime, settings: ScheduleSettings, tz: ZoneInfo,
                    horizon_end: dt.date, has_grid: bool) -> str:
    last_day = _day_label(horizon_end - dt.timedelta(days=1), year=True)
    horizon = f"the {settings.horizon_days}-day horizon (up to {last_day})"
    if channel not in settings.windows:
        return f"no posting windows for '{channel}' in [schedule] windows"
    if item.post_after is not None and item.post_after >= horizon_end:
        return f"{WAITING} {item.post_after.isoformat()}, after {horizon}"
    if not has_grid:
        return f"no posting window on {_label(channel)} within {horizon}"
    return (f"no free slot on {_label(channel)} from {_when(start.astimezone(tz), year=True)} to the end of "
            f"{horizon}: raise schedule.max_per_day or widen the windows")


def _utc(value: dt.datetime, what: str) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what or 'a time'} must be tz-aware, not {value!r}")
    return value.astimezone(UTC)


# --- writing a plan out -----------------------------------------------------------------


def queue_to_json(plan: Plan, items: Iterable[QueueItem], tz: ZoneInfo) -> str:
    """The plan as stable JSON (sorted keys, ISO times with their offset): the same plan, the same bytes.

    One object per slot (item, title, channel, at, deadline, pinned, at_risk); ``unplaced``
    is a list of ``[item, channel, reason]``, as in :class:`Plan` (the editorial page reads it so).
    """
    titles = {item.id: item.title for item in items}
    document = {
        "format": QUEUE_FORMAT,
        "timezone": tz.key,
        "slots": [
            {
                "item": slot.item,
                "title": titles.get(slot.item, ""),
                "channel": slot.channel,
                "at": slot.at.astimezone(tz).isoformat(timespec="seconds"),
                "deadline": slot.deadline.isoformat() if slot.deadline else None,
                "pinned": slot.pinned,
                "at_risk": slot.at_risk,
            }
            for slot in plan.slots
        ],
        "unplaced": [[item, channel, reason] for item, channel, reason in plan.unplaced],  # as in Plan.unplaced
    }
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def queue_from_json(text: str) -> Plan:
    """Read back what :func:`queue_to_json` wrote; anything else is a ValueError saying what is wrong."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"the queue is not valid JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != QUEUE_FORMAT:
        raise ValueError(f"the queue is not a {QUEUE_FORMAT} document")
    try:
        tz: dt.tzinfo | None = ZoneInfo(document["timezone"]) if document.get("timezone") else None
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"the queue's timezone {document.get('timezone')!r} is not a known time zone") from None
    slots = []
    for number, entry in enumerate(_entries(document, "slots"), 1):
        where = f"slots[{number - 1}]"
        at = _field(entry, "at", str, where)
        deadline = None if entry.get("deadline") is None else _field(entry, "deadline", str, where)
        try:
            when = dt.datetime.fromisoformat(at)
            day = None if deadline is None else dt.date.fromisoformat(deadline)
        except ValueError as exc:
            raise ValueError(f"the queue's {where} has a bad date or time: {exc}") from None
        if when.tzinfo is None:
            raise ValueError(f"the queue's {where}.at {at!r} has no UTC offset")
        slots.append(Slot(item=_field(entry, "item", str, where), channel=_field(entry, "channel", str, where),
                          at=when.astimezone(tz) if tz else when, pinned=_field(entry, "pinned", bool, where),
                          deadline=day, at_risk=_field(entry, "at_risk", bool, where)))
    unplaced = document.get("unplaced", [])
    if not (isinstance(unplaced, list) and all(isinstance(entry, list) and len(entry) == 3
                                               and all(isinstance(part, str) for part in entry)
                                               for entry in unplaced)):
        raise ValueError("the queue's unplaced must be a list of [item, channel, reason] texts")
    return make_plan(slots, [(item, channel, reason) for item, channel, reason in unplaced])


def _entries(document: dict[str, Any], key: str) -> list[dict[str, Any]]:
    entries = document.get(key, [])
    if not (isinstance(entries, list) and all(isinstance(entry, dict) for entry in entries)):
        raise ValueError(f"the queue's {key} must be a list of objects")
    return entries


def _field(entry: dict[str, Any], key: str, kind: type, where: str) -> Any:
    value = entry.get(key)
    if not isinstance(value, kind):
        raise ValueError(f"the queue's {where}.{key} must be {kind.__name__}, not {value!r}")
    return value


def render_table(plan: Plan, items: Iterable[QueueItem], tz: ZoneInfo, *, now: dt.datetime) -> str:
    """The plan for a terminal: one line per post, then what is at risk and what did not fit."""
    titles = {item.id: item.title for item in items}
    local_now = _utc(now, "now").astimezone(tz)
    this_year = local_now.year
    waiting = sum(is_waiting(reason) for _item, _channel, reason in plan.unplaced)
    lines = [f"Posting schedule as of {_when(local_now, year=True)} ({tz.key}): {len(plan.slots)} posts, "
             f"{len(plan.at_risk)} at risk, {waiting} waiting, {len(plan.unplaced) - waiting} not placed"]
    if plan.slots:
        rows = [("When", "Network", "Title", "Deadline", "Flags")]
        for slot in plan.slots:
            local = slot.at.astimezone(tz)
            flags = [flag for flag, on in (("pinned", slot.pinned), ("AT RISK", slot.at_risk),
                                           ("past", slot.at < local_now)) if on]
            rows.append((_when(local, year=local.year != this_year), _label(slot.channel),
                         _clip(titles.get(slot.item) or slot.item, 48),
                         _day_label(slot.deadline, year=slot.deadline.year != this_year) if slot.deadline else "-",
                         " ".join(flags)))
        widths = [max(len(row[column]) for row in rows) for column in range(4)]
        lines.append("")
        lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, [*widths, 0], strict=True)).rstrip()
                  for row in rows]
    else:
        lines.append("Nothing to post.")
    if plan.at_risk:
        lines += ["", f"AT RISK ({len(plan.at_risk)}): planned after the last day the post is useful."
                      " Post it sooner by hand or pin it, or let it go."]
        for slot in plan.at_risk:
            deadline = _day_label(slot.deadline, year=True) if slot.deadline else "-"
            lines.append(f"  {_label(slot.channel)}: {titles.get(slot.item) or slot.item} ({slot.item}) "
                         f"at {_when(slot.at.astimezone(tz), year=True)}, deadline {deadline}")
    waiting_entries = [entry for entry in plan.unplaced if is_waiting(entry[2])]
    stuck = [entry for entry in plan.unplaced if not is_waiting(entry[2])]
    if waiting_entries:  # not due yet: its embargo lies beyond the horizon, nothing to do
        lines += ["", f"Waiting ({len(waiting_entries)}): saved for later, not due within the schedule yet."]
        lines += [f"  {_label(channel)}: {titles.get(item) or item} ({item}): {reason}"
                  for item, channel, reason in waiting_entries]
    if stuck:
        lines += ["", f"NOT PLACED ({len(stuck)}): no free slot could be found; a person decides."]
        lines += [f"  {_label(channel)}: {titles.get(item) or item} ({item}): {reason}"
                  for item, channel, reason in stuck]
    return "\n".join(lines) + "\n"


def render_ics(plan: Plan, items: Iterable[QueueItem], tz: ZoneInfo) -> bytes:
    """The plan as an iCalendar feed the team can subscribe to: one 15-minute event per post.

    UIDs are stable (``{item}-{channel}@postdesk``), so a moved post moves in the
    calendar instead of appearing twice. DTSTAMP is the item's approval time, not the
    clock, so the same plan gives the same bytes.
    """
    from icalendar import Calendar, Event  # only the calendar needs it

    queue = {item.id: item for item in items}
    calendar = Calendar()
    calendar.add("prodid", "-//postdesk//posting schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Posting schedule")
    calendar.add("x-wr-timezone", tz.key)
    for slot in plan.slots:
        item = queue.get(slot.item)
        title = item.title if item and item.title else slot.item
        details = [f"Item: {slot.item}", f"Network: {_label(slot.channel)}",
                   f"Deadline: {_day_label(slot.deadline, year=True)}" if slot.deadline
                   else "Deadline: none (saved for later)"]
        if slot.pinned:
            details.append("Pinned by a reviewer.")
        if slot.at_risk:
            details.append("AT RISK: planned after the last day the post is useful.")
        event = Event()
        event.add("uid", f"{slot.item}-{slot.channel}@postdesk")
        event.add("dtstamp", _utc(item.approved_at, "approved_at") if item else _utc(slot.at, "a slot's time"))
        event.add("dtstart", slot.at.astimezone(tz))
        event.add("duration", dt.timedelta(minutes=EVENT_MINUTES))
        event.add("summary", f"[{_label(slot.channel)}] {title}")
        event.add("description", "\n".join(details))
        event.add("transp", "TRANSPARENT")  # a reminder to post does not make anyone busy
        calendar.add_component(event)
    if plan.slots:
        first = plan.slots[0].at.astimezone(tz).date() - dt.timedelta(days=1)
        last = plan.slots[-1].at.astimezone(tz).date() + dt.timedelta(days=1)
        calendar.add_missing_timezones(first, last)
    return calendar.to_ical()


def _label(channel: str) -> str:
    return CHANNEL_LABELS.get(channel, channel)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _day_label(day: dt.date, *, year: bool) -> str:
    """``Mon 30 Nov`` (English whatever the locale, so output is the same everywhere)."""
    text = f"{_DAY_NAMES[day.weekday()]} {day.day} {_MONTH_NAMES[day.month - 1]}"
    return f"{text} {day.year}" if year else text


def _when(local: dt.datetime, *, year: bool) -> str:
    return f"{_day_label(local.date(), year=year)} {local:%H:%M}"


# --- reviewers' pins (the only file this module reads) ------------------------------------

_PIN_KEYS = ("item", "channel", "at")
_PIN_EXAMPLE = '[[pin]]\nitem = "2026-11-20-backpack-drive"\nchannel = "x"\nat = "2026-12-01T10:00"'
_LOCAL_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:\d{2})?")


def pins_from_toml(text: str, *, tz: ZoneInfo, source: str = "pins.toml") -> tuple[Pin, ...]:
    """Pins from the text of a pins file: ``[[pin]]`` tables of ``item``, ``channel`` and ``at``.

    ``at`` is local time in ``tz`` (``"2026-12-01T10:00"``, or a TOML date-time); a
    repeated wall time means its first occurrence, a skipped one is refused. Any
    mistake is a ConfigError naming the pin and what is wrong with it.
    """
    def fail(message: str, hint: str = f"Write each pin like\n{_PIN_EXAMPLE}") -> ConfigError:
        return ConfigError(message, hint=hint, path=source)

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise fail(f"not valid TOML: {exc}") from None
    for key in raw:
        if key != "pin":
            raise fail(f"unknown table or key '{key}'; only [[pin]] tables belong here.")
    entries = raw.get("pin", [])
    if not (isinstance(entries, list) and all(isinstance(entry, dict) for entry in entries)):
        raise fail("'pin' must be a list of [[pin]] tables.")
    pins: list[Pin] = []
    first_pin: dict[tuple[str, str], int] = {}
    for number, entry in enumerate(entries, 1):
        name = f"pin #{number}" + (f" (item '{entry['item']}')" if isinstance(entry.get("item"), str) else "")
        for key in entry:
            if key not in _PIN_KEYS:
                close = difflib.get_close_matches(key, _PIN_KEYS, n=1)
                raise fail(f"{name} has an unknown key '{key}'.",
                           f"Did you mean '{close[0]}'?" if close else "A pin has item, channel and at.")
        for key in _PIN_KEYS:
            if key not in entry:
                raise fail(f"{name} has no '{key}'.")
        item, channel = entry["item"], entry["channel"]
        if not isinstance(item, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", item):
            hint = ("Write the file name without folder or .md, e.g. 2026-11-20-backpack-drive."
                    if isinstance(item, str) and item else "item is the submission's file name without .md.")
            raise fail(f"{name}: item {item!r} is not a submission's name.", hint)
        if channel not in CHANNELS:
            close = difflib.get_close_matches(str(channel), CHANNELS, n=1)
            raise fail(f"{name}: channel {channel!r} is not a network.",
                       f"Did you mean '{close[0]}'?" if close else f"Use one of {', '.join(CHANNELS)}.")
        at = _pin_time(entry["at"], tz, lambda problem, n=name: fail(f"{n}: {problem}",
                                                                   'Write at = "2026-12-01T10:00" (local time).'))
        if (item, channel) in first_pin:
            raise fail(f"{name} pins {item} on {channel} again (pin #{first_pin[item, channel]} already does).",
                       "Keep one pin per item and network.")
        first_pin[item, channel] = number
        pins.append(Pin(item=item, channel=channel, at=at))
    return tuple(pins)


def _pin_time(value: object, tz: ZoneInfo, fail: Callable[[str], ConfigError]) -> dt.datetime:
    if isinstance(value, str):
        if not _LOCAL_TIME.fullmatch(value.strip()):
            raise fail(f"at {value!r} is not a date and time.")
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError as exc:
            raise fail(f"at {value!r} is not a date and time: {exc}.") from None
    if not isinstance(value, dt.datetime):
        raise fail(f"at {value!r} needs a date and a time." if isinstance(value, dt.date)
                   else f"at must be a date and time in quotes, not {value!r}.")
    assert isinstance(value, dt.datetime)
    if value.tzinfo is not None:
        return value.astimezone(tz)
    local = value.replace(tzinfo=tz)
    if local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != value:
        raise fail(f"at {value.isoformat(sep=' ', timespec='minutes')} does not exist in {tz.key} "
                   "(the clocks skip that hour).")
    return local


def load_pins(path: Path, *, tz: ZoneInfo) -> tuple[Pin, ...]:
    """Reviewers' pins from ``path``; a missing file means no pins."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot be read: {exc}", path=path,
                          hint="The pins file must be UTF-8 text.") from None
    return pins_from_toml(text, tz=tz, source=str(path))



# --------------------------------------------------------------------------- the repository


QUEUE_FILE = "state/queue.json"
PINS_FILE = "state/pins.toml"


def queue_items(config: Config) -> list[QueueItem]:
    """Every approved item that can be read, with its approval time and the networks it was already posted on."""
    return read_queue(config)[0]


def read_queue(config: Config) -> tuple[list[QueueItem], list[Finding]]:
    """Every approved item that can be planned, and a finding for each one that cannot.

    One bad item never stops the others (see :mod:`postdesk.approved`). An item is left
    out, and so never planned or posted, when its file is not named like an item, cannot
    be read, or its ledger cannot be read: without the ledger nobody knows where it was
    already posted, and planning it again could post it twice.
    """
    from .approvals import approval_time
    from .approved import approved_files, read_item
    from .ledger import ledger_path, posted_channels

    files, problems = approved_files(config)
    items = []
    for file in files:
        sub, findings = read_item(config, file)
        if sub is None:
            problems += findings
            continue
        try:
            posted = posted_channels(config, file.stem)
        except LedgerError as exc:
            problems.append(Finding(ledger_path(file.stem), "ledger.unreadable", exc.message,
                                    f"{exc.hint} Until then {file.stem} is not scheduled, so it cannot be posted "
                                    "twice."))
            continue
        approved_at = approval_time(config, file.stem) or dt.datetime.fromtimestamp(file.stat().st_mtime, dt.UTC)
        items.append(QueueItem.from_submission(sub, approved_at=approved_at, posted=posted))
    return items, problems


def schedule_repository(config: Config, *, now: dt.datetime,
                        items: list[QueueItem] | None = None) -> tuple[Plan, list[QueueItem], str]:
    """Plan every approved, not yet posted item; returns the plan, the items and the queue file's text.

    ``items`` are the approved items (default: :func:`queue_items`; a caller that reports the
    items that cannot be read passes those of :func:`read_queue`).

    A slot of the committed queue whose time has come but whose post has not gone out yet
    (posting runs hourly; a merge may come in between) keeps its time: re-planning it
    from ``now`` would push it back behind newer items each time someone merges.
    """
    items = queue_items(config) if items is None else items
    pins = load_pins(config.root / PINS_FILE, tz=config.tz)
    carried = due_slots_to_keep(_committed_queue(config), items, now=now)
    kept = {(slot.item, slot.channel) for slot in carried}
    to_plan = [dataclasses.replace(item, posted=item.posted | {c for i, c in kept if i == item.id})
               if any(i == item.id for i, _ in kept) else item for item in items]
    fresh = plan(to_plan, settings=config.schedule, tz=config.tz, now=now, pins=pins)
    result = make_plan([*carried, *fresh.slots], fresh.unplaced)
    return result, items, queue_to_json(result, items, config.tz)


def due_slots_to_keep(committed: Plan, items: Iterable[QueueItem], *, now: dt.datetime) -> list[Slot]:
    """The committed slots whose time has come and whose post is still wanted and not yet out (pure)."""
    wanted = {(item.id, channel) for item in items for channel in item.channels if channel not in item.posted}
    return [slot for slot in committed.slots if slot.at <= now and (slot.item, slot.channel) in wanted]


def _committed_queue(config: Config) -> Plan:
    file = config.root / QUEUE_FILE
    try:
        return queue_from_json(file.read_text(encoding="utf-8")) if file.is_file() else make_plan([])
    except ValueError:
        return make_plan([])  # an unreadable queue is simply planned afresh
