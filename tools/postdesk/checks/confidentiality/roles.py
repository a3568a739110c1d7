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
        elif mention.kind == "family" and re.search(r"(?:brothers|sisters|twins)$", mention.words) and (
                m := lx.ADULT_ACTS.match(text[mention.end:mention.end + 60]) or re.match(
                    r"\s+(?:of|from|de)\s+(?:the\s+)?[A-Z]", text[mention.end:mention.end + 30])):
            mention.role, mention.cue = "partner", m.group().strip()  # "the Okafor twins, who run the bakery"
    surnamed = {lx.fold(m.words.split()[0]) for m in found if len(m.words.split()) >= 2}
    for mention in found:  # "J.R." after "J.R. Whitaker of Whitaker Insurance" is the sponsor, not a child
        if mention.kind == "initials" and mention.cue == mention.words and lx.fold(mention.words) in surnamed:
            mention.role, mention.cue = "", ""
    for _ in range(2):  # a role found by spreading may spread again ("Esteban and Carmen Delgado")
        _spread_within_people(found)
        _spread_over_lists(found)
        spread_over_names(found)


def _spread_within_people(found: list[Mention]) -> None:
    """First name, nickname and surname of one person share a role ("Gerald 'Gerry' Voss retires")."""
    chains: dict[int, list[Mention]] = {}
    for index, mention in enumerate(found):
        root = index
        while found[root].same_as >= 0:
            root = found[root].same_as
        chains.setdefault(root, []).append(mention)
    for members in chains.values():
        source = _strongest(members)
        if source:
            for m in members:
                if _weaker(m, source):
                    m.role, m.cue = source.role, source.cue


def _spread_over_lists(found: list[Mention]) -> None:
    """A role said once covers a coordinated list: "Caseworkers Thi Lan, Brooke Ellison and Omar"."""
    by_group: dict[int, list[Mention]] = {}
    for mention in found:
        by_group.setdefault(mention.group, []).append(mention)
    for members in by_group.values():
        roles = [m for m in members if m.role]
        if not roles:
            continue
        served = [m for m in roles if m.role in SERVED]
        source = served[0] if served else roles[-1]
        singular_title = len(source.cue.split()) == 1 and not source.cue.lower().endswith("s")
        if not served and source is members[0] and singular_title:
            continue  # "Caseworker Lorenzo Quiñones and Mikayla": a singular title covers one name
        for m in members:
            if not m.role:
                m.role, m.cue = source.role, source.cue


def spread_over_names(found: list[Mention]) -> None:
    """Later mentions of the same name share its role ("Thank you, Dana!"); a served role found for
    one mention ("Loretta, then 68, became their kinship placement") overrides a weak adult cue
    of another ("Loretta Pickens of Poplar Bluff")."""
    named: dict[str, Mention] = {}
    for mention in found:
        if mention.role:
            for word in lx.fold_phrase(mention.words).split():
                if len(word) > 2 and (word not in named or _weaker(named[word], mention)):
                    named[word] = mention
    for mention in found:
        known = [named[w] for w in lx.fold_phrase(mention.words).split() if w in named]
        source = _strongest(known)
        if source and source is not mention and _weaker(mention, source):
            mention.role, mention.cue = source.role, source.cue


SERVED = ("child", "relative")
EXEMPT = ("adult", "partner")
"""``adult``: a title or role says so; ``partner``: an act, an affiliation or thanks suggest an adult
partner, which a served cue of the same person outweighs ("Loretta Pickens of Poplar Bluff ...
Loretta, then 68, became their kinship placement")."""


def _strength(mention: Mention) -> int:
    if mention.role == "child" and mention.cue == mention.words:
        return 1  # initials or a nickname alone: a child unless the same person is named with a role
    return {"child": 3, "relative": 3, "adult": 2, "foster-parent": 2, "partner": 1}.get(mention.role, 0)


def _strongest(members: list[Mention]) -> Mention | None:
    ranked = sorted((m for m in members if m.role), key=_strength, reverse=True)
    return ranked[0] if ranked else None


