"""The pull-request comment: preview data in, escaped Markdown out, hostile data refused.

``postdesk preview`` (in the untrusted ``pull_request`` workflow) writes ``preview.json``
with :func:`postdesk.preview.preview_data`; ``postdesk comment --from preview.json`` (in the
privileged ``workflow_run`` workflow, with the default branch's code) reads it back and
writes the comment. Between the two the file sits in an artifact that the pull request's
author controls entirely (a fork can upload anything under that name), so this side trusts
nothing in it:

1. :func:`read_preview_data` parses the bytes (at most :data:`MAX_BYTES`, UTF-8, JSON without
   duplicate keys, NaN or deep nesting) and checks them against :data:`PREVIEW_SHAPE`: known
   keys only, exact types (``true`` is not a number), bounded strings, counts and numbers.
   Anything else raises :class:`PreviewDataError`, whose message names only this module's own
   keys and list positions, never a value from the file;
2. :func:`render_comment` turns valid data into Markdown; every string in it goes through
   :mod:`postdesk.escape`, and the whole stays under :data:`COMMENT_LIMIT`;
3. :func:`unreadable_comment` is what the pull request gets instead when step 1 fails: a
   fixed text, with nothing from the file;
4. :func:`post_comment` writes it as the pull request's one preview comment, found again by
   :data:`MARKER` among the bot's comments, once GitHub confirms the pull request is open at
   the commit the check ran on.

The verdict GitHub itself gives the check run (``--check-conclusion``, from the workflow_run
event, not the artifact) is printed at the top: a forged artifact can claim "ready", but not
that line. The same :func:`render_comment` writes ``summary.md`` for the job summary, so the
two never differ in what they escape.

The shape is data: a field added for a richer comment is one entry in :data:`PREVIEW_SHAPE`
(optional, so data written by an older base commit still reads) and a few lines in the
renderer. :data:`PREVIEW_VERSION` changes only when a field changes meaning. Version 2 adds,
all optional, who submitted the post and from which office, the supervisor, the category and
its dates, the exact text per network, and each photo with its people declaration; version 1
data (from a base commit older than this code) still reads and renders with what it has.

What the comment shows, so a reviewer can decide from the pull request page: per submission
(the first :data:`FULL_ENTRIES` in full, the rest in a short table, all within
:data:`COMMENT_LIMIT`) its title, file, verdict, submitter and office, supervisor, category
and dates, when it would first be posted if merged now, the text per network (escaped prose,
line by line, collapsed in ``<details>`` when long), each photo as a thumbnail with its alt
text, who can be recognised, the release and the court approval, then its findings with
their fixes; and links to the workflow run and to the preview artifact.

Thumbnails: an artifact cannot be shown inline (it is a zip behind a login), so a photo is
shown from the pull request's head commit, ``{server}/{repo}/raw/{head_sha}/content/media/NAME``.
GitHub keeps every pull request's head commit in the base repository (also for forks), so
this needs no preview branch, no Pages deploy, no extra storage and no write permission.
The address is built here (:meth:`Links.photo_url`) from the validated path in the data and
the head SHA the workflow_run event gives, never taken from the artifact; a path that is not
``content/media/`` plus safe characters gets no thumbnail (its path is still shown). These
are the photos as the pull request added them, before approval scrubs them; the check
(``images.location``, ``images.metadata``) reports what they carry.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import PostdeskError, UsageError
from .escape import md_code, md_text, plain
from .model import CHANNEL_LABELS, CHANNELS

if TYPE_CHECKING:
    from .routing import GitHubApi, RepoName

PREVIEW_FORMAT = "postdesk-preview"
PREVIEW_VERSION = 2
READ_VERSIONS = (1, 2)
"""The versions this code reads: the comment workflow runs the default branch's code on data
written by the pull request's base commit, which may be older."""
MAX_BYTES = 4_000_000
"""The largest preview.json read; what postdesk writes within the limits below stays far under it."""
MAX_ENTRIES = 300
"""Submissions (and other changed paths) listed in the data; more are only counted."""
MAX_FINDINGS = 100
"""Findings listed per submission; more are only counted."""
MAX_PATH, MAX_TITLE, MAX_MESSAGE, MAX_SLOT, MAX_RULE = 1_000, 300, 2_000, 200, 80
MAX_NUMBER = 100_000_000
MAX_NAME, MAX_OFFICE, MAX_PLACE, MAX_ALT, MAX_RELEASE = 100, 120, 200, 1_000, 300
"""The submission schema's own limits for a name, an office, an event's place, alt text, a release."""
MAX_POST_TEXT = 5_000
"""Characters of a post's text kept in the data per network (a longer one is cut and marked)."""
MAX_PHOTOS = 4
FULL_ENTRIES = 10
"""Submissions shown in full in the comment; the rest are one table row each."""
PEOPLE = ("none", "staff", "adults", "minors")
COMMENT_LIMIT = 60_000
"""A GitHub comment holds at most 65,536 characters; leave room for the marker and the wrapper."""
MARKER = "<!-- postdesk-preview -->"
"""Opens the one comment the preview workflow keeps up to date on a pull request."""

