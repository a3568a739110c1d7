"""The ledger: the record, in git, of what was sent to each network.

This first part only reads what has been posted (``state/ledger/<item>.json``), so the
site can link each post to its network posts; writing the ledger belongs to posting.
"""

from __future__ import annotations

import json
from pathlib import Path

from .config import Config
from .errors import LedgerError
from .model import CHANNEL_LABELS

LEDGER = "state/ledger"


def ledger_file(config: Config, item: str) -> Path:
    return config.root / LEDGER / f"{item}.json"


def posted_links(config: Config, item: str) -> dict[str, str]:
    """{"Facebook": url, ...} for every network ``item`` was posted on."""
    file = ledger_file(config, item)
    if not file.is_file():
        return {}
    try:
        entries = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LedgerError(f"The ledger of {item} cannot be read: {exc}", path=file,
                          hint="Restore the file from git history.") from None
    return {CHANNEL_LABELS.get(channel, channel): str(entry.get("url", ""))
            for channel, entry in sorted(entries.get("channels", {}).items())
            if entry.get("state") == "posted"}


def posted_channels(config: Config, item: str) -> frozenset[str]:
    """The networks ``item`` was posted on (never planned again)."""
    file = ledger_file(config, item)
    if not file.is_file():
        return frozenset()
    try:
        entries = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise LedgerError(f"The ledger of {item} cannot be read: {exc}", path=file,
                          hint="Restore the file from git history.") from None
    return frozenset(channel for channel, entry in entries.get("channels", {}).items()
                     if entry.get("state") in ("posted", "sending", "unknown"))
