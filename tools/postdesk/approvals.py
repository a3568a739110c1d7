"""The approval records (``state/approvals/<item>.json``): where they live and when an item was approved.

``postdesk approve`` writes them; the scheduler and the editorial page read the time.
Kept apart from :mod:`postdesk.approve`, which imports the whole checker.
"""

from __future__ import annotations

import datetime as dt
import json

from .config import Config

APPROVALS = "state/approvals"


def approval_time(config: Config, item: str) -> dt.datetime | None:
    """When ``item`` was approved (merged), as its record says; None without a readable record.

    A time without an offset is in the agency's time zone.
    """
    record = config.root / APPROVALS / f"{item}.json"
    if not record.is_file():
        return None
    try:
        approved = dt.datetime.fromisoformat(json.loads(record.read_text(encoding="utf-8"))["approved_at"])
    except (ValueError, KeyError, TypeError):
        return None
    return approved if approved.tzinfo else approved.replace(tzinfo=config.tz)
