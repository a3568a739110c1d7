"""Identifiers: numbers and addresses that identify a person whoever is named.

Each function is pure: it takes one normalised text (see :mod:`.normalise`) and yields
:class:`Hit` s with offsets into that text. A Social Security number, a date of birth, a
case, referral or court cause number, a private street address: none of them ever belongs
in a post, so they are errors with or without a name next to them. A phone number or an
e-mail address may be an office's, so they are warnings unless the policy allows them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ...config import ConfidentialityPolicy
from ...model import Severity
from .lexicon import fold, given_names, org_words, places


@dataclass(frozen=True, slots=True)
class Hit:
    """One thing found in one text, by character offsets into that text."""

    rule: str
    start: int
    end: int
    message: str
    hint: str
    severity: Severity = Severity.ERROR


_SSN_LABEL = (r"(?:SSN|SS\s*#|S\.S\.N\.?|soc(?:ial)?\.?\s+sec(?:urity|\.)?(?:\s+(?:number|no\.?|num\.?|#))?|"
              r"social\s+security(?:\s+(?:number|no\.?|card|#))?|(?:n[uú]mero\s+de\s+)?seguro\s+social|"
              r"(?:his|her|their|the\s+youth's|the\s+child's)\s+social)")
_SSN = re.compile(r"\b(?!000|666|9\d\d)(?P<a>\d{3})(?P<sep>\s?[-./]\s?|\s)(?P<b>\d{2})(?P=sep)(?P<c>\d{4})\b|"
                  rf"\b{_SSN_LABEL}\s*(?:is\s+|es\s+|number\s+)?[:#]?\s*"
                  r"(?P<d>\d{3}\s*[-\s./]?\s*\d{2}\s*[-\s./]?\s*\d{4}|(?:[xX*#]{3}[-\s.]?[xX*#]{2}[-\s.]?|"
                  r"(?:ending|ends)\s+(?:in|with)\s+|last\s+(?:four|4)\s*(?:digits\s*)?[:#]?\s*)\d{4})\b|"
                  rf"\blast\s+(?:four|4)\s+(?:digits\s+)?of\s+(?:(?:his|her|their|the)\s+)?{_SSN_LABEL}\s*(?:is\s+)?[:#]?\s*"
                  r"(?P<e>\d{4})\b", re.IGNORECASE)

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|enero|febrero|marzo|abril|mayo|junio|julio|agosto|"
          r"se(?:p)?tiembre|octubre|noviembre|diciembre)")
_UNITS = (r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
          r"seventeen|eighteen|nineteen|twenty|thirty")
_ORDINALS = (r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|"
             r"fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth")
_DAY_WORDS = (rf"(?:(?:twenty|thirty)[-\s]?(?:{_ORDINALS}|{_UNITS})|{_ORDINALS}|{_UNITS}|"
              r"primero|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|trece|catorce|quince|"
              r"diecis[eé]is|diecisiete|dieciocho|diecinueve|veinte|veinti\w+|treinta(?:\s+y\s+uno)?)")
_YEAR_WORDS = (r"(?:(?:nineteen|twenty)[-\s]?(?:hundred\s+(?:and\s+)?)?(?:" + _UNITS + r"|oh[-\s]\w+|"
               r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[-\s]\w+)?)|two\s+thousand(?:\s+and)?"
               r"(?:[-\s](?:" + _UNITS + r"))?|dos\s+mil(?:\s+\w+){0,3}|mil\s+novecientos(?:\s+\w+){0,4})")
_DATE = (rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|"
         rf"{_MONTH}\.?\s+(?:\d{{1,2}}(?:st|nd|rd|th)?|(?:the\s+)?{_DAY_WORDS})(?:,?\s+(?:\d{{4}}|{_YEAR_WORDS}))?|"
         rf"(?:the\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?|{_DAY_WORDS})\s+(?:of\s+|de\s+)?{_MONTH}"
         rf"(?:,?\s+(?:de\s+|of\s+)?(?:\d{{4}}|{_YEAR_WORDS}))?)")
_DOB_LABEL = (r"DOB|D\.O\.B\.?|d/o/b|date\s+of\s+birth|birth\s*date|birthday|b-day|bday|born(?:\s+on)?|"
              r"b\.(?=\s*\d)|fecha\s+de\s+nac(?:imiento|\.)?|f\.\s*de\s+nac\.?|naci[oó](?:\s+el)?|nacid[ao](?:\s+el)?|cumpleaños|cumple")
_DOB = re.compile(rf"\b(?P<label>{_DOB_LABEL})\s*(?:is|was|of|es|fue|:|-|el)?\s*(?P<date>{_DATE})\b",
                  re.IGNORECASE)
_NOT_A_PERSON_BORN = re.compile(
    r"\b(?:idea|program|programme|project|initiative|tradition|event|campaign|gallery|organi[sz]ation|feria|"
    r"programa|proyecto|iniciativa|tradici[oó]n|evento|campaña|fiesta|celebraci[oó]n|ministerio|grupo|"
    r"partnership|alliance|alianza)\b[^.!?]{0,80}$|\b(?:this|esta|este|it|which|que)\s+(?:\w+\s+)?(?:was\s+|fue\s+)?$",
    re.IGNORECASE,
)
"""'The idea was born on 6 January 2019': a thing's birthday is no one's date of birth."""

_EMAIL = re.compile(r"\b[\w.+-]+@(?P<domain>[\w-]+(?:\.[\w-]+)+)\b")
_SEVEN_DIGITS = re.compile(r"\d(?:\D{0,4}\d){6}")
_STREET_TYPES = (r"Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Drive|Dr|Lane|Ln|Court|Ct|Way|Place|Pl|Parkway|"
                 r"Pkwy|Highway|Hwy|Circle|Cir|Terrace|Ter|Trail|Trl|Square|Sq|Loop|Pike|Row|Bend|Hollow|Ridge|"
                 r"Run|Path|Crossing|Xing|Calle|Avenida")
_STREET = re.compile(
    r"\b(?P<number>\d{1,6}[A-Z]?)\s+(?:(?:N|S|E|W|NE|NW|SE|SW)\.?\s+|(?:North|South|East|West)\s+)?"
    r"(?P<name>(?:(?:[A-Z][\w'’]*|\d{1,3}(?:st|nd|rd|th))\.?\s+){0,3}?)"
    rf"(?P<type>(?:{_STREET_TYPES})\b\.?|Broadway\b)(?:\s+(?:{_STREET_TYPES})\b\.?)?",
)
_PUBLIC_PLACE = re.compile(
    r"\b(?:office|offices|oficina|oficinas|courthouse|court|library|biblioteca|church|iglesia|parroquia|chapel|"
    r"center|centre|centro|school|escuela|park|parque|hall|sal[oó]n|museum|museo|hospital|clinic|cl[ií]nica|"
    r"store|tienda|restaurant|restaurante|bank|banco|drop[-\s]?off|entrega|headquarters|capitol|plaza|"
    r"fairgrounds|arena|stadium|gym|ymca|ywca|shelter|pantry|building|edificio|campus|university|college|capitol|"
    r"capitolio|ayuntamiento|courthouse|juzgado|corte|"
    r"suite|ste\.?|PO\s+Box|P\.O\.)\b", re.IGNORECASE)
_PRIVATE_PLACE = re.compile(
    r"\b(?:home|house|(?-i:casa)|hogar|residence|residencia|apartment|apt|driveway|backyard|yard|porch|lives|live|"
    r"living|vive|viven|their\s+place|her\s+place|his\s+place)\b", re.IGNORECASE)
_SOMEONES_HOUSE = re.compile(
    r"\b(?:casa|hogar|home|house|residence|residencia|rancho|farm|granja)\s+(?:de|of)\s+(?:los|las|la|el|the|mi|my)?\s*"
    r"(?:familia\s+|family\s+)?(?-i:[A-Z])", re.IGNORECASE)
"""Someone's house named as a venue: "Casa de los Villanueva", "Home of the Okafors" (a lower-case "home" or
"house" anywhere in the location is private too; "Ronald McDonald House" is a name)."""
_VENUE_NAME = re.compile(r"[A-Za-zÀ-ÿ]{3,}")


def identifier_hits(text: str, policy: ConfidentialityPolicy, venue: str | None) -> Iterator[Hit]:
    """SSNs, dates of birth, case numbers, phones, e-mails and, when ``venue`` is not None, addresses."""
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for match in _SSN.finditer(text):
        digits = re.sub(r"\D", "", match.group("d") or match.group("e") or match.group())
        taken.append(match.span())
        yield Hit("confidentiality.ssn", *match.span(),
                  f"A Social Security number (***-**-{digits[-4:]}).",
                  "Delete it: an identifier never belongs in a post.")
    for match in _DOB.finditer(text):
        if not free(*match.span()) or _is_a_things_birthday(text, match):
            continue
        taken.append(match.span())
        yield Hit("confidentiality.date-of-birth", *match.span(),
                  f"A date of birth ({match.group('label')} {_mask_date(match.group('date'))}).",
                  "Delete it; if the age matters at all, say 'a teenager' or 'a young person'.")
    for pattern in (*policy.identifier_patterns, *policy.extra_identifier_patterns):
        for match in compiled(pattern).finditer(text):
            if free(*match.span()) and not _is_a_year_alone(match.group()):
                taken.append(match.span())
                yield Hit("confidentiality.case-number", *match.span(),
                          f"A case, referral or court number ({mask(match.group())}).",
                          "Delete it: case, client, referral, docket and court cause numbers are confidential.")
    allowed_phones = {re.sub(r"\D", "", p)[-10:] for p in policy.allowed_phones}
    for start, end, digits in _phones(text):
        if free(start, end) and digits[-10:] not in allowed_phones:
            taken.append((start, end))
            yield Hit("confidentiality.phone", start, end,
                      f"A phone number (***-***-{digits[-4:]}) that is not one of the agency's public numbers.",
                      "Give the agency's public number instead, or ask the communications team to add this one "
                      "to the public phone numbers in postdesk.toml (allowed_phones).", Severity.WARNING)
    allowed_domains = tuple(d.lower().lstrip("@") for d in policy.allowed_email_domains)
    for match in _EMAIL.finditer(text):
        domain = match.group("domain").lower()
        if not any(domain == d or domain.endswith("." + d) for d in allowed_domains):
            yield Hit("confidentiality.email", *match.span(),
                      f"An e-mail address (***@{domain}) that is not on the agency's allowed domains.",
                      "Use the office's public address, or ask the communications team to allow this domain.",
                      Severity.WARNING)
    if venue is not None:
        yield from _address_hits(text, policy, venue, free)


def _address_hits(text: str, policy: ConfidentialityPolicy, venue: str, free) -> Iterator[Hit]:  # noqa: ANN001
    public = [normal_address(a) for a in (venue, *policy.allowed_addresses) if a]
    for match in _STREET.finditer(text):
        address = normal_address(match.group())
        if not free(*match.span()) or any(address and address in p for p in public):
            continue
        if _in_public_context(text, match.start(), match.end()):
            continue
        yield Hit("confidentiality.street-address", *match.span(),
                  f"A street address ('{match.group().strip()}') that is not a public venue's.",
                  "Remove it: a home address is never published. If it is a public place (an office, a library, "
                  "a church), name the place next to it, for example 'Cole County Library, 123 Main St'.")


def _in_public_context(text: str, start: int, end: int) -> bool:
    """The clause around an address names a public place and no home."""
    left = max(text.rfind(c, 0, start) for c in ".!?\n")
    right_candidates = [i for i in (text.find(c, end) for c in ".!?\n") if i >= 0]
    right = min(right_candidates) if right_candidates else len(text)
    clause = text[left + 1:start] + " " + text[end:right]
    return bool(_PUBLIC_PLACE.search(clause)) and not _PRIVATE_PLACE.search(clause)


def location_hits(location: str, policy: ConfidentialityPolicy) -> Iterator[Hit]:
    """``event.location`` must name a public venue: a street address alone may be someone's home."""
    match = _STREET.search(location)
    if not match:
        return
    allowed = [normal_address(a) for a in policy.allowed_addresses if a]
    if any(normal_address(match.group()) in a for a in allowed):
        return
    rest = (location[:match.start()] + " " + location[match.end():])
    # What is left once the address, the town, the state and the ZIP are gone must name a place.
    rest = re.sub(r"\b(?:MO|Missouri|USA|\d{5}(?:-\d{4})?)\b", " ", rest)
    parts = [p.strip() for p in re.split(r"[,;()\n]", rest) if p.strip()]
    named = [p for p in parts if (_VENUE_NAME.search(p) and _PUBLIC_PLACE.search(p)) or _looks_like_venue(p)
             or _named_business(p)]
    private = [m for m in _PRIVATE_PLACE.finditer(location) if m.group()[:1].islower()]  # "Josiah's Porch" is a name
    private += list(_SOMEONES_HOUSE.finditer(location))
    private += list(re.finditer(r"\b(?:apt|apartment|unit|lot|trailer)\.?\s*#?\s*\w+", location, re.IGNORECASE))
    if named and not private:
        return
    yield Hit("confidentiality.private-venue", match.start(), match.end(),
              f"The event location is a street address with no public venue named ('{location.strip()}'): it "
              "may be someone's home.",
              "Give the name of the public place where the event happens (a library, an office, a park, a church) "
              "before its address. A family's or caregiver's home is never published, even as a venue.")


