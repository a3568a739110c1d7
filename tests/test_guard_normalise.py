"""The confidentiality guard's text normaliser: what it undoes, what it leaves, and the map back."""

from __future__ import annotations

import itertools
import random
import time

import pytest

from postdesk.checks.confidentiality.normalise import Normalised, normalise


def quote(original: str, normal: Normalised, word: str) -> str:
    """The original text a finding on the first ``word`` in the normalised text would quote."""
    start = normal.text.index(word)
    first, last = normal.original_span(start, start + len(word))
    return original[first:last]


# --------------------------------------------------------------------------- compatibility forms (NFKC)

@pytest.mark.parametrize(
    ("original", "scanned"),
    [
        ("Ｋａｍａｒｉ ２０１５", "Kamari 2015"),
        ("𝐊𝐚𝐦𝐚𝐫𝐢 𝘒𝘢𝘮𝘢𝘳𝘪", "Kamari Kamari"),
        ("Ⓚⓐⓜⓐⓡⓘ", "Kamari"),
        ("ﬁeld ﬂy", "field fly"),
        ("age ⑨, grade ³", "age 9, grade 3"),
        ("case №23JU00412", "case #23JU00412"),  # not NFKC's "No", which would glue to the number
    ],
)
def test_compatibility_forms_become_plain_letters_and_digits(original, scanned):
    assert normalise(original).text == scanned


def test_one_character_made_into_several_quotes_the_whole_character():
    original = "the ﬁeld"
    normal = normalise(original)
    assert normal.text == "the field"
    assert normal.origin[4] == normal.origin[5] == 4
    assert normal.original_span(4, 5) == (4, 5)  # just the "f" still quotes the ligature
    assert quote(original, normal, "field") == "ﬁeld"


def test_combining_accents_compose_and_strike_through_marks_go():
    assert normalise("Jose\u0301").text == "José"
    assert normalise("José").text == "José"
    original = "K̶a̶m̶a̶r̶i̶ and K̲a̲m̲a̲r̲i̲"
    normal = normalise(original)
    assert normal.text == "Kamari and Kamari"
    assert quote(original, normal, "Kamari") == "K̶a̶m̶a̶r̶i̶"
    assert normalise("नमस्ते").text == "नमस्ते"  # marks that belong to their script stay


# --------------------------------------------------------------------------- invisible characters

@pytest.mark.parametrize("hidden", ["\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff", "\u180e",
                                    "\ufe0f", "\u3164", "\U000e0041", "\u034f"])
def test_invisible_characters_are_dropped_and_quoted(hidden):
    original = f"Call Ka{hidden}ma{hidden}ri today"
    normal = normalise(original)
    assert normal.text == "Call Kamari today"
    assert quote(original, normal, "Kamari") == f"Ka{hidden}ma{hidden}ri"
    assert normal.bidi == ()


def test_family_emoji_with_joiners_survives():
    family = "👨\u200d👩\u200d👧\u200d👦"
    original = f"{family} The Johnson family 👍🏽 🇺🇸 ❤️"
    normal = normalise(original)
    assert normal.text == "👨👩👧👦 The Johnson family 👍🏽 🇺🇸 ❤"
    assert quote(original, normal, "The Johnson") == "The Johnson"
    first, last = normal.original_span(0, 4)
    assert original[first:last] == family


# --------------------------------------------------------------------------- bidi controls

def test_right_to_left_override_is_read_as_displayed():
    original = "Welcome home, \u202eiramaK\u202c, age 9!"
    normal = normalise(original)
    assert normal.text == "Welcome home, Kamari, age 9!"
    assert normal.bidi == ((14, 15), (21, 22))
    # A finding inside the override quotes all of it, the controls too.
    assert quote(original, normal, "Kamari") == "\u202eiramaK\u202c"
    assert quote(original, normal, "Kam") == "\u202eiramaK\u202c"
    assert quote(original, normal, ", age 9") == ", age 9"


