"""Settings: one frozen :class:`Config`, loaded from ``postdesk.toml`` at the repository root.

The defaults live here and only here; ``postdesk.toml`` sets what differs for the
agency, and ``postdesk config`` prints the settings in force. Unknown sections or
keys are errors with a "did you mean" hint, so a typo never silently falls back to a
default.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import tomllib
import typing
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .model import CHANNELS

CONFIG_FILE = "postdesk.toml"


@dataclass(frozen=True)
class AgencySettings:
    name: str = "Children's Division"
    """Shown as the page name on preview cards and on the public site."""
    timezone: str = "America/Chicago"
    """IANA time zone for "today", posting windows and the calendar."""
    site_url: str = "https://example.gov/news"
    """Public address of the site ``postdesk site`` builds (used in feeds and Open Graph tags)."""


@dataclass(frozen=True)
class ChannelSettings:
    enabled: bool = True
    """A disabled network is refused in ``channels:`` by the checker."""
    display_name: str = ""
    """The page or account name as the network shows it; defaults to the agency name."""
    handle: str = ""
    """The account handle, e.g. ``@MoChildrensDiv`` on X."""
    max_chars: int = 0
    """Text limit: X counts weighted characters (twitter-text v3); the others count characters."""
    api_version: str = ""
    """The API version the client asks for: Graph ``v24.0`` on Facebook, ``YYYYMM`` on LinkedIn (X has one)."""
    min_photo_side: int = 200
    """Smallest photo accepted, in pixels on its shorter side. No network documents a minimum for a
    photo post (docs/PLATFORMS.md); 200 follows the commonly cited 200×200 minimum for a shared image
    on Facebook (a third-party figure, hence a setting). Smaller, a photo shows as a blur or an icon."""


_CHANNEL_DEFAULTS: dict[str, dict[str, Any]] = {
    "facebook": {"max_chars": 63_206, "api_version": "v24.0"},
    "x": {"max_chars": 280},
    # LinkedIn retires a version about a year after its release (HTTP 426): update this yearly.
    "linkedin": {"max_chars": 3_000, "api_version": "202610"},
}


def _default_channels() -> dict[str, ChannelSettings]:
    return {name: ChannelSettings(**_CHANNEL_DEFAULTS[name]) for name in CHANNELS}


@dataclass(frozen=True)
class ImageSettings:
    max_bytes: int = 20_000_000
    """Largest photo file accepted, in bytes (20 MB)."""
    max_pixels: int = 40_000_000
    """Largest photo accepted, in pixels (40 megapixels); larger headers are refused before decoding."""


@dataclass(frozen=True)
class DateSettings:
    """How far from today a date in a submission may be before ``postdesk check`` calls it a mistake.

    A date picker or a keyboard can turn 12/05/2026 into 1906 or 2206; such a date is an error
    (``dates.out-of-range``), not a warning, so the pull request cannot stay green.
    """

    max_days_past: int = 365
    """A date more than this many days before today is an error (a year by default)."""
    max_days_ahead: int = 730
    """A date more than this many days after today is an error (two years by default)."""


DEFAULT_IDENTIFIER_PATTERNS: tuple[str, ...] = (
    # Anything labelled as a case, client, referral, report or court number (English and Spanish),
    # then an id with at least four digits: "FCS case 2023-55419", "referral #88213045", "expediente
    # núm. 2025-00341", "client 554102". A year alone after the label is not an id.
    r"\b(?:(?:FCS|CD|CA/N|CAN|hotline|court|juvenile|family|foster\s+care)\s+)?"
    r"(?:case|caso|client|cliente|referral|referencia|report|reporte|expediente|file|docket|DCN|"
    r"client\s+ID|court\s+order|cause|causa|FCS|ID)"
    r"\s*(?:(?:number|num|no|n[uú]m|id|#|n[uú]mero|nro)\b\.?)?\s*(?:is\s+|es\s+)?[:#]?\s*"
    r"(?:(?=[A-Z0-9-]*\d{4})[A-Z0-9][A-Z0-9-]{3,}(?:\s?-\s?\d{2,}|\s\d{3,})*|\d{2,}(?:\s?-\s?\d{2,}|\s\d{3,})+)",
    r"\bn[uú]mero\s+de\s+(?:caso|cliente|expediente|referencia|reporte)\s*[:#]?\s*"
    r"(?:(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{3,}(?:\s?-\s?\d{2,}|\s\d{3,})*|\d{2,}(?:\s?-\s?\d{2,}|\s\d{3,})+)",
    # Missouri Case.net cause numbers, even unlabelled: 24JE-JU00371, 2316-JU00412, 22BA-JU00418,
    # 16JE-CC00123 (year and county code, or a four-digit circuit-county code, then the case type
    # and its number), and the type and number alone (JU00412).
    r"\b(?:\d{2}[A-Z]{2}|\d{4})\s?-\s?[A-Z]{2}\d{5}\b",
    r"(?-i:\b(?:JU|JV|JA|JO|DR|PR|PN|FC|CC|CV|CR|AC|MC)-?\d{5}\b)",
)


@dataclass(frozen=True)
class ConfidentialityPolicy:
    """The reviewer-owned policy of the confidentiality guard (protected by CODEOWNERS).

    Defaults are safe: nothing is allowed until the communications team lists it.
    """

    allowed_names: tuple[str, ...] = ()
    """Names that may appear anywhere: public officials, staff who are often recognised."""
    allowed_email_domains: tuple[str, ...] = ()
    """E-mail domains that are public (the agency's own); sub-domains are allowed too."""
    allowed_phones: tuple[str, ...] = ()
    """Public phone numbers (the hotline, offices), in any common format."""
    allowed_addresses: tuple[str, ...] = ()
    """Public street addresses (offices) that may appear besides an event's own venue."""
    identifier_patterns: tuple[str, ...] = DEFAULT_IDENTIFIER_PATTERNS
    """Regular expressions (case-insensitive) for case, client, docket and court-order numbers."""
    extra_identifier_patterns: tuple[str, ...] = ()
    """More patterns, added to ``identifier_patterns`` (so the defaults need not be repeated)."""
    severity: Mapping[str, str] = field(default_factory=dict)
    """Per-rule override: ``"error"``, ``"warning"`` or ``"off"``, e.g. ``{"confidentiality.email" = "off"}``."""


# --- The posting schedule -------------------------------------------------------------

WEEKDAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
"""Day names in posting windows, Monday first (``date.weekday()`` order)."""

DEFAULT_WINDOW = "Mon-Fri 09:00-17:00"


def _default_windows() -> dict[str, str]:
    return {name: DEFAULT_WINDOW for name in CHANNELS}


@dataclass(frozen=True)
class PostingWindow:
    """One stretch of posting time, parsed from a ``windows`` text.

    ``days`` are ``date.weekday()`` numbers (0 = Monday); ``start`` and ``end`` are
    minutes after local midnight, and the window is half-open: a post may go out at
    ``start`` but not at ``end`` (``17:00`` is closing time, not a posting time).
    """

    days: frozenset[int]
    start: int
    end: int


@dataclass(frozen=True)
class ScheduleSettings:
    """How the communications team paces its posts (``postdesk schedule``).

    Time-sensitive posts go out quickly and the rest are saved for later, within these
    limits, all in ``agency.timezone``.
    """

    windows: Mapping[str, str] = field(default_factory=_default_windows)
    """Per network, when posts may go out: days (``Mon-Fri`` or ``Mon,Wed,Fri``), then
    ``HH:MM-HH:MM`` local time; several windows separated by ``;``, e.g.
    ``"Mon-Fri 09:00-12:00; Mon-Fri 13:00-17:00; Sat 10:00-12:00"``. A network left out
    keeps the default, ``Mon-Fri 09:00-17:00``."""
    max_per_day: int = 3
    """Most posts on one network in one day (reviewers' pins count too)."""
    min_spacing_minutes: int = 120
    """Least time between two posts on one network; also the step between planned times."""
    horizon_days: int = 90
    """How many days ahead, today included, the schedule plans; what does not fit is reported."""

    def windows_for(self, channel: str) -> tuple[PostingWindow, ...]:
        """The parsed posting windows of one network."""
        return parse_windows(self.windows[channel], where=f"schedule.windows.{channel}")


_WINDOW_HINT = 'Write days then times, e.g. "Mon-Fri 09:00-12:00; Mon-Fri 13:00-17:00; Sat 10:00-12:00".'


def parse_windows(text: str, *, where: str = "schedule.windows") -> tuple[PostingWindow, ...]:
    """Parse ``"Mon-Fri 09:00-17:00; Sat 10:00-12:00"``; any mistake is a ConfigError naming it."""
    import re

    windows = []
    for part in (piece.strip() for piece in text.split(";")):
        if not part:
            continue
        match = re.fullmatch(r"(?P<days>.+?)\s+(?P<start>\S+?)\s*-\s*(?P<end>\S+)", part)
        if not match:
            raise ConfigError(f"{where}: '{part}' is not days followed by a time range.", hint=_WINDOW_HINT)
        days = _parse_days(re.sub(r"\s+", "", match["days"]), part, where)
        start = _parse_minutes(match["start"], part, where, may_be_midnight=False)
        end = _parse_minutes(match["end"], part, where, may_be_midnight=True)
        if end <= start:
            raise ConfigError(f"{where}: '{part}' ends at or before it starts.",
                              hint="A window cannot cross midnight: split it, e.g. "
                                   '"Fri 20:00-24:00; Sat 00:00-01:00".')
        windows.append(PostingWindow(days=days, start=start, end=end))
    if not windows:
        raise ConfigError(f"{where} has no posting window.",
                          hint=f"{_WINDOW_HINT} To stop posting on a network, set enabled = false in its "
                               "[channels.NAME] section.")
    return tuple(windows)


def _parse_days(spec: str, part: str, where: str) -> frozenset[int]:
    days: set[int] = set()
    for piece in spec.split(","):
        ends = piece.split("-")
        if len(ends) > 2 or not all(ends):
            raise ConfigError(f"{where}: '{piece}' in '{part}' is not a day or a range of days.", hint=_WINDOW_HINT)
        first, last = (_day_number(name, part, where) for name in (ends[0], ends[-1]))
        if last < first:
            head = "Sun" if first == 6 else f"{ends[0]}-Sun"
            tail = "Mon" if last == 0 else f"Mon-{ends[-1]}"
            raise ConfigError(f"{where}: the days '{piece}' in '{part}' run backwards.",
                              hint=f"Ranges run from Mon to Sun: write {head},{tail}.")
        days.update(range(first, last + 1))
    return frozenset(days)


def _day_number(name: str, part: str, where: str) -> int:
    if name in WEEKDAYS:
        return WEEKDAYS.index(name)
    close = [day for day in WEEKDAYS if name[:3].lower() == day.lower()] or difflib.get_close_matches(name, WEEKDAYS)
    hint = f"Did you mean '{close[0]}'?" if close else f"Use {', '.join(WEEKDAYS)}."
    raise ConfigError(f"{where}: '{name}' in '{part}' is not a day name.", hint=hint)


def _parse_minutes(text: str, part: str, where: str, *, may_be_midnight: bool) -> int:
    import re

    match = re.fullmatch(r"(\d\d):(\d\d)", text)
    minutes = int(match[1]) * 60 + int(match[2]) if match else -1
    valid = match is not None and int(match[2]) < 60 and (minutes < 24 * 60 or (may_be_midnight and minutes == 24 * 60))
    if not valid:
        raise ConfigError(f"{where}: '{text}' in '{part}' is not a time of day.",
                          hint="Write 24-hour times with two digits, 00:00 to 23:59 (24:00 may end a window).")
    return minutes


def _validate_monitor(settings: MonitorSettings) -> MonitorSettings:
    if settings.days < 1 or settings.must_hide_within_hours < 1:
        raise ConfigError("monitor.days and monitor.must_hide_within_hours must be at least 1.",
                          hint="Set them in [monitor] in postdesk.toml, or remove them for the defaults (14 and 2).")
    return settings


def _validate_schedule(settings: ScheduleSettings) -> ScheduleSettings:
    """Check every window now; a network not listed keeps the default window."""
    _refuse_unknown(settings.windows, set(CHANNELS), "schedule.windows")
    windows = {name: settings.windows.get(name, DEFAULT_WINDOW) for name in CHANNELS}
    settings = dataclasses.replace(settings, windows=windows)
    if settings.horizon_days > 366:
        raise ConfigError(f"schedule.horizon_days is {settings.horizon_days}, more than a year.",
                          hint="The schedule plans at most 366 days ahead: set horizon_days to 366 or less.")
    for name in CHANNELS:
        settings.windows_for(name)
    return settings


@dataclass(frozen=True)
class EditorSettings:
    """The staff's web editor (Sveltia CMS at ``/admin/``) and the GitHub routing (``postdesk editor-config``)."""

    repo: str = "example-agency/postdesk"
    """The GitHub repository ``owner/name`` the editor opens pull requests on."""
    branch: str = "main"
    """The branch submissions are merged into."""
    base_url: str = ""
    """The OAuth endpoint for the GitHub login: empty means Netlify's, else your own OAuth proxy's address."""
    auth_endpoint: str = ""
    """The path of the login on ``base_url`` (empty: the editor's default ``auth``)."""
    communications_team: str = "@example-agency/communications"
    """The GitHub team (or user) that reviews every submission and owns the settings (CODEOWNERS)."""
    code_owners: str = ""
    """The GitHub team that owns the code, theme, workflows and locks (CODEOWNERS ``*``); empty: the
    communications team."""
    supervisors: Mapping[str, str] = field(default_factory=dict)
    """Office name -> its supervisors' GitHub handles, space-separated (CODEOWNERS and the PR checklist)."""


DEFAULT_HOTLINE_GUIDANCE = (
    "If a child may be in danger right now, call 911. To report suspected abuse or neglect, call the "
    "Child Abuse and Neglect Hotline at 1-800-392-3738 (24 hours). Reply publicly with the hotline number only; "
    "never ask for details in comments, and hide the comment if it names anyone."
)


@dataclass(frozen=True)
class MonitorSettings:
    """``postdesk monitor``: which posts are watched and how fast must-hide comments must be handled."""

    days: int = 14
    """Posts are watched for replies and engagement for this many days after posting."""
    must_hide_within_hours: int = 2
    """A comment that must be hidden and is still visible after this long fails the run loudly."""
    hotline_guidance: str = DEFAULT_HOTLINE_GUIDANCE
    """Shown in the digest next to every comment that may report abuse or neglect."""


@dataclass(frozen=True)
class Config:
    """Every setting postdesk reads. ``root`` is the repository the settings came from."""

    root: Path
    agency: AgencySettings = field(default_factory=AgencySettings)
    channels: Mapping[str, ChannelSettings] = field(default_factory=_default_channels)
    images: ImageSettings = field(default_factory=ImageSettings)
    dates: DateSettings = field(default_factory=DateSettings)
    confidentiality: ConfidentialityPolicy = field(default_factory=ConfidentialityPolicy)
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    editor: EditorSettings = field(default_factory=EditorSettings)
    monitor: MonitorSettings = field(default_factory=MonitorSettings)

    @functools.cached_property
    def content_dir(self) -> Path:
        return self.root / "content"

    @functools.cached_property
    def submissions_dir(self) -> Path:
        return self.root / "content" / "submissions"

    @functools.cached_property
    def approved_dir(self) -> Path:
        return self.root / "content" / "approved"

    @functools.cached_property
    def media_dir(self) -> Path:
        return self.root / "content" / "media"

    def channel(self, name: str) -> ChannelSettings:
        return self.channels[name]

    def channel_display_name(self, name: str) -> str:
        return self.channels[name].display_name or self.agency.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.agency.timezone)


