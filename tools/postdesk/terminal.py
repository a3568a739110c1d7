"""What reaches a terminal: text from a pull request can never drive the terminal.

A file name is chosen by whoever opens the pull request, and it is printed by every stage.
An ANSI escape sequence in it (``\\x1b]8;;…`` links, ``\\x1b[2J`` clear-screen, a carriage
return that overwrites the line before, a right-to-left override that reverses it) would
rewrite what a person reads in their terminal or in a CI log. The CLI writes through
:class:`SafeStream`, which shows every such character as a visible escape (``\\u001b``,
``\\u202e``) and lets through only postdesk's own colours.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TextIO

OWN_COLOURS = re.compile(r"\x1b\[(?:0|1|2|31;1|33;1)m")
"""The only escape sequences postdesk itself writes (see :mod:`postdesk.report`)."""

_KEPT = frozenset("\n\t\u200d")  # ZWJ joins emoji (👨‍👩‍👧); it cannot move the cursor


def neutralise(text: str) -> str:
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
            pieces += [neutralise(text[last:match.start()]), match.group()]
            last = match.end()
        pieces.append(neutralise(text[last:]))
        self._stream.write("".join(pieces))
        return len(text)

    def __getattr__(self, name: str) -> object:  # flush, isatty, encoding… of the real stream
        return getattr(self._stream, name)
