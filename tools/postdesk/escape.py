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

``table=True`` is for text inside a Markdown table cell, where a ``|`` ends the cell even
inside a code span; there it is written ``\\|``, which GitHub's table reader (and
markdown-it's) takes as a ``|`` of the cell's content whatever comes before the backslash.
"""

from __future__ import annotations

import re
import unicodedata

ELLIPSIS = "…"

_TERMINAL_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"          # CSI: colours, cursor moves (ESC [ 3 1 m)
    r"|\x9b[0-?]*[ -/]*[@-~]"           # the same, with the one-character C1 introducer
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window titles, hyperlinks
    r"|\x1b[@-Z\\-_]")                  # any other two-character escape
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})
"""Unicode categories never shown: controls, format characters (bidi, zero-width), surrogates,
private use, line and paragraph separators."""
_PUNCTUATION = frozenset("\\`*_{}[]()#+-.!|~$^")
"""ASCII punctuation Markdown gives a meaning to (``$`` is GitHub's math; ``<>&`` become entities)."""
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
