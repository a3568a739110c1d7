"""The pure rules of posting: which slots are due, and what each error means for the ledger."""

from __future__ import annotations

import datetime as dt

import pytest

from postdesk.errors import (
    AuthFailed,
    ChannelError,
    DuplicatePost,
    NotOffered,
    OutdatedVersion,
    RateLimited,
    Rejected,
    Unavailable,
)
from postdesk.ledger import MAX_ATTEMPTS, Entry, ItemLedger, mark_posted, mark_retry, start_publishing, start_sending
from postdesk.post import due_slots, settle
from postdesk.schedule import Slot, make_plan

NOW = dt.datetime(2030, 7, 22, 14, 0, tzinfo=dt.UTC)


def slot(item: str, channel: str, minutes: int) -> Slot:
    return Slot(item=item, channel=channel, at=NOW + dt.timedelta(minutes=minutes), pinned=False, deadline=None,
                at_risk=False)


def test_due_slots_are_the_come_and_still_scheduled_ones_in_slot_order():
    plan = make_plan([slot("b", "x", -60), slot("a", "x", -30), slot("a", "facebook", -60), slot("c", "x", 1),
                      slot("d", "linkedin", -5), slot("e", "x", -5)])
    posted = mark_posted(start_sending(Entry(), at=NOW, run="r"), at=NOW, post_id="1", url="https://x.com/a/1")
    later = NOW + dt.timedelta(hours=1)
    waiting = mark_retry(start_sending(Entry(), at=NOW, run="r"), at=NOW, reason="rate", retry_after=later)
    ledgers = {"d": ItemLedger("d", {"linkedin": posted}), "e": ItemLedger("e", {"x": waiting})}
    due = due_slots(plan, ledgers, now=NOW)
    assert [(s.item, s.channel) for s in due] == [("a", "facebook"), ("b", "x"), ("a", "x")]
    assert ("e", "x") in [(s.item, s.channel) for s in due_slots(plan, ledgers, now=later)]
    assert [s.channel for s in due_slots(plan, ledgers, now=NOW, channels=("x",))] == ["x", "x"]


def publishing() -> Entry:
    return start_publishing(start_sending(Entry(), at=NOW, run="r"), at=NOW, media_ids=("m",))


RESET = NOW.timestamp() + 3600


@pytest.mark.parametrize(("error", "state", "alert", "stops"), [
    (RateLimited("slow down", retry_at=RESET, channel="x"), "scheduled", False, "rate limited"),
    (AuthFailed("token expired", secrets=("X_ACCESS_TOKEN",), channel="x"), "scheduled", True, "X_ACCESS_TOKEN"),
    (OutdatedVersion("version 202401 retired", channel="linkedin"), "scheduled", True, "postdesk.toml"),
    (NotOffered("credits used up", channel="x"), "scheduled", True, "developer portal"),
    (DuplicatePost("duplicate content", channel="x"), "posted", True, ""),
    (Unavailable("503", channel="x"), "scheduled", False, ""),
    (Unavailable("read timeout", channel="x", maybe_sent=True), "unknown", True, ""),
    (Rejected("text too long", channel="x"), "failed", True, ""),
    (ChannelError("photo unreadable", channel="x"), "failed", True, ""),
])
def test_each_error_class_settles_the_entry(error, state, alert, stops):
    settled = settle(publishing(), error, at=NOW)
    assert settled.entry.state == state
    assert settled.alert is alert
    assert stops in settled.stop_channel if stops else settled.stop_channel == ""
    assert settled.entry.history[-1].state == state
    assert settled.message


def test_a_rate_limit_keeps_the_reset_time_and_does_not_count_as_an_attempt():
    settled = settle(publishing(), RateLimited("slow down", retry_at=RESET, channel="x"), at=NOW)
    assert settled.entry.retry_after == "2030-07-22T15:00:00Z"
    assert settled.entry.attempts == 0


def test_a_duplicate_is_posted_without_an_address_and_says_how_to_add_it():
    settled = settle(publishing(), DuplicatePost("duplicate", channel="facebook"), at=NOW)
    assert (settled.entry.url, settled.entry.post_id) == ("", "")
    assert "ledger resolve" in settled.message


def test_an_outage_that_lasts_gives_up_after_the_last_attempt():
    entry = Entry()
    for attempt in range(MAX_ATTEMPTS):
        entry = start_sending(entry, at=NOW, run=f"r{attempt}")
        settled = settle(entry, Unavailable("503", channel="x"), at=NOW)
        entry = settled.entry
    assert entry.state == "failed"
    assert settled.alert


def test_a_rate_limit_pauses_the_whole_network_until_its_reset():
    plan = make_plan([slot("a", "x", -60), slot("b", "x", -30), slot("b", "facebook", -30)])
    later = NOW + dt.timedelta(hours=1)
    limited = settle(publishing(), RateLimited("slow", retry_at=later.timestamp(), channel="x"), at=NOW).entry
    ledgers = {"a": ItemLedger("a", {"x": limited})}
    assert [(s.item, s.channel) for s in due_slots(plan, ledgers, now=NOW)] == [("b", "facebook")]
    assert len(due_slots(plan, ledgers, now=later + dt.timedelta(seconds=1))) == 3
