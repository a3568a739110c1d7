"""Question 1: is this a person? The people named in one field of a post.

A *mention* is a run of capitalised words (or ALL CAPS, or, in a slug, hashtag or
all-lowercase post, a lower-case given name) whose first real word is a known given name
(:func:`lexicon.given_names`), an honorific and a surname, initials ("J.T."), a quoted nickname
("Peanut", "Lil' T"), "the X family / kids", or an unknown proper noun (in none of the word,
name and place lists). A run is *not* a person when it is:

* a place: every Missouri town and county (a given name that is a Missouri town, "Joplin",
  is the town unless a person's cue follows it), a town elsewhere where a place is expected
  ("in Zion", "Florence, MO"), "X County", a list of counties;
* an organisation: a run that ends with an organisation word ("Grace Fellowship", "Junior
  League") or starts with one ("Iglesia Vida Nueva", "St. Joseph"), a business possessive
  ("Casey's in Fulton"), a title with a possessive ("Charlotte's Web"), a public figure ("Mark
  Twain"), Greek letters ("Alpha Phi Alpha"), words coordinated with a foundation ("Harlan and
  Bettye Okafor Family Foundation");
* everyday words: in Title Case text (titles, hashtags) capitals say nothing, so a name
  that is also a common word (Hope, Grace, Will, Paloma) is *weak*: it needs a role cue to count.

Leading words are not part of a name ("Congratulations Jayden", "Caseworker Dana"), nor are
trailing verbs in Title Case ("Leo Turns 5"); a title inside a run starts the name after it
("Jefferson City Mayor Constance Abara").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from . import lexicon as lx

# --------------------------------------------------------------------------- model


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def key(self) -> str:
        return lx.fold(self.text)

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()

    @property
    def all_caps(self) -> bool:
        letters = [c for c in self.text if c.isalpha()]
        return len(letters) >= 2 and all(c.isupper() for c in letters)


@dataclass(slots=True)
class Mention:
    """One person named in one field."""

    field: int
    words: str
    start: int
    end: int
    sentence: int
    kind: str
    """'name' (a known given name), 'full' (given name and surname), 'honorific', 'initials',
    'nickname', 'family' ("the Delgado family"), 'unknown' (an unknown proper noun)."""
    strong: bool
    """True when the words are surely a person's name (not an everyday word or a lone unknown word)."""
    role: str = ""
    """'child', 'relative', 'foster-parent', 'adult' or '' (unknown), with :attr:`cue` the words that said so."""
    cue: str = ""
    group: int = -1
    same_as: int = -1
    """Index (in its field) of the mention this one continues ("Gwen 'Mama G' Ridley")."""


# --------------------------------------------------------------------------- text helpers

_TOKEN = re.compile(r"(?<![\w.])(?:[A-Z]\.\s?){2,3}(?!\w)|[^\W\d_](?:[^\W\d_]|['’\-](?=[^\W\d_]))*\.?")
_INITIALS = re.compile(r"(?:[A-Z]\.\s?){2,3}$")
_SENTENCE_END = re.compile(r"(?<=[.!?¡¿…])[\"'”’)\]]*\s+|\n\s*\n+|\n(?=\s*(?:[-*+•]|\d+[.)])\s)|\n(?=\s*#)"
                           r"|(?<=[!?])(?=[A-Z])|\s+[—–-]{1,2}\s+(?=[A-Z])|\s*[\U0001F300-\U0001FAFF\u2600-\u27BF]+\s*")
ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "st", "sr", "jr", "sra", "srta", "no", "ave", "rd", "blvd",
                            "mt", "ft", "vs", "e.g", "i.e", "a.m", "p.m", "sen", "rep", "gov", "rev", "prof", "sgt",
                            "n", "s", "e", "w", "co", "inc", "dept", "u.s", "jan", "feb", "mar", "apr", "jun",
                            "jul", "aug", "sep", "sept", "oct", "nov", "dec", "lic", "lt", "fr", "msgr", "núm",
                            "num", "dra", "ing", "licda"})
_QUOTED = re.compile(r"[\"“”‘’']\s*(?P<nick>(?:Lil['’]?\s+)?[A-Z][\w'’.-]{0,14}(?:\s[A-Z][\w'’.-]{0,14})?)"
                     r"\s*[,.!?]?\s*[\"“”’']")