CHECK_CONCLUSIONS: Mapping[str, str] = {
    "success": "✅ **Submission check passed** (GitHub's own result for this commit).",
    "failure": "❌ **Submission check failed** (GitHub's own result for this commit): fix the findings below.",
    "timed_out": "❌ **Submission check ran out of time** (GitHub's own result): re-run it.",
    "startup_failure": "❌ **Submission check could not start** (GitHub's own result): re-run it.",
    "action_required": "⏸️ **Submission check is waiting** for a maintainer to approve the run.",
    "neutral": "➖ **Submission check ended without a verdict** (GitHub's own result).",
    "skipped": "➖ **Submission check was skipped** (GitHub's own result).",
    "stale": "➖ **Submission check is stale** (GitHub's own result): push again or re-run it.",
}
"""What GitHub may report as the check run's conclusion, in words for the pull request."""


class PreviewDataError(PostdeskError):
    """preview.json is missing, unreadable or not in the shape postdesk writes.

    ``message`` is built from this module's own words (keys, positions, limits) and never
    quotes the file: it may be shown where the file's author would like to write.
    """


# --------------------------------------------------------------------------- the shape


@dataclass(frozen=True)
class Text:
    max_chars: int
    pattern: str = ""
    """When set, the whole string must match it."""


@dataclass(frozen=True)
class Number:
    low: int
    high: int


@dataclass(frozen=True)
class OneOf:
    values: tuple[str | int, ...]


@dataclass(frozen=True)
class Flag:
    """``true`` or ``false``, nothing else (not 0, 1 or "true")."""


@dataclass(frozen=True)
class ListOf:
    item: Shape
    max_items: int


@dataclass(frozen=True)
class Record:
    required: Mapping[str, Shape]
    optional: Mapping[str, Shape] = field(default_factory=dict)


Shape = Text | Number | OneOf | Flag | ListOf | Record

