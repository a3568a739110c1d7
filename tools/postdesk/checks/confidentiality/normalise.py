"""Text the confidentiality guard scans: what a reader sees, not how it happens to be encoded.

A name, a case number or a date of birth can be hidden from a pattern without hiding it
from a reader, on purpose or by accident (word processors insert soft hyphens, non-breaking
spaces and typographic dashes; copy-paste from PDFs brings hyphenation and ligatures).
:func:`normalise` undoes the tricks that keep the words legible:

* compatibility forms (NFKC, one character at a time, then canonical composition): fullwidth
  ``Ｋａｍａｒｉ``, mathematical bold, circled letters, ligatures ``ﬁ``, superscript digits;
* invisible format characters (category Cf and the other default-ignorable code points:
  zero-width space and joiners, word joiner, soft hyphen, BOM, variation selectors, Hangul
  fillers) are dropped; bidi controls are dropped too and their runs reported in
  :attr:`Normalised.bidi`, and text inside a right-to-left override is emitted in the order a
  reader sees it (``U+202E iramaK U+202C`` scans as ``Kamari``);
* combining marks stacked on a Latin letter or an ASCII character that do not compose into a
  letter (strike-through and underline "fonts", "Zalgo") are dropped;
* look-alike letters from Greek, Cyrillic, Armenian, Cherokee, Coptic and Lisu become their
  Latin skeleton (UTS #39), but only inside a word that mixes scripts (``Кamari``, ``Кαмαri``):
  a word written wholly in one script (a Greek-letter society ``ΑΦΑ``, a Russian word) stays;
  Latin-script look-alikes (``ı``, small capitals ``ᴋ``... ) are mapped everywhere;
* every decimal digit becomes ASCII (``٣`` -> ``3``), every dash and the minus sign ``-``, a
  middle dot or bullet between two digits ``-``; Unicode spaces become a space, line and
  paragraph separators a newline;
* words split to dodge a match are joined: spaced or dotted single letters (``J a y l e e n``,
  ``f.o.s.t.e.r``: four letters or more, so ``U.S.``, ``a.m.`` and ``J.T.`` stay), a word
  hyphenated across a line break (``Mack-⏎enzie``), and leetspeak inside a word that is mostly
  letters (``K3ndr1ck`` -> ``Kendrick``; not ``3rd``, ``COVID19``, ``23JU00412``, e-mail
  addresses or links).

Every character of :attr:`Normalised.text` keeps the offset of the original character(s) it
came from, so a finding quotes the exact original text, hidden characters included, which is
what a reviewer must see. Pure and fast: a plain 2,000-character post costs a few
regular-expression scans (about 0.07 ms; Spanish, Greek or Russian text 0.1-0.4 ms), and one
packed with every trick above about 0.8 ms.

Not handled: a word split across a line break without a hyphen (it needs a dictionary), a
word written wholly in look-alike letters of one other script (``Сорһіа``, all Cyrillic),
leetspeak only at the ends of a word (``3mma``, ``Chlo3``), words spelled out letter by letter
and separated by single spaces (``A D O P T E D B Y`` joins into one word), and nested
directional overrides (the whole outermost override is reversed once). Leetspeak ``1`` is
always ``i`` (``Ke1ly`` reads ``Keily``), and an em dash between words becomes a hyphen like
any other dash (``Kamari—age 9`` scans as ``Kamari-age 9``).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Normalised:
    """The text to scan and, per character, where it came from in the original text."""

    text: str
    origin: tuple[int, ...]
    """``origin[i]`` is the offset in the original text of ``text[i]``; ``len(origin) == len(text) + 1``
    and the last item is the length of the original. Never decreases: characters made from one
    original character (``ﬁ`` -> ``fi``, ``e`` + accent -> ``é``) share its offset, the characters of
    a reversed override share the offset of the override, a character right after an opening bidi
    control (an isolate, an embedding) starts at that control, and other dropped characters
    (invisible ones, the spaces of a spelled-out word) belong to the character before them (to the
    first character at the start of the text)."""
    bidi: tuple[tuple[int, int], ...] = ()
    """``(start, end)`` in the original text of every run of bidi control characters."""

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The original text behind ``text[start:end]``, as ``(start, end)`` offsets into it.

        Widens to whole original characters (a match on the ``f`` of ``ﬁ`` quotes ``ﬁ``; a match
        inside a reversed override quotes the whole override, both controls included) and takes in
        the characters dropped inside the span and right after it, and a bidi control that opens
        it, so the quote shows what hid the words (``\u2066Kamari\u2069``).
        """
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span {start}:{end} is outside a text of {len(self.text)} characters")
        origin = self.origin
        first = origin[start]
        if end == start:
            return first, first
        after = bisect_right(origin, origin[end - 1], end)
        return first, origin[after] if after < len(origin) else origin[-1]