_NICK_CUE = re.compile(r"(?:nicknamed|known\s+(?:\w+\s+){0,4}?as|goes\s+by|called|call\s+(?:him|her)|a\.?k\.?a\.?|"
                       r"le\s+dicen|apodad[oa]|little|lil['’]?|our|sweet|baby|boy|girl|guy|kid|kiddo|son|daughter|man|"
                       r"pequeñ[oa]|niñ[oa]|chiquit[oa]|placement|toddler|el|la)\s*,?\s*$", re.IGNORECASE)
_CHILD_NICK_CUE = re.compile(r"(?:little|lil|sweet|baby|boy|girl|kid|kiddo|son|daughter|pequeñ[oa]|niñ[oa]|chiquit[oa]|"
                             r"our|placement|toddler)\b", re.IGNORECASE)
"""A nickname given with a child's word ("our little 'Peanut'") is a child's; "known as 'Doc'" may be anyone's."""
_CHILD_BEFORE_NICKNAME = re.compile(r"\b\d{1,2}[-\s]year[-\s]old\b|\b(?:boy|girl|kid|child|toddler|baby|teen)\b",
                                    re.IGNORECASE)
"""'a 10-year-old known around the office as "Scooter"': the nickname is a child's."""
_LIL = re.compile(r"\bLil['’]?\s+[A-Z][\w'’-]*")
_FAMILY = re.compile(r"\b(?:(?:[Tt]he|[Ll]a\s+familia)\s+)?"
                     r"(?P<name>[A-Z][^\W\d_A-Z]+(?:-[A-Z][^\W\d_A-Z]+|['’][A-Z][a-z]+)?)"
                     r"(?:s|es)?\s+(?i:family|household|home|house|residence|kids|children|siblings|twins|brothers|"
                     r"sisters|case|termination|TPR|custody|removal|investigation|reunification|adoption)\b"
                     r"|\b(?:los|las)\s+(?:hermanos|hermanas|hermanitos|hermanitas|niños|niñas|gemelos|gemelas|primos)\s+"
                     r"(?P<name4>[A-Z][^\W\d_]+(?:-[A-Z][^\W\d_]+)?)"
                     r"|\bfamilia\s+(?P<name2>[A-Z][^\W\d_]+(?:-[A-Z][^\W\d_]+)?)|\b[Tt]he\s+(?P<name3>[A-Z][^\W\d_]+?)(?:s|es)\b"
                     r"(?!\s+[A-Z])")
_CARE_ROLES = frozenset({"casa", "gal", "caseworker", "case", "foster", "adoption", "adoptive", "birth", "kinship",
                         "placement", "guardian", "forever", "court", "hearing"})
_LOWER_FAMILY = re.compile(r"\bthe\s+(?P<name>[a-zà-ÿ][a-zà-ÿ'’-]+?)(?:s|es)?\s+(?:family|kids|children|siblings)\b")
_MONTH_ABBREVIATIONS = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec may june april august".split())
_NOT_INITIALS = frozenset({"D.C", "U.S", "U.S.A", "P.O", "A.M", "P.M", "R.N", "M.D", "B.A", "B.S", "M.A", "M.S",
                           "J.D", "L.L.C", "N.A", "E.E.U.U", "EE.UU", "S.A", "A.K.A", "R.S.V.P", "P.S", "T.V"})
_GREETING = frozenset("""
congratulations congrats welcome thank thanks join please meet dear happy merry hello hi hey shoutout kudos
felicidades gracias bienvenidos bienvenida bienvenido hola feliz conozcan conoce and y or o with con for para to a
""".split())


def tokenize(text: str) -> list[Token]:
    return [Token(m.group().strip(), m.start(), m.start() + len(m.group().strip())) for m in _TOKEN.finditer(text)]


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of ``text``."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.start() <= start:
            continue
        before = text[start:match.start()].rstrip("\"'”’)]")
        last_word = re.split(r"[\s\-–/]", before)[-1].lower().rstrip(".") if before.split() else ""
        if "\n" not in match.group() and "." in match.group()[:1] + before[-1:] and (
                last_word in ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.?){1,3}", last_word)):
            continue  # "Ms. Lopez", "J. Smith", "J.T. is": not the end of a sentence
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


