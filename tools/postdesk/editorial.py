"""The internal editorial page: the queue as a calendar, the backlog, items at risk, counts.

Written to its own folder (``output/editorial`` by default), never inside the public site:
it names offices and shows what is not yet public.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .approvals import approval_time
from .approved import approved_files, read_item
from .config import Config
from .ledger import POSTED, ItemLedger
from .model import CHANNEL_LABELS
from .schedule import QUEUE_FILE

SUMMARY_CACHE = ".cache/postdesk-editorial.json"


@dataclass(frozen=True)
class ItemSummary:
    """What the editorial page needs of an approved item: cheap to keep, so it is cached."""

    title: str
    office: str
    category: str
    has_deadline: bool
    approved: dt.date | None
    channels: tuple[str, ...] = ()


def item_summaries(config: Config) -> dict[str, ItemSummary]:
    """Every approved item's summary, parsing only files whose size or time changed since the last build.

    The page is written on every ``postdesk site``; parsing 5,000 approved files took
    about 2 s, more than the whole incremental site build, so summaries are cached in
    ``.cache/`` (never committed) keyed by each file's modification time and size.
    """
    cache_file = config.root / SUMMARY_CACHE
    try:
        cached: dict[str, list[Any]] = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cached = {}
    fresh: dict[str, list[Any]] = {}
    summaries: dict[str, ItemSummary] = {}
    # A file that is not an item, or cannot be read, is left out: postdesk schedule and site report it.
    for file in approved_files(config)[0]:
        stat = file.stat()
        entry = cached.get(file.stem)
        if not (isinstance(entry, list) and len(entry) == 8 and entry[:2] == [stat.st_mtime_ns, stat.st_size]):
            sub = read_item(config, file)[0]
            if sub is None:
                continue
            approved_at = approval_time(config, file.stem)
            approved = approved_at.date() if approved_at else None
            entry = [stat.st_mtime_ns, stat.st_size, sub.title, sub.office, sub.category, sub.deadline is not None,
                     approved.isoformat() if approved else None, list(sub.channels)]
        fresh[file.stem] = entry
        summaries[file.stem] = ItemSummary(str(entry[2]), str(entry[3]), str(entry[4]), bool(entry[5]),
                                           dt.date.fromisoformat(entry[6]) if entry[6] else None,
                                           tuple(str(channel) for channel in entry[7]))
    if fresh != cached:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        cache_file.write_text(json.dumps(fresh), encoding="utf-8")
    return summaries


@dataclass(frozen=True)
class BacklogEntry:
    item: str
    title: str
    office: str
    category: str
    approved: dt.date | None
    age_days: int | None
    states: tuple[tuple[str, str], ...] = ()
    """(network label, ledger state) for each network the item asked for."""


def network_states(sub: ItemSummary, ledger: ItemLedger | None) -> tuple[tuple[str, str], ...]:
    """Each requested network's state in the item's ledger ("scheduled" when nothing was sent yet)."""
    return tuple((CHANNEL_LABELS.get(channel, channel), ledger.entry(channel).state if ledger else "scheduled")
                 for channel in sub.channels)


def saved_for_later(subs: Mapping[str, ItemSummary], ledgers: Mapping[str, ItemLedger],
                    today: dt.date) -> list[BacklogEntry]:
    """Items without a last day that are not yet out on every network they asked for, oldest first.

    The ledger decides: an item posted everywhere has left the backlog, one posted on some
    networks shows which.
    """
    backlog = []
    for item, sub in subs.items():
        if sub.has_deadline:
            continue
        states = network_states(sub, ledgers.get(item))
        if states and all(state == POSTED for _label, state in states):
            continue
        backlog.append(dataclasses.replace(_backlog_entry(item, sub, today), states=states))
    backlog.sort(key=lambda b: (-(b.age_days or 0), b.item))
    return backlog


def week_grid(days: Mapping[str, list[dict[str, Any]]], today: dt.date, *,
              length: int = 7) -> list[tuple[dt.date, list[dict[str, Any]]]]:
    """The coming ``length`` days from ``today``, each with its slots in time order (a calendar's week view)."""
    return [(day, sorted(days.get(day.isoformat(), []), key=lambda slot: slot["at"]))
            for day in (today + dt.timedelta(days=offset) for offset in range(length))]


def build_editorial(config: Config, *, output: Path, today: dt.date) -> Path:
    """Write ``output/index.html`` and return its path."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    subs = item_summaries(config)
    queue = _load_queue(config)
    days: dict[str, list[dict[str, Any]]] = {}
    from .ledger import NEEDS_A_PERSON, readable_ledgers

    readable, damaged = readable_ledgers(config)
    ledgers = {ledger.item: ledger for ledger in readable}
    unreadable = {Path(str(error.path)).stem: error for error in damaged}
    for slot in queue.get("slots", []):
        day = slot["at"][:10]
        # The queue is re-planned after each posting run; until then the ledger says what went out.
        state = ("ledger unreadable" if slot["item"] in unreadable
                 else ledgers.get(slot["item"], ItemLedger(slot["item"])).entry(slot["channel"]).state)
        days.setdefault(day, []).append({**slot, "state": state,
                                         "title": subs[slot["item"]].title if slot["item"] in subs
                                         else slot.get("title", slot["item"])})
    scheduled_items = {slot["item"] for slot in queue.get("slots", [])}
    backlog = saved_for_later(subs, ledgers, today)
    from .monitor import performance
    from .schedule import is_waiting

    at_risk = [slot for slot in queue.get("slots", []) if slot.get("at_risk")] + [
        {"item": item, "channel": channel, "reason": reason} for item, channel, reason in queue.get("unplaced", [])
        if not is_waiting(reason)]
    waiting = [{"item": item, "channel": channel, "reason": reason}
               for item, channel, reason in queue.get("unplaced", []) if is_waiting(reason)]
    # A damaged ledger needs a person too: until it is restored, its item is not posted anywhere.
    attention = [{"item": item, "channel": "every network", "state": "ledger unreadable",
                  "reason": f"{error.message}. {error.hint}"} for item, error in sorted(unreadable.items())]
    attention += [{"item": ledger.item, "channel": channel, "state": entry.state, "reason": entry.reason}
                  for ledger in readable for channel, entry in sorted(ledger.channels.items())
                  if entry.state in NEEDS_A_PERSON]
    env = Environment(loader=PackageLoader("postdesk", "templates"), autoescape=select_autoescape(default=True))
    html = env.get_template("editorial.html").render(
        attention=attention,
        agency=config.agency.name, today=today, days=sorted(days.items()), backlog=backlog, at_risk=at_risk,
        week=week_grid(days, today), labels=CHANNEL_LABELS,
        waiting=waiting,
        by_office=Counter(sub.office for sub in subs.values()).most_common(),
        by_category=Counter(sub.category for sub in subs.values()).most_common(),
        approved=len(subs), scheduled=len(scheduled_items),
        performance=[(title, performance(config, subs, by=by)) for title, by in
                     (("By category", "category"), ("By office", "office"), ("By weekday posted", "weekday"))])
    output.mkdir(parents=True, exist_ok=True)
    page = output / "index.html"
    page.write_text(html, encoding="utf-8")
    return page


def _load_queue(config: Config) -> dict[str, Any]:
    file = config.root / QUEUE_FILE
    if not file.is_file():
        return {"slots": [], "unplaced": []}
    loaded: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
    return loaded


def _backlog_entry(item: str, sub: ItemSummary, today: dt.date) -> BacklogEntry:
    approved = sub.approved
    # max(0, ...): an approval later than "today" (a --today in the past) has waited no time.
    return BacklogEntry(item, sub.title, sub.office, sub.category, approved,
                        max(0, (today - approved).days) if approved else None)