FINDING_SHAPE = Record({
    "severity": OneOf(("error", "warning")),
    "rule": Text(MAX_RULE, pattern=r"[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+"),
    "line": Number(0, MAX_NUMBER),
    "message": Text(MAX_MESSAGE),
    "hint": Text(MAX_MESSAGE),
})
CHANNEL_SHAPE = Record({
    "channel": OneOf(CHANNELS),
    "length": Number(0, MAX_NUMBER),
    "limit": Number(1, MAX_NUMBER),
})
DATE = Text(10, pattern=r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
EVENT_SHAPE = Record({"date": DATE}, {
    "time": Text(5, pattern=r"(?:[01][0-9]|2[0-3]):[0-5][0-9]"),
    "location": Text(MAX_PLACE),
})
TEXT_SHAPE = Record({
    "channel": OneOf(CHANNELS),
    "text": Text(MAX_POST_TEXT),
}, {"shortened": Flag()})
PHOTO_SHAPE = Record({
    "file": Text(MAX_PATH),
    "alt": Text(MAX_ALT),
    "people": OneOf(PEOPLE),
}, {
    "release": Text(MAX_RELEASE),
    "court_approved": Flag(),
})
ENTRY_SHAPE = Record({
    "path": Text(MAX_PATH),
    "title": Text(MAX_TITLE),
    "errors": Number(0, MAX_NUMBER),
    "warnings": Number(0, MAX_NUMBER),
    "channels": ListOf(CHANNEL_SHAPE, len(CHANNELS)),
    "first_slot": Text(MAX_SLOT),
    "findings": ListOf(FINDING_SHAPE, MAX_FINDINGS),
    "omitted_findings": Number(0, MAX_NUMBER),
}, {  # version 2: what a reviewer decides from
    "submitted_by": Text(MAX_NAME),
    "office": Text(MAX_OFFICE),
    "supervisor": Text(MAX_NAME),
    "category": Text(40, pattern=r"[a-z][a-z-]*"),
    "event": EVENT_SHAPE,
    "post_by": DATE,
    "post_after": DATE,
    "texts": ListOf(TEXT_SHAPE, len(CHANNELS)),
    "photos": ListOf(PHOTO_SHAPE, MAX_PHOTOS),
})
PREVIEW_SHAPE = Record({
    "format": OneOf((PREVIEW_FORMAT,)),
    "version": OneOf(READ_VERSIONS),
    "entries": ListOf(ENTRY_SHAPE, MAX_ENTRIES),
    "omitted_entries": Number(0, MAX_NUMBER),
})
"""Everything preview.json may hold. Keys not listed here make the whole file unreadable."""


def check_shape(value: Any, shape: Shape, where: str = "") -> None:
    """Raise PreviewDataError unless ``value`` has exactly ``shape``; ``where`` is its place in the data."""
    if isinstance(shape, Record):
        if not isinstance(value, dict):
            raise _refused(where, "is not an object")
        missing = [key for key in shape.required if key not in value]
        if missing:
            raise _refused(where, f"has no {missing[0]}")
        if any(key not in shape.required and key not in shape.optional for key in value):
            raise _refused(where, "has a field postdesk does not write")
        for key, item in value.items():
            check_shape(item, shape.required.get(key) or shape.optional[key], f"{where}.{key}" if where else key)
    elif isinstance(shape, ListOf):
        if not isinstance(value, list):
            raise _refused(where, "is not a list")
        if len(value) > shape.max_items:
            raise _refused(where, f"has more than {shape.max_items:,} items")
        for index, item in enumerate(value):
            check_shape(item, shape.item, f"{where}[{index}]")
    elif isinstance(shape, Text):
        if type(value) is not str:
            raise _refused(where, "is not text")
        if len(value) > shape.max_chars:
            raise _refused(where, f"is longer than {shape.max_chars:,} characters")
        if shape.pattern and not re.fullmatch(shape.pattern, value):
            raise _refused(where, "is not in the form postdesk writes")
    elif isinstance(shape, Number):
        if type(value) is not int or not shape.low <= value <= shape.high:
            raise _refused(where, f"is not a whole number from {shape.low:,} to {shape.high:,}")
    elif isinstance(shape, Flag):
        if type(value) is not bool:
            raise _refused(where, "is not true or false")
    elif value not in shape.values or type(value) is not type(shape.values[0]):
        raise _refused(where, "is not one of the values postdesk writes")


def _refused(where: str, what: str) -> PreviewDataError:
    """'the preview data (entries[3].path) is not text': only our keys and positions, never a value."""
    return PreviewDataError(f"the preview data{f' ({where})' if where else ''} {what}")


def read_preview_data(raw: bytes) -> dict[str, Any]:
    """The preview data in ``raw``, checked against :data:`PREVIEW_SHAPE`; PreviewDataError otherwise."""
    if len(raw) > MAX_BYTES:
        raise PreviewDataError(f"the preview data is larger than {MAX_BYTES:,} bytes")
    try:
        data = json.loads(raw.decode("utf-8"), object_pairs_hook=_without_duplicates, parse_constant=_no_constant)
    except UnicodeDecodeError:
        raise PreviewDataError("the preview data is not UTF-8 text") from None
    except RecursionError:
        raise PreviewDataError("the preview data is nested too deeply") from None
    except ValueError:
        raise PreviewDataError("the preview data is not valid JSON") from None
    check_shape(data, PREVIEW_SHAPE)
    return data  # type: ignore[no-any-return]


def _without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _value in pairs]
    if len(set(keys)) != len(keys):
        raise PreviewDataError("the preview data has a field written twice")
    return dict(pairs)


def _no_constant(_name: str) -> None:
    raise PreviewDataError("the preview data has NaN or Infinity, which postdesk never writes")


# --------------------------------------------------------------------------- the comment