class Sentences:
    def __init__(self, text: str) -> None:
        self.spans = sentences(text)
        self.starts = [s for s, _ in self.spans]

    def index(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def is_start(self, offset: int, text: str) -> bool:
        i = self.index(offset)
        return not text[self.spans[i][0]:offset].strip(" \t\"'“‘([¡¿*_#-")


# --------------------------------------------------------------------------- 1. is it a person?


def title_case(text: str) -> bool:
    return _title_case(text, tokenize(text))


def _title_case(text: str, tokens: Sequence[Token]) -> bool:
    """Most words capitalised: capitals say nothing about names here ("Hope Starts At Home")."""
    words = [t for t in tokens if len(t.text) > 3]
    return len(words) >= 3 and sum(t.capitalised for t in words) >= 0.7 * len(words)


def _is_given(key: str) -> bool:
    names = lx.given_names()
    return key in names or ("-" in key and all(part in names for part in key.split("-") if part))


def _is_everyday(key: str) -> bool:
    return key in lx.common_words() or key in lx.GREETINGS_AND_FUNCTION


def _is_unknown_proper(key: str) -> bool:
    """A word in no dictionary, name or place list: "Nizhoni", "Zamzam" (or a brand, or a typo)."""
    return (len(key) >= 3 and key.isalpha() and key not in lx.dictionary() and key not in lx.places()
            and key not in lx.org_words())


_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|at|from|near|around|across|outside|inside|through|between|among|visit|visits|visiting|serving|serves|"
    r"en|desde|hacia|cerca\s+de|towns?\s+of|city\s+of|ciudad\s+de|pueblo\s+de|condado\s+de|"
    r"(?:family|families|people|residents|folks|neighbors|youth)\s+of|(?-i:[A-Z][\w'’-]+)\s+of)\s+$",
    re.IGNORECASE)
"""Words before a place: "in Eugene", "visiting Ava". Not "to" or "de" ("congratulations to Zion",
"la quinceañera de Paloma")."""
_LOCATIVE_AFTER = re.compile(r"^(?:,\s*(?:MO|Mo\.|Missouri|KS|IL|AR|OK|IA|NE|KY|TN)\b|\s+(?:County|area|community|"
                             r"residents|township|city|schools?|High|Elementary|Middle)\b|,\s+[A-Z][\w'’]+\s*(?:,|and|&|y)\s)")


_PLACE_LIST_BEFORE = re.compile(
    r"\b(?:in|at|from|near|across|visit|visiting|serving|en|desde|condados?\s+de|counties\s+of|towns|cities|"
    r"communities|counties|pueblos|ciudades)\s+"
    r"(?:[A-Z][\w'’]+(?:\s+[A-Z][\w'’]+)?\s*(?:,|and|&|y)\s*)+$")
_PLACE_LIST_AFTER = re.compile(r"^(?:\s*(?:,|and|&|y)\s*[A-Z][\w'’]+)*\s*(?:,\s*)?(?:and\s+|y\s+)?(?:counties|condados|"
                               r"County|Counties|towns|communities)\b")


_PERSON_AFTER = re.compile(
    r"^(?:['’]s\s+(?:(?:\w+\s+)?(?:adoption|placement|case|caseworker|foster|family|forever|birthday|mom|dad|"
    r"grandma|CASA|GAL|first|new|little|big)\b)|"
    r",\s*(?:\d{1,2}|age\s+\d|a\s+\d|de\s+\d|who\b|que\b)|\s+(?:is|was|has|had|and\s+(?:his|her)|who|just|finally|"
    r"turned|turns|"
    r"started|learned|loves|came|entered|went|got|graduated|finished|es|fue|tiene|lleg[oó]|cumpli[oó])\b)",
    re.IGNORECASE)
"""A person's cue right after a word that is both a Missouri town and a given name."""