def today_in(config: Config) -> dt.date:
    """The agency's today, in its configured time zone."""
    return dt.datetime.now(config.tz).date()


def find_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` that holds ``postdesk.toml``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise ConfigError(f"No {CONFIG_FILE} found in {start} or any folder above it.",
                      hint="Run postdesk inside a postdesk repository, or pass --repo PATH.")


def load_config(root: Path) -> Config:
    """Load ``root/postdesk.toml``; a missing file means all defaults."""
    file = root / CONFIG_FILE
    try:
        text = file.read_text(encoding="utf-8") if file.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{CONFIG_FILE} cannot be read: {exc}", path=file) from None
    return config_from_text(text, root=root, source=str(file))


def config_from_text(text: str, *, root: Path, source: str = CONFIG_FILE) -> Config:
    """Settings from the text of a postdesk.toml (for example read from another git revision)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{CONFIG_FILE} is not valid TOML: {exc}", path=source,
                          hint="Fix the syntax at the line named; strings need quotes.") from None
    return config_from_dict(raw, root=root)


def config_from_dict(raw: Mapping[str, Any], *, root: Path) -> Config:
    """Build a Config from parsed TOML, refusing unknown keys and wrong types."""
    sections = {f.name for f in dataclasses.fields(Config)} - {"root"}
    _refuse_unknown(raw, sections, "")
    channels_raw = raw.get("channels", {})
    _expect(channels_raw, dict, "channels")
    _refuse_unknown(channels_raw, set(CHANNELS), "channels")
    channels = {
        name: _build(ChannelSettings, {**_CHANNEL_DEFAULTS[name], **channels_raw.get(name, {})},
                     f"channels.{name}")
        for name in CHANNELS
    }
    config = Config(
        root=root,
        agency=_build(AgencySettings, raw.get("agency", {}), "agency"),
        channels=channels,
        images=_build(ImageSettings, raw.get("images", {}), "images"),
        dates=_build(DateSettings, raw.get("dates", {}), "dates"),
        confidentiality=_build(ConfidentialityPolicy, raw.get("confidentiality", {}), "confidentiality"),
        schedule=_validate_schedule(_build(ScheduleSettings, raw.get("schedule", {}), "schedule")),
        editor=_build(EditorSettings, raw.get("editor", {}), "editor"),
        monitor=_validate_monitor(_build(MonitorSettings, raw.get("monitor", {}), "monitor")),
    )
    _validate_policy(config.confidentiality)
    try:
        config.tz  # noqa: B018 - validates the zone name now rather than at first use
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"agency.timezone '{config.agency.timezone}' is not a known time zone.",
                          hint="Use an IANA name such as America/Chicago.") from None
    return config


def _build(cls: type[Any], raw: object, where: str) -> Any:
    _expect(raw, dict, where)
    assert isinstance(raw, dict)
    hints = typing.get_type_hints(cls)
    _refuse_unknown(raw, set(hints), where)
    values = dict(raw)
    for key, value in raw.items():
        expected = hints[key]
        origin = typing.get_origin(expected)
        if origin is tuple:  # a list of text in TOML
            if not (isinstance(value, list) and all(isinstance(item, str) for item in value)):
                raise ConfigError(f"{where}.{key} must be a list of texts in quotes, not {value!r}.",
                                  hint=f'Write it like {key} = ["one", "two"].')
            values[key] = tuple(value)
            continue
        if origin is Mapping:  # a table of text values in TOML
            if not (isinstance(value, dict) and all(isinstance(item, str) for item in value.values())):
                raise ConfigError(f"{where}.{key} must be a table of texts, not {value!r}.",
                                  hint=f'Write it like {key} = {{ "rule.id" = "warning" }}.')
            continue
        ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
        if not ok:
            raise ConfigError(f"{where}.{key} must be {_type_name(expected)}, not {value!r}.",
                              hint=f"Fix {where}.{key} in {CONFIG_FILE}.")
        if expected is int and value <= 0:
            raise ConfigError(f"{where}.{key} must be a positive number, not {value}.",
                              hint=f"Fix {where}.{key} in {CONFIG_FILE}.")
    return cls(**values)


def _validate_policy(policy: ConfidentialityPolicy) -> None:
    import re

    for pattern in (*policy.identifier_patterns, *policy.extra_identifier_patterns):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"confidentiality: the pattern {pattern!r} is not a valid regular expression: {exc}.",
                              hint="Fix the pattern in [confidentiality] of postdesk.toml.") from None
    for rule, level in policy.severity.items():
        if level not in ("error", "warning", "off"):
            raise ConfigError(f"confidentiality.severity: '{rule}' = '{level}' is not error, warning or off.",
                              hint="Use one of error, warning, off.")


def _expect(value: object, kind: type, where: str) -> None:
    if not isinstance(value, kind):
        raise ConfigError(f"[{where}] in {CONFIG_FILE} must be a table of settings.",
                          hint=f"Write it as a [{where}] section.")


def _refuse_unknown(raw: Mapping[str, Any], known: set[str], where: str) -> None:
    for key in raw:
        if key not in known:
            close = difflib.get_close_matches(key, sorted(known), n=1)
            name = f"{where}.{key}" if where else key
            hint = f"Did you mean '{close[0]}'?" if close else f"Known: {', '.join(sorted(known))}."
            raise ConfigError(f"Unknown setting '{name}' in {CONFIG_FILE}.", hint=hint)


def _type_name(kind: type) -> str:
    return {bool: "true or false", int: "a whole number", str: "text in quotes"}.get(kind, kind.__name__)


def config_as_toml(config: Config) -> str:
    """The settings in force, as TOML that could be pasted into postdesk.toml."""
    lines = [f"# settings in force for {config.root}"]

    def section(name: str, settings: object) -> None:
        lines.append(f"\n[{name}]")
        for item in dataclasses.fields(settings):  # type: ignore[arg-type]
            lines.append(f"{item.name} = {_toml_value(getattr(settings, item.name))}")

    section("agency", config.agency)
    for name, channel in config.channels.items():
        section(f"channels.{name}", channel)
    section("images", config.images)
    section("dates", config.dates)
    section("confidentiality", config.confidentiality)
    section("schedule", config.schedule)
    section("editor", config.editor)
    section("monitor", config.monitor)
    return "\n".join(lines) + "\n"


def _toml_value(value: object) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_toml_value(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:_}"
    text = str(value)
    if "'" not in text and "\n" not in text:
        return f"'{text}'"  # a literal string: regular expressions keep their backslashes
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