def normalise(text: str) -> Normalised:
    """The text a reader sees in ``text``, with the map back to it (see the module docstring)."""
    bidi: list[list[int]] = []
    origin: list[int] | None = None  # None: still one to one with the original (plain ASCII so far)
    scanned = text
    if not text.isascii():
        scanned, origin = _characters(text, bidi)
    scanned, origin = _join_split_words(scanned, origin)
    if not scanned.isascii():
        scanned = _unconfuse(scanned)
    scanned = _unleet(scanned)
    final = tuple(origin) if origin is not None else tuple(range(len(text) + 1))
    return Normalised(scanned, final, tuple((start, end) for start, end in bidi))


# --------------------------------------------------------------------------- one character at a time

_RLO, _PDF, _PDI = "\u202e", "\u202c", "\u2069"
_EMBEDDINGS = frozenset("\u202a\u202b\u202d\u202e")  # LRE RLE LRO RLO
_ISOLATES = frozenset("\u2066\u2067\u2068")  # LRI RLI FSI
_OPENERS = _EMBEDDINGS | _ISOLATES  # belong to the text after them
_BIDI_CONTROLS = _EMBEDDINGS | _ISOLATES | frozenset("\u202c\u2069\u200e\u200f\u061c")  # + PDF PDI LRM RLM ALM
_PARAGRAPH_ENDS = frozenset("\n\r\x1c\x1d\x1e\x85\u2029")
# Default-ignorable code points that are not Cf (DerivedCoreProperties.txt): invisible, so dropped.
_IGNORABLE = re.compile("[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0"
                        "\U000e0000-\U000e0fff]")
_DASHES = frozenset("\u2212\u2043\u02d7\u2796")  # minus sign, hyphen bullet, modifier minus, heavy minus: not Pd
_BULLETS = "\u00b7\u2022\u2219\u22c5\u30fb\u2027\u2e31\u2e33"  # middle dot, bullet, dot operators
_MIRRORED = str.maketrans("()[]{}<>«»‹›", ")(][}{><»«›‹")

_DROP, _BIDI, _SOFT_HYPHEN, _MARK = 1, 2, 4, 8
_INFO: dict[str, tuple[str, int]] = {}


def _info(char: str) -> tuple[str, int]:
    """What a non-ASCII character becomes, and flags (drop, bidi control, soft hyphen, combining mark).

    Cached: a post uses few distinct non-ASCII characters, and the cache cannot outgrow Unicode.
    """
    known = _INFO.get(char)
    if known is not None:
        return known
    category = unicodedata.category(char)
    if char in _BIDI_CONTROLS:
        result = ("", _DROP | _BIDI)
    elif char == "\u00ad":
        result = ("", _DROP | _SOFT_HYPHEN)
    elif category == "Cf" or _IGNORABLE.match(char):
        result = ("", _DROP)
    elif char == "\x85":
        result = ("\n", 0)
    elif char == "\u2116":
        result = ("#", 0)  # NFKC makes № "No", which glues to the number after it: "No23JU00412"
    else:
        flags, parts = 0, []
        for part in unicodedata.normalize("NFKC", char):
            if not part.isascii():
                kind = unicodedata.category(part)
                if kind == "Nd":
                    part = str(unicodedata.decimal(part))
                elif kind == "Pd" or part in _DASHES:
                    part = "-"
                elif kind == "Zs":
                    part = " "
                elif kind in ("Zl", "Zp"):
                    part = "\n"
                elif kind[0] == "M":
                    flags |= _MARK
                else:
                    part = _LATIN_LOOKALIKES.get(part, part)
            parts.append(part)
        result = ("".join(parts), flags)
    _INFO[char] = result
    return result


