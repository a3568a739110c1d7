"""People: who is named in a post, and is any of them a child or family the agency serves?

The guard asks three questions, over the whole post at once (title, text, per-network
texts, alt texts, hashtags, file names and the link are one story):

1. **Is this a person?** (:func:`mentions`) A run of capitalised words (or ALL CAPS, or a
   lower-case given name in a slug or a casual post) is a person when its first real word
   is a known given name, or an honorific and a surname, or initials ("J.T."), or a quoted
   nickname, or an unknown proper noun (in none of the dictionary, name or place lists)
   with a person's cue. Runs that are places (every Missouri town and county), organisations
   ("... Fellowship", "Iglesia ...", "Smith Hardware"), public figures ("Mark Twain") or
   everyday words in Title Case ("Hope Starts Here") are not people.
2. **Is this person a child or family the agency serves?** (:func:`roles`) Cues attached to
   the mention: a minor's age, a grade, a child noun ("foster son Luca", "Jayden, 7"), a care
   event of theirs ("Luca's adoption", "Kaya was reunified"), a relative's role ("his
   grandma Lupe", "birth mother"), initials or a nickname.
3. **Is this person an exempt adult?** A role or title ("Caseworker Dana", "Judge",
   "Sra.", "Rick Stahl, owner of ..."), an affiliation ("of Nevada", "from First Baptist"),
   an adult's act ("donated", "hosted"), being thanked, a foster parent named without any
   detail of the children placed, the policy's ``allowed_names``, the submitter and the
   supervisor. Plural roles cover the whole list ("Caseworkers A, B and C").

Then, with the care context of the whole post (:data:`lexicon.CARE_SPECIFIC`,
:data:`lexicon.CARE_GENERIC`): a served person is reported when the post speaks of care
anywhere; a person with no role either way is reported when the post tells a specific care
story (a placement, an adoption, a hotline report) anywhere, or speaks of care in general
within one sentence of the name. Exempt adults are never reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from . import lexicon as lx
from .mentions import Mention, Sentences, mentions, title_case, tokenize
from .roles import EXEMPT, PLACED_CHILDREN, assign_roles, spread_over_names


@dataclass(frozen=True, slots=True)
class FieldText:
    """One field's normalised text and whether it is derived (a slug, hashtags: lower-case words)."""

    text: str
    derived: bool = False
    lowercase_names: bool = False
    places_first: bool = False
    """A word that may be a place is a place here (the event location)."""
    """Lower-case given names count (slugs, hashtags, all-lowercase casual writing)."""


@dataclass
class Care:
    """Where the post speaks of care: per field, (start, end, words, specific?)."""

    spans: list[list[tuple[int, int, str, bool]]] = field(default_factory=list)

    @property
    def specific(self) -> list[tuple[int, int, int, str]]:
        return [(f, s, e, w) for f, spans in enumerate(self.spans) for s, e, w, sp in spans if sp]

    @property
    def any(self) -> list[tuple[int, int, int, str]]:
        return [(f, s, e, w) for f, spans in enumerate(self.spans) for s, e, w, _sp in spans]


# --------------------------------------------------------------------------- the post


def care_context(fields: Sequence[FieldText]) -> Care:
    care = Care()
    for f in fields:
        groups = [m.span() for m in lx.GROUP_IN_CARE.finditer(f.text)]
        spans = [(m.start(), m.end(), m.group(), not any(s <= m.start() < e for s, e in groups))
                 for m in lx.CARE_SPECIFIC.finditer(f.text)]
        taken = [(s, e) for s, e, _w, _sp in spans]
        spans += [(m.start(), m.end(), m.group(), False) for m in lx.CARE_GENERIC.finditer(f.text)
                  if all(m.end() <= s or m.start() >= e for s, e in taken)]
        care.spans.append(sorted(spans))
    return care


@dataclass(frozen=True, slots=True)
class Identified:
    """A person the post identifies: the mention, why, and the care words it was judged with."""

    mention: Mention
    reason: str
    care_field: int
    care_words: str