def _weaker(mention: Mention, than: Mention) -> bool:
    """``than`` may replace the role of ``mention``: it has none, or a served role beats a partner's."""
    return ((not mention.role and bool(than.role)) or (_strength(than) == 3 and mention.role == "partner")
            or (_strength(mention) == 1 and mention.role == "child" and _strength(than) >= 2))


def _group_lists(text: str, found: list[Mention]) -> None:
    group = 0
    for i, mention in enumerate(found):
        gap = text[found[i - 1].end:mention.start] if i else ""
        if i and found[i - 1].field == mention.field and re.fullmatch(
                r"\s*['\"“‘][^'\"”’]{1,20}['\"”’]\s*|\s*[\"“‘]|[\"”’]\s*|\s*\(\s*", gap):
            mention.group = found[i - 1].group
            mention.same_as = i - 1  # "Gwen 'Mama G' Ridley": one person
        elif i and found[i - 1].field == mention.field and re.fullmatch(
                r"\s*(?:,|,?\s*(?:and|&|y|e|or)|/)\s*", gap) and found[i - 1].sentence == mention.sentence:
            mention.group = found[i - 1].group
        else:
            group += 1
            mention.group = group


def _own_role(text: str, mention: Mention) -> tuple[str, str]:
    """(role, the words that said so) from the cues attached to one mention; served cues win."""
    flat = _single_newlines.sub(" ", text)  # wrapped lines are one clause
    before = flat[max(0, mention.start - 60):mention.start]
    after = flat[mention.end:mention.end + 90]
    long_after = flat[mention.end:mention.end + 240]
    near_after = after[:40]
    parts = _SENTENCE_BREAK.split(long_after, maxsplit=1)
    sentence_after, rest = parts[0], (parts[1] if len(parts) > 1 else "")
    next_sentence = rest if re.match(r"\s*(?:She|He|They|Her|His|Their|Ella|Él|Ellos|Sus?|The\s+(?:couple|pair|two)|"
                                     r"Both|La\s+pareja|Los\s+dos)\b", rest) else ""
    cues = (text, flat, mention, before, after, near_after, sentence_after, next_sentence)
    return _served_cue(*cues) or _adult_cue(*cues) or _partner_cue(*cues) or ("", "")