def _is_place_here(keys: Sequence[str], text: str, start: int, end: int) -> bool | None:
    """True for a place, False for a person, None when a word that is both a given name and a
    Missouri town ("Joplin", "Mackenzie", "Ava") has nothing around it to tell: then it is a name
    only with more evidence. A given name that is a town elsewhere ("Zion", "Florence") is a place
    only where a place is expected: "in Eugene", "Florence, MO", "Ava, Troy and Ozark"."""
    phrase = " ".join(keys)
    if phrase not in lx.places():
        return _is_place(keys)
    if len(keys) > 1 or not _is_given(keys[0]):
        return True
    if (_LOCATIVE_BEFORE.search(text[max(0, start - 24):start]) or _LOCATIVE_AFTER.match(text[end:end + 30])
            or _PLACE_LIST_BEFORE.search(text[max(0, start - 60):start])
            or _PLACE_LIST_AFTER.match(text[end:end + 60])):
        return True
    after = text[end - 2:end + 40] if text[end - 2:end].lower() in ("'s", "’s") else text[end:end + 40]
    person = _PERSON_AFTER.match(after) or lx.CHILD_BEFORE.search(text[max(0, start - 30):start]) or \
        lx.RELATIVE_BEFORE.search(text[max(0, start - 40):start])
    if person or keys[0] not in lx.missouri_places():
        return False
    return None


def _is_place(keys: Sequence[str]) -> bool:
    """'Cole County', 'Nevada MO': a place the lists know, followed by what kind of place it is.
    (Public figures, "Mark Twain", are found earlier in any part of the run.)"""
    return len(keys) >= 2 and (" ".join(keys[:-1]) in lx.places() and keys[-1] in ("mo", "missouri", "county", "ks"))


def _is_org(keys: Sequence[str]) -> bool:
    if len(keys) >= 2 and keys[0] in lx.missouri_places() and all(
            k in lx.dictionary() and not _is_given(k) for k in keys[1:]):
        return True  # "Odessa Folks", "Joplin Area", "Sedalia Families": the town's people or things
    return len(keys) >= 2 and (keys[-1] in lx.org_words() or keys[0] in lx.ORG_START
                               or any(k in _STRONG_ORG for k in keys[1:]))


_NICKNAME_AFTER = re.compile(r"\b(?P<nick>[A-Z][\w'’-]{1,15})\s*\(\s*(?:his|her|their|su)\s+(?:nickname|apodo)")

_QUOTED_TITLE = re.compile(r"[\"“]([A-Z][^\"“”\n.!?]{2,60}?)[\"”]")


def _is_a_title(quoted: str) -> bool:
    """'Mornings with Mitch', 'Hope for Harper': a quoted title of a show, a book or a campaign (three to
    six words, capitals on the words that matter, no verb of speech), not a quotation of what someone said."""
    words = quoted.split()
    if not 3 <= len(words) <= 6 or lx.fold(words[0]) in lx.given_names():
        return False
    small = {"with", "for", "of", "the", "and", "a", "an", "in", "on", "at", "to", "de", "la", "el", "y", "los", "las"}
    return all(w[:1].isupper() or w.lower() in small for w in words)

_FIGURES = re.compile(
    r"\b(?:Mar[ií]a\s+y\s+Jos[eé]|Jos[eé]\s+y\s+Mar[ií]a|Mary\s+and\s+Joseph|Joseph\s+and\s+Mary|Ni[ñn]o\s+(?:Dios|Jes[uú]s)|"
    r"Baby\s+Jesus|Santa\s+Claus|Reyes\s+Magos|Three\s+Kings|San\s+Nicol[aá]s|Saint\s+Nicholas|Mrs\.\s+Claus)\b")
"""Figures of a tradition named in a post about it (the posadas' "María y José")."""


