"""Questions 2 and 3: is a named person a child or family the agency serves, or an adult who may be named?

:func:`assign_roles` sets each mention's ``role`` from the cues attached to it in its own
sentence, served cues first (they win over adult ones):

* ``child``: an attached minor's age ("Jayden, 7", "6-year-old Amara", "Leo turns 5"), a child
  noun before or after ("foster son Luca", "Tyler, a 7-year-old", "la pequeña Paloma"), a care
  event of theirs ("Kaya was reunified", "Luca's adoption", "adopted little Beau", "the GAL of
  Osvaldo"), initials or a nickname;
* ``relative``: a relative's role ("Grandma Lupe", "his birth mother"), the person's own children
  in a care story ("Keisha Branch ... the day her kids came home from foster care");
* ``foster-parent``: "foster parents Kenji and Laura Sato", "X and Y, licensed foster parents";
* ``adult``: a title or role before or after ("Caseworker Dana", "Judge", "Sra.", "Grace Kimura,
  our regional recruitment specialist", "Renee Castillo, Adoption Unit"), an award title, a
  contact person, an affiliation ("Rick Stahl of Nevada"), an adult's act ("donated", "who runs"),
  being thanked by full name, an animal ("Lola, a therapy dog").

A role said once covers a coordinated list when it is plural or said after the list
("Caseworkers A, B and C", "A and B, foster parents"), a quoted nickname joins first and last
name ("Gwen 'Mama G' Ridley"), and a role spreads to later mentions of the same name.
"""

from __future__ import annotations

import re

from . import lexicon as lx
from .mentions import ABBREVIATIONS, Mention, Sentences

# --------------------------------------------------------------------------- 2 and 3. who is it?


def assign_roles(text: str, found: list[Mention], sents: Sentences) -> None:
    """Set :attr:`Mention.role` from the cues attached to each mention in its own field."""
    _group_lists(text, found)
    for mention in found:
        if not mention.role:  # "the Delgado kids" came with its role
            mention.role, mention.cue = _own_role(text, mention)
    for mention in found:
        if mention.same_as >= 0 and not mention.role:
            mention.role, mention.cue = found[mention.same_as].role, found[mention.same_as].cue
    # A role said once covers a coordinated list: "Caseworkers Thi Lan, Brooke Ellison and Omar".
    by_group: dict[int, list[Mention]] = {}
    for mention in found:
        by_group.setdefault(mention.group, []).append(mention)
    for members in by_group.values():
        roles = [m for m in members if m.role]
        if not roles:
            continue
        served = [m for m in roles if m.role in ("child", "relative")]
        source = served[0] if served else roles[-1]
        singular_title = len(source.cue.split()) == 1 and not source.cue.lower().endswith("s")
        if not served and source is members[0] and singular_title:
            continue  # "Caseworker Lorenzo Quiñones and Mikayla": a singular title covers one name
        for m in members:
            if not m.role:
                m.role, m.cue = source.role, source.cue
    # Adulthood spreads to later mentions of the same person ("Thank you, Dana!").
    named = {}
    for mention in found:
        if mention.role:
            for word in lx.fold_phrase(mention.words).split():
                named.setdefault(word, (mention.role, mention.cue))
    for mention in found:
        if not mention.role:
            words = lx.fold_phrase(mention.words).split()
            known = [named[w] for w in words if w in named]
            if known:
                mention.role, mention.cue = known[0]


def _group_lists(text: str, found: list[Mention]) -> None:
    group = 0
    for i, mention in enumerate(found):
        gap = text[found[i - 1].end:mention.start] if i else ""
        if i and found[i - 1].field == mention.field and re.fullmatch(
                r"\s*['\"“‘][^'\"”’]{1,20}['\"”’]\s*", gap):
            mention.group = found[i - 1].group
            mention.same_as = i - 1  # "Gwen 'Mama G' Ridley": one person
        elif i and found[i - 1].field == mention.field and re.fullmatch(
                r"\s*(?:,|,?\s*(?:and|&|y|e|or)|/)\s*", gap) and found[i - 1].sentence == mention.sentence:
            mention.group = found[i - 1].group
        else:
            group += 1
            mention.group = group