def _served_cue(text: str, flat: str, mention: Mention, before: str, after: str, near_after: str, sentence_after: str,
                next_sentence: str) -> tuple[str, str] | None:
    """A child (an age, a child noun, a care event of theirs) or a relative of a child in care."""
    age = lx.ATTACHED_AGE.match(after)
    if age and int(age.group("age")) <= 17:
        return "child", f"{mention.words}{after[:age.end()].rstrip(',) ')}"
    if (m := lx.CHILD_BEFORE.search(before[-30:])) and re.match(r"(?:Sister|Brother|Hermana|Hermano)\b", m.group()):
        return "adult", m.group().strip()  # "Sister Mary Bernadette", "Brother Tom": religious titles
    if (m := lx.CHILD_BEFORE.search(before[-30:])) and not _FORMER.search(before[-45:]):
        return "child", m.group().strip(" ,")  # (not "doctoral student Kwabena Asante")
    if (m := _AGE_BEFORE.search(before)) and (not m.group("n") or int(m.group("n")) <= 17):
        return "child", f"{m.group()}{mention.words}"  # "6-year-old Amara"
    if (m := lx.CHILD_AFTER.match(after)) and not _FORMER.search(m.group()):
        return "child", m.group().strip(" ,")
    if (m := lx.RELATIVE_BEFORE.search(before[-40:])) and not re.search(r"\bPadre\s*$", before):
        return "relative", m.group().strip(" ,")  # (a capital "Padre Julián" is a priest)
    if m := re.match(r"^['’]s\s+(?:(?:little|baby|youngest|oldest|two|three|four|\d)\s+)?(?:boy|girl|son|sons|"
                     r"daughter|daughters|kids|children|baby|grandson|granddaughter|grandchildren|grandkids|hijos?|hijas?|"
                     r"nietos?)\b", after, re.IGNORECASE):
        return "relative", f"{mention.words}{m.group()}"
    if m := re.match(r"^['’]s\s+(?:(?:new|first|last|little|big|older|younger|baby|twin|court-appointed|foster)\s+)?"
                     r"(adoption|placement|advocate|voice|therapist|mentor|case\b|caseworker|case\s*worker|case\s+manager|"
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
                     r"(?:lived|been|stayed)\s+in\s+(?:\w+\s+)?(?:placements|foster\s+homes|group\s+homes)|"
                     r"arrived\s+(?:at\s+(?:our|her|his|their)\s+(?:home|house|door)|with\s+(?:a|her|his)\s+(?:\w+\s+)?"
                     r"(?:trash\s+bag|garbage\s+bag|backpack|bag))|"
                     r"reunid[ao]|lleg[oó]\s+a|entr[oó]\s+(?:a|al)|vive\s+con|en\s+(?:un\s+)?hogar|en\s+cuidado)",
                     after, re.IGNORECASE):
        return "child", f"{mention.words}{m.group()}"
    if m := re.search(r"\b(?:(?:guardian|guardi[aá]n|tutor)\s+ad\s+litem|CASA|abogad[oa]|caseworker|trabajador[a]?"
                      r"\s+social|case\s+manager|adopci[oó]n|reunificaci[oó]n|caso|custodia|colocaci[oó]n|expediente|"
                      r"audiencia|familia\s+de\s+crianza|adoption|reunification|placement|custody|case|hearing)\s+"
                      r"(?:de|for|of|del)\s+$", before, re.IGNORECASE):
        return "child", f"{m.group()}{mention.words}"
    if m := re.search(r"\b(?:(?:1[0-7]|[1-9])(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|"
                      r"ninth|tenth|"
                      r"eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|sweet\s+sixteen)\s+birthday,?\s+"
                      r"(?:to\s+)?(?:our\s+)?$", before, re.IGNORECASE):
        return "child", f"{m.group()}{mention.words}"  # "Happy 10th birthday to Brayden"
    if m := re.search(r"\b(?:(?:gotcha|adoption|reunification|court|forever\s+family|homecoming)\s+day|"
                      r"(?:gifts?|presents?|wish(?:es)?|cards?|toys?|a\s+(?:forever\s+)?(?:home|family))\s+for)\s*,?\s*$",
                      before, re.IGNORECASE):
        return "child", f"{m.group()}{mention.words}"  # "Happy Gotcha Day Aurora", "#GiftsForLuz"
    if next_sentence and (m := re.match(r"\s*(?:He|She|They)\s+(?:is|was|'s|turned|turns|just\s+turned)\s+(\d{1,2})\b",
                                        next_sentence)) and int(m.group(1)) <= 17:
        return "child", m.group().strip()  # "Will just picked up his first paycheck. He is 17, ..."
    if m := re.search(r"\b(?:adopted|adopt|welcomed?\s+home|placed|reunited\s+with|CASA\s+for|advocated?\s+for|"
                      r"advocates\s+for|advocating\s+for|GAL\s+for|mentor(?:ing)?\s+for|adoptaron\s+a|"
                      r"bienvenid[ao]\s+a\s+casa|abogad[ao]\s+de)\s+(?:little\s+|baby\s+|sweet\s+)?$",
                      before, re.IGNORECASE):
        return "child", f"{m.group()}{mention.words}"
    if mention.kind in ("initials", "nickname"):
        return "child", mention.words
    story = f"{sentence_after} {next_sentence}"  # "Shauna Kettering finished treatment. Her kids came home."
    if m := _HER_CARE.search(story):
        return "child", m.group()  # "Aurora painted this mural during her stay at our residential treatment partner"
    if m := _PARENTS_CASE.search(sentence_after):
        return "relative", m.group()  # "Daniel Ochoa ... through his termination of parental rights trial"
    if m := _CAREGIVER_ACT.match(after):
        return "relative", f"{mention.words}{m.group()}"
    own = _OWN_CHILDREN if mention.kind == "family" else _OWN_CHILDREN_NOT_WHOSE
    if (m := own.search(story)) and (lx.CARE_SPECIFIC.search(story) or re.search(
            r"\b(?:came|come|coming|went|going|returned|back)\s+home\b|\bvolvieron\s+a\s+casa", story[m.end():])):
        return "relative", m.group()  # "... the day her kids came home from foster care"
    return None


