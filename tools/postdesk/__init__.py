"""postdesk: a git-based editorial desk for an agency's social-media posts.

The public API is what ``__all__`` lists; everything else may change. Names are
imported on first use (PEP 562), so ``import postdesk`` costs nothing: every command
starts in a fresh process, and the checker alone takes 0.2 s to import.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_WHERE = {
    "CheckReport": "check", "FileResult": "check", "check_submissions": "check",
    "Config": "config", "find_root": "config", "load_config": "config",
    "ChannelError": "errors", "ConfigError": "errors", "CredentialError": "errors", "LedgerError": "errors",
    "MediaError": "errors",
    "PostdeskError": "errors", "RepositoryError": "errors", "UnsafePathError": "errors", "UsageError": "errors",
    "CHANNELS": "model", "Event": "model", "Finding": "model", "ImageRef": "model", "Person": "model",
    "Severity": "model", "Submission": "model",
    "ParsedFile": "parse", "parse_submission_bytes": "parse", "read_submission_file": "parse",
    "submission_from_parsed": "parse",
    "post_text": "posttext",
    "post_due": "post",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'postdesk' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