def _own_role(text: str, mention: Mention) -> tuple[str, str]:
    flat = _single_newlines.sub(" ", text)  # wrapped lines are one clause
    before = flat[max(0, mention.start - 60):mention.start]
    after = flat[mention.end:mention.end + 90]
    long_after = flat[mention.end:mention.end + 240]
    near_after = after[:40]
    # Served first: an attached age, a child noun, a relative's role, care events of theirs.
    age = lx.ATTACHED_AGE.match(after)
    if age and int(age.group("age")) <= 17:
        return "child", f"{mention.words}{after[:age.end()].rstrip(',) ')}"
    if m := lx.CHILD_BEFORE.search(before[-30:]):
        return "child", m.group().strip(" ,")
    if ((m := re.search(r"\b(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
                       r"fourteen|fifteen|sixteen|seventeen)[-\s](?:year|month|week)[-\s]old\s+(?:\w+\s+)?$",
                       before, re.IGNORECASE)) and not re.search(r"\d{2}", m.group()[:2] + "x")) or (
            m and int(re.match(r"\d+", m.group()).group()) <= 17):
        return "child", f"{m.group()}{mention.words}"
    if (m := lx.CHILD_AFTER.match(after)) and not _FORMER.search(m.group()):
        return "child", m.group().strip(" ,")
    if (m := lx.RELATIVE_BEFORE.search(before[-40:])) and not re.search(r"\bPadre\s*$", before):
        return "relative", m.group().strip(" ,")  # (a capital "Padre Julián" is a priest)
    if m := re.match(r"^['’]s\s+(?:(?:little|baby|youngest|oldest|two|three|four|\d)\s+)?(?:boy|girl|son|sons|"
                     r"daughter|daughters|kids|children|baby|grandson|granddaughter|grandchildren|grandkids|hijos?|hijas?|"
                     r"nietos?)\b", after, re.IGNORECASE):
        return "relative", f"{mention.words}{m.group()}"
    if m := re.match(r"^['’]s\s+(?:\w+\s+){0,2}?(adoption|placement|case\b|caseworker|case\s*worker|case\s+manager|"
                     r"CASA|GAL|guardian|foster\s+(?:family|home|mom|dad|parents?)|forever\s+family|adoptive|"
                     r"birth\s+(?:mom|mother|dad|father|parents?)|reunification|custody|court|hearing|"
                     r"kinship|grandparents?|grandma|aunt|uncle|siblings?|brothers?|sisters?|new\s+family)",
                     after, re.IGNORECASE):
        return "child", f"{mention.words}{m.group()}"
    if m := re.match(r"^,?\s+(?:(?:and|y)\s+(?:his|her|their|su|sus)\s+\w+\s+)?(?:who\s+|que\s+)?"
                     r"(?:has\s+|have\s+|had\s+|is\s+|was\s+|were\s+|are\s+|just\s+|finally\s+|officially\s+|recently\s+|now\s+|fue\s+|"
                     r"est[aá]\s+|ha\s+|han\s+){0,3}(?:been\s+)?(?:adopted|placed|reunified|reunited|removed|"
                     r"came\s+into|entered|aged\s+out|aging\s+out|in\s+(?:foster|state|our|kinship)\s+care|"
                     r"in\s+care|living\s+with|lives\s+with|staying\s+with|went\s+home|going\s+home|"
                     r"returned\s+home|moved\s+in\s+with|spent\s+\w+\s+(?:years?|months?)\s+in|adoptad[ao]|"
                     r"reunid[ao]|lleg[oó]\s+a|entr[oó]\s+(?:a|al)|vive\s+con|en\s+(?:un\s+)?hogar)",
                     after, re.IGNORECASE):
        return "child", f"{mention.words}{m.group()}"
    if m := re.search(r"\b(?:(?:guardian|guardi[aá]n|tutor)\s+ad\s+litem|CASA|abogad[oa]|caseworker|trabajador[a]?"
                      r"\s+social|case\s+manager)\s+(?:de|for|of|del)\s+$", before, re.IGNORECASE):
        return "child", f"{m.group()}{mention.words}"
    if m := re.search(r"\b(?:adopted|adopt|welcomed?\s+home|placed|reunited\s+with|CASA\s+for|advocate\s+for|"
                      r"advocates\s+for|advocating\s+for|GAL\s+for|mentor(?:ing)?\s+for|adoptaron\s+a|"
                      r"bienvenid[ao]\s+a\s+casa|abogad[ao]\s+de)\s+(?:little\s+|baby\s+|sweet\s+)?$",
                      before, re.IGNORECASE):
        return "child", f"{m.group()}{mention.words}"
    if mention.kind in ("initials", "nickname"):
        return "child", mention.words
    sentence_after = re.split(r"(?<=[.!?])\s|\n", long_after, maxsplit=1)[0]
    if (m := _OWN_CHILDREN.search(sentence_after)) and lx.CARE_SPECIFIC.search(sentence_after):
        return "relative", m.group()
    # Then the adult's cues.
    if m := FOSTER_PARENT_BEFORE.search(before):
        return "foster-parent", m.group().strip()
    if m := re.search(r"\b(?:contact|call|e-?mail|text|ask\s+for|reach\s+out\s+to|RSVP\s+(?:to|with)|llame\s+a|"
                      r"contacte\s+a|comun[ií]quese\s+con|escriba\s+a|confirmar\s+con)\s+$", before, re.IGNORECASE):
        return "adult", m.group().strip()  # the contact person for an event or a job is staff or a partner
    if (m := re.search(r"([\w'’]+)\s*[,:]\s*$", before)) and (lx.fold(m.group(1)) in lx.TITLES or
                                                              lx.ROLE_PHRASE.fullmatch(m.group(1))):
        return "adult", m.group(1)  # "our new foster care supervisor, Angela Brooks"
    clause_before = _clause_before(before)
    m = re.search(r"([\w'’]+)\s+(?:de|del|of|for|para)\s+$", clause_before)
    if m and lx.fold(m.group(1)) in lx.TITLES:  # "la maestra de Jazmín": Jazmín is the teacher's pupil
        return "child", f"{m.group()}{mention.words}"
    for word in reversed(re.findall(r"[\w'’]+", clause_before)[-3:]):
        if lx.fold(word) in lx.TITLES or lx.fold(word) in lx.HONORIFICS:
            return "adult", word
    if re.search(r"\b(?:of\s+the\s+(?:year|month|quarter)|award\s+winner|honoree|del\s+(?:a[nñ]o|mes))\s*,?\s*"
                 r"(?:is|was|es|fue)?\s*$", clause_before,
                 re.IGNORECASE):
        return "adult", clause_before.strip()
    if mention.kind == "honorific":
        return "adult", mention.words.split()[0]
    if m := FOSTER_PARENT_BEFORE.search(before):
        return "foster-parent", m.group().strip()
    if m := _ANIMAL_AFTER.match(after):
        return "adult", m.group().strip(" ,")  # a therapy dog is not a child in care
    if role := _role_after(after):
        return role
    if m := re.match(r"^(?:\s*(?:,|and|&|y)\s*[A-Z][\w'’-]+)*\s*,\s*(?:thank\s+you|thanks|gracias)\b", after,
                     re.IGNORECASE):
        return "adult", m.group().strip(" ,")  # "Hung and Mai, thank you for ..."
    if lx.ADULT_ACTS.match(after) and not lx.CARE_SPECIFIC.search(sentence_after):
        return "adult", lx.ADULT_ACTS.match(after).group().strip()
    if lx.AFFILIATION.match(after):
        return "adult", after[:lx.AFFILIATION.match(after).end() + 20].split(",")[0].strip()
    if (m := re.search(r"\b(?:who|que)\s+(?:has\s+|have\s+)?(?:served|serves|works?|worked|helped|helps|leads|led|"
                       r"trains|trained|recruits|mentors|supports|volunteers|retires|retired|joined|manages|"
                       r"coordinates|spoke|speaks|presided|donated|owns|runs|founded|trabaja|dirige|fund[oó])\b",
                       near_after)) and not lx.CARE_SPECIFIC.search(sentence_after):
        return "adult", m.group()
    if lx.THANKED.search(before[-40:]) and mention.kind in ("full", "honorific", "family"):
        return "adult", lx.THANKED.search(before[-40:]).group().strip()
    if re.search(r"\b(?:by|with|from|led\s+by|hosted\s+by|presented\s+by|sponsored\s+by|donated\s+by|"
                 r"gracias\s+a|por|con)\s+$", before, re.IGNORECASE) and mention.kind in ("full", "honorific"):
        return "adult", before.split()[-1]
    return "", ""