def mentions(index: int, text: str, tokens: Sequence[Token], sents: Sentences, *,
             lowercase_names: bool = False, not_people: list[str] | None = None,
             places_first: bool = False, derived: bool = False) -> list[Mention]:
    """The people named in one field."""
    found: list[Mention] = []
    titled = _title_case(text, tokens) or lowercase_names  # hashtags, slugs: capitals say nothing
    i = 0
    while i < len(tokens):
        token = tokens[i]
        nameish = token.capitalised or (lowercase_names and _is_given(token.key) and not _is_everyday(token.key)
                                        and (derived or token.key not in lx.dictionary()
                                             or lx.CHILD_BEFORE.search(text[max(0, token.start - 30):token.start])))
        if not nameish:
            i += 1
            continue
        j = i
        while j + 1 < len(tokens) and _joined(text, tokens[j], tokens[j + 1], lowercase_names):
            j += 1
        found += _classify_run(index, text, tokens, i, j, sents, titled,
                               not_people if not_people is not None else [], places_first)
        i = j + 1
    for match in _NICKNAME_AFTER.finditer(text):  # "Boo (her nickname - she insisted we use it!)"
        if not any(m.start <= match.start() < m.end for m in found):
            found.append(Mention(index, match.group("nick"), match.start(), match.end("nick"),
                                 sents.index(match.start()), "nickname", True))
    figures = [m.span() for m in _FIGURES.finditer(text)] + [
        m.span() for m in _QUOTED_TITLE.finditer(text) if _is_a_title(m.group(1))]
    if not_people is not None:  # the same title elsewhere in the post, unquoted, is the title too
        not_people += [lx.fold_phrase(text[s:e].strip("\"“” ")) for s, e in figures]
    found = [m for m in found if not any(s <= m.start < e for s, e in figures)]
    nicknames = _nicknames(index, text, sents, [])
    found = [m for m in found if not any(n.start < m.end and m.start < n.end for n in nicknames)] + nicknames
    found += _families(index, text, sents, found)
    return sorted(found, key=lambda m: m.start)


def _joined(text: str, left: Token, right: Token, lowercase_names: bool) -> bool:
    gap = text[left.end:right.start]
    if gap not in (" ", "-", "\u00a0", "", "\n", " \n", "\n "):
        return False  # one line break joins: posts are often wrapped mid-name
    if left.text.endswith(".") and not (_INITIALS.match(left.text) or left.key in lx.HONORIFICS
                                        or left.key in lx.TITLES or len(left.text) == 2
                                        or left.key in ("st", "ste", "mt", "ft", "mons", "msgr", "fr", "jr", "sr")):
        return False  # "Guadalupe. Nuestro": a sentence ends here
    if _INITIALS.match(left.text) or _INITIALS.match(right.text):
        return right.capitalised
    if right.capitalised:
        return True
    if right.key in lx.PARTICLES:
        return False  # "María de la Luz": the particles are kept with the next capitalised word below
    return lowercase_names and _is_given(right.key) and False


