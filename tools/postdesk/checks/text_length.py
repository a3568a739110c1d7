"""Rule family ``text``: the text each network will show fits that network.

The text measured is the text that will be posted (:func:`postdesk.posttext.post_text`:
Markdown rendered to plain text, the per-network override, the link and hashtags).

* ``text.too-long``: over the network's limit (``channels.<name>.max_chars``): X counts
  weighted characters exactly as X does (twitter-text v3: URLs 23, CJK and emoji 2),
  Facebook and LinkedIn count characters. The message names the overflow.
* ``text.empty``: nothing would be posted on a network.
* ``text.invalid-character``: the text holds an invisible character X refuses (U+FEFF,
  U+FFFE, U+FFFF), usually pasted from a word processor.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import CHANNEL_LABELS, Finding
from ..posttext import post_text, text_source_line
from ..schema import field_label
from ..xcount import INVALID_CHARACTERS, x_length_if_over
from .base import CheckContext


def check(ctx: CheckContext) -> Iterator[Finding]:
    sub = ctx.sub
    for channel in sub.channels:
        text = post_text(sub, channel)
        line = text_source_line(sub, channel)
        label = CHANNEL_LABELS[channel]
        own_text = field_label(("text", channel))  # "Text for X"
        if not text.strip():
            yield Finding(ctx.path, "text.empty", f"Nothing would be posted on {label}: the text is empty.",
                          f"Write the post text, or fill in '{own_text}'.", line=line)
            continue
        bad = [] if text.isascii() else sorted({f"U+{ord(c):04X}" for c in INVALID_CHARACTERS if c in text})
        if bad:
            yield Finding(ctx.path, "text.invalid-character",
                          f"The {label} text contains an invisible character X refuses ({', '.join(bad)}).",
                          "Delete it: retype the text around it, or paste it as plain text.", line=line)
        limit = ctx.config.channel(channel).max_chars
        length = measure(channel, text, limit)
        if length is not None and length > limit:
            unit = "weighted characters" if channel == "x" else "characters"
            if channel in sub.text:
                hint = f"Shorten '{own_text}' by at least {length - limit:,} {unit}."
            else:
                hint = f"Shorten the post text, or fill in '{own_text}' with a shorter version for {label}."
            yield Finding(ctx.path, "text.too-long",
                          f"The {label} text is {length:,} {unit}; the limit is {limit:,} "
                          f"({length - limit:,} over, counting the link and hashtags).", hint, line=line)


def measure(channel: str, text: str, limit: int) -> int | None:
    """The length that counts on ``channel``, or None when X's text certainly fits (fast path)."""
    if channel == "x":
        return x_length_if_over(text, limit)
    return len(text)
