"""The one parser: a submission file's bytes -> front matter data, body and findings.

Review (``postdesk check``), previews, approval, the site and posting all read a
submission through this module, so what passed review is exactly what is posted.

YAML is read with ``safe_load`` semantics and stricter still: the document is
*composed* by libyaml (``CSafeLoader`` when present, ~8x faster than pure Python)
and turned into plain data by :func:`_plain`, which

* refuses every tag that is not plain data (``!!python/object``, ``!custom``,
  ``!!binary``, merge keys ``<<``): such a document is reported, never executed;
* refuses anchors and aliases, so a "billion laughs" document fails in time and
  memory linear in its size instead of expanding;
* reports duplicate keys (plain ``safe_load`` silently keeps the last one);
* records the line of every key, so later findings can point at it;
* keeps dates and base-60 numbers (``10:00``) as the text that was written: a
  calendar check then reports ``2026-02-30`` instead of crashing, and an unquoted
  time stays a time.

Input is bounded before libyaml sees it (file size, front matter size, flow
nesting depth), because libyaml's composer recurses in C and crashes on tens of
thousands of nested brackets.
"""

from __future__ import annotations

import bisect
import datetime as dt
import errno
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.error import Mark
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .model import Event, Finding, ImageRef, Person, Severity, Submission

MAX_FILE_BYTES = 1_000_000
"""A submission is a few kilobytes; anything near a megabyte is a mistake or an attack."""
MAX_FRONT_MATTER_BYTES = 64_000
MAX_NESTING = 32
MAX_RAW_NESTING = 1_000
"""Bound on nesting counted in the raw text before libyaml composes it: libyaml recurses in C
once per level and some versions crash at ~25,000 levels; 1,000 is safe for every version and
far above any text (a line of forty '- ' in a post's text must not be refused)."""
"""Version 1 nests three levels deep; 32 leaves room and keeps libyaml far from its crash depth."""

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_YAML = "tag:yaml.org,2002:"
_SCALAR_TAGS = frozenset(_YAML + t for t in ("str", "int", "float", "bool", "null", "timestamp"))
_CONSTRUCT = SafeConstructor()
_FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """What the parser could read of one file.

    ``data`` is the front matter as plain Python data (``None`` when it could not be
    read); ``lines`` maps dotted key paths (``"images.0.alt"``) to the 1-based line of the
    key, and ``"images.0.alt@"`` to the line where its value's text starts;
    ``findings`` are the problems found while reading.
    """

    path: str
    data: dict[str, object] | None
    lines: Mapping[str, int]
    body: str
    body_line: int
    findings: tuple[Finding, ...]

    @property
    def readable(self) -> bool:
        return self.data is not None


class _Refused(Exception):
    def __init__(self, rule: str, message: str, hint: str, line: int) -> None:
        super().__init__(message)
        self.rule, self.message, self.hint, self.line = rule, message, hint, line


def read_submission_file(file: Path, rel_path: str) -> ParsedFile:
    """Read and parse one submission file; problems become findings, never exceptions.

    Opened once with ``O_NOFOLLOW``: a symbolic link is refused by the kernel itself, and
    the size and type come from the open file, so nothing can be swapped in between.
    """
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return _failed(rel_path, "file.missing", "The file does not exist.",
                       "Check the path; submissions live in content/submissions/.")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return _failed(rel_path, "file.symlink", "The submission is a symbolic link.",
                           "Commit the submission as a regular file, not a link to another file.")
        return _failed(rel_path, "file.unreadable", f"The file cannot be read: {exc.strerror}.",
                       "Check the file's permissions.")
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return _failed(rel_path, "file.not-a-file", "This is not a regular file.",
                           "A submission is a single .md file.")
        if info.st_size > MAX_FILE_BYTES:
            return _failed(rel_path, "file.too-large",
                           f"The file is {info.st_size:,} bytes; a submission may be at most {MAX_FILE_BYTES:,}.",
                           "Keep only the post text in the file; photos go into content/media/.")
        raw = handle.read(MAX_FILE_BYTES + 1)
    return parse_submission_bytes(raw, rel_path)