def _classify_run(index: int, text: str, tokens: Sequence[Token], first: int, last: int, sents: Sentences,
                  titled: bool, not_people: list[str], places_first: bool = False) -> list[Mention]:
    run = list(range(first, last + 1))
    keys = [tokens[k].key for k in run]
    if len(keys) == 2 and keys[0] == "team" and _is_given(keys[1]):
        run, keys, first = run[1:], keys[1:], run[1]  # "#TeamMaya": the team is a person's supporters
    coordinated = _COORDINATED_ORG.match(text[tokens[last].end:tokens[last].end + 80])
    if coordinated and lx.fold(coordinated.group("last")) in lx.org_words():
        not_people.append(" ".join(keys))  # "Harlan and Bettye Okafor Family Foundation"
        return []
    if _followed_by_place_word(text, tokens[last]) or (len(keys) >= 2 and keys[0] in lx.ORG_START) or (
            len(keys) >= 3 and any(k in lx.ORG_START and k not in lx.given_names() for k in keys[:-1])):
        not_people.append(" ".join(keys))  # "Salón Parroquial San Antonio", "Iglesia Cristiana Monte Sinaí"
        return []
    if re.search(r"[A-Z][\w'’]*\s+\d+(?:st|nd|rd|th)\s+$", text[max(0, tokens[first].start - 30):tokens[first].start]):
        return []  # "Independence 3rd Ward": the end of a place's name
    if keys[0] in _MONTH_ABBREVIATIONS and re.match(r"\.?\s*\d", text[tokens[first].end:tokens[first].end + 4]):
        return []  # "Jan. 21"
    # Leading words that are not part of a name: "Congratulations Jayden", "Caseworker Dana".
    start = 0
    while start < len(run) and not _could_start_name(tokens[run[start]], keys[start]) and not (
            start == len(run) - 1 and _minor_age_after(text, tokens[run[start]])):
        if _is_given(keys[start]) and start + 1 < len(run) and keys[start + 1] in lx.surnames() and \
                keys[start] not in _GREETING and not sents.is_start(tokens[run[start]].start, text) and \
                not lx.CARE_GENERIC.fullmatch(keys[start]) and not lx.CARE_GENERIC.fullmatch(keys[start + 1]):
            break  # "Donors Summer Bright and Will Gaines": "Will" starts a name here
        start += 1
    if start == len(run):
        return []
    caps_possessive = [i for i, k in enumerate(run[:-1])
                       if tokens[k].all_caps and tokens[k].text.endswith(("'S", "'s", "’S", "’s"))]
    if caps_possessive:  # "OMG ODESSA'S PLACEMENT ...": in capitals, a possessive ends the name
        run, keys = run[:caps_possessive[0] + 1], keys[:caps_possessive[0] + 1]
        last = run[-1]
    care_possessive = [i for i, k in enumerate(run[:-1]) if tokens[k].text.endswith(("'s", "’s")) and (
        lx.CARE_GENERIC.fullmatch(tokens[run[i + 1]].text) or tokens[run[i + 1]].key in _CARE_ROLES)]
    if care_possessive:  # "Liam's CASA volunteer": the name ends at the possessive
        run, keys = run[:care_possessive[0] + 1], keys[:care_possessive[0] + 1]
        last = run[-1]
    if any(tokens[k].text.endswith(("'s", "’s")) for k in run[:-1]):
        not_people.append(" ".join(keys))  # "Charlotte's Web", "Casey's General Store": a title or a business
        return []
    if any(" ".join(keys[i:j]) in lx.FAMOUS for i in range(len(keys)) for j in range(i + 2, len(keys) + 1)):
        not_people.append(" ".join(keys))  # "Martin Luther King Jr. Day"
        return []
    if tokens[last].text.endswith(("'s", "’s")) and _business_possessive(text, tokens[last]):
        return []  # "donated by Casey's in Fulton": a business
    titles = [k for k in range(start, len(run) - 1) if keys[k] in lx.TITLES]
    if titles:  # "Jefferson City Mayor Constance Abara": the name starts after the title
        start = titles[-1] + 1
    while start + 1 < len(run) and _is_everyday(keys[start]) and _is_given(keys[start + 1]) and \
            keys[start + 1] not in lx.HONORIFICS and keys[start + 1] not in lx.surnames():
        start += 1  # "GOTCHA DAY EMIR", "Lucky Leo": the everyday word is not part of the name
    rest = run[start:]
    rkeys = keys[start:]
    if len(rkeys) >= 2 and rkeys[-1] in lx.dictionary() and rkeys[-1] not in lx.surnames() \
            and rkeys[-1] not in lx.given_names() and not _is_given(rkeys[0]):
        return []  # "Sikeston Bulldogs", "Ozarks Tech": a name does not end in an everyday word
    if all(k in lx.GREEK_LETTERS for k in rkeys):
        return []  # "Alpha Phi Alpha": a fraternity or sorority
    if any(k in _PLACE_KINDS for k in keys[1:]) or _DEVOTION_BEFORE.search(text[max(0, tokens[first].start - 30):
                                                                           tokens[first].start]):
        not_people.append(" ".join(keys))  # "Cole County Courthouse Annex", "Virgen de Guadalupe"
        return []
    place = _is_place_here(rkeys, text, tokens[rest[0]].start, tokens[rest[-1]].end)
    if places_first and " ".join(rkeys) in lx.places():
        place = True  # in the event location, "Milan" is the town
    if place or _is_org(rkeys):
        not_people.append(" ".join(keys))
        return []
    while len(rest) >= 2 and rkeys[-1] in lx.dictionary() and (rkeys[-1] not in lx.surnames() or (_is_everyday(
            rkeys[-1]) and (titled or re.match(r" \d", text[tokens[rest[-1]].end:tokens[rest[-1]].end + 2])))) and \
            not _is_given(rkeys[-1]) and _is_given(rkeys[0]) and not tokens[rest[-1]].text.isupper():
        rest, rkeys = rest[:-1], rkeys[:-1]  # "Leo Turns 5": a verb after the name
    head_token = tokens[rest[0]]
    head = rkeys[0]
    at_sentence_start = sents.is_start(head_token.start, text)
    if start and any(lx.CARE_GENERIC.fullmatch(tokens[run[k]].text) or lx.CHILD_NOUN.fullmatch(tokens[run[k]].text)
                     for k in range(start)) and _is_everyday(head):
        return []  # "Foster Youth Bill of Rights"
    if _INITIALS.match(head_token.text):
        if head_token.text.replace(" ", "").rstrip(".").upper() in _NOT_INITIALS and not _minor_age_after(
                text, tokens[rest[-1]]):
            return []  # "U.S.", "a.m." (but "A.M., 15, shares her poem" are initials)
        kind, strong = ("full" if len(rest) >= 2 and rkeys[1] in lx.surnames() else "initials"), True
    elif head in lx.HONORIFICS:
        if len(rest) == 1:
            return []
        kind, strong = "honorific", True
    elif _is_given(head):
        everyday = _is_everyday(head)
        full = len(rest) >= 2 and (rkeys[1] in lx.surnames() or rkeys[1] in lx.given_names()
                                   or any(p in lx.surnames() for p in rkeys[1].split("-") if p)
                                   or _is_unknown_proper(rkeys[1]))
        if full and everyday and _is_everyday(rkeys[1]):
            full = False  # "Holiday Magic", "Hope Chest": two everyday words
        kind = "full" if full else "name"
        strong = full or not everyday
        if everyday and not full and (titled or at_sentence_start) and not head_token.all_caps:
            strong = False
        if titled and len(rest) >= 3 and not full:
            return []  # "Hope Starts At Home"
    elif _is_unknown_proper(head) and not head_token.all_caps and not titled:
        if at_sentence_start and len(rest) == 1:
            kind, strong = "unknown", False
        else:
            kind, strong = ("full" if len(rest) >= 2 and rkeys[1] in lx.surnames() else "unknown"), False
    elif head in lx.surnames() and start > 0 and keys[start - 1] in lx.TITLES_AND_HONORIFICS:
        kind, strong = "honorific", True
    elif len(rest) == 1 and _minor_age_after(text, tokens[rest[0]]) and not _is_everyday(head) \
            and head not in lx.places() and head not in lx.org_words():
        kind, strong = "unknown", False  # "Waya, 10, has been living with his grandparents"
    else:
        return []
    if place is None:
        strong = False  # "Joplin", "Mackenzie": the town or a person; a person only with a cue
    last_token = tokens[rest[-1]]
    words = text[head_token.start:last_token.end].rstrip(".")
    if words.lower().endswith(("'s", "’s")):
        words = words[:-2]
    return [Mention(index, words, head_token.start, head_token.start + len(words), sents.index(head_token.start),
                    kind, strong)]


