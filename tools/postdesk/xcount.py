"""X (Twitter) weighted character counting: exact, plus a fast path that usually avoids the exact count.

X limits a post to 280 *weighted* characters, counted by twitter-text v3 (see PLATFORMS.md, "Text"):
the text is normalised to NFC, code points in a few "light" ranges weigh 1 and everything else 2,
every emoji sequence weighs 2 and every URL weighs 23. The only faithful Python implementation we
have is ``twitter-text-parser``, and it is slow for a checker that must handle one submission in well
under a second and thousands per second in bulk: ``import twitter_text`` costs about 0.5 s (it reads
the emoji list through ``pkg_resources`` and compiles a huge emoji regex at import time), and
``parse_tweet`` costs about 2 ms for a 270-character text, most of it in that regex.

So this module never imports ``twitter_text`` at import time, and:

* :func:`x_weighted_length` is the exact count. It delegates to ``parse_tweet`` except for pure-ASCII
  text, where the emoji regex provably cannot match and the count reduces to "characters outside URLs
  plus 23 per URL"; that branch still uses the library's own URL extraction and is tested for equality
  with ``parse_tweet``.
* :func:`x_fits` and :func:`x_length_if_over` first compute :func:`x_length_upper_bound`, a cheap
  upper bound on the exact count that needs only the standard library. When the bound is within the
  limit (the common case) the answer is certain and twitter-text is never loaded.

The weight ranges and the invalid-character list are copied from twitter-text-parser 3.0.0 on
purpose, for speed; ``tests/test_xcount.py`` compares them with the installed library so an upgrade
cannot make them drift silently.
"""

import re
import unicodedata
import warnings
from functools import lru_cache
from typing import Any

__all__ = [
    "X_MAX_WEIGHTED_LENGTH",
    "x_fits",
    "x_length_if_over",
    "x_length_upper_bound",
    "x_weighted_length",
]

#: twitter-text's ``max_weighted_tweet_length``: the default limit of :func:`x_fits`.
X_MAX_WEIGHTED_LENGTH = 280

# --- Copied from twitter_text.config.config["defaults"] (v3); checked against the library by a test. ---
#: Inclusive code point ranges that weigh ``LIGHT_WEIGHT``; every other code point weighs ``DEFAULT_WEIGHT``.
LIGHT_RANGES: tuple[tuple[int, int], ...] = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))
LIGHT_WEIGHT = 100
DEFAULT_WEIGHT = 200
#: Weights are integers in hundredths of a character; the final length is divided by the scale.
WEIGHT_SCALE = 100
#: Weight (in characters) of every URL twitter-text recognises, whatever its real length.
TRANSFORMED_URL_LENGTH = 23

#: Copied from twitter_text.regexp.invalid_chars_group: a text containing one is not a valid post.
INVALID_CHARACTERS = frozenset("\ufffe\ufeff\uffff")

#: Code points in a light range that twitter-text's emoji regex matches on their own (unqualified
#: emoji: (c) and (R) signs). As emoji they weigh 2, not 1, so the upper bound must count them as 2.
#: This is the one place where "an emoji weighs 2, at least as much as its code points" is false.
#: Derived from the library's emoji regex; a test recomputes it.
LIGHT_SINGLE_CODEPOINT_EMOJI = frozenset("\u00a9\u00ae")


def _light_class() -> str:
    """The body of a regex character class matching every light code point."""
    return "".join(f"\\U{start:08x}-\\U{end:08x}" for start, end in LIGHT_RANGES)


# Runs of code points the upper bound weighs 2: outside the light ranges, or a light emoji.
_HEAVY_RUN = re.compile(
    "(?:[^{light}]|[{emoji}])+".format(
        light=_light_class(),
        emoji="".join(f"\\U{ord(c):08x}" for c in sorted(LIGHT_SINGLE_CODEPOINT_EMOJI)),
    )
)
_INVALID = re.compile("[{}]".format("".join(f"\\U{ord(c):08x}" for c in sorted(INVALID_CHARACTERS))))

# A "." that could be the last dot of a URL's host. twitter-text's domain pattern is
# ``subdomain* domain_name (gTLD | ccTLD | punycode)`` where ``domain_name`` ends in ``\.``, so every URL
# it recognises contains a "." immediately followed by the first character of a TLD, and every TLD in
# its lists (and "xn--") starts with a letter, in any script and in either case. ``[^\W\d_]`` (letters,
# plus a few non-decimal numerics) is a superset of those. Ordinary full stops ("end. Next", "3.0",
# "etc.") are not followed by a letter, so prose does not inflate the bound.
_URL_DOT = re.compile(r"\.(?=[^\W\d_])")


