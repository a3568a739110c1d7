"""The ledger: the record, in git, of what was sent to each network. Git is the database.

One JSON file per item, ``state/ledger/<item>.json``, with one entry per network::

    {"item": "2026-11-20-backpack-drive",
     "channels": {"x": {"state": "posted", "post_id": "1850", "url": "https://x.com/...",
                        "posted_at": "2026-11-24T15:00:05Z", "attempts": 1, "history": [...]}}}

The states, and the only ways between them (:data:`TRANSITIONS`)::

    scheduled ──> sending ──> posted
        ^            │  ├───> failed     (the network refused the content; a person looks)
        │            │  └───> unknown    (the run died, or the answer was lost, after the
        │            │                    post may have been made; a person confirms)
        └────────────┘  back to scheduled when it is certain nothing was published
                        (a rate limit, an expired token, a network outage, a crash
                        while uploading photos)

``sending`` is committed *before* the first request to the network and has a
``phase``: ``upload`` while photos are uploaded (nothing is public yet), then
``publish`` right before the request that creates the post. A run that finds
``sending`` knows the previous run died: in the upload phase the item safely goes
back to scheduled; in the publish phase it becomes ``unknown`` and is never posted
again blindly. ``postdesk ledger resolve`` is how a person settles ``unknown`` and
``failed`` entries.

Every change appends to the entry's ``history`` (time, state, why), so every state
can be explained from the file alone. This module is pure apart from
:func:`read_ledger` and :func:`write_ledger`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Config
from .errors import LedgerError
from .files import write_text_atomically
from .model import CHANNEL_LABELS, CHANNELS, is_network_url

LEDGER = "state/ledger"

SCHEDULED, SENDING, POSTED, FAILED, UNKNOWN = "scheduled", "sending", "posted", "failed", "unknown"
STATES = (SCHEDULED, SENDING, POSTED, FAILED, UNKNOWN)
TRANSITIONS: Mapping[str, frozenset[str]] = {
    SCHEDULED: frozenset({SENDING, FAILED}),
    SENDING: frozenset({SENDING, POSTED, FAILED, UNKNOWN, SCHEDULED}),
    POSTED: frozenset({POSTED}),  # a person may correct the address of a post
    FAILED: frozenset({SCHEDULED, POSTED}),
    UNKNOWN: frozenset({SCHEDULED, POSTED}),
}
"""Allowed moves. ``posted`` is final: nothing may schedule an item for a network again once it is there."""

DONE_STATES = frozenset({SENDING, POSTED, FAILED, UNKNOWN})
"""States the scheduler never plans again: the post is out, may be out, or waits for a person."""

NEEDS_A_PERSON = frozenset({FAILED, UNKNOWN})

MAX_ATTEMPTS = 5
"""Runs that may end in a temporary failure before an item is marked failed for a person to look at."""

UPLOAD, PUBLISH = "upload", "publish"


@dataclass(frozen=True)
class Event:
    """One line of an entry's history."""

    at: str
    state: str
    note: str

    def as_json(self) -> dict[str, str]:
        return {"at": self.at, "state": self.state, "note": self.note}


@dataclass(frozen=True)
class Entry:
    """Where one item stands on one network."""

    state: str = SCHEDULED
    attempts: int = 0
    phase: str = ""
    run: str = ""
    media_ids: tuple[str, ...] = ()
    post_id: str = ""
    url: str = ""
    posted_at: str = ""
    reason: str = ""
    retry_after: str = ""
    history: tuple[Event, ...] = ()

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"state": self.state}
        for name in ("attempts", "phase", "run", "post_id", "url", "posted_at", "reason", "retry_after"):
            value = getattr(self, name)
            if value:
                data[name] = value
        if self.media_ids:
            data["media_ids"] = list(self.media_ids)
        data["history"] = [event.as_json() for event in self.history]
        return data


@dataclass(frozen=True)
class ItemLedger:
    """The ledger file of one item."""

    item: str
    channels: Mapping[str, Entry] = field(default_factory=dict)

    def entry(self, channel: str) -> Entry:
        return self.channels.get(channel, Entry())

    def with_entry(self, channel: str, entry: Entry) -> ItemLedger:
        return ItemLedger(self.item, {**self.channels, channel: entry})

    def as_json_text(self) -> str:
        data = {"item": self.item,
                "channels": {name: self.channels[name].as_json() for name in sorted(self.channels)}}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- transitions (pure)


