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
    ├── CredentialError      a secret in the environment cannot be a credential (a line break,
    │                        a space, a character that is not ASCII): named, never shown
    ├── MediaError           a photo could not be read or rewritten safely
    │   └── UnsafePathError  a path leaves the repository or goes through a symlink
    ├── ChannelError         a social network refused a request or could not be reached
    │   ├── RateLimited      too many requests: try again at ``retry_at``
    │   ├── AuthFailed       the token expired or was revoked: renew ``secrets``
    │   ├── DuplicatePost    the network already has this text: it counts as posted
    │   ├── OutdatedVersion  the configured API version was retired
    │   ├── Unavailable      5xx, timeouts, connection errors (``maybe_sent`` if the
    │   │                    request may have been processed)
    │   ├── Rejected         the network refused the content itself (4xx): a person must look
    │   └── NotOffered       the account's API plan does not include this (X's search tiers)
    └── LedgerError          the record of what was posted is inconsistent
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


class CredentialError(PostdeskError):
    """A credential in the environment holds something no credential can (see :mod:`postdesk.secrecy`).

    ``variables`` names the refused variables; the message never holds any part of a value.
    Raised before anything is sent, so the command stops with "could not run" (exit 2).
    """

    def __init__(self, message: str, *, variables: tuple[str, ...] = (), hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.variables = variables


class MediaError(PostdeskError):
    """A photo could not be read or rewritten safely."""


class UnsafePathError(MediaError):
    """A path leaves the repository (or its allowed folder) or passes through a symlink."""


class ChannelError(PostdeskError):
    """A social network refused a request or could not be reached.

    ``channel`` is the network (``"x"``); ``status`` the HTTP status when there was a
    response. Messages never contain a credential: clients build them from the
    network's error text, which does not echo tokens, and :func:`postdesk.channels.base.redact`
    masks any that slip through.
    """

    def __init__(self, message: str, *, channel: str = "", status: int | None = None, hint: str = "",
                 path: Path | str | None = None) -> None:
        super().__init__(message, hint=hint, path=path)
        self.channel = channel
        self.status = status


class RateLimited(ChannelError):
    """Too many requests; ``retry_at`` (UTC seconds since the epoch) is when the network allows more."""

    def __init__(self, message: str, *, retry_at: float, **context: object) -> None:
        super().__init__(message, **context)  # type: ignore[arg-type]
        self.retry_at = retry_at


class AuthFailed(ChannelError):
    """The credentials were refused (expired, revoked, missing a permission); ``secrets`` names them."""

    def __init__(self, message: str, *, secrets: tuple[str, ...] = (), **context: object) -> None:
        super().__init__(message, **context)  # type: ignore[arg-type]
        self.secrets = secrets


class DuplicatePost(ChannelError):
    """The network refused the post as a duplicate of one it already has: never retried."""


class OutdatedVersion(ChannelError):
    """The API version in postdesk.toml was retired by the network."""


class Unavailable(ChannelError):
    """A 5xx answer, a timeout or a connection error.

    ``maybe_sent`` is true when the request that creates the post may have been
    processed (a read timeout or a dropped connection after sending it): retrying could
    post twice, so the item becomes ``unknown`` for a person to confirm.
    """

    def __init__(self, message: str, *, maybe_sent: bool = False, **context: object) -> None:
        super().__init__(message, **context)  # type: ignore[arg-type]
        self.maybe_sent = maybe_sent


class Rejected(ChannelError):
    """The network refused the request itself (a 4xx that retrying cannot fix)."""


class LedgerError(PostdeskError):
    """The ledger of posted items is inconsistent."""


class NotOffered(ChannelError):
    """The account's API access level does not include this endpoint (e.g. X's recent search on a basic tier).

    Not a failure of postdesk or of the credentials: the monitor says so once and carries on.
    """