@pytest.mark.parametrize(
    ("original", "scanned"),
    [
        ("Name: \u202eiramaK", "Name: Kamari"),  # no pop: to the end of the text
        ("\u202eiramaK\nnext line", "Kamari\nnext line"),  # to the end of the paragraph
        ("x \u2067\u202eiramaK\u2069 y", "x Kamari y"),  # closed by the isolate around it
        ("\u202e(9 ega) iramaK\u202c", "Kamari (age 9)"),  # brackets are shown mirrored
        ("\u202e\u202dab\u202ccd\u202c!", "dcba!"),  # nested: the outer override reverses once
        ("\u202e\u202cKamari", "Kamari"),
        ("שלום \u202eשלום\u202c", "שלום שלום"),  # right-to-left letters already read in stored order
    ],
)
def test_override_ends(original, scanned):
    assert normalise(original).text == scanned


def test_isolates_and_marks_are_dropped_not_reversed():
    original = "Call \u2066Kamari\u2069 or \u200fJo\u200e, \u202bEmma\u202c."
    normal = normalise(original)
    assert normal.text == "Call Kamari or Jo, Emma."
    assert normal.bidi == ((5, 6), (12, 13), (17, 18), (20, 21), (23, 24), (28, 29))
    assert quote(original, normal, "Kamari") == "\u2066Kamari\u2069"
    for start, end in normal.bidi:
        assert all(original[i] in "\u2066\u2069\u200f\u200e\u202b\u202c" for i in range(start, end))


def test_adjacent_bidi_controls_make_one_run():
    normal = normalise("a\u2066\u202e\u202c\u2069b")
    assert normal.text == "ab"
    assert normal.bidi == ((1, 5),)


# --------------------------------------------------------------------------- look-alike letters

@pytest.mark.parametrize(
    ("original", "scanned"),
    [
        ("Кamari", "Kamari"),  # Cyrillic Ka
        ("Jаyleen Ѕmith", "Jayleen Smith"),  # Cyrillic a, dze
        ("Mасkеnziе", "Mackenzie"),
        ("Κendrick Χavier Ιsabella", "Kendrick Xavier Isabella"),  # Greek capitals; Iota is a capital I
        ("Kαmαri ρeyton", "Kamari peyton"),  # Greek alpha, rho
        ("Кαмαгі", "Kamari"),  # Cyrillic and Greek together: mixed too
        ("К а m а r і", "Kamari"),  # spaced out first, then one mixed word
        ("Zoё", "Zoë"),  # an accent stays on the Latin letter
        ("Işıl ᴋᴀᴍᴀʀɪ", "Işil kamari"),  # Latin-script look-alikes: dotless i, small capitals
    ],
)
def test_look_alikes_in_mixed_words_become_latin(original, scanned):
    assert normalise(original).text == scanned


@pytest.mark.parametrize("word", ["ΑΦΑ", "ΤΚΕ", "Привет", "сера", "Москва", "Ελλάδα", "Сорһіа", "東京タワー"])
def test_words_in_one_script_stay(word):
    assert normalise(f"Congratulations to {word} 2026!").text == f"Congratulations to {word} 2026!"


# --------------------------------------------------------------------------- digits, dashes, spaces

@pytest.mark.parametrize(
    ("original", "scanned"),
    [
        ("SSN ١٢٣-٤٥-٦٧٨٩", "SSN 123-45-6789"),  # Arabic-Indic
        ("DOB ۰۳/۱۲/۲۰۱۵", "DOB 03/12/2015"),  # Extended Arabic-Indic (Persian)
        ("२३JU००४१२", "23JU00412"),  # Devanagari
        ("123–45—6789 ‐ 1‑2 −3 ﹣4 －5", "123-45-6789 - 1-2 -3 -4 -5"),
        ("123·45·6789 and 555•123•4567", "123-45-6789 and 555-123-4567"),
        ("col·lecció, 3 · 4", "col·lecció, 3 · 4"),  # a middle dot elsewhere stays
        ("Jo\u00a0Ann\u2003Lee\u202fMay\u3000Ray\u2009Bo", "Jo Ann Lee May Ray Bo"),
        ("one\u2028two\u2029three", "one\ntwo\nthree"),
    ],
)
def test_digits_dashes_and_spaces(original, scanned):
    assert normalise(original).text == scanned