def _nfc(text: str) -> str:
    """NFC-normalise as twitter-text does; ASCII is already NFC, so skip the call for it."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _bound_nfc(nfc: str) -> int:
    """Upper bound on the weighted length of an NFC-normalised text (see :func:`x_length_upper_bound`)."""
    bound = len(nfc)
    if not nfc.isascii():
        bound += sum(map(len, _HEAVY_RUN.findall(nfc)))
    if "." in nfc:
        bound += TRANSFORMED_URL_LENGTH * len(_URL_DOT.findall(nfc))
    return bound


def x_length_upper_bound(text: str) -> int:
    """Return a cheap upper bound on :func:`x_weighted_length`, computed without twitter-text.

    bound = sum over the NFC code points of their weight (1 in the light ranges, else 2; the (c) and
    (R) signs 2, because twitter-text counts them as emoji) + 23 for every "." followed by a letter.

    Why it is never below the exact count: twitter-text walks the text in disjoint pieces. A plain
    code point weighs exactly what the bound gives it. An emoji sequence weighs 2, and its code points
    weigh at least 2 in the bound (two or more code points, or one heavy one). A URL weighs 23 and
    contains, inside the piece it consumes, the dot before its TLD, which the bound charges 23 on top
    of the piece's own code points. Turning "\\r\\n" into "\\n" only lowers the exact count.
    """
    return _bound_nfc(_nfc(text))


@lru_cache(maxsize=1)
def _load_library() -> None:
    """Import twitter-text once, quietly.

    twitter-text-parser 3.0.0 reads its emoji list through ``pkg_resources``, which setuptools
    deprecates with a UserWarning on import (and removed in setuptools 81, hence the pin in
    pyproject.toml). The warning is about the library's internals, not about postdesk's use.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
        import twitter_text  # noqa: F401


def _ascii_weighted_length(text: str) -> int:
    """Exact weighted length of a pure-ASCII text, without running the emoji regex.

    Why: ``parse_tweet`` always runs the emoji regex (``emoji_parsing_enabled=False`` only stops it
    from *using* the matches, so it saves nothing), and that regex is most of its cost. No emoji
    sequence in the library's list is pure ASCII, so on ASCII text the regex never matches and
    ``parse_tweet``'s loop reduces to what is below: every character weighs 1 except that each URL
    found by the library's own extractor weighs 23, and a URL starting inside a previous one is
    skipped. A test checks this against ``parse_tweet`` on the conformance cases and random text.
    """
    _load_library()
    from twitter_text.extract_urls import extract_urls_with_indices
    from twitter_text.parse_tweet import convert_line_ending

    normalized = convert_line_ending(text)
    if "." not in normalized:  # no URL without a dot; skip the extractor
        return len(normalized)
    entities = extract_urls_with_indices(normalized)
    url_lengths = {entity["indices"][0]: len(entity["url"]) for entity in entities}
    length = 0
    position = 0
    for start in sorted(url_lengths):
        if start < position:  # inside the previous URL: parse_tweet never visits this index
            continue
        length += start - position + TRANSFORMED_URL_LENGTH
        position = start + url_lengths[start]
    return length + max(0, len(normalized) - position)


@lru_cache(maxsize=16)
def _options(limit: int) -> dict[str, Any]:
    """twitter-text's default (v3) options with ``max_weighted_tweet_length`` set to ``limit``.

    Why: ``parse_tweet(...).valid`` folds "no invalid character where the parser looks" into the
    length check against that maximum; setting it to our limit lets us reuse the library's exact
    notion of validity for any limit. Cached because it is rebuilt for the same few limits.
    """
    _load_library()
    from twitter_text.config import config

    return {**config["defaults"], "max_weighted_tweet_length": limit}


def x_weighted_length(text: str) -> int:
    """Return the exact twitter-text v3 weighted length of ``text`` (what X counts against 280).

    The text is NFC-normalised first, as twitter-text does. Imports twitter-text on first use
    (about 0.5 s), never at module import; prefer :func:`x_fits` / :func:`x_length_if_over` when
    you only need to know whether the text fits.
    """
    nfc = _nfc(text)
    if nfc.isascii():
        return _ascii_weighted_length(nfc)
    _load_library()
    from twitter_text import parse_tweet

    return parse_tweet(nfc).weightedLength


def x_length_if_over(text: str, limit: int = X_MAX_WEIGHTED_LENGTH) -> int | None:
    """Return the exact weighted length if it exceeds ``limit``, else ``None``.

    Why this shape: a checker only needs the exact number to report an overflow ("312/280"). When
    :func:`x_length_upper_bound` is within the limit the text certainly fits and twitter-text is not
    touched; otherwise the exact count decides. Invalid characters are not considered here (they do
    not change the length); :func:`x_fits` considers them.
    """
    nfc = _nfc(text)
    if _bound_nfc(nfc) <= limit:
        return None
    length = x_weighted_length(nfc)
    return length if length > limit else None


def x_fits(text: str, limit: int = X_MAX_WEIGHTED_LENGTH) -> bool:
    """Return whether X would accept ``text`` as far as counting goes.

    True when the weighted length is at most ``limit`` and twitter-text finds no invalid character
    (U+FFFE, U+FEFF, U+FFFF). With the default limit this equals ``parse_tweet(text).valid`` except
    for the empty text, which fits here (twitter-text calls it invalid; emptiness is a different
    check with a different message). The fast path answers from the upper bound when it is within
    the limit and the text has no invalid character at all; only otherwise is twitter-text used.
    """
    nfc = _nfc(text)
    if nfc.isascii():  # no invalid character is ASCII
        return _bound_nfc(nfc) <= limit or _ascii_weighted_length(nfc) <= limit
    if _INVALID.search(nfc) is None and _bound_nfc(nfc) <= limit:
        return True
    if limit <= 0:  # nfc is not empty, so it weighs at least 1 (and parse_tweet divides by the limit)
        return False
    _load_library()
    from twitter_text import parse_tweet

    return parse_tweet(nfc, _options(limit)).valid
