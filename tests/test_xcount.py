"""Tests for postdesk.xcount: exactness against X's conformance cases, safety of the fast path, and
drift checks for the constants copied from twitter-text-parser.

The conformance cases are a copy (tests/data/twitter_text_weighted_cases.yml), so nothing outside the
repository is read at run time.
"""

import os
import random
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml
from twitter_text import parse_tweet
from twitter_text.config import config
from twitter_text.regexp.emoji import emoji as emoji_regex
from twitter_text.regexp.emoji import emoji_list
from twitter_text.regexp.invalid_chars import invalid_chars
from twitter_text.regexp.valid_ascii_domain import valid_ascii_domain
from twitter_text.regexp.valid_cctld import valid_cctld
from twitter_text.regexp.valid_domain import valid_domain
from twitter_text.regexp.valid_domain_name import valid_domain_name
from twitter_text.regexp.valid_gtld import valid_gtld
from twitter_text.regexp.valid_punycode import valid_punycode

from postdesk import xcount
from postdesk.xcount import x_fits, x_length_if_over, x_length_upper_bound, x_weighted_length

CASES_FILE = Path(__file__).parent / "data" / "twitter_text_weighted_cases.yml"
LIMIT = 280


def _load_cases() -> list[Any]:
    with CASES_FILE.open(encoding="utf-8") as handle:
        groups = yaml.safe_load(handle)["tests"]
    return [
        pytest.param(case, id=f"{group}: {case['description']}")
        for group, cases in groups.items()
        for case in cases
    ]


CASES = _load_cases()


# --- the copied conformance data -----------------------------------------------------------------


def test_case_file_loads_escapes_and_zwj() -> None:
    """The YAML escapes must decode to the real characters, or the cases test something else."""
    by_description = {case.values[0]["description"]: case.values[0]["text"] for case in CASES}
    assert len(CASES) == 24
    assert "\u2000\u2001\u2002" in by_description[
        "Handle General Punctuation Characters with visible spaces(u2000-200A), no ZWJ/ZWNJ"
    ]
    assert by_description["Handle invalid characters"] == "ABC\u202a\uffffABC\ufffe"
    # The family emoji must keep its zero-width joiners (3 per family, 140 families).
    assert by_description["140 family emoji"].count("\u200d") == 3 * 140
    assert by_description["Emoji with a leading character in the latin range is counted as 2"] == "1\u20e3"


@pytest.mark.parametrize("case", CASES)
def test_conformance(case: dict[str, Any]) -> None:
    text = case["text"]
    expected = case["expected"]
    length = expected["weightedLength"]
    assert x_weighted_length(text) == length
    assert x_length_upper_bound(text) >= length
    assert x_length_if_over(text) == (length if length > LIMIT else None)
    # No case is empty, so twitter-text's `valid` is exactly "fits and no invalid character".
    assert x_fits(text) == expected["valid"]


# --- the copied constants still match the installed library --------------------------------------


def test_weight_constants_match_library() -> None:
    defaults = config["defaults"]
    assert defaults["version"] == 3
    assert defaults["emoji_parsing_enabled"] is True
    assert defaults["ranges"] == [
        {"start": start, "end": end, "weight": xcount.LIGHT_WEIGHT} for start, end in xcount.LIGHT_RANGES
    ]
    assert defaults["default_weight"] == xcount.DEFAULT_WEIGHT
    assert defaults["scale"] == xcount.WEIGHT_SCALE
    assert xcount.LIGHT_WEIGHT == xcount.WEIGHT_SCALE  # light = 1 character, default = 2
    assert xcount.DEFAULT_WEIGHT == 2 * xcount.WEIGHT_SCALE
    assert defaults["transformed_url_length"] == xcount.TRANSFORMED_URL_LENGTH
    assert defaults["max_weighted_tweet_length"] == xcount.X_MAX_WEIGHTED_LENGTH


ALL_CODE_POINTS = "".join(map(chr, range(sys.maxunicode + 1)))


def test_invalid_characters_match_library() -> None:
    assert set(invalid_chars.findall(ALL_CODE_POINTS)) == xcount.INVALID_CHARACTERS
    assert all(not c.isascii() for c in xcount.INVALID_CHARACTERS)  # x_fits relies on this for ASCII