@dataclass(frozen=True)
class Links:
    """Where the comment links to, from the workflow_run event (never from the artifact).

    ``server_url`` and ``repo`` say where the repository is (``https://github.com``,
    ``owner/name``); ``head_sha`` the commit the check ran on (thumbnails are shown from it);
    ``run_id`` and ``artifact_id`` the check's run and its preview artifact. Any of the last
    three may be missing: the comment then says where to look instead. Build it with
    :func:`make_links`, which refuses anything that is not in these exact forms.
    """

    server_url: str = "https://github.com"
    repo: str = ""
    head_sha: str = ""
    run_id: int | None = None
    artifact_id: int | None = None

    @property
    def run_url(self) -> str:
        return f"{self.server_url}/{self.repo}/actions/runs/{self.run_id}" if self.repo and self.run_id else ""

    @property
    def artifact_url(self) -> str:
        return f"{self.run_url}/artifacts/{self.artifact_id}" if self.run_url and self.artifact_id else ""

    def photo_url(self, path: str) -> str:
        """The photo at the head commit, or "" when ``path`` is not ``content/media/`` plus safe characters."""
        if not (self.repo and self.head_sha and SAFE_MEDIA_PATH.fullmatch(path)):
            return ""
        return f"{self.server_url}/{self.repo}/raw/{self.head_sha}/{path}"


SAFE_MEDIA_PATH = re.compile(r"content/media/[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}\.(?:jpe?g|png|gif|webp)", re.IGNORECASE)
"""A photo path shown as a thumbnail: one file directly in content/media/, letters, digits,
``.``, ``_`` and ``-`` only (no ``..``, no slash, no query or fragment), an image extension."""
_SERVER_URL = re.compile(r"https://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::[0-9]{1,5})?")
_REPO = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}")
_SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")


def make_links(*, server_url: str = "https://github.com", repo: str = "", head_sha: str = "",
               run_id: int | None = None, artifact_id: int | None = None) -> Links:
    """:class:`Links`, or UsageError naming the argument that is not in the form GitHub gives."""
    server_url = server_url.rstrip("/")
    if not _SERVER_URL.fullmatch(server_url):
        raise UsageError(f"{server_url!r} is not an https://host address.",
                         hint="Pass GitHub's own address: --server-url \"${{ github.server_url }}\".")
    if repo and (not _REPO.fullmatch(repo) or ".." in repo):
        raise UsageError(f"{repo!r} is not a GitHub repository written owner/name.")
    if head_sha and not _SHA.fullmatch(head_sha):
        raise UsageError(f"{head_sha!r} is not a full commit id.", hint="Pass the 40-character head SHA.")
    for name, number in (("--run-id", run_id), ("--artifact-id", artifact_id)):
        if number is not None and not 0 < number < 10**15:
            raise UsageError(f"{name} {number} is not a positive whole number.")
    return Links(server_url, repo, head_sha, run_id, artifact_id)