def identified(fields: Sequence[FieldText], *, allowed: Iterable[str] = ()) -> tuple[list[Identified],
                                                                                   list[Mention]]:
    """(people the post identifies as served, named children with no care context: warnings)."""
    post = _Post(fields, [Sentences(f.text) for f in fields], care_context(fields))
    found = _people_of(post, {lx.fold_phrase(a) for a in allowed if a.strip()})
    post.served_children = any(m.role == "child" and m.strong for m in found)
    served: list[Identified] = []
    warnings: list[Mention] = []
    for mention in found:
        verdict = _judge(mention, post)
        if isinstance(verdict, Identified):
            served.append(verdict)
        elif verdict is not None:
            warnings.append(verdict)
    return served, warnings


@dataclass
class _Post:
    """What the decision needs about the whole post."""

    fields: Sequence[FieldText]
    sents: list[Sentences]
    care: Care
    served_children: bool = False

    def near(self, mention: Mention, cues: Sequence[tuple[int, int, int, str]]) -> list[tuple[int, int, int, str]]:
        """The cues in the mention's field, in its sentence or the next or previous one."""
        sents = self.sents[mention.field]
        return [c for c in cues if c[0] == mention.field and abs(sents.index(c[1]) - mention.sentence) <= 1]


def _people_of(post: _Post, allowed_names: set[str]) -> list[Mention]:
    """Every person named in the post, with the role their cues give them (questions 1 to 3)."""
    found: list[Mention] = []
    not_people: list[str] = []
    for index, f in enumerate(post.fields):
        sents = post.sents[index]
        field_mentions = mentions(index, f.text, tokenize(f.text), sents, lowercase_names=f.lowercase_names,
                                  not_people=not_people, places_first=f.places_first, derived=f.derived)
        field_mentions = [m for m in field_mentions if not _allowed(m.words, allowed_names)]
        assign_roles(f.text, field_mentions, sents)
        found += field_mentions
    # "Monte Sinaí" in the title is the church named "Iglesia Cristiana Monte Sinaí" in the text.
    padded = [f" {phrase.replace('-', ' ')} " for phrase in not_people]
    found = [m for m in found if m.role in ("child", "relative")
             or not any(f" {lx.fold_phrase(m.words)} " in p for p in padded)]
    for m in found:  # "Gene & Marla Hartley" of "The Hartley Family Foundation": the donor family
        words = lx.fold_phrase(m.words).split()
        if not m.role and len(words) >= 2 and any(f" {words[-1]} " in p for p in padded):
            m.role, m.cue = "partner", next(p.strip() for p in padded if f" {words[-1]} " in p)
    # A person named in a sentence of an adult's world and of no child, with no care story beside
    # it, is an adult: that holds for the same name in the title and the other sentences too.
    for m in found:
        if m.role or m.kind not in ("name", "full", "unknown"):
            continue
        if not post.near(m, post.care.specific) and _adult_world(post.fields[m.field].text, post.sents[m.field],
                                                                 m.sentence):
            m.role, m.cue = "partner", "an adult's sentence"
    spread_over_names(found)
    _spread_across_fields(found)
    return found


def _judge(mention: Mention, post: _Post) -> Identified | Mention | None:
    """Whether one named person makes the post identify a child or family served (an Identified), only
    names a child in a post without care (the Mention, a warning), or is fine (None)."""
    any_care, specific = post.care.any, post.care.specific
    text, sents = post.fields[mention.field].text, post.sents[mention.field]
    honorific = mention.role == "adult" and lx.fold(mention.cue) in lx.HONORIFICS
    if (mention.role == "partner" or honorific) and _took_in_children(text, sents, mention.sentence):
        if any_care:  # "Kieran and Siobhan O'Sullivan of Florissant ... welcomed three siblings, ages 2, 5 and 7"
            cue = _closest(mention, specific or any_care)
            return Identified(mention, "foster-family", cue[0], cue[3])
        return None
    if mention.role in EXEMPT and mention.kind != "family":
        return None
    if mention.role == "foster-parent" or (mention.kind == "family" and mention.role in ("", *EXEMPT)):
        return _judge_family(mention, post)
    if mention.role in ("child", "relative"):
        if any_care:
            cue = _closest(mention, specific or any_care)
            return Identified(mention, mention.role, cue[0], cue[3])
        return mention if mention.role == "child" else None
    return _judge_unknown(mention, post)