def test_light_single_codepoint_emoji_match_library() -> None:
    """Light code points the emoji regex matches alone weigh 2, not 1: the bound must know them all."""
    found = {
        chr(cp)
        for start, end in xcount.LIGHT_RANGES
        for cp in range(start, end + 1)
        if emoji_regex.fullmatch(chr(cp))
    }
    assert found == xcount.LIGHT_SINGLE_CODEPOINT_EMOJI
    # Without that correction the bound would say 200 copyright signs (exact: 400) fit.
    assert x_weighted_length("\u00a9" * 200) == 400
    assert x_length_upper_bound("\u00a9" * 200) == 400
    assert not x_fits("\u00a9" * 200)


def test_emoji_regex_never_matches_ascii() -> None:
    """Licence for the ASCII exact path, which skips the emoji regex."""
    all_ascii = "".join(map(chr, range(128)))
    assert list(emoji_regex.finditer(all_ascii)) == []
    assert all(emoji_regex.search(c) is None for c in all_ascii)
    # The regex is built only from emoji_list; no entry (single or sequence) is pure ASCII, so no
    # ASCII string of any length can match.
    assert all(any(int(cp, 16) > 127 for cp in entry.codepoint.split()) for entry in emoji_list)


def _tld_alternatives(pattern: re.Pattern[str]) -> list[str]:
    prefix, suffix = "(?:(?:", ")(?=[^0-9a-zA-Z@+-]|$))"
    source = pattern.pattern
    assert source.startswith(prefix) and source.endswith(suffix)
    alternatives = source[len(prefix) : -len(suffix)].split("|")
    assert not any(set(alt) & set("()[]{}?*+\\.^$") for alt in alternatives)  # plain literals
    return alternatives


def test_url_dot_rule_matches_library_domain_pattern() -> None:
    """Every URL contains a '.' directly followed by the first character of a TLD, which is a letter.

    The fast path charges 23 only to dots followed by [^\\W\\d_]; check the structure of the library's
    domain patterns and that no TLD can start (case-insensitively) with anything else.
    """
    tlds = f"(?:{valid_gtld.pattern}|{valid_cctld.pattern}|{valid_punycode.pattern})"
    assert valid_domain_name.pattern.endswith("\\.)")
    assert valid_domain.pattern.endswith(valid_domain_name.pattern + tlds + ")")
    assert valid_ascii_domain.pattern.endswith("\\.)+" + tlds)
    assert valid_punycode.pattern.startswith("(?:xn--")
    first_chars = {alt[0] for alt in _tld_alternatives(valid_gtld) + _tld_alternatives(valid_cctld)} | {"x"}
    non_letters = re.sub(r"[^\W\d_]", "", ALL_CODE_POINTS)
    first_char_class = re.compile("[" + re.escape("".join(sorted(first_chars))) + "]", re.IGNORECASE)
    assert first_char_class.search(non_letters) is None


# --- behaviour -----------------------------------------------------------------------------------


def test_edge_cases() -> None:
    assert x_weighted_length("") == 0
    assert x_fits("")  # emptiness is not a length problem
    assert x_length_if_over("") is None
    # Sentence full stops, decimals and ellipses are not URL candidates: the bound stays exact.
    prose = "It ends here. Version 3.0 ships... soon! " * 6
    assert x_length_upper_bound(prose) == len(prose) == x_weighted_length(prose)
    # A URL is charged 23 in the bound and counted 23 exactly.
    assert x_length_upper_bound("see example.gov/a") == len("see example.gov/a") + 23
    assert x_weighted_length("see example.gov/a") == 4 + 23
    # NFC: the Kelvin sign becomes "K"; a decomposed accent becomes one code point.
    assert x_weighted_length("\u212a") == 1
    assert x_weighted_length("e\u0301" * 281) == 281
    assert x_length_if_over("e\u0301" * 281) == 281
    assert x_fits("e\u0301" * 280)
    assert x_length_if_over("x" * 281) == 281
    assert not x_fits("x" * 281)
    assert x_fits("x" * 281, limit=281)
    # An invalid character makes an otherwise short text not fit.
    assert not x_fits("hello\ufeff")
    assert x_length_if_over("hello\ufeff") is None