def _adult_cue(text: str, flat: str, mention: Mention, before: str, after: str, near_after: str, sentence_after: str,
               next_sentence: str) -> tuple[str, str] | None:
    """An adult who may be named: a title or role, a list of staff, a foster parent, an appointment."""
    clause_before = _clause_before(before)
    job = [w for w in re.findall(r"[\w'’]+", clause_before)[-3:] if lx.fold(w) in lx.TITLES]
    if job:
        return "adult", job[-1]  # "Judge Ramon Delgado", "Caseworker Dana"
    if intro := _list_intro(text, mention.start):
        return "adult", intro
    if m := _INLINE_LIST_INTRO.search(re.split(r"(?<=[.!?])\s+", flat[max(0, mention.start - 300):mention.start])[-1]):
        return "adult", m.group("intro")  # "Big thanks to our IT team - Raj, Cody and Ximena", "New hires: ..."
    if m := _UNIT_IN_PARENTHESES.match(after):
        return "adult", m.group().strip()  # "Jolene Two Hawks (Adoption, Poplar Bluff)"
    if m := FOSTER_PARENT_BEFORE.search(before):
        return "foster-parent", m.group().strip()
    if m := re.search(r"\b(?:her|his|their|su)\s+(?:husband|wife|spouse|partner|fianc[ée]e?|esposo|esposa|"
                      r"pareja)\s*,?\s*$", before, re.IGNORECASE):
        return "partner", m.group().strip(" ,")  # an adult's spouse
    if m := re.search(r"\b(?:of\s+the\s+(?:year|month|quarter)|award\s+winner|honoree|del\s+(?:a[nñ]o|mes))\s*[:,]\s*$",
                      before, re.IGNORECASE):
        return "adult", m.group().strip(" ,:")  # "Adoption Specialist of the Year: Rosa Delgado-Byrne"
    if m := re.search(r"\b(?-i:CASA|GAL)\s*(?:volunteers?|advocates?)?\s*[,:]?\s*$", before):
        return "adult", m.group().strip(" ,:")  # "Meet a CASA: Wendell Pruett" (not "Isabella's CASA")
    if m := re.search(r"\b(?:welcome\s+to\s+the\s+team|join(?:s|ed)?\s+(?:our|the)\s+team|new\s+hires?|"
                      r"bienvenid[ao]s?\s+al\s+equipo)\s*[,:!]?\s*$", before, re.IGNORECASE):
        return "adult", m.group().strip(" ,:!")  # new staff, volunteers or foster parents joining the team
    if m := re.search(r"\b(?:contact|call|e-?mail|text|ask\s+for|reach\s+out\s+to|RSVP\s+(?:to|with)|llame\s+a|"
                      r"contacte\s+a|comun[ií]quese\s+con|escriba\s+a|confirmar\s+con)\s+$", before, re.IGNORECASE):
        return "partner", m.group().strip()  # the contact person for an event or a job is staff or a partner
    if (m := re.search(r"([\w'’]+)\s*[,:]\s*$", before)) and (lx.fold(m.group(1)) in lx.TITLES or
                                                              lx.ROLE_PHRASE.fullmatch(m.group(1))):
        return "adult", m.group(1)  # "our new foster care supervisor, Angela Brooks"
    m = re.search(r"([\w'’]+)\s+(?:de|del|of|for|para)\s*$", clause_before)
    if m and lx.fold(m.group(1)) in _CARERS_OF_CHILDREN and _is_given_name(mention.words):
        # "la maestra de Jazmín": Jazmín is the teacher's pupil (not "owner of Phở Saigon")
        return "child", f"{m.group()}{mention.words}"
    for word in reversed(re.findall(r"[\w'’]+", clause_before)[-3:]):
        if lx.fold(word) in lx.HONORIFICS:  # (a title there returned at the top)
            return "adult", word
    if re.search(r"\b(?:of\s+the\s+(?:year|month|quarter)|award\s+winner|honoree|del\s+(?:a[nñ]o|mes))\s*,?\s*"
                 r"(?:is|was|es|fue)?\s*$", clause_before,
                 re.IGNORECASE):
        return "adult", clause_before.strip()
    if mention.kind == "honorific":
        return "adult", mention.words.split()[0]
    sentence_before = re.split(r"(?<=[.!?])\s+|\n\s*\n", before)[-1]
    if m := _AS_ROLE.search(sentence_before):
        return "adult", m.group().strip(" ,")  # "After 30 years as a Children's Division investigator, Dwayne ..."
    if m := _SERVES_AS.search(next_sentence) or _SERVES_AS.search(sentence_after):
        return "adult", m.group().strip(" ,")  # "Darnell ... He takes over as supervisor of our Alton office."
    if m := re.search(r"\b(?:happy\s+)?retirement\s*,?\s*(?:to\s+)?$", before, re.IGNORECASE):
        return "adult", m.group().strip(" ,")
    if m := _APPOINTED.match(after):
        return "adult", m.group().strip()  # "Tamika Rowe has been promoted to Circuit Manager"
    if m := _ANIMAL_AFTER.match(after):
        return "adult", m.group().strip(" ,")  # a therapy dog is not a child in care
    if role := _role_after(after):
        return role
    if m := re.match(r"^(?:\s*(?:,|and|&|y)\s*[A-Z][\w'’-]+)*\s*,\s*(?:thank\s+you|thanks|gracias)\b", after,
                     re.IGNORECASE):
        return "partner", m.group().strip(" ,")  # "Hung and Mai, thank you for ..."
    return None