# --------------------------------------------------------------------------- split words

@pytest.mark.parametrize(
    ("original", "scanned"),
    [
        ("J a y l e e n was A D O P T E D", "Jayleen was ADOPTED"),
        ("f.o.s.t.e.r care", "foster care"),
        ("F.O.S.T.E.R.", "FOSTER."),
        ("K-a-m-a-r-i and K*a*m*a*r*i", "Kamari and Kamari"),
        ("J a y l e e n  S m i t h", "Jayleen  Smith"),  # two spaces keep the words apart
        ("Mack-\nenzie", "Mackenzie"),
        ("Mack- \r\n  enzie", "Mackenzie"),
        ("Jean-\nPierre", "Jean-Pierre"),  # a capital after the break: a compound name keeps its hyphen
        ("Mack\u00ad\nenzie", "Mackenzie"),  # a soft hyphen where the line broke
        ("Kamari K. a foster", "Kamari K. a foster"),
    ],
)
def test_split_words_are_joined(original, scanned):
    assert normalise(original).text == scanned


@pytest.mark.parametrize(
    "text",
    ["U.S. and U.S.A. at 9 a.m. with J.T. and J.R.R.", "Plan A B C", "a.b.c.d.example.org and www.a.b.c.d",
     "9-1-1 and 1 2 3 4", "x-y-z", "2020-\n2021", "well-\n- item"],
)
def test_abbreviations_and_short_runs_stay(text):
    assert normalise(text).text == text


def test_joined_words_quote_their_separators():
    original = "Meet J a y l e e n, f.o.s.t.e.r kid"
    normal = normalise(original)
    assert quote(original, normal, "Jayleen") == "J a y l e e n"
    assert quote(original, normal, "foster") == "f.o.s.t.e.r"


# --------------------------------------------------------------------------- leetspeak

@pytest.mark.parametrize(
    ("original", "scanned"),
    [
        ("K3ndr1ck", "Kendrick"),
        ("K3NDR1CK", "KENDRICK"),
        ("Jayl33n", "Jayleen"),
        ("K@m@r1", "Kamari"),
        ("#F0sterCare", "#FosterCare"),
        ("@k3ndr1ck", "@kendrick"),  # the handle's @ stays
        ("K٣ndr١ck", "Kendrick"),  # after the digits are ASCII
        ("Кеndr1ck", "Kendrick"),  # after the look-alikes are Latin
    ],
)
def test_leetspeak_inside_words(original, scanned):
    assert normalise(original).text == scanned


@pytest.mark.parametrize(
    "token",
    ["3rd", "4th", "1st", "2x", "COVID19", "H2O", "23JU00412", "JU-2023-00412", "Win10", "B4U", "K1A0B1",
     "10am", "3mma", "kamari_99", "jane.d0e@agency.gov", "https://ex.org/k3ndr1ck", "www.k3ndr1ck.org", "US$5",
     "ab12cd", "r2d2"],
)
def test_identifiers_and_addresses_are_not_leetspeak(token):
    assert normalise(f"see {token} now").text == f"see {token} now"


# --------------------------------------------------------------------------- plain text and the map back

def test_plain_ascii_is_unchanged_with_an_identity_map():
    text = "Join us Saturday at the Cole County library for the foster-care resource fair (ages 5-12)."
    normal = normalise(text)
    assert normal.text == text
    assert normal.origin == tuple(range(len(text) + 1))
    assert normal.bidi == ()
    assert normalise("") == Normalised("", (0,), ())