def test_importing_xcount_does_not_import_twitter_text() -> None:
    tools_dir = str(Path(xcount.__file__).resolve().parents[1])
    code = (
        "import sys\n"
        "import postdesk.xcount as x\n"
        "assert 'twitter_text' not in sys.modules, 'imported at module import'\n"
        "assert x.x_fits('Hello world, see example.gov/a \\U0001f44b\\U0001f3fd caf\\u00e9')\n"
        "assert x.x_length_if_over('short text') is None\n"
        "assert 'twitter_text' not in sys.modules, 'imported by the fast path'\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([tools_dir, os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


# --- randomised checks (deterministic seeds) ------------------------------------------------------

ASCII_PIECES = [
    "hello", "World", "a", "x", "e.g.", "etc.", "3.0", "end.", "...", ".", ",", "!", "?", "(", ")", "-",
    "/", "@user", "#tag", "a.b", "foo.bar", "example.gov/a", "example.gov/a?b=c", "test.com.",
    "https://t.co/abc", "https://t.co/" + "z" * 41, "http://www.twitter.com/jack", "foo.co.jp",
    "https://example.com/path?q=1&r=2", "HTTPS://WWW.EXAMPLE.COM/index.html", "xn--bcher-kva.ch",
    "http://192.168.0.1/x", "www.-bad.com", "localhost:8080", "v1.2.3", "a@b.org",
]
WHITESPACE = ["", " ", " ", " ", "\n", "\r\n", "\r", "\t"]
OTHER_PIECES = [
    "日本語", "故人西辞", "한국어", "Ελληνικά", "Русский", "مرحبا", "\u3000", "\u2000", "\u2014", "\u2026",
    "\U0001f637", "\U0001f44b\U0001f3fd", "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466",
    "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f", "1\u20e3", "#\ufe0f\u20e3",
    "\u00a9", "\u00ae", "\u00a9\ufe0f", "\u2122", "\u203c", "\u200d", "\ufe0f", "\U0001f3fd", "\u2764\ufe0f",
    unicodedata.normalize("NFD", "café Ångström"), "e\u0301", "\u212a", "\u212b", "A\ufb2c",
    "http://☃.net/", "日本.jp", "foobar.پاکستان", "例え.テスト", "ex.コム", "caf\u00e9.fr",
    "\u202a", "\u2066",
]
RARE_PIECES = ["\ufeff", "\ufffe"]


def _random_text(rng: random.Random, pieces: list[str], max_pieces: int) -> str:
    parts: list[str] = []
    for _ in range(rng.randint(0, max_pieces)):
        roll = rng.random()
        if roll < 0.01 and pieces is not ASCII_PIECES:
            parts.append(rng.choice(RARE_PIECES))
        elif roll < 0.05 and pieces is not ASCII_PIECES:
            parts.append(chr(rng.choice([rng.randrange(0x20, 0xD800), rng.randrange(0xE000, 0x30000)])))
        else:
            parts.append(rng.choice(pieces))
        parts.append(rng.choice(WHITESPACE))
    return "".join(parts)


def test_ascii_exact_path_equals_parse_tweet() -> None:
    rng = random.Random(20261123)
    texts = [case.values[0]["text"] for case in CASES if case.values[0]["text"].isascii()]
    texts += [_random_text(rng, ASCII_PIECES, 10) for _ in range(300)]
    texts.append(" ".join(ASCII_PIECES) * 3)
    for text in texts:
        assert xcount._ascii_weighted_length(text) == parse_tweet(text).weightedLength, text


def test_fast_path_never_says_fits_when_over() -> None:
    """The bound is never below the exact count, so "fits" from the fast path is always right."""
    rng = random.Random(7)
    mixed = ASCII_PIECES + OTHER_PIECES * 2
    for index in range(2000):
        text = _random_text(rng, mixed, 8)
        exact = parse_tweet(text).weightedLength
        bound = x_length_upper_bound(text)
        assert bound >= exact, text
        if index % 4:
            continue
        # Just below the exact count the text must never "fit" (and the exact path reports the
        # exact length); at the bound it must fit unless twitter-text finds an invalid character.
        assert not x_fits(text, limit=exact - 1), text
        assert x_length_if_over(text, limit=exact - 1) == exact, text
        assert x_length_if_over(text, limit=bound) is None
        if any(c in text for c in RARE_PIECES):
            valid = parse_tweet(text, {**config["defaults"], "max_weighted_tweet_length": bound}).valid
            assert x_fits(text, limit=bound) == valid, text
        else:
            assert x_fits(text, limit=bound), text