def _named_business(part: str) -> bool:
    """'Marshfield Walmart', 'Hy-Vee': a capitalised name that is neither a town alone nor a person's name."""
    words = re.findall(r"[^\W\d_][\w'’&-]*", part)
    if not words or not all(w[:1].isupper() for w in words) or fold(" ".join(words)) in places():
        return False
    if words[0].endswith(("'s", "’s")):
        return True  # "Josiah's Porch", "Rosa's Cantina": a business or a charity named after someone
    return fold(words[0]) not in given_names() or (len(words) == 1 and fold(words[0]) not in places())


def _looks_like_venue(part: str) -> bool:
    """'Capitol Plaza', 'Memorial Hall', 'Boone County Fairgrounds': a named place, not a town alone."""
    words = [fold(w) for w in part.split()]
    return len(words) >= 2 and " ".join(words) not in places() and any(w in org_words() for w in words)


def _is_a_things_birthday(text: str, match: re.Match[str]) -> bool:
    label = match.group("label").lower()
    if not label.startswith(("born", "naci", "nacid")):
        return False
    if text[:match.start()].rstrip().endswith(","):
        return False  # ", born on ...", ", nacido el ...": said of the person just named or described
    sentence_start = max(text.rfind(c, 0, match.start()) for c in ".!?\n") + 1
    return bool(_NOT_A_PERSON_BORN.search(text[sentence_start:match.start()]))


def _is_a_year_alone(found: str) -> bool:
    ident = re.search(r"[A-Za-z0-9][A-Za-z0-9-]*$", found)
    return bool(ident and re.fullmatch(r"(?:19|20)\d\d", ident.group()))


@functools.cache
def compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _phones(text: str) -> Iterator[tuple[int, int, str]]:
    if not _SEVEN_DIGITS.search(text):  # no phone number has fewer than seven digits
        return
    import phonenumbers  # ~30 ms to import: only texts with enough digits pay it

    for match in phonenumbers.PhoneNumberMatcher(text, "US"):
        yield match.start, match.end, f"{match.number.country_code}{match.number.national_number}"


_ADDRESS_WORDS = {"north": "n", "south": "s", "east": "e", "west": "w", "street": "st", "avenue": "ave",
                  "road": "rd", "boulevard": "blvd", "drive": "dr", "lane": "ln", "court": "ct", "place": "pl",
                  "parkway": "pkwy", "highway": "hwy", "circle": "cir", "terrace": "ter", "trail": "trl",
                  "square": "sq"}


def normal_address(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return " ".join(_ADDRESS_WORDS.get(w, w) for w in words)


def mask(text: str) -> str:
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