def _judge_family(mention: Mention, post: _Post) -> Identified | None:
    """Named foster parents and families may be thanked; with the children's details they identify them."""
    text, sents = post.fields[mention.field].text, post.sents[mention.field]
    details = post.served_children or any(
        abs(sents.index(m.start()) - mention.sentence) <= 1 and not mention.start <= m.start() < mention.end
        for m in PLACED_CHILDREN.finditer(text)) or any(
        abs(sents.index(m.start()) - mention.sentence) <= 1
        for m in (*lx.MINOR_AGE.finditer(text), *lx.AGES.finditer(text), *lx.GRADE.finditer(text))
        if not re.search(r"\bteach\w*\s+$", text[max(0, m.start() - 12):m.start()]))  # not "teaches third grade"
    if not details and mention.kind == "family" and (post.fields[mention.field].derived or len(sents.spans) == 1):
        # A family named in the title, a hashtag or a file name: the children's details anywhere count.
        details = any(_children_described(f.text, exclude=(mention.start, mention.end) if i == mention.field
                                          else None) for i, f in enumerate(post.fields))
    story = mention.kind == "family" and any(
        sents.index(m.start()) == mention.sentence for m in FAMILY_SERVED.finditer(text))
    if (details or story) and post.care.any:
        cue = _closest(mention, post.care.specific or post.care.any)
        return Identified(mention, "foster-family" if details else "family-served", cue[0], cue[3])
    return None


def _judge_unknown(mention: Mention, post: _Post) -> Identified | None:
    """A person with no role either way."""
    any_care, specific = post.care.any, post.care.specific
    text, sents = post.fields[mention.field].text, post.sents[mention.field]
    story = post.near(mention, specific)
    if not mention.strong:
        # An everyday word or an unknown proper noun is not enough alone, unless it is written as a
        # name mid-sentence beside a care story ("... Milagros, whose CASA ...").
        if mention.kind == "name" and story and not sents.is_start(mention.start, text) and not title_case(text) \
                and not _inside_a_name(text[max(0, mention.start - 30):mention.start]) \
                and not re.match(r"\s*\d", text[mention.end:mention.end + 3]):
            return Identified(mention, "unknown", story[0][0], story[0][3])
        return None
    # A full name with no role is usually an adult introduced by name (children in care stories go by a
    # first name, initials or a nickname): it needs a care story beside it. A first name alone needs only
    # care somewhere in the post.
    pool = story if mention.kind == "full" and FULL_NAMES_NEED_A_STORY else any_care
    if pool:
        cue = _closest(mention, post.near(mention, any_care) or story or specific or any_care)
        return Identified(mention, "unknown", cue[0], cue[3])
    return None


FULL_NAMES_NEED_A_STORY = True


def _adult_world(text: str, sents: Sentences, sentence: int) -> bool:
    """The name's sentence speaks of an adult's world (work, service, awards, partners) and nothing in
    it or the next sentence tells of a child (an age, a child noun): who is named there is an adult."""
    start, end = sents.spans[sentence]
    here = text[start:end]
    following = text[end:sents.spans[sentence + 1][1]] if sentence + 1 < len(sents.spans) else ""
    if lx.MINOR_AGE.search(here + following) or lx.GRADE.search(here + following) or \
            lx.CHILD_NOUN_SINGULAR.search(here + following):
        return False
    return bool(lx.ADULT_WORLD.search(here))


