"""The postdesk exception tree.

Every error postdesk raises on purpose derives from :class:`PostdeskError` and
carries enough context to tell a person what went wrong and how to fix it. The
command line maps them to exit code 2 ("could not run"); findings about a
submission are *not* exceptions, they are :class:`postdesk.model.Finding` values.

::

    PostdeskError
    ├── ConfigError          postdesk.toml is missing, unreadable or invalid
    ├── RepositoryError      not a git repository, unknown revision, git failed
    ├── UsageError           a command was called with arguments that cannot work
    ├── MediaError           a photo could not be read or rewritten safely
    │   └── UnsafePathError  a path leaves the repository or goes through a symlink
    ├── ChannelError         a social network refused or failed (later issues)
    └── LedgerError          the record of what was posted is inconsistent (later issues)
"""

from __future__ import annotations

from pathlib import Path


class PostdeskError(Exception):
    """Root of every error postdesk raises deliberately.

    ``hint`` says how to fix it; ``path`` names the file concerned, when there is one.
    """

    def __init__(self, message: str, *, hint: str = "", path: Path | str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.path = path

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        hint = f"\n  hint: {self.hint}" if self.hint else ""
        return f"{where}{self.message}{hint}"


class ConfigError(PostdeskError):
    """postdesk.toml is missing, unreadable or has an invalid value."""


class RepositoryError(PostdeskError):
    """The repository cannot be used: not a git work tree, unknown revision, git failed."""


class UsageError(PostdeskError):
    """A command was called with arguments that cannot work."""


class MediaError(PostdeskError):
    """A photo could not be read or rewritten safely."""


class UnsafePathError(MediaError):
    """A path leaves the repository (or its allowed folder) or passes through a symlink."""


class ChannelError(PostdeskError):
    """A social network refused a request or could not be reached."""


class LedgerError(PostdeskError):
    """The ledger of posted items is inconsistent."""