def _characters(text: str, bidi: list[list[int]]) -> tuple[str, list[int]]:
    """Steps applied character by character: NFKC, invisible and bidi characters, digits, dashes, spaces.

    Runs of ASCII and of common letters that need nothing (``_SPECIAL`` skips them) are copied
    whole; only the other characters go through :func:`_info` one at a time.
    """
    chars: list[str] = []
    origin: list[int] = []
    flags = 0
    opened = -1  # offset of an opening bidi control that the next character will start at
    pos, size = 0, len(text)
    while pos < size:
        found = _SPECIAL.search(text, pos)
        stop = found.start() if found else size
        if stop > pos:
            chars.extend(text[pos:stop])
            origin.extend(range(pos, stop))
            if opened >= 0:
                origin[-(stop - pos)] = opened
                opened = -1
        if found is None:
            break
        index, end = stop, found.end()
        while index < end:
            char = text[index]
            replacement, kind = _info(char)
            if kind & _BIDI:
                _note_bidi(bidi, index)
                if char == _RLO:
                    at = opened if opened >= 0 else index
                    index, emitted, marks = _override(text, index, bidi, chars)
                    origin.extend([at] * emitted)
                    flags |= marks
                    opened = -1 if emitted else at
                    continue
                if (char in _OPENERS or not chars) and opened < 0:
                    opened = index
            elif kind & _SOFT_HYPHEN and chars and chars[-1].isalpha() and _line_break_follows(text, index + 1):
                replacement = "-"  # a hyphenation point where the line really broke: joined below
            if not replacement:
                if not chars and opened < 0:
                    opened = index  # nothing before it: it goes with the first character
                index += 1  # dropped: inside the span of the character before
                continue
            at = opened if opened >= 0 else index
            opened = -1
            if len(replacement) == 1:
                chars.append(replacement)
                origin.append(at)
            else:
                chars.extend(replacement)
                origin.extend([at] * len(replacement))
            flags |= kind
            index += 1
        pos = index
    origin.append(size)
    if flags & _MARK:
        chars, origin = _compose(chars, origin)
    scanned = "".join(chars)
    if any(bullet in scanned for bullet in _BULLETS):
        scanned = _BULLET_BETWEEN_DIGITS.sub("-", scanned)
    return scanned, origin


_BULLET_BETWEEN_DIGITS = re.compile(f"(?<=[0-9])[{_BULLETS}](?=[0-9])")


def _note_bidi(bidi: list[list[int]], index: int) -> None:
    if bidi and bidi[-1][1] == index:
        bidi[-1][1] = index + 1
    else:
        bidi.append([index, index + 1])


def _line_break_follows(text: str, index: int) -> bool:
    while index < len(text) and text[index] in " \t":
        index += 1
    return index < len(text) and text[index] in "\r\n\u2028\u2029"


def _override(text: str, start: int, bidi: list[list[int]], chars: list[str]) -> tuple[int, int, int]:
    """Emit the text of a right-to-left override at ``start`` in display order.

    The override ends at its pop (PDF, consumed), at the end of an isolate that encloses it,
    at the end of the paragraph, or at the end of the text. Latin letters and digits under it
    are displayed right to left, so a reader sees them reversed; brackets are mirrored. Text
    made only of right-to-left letters (Hebrew, Arabic) already reads in stored order and is kept.
    Returns the offset to continue from, how many characters were emitted and ``_MARK`` if some
    were combining marks.
    """
    clusters: list[str] = []
    index, depth, isolates, marks = start + 1, 0, 0, 0
    while index < len(text):
        char = text[index]
        if char in _PARAGRAPH_ENDS:
            break
        if char in _BIDI_CONTROLS:
            if char == _PDI and isolates == 0:
                break
            _note_bidi(bidi, index)
            index += 1
            if char in _EMBEDDINGS:
                depth += 1
            elif char in _ISOLATES:
                isolates += 1
            elif char == _PDI:
                isolates -= 1
            elif char == _PDF and isolates == 0:
                if depth == 0:
                    break
                depth -= 1
            continue
        replacement = _info(char)[0] if not char.isascii() else char
        index += 1
        if not replacement:
            continue
        if clusters and unicodedata.category(replacement[0])[0] == "M":
            clusters[-1] += replacement  # a mark stays after its letter
            marks = _MARK
        else:
            clusters.append(replacement)
    content = "".join(clusters)
    directions = {unicodedata.bidirectional(c) for c in content}
    if "L" in directions or not directions & {"R", "AL"}:
        content = "".join(reversed(clusters)).translate(_MIRRORED)
    chars.extend(content)
    return index, len(content), marks