def parse_submission_bytes(raw: bytes, path: str) -> ParsedFile:
    """Parse a submission's bytes. Pure: no I/O."""
    if not raw.strip():
        return _failed(path, "file.empty", "The file is empty.",
                       "Start from the template in the README: front matter between '---' lines, then the text.")
    if len(raw) > MAX_FILE_BYTES:
        return _failed(path, "file.too-large",
                       f"The file is {len(raw):,} bytes; a submission may be at most {MAX_FILE_BYTES:,}.",
                       "Keep only the post text in the file; photos go into content/media/.")
    if b"\x00" in raw[:8192]:
        return _failed(path, "file.encoding", "The file is binary (a photo or document?), not a text submission.",
                       "Photos go into content/media/; a submission is a text file with front matter.", line=1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return _failed(path, "file.encoding",
                       f"The file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} cannot be read).",
                       "Save the file as UTF-8; most editors offer it under 'Save with encoding'.",
                       line=line, column=column)
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines[0].rstrip(" \t") != "---":
        return _failed(path, "frontmatter.missing",
                       "The file does not start with front matter (a line '---').",
                       "Put the fields between two lines of three dashes '---' at the top of the file.", line=1)
    closing = next((i for i in range(1, len(lines)) if _FENCE.match(lines[i])), None)
    if closing is None:
        return _failed(path, "frontmatter.unclosed", "The front matter is never closed.",
                       "Add a line '---' after the last field, before the post text.", line=1)
    front = "\n".join(lines[1:closing])
    body = "\n".join(lines[closing + 1:]).strip("\n")
    body_line = closing + 2
    while body_line <= len(lines) and not lines[body_line - 1].strip():
        body_line += 1
    if len(front.encode()) > MAX_FRONT_MATTER_BYTES:
        return _failed(path, "frontmatter.too-large",
                       f"The front matter is over {MAX_FRONT_MATTER_BYTES:,} bytes.",
                       "Front matter holds a few short fields; put long text in the body.", line=2)
    try:
        data, key_lines = load_front_matter(front, first_line=2)
    except _Refused as refused:
        return _failed(path, refused.rule, refused.message, refused.hint, line=refused.line)
    return ParsedFile(path, data, key_lines, body, body_line, ())


def load_front_matter(front: str, *, first_line: int = 1) -> tuple[dict[str, object], dict[str, int]]:
    """YAML text -> (plain data, line of each dotted key path). Raises ``_Refused``."""
    # The raw text is scanned with a generous bound (it cannot tell a bracket in a quoted text
    # from one that nests); what composes is then held to MAX_NESTING by _plain.
    depth, deepest_line = _flow_depth(front)
    if depth > MAX_RAW_NESTING:
        raise _Refused("frontmatter.too-deep", f"The front matter nests brackets {depth:,} levels deep.",
                       "Write each field on its own line; version 1 needs at most three levels.",
                       first_line + deepest_line)
    depth, deepest_line = _block_depth(front)
    if depth > MAX_RAW_NESTING:
        raise _Refused("frontmatter.too-deep", f"The front matter nests lists or fields {depth:,} levels deep.",
                       "Write each field on its own line; version 1 needs at most three levels.",
                       first_line + deepest_line)
    line_of = _line_counter(front, first_line)
    try:
        root = yaml.compose(front, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = line_of(mark) if mark else first_line
        problem = (exc.problem or exc.context or "invalid YAML").rstrip(".")
        hidden = _breaking_yaml_only_break(front, mark.index if mark else len(front))
        if hidden is not None:  # libyaml broke the line there: that is where the person must look
            line = first_line + front.count("\n", 0, hidden)
            message, hint = _syntax_words(problem, front[hidden])
        else:
            message, hint = _syntax_words(problem, _source_line(front, line - first_line))
        raise _Refused("frontmatter.yaml-syntax", message, hint, line) from None
    except yaml.YAMLError as exc:
        raise _Refused("frontmatter.yaml-syntax", f"The front matter is not valid YAML: {exc}.",
                       "Check the indentation and quotes around this line.", first_line) from None
    if root is None:
        raise _Refused("frontmatter.empty", "The front matter is empty.",
                       "Add the required fields: title, category, submitted_by, supervisor, channels, "
                       "confidentiality_confirmed.", first_line)
    if not isinstance(root, MappingNode):
        raise _Refused("frontmatter.not-a-mapping", "The front matter must be a list of 'field: value' lines.",
                       "Write one field per line, like 'title: Backpack drive'.", line_of(root.start_mark))
    key_lines: dict[str, int] = {}
    data = _plain(root, "", key_lines, set(), line_of, 0)
    assert isinstance(data, dict)
    return data, key_lines


def _plain(node: Node, path: str, key_lines: dict[str, int], seen: set[int], line_of: _LineOf,
           depth: int) -> object:
    line = line_of(node.start_mark)
    if id(node) in seen:
        raise _Refused("frontmatter.unsafe-yaml", "The front matter uses a YAML alias ('*name').",
                       "Write the value out in full; anchors and aliases are not allowed.", line)
    seen.add(id(node))
    if depth > MAX_NESTING:
        raise _Refused("frontmatter.too-deep", "The front matter nests too deeply.",
                       "Version 1 needs at most three levels.", line)
    if isinstance(node, ScalarNode):
        return _scalar(node, line)
    if node.tag not in (_YAML + "map", _YAML + "seq"):
        raise _refused_tag(node.tag, line)
    if isinstance(node, SequenceNode):
        return [_plain(item, f"{path}.{i}" if path else str(i), key_lines, seen, line_of, depth + 1)
                for i, item in enumerate(node.value)]
    assert isinstance(node, MappingNode)
    result: dict[str, object] = {}
    for key_node, value_node in node.value:
        key_line = line_of(key_node.start_mark)
        if key_node.tag == _YAML + "merge":
            raise _Refused("frontmatter.unsafe-yaml", "The front matter uses a YAML merge key ('<<').",
                           "Write the fields out in full; merge keys are not allowed.", key_line)
        if not isinstance(key_node, ScalarNode):
            raise _Refused("frontmatter.complex-key", "A field name must be a plain word.",
                           "Write fields as 'name: value'.", key_line)
        if key_node.tag not in _SCALAR_TAGS:
            raise _refused_tag(key_node.tag, key_line)
        key = key_node.value
        if key in result:
            first = key_lines.get(f"{path}.{key}" if path else key, key_line)
            raise _Refused("frontmatter.duplicate-key",
                           f"The field '{key}' appears twice (first on line {first}).",
                           f"Keep one '{key}:' line and delete the other.", key_line)
        dotted = f"{path}.{key}" if path else key
        key_lines[dotted] = key_line
        # Where the value's text starts: a block scalar ("|" or ">") starts on the next line.
        value_line = line_of(value_node.start_mark)
        style = getattr(value_node, "style", None)
        key_lines[f"{dotted}@"] = value_line + (1 if style in ("|", ">") else 0)
        if style not in ("|", ">"):  # the column where a one-line value's text starts
            key_lines[f"{dotted}@column"] = value_node.start_mark.column + (2 if style in ("'", '"') else 1)
        result[key] = _plain(value_node, dotted, key_lines, seen, line_of, depth + 1)
    return result


def _scalar(node: ScalarNode, line: int) -> object:
    tag = node.tag
    if tag not in _SCALAR_TAGS:
        raise _refused_tag(tag, line)
    if tag == _YAML + "str" or tag == _YAML + "timestamp":
        return node.value
    if tag == _YAML + "int" and ":" in node.value:
        return node.value  # YAML 1.1 base-60 ("10:00" -> 600): keep what the person wrote
    try:
        return _CONSTRUCT.yaml_constructors[tag](_CONSTRUCT, node)
    except (ConstructorError, ValueError, OverflowError):
        return node.value


def _refused_tag(tag: str, line: int) -> _Refused:
    shown = "!!" + tag.removeprefix(_YAML) if tag.startswith(_YAML) else tag
    return _Refused("frontmatter.unsafe-yaml",
                    f"The front matter uses the YAML tag '{shown}', which is not plain data.",
                    "Remove the tag: values are plain text, numbers, dates, true/false and lists.", line)


_CURLY_QUOTES = "\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb"


def _syntax_words(problem: str, source: str) -> tuple[str, str]:
    """The message and hint for a YAML syntax error, in the words of what the person typed."""
    indent = source[:len(source) - len(source.lstrip(" \t"))]
    if "\t" in indent or "tab" in problem:
        return ("This line is indented with a tab.", "Indent with spaces, not tabs.")
    message = f"The front matter is not valid YAML: {problem}."
    hidden = next((brk for brk in _YAML_ONLY_BREAKS if brk in source), None)
    if hidden is not None:
        name = _BREAK_NAMES[hidden]
        return (f"This line contains an invisible {name} (U+{ord(hidden):04X}), which YAML reads as a new line.",
                "Delete it: most editors do not show it, so retype the words on either side of it.")
    if any(quote in source for quote in _CURLY_QUOTES):
        return (message, "This line has curly quotes (\u201c \u201d or \u2018 \u2019), which YAML reads as "
                         "ordinary letters. Type straight quotes (\") around the whole value instead.")
    if "mapping values are not allowed" in problem:
        return message, "A value contains ': '. Put the whole value in double quotes."
    if "could not find expected ':'" in problem:
        return message, "Each field needs 'name: value'; check for a missing colon or a stray line."
    return message, "Check the indentation and quotes on this line and the one before it."


def _breaking_yaml_only_break(text: str, error_at: int) -> int | None:
    """Where a U+2028, U+2029 or U+0085 caused this syntax error (None when none did).

    The document is composed again with them read as spaces (same length, same positions): if
    the error then goes away or moves, the last one before the error is the cause.
    """
    found = max(text.rfind(brk, 0, error_at + 1) for brk in _YAML_ONLY_BREAKS)
    if found < 0:
        return None
    spaced = text.translate({ord(brk): " " for brk in _YAML_ONLY_BREAKS})
    try:
        yaml.compose(spaced, Loader=_Loader)
    except yaml.MarkedYAMLError as again:
        mark = again.problem_mark or again.context_mark
        return None if mark is not None and mark.index == error_at else found
    except yaml.YAMLError:
        return None
    return found


def _source_line(text: str, index: int) -> str:
    lines = text.split("\n")
    return lines[index] if 0 <= index < len(lines) else ""


class _LineOf(Protocol):
    def __call__(self, mark: Mark) -> int: ...


def _line_counter(text: str, first_line: int) -> _LineOf:
    """Mark -> the line a person sees in the file.

    libyaml also counts U+2028, U+2029 and U+0085 as line breaks, so with one of them in a value
    its line numbers run ahead of the editor's; the mark's character index is then counted
    against the file's own line feeds.
    """
    if not any(brk in text for brk in _YAML_ONLY_BREAKS):
        return lambda mark: first_line + mark.line
    starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]
    return lambda mark: first_line + bisect.bisect_right(starts, mark.index) - 1


_YAML_ONLY_BREAKS = ("\u2028", "\u2029", "\x85")
_BREAK_NAMES = {"\u2028": "line separator", "\u2029": "paragraph separator", "\x85": "next-line character"}


def _block_depth(text: str) -> tuple[int, int]:
    """(deepest block nesting, 0-based line where it is reached), before libyaml sees the text.

    libyaml's composer recurses in C once per level, so ~25,000 nested ``- `` items in 50 KB
    crash some versions with a segmentation fault. A line's nesting is its parent's (the
    nearest line above it indented less) plus one, plus the compact indicators it starts with
    (``- - - x``), so levels carried over several lines add up. Lines of a multi-line value
    count too: this errs towards refusing, and the bound is far above any real text.
    """
    stack: list[tuple[int, int]] = []  # (indent, nesting) of the lines that can still be parents
    deepest = deepest_line = 0
    for number, line in enumerate(text.split("\n")):
        content = line.lstrip(" ")
        if not content or content.startswith("#"):
            continue
        indent = len(line) - len(content)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        compact = _COMPACT_INDICATORS.match(content)
        depth = (stack[-1][1] if stack else 0) + 1 + (len(_INDICATOR.findall(compact.group())) if compact else 0)
        stack.append((indent, depth))
        if depth > deepest:
            deepest, deepest_line = depth, number
    return deepest, deepest_line


_COMPACT_INDICATORS = re.compile(r"(?:[-?:](?:[ \t]+|$))+")
_INDICATOR = re.compile(r"[-?:](?:[ \t]+|$)")


def _flow_depth(text: str) -> tuple[int, int]:
    """(deepest bracket nesting, 0-based line where it is reached), counted crudely: brackets in
    quotes count too, which errs towards refusing, far above any real text."""
    openers = text.count("[") + text.count("{")
    if openers <= MAX_RAW_NESTING:  # cannot nest deeper than it opens: skip the scan (the usual case)
        return openers, 0
    depth = deepest = deepest_line = line = 0
    for char in text:
        if char in "[{":
            depth += 1
            if depth > deepest:
                deepest, deepest_line = depth, line
        elif char in "]}":
            depth = max(0, depth - 1)
        elif char == "\n":
            line += 1
    return deepest, deepest_line


def _failed(path: str, rule: str, message: str, hint: str, *, line: int = 0, column: int = 0) -> ParsedFile:
    finding = Finding(path, rule, message, hint, Severity.ERROR, line, column)
    return ParsedFile(path, None, {}, "", 0, (finding,))


def read_approved(file: Path) -> Submission | None:
    """An approved submission (it passed the checks when it was merged), or None when it cannot be read now.

    The scheduler, the posting run and the editorial page read ``content/approved/`` this way.
    """
    parsed = read_submission_file(file, f"content/approved/{file.name}")
    return submission_from_parsed(parsed) if parsed.data is not None else None


def submission_from_parsed(parsed: ParsedFile) -> Submission:
    """Typed submission from front matter that passed the schema and date checks.

    Raises ``ValueError`` or ``KeyError`` only if called on data that did not pass them.
    """
    data = parsed.data
    if data is None:
        raise ValueError(f"{parsed.path}: front matter could not be read")
    who = _mapping(data["submitted_by"])
    boss = _mapping(data["supervisor"])
    event = None
    if "event" in data:
        ev = _mapping(data["event"])
        event = Event(
            date=dt.date.fromisoformat(str(ev["date"])),
            time=dt.time.fromisoformat(str(ev["time"])) if "time" in ev else None,
            location=str(ev["location"]) if "location" in ev else None,
        )
    images = tuple(
        ImageRef(file=str(img["file"]), alt=str(img["alt"]), people=str(img["people"]),
                 release=str(img["release"]) if "release" in img else None,
                 court_approved=bool(img.get("court_approved", False)),
                 line=parsed.lines.get(f"images.{i}.file", 0))
        for i, img in enumerate(_mapping(item) for item in _list(data.get("images", [])))
    )
    return Submission(
        path=parsed.path,
        title=str(data["title"]),
        category=str(data["category"]),
        submitted_by=Person(str(who["name"]), str(who["email"])),
        office=str(who["office"]),
        supervisor=Person(str(boss["name"]), str(boss["email"])),
        channels=tuple(str(c) for c in _list(data["channels"])),
        confidentiality_confirmed=data["confidentiality_confirmed"] is True,
        body=parsed.body,
        body_line=parsed.body_line,
        event=event,
        time_sensitive=data.get("time_sensitive") is True,
        post_by=_date(data.get("post_by")),
        post_after=_date(data.get("post_after")),
        text={str(k): str(v) for k, v in _mapping(data.get("text", {})).items()},
        hashtags=tuple(str(h) for h in _list(data.get("hashtags", []))),
        link=str(data["link"]) if "link" in data else None,
        images=images,
        lines=parsed.lines,
    )


def _date(value: object) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(str(value))


def _mapping(value: object) -> dict[str, object]:
    if not isinstance(value, dict):
        raise ValueError("expected a mapping")
    return value


def _list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise ValueError("expected a list")
    return value
