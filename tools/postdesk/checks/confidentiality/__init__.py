"""Rule family ``confidentiality``: no child or family in care may be identifiable.

The guard reads a submission as one story: the title, the text, every ``text:`` override,
the photo alt texts and file names, the hashtags (CamelCase split into words), the link's
path and the event location. Each field is first normalised (:mod:`.normalise`: look-alike
letters, invisible characters, spaced-out and reversed words), then scanned for:

* identifiers (:mod:`.identifiers`): ``confidentiality.ssn``, ``confidentiality.date-of-birth``
  (numbers or words, English and Spanish), ``confidentiality.case-number`` (case, referral,
  client and Missouri Case.net cause numbers, labelled or not), ``confidentiality.street-address``
  (an address not in a public place's context) and ``confidentiality.private-venue`` (an event
  location that is a street address with no public venue named). Errors.
* people (:mod:`.people`): ``confidentiality.child-identified`` when a named person is a child
  or a family the agency serves, judged over the whole post. Error.
* ``confidentiality.hidden-text``: bidirectional control characters, which make text display
  differently from what is stored and checked. Error.
* warnings: ``confidentiality.phone`` and ``confidentiality.email`` not on the allow-lists;
  ``confidentiality.name-near-child`` (a named child, with no care context).
* photos (:mod:`.photos`): faces compared with what ``people:`` declares.

Every finding quotes the exact words as written (hidden characters included), names the
field, and its hint fits the case. Measured figures and limits: README, "The confidentiality
guard".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from ...config import ConfidentialityPolicy
from ...model import Finding, Severity, Submission
from ...schema import field_label
from ..base import CheckContext
from . import lexicon, people
from .identifiers import Hit, identifier_hits, location_hits
from .normalise import Normalised, normalise
from .photos import photo_findings, photo_text_fields

__all__ = ["Hit", "check", "photo_findings", "scan_submission", "scan_text"]


@dataclass(frozen=True, slots=True)
class Field:
    """One scanned piece of a submission: its text and where it is."""

    name: str
    """As the writer sees it: "the post", or a form label in quotes, such as 'Photo 2 → Alt text'."""
    text: str
    line: int = 0
    column: int = 0
    """0 when offsets in :attr:`text` are not file columns (derived texts such as hashtags)."""
    addresses: bool = True
    """Street addresses in it are judged (a comment may be scanned without them)."""
    location: bool = False
    """The event location: a venue is expected, and a word that may be a place is one."""
    derived: bool = False


def scan_text(text: str, *, policy: ConfidentialityPolicy, venue: str = "", known_adults: Iterable[str] = (),
              addresses: bool = True) -> list[Hit]:
    """Every confidentiality hit in one text alone (a comment, a reply), offsets into ``text``."""
    return [hit for _index, hit in scan_fields([Field("the text", text, addresses=addresses)], policy=policy,
                                               venue=venue, known_adults=known_adults)]


def scan_submission(sub: Submission, policy: ConfidentialityPolicy) -> list[tuple[Field, Hit]]:
    """Every confidentiality hit in a submission's texts (pure; photos are :func:`photo_findings`)."""
    fields = list(submission_fields(sub))
    venue = sub.event.location if sub.event and sub.event.location else ""
    adults = [sub.submitted_by.name, sub.supervisor.name]
    return [(fields[index], hit) for index, hit in scan_fields(fields, policy=policy, venue=venue,
                                                                known_adults=adults)]