def _partner_cue(text: str, flat: str, mention: Mention, before: str, after: str, near_after: str, sentence_after: str,
                 next_sentence: str) -> tuple[str, str] | None:
    """Weaker signs of an adult partner (an act, an affiliation, thanks): a served cue of the same person wins."""
    if m := _RETIRES.match(after):
        return "adult", m.group().strip()  # "Mildred 'Millie' Vaughn-Tabor is retiring"
    if (m := lx.ADULT_ACTS.match(after)) and not _OWN_CARE_STORY.search(sentence_after) and (
            mention.kind != "name" or re.match(r"\W{0,3}(?:and|&|y)\s", after)):
        return "partner", m.group().strip()  # "Marvin and Edna Schaefer donated" (not "Kenji gave the judge")
    if m := lx.AFFILIATION.match(after):
        return "partner", after[:m.end() + 20].split(",")[0].strip()
    if (m := re.search(r"\b(?:who|que)\s+(?:has\s+|have\s+)?(?:served|serves|works?|worked|helped|helps|leads|led|"
                       r"trains|trained|recruits|mentors|supports|volunteers|retires|retired|joined|manages|"
                       r"coordinates|spoke|speaks|presided|donated|owns|runs|founded|trabaja|dirige|fund[oó])\b",
                       near_after)) and not _OWN_CARE_STORY.search(sentence_after):
        return "partner", m.group()
    if m := _PARTNER_AFTER.match(after):
        return "partner", m.group().strip(" ,")
    if m := re.search(r"\b(?:hear\s+from|featuring|with\s+(?:special\s+)?guests?|led\s+by|taught\s+by|"
                      r"hosted\s+by|presented\s+by|emceed\s+by|moderated\s+by)\s+$", before, re.IGNORECASE):
        return "partner", m.group().strip()
    if (m := lx.THANKED.search(before[-40:])) and re.match(_FOR_SERVICE, after):
        return "partner", f"{m.group().strip()} ... {re.match(_FOR_SERVICE, after).group().strip()}"
    if (m := lx.THANKED.search(before[-40:])) and mention.kind in ("full", "honorific", "family"):
        return "partner", m.group().strip()
    if re.search(r"\b(?:by|with|from|led\s+by|hosted\s+by|presented\s+by|sponsored\s+by|donated\s+by|"
                 r"gracias\s+a|por|con)\s+$", before, re.IGNORECASE) and mention.kind in ("full", "honorific"):
        return "partner", before.split()[-1]
    return None




