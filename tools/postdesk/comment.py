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
renderer. :data:`PREVIEW_VERSION` changes only when a field changes meaning.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import PostdeskError
from .escape import md_code, md_text, plain
from .model import CHANNEL_LABELS, CHANNELS

if TYPE_CHECKING:
    from .routing import GitHubApi, RepoName

PREVIEW_FORMAT = "postdesk-preview"
PREVIEW_VERSION = 1
MAX_BYTES = 4_000_000
"""The largest preview.json read; what postdesk writes within the limits below stays far under it."""
MAX_ENTRIES = 300
"""Submissions (and other changed paths) listed in the data; more are only counted."""
MAX_FINDINGS = 100
"""Findings listed per submission; more are only counted."""
MAX_PATH, MAX_TITLE, MAX_MESSAGE, MAX_SLOT, MAX_RULE = 1_000, 300, 2_000, 200, 80
MAX_NUMBER = 100_000_000
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
class ListOf:
    item: Shape
    max_items: int


@dataclass(frozen=True)
class Record:
    required: Mapping[str, Shape]
    optional: Mapping[str, Shape] = field(default_factory=dict)


Shape = Text | Number | OneOf | ListOf | Record

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
ENTRY_SHAPE = Record({
    "path": Text(MAX_PATH),
    "title": Text(MAX_TITLE),
    "errors": Number(0, MAX_NUMBER),
    "warnings": Number(0, MAX_NUMBER),
    "channels": ListOf(CHANNEL_SHAPE, len(CHANNELS)),
    "first_slot": Text(MAX_SLOT),
    "findings": ListOf(FINDING_SHAPE, MAX_FINDINGS),
    "omitted_findings": Number(0, MAX_NUMBER),
})
PREVIEW_SHAPE = Record({
    "format": OneOf((PREVIEW_FORMAT,)),
    "version": OneOf((PREVIEW_VERSION,)),
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


def render_comment(data: Mapping[str, Any], *, check: str | None = None, limit: int = COMMENT_LIMIT) -> str:
    """The comment (and the job summary) for valid preview ``data``, at most ``limit`` characters.

    ``check`` is the check run's conclusion as GitHub reports it (see :data:`CHECK_CONCLUSIONS`).
    Per submission: the verdict, the counts against each network's limit, when it would first
    be posted if merged now; then every finding. Nothing from ``data`` is written unescaped.
    """
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
    footer = "\nThe full preview (cards for each network and the site page) is in the workflow's artifact.\n"
    out = _Budget(limit - len(footer) - 200)
    out.add("\n".join(head) + "\n")
    networks = " | ".join(CHANNEL_LABELS[channel] for channel in CHANNELS)
    out.add(f"| submission | verdict | errors | warnings | {networks} | first post if merged now |\n"
            f"|---|---|---|---|{'---|' * len(CHANNELS)}---|\n")
    for index, entry in enumerate(entries):
        if not out.add(_row(entry)):
            omitted += len(entries) - index
            break
    if omitted:
        out.force(f"\n…and {omitted:,} more submission{'s' if omitted != 1 else ''} (see the preview artifact).\n")
    findings = [(entry, finding) for entry in entries for finding in entry["findings"]]
    unlisted = sum(int(entry["omitted_findings"]) for entry in entries)
    listed = bool(findings or unlisted) and out.add("\n### Findings\n\n")
    for index, (entry, finding) in enumerate(findings):
        if not listed or not out.add(_finding(entry["path"], finding)):
            unlisted += len(findings) - index
            break
    if unlisted:
        out.force(f"- …and {unlisted:,} more (see the preview artifact).\n")
    return out.text + footer


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


def _row(entry: Mapping[str, Any]) -> str:
    counts = {card["channel"]: f"{card['length']:,}/{card['limit']:,}" + (" ⚠️" if card["length"] > card["limit"]
                                                                         else "")
              for card in entry["channels"]}
    title = md_text(entry["title"], table=True)
    where = f"{title}<br>{md_code(entry['path'], table=True)}" if title else md_code(entry["path"], table=True)
    verdict = "✅ ready" if entry["errors"] == 0 else "❌ needs changes"
    slot = md_text(entry["first_slot"], table=True) or "—"
    return (f"| {where} | {verdict} | {entry['errors']:,} | {entry['warnings']:,} | "
            + " | ".join(counts.get(channel, "—") for channel in CHANNELS) + f" | {slot} |\n")


def _finding(path: str, finding: Mapping[str, Any]) -> str:
    where = f"line {finding['line']:,}" if finding["line"] else "file"
    fix = f" Fix: {md_text(finding['hint'])}" if plain(finding["hint"]) else ""
    return (f"- {md_code(path)} {where}: **{finding['severity']}** {md_text(finding['message'])} "
            f"({md_code(finding['rule'])}){fix}\n")


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

    def force(self, part: str) -> None:
        self.parts.append(part)
        self.size += len(part)

    @property
    def text(self) -> str:
        return "".join(self.parts)