def _compose(chars: list[str], origin: list[int]) -> tuple[list[str], list[int]]:
    """Compose base + combining marks (NFC); drop marks left on a Latin letter or ASCII character.

    Only characters outside ASCII and the common letters can be marks, so only those are looked at.
    """
    runs: list[list[int]] = []  # [first, end) of each run of marks
    for found in _SPECIAL.finditer("".join(chars)):
        for index in range(*found.span()):
            if unicodedata.category(chars[index])[0] == "M":
                if runs and runs[-1][1] == index:
                    runs[-1][1] = index + 1
                else:
                    runs.append([index, index + 1])
    out: list[str] = []
    out_origin: list[int] = []
    pos = 0
    for first, end in runs:
        if first == 0:
            continue  # marks with nothing to sit on stay as they are
        base = chars[first - 1]
        out.extend(chars[pos:first - 1])
        out_origin.extend(origin[pos:first - 1])
        cluster = "".join(chars[first - 1:end])
        composed = unicodedata.normalize("NFC", cluster)
        if base.isascii() or _script(base) == "LATIN":
            composed = "".join(c for c in composed if unicodedata.category(c)[0] != "M")
        out.extend(composed)
        if composed == cluster:
            out_origin.extend(origin[first - 1:end])
        else:
            out_origin.extend([origin[first - 1]] * len(composed))
        pos = end
    out.extend(chars[pos:])
    out_origin.extend(origin[pos:])
    return out, out_origin


# --------------------------------------------------------------------------- words split to dodge a match

_LETTER = r"[^\W\d_]"
# Four or more single letters, each separated from the next by the same character.
_SEPARATORS = rf" .\-*_{_BULLETS}\U0001F300-\U0001FAFF\u2600-\u27BF"
"""Spaces, dots, dashes, stars, underscores, bullets and emoji: "J a y", "n_e_v", "Z🌟a🌟r🌟a"."""
_SPACED = re.compile(rf"(?<![^\W_]){_LETTER}(?P<sep>[{_SEPARATORS}]){_LETTER}(?![^\W_])"
                     rf"(?:(?P=sep){_LETTER}(?![^\W_])){{2,}}")
# Cheap to search for (no look-behind at every position): most posts have no such run at all.
_SPACED_HINT = re.compile(rf"[{_SEPARATORS}]{_LETTER}[{_SEPARATORS}]{_LETTER}[{_SEPARATORS}]")
_SPACED_DIGITS = re.compile(r"(?<![\d.,])\d(?: \d){4,}(?![\d.,])")
"""Five or more single digits with a space between each: a case number written to dodge a match."""
_HYPHEN_BREAK = re.compile(rf"-[ \t]*(?:\r\n|[\r\n])[ \t]*(?={_LETTER})")  # after a letter: checked


