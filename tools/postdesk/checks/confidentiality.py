"""Rule family ``confidentiality``: no child or family in care may be identifiable.

Scans the title, the body, every ``text:`` override, photo alt texts, the event
location, hashtags (CamelCase split into words), the link and photo file names
(split on ``-`` and ``_``), and the photos themselves.

Errors (certain harm):

* ``confidentiality.child-identified``: a personal name together with a child or care
  context (foster, adoption, in care, custody, placement, removed from home, a case,
  abuse, neglect, aged out, a minor's age, a school grade, a named school) in the same
  sentence or an adjacent one;
* ``confidentiality.ssn``, ``confidentiality.date-of-birth``,
  ``confidentiality.case-number`` (patterns in the policy), and
  ``confidentiality.street-address`` (house number + street + street type) that is not
  the event's venue nor an allowed public address;
* ``confidentiality.undeclared-faces``: faces detected in a photo declared ``people: none``.

Warnings (likely but uncertain): ``confidentiality.phone`` and ``confidentiality.email``
not on the allow-list; ``confidentiality.name-near-child`` (a name near a child word,
no care context); ``confidentiality.child-sized-face`` (a much smaller face beside
others in a photo of staff or adults: it may be a child's, which a detector cannot
decide); ``confidentiality.faces-not-scanned`` (no detector installed, or a photo it
could not read). GPS data in photos is ``images.location``.

How names are recognised, without a language model (none can be installed offline
here, and staff need an answer in milliseconds): a *mention* is a run of capitalised
words whose first real word is a known given name (US Census and SSA lists, accents
folded), or an honorific and a surname, or any capitalised word followed by a child's
age ("Zyaire, 9,"), or "the Johnson family". Runs that end in a place or organisation
word ("Cole County", "Lincoln Elementary", "Boone Regional Library") are places; a
named school is itself a care context. Given names that are everyday words or local
place names (Hope, May, Will, Jefferson, Clay) count only with more evidence (a
surname, an age, a possessive, a child word next to them).

A mention is an *adult* when a role word is attached to it (the nearest mention to
"caseworker", "supervisor", "Judge", "Senator", "who has served", "of our … Office"),
or when it is on the policy's allowed names, or it is the submitter or supervisor. A
mention with an attached minor's age, grade or child word ("his daughter Emma") is a
child. Adults are never reported; everyone else named with care context is.

What it cannot catch: a child described without a name but recognisable from details
(a rare illness, a small town, a photo from behind); names it does not know written
without an age or honorific; names in languages other than English and Spanish; text
inside photos. Reviewers remain the last line of defence, and the form asks staff to
confirm ``confidentiality_confirmed``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..config import ConfidentialityPolicy
from ..model import Finding, ImageRef, Severity, Submission
from .base import CheckContext

# --------------------------------------------------------------------------- vocabulary

_CARE = re.compile(
    r"\b(?:foster(?:ed|ing)?|adopt(?:ed|ion|ions|ive|ing)?|in\s+(?:our\s+|state\s+|foster\s+)?care|"
    r"custody|placements?|placed|kinship|entered\s+(?:foster\s+)?care|removed\s+from\s+(?:(?:his|her|their|the)\s+)?(?:home|parents)|"
    r"removed|removal|(?:his|her|their|whose|family's|'s)\s+case\b|case\s+(?:plan|file|closed|opened)|"
    r"abuse[ds]?|abusive|neglect(?:ed|ful)?|maltreat(?:ed|ment)|aged?\s+out|aging\s+out\s+of\s+care|"
    r"reunif(?:ied|ication)|guardianship|juvenile\s+court|parental\s+rights|kinship\s+(?:care|placement)|"
    r"group\s+home|residential\s+treatment|permanency|"
    # Spanish
    r"acogid[ao]s?|crianza|adoptad[ao]s?|adopci[oó]n|custodia|abus(?:o|ad[ao])|negligencia|maltrato|"
    r"bajo\s+(?:el\s+)?cuidado|en\s+cuidado|retirad[ao]s?\s+de)\b",
    re.IGNORECASE,
)
_AGE = re.compile(
    r"\b(?P<age>\d{1,2})[-\s](?:years?|yrs?)[-\s]old\b|\b(?:age|aged|edad)\s+(?P<age2>\d{1,2})\b|"
    r"\b(?:de\s+)?(?P<age3>\d{1,2})\s+años\b|\b(?P<age4>\d{1,2})-month-old\b",
    re.IGNORECASE,
)
_ATTACHED_AGE = re.compile(
    r"^\s*(?:,\s*(?:age\s+|aged\s+)?|\(\s*(?:age\s+)?|,?\s*(?:who\s+)?(?:is|was|turned|turns|just\s+turned)\s+"
    r"(?:now\s+|only\s+|just\s+)?|,\s*de\s+)(?P<age>\d{1,2})\s*(?:[,)]|years?\b|años\b|$|\.)",
    re.IGNORECASE)
_GRADE = re.compile(
    r"\b(?:\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|"
    r"twelfth)[-\s]grade(?:r|rs)?\b|\bgrade\s+\d{1,2}\b|\bkindergart(?:en|ner)\b|\b(?:primer|segundo|tercer|"
    r"cuarto|quinto|sexto)\s+grado\b|\b\d{1,2}(?:er|o|º)\s+grado\b",
    re.IGNORECASE,
)
_SCHOOL_WORDS = frozenset({"elementary", "middle", "high", "school", "academy", "primaria", "secundaria",
                           "preparatoria", "escuela", "kindergarten", "preschool", "montessori"})
_PLACE_WORDS = frozenset("""
county city town village park street st avenue ave road rd boulevard blvd drive dr lane ln court ct way plaza
square library center centre hall house club university college hospital clinic church chapel cathedral
ministries mission foundation fund association society council department division office agency services program
programme project network alliance coalition bank credit union inc llc co company group store market pantry kitchen
shelter museum stadium arena fair festival day days week month year awareness campaign team committee board
commission institute trust partnership partners initiative coalition river lake creek valley hills heights mall
building tower airport station regional state national federal county's sheriff police fire district health
care kids wonderful foundation's learning resource resources family's jones web unit units licensing
conference summit training workshop gala luncheon banquet night celebration ceremony walk run expo parade drive
bill act law rights award awards scholarship proclamation courthouse courtroom capitol saint st advisory
""".split()) | _SCHOOL_WORDS
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "sr", "sra", "srta", "don", "doña"})
_ADULT_TITLES = frozenset({"dr", "judge", "senator", "sen", "rep", "representative", "mayor", "governor", "gov",
                           "commissioner", "director", "chief", "pastor", "reverend", "rev", "officer", "sheriff",
                           "deputy", "councilman", "councilwoman", "president", "secretary", "professor", "prof",
                           "coach", "captain", "sergeant", "sgt", "principal", "superintendent", "alderman",
                           "caseworker", "supervisor", "specialist", "manager", "coordinator", "administrator",
                           "investigator", "worker", "trainer", "recruiter", "liaison", "advocate", "attorney",
                           "nurse", "teacher", "volunteer", "volunteers", "staff", "colleague", "colleagues",
                           "founder", "chair", "chairman", "chairwoman", "ceo", "executive", "employee", "team",
                           "leader", "lead", "speaker", "keynote", "honoree", "retiree", "doctor", "therapist",
                           "counselor", "counsellor", "mentor", "author", "host", "emcee", "ambassador",
                           "trabajadora", "trabajador", "supervisora", "directora", "licenciada", "licenciado",
                           "especialista", "coordinadora", "coordinador", "gerente", "juez", "jueza", "senador",
                           "senadora", "alcalde", "alcaldesa", "voluntaria", "voluntario", "maestra", "maestro",
                           "enfermera", "enfermero", "personal", "equipo", "colega", "unit", "licensing",
                           "services", "office", "jr", "sr"})
_ADULT_PHRASES = re.compile(
    r"\b(?:who\s+(?:has\s+|have\s+)?(?:served|serves|works?|worked|helped|helps|leads|led|trains|trained|"
    r"recruits|recruited|mentors|mentored|supports|supported|volunteers|volunteered|retires|retired|joined|joins|"
    r"manages|managed|coordinates|coordinated|spoke|speaks|presided)|of\s+our\b|from\s+our\b|at\s+our\b|our\s+own\b|"
    r"years?\s+of\s+service|retire(?:s|d|ment)?|join(?:s|ed)?\s+(?:our|the)\s+team|has\s+been\s+named|"
    r"was\s+named|named\s+(?:as\s+)?(?:our|the)|on\s+(?:his|her|their)\s+retirement|promoted)\b",
    re.IGNORECASE,
)
_CHILD_WORDS = re.compile(
    r"\b(?:child|children|kid|kids|boy|boys|girl|girls|son|sons|daughter|daughters|baby|babies|infant|toddler|"
    r"teen|teens|teenager|teenagers|youth|youths|student|students|sibling|siblings|brother|brothers|sister|"
    r"sisters|grandson|granddaughter|grandchild|grandchildren|nephew|niece|minor|minors|newborn|"
    r"niño|niña|niños|niñas|hijo|hija|hijos|hijas|bebé|joven|jóvenes|adolescente|adolescentes|menor|menores)\b",
    re.IGNORECASE,
)
_CHILD_ROLE = re.compile(
    r"\b(?:son|daughter|grandson|granddaughter|nephew|niece|baby|toddler|infant|newborn|brother|sister|"
    r"stepson|stepdaughter|foster\s+(?:son|daughter|child|youth)|hijo|hija|nieto|nieta|niño|niña|"
    r"little\s+one)\b",
    re.IGNORECASE,
)
# Given names that are also everyday words or local places: a name only with more evidence.
AMBIGUOUS_NAMES = frozenset("""
will bill mark rose hope grace joy faith may june april summer autumn dawn ray guy art pat sue don rich frank
chase hunter bud sandy penny ruby pearl ginger holly ivy daisy lily iris jasmine violet amber crystal jewel star
sky dale glen lane wade dean earl miles jay robin drew cliff gene major price young rocky sterling royal prince
king precious destiny unique harmony heaven angel carol charity patience constance honor mercy chance bob sunny
misty page brook rod lance norm reed august justice liberty christian grant jordan parker cash case foster
madison jackson jefferson lincoln washington franklin clay boone cole greene marion warren lafayette howard
taylor carter dallas austin phoenix sydney london paris georgia virginia carolina dakota savannah cameron
chelsea brittany israel jordan trinity genesis journey legend messiah nevada montana arizona indiana kansas
tennessee houston memphis denver aurora columbia florence independence camden lawrence clinton douglas monroe
harrison henry jasper johnson lewis morgan randolph scott stone webster wright adair barry benton dent gentry
holt hickory iron lincoln linn mercer miller moniteau perry pike polk pulaski ralls ripley saline shannon shelby
stoddard sullivan texas vernon wayne worth ozark christian national federal early amen ace sage bishop kelly
chance noble hero stormy sunday monday tuesday wednesday thursday friday saturday january february march july
september october november december easter christmas spring fall winter new welcome thank thanks join happy
congratulations please meet dear all every our the this each more most best great good
""".split())
_TOKEN = re.compile(r"[^\W\d_](?:[^\W\d_]|['’\-](?=[^\W\d_]))*\.?", re.UNICODE)
_STREET_TYPES = (r"Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Drive|Dr|Lane|Ln|Court|Ct|Way|Place|Pl|Parkway|"
                 r"Pkwy|Highway|Hwy|Circle|Cir|Terrace|Ter|Trail|Trl|Square|Sq|Loop|Pike|Row|Calle|Avenida")
_STREET = re.compile(
    r"\b(?P<number>\d{1,6}[A-Z]?)\s+(?:(?:N|S|E|W|NE|NW|SE|SW)\.?\s+|(?:North|South|East|West)\s+)?"
    r"(?P<name>(?:(?:[A-Z][\w'’]*|\d{1,3}(?:st|nd|rd|th))\.?\s+){0,3}?)"
    rf"(?P<type>(?:{_STREET_TYPES})\b\.?|Broadway\b)",
)
_SSN = re.compile(r"\b(?!000|666|9\d\d)(?P<a>\d{3})[-\s.](?P<b>\d{2})[-\s.](?P<c>\d{4})\b|"
                  r"\b(?:SSN|SS#|S\.S\.N\.|social\s+security(?:\s+(?:number|no\.?|#))?|"
                  r"seguro\s+social)\s*(?:is\s+)?[:#]?\s*(?P<d>\d{3}[-\s.]?\d{2}[-\s.]?\d{4})\b", re.IGNORECASE)
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|enero|febrero|marzo|abril|mayo|junio|julio|agosto|"
          r"septiembre|octubre|noviembre|diciembre)")
_DATE = (rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?"
         rf"\s+\d{{4}}|\d{{1,2}}\s+(?:de\s+)?{_MONTH}(?:\s+(?:de\s+)?\d{{4}})?)")
_DOB = re.compile(
    rf"\b(?:DOB|D\.O\.B\.?|date\s+of\s+birth|birth\s*date|birthday|born(?:\s+on)?|fecha\s+de\s+nacimiento|"
    rf"naci[oó](?:\s+el)?|nacid[ao](?:\s+el)?)\s*(?:is|was|of|:|-)?\s*(?P<date>{_DATE})",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\b[\w.+-]+@(?P<domain>[\w-]+(?:\.[\w-]+)+)\b")
_SENTENCE_END = re.compile(r"(?<=[.!?¡¿])[\"'”’)\]]*\s+|\n\s*\n+|\n(?=\s*(?:[-*+•]|\d+[.)])\s)|\n(?=\s*#)")
_ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "st", "sr", "jr", "sra", "srta", "no", "ave", "rd", "blvd",
                            "mt", "ft", "vs", "e.g", "i.e", "a.m", "p.m", "sen", "rep", "gov", "rev", "prof", "sgt",
                            "n", "s", "e", "w", "co", "inc", "dept", "u.s", "jan", "feb", "mar", "apr", "jun",
                            "jul", "aug", "sep", "sept", "oct", "nov", "dec"})


@functools.cache
def given_names() -> frozenset[str]:
    text = resources.files(__package__).joinpath("data/given_names.txt").read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


@functools.lru_cache(maxsize=4096)
def fold(word: str) -> str:
    """Lowercase without accents, apostrophes or a possessive: "José's" -> "jose"."""
    word = re.sub(r"['’]s$", "", word.rstrip("."))
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c) and c not in "'’").lower()


# --------------------------------------------------------------------------- text model


@dataclass(frozen=True, slots=True)
class Hit:
    """One thing found in one text, by character offsets into that text."""

    rule: str
    start: int
    end: int
    message: str
    hint: str
    severity: Severity = Severity.ERROR


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    start: int
    end: int

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()

    @property
    def key(self) -> str:
        return fold(self.text)


@dataclass(frozen=True, slots=True)
class _Mention:
    words: str
    start: int
    end: int
    first_token: int
    last_token: int
    sentence: int
    possessive: bool = False


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of ``text``."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start:match.start()].rstrip("\"'”’)]")
        last_word = before.rsplit(None, 1)[-1].lower().rstrip(".") if before.split() else ""
        if "\n" not in match.group() and (last_word in _ABBREVIATIONS or re.fullmatch(r"[a-z]", last_word)):
            continue  # "Ms. Lopez", "J. Smith": not the end of a sentence
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def scan_text(text: str, *, policy: ConfidentialityPolicy, venue: str = "", known_adults: Iterable[str] = (),
              addresses: bool = True) -> list[Hit]:
    """Every confidentiality hit in one text (pure)."""
    hits = list(_identifier_hits(text, policy, venue if addresses else None))
    hits += _name_hits(text, policy, known_adults)
    return hits


# --------------------------------------------------------------------------- identifiers


def _identifier_hits(text: str, policy: ConfidentialityPolicy, venue: str | None) -> Iterator[Hit]:
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for match in _SSN.finditer(text):
        digits = re.sub(r"\D", "", match.group("d") or match.group())
        taken.append(match.span())
        yield Hit("confidentiality.ssn", *match.span(),
                  f"A Social Security number (***-**-{digits[-4:]}).",
                  "Delete it: an identifier never belongs in a post.")
    for match in _DOB.finditer(text):
        if free(*match.span()):
            taken.append(match.span())
            label = text[match.start():match.start("date")]
            yield Hit("confidentiality.date-of-birth", *match.span(),
                      f"A date of birth ({label}{_mask_date(match.group('date'))}).",
                      "Delete it; if the age matters at all, say 'a teenager' or 'a young person'.")
    for pattern in (*policy.identifier_patterns, *policy.extra_identifier_patterns):
        for match in _compiled(pattern).finditer(text):
            if free(*match.span()):
                taken.append(match.span())
                yield Hit("confidentiality.case-number", *match.span(),
                          f"A case or client number ({_mask(match.group())}).",
                          "Delete it: case, client, docket and court-order numbers are confidential.")
    allowed_phones = {_digits(p)[-10:] for p in policy.allowed_phones}
    for start, end, digits in _phones(text):
        if free(start, end) and digits[-10:] not in allowed_phones:
            taken.append((start, end))
            yield Hit("confidentiality.phone", start, end,
                      f"A phone number (***-***-{digits[-4:]}) that is not one of the agency's public numbers.",
                      "Give the agency's public number instead, or ask the communications team to allow this one.",
                      Severity.WARNING)
    allowed_domains = tuple(d.lower().lstrip("@") for d in policy.allowed_email_domains)
    for match in _EMAIL.finditer(text):
        domain = match.group("domain").lower()
        if not any(domain == d or domain.endswith("." + d) for d in allowed_domains):
            yield Hit("confidentiality.email", *match.span(),
                      f"An e-mail address (***@{domain}) that is not on the agency's allowed domains.",
                      "Use the office's public address, or ask the communications team to allow this domain.",
                      Severity.WARNING)
    if venue is None:
        return
    public = [_normal_address(a) for a in (venue, *policy.allowed_addresses) if a]
    for match in _STREET.finditer(text):
        address = _normal_address(match.group())
        if not free(*match.span()) or any(address and address in p for p in public):
            continue
        yield Hit("confidentiality.street-address", *match.span(),
                  f"A street address ('{match.group().strip()}') that is not the event's venue.",
                  "Remove it. A public venue goes in event.location (then it may appear in the text); "
                  "an office address can be allowed by the communications team.")


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_SEVEN_DIGITS = re.compile(r"\d(?:\D{0,4}\d){6}")


def _phones(text: str) -> Iterator[tuple[int, int, str]]:
    if not _SEVEN_DIGITS.search(text):  # no phone number has fewer than seven digits
        return
    import phonenumbers  # ~30 ms to import: only texts with enough digits pay it

    for match in phonenumbers.PhoneNumberMatcher(text, "US"):
        yield match.start, match.end, f"{match.number.country_code}{match.number.national_number}"


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


_ADDRESS_WORDS = {"north": "n", "south": "s", "east": "e", "west": "w", "street": "st", "avenue": "ave",
                  "road": "rd", "boulevard": "blvd", "drive": "dr", "lane": "ln", "court": "ct", "place": "pl",
                  "parkway": "pkwy", "highway": "hwy", "circle": "cir", "terrace": "ter", "trail": "trl",
                  "square": "sq"}


def _normal_address(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return " ".join(_ADDRESS_WORDS.get(w, w) for w in words)


def _mask(text: str) -> str:
    """Keep the label and the last two characters of the identifier."""
    match = re.search(r"[A-Za-z0-9][A-Za-z0-9-]*$", text)
    if not match:
        return "***"
    ident = match.group()
    shown = re.sub(r"[A-Za-z0-9]", "*", ident[:-2]) + ident[-2:]
    return text[: match.start()] + shown


def _mask_date(date: str) -> str:
    """Hide day and month; a year alone identifies no one."""
    return re.sub(r"\b(?!(?:19|20)\d\d\b)[^\W_]+\b", lambda m: "*" * len(m.group()), date)


# --------------------------------------------------------------------------- names


def _name_hits(text: str, policy: ConfidentialityPolicy, known_adults: Iterable[str]) -> Iterator[Hit]:
    spans = sentences(text)
    tokens = [_Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    allowed = {fold_phrase(name) for name in (*policy.allowed_names, *known_adults) if name.strip()}
    sentence_of = _sentence_index(spans)
    mentions = [m for m in _mentions(text, tokens, spans, sentence_of) if not _is_allowed(m.words, allowed)]
    if not mentions:
        return
    care = [(m.start(), m.end(), m.group()) for m in _CARE.finditer(text)]
    care += [(m.start(), m.end(), m.group()) for m in _GRADE.finditer(text)]
    care += [(m.start(), m.end(), m.group()) for m in _AGE.finditer(text) if _is_minor(m)]
    care += _named_schools(tokens)
    child_words = [(m.start(), m.end(), m.group()) for m in _CHILD_WORDS.finditer(text)]
    adults, children = _attach_roles(text, tokens, mentions, spans, sentence_of)
    for index, mention in enumerate(mentions):
        if index in adults and index not in children:
            continue
        window = range(mention.sentence - 1, mention.sentence + 2)
        near_care = [c for c in care if sentence_of(c[0]) in window]
        if near_care:
            cue = min(near_care, key=lambda c: abs(c[0] - mention.start))[2]
            yield Hit("confidentiality.child-identified", mention.start, mention.end,
                      f"'{mention.words}' is named together with '{_squash(cue)}': this can identify a child or "
                      "family the agency serves.",
                      "Refer to the person by role, not by name: 'a young person in our care', 'a local family'. "
                      "If this is staff or a public official, state the role next to the name (for example "
                      "'caseworker Dana Whitfield'), or ask the communications team to add the name to "
                      "allowed_names.")
            continue
        near_child = [c for c in child_words if sentence_of(c[0]) in window]
        if near_child or index in children:
            cue = near_child[0][2] if near_child else "a child"
            yield Hit("confidentiality.name-near-child", mention.start, mention.end,
                      f"'{mention.words}' is named near '{cue}'. If this names a child, make sure the child is "
                      "not in care and a release is on file.",
                      "Prefer 'a local student' or 'a young person' to a child's name.", Severity.WARNING)


def fold_phrase(text: str) -> str:
    return " ".join(fold(word) for word in text.split())


def _is_allowed(words: str, allowed: set[str]) -> bool:
    folded = fold_phrase(words)
    if folded in allowed:
        return True
    # "Dana" alone after "Dana Whitfield" was allowed, and "Judge Maria Sanchez" when "Maria Sanchez" was.
    return any(folded == name.split()[0] or name in folded for name in allowed)


def _sentence_index(spans: Sequence[tuple[int, int]]):  # noqa: ANN202 - a small closure
    starts = [s for s, _ in spans]

    def index(offset: int) -> int:
        import bisect

        return max(0, bisect.bisect_right(starts, offset) - 1)

    return index


def _is_minor(match: re.Match[str]) -> bool:
    age = next(int(g) for g in match.groups() if g)
    return age <= 17


def _mentions(text: str, tokens: Sequence[_Token], spans: Sequence[tuple[int, int]],
              sentence_of) -> Iterator[_Mention]:  # noqa: ANN001
    names = given_names()
    starts = {s for s, _ in spans}
    i = 0
    while i < len(tokens):
        if not tokens[i].capitalised:
            i += 1
            continue
        j = i
        while j + 1 < len(tokens) and tokens[j + 1].capitalised and _joined(text, tokens[j], tokens[j + 1]):
            j += 1
        run = list(range(i, j + 1))
        yield from _classify_run(text, tokens, run, names, starts, sentence_of)
        i = j + 1
    yield from _family_mentions(text, sentence_of)


def _joined(text: str, left: _Token, right: _Token) -> bool:
    """Two capitalised words belong to one run: one space apart, no sentence end between."""
    if text[left.end:right.start] not in (" ", "\u00a0"):
        return False
    if left.text.endswith("."):  # only an initial or an honorific continues past a full stop
        return len(left.text) == 2 or fold(left.text) in _HONORIFICS | _ADULT_TITLES | {"st", "jr", "sr"}
    return True


def _is_name(key: str, names: frozenset[str]) -> bool:
    return key in names and key not in _COMMON_CAPITALS and not _CARE.fullmatch(key) and not _CHILD_WORDS.fullmatch(key)


def _classify_run(text: str, tokens: Sequence[_Token], run: list[int], names: frozenset[str], starts: set[int],
                  sentence_of) -> Iterator[_Mention]:  # noqa: ANN001
    keys = [tokens[k].key for k in run]
    if len(keys) > 1 and (keys[0] in ("st", "saint", "san", "santa") or any(k in _PLACE_WORDS for k in keys[1:])):
        return  # "Cole County", "Lincoln Elementary", "St. Mary's", "Ronald McDonald House": a place
    # Drop leading words that are not part of the name: "Congratulations Jayden", "Caseworker Dana".
    first = 0
    while first < len(run) and not _is_name(keys[first], names) and keys[first] not in _HONORIFICS:
        if _attached_age(text, tokens[run[first]]) is not None and keys[first] not in _COMMON_CAPITALS \
                and keys[first] not in _PLACE_WORDS and keys[first] not in _NOT_NAMES:
            break
        first += 1
    if first == len(run):
        return
    head = keys[first]
    rest = run[first:]
    honorific = head in _HONORIFICS
    if honorific and len(rest) == 1:
        return
    last = tokens[rest[-1]]
    age = _attached_age(text, last)
    full_name = len(rest) >= 2 and not honorific
    ambiguous = head in AMBIGUOUS_NAMES
    possessive = last.text.endswith(("'s", "’s"))
    if possessive and _business_possessive(text, last):
        return  # "donated by Casey's in Fulton": a business, not a person
    if not _is_name(head, names) and not honorific and age is None:
        return
    if ambiguous and not (full_name or age is not None or _child_role_near(text, tokens[rest[0]], last)):
        return
    start = tokens[rest[0]].start
    words = text[start:last.end].rstrip(".")
    if words.endswith(("'s", "’s")):
        words = words[:-2]
    yield _Mention(words, start, start + len(words), rest[0], rest[-1], sentence_of(start), possessive=possessive)


_NOT_NAMES = frozenset("""
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december room suite grade grades ages page step chapter week day
""".split())


def _business_possessive(text: str, token: _Token) -> bool:
    """A possessive followed by no noun ("Casey's in Fulton", "thank you, Wendy's!") names a business."""
    after = text[token.end:token.end + 24]
    return bool(re.match(r"\s*(?:$|[!.,;:)]|(?:in|on|at|for|and|or|of|to|with|is|was|has|have|will|donated|"
                         r"stores?|locations?)\b)", after))


def _attached_age(text: str, token: _Token) -> int | None:
    match = _ATTACHED_AGE.match(text[token.end:token.end + 32])
    if match:
        age = int(match.group("age"))
        return age if age <= 21 else None
    return None


def _child_role_near(text: str, first: _Token, last: _Token) -> bool:
    """A child role right before ("daughter Grace") or after ("Lily and her brother")."""
    before = text[max(0, first.start - 24):first.start]
    after = text[last.end:last.end + 24]
    return bool(re.search(r"(?:" + _CHILD_ROLE.pattern + r")[\s,]*$", before, re.IGNORECASE)
                or re.match(r"[\s,]*(?:and\s+)?(?:his|her|their)\s+(?:" + _CHILD_ROLE.pattern + ")", after,
                            re.IGNORECASE))


_FAMILY = re.compile(r"\b(?:(?:[Tt]he|[Ll]a\s+familia)\s+)?(?P<name>[A-Z][a-z]+(?:-[A-Z][a-z]+|['’][A-Z][a-z]+)?)\s+"
                     r"(?:family|household)\b|\b[Tt]he\s+(?P<name3>[A-Z][a-z]+)\s+(?:kids|children|siblings|twins)\b"
                     r"|\bfamilia\s+(?P<name2>[A-Z][a-z]+)")


def _family_mentions(text: str, sentence_of) -> Iterator[_Mention]:  # noqa: ANN001
    for match in _FAMILY.finditer(text):
        surname = match.group("name") or match.group("name2") or match.group("name3")
        key = fold(surname)
        if key.split("-")[0] in _COMMON_CAPITALS or key in _PLACE_WORDS or _CARE.fullmatch(surname):
            continue
        start = match.start("name") if match.group("name") else match.start()
        end = match.end()
        yield _Mention(text[start:end].strip(), start, end, -1, -1, sentence_of(start))


_COMMON_CAPITALS = frozenset("""
our your their his her its a an one two three four five six seven eight nine ten eleven twelve thirteen fourteen
fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred many
some all every each new local young older other these those foster adoptive birth biological kinship resource host
military rural grieving working single blended hispanic latino black white asian native american spanish english
this that the a welcome thank thanks join please meet congratulations dear happy merry our families family
missouri kansas illinois arkansas iowa nebraska oklahoma kentucky tennessee texas state
""".split())


def _named_schools(tokens: Sequence[_Token]) -> list[tuple[int, int, str]]:
    found = []
    for index, token in enumerate(tokens):
        if token.key in _SCHOOL_WORDS and token.capitalised and index > 0 and tokens[index - 1].capitalised:
            found.append((tokens[index - 1].start, token.end, f"{tokens[index - 1].text} {token.text}"))
    return found


def _attach_roles(text: str, tokens: Sequence[_Token], mentions: Sequence[_Mention],
                  spans: Sequence[tuple[int, int]], sentence_of) -> tuple[set[int], set[int]]:  # noqa: ANN001
    """Which mentions are adults (a role attached) and which are children (an age, a child role).

    A cue attaches to the nearest mention in its sentence, at most a few words away, so
    "Caseworker Dana Whitfield placed Jayden, 7, ..." makes Dana an adult and Jayden a
    child. "Isabella's caseworker" makes Isabella a client, not a caseworker. Adulthood
    then spreads to other mentions of the same person ("Thank you, Dana!").
    """
    adults: set[int] = set()
    children: set[int] = set()
    for index, mention in enumerate(mentions):
        if mention.last_token >= 0:
            age = _attached_age(text, tokens[mention.last_token])
            if age is not None:
                (children if age <= 17 else adults).add(index)
        if mention.first_token >= 0 and _child_role_near(text, tokens[mention.first_token], tokens[mention.last_token]):
            children.add(index)
    cues: list[tuple[int, int, bool]] = []  # (start, end, is adult)
    cues += [(t.start, t.end, True) for t in tokens if t.key in _ADULT_TITLES]
    cues += [(m.start(), m.end(), True) for m in _ADULT_PHRASES.finditer(text)]
    cues += [(m.start(), m.end(), False) for m in _CHILD_ROLE.finditer(text)]
    for start, end, is_adult in cues:
        sentence = sentence_of(start)
        candidates = [i for i, m in enumerate(mentions) if m.sentence == sentence]
        if not candidates:
            continue
        nearest = min(candidates, key=lambda i: _gap(start, end, mentions[i]))
        mention = mentions[nearest]
        if _gap(start, end, mention) > 30:
            continue
        if is_adult and mention.possessive and 0 <= start - mention.end <= 4:
            children.add(nearest)  # "Isabella's caseworker": Isabella is the client
            continue
        (adults if is_adult else children).add(nearest)
    adults -= children
    known = [fold_phrase(mentions[i].words).split() for i in adults]
    for index, mention in enumerate(mentions):
        words = fold_phrase(mention.words).split()
        if index not in children and any(set(words) <= set(name) for name in known):
            adults.add(index)
    return adults, children


def _gap(start: int, end: int, mention: _Mention) -> int:
    if end <= mention.start:
        return mention.start - end
    if start >= mention.end:
        return start - mention.end
    return 0


def _squash(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- the check


def check(ctx: CheckContext) -> Iterator[Finding]:
    sub = ctx.sub
    policy = ctx.config.confidentiality
    venue = sub.event.location if sub.event and sub.event.location else ""
    adults = [sub.submitted_by.name, sub.supervisor.name]
    for text, line, column, field, addresses in _fields(sub):
        for hit in scan_text(text, policy=policy, venue=venue, known_adults=adults, addresses=addresses):
            hit_line, hit_column = _position(text, hit.start, line, column)
            yield Finding(ctx.path, hit.rule, hit.message + (f" (in {field})" if field != "the post" else ""),
                          hit.hint, hit.severity, hit_line, hit_column)
    yield from photo_findings(ctx)


def _fields(sub: Submission) -> Iterator[tuple[str, int, int, str, bool]]:
    """(text, first line, first column, field name, whether street addresses count) per scanned field.

    Derived texts (hashtags split into words, slugs of links and file names) point at
    their field's line, column 0 (unknown), since offsets in them are not file columns.
    """
    def at(key: str, default: int = 0) -> tuple[int, int]:
        return sub.line_of(f"{key}@", sub.line_of(key, default)), sub.line_of(f"{key}@column", 1)

    yield sub.title, *at("title"), "the title", True
    yield sub.body, sub.body_line, 1, "the post", True
    for channel, text in sub.text.items():
        yield text, *at(f"text.{channel}"), f"text: {channel}:", True
    for index, image in enumerate(sub.images):
        yield image.alt, *at(f"images.{index}.alt", image.line), f"the alt text of photo {index + 1}", True
        name = _words_of_slug(image.file.rsplit("/", 1)[-1])
        yield name, sub.line_of(f"images.{index}.file", image.line), 0, f"the file name of photo {index + 1}", True
    if sub.event and sub.event.location:
        yield sub.event.location, *at("event.location"), "the event location", False
    if sub.hashtags:
        tags = ", ".join(_split_camel(tag) for tag in sub.hashtags)
        yield tags, sub.line_of("hashtags"), 0, "the hashtags", True
    if sub.link:
        # The path and query only: the host is the partner's or agency's domain ("example.gov").
        path = sub.link.split("://", 1)[-1].partition("/")[2]
        yield _words_of_slug(path), sub.line_of("link"), 0, "the link", True


def _split_camel(tag: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)", " ", tag)


def _words_of_slug(slug: str) -> str:
    """'2026-11-20-jayden-smith-adoption.jpg' -> '2026 11 20 Jayden Smith adoption'.

    Slugs are lowercase, so capitals are restored where a person would write them: on
    known given names and the word after one (a surname), so the name rules apply.
    """
    stem = re.sub(r"\.[A-Za-z0-9]+$", "", slug)
    names = given_names()
    words: list[str] = []
    after_name = False
    for word in (w for w in re.split(r"[^A-Za-z0-9À-ÿ]+", stem) if w):
        key = fold(word)
        plain = key in _COMMON_CAPITALS or key in _PLACE_WORDS or bool(_CARE.fullmatch(key))
        plain = plain or bool(_CHILD_WORDS.fullmatch(key))
        is_name = _is_name(key, names) and key not in AMBIGUOUS_NAMES
        capital = not plain and (is_name or (after_name and word.isalpha()))
        words.append(word.capitalize() if capital else word.lower())
        after_name = is_name and capital
    return " ".join(words)


def _position(text: str, offset: int, first_line: int, first_column: int) -> tuple[int, int]:
    """File line and column of ``offset`` in a field whose text starts at (first_line, first_column)."""
    newlines = text.count("\n", 0, offset)
    if first_column == 0:
        return first_line + newlines, 0
    column = offset - (text.rfind("\n", 0, offset) + 1)
    return first_line + newlines, column + (first_column if newlines == 0 else 1)


def photo_findings(ctx: CheckContext) -> Iterator[Finding]:
    """Faces in photos, compared with what ``people:`` declares."""
    sub = ctx.sub
    if not sub.images:
        return
    from .. import faces
    from ..errors import MediaError
    from ..media import safe_media_path
    from .images import photo_info

    if not faces.faces_available():
        yield Finding(ctx.path, "confidentiality.faces-not-scanned",
                      f"The photos were not scanned for faces: {faces.unavailable_reason()}.",
                      "Reviewers: check every photo by eye. To scan, install postdesk[faces].",
                      Severity.WARNING, sub.images[0].line)
        return
    limits = ctx.config.images
    sound: list[tuple[int, ImageRef, Path]] = []
    for number, image in enumerate(sub.images, start=1):
        try:
            file = safe_media_path(ctx.config.content_dir, image.file, media_dir=ctx.config.media_dir)
        except MediaError:
            continue  # the images rules report it
        if not photo_info(file, max_bytes=limits.max_bytes, max_pixels=limits.max_pixels).problem_kind:
            sound.append((number, image, file))  # an unsound photo is reported by the images rules
    def scan(entry: tuple[int, ImageRef, Path]) -> faces.FaceScan:
        return faces.detect_faces(entry[2], max_pixels=limits.max_pixels)

    if len(sound) > 1:  # OpenCV releases the GIL while it scans, so several photos use several cores
        with ThreadPoolExecutor(max_workers=min(4, len(sound))) as pool:
            scans = list(pool.map(scan, sound))
    else:
        scans = [scan(entry) for entry in sound]
    for (number, image, _file), scan in zip(sound, scans, strict=True):
        if not scan.scanned:
            yield Finding(ctx.path, "confidentiality.faces-not-scanned",
                          f"Photo {number} ({image.file}) could not be scanned for faces: {scan.reason}.",
                          "Reviewers: check this photo by eye.", Severity.WARNING, image.line)
            continue
        count = len(scan.faces)
        if count and image.people == "none":
            yield Finding(ctx.path, "confidentiality.undeclared-faces",
                          f"Photo {number} ({image.file}) says people: none, but {count} "
                          f"face{'s were' if count != 1 else ' was'} detected.",
                          "If people can be recognised, set people: staff, adults or minors and note the releases; "
                          "never use a photo in which a child in care can be recognised, even blurred.",
                          line=sub.line_of(f"images.{number - 1}.people", image.line))
        elif scan.child_sized and image.people in ("staff", "adults"):
            yield Finding(ctx.path, "confidentiality.child-sized-face",
                          f"Photo {number} ({image.file}) shows a face much smaller than the others; it may be a "
                          f"child's, but people: {image.people} says only {image.people}.",
                          "Check the photo. If a minor can be recognised, set people: minors with releases and "
                          "court approval, or choose another photo.", Severity.WARNING,
                          sub.line_of(f"images.{number - 1}.people", image.line))