PLACED_CHILDREN = re.compile(
    r"\b(?:newborn|baby|infant|toddler|twins|sibling\s+group|siblings|brothers|sisters|bebé|recién\s+nacid[oa]|"
    r"gemel[oa]s|hermanos|hermanas|hermanitos)\b", re.IGNORECASE)
"""Children placed with a named family, described: with the family's name, they are identifiable."""

_OWN_CHILDREN = re.compile(
    r"\b(?:her|his|their|whose|su|sus|cuyos|cuyas)\s+(?:(?:\d|two|three|four|five|six|dos|tres|cuatro|cinco|little|young|new|foster|"
    r"adopted|adoptive)\s+)?"
    r"(?:(?:\d{1,2}|\w+)[-\s](?:year|month|week)[-\s]old\s+)?(?:kids|"
    r"children|son|sons|daughter|daughters|baby|babies|grandchildren|grandkids|grandsons?|granddaughters?|nieces?|"
    r"nephews?|hijos?|hijas?|nietos?|nietas?|sobrin[oa]s?|beb[eé]s?)\b", re.IGNORECASE)
"""A parent's or caregiver's own children ("the day her kids came home from foster care")."""

_ANIMAL_AFTER = re.compile(
    r"^\s*,\s*(?:(?:a|an|our|the|un|una|nuestr[ao])\s+)?(?:[\w-]+\s+){0,3}?(?:dog|puppy|pup|cat|kitten|horse|pony|"
    r"mascot|perr[oa]|perrit[oa]|gat[oa]|caballo|mascota|retriever|labrador|poodle|beagle)\b", re.IGNORECASE)