_PLACE_KINDS = frozenset({"county", "city", "township", "parish", "district", "state", "condado", "ciudad"})
_DEVOTION_BEFORE = re.compile(
    r"\b(?:Virgen|Se[ñn]ora|Lady|Parroquia|Iglesia|Santuario|Bas[ií]lica|Capilla|Catedral|Church|Parish|Chapel|"
    r"Cathedral|Shrine|Feast|Fiesta|D[ií]a|Day|Saint|Santa|Santo|San|St\.?|Coraz[oó]n|Heart|Sagrad[oa]|Sacred|"
    r"Nombre|Name|Cristo|Christ|Camino|Ni[ñn]o)\s+(?:de\s+(?:la\s+|los\s+)?|del\s+|of\s+(?:the\s+)?)?$")
_STRONG_ORG = frozenset({"university", "college", "school", "academy", "church", "parish", "hospital", "clinic",
                         "foundation", "association", "county", "ministries", "fellowship", "league", "club"})
"""Words that make a run an organisation wherever they stand in it ("Lincoln University Blue Tigers")."""
_COORDINATED_ORG = re.compile(r"^\s*(?:and|&|y)\s+(?:[A-Z][\w'’.-]*\s+){1,4}(?P<last>[A-Z][\w'’]+)")


def _minor_age_after(text: str, token: Token) -> bool:
    match = lx.ATTACHED_AGE.match(text[token.end:token.end + 32])
    return bool(match and int(match.group("age")) <= 17)


def _business_possessive(text: str, token: Token) -> bool:
    """A possessive followed by no noun ("Casey's in Fulton", "thank you, Wendy's!") names a business."""
    after = text[token.end:token.end + 24]
    return bool(re.match(r"\s*(?:$|[!.,;:)]|(?:in|on|at|for|and|or|of|to|with|is|was|has|have|will|donated|"
                         r"stores?|locations?)\b)", after))