def scan_fields(fields: Sequence[Field], *, policy: ConfidentialityPolicy, venue: str = "",
                known_adults: Iterable[str] = ()) -> list[tuple[int, Hit]]:
    """Hits per field index, with offsets into each field's original text."""
    normal = [normalise(f.text) for f in fields]
    hits: list[tuple[int, Hit]] = []
    for index, (f, n) in enumerate(zip(fields, normal, strict=True)):
        for start, end in n.bidi:
            hits.append((index, Hit(
                "confidentiality.hidden-text", start, end,
                f"Invisible direction-control characters in {f.name} make the words display differently from "
                "how they are stored (and checked).",
                "Retype these words instead of pasting them: right-to-left controls never belong in a post.")))
        if f.location:
            hits += [(index, _back(n, h)) for h in location_hits(n.text, policy)]
            continue
        for hit in identifier_hits(n.text, policy, venue if f.addresses else None):
            hits.append((index, _back(n, hit)))
    texts = [people.FieldText(n.text, f.derived, f.derived or _lowercase_writing(n.text),
                              places_first=f.location)
             for f, n in zip(fields, normal, strict=True)]
    tags_of: dict[int, tuple[int, list[tuple[int, int, int, int]]]] = {}  # extra field -> (field, spans)
    for index, (f, n) in enumerate(zip(fields, normal, strict=True)):
        if not f.derived and (tags := _hashtags(n.text)):
            tags_of[len(texts)] = (index, tags[1])
            texts.append(people.FieldText(tags[0], True, True))

    def located(field: int, start: int, end: int) -> tuple[int, int, int]:
        """(field, start, end) in the original text; a hashtag of a text points at the whole tag."""
        if field in tags_of:
            field, spans = tags_of[field]
            start, end = next((s, e) for a, b, s, e in spans if a <= start < b)
        s, e = normal[field].original_span(start, end)
        return field, s, e

    def name_of(field: int) -> str:
        return fields[tags_of[field][0]].name if field in tags_of else fields[field].name

    served, named_children = people.identified(texts, allowed=(*policy.allowed_names, *known_adults))
    seen: set[tuple[int, str]] = set()
    reports = [(m.mention, m) for m in served] + [(m, None) for m in named_children]
    for mention, found in reports:
        field, start, end = located(mention.field, mention.start, mention.end)
        if (field, lexicon.fold_phrase(mention.words)) in seen:
            continue  # one finding per name and field: "Jayden" three times in the text is one fix
        seen.add((field, lexicon.fold_phrase(mention.words)))
        words = fields[field].text[start:end]
        if found is None:
            hits.append((field, Hit(
                "confidentiality.name-near-child", start, end,
                f"'{words}' names a child ('{_squash(mention.cue)}'). If this child is in care or the family is "
                "served by the agency, the post identifies them.",
                "Prefer 'a local student' or 'a young person' to a child's name, and make sure a release is on "
                "file.", Severity.WARNING)))
            continue
        care_where = "" if found.care_field == mention.field else f" ({name_of(found.care_field)})"
        message, hint = _child_message(found, words, f"{found.care_words}{care_where}")
        hits.append((field, Hit("confidentiality.child-identified", start, end, message, hint)))
    return hits


def _child_message(found: people.Identified, words: str, care: str) -> tuple[str, str]:
    cue = _squash(found.mention.cue)
    remove = ("Remove the name and refer to the person by role: 'a young person in our care', 'a 7-year-old', "
              "'a local family'. First names, initials and nicknames identify too.")
    if found.reason == "child":
        return (f"'{words}' is a child ('{cue}') named in a post about care ('{_squash(care)}'): a child in care "
                "must never be identifiable.", remove)
    if found.reason == "relative":
        return (f"'{words}' is named as a child's relative ('{cue}') in a post about care ('{_squash(care)}'): "
                "naming the family identifies the child.",
                "Remove the name: say 'a relative', 'a grandmother' or 'a kinship caregiver'.")
    if found.reason == "family-served":
        return (f"'{words}' names a family in a sentence about the agency's work with them ('{_squash(care)}'): "
                "this identifies the family and its children.",
                "Remove the family's name: say 'a local family' or 'a family in our county'.")
    if found.reason == "foster-family":
        return (f"'{words}' is named as a foster or adoptive parent together with details of the children placed "
                f"('{_squash(care)}'): together they identify the children.",
                "Either thank the foster parents by name without any detail of the children placed with them, "
                "or tell the children's story without naming the family.")
    return (f"'{words}' is named in a post about care ('{_squash(care)}') with nothing that says who this is: if "
            "it is a child or a family the agency serves, the post identifies them.",
            "If this is a child or family the agency serves, remove the name. If it is staff, a partner or an "
            "official, write the role next to the name ('caseworker Dana Whitfield', 'Rick Stahl, owner of Stahl "
            "Hardware'). If it is a place, an organisation or an everyday word, ask the communications team to "
            "add it to allowed_names in postdesk.toml.")


def _back(normal: Normalised, hit: Hit) -> Hit:
    start, end = normal.original_span(hit.start, hit.end)
    return Hit(hit.rule, start, end, hit.message, hit.hint, hit.severity)


def _original(normal: Normalised, start: int, end: int, original: str) -> str:
    s, e = normal.original_span(start, end)
    return original[s:e]


_HASHTAG = re.compile(r"(?<![\w&#])#([^\W_][\w]*)")


def _hashtags(text: str) -> tuple[str, list[tuple[int, int, int, int]]] | None:
    """The hashtags written in a text, CamelCase split ("#WelcomeHomeEllie" -> "Welcome Home Ellie"),
    as one derived text, with (start, end) in it and (start, end) of the tag in ``text`` per tag."""
    parts: list[str] = []
    spans: list[tuple[int, int, int, int]] = []
    position = 0
    for match in _HASHTAG.finditer(text):
        words = _split_camel(match.group(1))
        spans.append((position, position + len(words), match.start(), match.end()))
        parts.append(words)
        position += len(words) + 3
    return (" | ".join(parts), spans) if parts else None