def stamp(moment: dt.datetime) -> str:
    """A moment as the ledger writes it: UTC, seconds, ``Z``."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _move(entry: Entry, state: str, at: dt.datetime, note: str, **changes: Any) -> Entry:
    if state not in TRANSITIONS[entry.state]:
        raise LedgerError(f"A ledger entry cannot go from '{entry.state}' to '{state}' ({note}).",
                          hint="This is a bug in postdesk or a hand-edited ledger; restore the file from git.")
    return dataclasses.replace(entry, state=state, history=(*entry.history, Event(stamp(at), state, note)), **changes)


def start_sending(entry: Entry, *, at: dt.datetime, run: str) -> Entry:
    """Recorded, and committed, before the first request to the network."""
    return _move(entry, SENDING, at, f"run {run} starts sending", phase=UPLOAD, run=run, attempts=entry.attempts + 1,
                 reason="", retry_after="")


def start_publishing(entry: Entry, *, at: dt.datetime, media_ids: tuple[str, ...]) -> Entry:
    """Recorded right before the request that creates the post: from here the post may exist."""
    note = f"photos uploaded ({len(media_ids)}); creating the post" if media_ids else "creating the post"
    return _move(entry, SENDING, at, note, phase=PUBLISH, media_ids=media_ids)


def mark_posted(entry: Entry, *, at: dt.datetime, post_id: str, url: str, note: str = "posted") -> Entry:
    return _move(entry, POSTED, at, note, phase="", post_id=post_id, url=url, posted_at=stamp(at), reason="",
                 retry_after="", media_ids=())


def mark_retry(entry: Entry, *, at: dt.datetime, reason: str, retry_after: dt.datetime | None = None) -> Entry:
    """Nothing was published: back to scheduled, or failed once :data:`MAX_ATTEMPTS` runs have tried."""
    if entry.attempts >= MAX_ATTEMPTS:
        return _move(entry, FAILED, at, f"gave up after {entry.attempts} attempts: {reason}", phase="", reason=reason,
                     media_ids=())
    return _move(entry, SCHEDULED, at, f"not published, will retry: {reason}", phase="", reason=reason,
                 retry_after=stamp(retry_after) if retry_after else "", media_ids=())


def mark_paused(entry: Entry, *, at: dt.datetime, reason: str, retry_after: dt.datetime | None = None) -> Entry:
    """Nothing was published and the fault is not the item's (a token, a rate limit): the attempt does not count."""
    return _move(entry, SCHEDULED, at, f"not published: {reason}", phase="", reason=reason,
                 attempts=max(entry.attempts - 1, 0), retry_after=stamp(retry_after) if retry_after else "",
                 media_ids=())


def mark_failed(entry: Entry, *, at: dt.datetime, reason: str) -> Entry:
    return _move(entry, FAILED, at, reason, phase="", reason=reason, media_ids=())


def mark_unknown(entry: Entry, *, at: dt.datetime, reason: str) -> Entry:
    return _move(entry, UNKNOWN, at, reason, phase="", reason=reason)


def recover(entry: Entry, *, at: dt.datetime) -> Entry:
    """What a run makes of an entry a dead run left in ``sending``."""
    if entry.phase == UPLOAD:
        return mark_retry(entry, at=at, reason=f"run {entry.run} stopped while uploading photos; nothing was published")
    return mark_unknown(entry, at=at, reason=f"run {entry.run} stopped after asking the network to publish: the post "
                                             "may or may not exist; check the page, then run 'postdesk ledger resolve'")


def resolve_posted(entry: Entry, *, at: dt.datetime, url: str, by: str) -> Entry:
    """A person confirms the post exists at ``url``."""
    post_id = url.rstrip("/").rsplit("/", 1)[-1]
    return _move(entry, POSTED, at, f"confirmed posted by {by}", phase="", url=url, post_id=post_id,
                 posted_at=entry.posted_at or stamp(at), reason="", media_ids=())


def resolve_not_posted(entry: Entry, *, at: dt.datetime, by: str) -> Entry:
    """A person confirms the post does not exist: it is scheduled again, with a fresh count of attempts."""
    return _move(entry, SCHEDULED, at, f"confirmed not posted by {by}; scheduled again", phase="", attempts=0,
                 reason="", retry_after="", media_ids=())


# --------------------------------------------------------------------------- files


def parse_stamp(text: str) -> dt.datetime | None:
    """A time the ledger (or a network) wrote: ISO 8601 with ``Z`` or an offset (UTC when it has none).

    None when ``text`` is empty or not a time.
    """
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None
    except ValueError:
        return None
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def ledger_path(item: str) -> str:
    """The ledger file of ``item``, relative to the repository."""
    return f"{LEDGER}/{item}.json"