def _join_split_words(text: str, origin: list[int] | None) -> tuple[str, list[int] | None]:
    """Delete the spaces, dots and line breaks that split a word; deleted characters join the one before."""
    cuts: list[tuple[int, int]] = []
    for match in _HYPHEN_BREAK.finditer(text):
        start, end = match.span()
        if start and text[start - 1].isalpha():
            # "Mack-enzie" was one word; "Jean-Pierre" keeps its hyphen.
            cuts.append((start, end) if text[end].islower() else (start + 1, end))
    for match in _SPACED.finditer(text) if _SPACED_HINT.search(text) else ():
        start, end, sep = match.start(), match.end(), match.group("sep")
        if sep != " " and (_continues(text, end, sep, 1) or _continues(text, start, sep, -1)):
            continue  # a dotted name such as a.b.c.d.example.org, not a spelled-out word
        cuts.extend((index, index + 1) for index in range(start + 1, end, 2))
    for match in _SPACED_DIGITS.finditer(text):
        cuts.extend((index, index + 1) for index in range(match.start() + 1, match.end(), 2))
    if not cuts:
        return text, origin
    cuts.sort()
    if origin is None:
        origin = list(range(len(text) + 1))
    kept_text: list[str] = []
    kept_origin: list[int] = []
    pos = 0
    for start, end in cuts:
        if start > pos:
            kept_text.append(text[pos:start])
            kept_origin.extend(origin[pos:start])
        pos = max(pos, end)
    kept_text.append(text[pos:])
    kept_origin.extend(origin[pos:])
    return "".join(kept_text), kept_origin


def _continues(text: str, edge: int, sep: str, step: int) -> bool:
    """True when the separator goes on past ``edge`` into a longer word (step 1: after, -1: before)."""
    if step > 0:
        return text[edge:edge + 1] == sep and text[edge + 1:edge + 2].isalnum()
    return edge >= 2 and text[edge - 1] == sep and text[edge - 2].isalnum()


# --------------------------------------------------------------------------- look-alike letters
# The tables are Unicode's confusables (UTS #39) reduced to single letters that look like one
# ASCII letter. Source: confusables.json in the confusable_homoglyphs 3.3.1 wheel (MIT), built
# from https://www.unicode.org/Public/security/latest/confusables.txt. A dependency would load
# 900 KB of JSON at start-up to use 200 entries, so the entries were derived once with:
#
#   import json, unicodedata as u
#   data = json.load(open("confusable_homoglyphs/confusables.json", encoding="utf-8"))
#   scripts = ("LATIN", "GREEK", "CYRILLIC", "ARMENIAN", "CHEROKEE", "COPTIC", "LISU")
#   table = {}
#   for char, similar in data.items():
#       if (len(char) != 1 or char.isascii() or u.normalize("NFKC", char) != char
#               or not u.category(char).startswith("L") or u.name(char, "").split(" ")[0] not in scripts):
#           continue
#       latin = {h["c"] for h in similar if len(h["c"]) == 1 and h["c"].isascii() and h["c"].isalpha()}
#       if len(latin) == 1:
#           target = latin.pop()
#           table[char] = "I" if target == "l" and u.category(char) == "Lu" else target  # UTS 39 folds I into l
#   for group in (True, False):   # Latin-script look-alikes, then the other scripts
#       keys = "".join(sorted(k for k in table if u.name(k).startswith("LATIN") == group))
#       print(repr(keys), repr("".join(table[k] for k in keys)))
#
# _OTHER_EXTRA adds letters the skeleton maps to a non-ASCII letter (Greek kappa -> kra, tau
# -> small capital T) but that read as Latin letters in running text.

_LATIN_LOOKALIKES: dict[str, str] = dict(zip("ıƄƍƖƦƽǀɑɡɣɩɪɯʋʏᴄᴏᴑᴜᴠᴡᴢᶃᶌẝỿꜱꞘꞙꞟꞲꞳꞴꬲꬵꬽꭇꭈꭎꭒꭚ",
                                             "ibgIRslagyiiwuycoouvwzgyfysFfuJXBeforruuy", strict=True))