_FORMER = re.compile(r"\b(?:former|ex|antigu[oa])\b", re.IGNORECASE)
"""'a former foster youth' is an adult."""


def _clause_before(before: str) -> str:
    """The words of the clause before a name, up to a comma or a sentence end (not "Dr." or "St.")."""
    parts = re.findall(r"[\w'’]+\.?|[,;:!?()\[\]]|\n\s*\n", before)
    kept: list[str] = []
    for part in reversed(parts):
        if part in ",;:!?()[]" or part.startswith("\n"):
            break
        if part.endswith(".") and kept and lx.fold(part) not in lx.HONORIFICS | lx.TITLES | ABBREVIATIONS:
            break
        kept.append(part)
    return " ".join(reversed(kept))


_UNIT_WORDS = frozenset({"unit", "team", "office", "department", "division", "services", "licensing", "program",
                         "staff", "region", "circuit", "hotline", "unidad", "equipo", "oficina", "departamento",
                         "resources", "hr", "communications", "administration", "recursos", "comunicaciones"})
"""Where staff work, after a name: "Renee Castillo, Adoption Unit - 25 years"."""

_single_newlines = re.compile(r"(?<!\n)\n(?!\n)")


def _role_after(after: str) -> tuple[str, str] | None:
    """A role in apposition after a name: "Grace Kimura, our regional recruitment specialist", "Olga
    Petrović, promoted to Circuit Manager", "Rick Stahl (owner of Stahl Hardware)"."""
    m = re.match(r"^\s*(?:,|\(|[-–—]\s|,?\s+(?:is|was|are|were|as|who\s+is|who\s+was|es|fue|son|como)\b)", after)
    if not m:
        return None
    clause = re.split(r"[.;:!?)\n]|,\s+(?:and|y)\b|\s+(?:and|y)\s+(?:his|her|their|su)\b", after[m.end():],
                      maxsplit=1)[0]
    if re.match(r"\s*(?:who|that|which|whose|que|quien|quienes|cuy[oa]s?)\b", clause, re.IGNORECASE):
        return None  # a relative clause tells what the person does, not their role
    words = clause.split()[:8 if m.group().strip() in (",", "(", "-", "–", "—") else 4]
    for index, word in enumerate(words):
        key = lx.fold(word.strip(",'’\""))
        if index and lx.fold(words[index - 1]) in ("his", "her", "their", "su", "sus", "my", "your"):
            continue  # "his caseworker" is someone else
        if key in lx.TITLES or key in _UNIT_WORDS or lx.ROLE_PHRASE.fullmatch(word.strip(",'’\"")):
            return "adult", " ".join(words[:words.index(word) + 1]).strip(", ")
    fp = lx.FOSTER_PARENT.search(" ".join(words))
    if fp:
        return "foster-parent", fp.group()
    return None


FOSTER_PARENT_BEFORE = re.compile(
    r"\b(?:foster|adoptive|resource|licensed|kinship)\s+(?:parents?|moms?|dads?|mothers?|fathers?|families|"
    r"family)(?:\s+of\s+the\s+year)?\s*[:,]?\s*$|\b(?:padres|madres|familias?|mam[aá]|pap[aá])\s+"
    r"(?:de\s+crianza|temporales|adoptiv[ao]s)\s*[:,]?\s*$",
    re.IGNORECASE,
)