def ledger_file(config: Config, item: str) -> Path:
    return config.root / ledger_path(item)


def read_ledger(config: Config, item: str) -> ItemLedger:
    """The ledger of ``item`` (empty when it was never sent anywhere)."""
    file = ledger_file(config, item)
    if not file.is_file():
        return ItemLedger(item)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        return _from_json(item, data)
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise LedgerError(f"The ledger of {item} cannot be read: {exc}", path=ledger_path(item),
                          hint="Restore the file from git history (git log -p -- the file).") from None


def _from_json(item: str, data: dict[str, Any]) -> ItemLedger:
    channels: dict[str, Entry] = {}
    for name, raw in data.get("channels", {}).items():
        if name not in CHANNELS or raw.get("state") not in STATES:
            raise ValueError(f"unknown network '{name}' or state '{raw.get('state')}'")
        history = tuple(Event(str(e["at"]), str(e["state"]), str(e.get("note", ""))) for e in raw.get("history", []))
        channels[name] = Entry(
            state=raw["state"], attempts=int(raw.get("attempts", 0)), phase=str(raw.get("phase", "")),
            run=str(raw.get("run", "")), media_ids=tuple(str(m) for m in raw.get("media_ids", [])),
            post_id=str(raw.get("post_id", "")), url=str(raw.get("url", "")),
            posted_at=str(raw.get("posted_at", "")), reason=str(raw.get("reason", "")),
            retry_after=str(raw.get("retry_after", "")), history=history)
    return ItemLedger(item, channels)


def write_ledger(config: Config, ledger: ItemLedger) -> str:
    """Write the file atomically (a crash leaves the old or the new text, never half); returns its path."""
    write_text_atomically(ledger_file(config, ledger.item), ledger.as_json_text())
    return ledger_path(ledger.item)


def all_ledgers(config: Config) -> Iterator[ItemLedger]:
    """Every item's ledger, by item name."""
    folder = config.root / LEDGER
    if folder.is_dir():
        for file in sorted(folder.glob("*.json")):
            yield read_ledger(config, file.stem)


def readable_ledgers(config: Config) -> tuple[list[ItemLedger], list[LedgerError]]:
    """Every item's ledger that can be read, by item name, and the error for each one that cannot
    (its ``path`` names the file): for the readers that go on past one damaged file (the posting
    run's recovery, the editorial page). A damaged ledger's item is never taken as unposted."""
    ledgers, errors = [], []
    folder = config.root / LEDGER
    for file in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        try:
            ledgers.append(read_ledger(config, file.stem))
        except LedgerError as exc:
            errors.append(exc)
    return ledgers, errors


# --------------------------------------------------------------------------- what others read


def posted_links(config: Config, item: str) -> dict[str, str]:
    """{"Facebook": url, ...} for every network ``item`` was posted on (with a known address on
    that network's own host: :func:`postdesk.model.is_network_url`)."""
    return {CHANNEL_LABELS.get(channel, channel): entry.url
            for channel, entry in sorted(read_ledger(config, item).channels.items())
            if entry.state == POSTED and entry.url and is_network_url(channel, entry.url)}


def posted_channels(config: Config, item: str) -> frozenset[str]:
    """The networks the scheduler must not plan ``item`` on again (see :data:`DONE_STATES`)."""
    return frozenset(channel for channel, entry in read_ledger(config, item).channels.items()
                     if entry.state in DONE_STATES)


# --------------------------------------------------------------------------- append-only (pure)


def lost_history(versions: list[tuple[str, str | None]], current: ItemLedger, channel: str) -> str:
    """Why ``current`` must not be trusted for ``channel`` ("" when it may be).

    The ledger only ever grows: every change appends to an entry's history. So every
    committed version of the file must hold a prefix of the history the file holds now.
    A version with more, or other, events means the file was deleted or rewritten after
    the fact (by a merged pull request, an admin's push): posting on the word of the
    rewritten file could post a second time, so the caller refuses and a person looks.
    """
    now = [event.as_json() for event in current.entry(channel).history]
    for sha, text in versions:
        if text is None:
            continue
        try:
            before = json.loads(text)["channels"].get(channel, {}).get("history", [])
        except (ValueError, KeyError, TypeError, AttributeError):
            return f"commit {sha[:12]} holds an unreadable version of the ledger file"
        if not isinstance(before, list) or now[:len(before)] != before:
            return (f"commit {sha[:12]} recorded {len(before)} step(s) for {CHANNEL_LABELS.get(channel, channel)} "
                    f"that the ledger file no longer holds as they were: it was deleted or rewritten")
    return ""