def _could_start_name(token: Token, key: str) -> bool:
    if _INITIALS.match(token.text) or key in lx.HONORIFICS:
        return True
    if lx.CARE_GENERIC.fullmatch(token.text.rstrip(".")) or lx.CHILD_NOUN.fullmatch(token.text.rstrip(".")):
        return False  # "Foster Parent Night Out", "Kids Day"
    if token.all_caps and not _is_given(key):
        return False  # "OMG", "FCS": in capitals, only a known name starts a name
    if key in lx.TITLES or key in _GREETING or key in lx.GREETINGS_AND_FUNCTION:
        return False
    return _is_given(key) or _is_unknown_proper(key)


def _followed_by_place_word(text: str, token: Token) -> bool:
    """'Holden area', 'Paris, MO', 'Eugene community': the run names a place."""
    after = text[token.end:token.end + 20]
    return bool(re.match(r"\s*(?:,\s*(?:MO|Mo\.|Missouri|KS|IL|AR)\b|(?:area|community|county|township|"
                         r"residents|campus|location|branch|office|site|chapter|congregation|parish)\b)", after))


def _nicknames(index: int, text: str, sents: Sentences, found: Sequence[Mention]) -> list[Mention]:
    taken = [(m.start, m.end) for m in found]
    out = []
    for match in list(_QUOTED.finditer(text)) + list(_LIL.finditer(text)):
        start, end = (match.start("nick"), match.end("nick")) if match.re is _QUOTED else match.span()
        if any(not (end <= s or start >= e) for s, e in taken):
            continue
        nick = text[start:end]
        is_lil = nick.lower().startswith("lil")
        if not is_lil and not _NICK_CUE.search(text[max(0, match.start() - 40):match.start()]):
            continue
        taken.append((start, end))
        cue = _NICK_CUE.search(text[max(0, match.start() - 40):match.start()])
        childish = is_lil or (cue and _CHILD_NICK_CUE.match(cue.group())) or bool(
            _CHILD_BEFORE_NICKNAME.search(text[max(0, match.start() - 50):match.start()]))
        out.append(Mention(index, nick, start, end, sents.index(start), "nickname" if childish else "name",
                           bool(childish)))  # "call him 'Tank'": anyone's nickname, a name only with a cue
    return out


def _families(index: int, text: str, sents: Sentences, found: Sequence[Mention]) -> list[Mention]:
    out = []
    for match in _LOWER_FAMILY.finditer(text):  # "the begovic family adopts three siblings" (a file name)
        if lx.fold(match.group("name")) in lx.surnames() and lx.fold(match.group("name")) not in lx.dictionary():
            start = match.start("name")
            out.append(Mention(index, text[start:match.end()], start, match.end(), sents.index(start), "family", True))
    for match in _FAMILY.finditer(text):
        group = next(g for g in ("name", "name2", "name3", "name4") if match.group(g))
        surname = match.group(group)
        key = lx.fold(surname)
        if group == "name3" and key not in lx.surnames():
            continue
        everyday = key in lx.common_words() or key in lx.places() or key in lx.dictionary()
        if key in lx.GREETINGS_AND_FUNCTION or key in lx.org_words() or lx.CARE_GENERIC.fullmatch(surname) or (
                key not in lx.surnames() and everyday):
            continue
        if re.match(r"\s+[A-Z][\w'’]+", text[match.end():match.end() + 20]) and lx.fold(
                text[match.end():match.end() + 20].split()[0]) in lx.org_words():
            continue  # "the Hartley Family Foundation"
        start = match.start(group) if group != "name4" else match.start()
        words = text[start:match.end()].strip()
        children = re.search(r"(?:kids|children|siblings|twins|brothers|sisters)$", words) or group == "name4"
        role, cue = ("child", words) if children else ("", "")
        same = [m for m in found if m.start <= start < m.end]
        for m in same:  # "the Okonkwo family": a family, not an unknown word
            m.kind, m.strong, m.words, m.end, m.role, m.cue = "family", True, words, match.end(), role, cue
        if not same:
            out.append(Mention(index, words, start, match.end(), sents.index(start), "family", True, role, cue))
    return out