PLACED_CHILDREN = re.compile(
    r"\b(?:newborn|baby|infant|toddler|twins|sibling\s+group|siblings|brothers|sisters|brother\s+and\s+sister|"
    r"sister\s+and\s+brother|hermano\s+y\s+hermana|bebé|recién\s+nacid[oa]|"
    r"gemel[oa]s|hermanos|hermanas|hermanitos)\b", re.IGNORECASE)
"""Children placed with a named family, described: with the family's name, they are identifiable."""

_CHILDREN_OF = (
    r"\s+(?:(?:\d|two|three|four|five|six|dos|tres|cuatro|cinco|little|young|new|foster|adopted|adoptive)\s+)?"
    r"(?:(?:\d{1,2}|\w+)[-\s](?:year|month|week)[-\s]old\s+)?(?:kids|children|son|sons|daughter|daughters|baby|babies|"
    r"grandchildren|grandkids|grandsons?|granddaughters?|nieces?|nephews?|hijos?|hijas?|nietos?|nietas?|sobrin[oa]s?|"
    r"beb[eé]s?)\b")
_OWN_CHILDREN = re.compile(r"\b(?:her|his|their|whose|su|sus|cuyos|cuyas)" + _CHILDREN_OF, re.IGNORECASE)
"""A parent's or caregiver's own children ("the day her kids came home from foster care"); "whose" only
after a family ("the Johnson family, whose children were removed")."""
_OWN_CHILDREN_NOT_WHOSE = re.compile(r"\b(?:her|his|their|su|sus)" + _CHILDREN_OF, re.IGNORECASE)

_PARTNER_AFTER = re.compile(
    r"^(?:['’]s\s+(?:team|staff|crew|office|store|shop|restaurant|company|business|church|ministry|foundation|"
    r"volunteers|bakery|diner|salon|troop|class|congregation|firm|practice|clinic)\b|"
    r"\s*(?:,|\(|at|:)?\s*(?:\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}|[\w.+-]+@[\w-]+\.[\w.]+))", re.IGNORECASE)
"""A business or team of theirs, or their phone or e-mail, right after a name: a partner or staff."""
_FOR_SERVICE = (r"\s*,?\s*(?:,\s*)?for\s+(?:organi[sz]ing|hosting|donating|volunteering|leading|coordinating|baking|"
                r"showing\s+up|being\s+there|advocating|standing\s+up|mentoring|teaching|fostering|serving|"
                r"cooking|catering|running|sponsoring|collecting|delivering|building|sewing|knitting|driving|"
                r"your\s+(?:service|work|hard\s+work|dedication|generosity|leadership|donation|gift|time)|all\s+you\s+do)")
"""Thanked for an adult's service: "Thanks Maria for organizing!"."""

_APPOINTED = re.compile(
    r"^,?\s+(?:has\s+been|have\s+been|was|were|is|are|will\s+be|fue|ha\s+sido)\s+(?:\w+\s+)?(?:promoted|named|"
    r"appointed|hired|elected|selected|sworn\s+in|honou?red\s+as|recogni[sz]ed\s+as|nombrad[ao]|ascendid[ao]|"
    r"elegid[ao]|contratad[ao])\b", re.IGNORECASE)
"""A staff or official appointment after a name."""

_HER_CARE = re.compile(
    r"\b(?:his|her|their|su)\s+(?:(?!teen|early|young|own|childhood|off)\w+\s+)?(?:stay|time|years?|months?|weeks?)"
    r"\s+(?:at|in|with)\s+(?:an?\s+|the\s+|our\s+|a\s+local\s+)?(?:\w+\s+){0,2}?(?:residential|treatment|"
    r"group\s+home|shelter|foster\s+(?:home|family\b|care)|transitional|care\b|kinship\s+(?:home|placement|care))|\b(?:(?:he|she)\s+did\s+it\s+)?while\s+(?:(?:he|she)\s+was\s+)?in\s+(?:foster\s+|state\s+)?care\b",
    re.IGNORECASE)
"""The person's own time in care, said in the sentence about them: "during her stay at our residential
treatment partner", "she did it while in care"."""