# Small capitals ("ᴋᴀᴍᴀʀɪ" from "small caps" text generators) that the skeleton maps elsewhere.
_LATIN_LOOKALIKES |= dict(zip("ᴀʙᴅᴇꜰɢʜᴊᴋʟᴍɴᴘʀᴛ", "abdefghjklmnprt", strict=True))
_OTHER_FROM = ("ͿΑΒΕΖΗΙΚΜΝΟΡΤΥΧαγινορσυϜϳϺЅІЈАВЕКМНОРСТУХЬагеорсухѕіјѡѴѵҮүһҽӀӏԁԌԛԜԝՍՏՕագզհոռսցքօ"
               "ᎠᎡᎢᎥᎩᎪᎫᎬᎳᎷᎻᎽᏀᏂᏃᏏᏒᏔᏕᏙᏚᏞᏟᏢᏦᏧᏳᏴᴦⲅⲎⲒⲔⲘⲚⲞⲟⲢⲣⲤⲥⲦⲨⲬⳐꓐꓑꓒꓓꓔꓖꓗꓙꓚꓜꓝꓟꓠꓡꓢꓣꓦꓧꓪꓫꓬꓮꓰꓲꓳꓴꙇꭵꮁꮃꮓꮩꮪꮯ")
_OTHER_TO = ("JABEZHIKMNOPTYXayivopouFjMSIJABEKMHOPCTYXbareopcyxsijwVvYyheIidGqWwUSOwqqhnnugfo"
             "DRTiYAJEWMHYGhZbRWSVSLCPKdGBrrHIKMNOoPpCcTYXLBPdDTGKJCZFMNLSRVHWXYAElOUiirwzvsc")
_OTHER_EXTRA = {"κ": "k", "τ": "t", "η": "n", "к": "k", "т": "t", "п": "n", "м": "m", "ь": "b"}


def _with_accents(table: dict[str, str]) -> dict[str, str]:
    """Add the accented Greek and Cyrillic letters whose base is in ``table`` (ё -> ë, ά -> á).

    Built at import from Unicode's decompositions (a few hundred code points, well under a
    millisecond) instead of listing them.
    """
    extended = dict(table)
    for code in (*range(0x0370, 0x0530), *range(0x1F00, 0x2000)):
        char = chr(code)
        decomposed = unicodedata.normalize("NFD", char)
        if char not in table and len(decomposed) > 1 and decomposed[0] in table:
            composed = unicodedata.normalize("NFC", table[decomposed[0]] + decomposed[1:])
            if len(composed) == 1:
                extended[char] = composed
    return extended


_SKELETON = _with_accents(dict(zip(_OTHER_FROM, _OTHER_TO, strict=True)) | _OTHER_EXTRA)
_HAS_LOOKALIKE = re.compile("[" + "".join(sorted(_SKELETON)) + "]")
_WORD_END = re.compile(r"[^\W_]*")
# Words wholly in the Cyrillic or the Greek blocks (digits allowed): the common case in those languages.
_ONE_SCRIPT = re.compile("[0-9\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f]+|[0-9\u0370-\u03ff\u1f00-\u1fff]+")
_SCRIPT: dict[str, str] = {}


def _script(letter: str) -> str:
    """The script of a letter, as the first word of its Unicode name (LATIN, GREEK, CYRILLIC...)."""
    script = _SCRIPT.get(letter)
    if script is None:
        script = _SCRIPT[letter] = unicodedata.name(letter, "?").split(" ")[0]
    return script


def _unconfuse(text: str) -> str:
    """Latin skeletons for look-alike letters, in words that mix scripts only."""
    found = _HAS_LOOKALIKE.search(text)
    if found is None:
        return text
    pieces: list[str] = []
    done = 0
    while found is not None:
        start = found.start()
        while start > done and text[start - 1].isalnum():
            start -= 1
        rest = _WORD_END.match(text, found.end())  # always matches (possibly empty)
        end = rest.end() if rest else found.end()
        word = text[start:end]
        latin = _skeleton_of(word)
        if latin != word:
            pieces.append(text[done:start])
            pieces.append(latin)
            done = end
        found = _HAS_LOOKALIKE.search(text, end)
    pieces.append(text[done:])
    return "".join(pieces)


def _skeleton_of(word: str) -> str:
    """``word`` with Latin look-alikes for its letters if it mixes scripts, else ``word``."""
    if _ONE_SCRIPT.fullmatch(word):
        return word
    scripts = {"LATIN" if c.isascii() else _script(c) for c in word
               if c.isalpha() and unicodedata.category(c) != "Lm"}
    if len(scripts) < 2:
        return word  # one script only: a real Greek or Cyrillic word
    return "".join(_SKELETON.get(c, c) for c in word)