def test_invisible_characters_at_the_start_go_with_the_first_character():
    original = "\u200b\ufeffKamari"
    normal = normalise(original)
    assert normal.text == "Kamari"
    assert quote(original, normal, "Kamari") == original


def test_original_span_edges():
    normal = normalise("a\u200bb")
    assert normal.original_span(0, 0) == (0, 0)
    assert normal.original_span(2, 2) == (3, 3)
    assert normal.original_span(0, 2) == (0, 3)
    with pytest.raises(ValueError, match="outside"):
        normal.original_span(1, 3)
    with pytest.raises(ValueError, match="outside"):
        normal.original_span(2, 1)


_TRICKY = ("aAkK iI1l0oO3e-–—\u2212·•.\n\r\t \u00a0\u2003\u200b\u200c\u200d\u2060\u00ad\ufeff\u202a\u202b\u202c"
           "\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u0301\u0336\u0308ﬁﬂＫａ１𝐊٣२"
           "аеорсхКМΑΒΚαρΦПр@$é👨👩\ufe0f🏽שא\u2028\u3164\U000e0041")


def _random_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = ["J a y l e e n", "f.o.s.t.e.r", "Mack-\nenzie", "K3ndr1ck", "\u202eiramaK\u202c", "e\u0301\u0336"]
    for _ in range(count):
        texts.append("".join(rng.choice(_TRICKY) for _ in range(rng.randint(0, 40))))
    return texts


def test_offset_map_invariants_on_random_text():
    for original in _random_texts(3000, seed=20261123):
        normal = normalise(original)
        origin = normal.origin
        assert len(origin) == len(normal.text) + 1, repr(original)
        assert origin[-1] == len(original), repr(original)
        assert all(0 <= a <= b for a, b in itertools.pairwise(origin)), repr(original)
        for index in range(len(normal.text)):
            first, last = normal.original_span(index, index + 1)
            assert 0 <= first < last <= len(original), repr(original)
        if normal.text:  # every original character is behind some character of the text
            assert normal.original_span(0, len(normal.text)) == (0, len(original)), repr(original)
        previous = 0
        for start, end in normal.bidi:
            assert previous <= start < end <= len(original), repr(original)
            previous = end + 1  # runs are separate, so never touch
        assert normal == normalise(original)  # deterministic


def test_letters_map_back_to_themselves_on_random_text():
    """A character that comes from one typed ASCII letter is that letter: only digits and symbols turn into letters."""
    for original in _random_texts(1000, seed=7):
        normal = normalise(original)
        for index, char in enumerate(normal.text):
            first, last = normal.original_span(index, index + 1)
            if last - first == 1 and original[first].isascii() and original[first].isalpha():
                assert char == original[first], repr(original)


# --------------------------------------------------------------------------- speed

def _mixed_post(length: int) -> str:
    sample = ("Our team helped Ｋａｍａｒｉ, 9, find a home \u202eiramaK\u202c after F.O.S.T.E.R care. "
              "Case №\u00a023JU00412 — DOB ٠٣/١٢/٢٠١٥. K3ndr1ck & Jаyleen (Кamari) were A D O P T E D. "
              "Mack-\nenzie loved the ﬁeld trip! 👨\u200d👩\u200d👧 Call 555·123·4567. K̶a̶m̶a̶r̶i̶. ")
    return (sample * (length // len(sample) + 1))[:length]


@pytest.mark.parametrize("text", [_mixed_post(2000), ("The Cole County resource fair is on Saturday. " * 50)[:2000]])
def test_a_post_normalises_in_well_under_a_few_milliseconds(text):
    normalise(text)  # caches warm
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(50):
            normalise(text)
        best = min(best, (time.perf_counter() - started) / 50)
    assert best < 0.020, f"{best * 1000:.2f} ms per 2,000-character post"
