"""postdesk: a git-based editorial desk for an agency's social-media posts.

The public API is what ``__all__`` lists; everything else may change.
"""

from __future__ import annotations

from .check import CheckReport, FileResult, check_submissions
from .config import Config, find_root, load_config
from .errors import (
    ChannelError,
    ConfigError,
    LedgerError,
    MediaError,
    PostdeskError,
    RepositoryError,
    UnsafePathError,
    UsageError,
)
from .model import CHANNELS, Event, Finding, ImageRef, Person, Severity, Submission
from .parse import ParsedFile, parse_submission_bytes, read_submission_file, submission_from_parsed
from .posttext import post_text

__version__ = "0.1.0"

__all__ = [
    "CHANNELS",
    "ChannelError",
    "CheckReport",
    "Config",
    "ConfigError",
    "Event",
    "FileResult",
    "Finding",
    "ImageRef",
    "LedgerError",
    "MediaError",
    "ParsedFile",
    "Person",
    "PostdeskError",
    "RepositoryError",
    "Severity",
    "Submission",
    "UnsafePathError",
    "UsageError",
    "check_submissions",
    "find_root",
    "load_config",
    "parse_submission_bytes",
    "post_text",
    "read_submission_file",
    "submission_from_parsed",
]