# --------------------------------------------------------------------------- leetspeak

_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
_LEET_UPPER = {key: letter.upper() for key, letter in _LEET.items()}
# A letter, leet characters, a letter: the only shape that starts a look (K3n, l33n, K@m).
_LEET_INSIDE = re.compile(rf"{_LETTER}[013457@$]+{_LETTER}")
_LEET_RUN = re.compile(rf"[013457@$]+(?={_LETTER})")  # searched first: fast; the letter before is checked
_ALTERNATING = re.compile(r"(?:[A-Z][0-9])+[A-Z]?|(?:[0-9][A-Z])+[0-9]?")  # K1A0B1: a code, not a word


def _unleet(text: str) -> str:
    """Letters for the digits and symbols in words that are mostly letters, conservatively."""
    chars: list[str] | None = None
    done = 0
    for found in _LEET_RUN.finditer(text):
        start, end = found.span()
        if start < done or not start or not text[start - 1].isalpha():
            continue
        while start > 0 and _in_token(text[start - 1]):
            start -= 1
        while end < len(text) and _in_token(text[end]):
            end += 1
        done = end
        replacement = _decoded(text, start, end)
        if replacement is not None:
            if chars is None:
                chars = list(text)
            chars[start:end] = replacement
    return text if chars is None else "".join(chars)


def _in_token(char: str) -> bool:
    return char.isalnum() or char in "@$_"


def _decoded(text: str, start: int, end: int) -> str | None:
    """The token ``text[start:end]`` with its leet characters read as letters, or None to leave it."""
    token = text[start:end]
    lead = len(token) - len(token.lstrip("@$"))  # a handle's @ and a price's $ are not letters
    core = token[lead:]
    letters = sum(c.isalpha() for c in core)
    if ("_" in core or letters < 3 or 2 * letters < len(core) or _ALTERNATING.fullmatch(core)
            or any(c.isdigit() and c not in _LEET for c in core) or not _LEET_INSIDE.search(core)):
        return None
    left = start
    while left > 0 and not text[left - 1].isspace():
        left -= 1
    right = end
    while right < len(text) and not text[right].isspace():
        right += 1
    chunk = text[left:right]
    at = chunk.find("@")
    if "://" in chunk or chunk.lower().startswith("www.") or (at >= 0 and "." in chunk[at:]):
        return None  # an e-mail address or a link: leave it to the patterns that read those
    table = _LEET_UPPER if all(c.isupper() for c in core if c.isalpha()) else _LEET
    return token[:lead] + "".join(table.get(c, c) for c in core)


# --------------------------------------------------------------------------- what needs a look


def _special_characters() -> re.Pattern[str]:
    """A pattern for runs of the characters that :func:`_characters` must look at one by one.

    Everything but ASCII and the letters and symbols of the Latin, Greek, Cyrillic, Hebrew and
    Arabic blocks, CJK ideographs and Hangul syllables that NFKC leaves alone and no other step
    touches. Built from the running Python's Unicode data at import (about 1,600 code points,
    about 1 ms), so that Spanish, Greek or Russian text is copied as fast as ASCII.
    """
    touched = set(_LATIN_LOOKALIKES) | _DASHES | set(_BULLETS) | _BIDI_CONTROLS
    ranges: list[list[int]] = []
    for low, high in ((0x00A0, 0x0530), (0x0590, 0x0700), (0x1E00, 0x2000)):
        for code in range(low, high):
            char = chr(code)
            category = unicodedata.category(char)
            if (category[0] in "CZMP" or category == "Nd" or char in touched
                    or not unicodedata.is_normalized("NFKC", char)):
                continue
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    stable = "".join(re.escape(chr(low)) + (f"-{re.escape(chr(high))}" if high > low else "") for low, high in ranges)
    return re.compile(f"[^\x00-\x7f{stable}\u4e00-\u9fff\uac00-\ud7a3]+")


_SPECIAL = _special_characters()