_INSIDE_A_NAME = re.compile(r"([A-ZÁÉÍÓÚÑ][\w'’]*)\s+(?:(?:for|of|de|del|la|las|los|el|the|and|y|&)\s+)*$")


def _inside_a_name(before: str) -> bool:
    """The everyday word ends a longer capitalised name ("Paws for Comfort"), not a greeting ("Congrats Journey")."""
    match = _INSIDE_A_NAME.search(before)
    return bool(match) and lx.fold(match.group(1)) not in _GREETINGS


_GREETINGS = frozenset({"congrats", "congratulations", "thanks", "thank", "welcome", "happy", "meet", "go", "dear",
                        "hi", "hello", "hey", "felicidades", "gracias", "bienvenida", "bienvenido", "shoutout",
                        "kudos"})
"""'Paws for Comfort', 'Árbol de los Ángeles': the everyday word ends a longer name."""

def _children_described(text: str, exclude: tuple[int, int] | None = None) -> bool:
    hits = [*PLACED_CHILDREN.finditer(text), *lx.MINOR_AGE.finditer(text), *lx.AGES.finditer(text)]
    return any(not (exclude and exclude[0] <= m.start() < exclude[1]) for m in hits)


def _took_in_children(text: str, sents: Sentences, sentence: int) -> bool:
    """The named adult welcomed, took in or fostered children described (their ages, "siblings", "a newborn")
    in the same or the next sentence: a foster or kinship family with the children's details."""
    last = min(sentence + 1, len(sents.spans) - 1)
    span = text[sents.spans[sentence][0]:sents.spans[last][1]]
    return bool(_TOOK_IN.search(span)) and bool(lx.AGES.search(span) or lx.MINOR_AGE.search(span)
                                                 or PLACED_CHILDREN.search(span))


_TOOK_IN = re.compile(
    r"\b(?:welcomed|welcome|took\s+in|taken\s+in|opened\s+(?:their|her|his)\s+(?:home|doors?)|fostering|foster(?:ed)?\s+"
    r"(?:two|three|four|five|\d+)|adopted|placed\s+with\s+(?:them|her|him)|recibieron|acogieron|adoptaron)\b",
    re.IGNORECASE)


FAMILY_SERVED = re.compile(
    r"\b(?:hotline|investigat\w*|removed|removal|reunif\w*|reunited|custody|parental\s+rights|TPR|safety\s+plan|"
    r"termination|adoption\s+(?:hearing|case)|"
    r"case\s*plan|family\s+treatment\s+court|l[ií]nea\s+directa|investigaci[oó]n|retirad[oa]s|reunificaci[oó]n|"
    r"custodia)\b", re.IGNORECASE)
"""A family's own story with the agency: a named family in the same sentence is a family served."""


def _closest(mention: Mention, cues: Sequence[tuple[int, int, int, str]]) -> tuple[int, int, int, str]:
    same = [c for c in cues if c[0] == mention.field]
    if same:
        return min(same, key=lambda c: abs(c[1] - mention.start))
    return cues[0]


def _spread_across_fields(found: list[Mention]) -> None:
    """A role said in one field covers the same name in another (the title, the alt text)."""
    known: dict[str, tuple[str, str]] = {}
    for mention in found:
        if mention.role:
            for word in lx.fold_phrase(mention.words).split():
                if len(word) > 2:
                    known.setdefault(word, (mention.role, mention.cue))
    for mention in found:
        if not mention.role:
            roles = [known[w] for w in lx.fold_phrase(mention.words).split() if w in known]
            served = [r for r in roles if r[0] in ("child", "relative")]
            if served or roles:
                mention.role, mention.cue = (served or roles)[0]


def _allowed(words: str, allowed: set[str]) -> bool:
    if not allowed:
        return False
    folded = lx.fold_phrase(words)
    if folded in allowed:
        return True
    # "Dana" alone after "Dana Whitfield" was allowed, and "Judge Maria Sanchez" when "Maria Sanchez" was.
    return any(folded == name.split()[0] or name in folded for name in allowed)
