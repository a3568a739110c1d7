"""The ledger's states and transitions, and its files."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from postdesk.errors import LedgerError
from postdesk.ledger import (
    MAX_ATTEMPTS,
    Entry,
    ItemLedger,
    all_ledgers,
    ledger_file,
    mark_failed,
    mark_paused,
    mark_posted,
    mark_retry,
    mark_unknown,
    posted_channels,
    posted_links,
    read_ledger,
    recover,
    resolve_not_posted,
    resolve_posted,
    start_publishing,
    start_sending,
    write_ledger,
)

NOW = dt.datetime(2030, 7, 22, 14, 0, tzinfo=dt.UTC)
ITEM = "2030-07-20-backpack-drive"


def sending(**changes: object) -> Entry:
    return start_sending(Entry(), at=NOW, run="run-1")


def test_a_post_goes_scheduled_sending_publishing_posted_and_says_why_at_each_step():
    entry = start_sending(Entry(), at=NOW, run="run-1")
    assert (entry.state, entry.phase, entry.run, entry.attempts) == ("sending", "upload", "run-1", 1)
    entry = start_publishing(entry, at=NOW, media_ids=("m1", "m2"))
    assert (entry.state, entry.phase, entry.media_ids) == ("sending", "publish", ("m1", "m2"))
    entry = mark_posted(entry, at=NOW, post_id="42", url="https://x.com/a/status/42")
    assert (entry.state, entry.url, entry.posted_at, entry.media_ids) == (
        "posted", "https://x.com/a/status/42", "2030-07-22T14:00:00Z", ())
    assert [event.state for event in entry.history] == ["sending", "sending", "posted"]
    assert "photos uploaded (2)" in entry.history[1].note


@pytest.mark.parametrize("move", [
    lambda e: start_sending(e, at=NOW, run="again"),
    lambda e: mark_retry(e, at=NOW, reason="503"),
    lambda e: mark_unknown(e, at=NOW, reason="?"),
    lambda e: resolve_not_posted(e, at=NOW, by="pat"),
])
def test_posted_is_final(move):
    posted = mark_posted(sending(), at=NOW, post_id="1", url="https://x.com/a/status/1")
    with pytest.raises(LedgerError, match="cannot go from 'posted'"):
        move(posted)


def test_unknown_is_never_sent_again_without_a_person():
    unknown = mark_unknown(start_publishing(sending(), at=NOW, media_ids=()), at=NOW, reason="no answer")
    with pytest.raises(LedgerError, match="cannot go from 'unknown' to 'sending'"):
        start_sending(unknown, at=NOW, run="run-2")
    assert resolve_not_posted(unknown, at=NOW, by="pat").state == "scheduled"
    confirmed = resolve_posted(unknown, at=NOW, url="https://x.com/agency/status/77", by="pat")
    assert (confirmed.state, confirmed.post_id) == ("posted", "77")
    assert "confirmed posted by pat" in confirmed.history[-1].note


def test_a_dead_run_is_settled_by_its_phase():
    during_upload = recover(sending(), at=NOW)
    assert during_upload.state == "scheduled"
    assert "nothing was published" in during_upload.history[-1].note
    during_publish = recover(start_publishing(sending(), at=NOW, media_ids=("m1",)), at=NOW)
    assert during_publish.state == "unknown"
    assert "ledger resolve" in during_publish.reason


def test_temporary_failures_count_and_end_in_failed():
    entry = Entry()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        entry = mark_retry(start_sending(entry, at=NOW, run=f"run-{attempt}"), at=NOW, reason="503")
    assert entry.state == "failed"
    assert f"gave up after {MAX_ATTEMPTS} attempts" in entry.history[-1].note


def test_a_pause_does_not_count_as_an_attempt_and_keeps_the_retry_time():
    later = NOW + dt.timedelta(minutes=15)
    paused = mark_paused(sending(), at=NOW, reason="rate limited", retry_after=later)
    assert (paused.state, paused.attempts, paused.retry_after) == ("scheduled", 0, "2030-07-22T14:15:00Z")


def test_the_file_round_trips_and_is_stable(repo):
    ledger = ItemLedger(ITEM).with_entry("x", mark_posted(sending(), at=NOW, post_id="9", url="https://x.com/a/9"))
    ledger = ledger.with_entry("facebook", mark_failed(sending(), at=NOW, reason="refused"))
    path = write_ledger(repo.config, ledger)
    assert path == f"state/ledger/{ITEM}.json"
    text = (repo.root / path).read_text(encoding="utf-8")
    assert read_ledger(repo.config, ITEM) == ledger
    write_ledger(repo.config, read_ledger(repo.config, ITEM))
    assert (repo.root / path).read_text(encoding="utf-8") == text
    assert list(json.loads(text)["channels"]) == ["facebook", "x"]
    assert not list((repo.root / "state/ledger").glob(".*.tmp"))


def test_what_the_scheduler_and_the_site_read(repo):
    ledger = ItemLedger(ITEM)
    ledger = ledger.with_entry("x", mark_posted(sending(), at=NOW, post_id="9", url="https://x.com/a/9"))
    ledger = ledger.with_entry("facebook", sending())
    ledger = ledger.with_entry("linkedin", mark_retry(sending(), at=NOW, reason="503"))
    write_ledger(repo.config, ledger)
    assert posted_channels(repo.config, ITEM) == {"x", "facebook"}
    assert posted_links(repo.config, ITEM) == {"X": "https://x.com/a/9"}
    assert [item.item for item in all_ledgers(repo.config)] == [ITEM]


@pytest.mark.parametrize("text", ["{not json", '{"channels": {"myspace": {"state": "posted"}}}',
                                  '{"channels": {"x": {"state": "teleported"}}}', '{"channels": []}'])
def test_a_damaged_ledger_is_a_clear_error(repo, text):
    file = ledger_file(repo.config, ITEM)
    file.parent.mkdir(parents=True)
    file.write_text(text, encoding="utf-8")
    with pytest.raises(LedgerError) as caught:
        read_ledger(repo.config, ITEM)
    assert "cannot be read" in caught.value.message
    assert "git history" in caught.value.hint
    assert caught.value.path == f"state/ledger/{ITEM}.json"
