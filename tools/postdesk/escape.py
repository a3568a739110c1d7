"""Text from a pull request, made harmless for a terminal, a Markdown page or an HTML page.

A file name, a title or a message quoting a submission is written by whoever opened the pull
request: a fork can put newlines, Markdown (``## ✅ Ready``), HTML (``<details>``), mentions
(``@org/team``), links, direction overrides (U+202E) and terminal escapes (``ESC[31m``) in it.
Every output that shows such text goes through one of these three pure functions:

* :func:`plain`: one line of visible text. Terminal escape sequences are removed whole, then
  every control and format character (C0, DEL, C1, bidirectional controls, zero-width
  characters, the byte-order mark, line and paragraph separators); every run of white space,
  newlines included, becomes one space; the result is cut to ``limit`` characters with "…".
* :func:`md_code`: that line as a Markdown code span. Inside a code span GitHub reads no
  Markdown, no HTML, no mention, no issue reference and no bare link, so this is the form for
  paths, rule ids and anything shaped like an address.
* :func:`md_text`: that line as Markdown prose. ``<``, ``>`` and ``&`` become HTML entities,
  every other ASCII punctuation mark that Markdown (or GitHub's math) reads is
  backslash-escaped, and each word that GitHub would turn into a link *after* rendering
  Markdown (a mention ``@x``, a reference ``#12``, ``https://…``, ``www.…``) is set as a code
  span instead: a backslash cannot stop those, because GitHub finds them in the rendered text.

Last, the CLI writes everything through :class:`SafeStream`, whatever stage printed it: it
shows any control, format or line-separator character that is still there as a visible escape
(``\\u001b``, ``\\u202e``), so a file name can never drive the terminal or rewrite a CI log
(an OSC hyperlink, a clear-screen, a carriage return that overwrites the line before), and
lets through only postdesk's own colour codes.

``table=True`` is for text inside a Markdown table cell, where a ``|`` ends the cell even
inside a code span; there it is written ``\\|``, which GitHub's table reader (and
markdown-it's) takes as a ``|`` of the cell's content whatever comes before the backslash.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TextIO

ELLIPSIS = "…"

_TERMINAL_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"          # CSI: colours, cursor moves (ESC [ 3 1 m)
    r"|\x9b[0-?]*[ -/]*[@-~]"           # the same, with the one-character C1 introducer
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window titles, hyperlinks
    r"|\x1b[@-Z\\-_]")                  # any other two-character escape
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
"""Unicode categories never shown: controls, format characters (bidi, zero-width), surrogates,
private use, line and paragraph separators."""
_PUNCTUATION = frozenset("\\`*_{}[]()#+-.!|~$^=")
"""ASCII punctuation Markdown gives a meaning to (``$`` is GitHub's math; ``<>&`` become entities;
``=`` underlines a heading when a post's text is shown line by line)."""
_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
_LINKED_BY_GITHUB = re.compile(r"@|#|://|^www\.", re.IGNORECASE)
"""A word GitHub turns into a link or a notification after Markdown: mentions, issue and
cross-repository references, addresses."""


def plain(text: str, *, limit: int | None = None) -> str:
    """``text`` as one line of visible characters, at most ``limit`` long (with "…" when cut)."""
    text = _TERMINAL_ESCAPES.sub("", text)
    kept = "".join(" " if char.isspace() else char for char in text
                   if char.isspace() or unicodedata.category(char) not in _INVISIBLE)
    line = " ".join(kept.split())
    if limit is not None and len(line) > limit:
        line = line[:max(limit - 1, 0)].rstrip() + ELLIPSIS
    return line


def md_code(text: str, *, limit: int | None = None, table: bool = False) -> str:
    """``text`` as a Markdown code span (``—`` when nothing visible is left)."""
    return _code_span(plain(text, limit=limit), table=table)


def md_text(text: str, *, limit: int | None = None, table: bool = False) -> str:
    """``text`` as Markdown prose that reads as the same words and does nothing else."""
    words = plain(text, limit=limit).split(" ")
    return " ".join(_code_span(word, table=table) if _LINKED_BY_GITHUB.search(word) else _escaped(word)
                    for word in words if word)


def _escaped(word: str) -> str:
    return "".join(_ENTITIES.get(char) or (f"\\{char}" if char in _PUNCTUATION else char) for char in word)


def _code_span(line: str, *, table: bool) -> str:
    if not line:
        return "—"
    longest = max((len(run) for run in re.findall(r"`+", line)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if line.startswith("`") or line.endswith("`") else ""
    if table:
        line = line.replace("|", "\\|")
    return f"{fence}{pad}{line}{pad}{fence}"


# --- the terminal: the CLI's last line of defence -------------------------------------------

OWN_COLOURS = re.compile(r"\x1b\[(?:0|1|2|31;1|33;1)m")
"""The only escape sequences postdesk itself writes (see :mod:`postdesk.report`)."""

_KEPT = frozenset("\n\t\u200d")  # ZWJ joins emoji (👨‍👩‍👧); it cannot move the cursor


def visible(text: str) -> str:
    """``text`` with every control, format and line-separator character written as a visible escape."""
    if text.replace("\n", "").replace("\t", "").isprintable():
        return text  # the usual case: nothing to do
    return "".join(char if char in _KEPT or _is_visible(char) else _escape(char) for char in text)


def _is_visible(char: str) -> bool:
    # Cc: C0/C1 controls (ESC, CR, CSI 0x9b); Cf: bidi overrides, zero-width; Zl/Zp: U+2028/9.
    return unicodedata.category(char) not in ("Cc", "Cf", "Zl", "Zp")


def _escape(char: str) -> str:
    # \uXXXX also keeps JSON output valid JSON (and decoding it gives the character back).
    return f"\\u{ord(char):04x}"


class SafeStream:
    """A text stream that neutralises what is written to it, except postdesk's own colour codes."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        pieces, last = [], 0
        for match in OWN_COLOURS.finditer(text):
            pieces += [visible(text[last:match.start()]), match.group()]
            last = match.end()
        pieces.append(visible(text[last:]))
        self._stream.write("".join(pieces))
        return len(text)

    def __getattr__(self, name: str) -> object:  # flush, isatty, encoding… of the real stream
        return getattr(self._stream, name)