def _lowercase_writing(text: str) -> bool:
    """A post written all in lower case: capitals cannot tell names apart, so known names count."""
    words = re.findall(r"[^\W\d_]{3,}", text)
    return len(words) >= 6 and sum(w[0].isupper() for w in words) <= 0.15 * len(words)


def _squash(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- the check


def check(ctx: CheckContext) -> Iterator[Finding]:
    sub = ctx.sub
    fields = [*submission_fields(sub), *photo_text_fields(ctx)]
    venue = sub.event.location if sub.event and sub.event.location else ""
    hits = scan_fields(fields, policy=ctx.config.confidentiality, venue=venue,
                       known_adults=[sub.submitted_by.name, sub.supervisor.name])
    for f, hit in ((fields[index], hit) for index, hit in hits):
        line, column = _position(f.text, hit.start, f.line, f.column)
        where = f" (in {f.name})" if f.name != "the post" else ""
        yield Finding(ctx.path, hit.rule, hit.message + where, hit.hint, hit.severity, line, column)
    yield from photo_findings(ctx)


def submission_fields(sub: Submission) -> Iterator[Field]:
    """Every text of a submission the guard reads, with where it is in the file.

    Derived texts (hashtags split into words, slugs of links and file names) point at
    their field's line, column 0 (unknown), since offsets in them are not file columns.
    """
    def at(key: str, default: int = 0) -> tuple[int, int]:
        return sub.line_of(f"{key}@", sub.line_of(key, default)), sub.line_of(f"{key}@column", 1)

    yield Field(_label("title"), sub.title, *at("title"))
    yield Field("the post", sub.body, sub.body_line, 1)
    for channel, text in sub.text.items():
        yield Field(_label("text", channel), text, *at(f"text.{channel}"))
    for index, image in enumerate(sub.images):
        yield Field(_label("images", index, "alt"), image.alt, *at(f"images.{index}.alt", image.line))
        yield Field(f"the file name of photo {index + 1}", _words_of_slug(image.file.rsplit("/", 1)[-1]),
                    sub.line_of(f"images.{index}.file", image.line), 0, derived=True)
    if sub.event and sub.event.location:
        yield Field(_label("event", "location"), sub.event.location, *at("event.location"), location=True)
    if sub.hashtags:
        tags = " | ".join(_split_camel(tag) for tag in sub.hashtags)  # not commas: "Keanu, MO Kids" is no town
        yield Field(_label("hashtags"), tags, sub.line_of("hashtags"), 0, derived=True)
    if sub.link:
        # The path and query only: the host is the partner's or agency's domain ("example.gov").
        path = sub.link.split("://", 1)[-1].partition("/")[2]
        yield Field(_label("link"), _words_of_slug(path), sub.line_of("link"), 0, derived=True)
    if sub.path:
        name = sub.path.rsplit("/", 1)[-1]
        stem = re.sub(r"^\d{4}-\d{2}-\d{2}-|\.md$", "", name)
        # The words of the slug, and the slug itself when it holds numbers (a cause number keeps its hyphen).
        numbers = " ".join(re.findall(r"[A-Za-z0-9]*\d[A-Za-z0-9]*(?:-[A-Za-z0-9]*\d[A-Za-z0-9]*)*", stem))
        yield Field("the file name", _words_of_slug(name) + (f" | {numbers}" if numbers else ""), 1, 0, derived=True)


def _label(*path: str | int) -> str:
    """A field named as the web editor's form labels it, in quotes: "'Photo 1 → Alt text'"."""
    return f"'{field_label(path)}'"


def _split_camel(tag: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=\d)", " ", tag)


def _words_of_slug(slug: str) -> str:
    """'2026-11-20-jayden-smith-adoption.jpg' -> '2026 11 20 jayden smith adoption'."""
    stem = re.sub(r"\.[A-Za-z0-9]+$", "", slug)
    return " ".join(w for w in re.split(r"[^A-Za-z0-9À-ÿ]+", stem) if w)


def _position(text: str, offset: int, first_line: int, first_column: int) -> tuple[int, int]:
    """File line and column of ``offset`` in a field whose text starts at (first_line, first_column)."""
    newlines = text.count("\n", 0, offset)
    if first_column == 0:
        return first_line + newlines, 0
    column = offset - (text.rfind("\n", 0, offset) + 1)
    return first_line + newlines, column + (first_column if newlines == 0 else 1)