_ANIMAL_AFTER = re.compile(
    r"^\s*,\s*(?:(?:a|an|our|the|un|una|nuestr[ao])\s+)?(?:[\w-]+\s+){0,3}?(?:dog|puppy|pup|cat|kitten|horse|pony|"
    r"mascot|perr[oa]|perrit[oa]|gat[oa]|caballo|mascota|retriever|labrador|poodle|beagle)\b", re.IGNORECASE)


_PARENTS_CASE = re.compile(
    r"\b(?:his|her|their|su|sus)\s+(?:\w+\s+){0,2}?(?:termination\s+of\s+parental\s+rights|parental\s+rights|TPR|"
    r"case\s*plan|treatment\s+plan|reunification|supervised\s+visits?|visitation\s+with|custody\s+(?:case|hearing)|"
    r"plan\s+de\s+caso|patria\s+potestad|reunificaci[oó]n|visitas\s+supervisadas)", re.IGNORECASE)
"""A parent's own case with the agency, said of the person just named."""

_CAREGIVER_ACT = re.compile(
    r"^(?:,\s*(?:then\s+)?\d{2},)?,?\s+(?:who\s+|que\s+)?(?:has\s+|had\s+|is\s+|was\s+|now\s+)?(?:became|become|"
    r"becomes|stepped\s+up\s+as|took\s+in|takes\s+in|has\s+taken\s+in|is\s+raising|raising|cares?\s+for|cared\s+for|"
    r"se\s+convirti[oó]\s+en|recibi[oó]\s+a|cuida\s+a)\s+(?:(?:their|his|her|su|sus|the|los|las|a)\s+)?"
    r"(?:\w+\s+){0,2}?(?:kinship|foster|grand\w*|niece|nephew|nieto|nieta|sobrin\w+|placement|guardian|caregiver)",
    re.IGNORECASE)
"""A relative's act right after a name: "Loretta, then 68, became their kinship placement"."""

_OWN_CARE_STORY = re.compile(
    r"\b(?:his|her|their|su)\s+(?:new\s+)?(?:foster|adoptive|kinship|group)\s+(?:home|family|parents?|mom|dad)|"
    r"\b(?:came|entered|coming|moved|moving|went)\s+(?:into|in)\s+(?:foster\s+|state\s+)?(?:care|custody)|"
    r"\b(?:moved|moving)\s+into\s+(?:his|her|their)\s+foster|\baged\s+out\b|\bwhile\s+in\s+(?:foster\s+)?care\b|"
    r"\b(?:was|were|got|been)\s+(?:placed|adopted|removed|reunified)\b", re.IGNORECASE)
"""A care story of the person's own, after a name: then "who joined the team" does not make them staff."""

_AS_ROLE = re.compile(
    r"\b(?:as|como)\s+(?:a|an|the|our|un|una|el|la|nuestr[oa])?\s*(?:[\w'’-]+\s+){0,4}?(?:" +
    "|".join(sorted(lx.TITLES - {"father", "sister", "brother", "padre", "hermana", "host", "staff", "team"},
                    key=len, reverse=True)) + r")\b", re.IGNORECASE)
"""A role given with "as": "as a caseworker", "as supervisor of our Alton office", "como coordinadora"."""

_SERVES_AS = re.compile(
    r"\b(?:serves?|served|serving|works|worked|started|starts|joined|joins|takes?\s+over|took\s+over|"
    r"retires?|retired|retiring|hired|promoted|comes?\s+back|returns?|returned|begins?|began|trabaja|trabaj[oó]|"
    r"sirve|sirvi[oó]|empez[oó])\s+(?:\w+\s+){0,4}?" + _AS_ROLE.pattern, re.IGNORECASE)
"""The same, said of an adult's work: "He takes over as supervisor", not "she dreams of working as a nurse"."""

_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n")

_INLINE_LIST_INTRO = re.compile(
    r"(?P<intro>\b(?:team|staff|hires|volunteers|crew|committee|board|panel|panelists|honorees|winners|speakers|"
    r"presenters|trainers|graduates\s+of\s+our\s+academy|equipo|personal)\b[^.!?:\-–—]{0,30})\s*[:\-–—]\s*"
    r"(?:[^.!?:]*?(?:,|\band\b|\by\b)\s*)*$", re.IGNORECASE)