def render_comment(data: Mapping[str, Any], *, check: str | None = None, limit: int = COMMENT_LIMIT,
                   links: Links | None = None) -> str:
    """The comment (and the job summary) for valid preview ``data``, at most ``limit`` characters.

    ``check`` is the check run's conclusion as GitHub reports it (see :data:`CHECK_CONCLUSIONS`);
    ``links`` where the run, the artifact and the photos are (without them: no thumbnails, and
    the closing line names the run instead of linking it). The first :data:`FULL_ENTRIES`
    submissions are shown in full (see the module notes), each cut down to its share of the
    room when needed (shorter texts, fewer findings); the others are table rows, and rows that
    do not fit are counted. Nothing from ``data`` is written unescaped.
    """
    links = links or Links()
    entries: Sequence[Mapping[str, Any]] = data["entries"]
    omitted = int(data["omitted_entries"])
    head = ["## postdesk preview", ""]
    if check:
        head += [CHECK_CONCLUSIONS.get(check, f"Submission check: {md_code(check)}."), ""]
    if not entries and not omitted:
        return "\n".join([*head, "No submissions changed.", ""])
    ready = all(entry["errors"] == 0 for entry in entries) and not omitted
    head += ["Ready for review: every submission passes the checks." if ready
             else "Some submissions need changes before they can be approved.", ""]
    where = _where_links(links)
    if where:
        head += [where, ""]
    total = len(entries) + omitted
    full, rest = list(entries[:FULL_ENTRIES]), list(entries[FULL_ENTRIES:])
    if rest or omitted:
        head += [f"{total:,} submissions: the first {len(full):,} in full, the others in the table at the end "
                 "(each one's cards are on the preview page in the artifact).", ""]
    footer = "\n" + _footer(links)
    out = _Budget(limit - len(footer) - 300)
    out.add("\n".join(head) + "\n")
    table_room = min(len(rest) * 260, out.room // 3)
    summarised: list[Mapping[str, Any]] = []
    for index, entry in enumerate(full):
        share = (out.room - table_room) // (len(full) - index)
        block = next((block for block in (_full_entry(entry, links, number=index + 1, text_limit=text,
                                                      finding_limit=found)
                                          for text, found in DETAIL_LEVELS) if len(block) <= share), None)
        if block is None:
            summarised.append(entry)
        else:
            out.add(block)
    summarised += rest
    if summarised:
        out.add(f"\n### {'The other submissions' if len(summarised) < total else 'Submissions'}\n\n"
                "| submission | office | verdict | errors | warnings |\n|---|---|---|---|---|\n")
        for index, entry in enumerate(summarised):
            if not out.add(_summary_row(entry)):
                omitted += len(summarised) - index
                break
    if omitted:
        out.force(f"\n…and {omitted:,} more submission{'s' if omitted != 1 else ''} (see the preview artifact).\n")
    return out.text + footer


DETAIL_LEVELS = ((3_000, 30), (1_000, 10), (300, 3), (0, 0))
"""(characters of text per network, findings) shown of one submission, most detailed first:
the first that fits its share of the comment is used."""
LONG_TEXT = 280
"""A post text longer than this (or of more than 4 lines) is collapsed in ``<details>``."""
THUMBNAIL_WIDTH = 160
NO_POST_WITH_ERRORS = "none: it cannot be approved until the errors below are fixed"
CATEGORY_LABELS = {"event": "Event", "partnership": "Partnership", "recognition": "Recognition",
                   "announcement": "Announcement"}
PEOPLE_LABELS = {"none": "no one can be recognised", "staff": "agency staff only",
                 "adults": "adults who are not staff", "minors": "children (minors)"}


def _where_links(links: Links) -> str:
    parts = []
    if links.run_url:
        parts.append(f"[Submission check run]({links.run_url})")
    if links.artifact_url:
        parts.append(f"[Download the full preview (cards and site page)]({links.artifact_url})")
    return " · ".join(parts)


def _footer(links: Links) -> str:
    if links.artifact_url:
        return (f"The full preview (cards for each network and the site page) is in the [preview artifact]"
                f"({links.artifact_url}): download it and open `index.html`.\n")
    if links.run_url:
        return (f"The full preview (cards for each network and the site page) is in the artifact "
                f"`postdesk-preview` of the [Submission check run]({links.run_url}).\n")
    return ("The full preview (cards for each network and the site page) is in the artifact `postdesk-preview` "
            "of the pull request's *Submission check* run.\n")


def _full_entry(entry: Mapping[str, Any], links: Links, *, number: int, text_limit: int,
                finding_limit: int) -> str:
    """One submission in full: heading, title, facts, text per network, photos, findings.

    The heading is postdesk's own words ("Submission 2"), never the title: a title is chosen by
    whoever opened the pull request, and as a heading "✅ Ready: approved" would look like a
    verdict. The title follows in bold, escaped like every other value.
    """
    title = md_text(entry["title"]) or md_code(entry["path"])
    lines = [f"### Submission {number}", "", f"**{title}**", "", f"{md_code(entry['path'])} · {_verdict(entry)}", ""]
    facts = _facts(entry)
    if facts:
        lines += [*facts, ""]
    lines += _texts(entry, text_limit)
    lines += _photos(entry, links)
    lines += _findings(entry, finding_limit)
    return "\n".join(lines) + "\n"


def _verdict(entry: Mapping[str, Any]) -> str:
    errors, warnings = entry["errors"], entry["warnings"]
    counts = f"{errors:,} error{'s' if errors != 1 else ''}, {warnings:,} warning{'s' if warnings != 1 else ''}"
    return f"✅ ready ({counts})" if errors == 0 else f"❌ needs changes ({counts})"


def _facts(entry: Mapping[str, Any]) -> list[str]:
    """Who, which office, the supervisor, the category and its dates, the first post: one list item each."""
    facts = []
    if plain(entry.get("submitted_by", "")) or plain(entry.get("office", "")):
        who = md_text(entry.get("submitted_by", "")) or "—"
        office = md_text(entry.get("office", ""))
        facts.append(f"- **Submitted by:** {who}" + (f", {office}" if office else ""))
    if plain(entry.get("supervisor", "")):
        facts.append(f"- **Supervisor:** {md_text(entry['supervisor'])}")
    if "category" in entry:
        category = CATEGORY_LABELS.get(entry["category"]) or md_text(entry["category"])
        dates = []
        if "event" in entry:
            event = entry["event"]
            when = _day(event["date"]) + (f" {event['time']}" if "time" in event else "")
            place = md_text(event.get("location", ""))
            dates.append(f"Event {when}" + (f", {place}" if place else ""))
        if "post_after" in entry:
            dates.append(f"Not before {_day(entry['post_after'])}")
        if "post_by" in entry:
            dates.append(f"Last day to post {_day(entry['post_by'])}")
        facts.append(f"- **Category:** {category}" + (f" · {' · '.join(dates)}" if dates else ""))
    if entry["channels"] and "texts" not in entry:  # version 1: the counts, as there is no text to show them with
        facts.append("- **Length:** " + " · ".join(f"{CHANNEL_LABELS[card['channel']]} {_count(card)}"
                                                   for card in entry["channels"]))
    slot = md_text(entry["first_slot"])
    if slot:
        facts.append(f"- **First post if merged now:** {slot}")
    elif entry["errors"]:
        facts.append(f"- **First post if merged now:** {NO_POST_WITH_ERRORS}")
    return facts


def _day(iso: str) -> str:
    """'Sat 10 Aug 2030' for a valid YYYY-MM-DD (the shape checked its digits), the digits otherwise."""
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return md_code(iso)
    return f"{day:%a} {day.day} {day:%b %Y}"


def _count(card: Mapping[str, Any]) -> str:
    over = card["length"] > card["limit"]
    return f"{card['length']:,}/{card['limit']:,}" + (f" ⚠️ {card['length'] - card['limit']:,} over" if over else "")


def _texts(entry: Mapping[str, Any], text_limit: int) -> list[str]:
    """Each network's exact text as escaped prose, line by line; collapsed when long, cut to ``text_limit``."""
    counts = {card["channel"]: card for card in entry["channels"]}
    lines: list[str] = []
    for item in entry.get("texts", []):
        channel = item["channel"]
        label = CHANNEL_LABELS[channel]
        count = f" ({_count(counts[channel])} characters)" if channel in counts else ""
        text: str = item["text"]
        shown = text if len(text) <= text_limit else text[:text_limit]
        note = ""
        if shown != text or item.get("shortened"):
            note = (f"*The first {len(shown):,} characters; the whole text is on the preview page.*"
                    if shown else "*The text is on the preview page (no room for it here).*")
        quote = _quoted(shown)
        if len(text) > LONG_TEXT or text.count("\n") > 3:
            lines += [f"<details><summary>{label} text{html.escape(count)}</summary>", "", *quote]
            lines += ([note, ""] if note else []) + ["</details>", ""]
        else:
            lines += [f"**{label}**{count}:", "", *quote] + ([note, ""] if note else [])
    return lines


def _quoted(text: str) -> list[str]:
    """``text`` as a block quote that reads as the same words, line for line, and does nothing
    else: each line is escaped prose (:func:`postdesk.escape.md_text`), lines of a paragraph
    are joined by a hard break (a final ``\\``), paragraphs by an empty quote line."""
    paragraphs: list[list[str]] = [[]]
    for line in text.split("\n"):
        words = md_text(line)
        if words:
            paragraphs[-1].append(words)
        elif paragraphs[-1]:
            paragraphs.append([])
    quoted: list[str] = []
    for paragraph in (p for p in paragraphs if p):
        if quoted:
            quoted.append(">")
        quoted += [f"> {line}\\" for line in paragraph[:-1]] + [f"> {paragraph[-1]}"]
    return [*quoted, ""] if quoted else []


def _photos(entry: Mapping[str, Any], links: Links) -> list[str]:
    photos = entry.get("photos", [])
    if not photos:
        return []
    lines = ["**Photos**", ""]
    for number, photo in enumerate(photos, start=1):
        url = links.photo_url(photo["file"])
        alt = html.escape(plain(photo["alt"], limit=300), quote=True)
        thumbnail = f'<img src="{url}" width="{THUMBNAIL_WIDTH}" alt="{alt}"> ' if url else ""
        people = photo["people"]
        said = [f"Who can be recognised: **{PEOPLE_LABELS[people]}**"]
        if "release" in photo or people in ("adults", "minors"):
            release = md_text(photo.get("release", ""))
            said.append(f"release: {release}" if release else "release: **none named**")
        if people == "minors" or photo.get("court_approved"):
            said.append("court approval: on file" if photo.get("court_approved") else "court approval: **not on file**")
        lines.append(f"{number}. {thumbnail}{md_code(photo['file'])}<br>Alt text: {md_text(photo['alt']) or '—'}<br>"
                     + " · ".join(said))
    return [*lines, ""]


def _findings(entry: Mapping[str, Any], finding_limit: int) -> list[str]:
    findings = entry["findings"]
    unlisted = int(entry["omitted_findings"]) + max(len(findings) - finding_limit, 0)
    if not findings and not unlisted:
        return []
    lines = ["**Findings**", ""] + [_finding(finding) for finding in findings[:finding_limit]]
    if unlisted:
        lines.append(f"- …and {unlisted:,} more (in the Submission check run's log and on the preview page).")
    return [*lines, ""]


def _finding(finding: Mapping[str, Any]) -> str:
    where = f"line {finding['line']:,}" if finding["line"] else "the file"
    fix = f" **Fix:** {md_text(finding['hint'])}" if plain(finding["hint"]) else ""
    return f"- {where}: **{finding['severity']}** {md_text(finding['message'])} ({md_code(finding['rule'])}){fix}"


def _summary_row(entry: Mapping[str, Any]) -> str:
    title = md_text(entry["title"], limit=120, table=True)
    path = md_code(entry["path"], limit=200, table=True)
    where = f"{title}<br>{path}" if title else path
    office = md_text(entry.get("office", ""), table=True) or "—"
    verdict = "✅ ready" if entry["errors"] == 0 else "❌ needs changes"
    return f"| {where} | {office} | {verdict} | {entry['errors']:,} | {entry['warnings']:,} |\n"


def unreadable_comment(*, check: str | None = None) -> str:
    """What the pull request is told when the preview data cannot be read: nothing from the file."""
    lines = ["## postdesk preview", ""]
    if check:
        lines += [CHECK_CONCLUSIONS.get(check, f"Submission check: {md_code(check)}."), ""]
    lines += ["⚠️ The preview data of this pull request's check could not be read, so no preview is shown here. "
              "The findings are in the *Submission check* run: its log and its summary.",
              "",
              "If this keeps happening on pull requests from this repository's own branches, tell the postdesk "
              "maintainers: the preview and the comment workflow may be running different versions of postdesk.",
              ""]
    return "\n".join(lines)


def post_comment(api: GitHubApi, repo: RepoName, *, number: int, head_sha: str, text: str) -> str:
    """Write ``text`` as the pull request's one preview comment (updated on every run); its address.

    The number comes from the artifact, so it is used only when GitHub says that pull request
    is open at ``head_sha``, the commit the check ran on (UsageError otherwise: nothing is written).
    """
    from .routing import check_pull_request, valid_sha, write_sticky_comment

    check_pull_request(api, repo, number, valid_sha(head_sha))
    return write_sticky_comment(api, repo, number, f"{MARKER}\n{text}", marker=MARKER)


class _Budget:
    """Text that stops growing at ``limit`` characters; :meth:`force` is for the short closing lines."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.size = 0

    def add(self, part: str) -> bool:
        if self.size + len(part) > self.limit:
            return False
        self.force(part)
        return True

    @property
    def room(self) -> int:
        return max(self.limit - self.size, 0)

    def force(self, part: str) -> None:
        self.parts.append(part)
        self.size += len(part)

    @property
    def text(self) -> str:
        return "".join(self.parts)
