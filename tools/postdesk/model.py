"""The data postdesk passes between stages: findings and the submission itself.

Everything here is plain, immutable data. Parsing lives in :mod:`postdesk.parse`,
rules in :mod:`postdesk.checks`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

CHANNELS: tuple[str, ...] = ("facebook", "x", "linkedin")
"""The networks postdesk can post to, in the order previews and reports show them."""

CHANNEL_LABELS: Mapping[str, str] = MappingProxyType(
    {"facebook": "Facebook", "x": "X", "linkedin": "LinkedIn"}
)

NETWORK_HOSTS: Mapping[str, frozenset[str]] = MappingProxyType({
    "facebook": frozenset({"facebook.com", "www.facebook.com", "m.facebook.com", "fb.com"}),
    "x": frozenset({"x.com", "www.x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com"}),
    "linkedin": frozenset({"linkedin.com", "www.linkedin.com"}),
})
"""The only hosts a post's address may be on, per network: the site and the editorial page
link to a network post only there (a rewritten ledger cannot turn the site into a link farm)."""


def is_network_url(channel: str, url: str) -> bool:
    """True when ``url`` is an https address on ``channel``'s own host (no credentials, no port)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    return (parts.scheme == "https" and port is None and not parts.username and not parts.password
            and (parts.hostname or "") in NETWORK_HOSTS.get(channel, frozenset()))


RENDITION_SIZES: Mapping[str, tuple[int, int]] = MappingProxyType(
    {"x": (1600, 900), "facebook": (1200, 630), "linkedin": (1200, 627)}
)
"""Photo size per network (the common link-card and in-feed targets): renditions fit
within it, preview cards crop to its aspect ratio."""


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing wrong (error) or worth a second look (warning) in one file.

    ``rule`` is a stable identifier such as ``schema.required``; ``line`` and
    ``column`` are 1-based and 0 when unknown. ``hint`` says how to fix it.
    """

    path: str
    rule: str
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR
    line: int = 0
    column: int = 0

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": self.severity.value,
            "rule": self.rule,
            "message": self.message,
            "hint": self.hint,
        }


class FindingTally:
    """``ok``, ``errors`` and ``warnings`` for anything that has ``findings``."""

    __slots__ = ()
    findings: Sequence[Finding]

    @property
    def errors(self) -> int:
        return sum(f.is_error for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(not f.is_error for f in self.findings)

    @property
    def ok(self) -> bool:
        return self.errors == 0


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    email: str


@dataclass(frozen=True, slots=True)
class Event:
    date: dt.date
    time: dt.time | None = None
    location: str | None = None


@dataclass(frozen=True, slots=True)
class ImageRef:
    """A photo as the submission describes it; ``file`` is relative to ``content/``."""

    file: str
    alt: str
    people: str
    release: str | None = None
    court_approved: bool = False
    line: int = 0


@dataclass(frozen=True, slots=True)
class Submission:
    """A submission that passed the schema: typed, validated front matter plus its body.

    Immutable by contract: the mappings are typed read-only (plain dicts underneath, so
    a submission can cross a process boundary when a large check runs in parallel).

    ``lines`` maps a dotted field path (``"images.0.alt"``) to the 1-based line of the
    file where its value starts, so later checks can point at the right line.
    """

    path: str
    title: str
    category: str
    submitted_by: Person
    office: str
    supervisor: Person
    channels: tuple[str, ...]
    confidentiality_confirmed: bool
    body: str
    body_line: int
    event: Event | None = None
    time_sensitive: bool = False
    post_by: dt.date | None = None
    post_after: dt.date | None = None
    text: Mapping[str, str] = field(default_factory=dict)
    hashtags: tuple[str, ...] = ()
    link: str | None = None
    images: tuple[ImageRef, ...] = ()
    lines: Mapping[str, int] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        """The file name without folder, date prefix and extension."""
        stem = self.path.rsplit("/", 1)[-1].removesuffix(".md")
        return stem[11:] if len(stem) > 11 and stem[10] == "-" else stem

    def line_of(self, dotted: str, default: int = 0) -> int:
        return self.lines.get(dotted, default)

    @property
    def deadline(self) -> dt.date | None:
        """The last day the item is useful: ``post_by``, else the day before the event."""
        if self.post_by is not None:
            return self.post_by
        if self.event is not None:
            return self.event.date - dt.timedelta(days=1)
        return None