"""A name in a list introduced as a team, staff or winners, in the same sentence."""
_UNIT_IN_PARENTHESES = re.compile(
    r"^\s*\((?:hotline|intake|adoptions?|legal|licensing|finance|payroll|accounting|IT|HR|human\s+resources|"
    r"investigations?|older\s+youth|family[-\s]centered\s+services|kinship|foster\s+care|recruitment|training|"
    r"administration|communications|[\w -]{0,20}\s(?:unit|office|region|team|division))"
    r"(?:,\s*[A-Z][\w .'-]{1,30})?\)", re.IGNORECASE)
"""'(Adoption, Poplar Bluff)', '(Hotline)': a unit, and perhaps an office, after a staff member's name."""

_CARERS_OF_CHILDREN = frozenset({"maestra", "maestro", "teacher", "caseworker", "worker", "tutor", "tutora", "coach",
                                 "mentor", "therapist", "counselor", "counsellor", "advocate", "abogado", "abogada",
                                 "principal", "nurse", "pediatrician", "pediatra", "entrenador", "entrenadora",
                                 "consejera", "consejero", "gal", "litem"})
"""Adults who care for a child: "the teacher of X" makes X a child, "the owner of X" does not."""


def _is_given_name(words: str) -> bool:
    return lx.fold(words.split()[0]) in lx.given_names()


_RETIRES = re.compile(r"^\s*,?\s*(?:who\s+)?(?:is|was|will\s+be|has|had)?\s*(?:retir\w+|se\s+jubil\w+)", re.IGNORECASE)

_AGE_BEFORE = re.compile(
    r"\b(?:(?P<n>\d{1,2})|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen)[-\s](?:year|month|week)[-\s]old\s+(?:\w+\s+)?$", re.IGNORECASE)

_FORMER = re.compile(r"\b(?:former|ex|antigu[oa]|graduate|doctoral|college|university|msw|bsw|phd|law|medical|"
                     r"nursing|master'?s|social\s+work|universitari[oa])\b", re.IGNORECASE)
"""'a former foster youth' is an adult."""


def _list_intro(text: str, start: int) -> str:
    """A name that starts a bullet item in a list introduced as staff, volunteers or thanks."""
    line_start = text.rfind("\n", 0, start) + 1
    if not re.fullmatch(r"\s*(?:[-*+•]|\d+[.)])\s+", text[line_start:start]):
        return ""
    intro = re.search(r"([^\n]*):\s*\n(?:\s*(?:[-*+•]|\d+[.)])\s+[^\n]*\n)*\s*$", text[:line_start])
    if not intro:
        return ""
    words = intro.group(1)
    if lx.THANKED.search(words + " ") or re.search(r"\b(?:thank|thanks|gracias|team|staff|volunteers?|crew|"
                                                    r"honou?r(?:ing|ed)?|recogni[sz]|congratulat|equipo)\w*",
                                                    words, re.IGNORECASE):
        return words.strip()
    return ""


_ABBREVIATED_WORDS = lx.HONORIFICS | lx.TITLES | ABBREVIATIONS
"""Words whose final dot does not end the clause before a name ("Dr.", "Sgt.", "St.")."""


def _clause_before(before: str) -> str:
    """The words of the clause before a name, up to a comma or a sentence end (not "Dr." or "St.")."""
    parts = re.findall(r"[\w'’]+\.?|[,;:!?()\[\]]|\n\s*\n", before)
    kept: list[str] = []
    for part in reversed(parts):
        if part in ",;:!?()[]" or part.startswith("\n"):
            break
        if part.endswith(".") and kept and lx.fold(part) not in _ABBREVIATED_WORDS:
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
    m = re.match(r"^\s*(?:,|\(|[-–—]\s|,?\s+(?:is|was|are|were|as|who\s+is|who\s+was|will\s+be|to\s+be|es|fue|son|"
                 r"como|ser[aá])\b)", after)
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


