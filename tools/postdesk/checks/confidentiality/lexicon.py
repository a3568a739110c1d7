"""The words the confidentiality guard knows: name, place and word resources, and the cues.

Resources (files in ``data/``, each with its source and licence in its header, made by
``scripts/build_guard_data.py``) answer "could this word be a person's name?":

* :func:`given_names` and :func:`surnames`: US Census and Social Security given names and
  Census surnames, lowercase, accents folded;
* :func:`places`: every Missouri town and county and the towns of the neighbouring states;
  :func:`missouri_places`: the agency's own state, where "Joplin", "Salem" or "Ava" is the
  town unless something marks a person (elsewhere, "Zion" is a person unless "in Zion");
* :func:`common_words`: names that are also everyday English or Spanish words (Hope,
  Grace, Will, Esperanza, Paloma): such a word is a name only with more evidence;
* :func:`dictionary`: the 40,000 most frequent English and 30,000 most frequent Spanish
  words: a capitalised word in none of these lists is an unknown proper noun;
* :func:`org_words`: the words that start or end an organisation's name.

The cue vocabularies (care contexts, roles, child words) are regular expressions below,
grouped by the question they answer.
"""

from __future__ import annotations

import functools
import gzip
import re
import unicodedata
from importlib import resources

# --------------------------------------------------------------------------- resources


def _lines(name: str) -> frozenset[str]:
    data = resources.files(__package__).joinpath("data", name)
    if not data.is_file():
        return frozenset()
    raw = data.read_bytes()
    text = gzip.decompress(raw).decode("utf-8") if name.endswith(".gz") else raw.decode("utf-8")
    lines = text.split("\n")  # the files are made by a script: one entry a line, the header first
    first = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    return frozenset(lines[first:]) - {""}


@functools.cache
def given_names() -> frozenset[str]:
    return _lines("given_names.txt")


@functools.cache
def surnames() -> frozenset[str]:
    return _lines("surnames.txt")


@functools.cache
def places() -> frozenset[str]:
    return _lines("places.txt") | frozenset({"missouri", "mo", "kansas city", "st louis", "saint louis"})


@functools.cache
def missouri_places() -> frozenset[str]:
    return _lines("missouri_places.txt")


@functools.cache
def common_words() -> frozenset[str]:
    return _lines("common_words.txt") | _EVERYDAY_NAMES


@functools.cache
def dictionary() -> frozenset[str]:
    return _lines("dictionary.txt.gz")


@functools.cache
def org_words() -> frozenset[str]:
    return _lines("org_words.txt") | ORG_END | ORG_START


@functools.lru_cache(maxsize=8192)
def fold(word: str) -> str:
    """Lowercase without accents, apostrophes or a possessive: "José's" -> "jose"."""
    word = re.sub(r"['’][sS]$", "", word.rstrip("."))
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c) and c not in "'’").lower()


def fold_phrase(text: str) -> str:
    return " ".join(fold(word) for word in text.split())


# Always everyday words whatever the lists say: months, days, greetings, seasons, virtues.
_EVERYDAY_NAMES = frozenset("""
will bill mark rose hope grace joy faith may june april summer autumn dawn ray guy art pat sue don rich frank chase
hunter bud sandy penny ruby pearl ginger holly ivy daisy lily iris jasmine violet amber crystal jewel star sky dale
glen lane wade dean earl miles jay robin drew cliff gene major price young rocky sterling royal prince king precious
destiny unique harmony heaven angel carol charity patience constance honor mercy chance sunny misty page brook rod
lance norm reed august justice liberty christian grant case foster early amen ace sage bishop noble hero stormy
sunday monday tuesday wednesday thursday friday saturday january february march july september october november
december easter christmas spring fall winter new welcome thank thanks join happy congratulations please meet dear
all every our the this each more most best great good esperanza paz luz fe alegria dolores consuelo rosario
milagros paloma amparo socorro soledad gloria victoria cruz reyes santos angeles pilar mercedes vida charla dia
sol estrella cielo rocio azul feliz noel navidad domingo lunes martes miercoles jueves
viernes sabado
""".split())

# --------------------------------------------------------------------------- is it a person?

HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "sr", "sra", "srta", "sres", "sras", "messrs", "don", "dona",
                        "lic", "licda", "ing", "dra"})
"""Words before a name that make it an adult's name (children are not called Mrs. or Sra.)."""

TITLES = frozenset("""
dr judge senator sen rep representative mayor governor gov commissioner director chief pastor reverend rev officer
sheriff deputy councilman councilwoman councilmember president secretary professor prof coach captain sergeant sgt
principal superintendent alderman caseworker caseworkers supervisor supervisors specialist specialists manager
managers coordinator coordinators administrator investigator investigators worker workers trainer trainers
recruiter liaison advocate attorney nurse teacher volunteer volunteers staff colleague colleagues founder chair
chairman chairwoman ceo executive employee employees leader speaker keynote honoree honorees retiree doctor
therapist counselor counsellor mentor author host emcee ambassador intern interns owner owners padre father
deacon diacono hermana sister brother fr msgr bishop obispo rabbi imam elder trabajadora trabajador trabajadoras
trabajadores supervisora directora director licenciada licenciado especialista coordinadora coordinador gerente
juez jueza senador senadora alcalde alcaldesa voluntaria voluntario voluntarias voluntarios maestra maestro
enfermera enfermero colega colegas duena dueno duenos presidenta presidente fundadora fundador pastora pastor
photographer fotografa fotografo journalist reporter anchor periodista presentadora presentador reportera
reportero representante diputada diputado pres provider providers adviser advisor advisers advisors navigator
rapper singer musician artist dj muralist painter poet comedian actor actress midfielder goalkeeper linebacker
jammer blocker referee umpire
paralegal lead aide assistant analyst technician tech receptionist accountant auditor litem gal nurse navigators
interpreter translator quizmaster
postmaster webmaster donor donors sponsor sponsors partner partners donante donantes
patrocinador patrocinadora patrocinadores scout scoutmaster consul consulesa consula mons monsenor chef baker
panadero panadera instructor instructora facilitator facilitadora
facilitador officers detective lieutenant lt commissioner commissioners legislator legislators clerk
""".split())
"""Role words: attached to a name, they make it an adult's, who may be named."""

ROLE_PHRASE = re.compile(
    r"\b(?:(?:case|program|project|office|regional|circuit|county|division|unit|training|licensing|adoption|"
    r"foster\s+care|older\s+youth|recruitment|family|youth|community|resource)\s+)?"
    r"(?:worker|workers|manager|managers|specialist|specialists|supervisor|supervisors|coordinator|coordinators|"
    r"director|directors|administrator|investigator|investigators|trainer|trainers|recruiter|recruiters|liaison|"
    r"staff|team|employee|employees|clerk|judge|judges|attorney|officer|officers|volunteer|volunteers|owner|"
    r"owners|president|chair|founder|pastor|leader|leaders|member|members|intern|interns|nurse|teacher|mentor|"
    r"photographer|partner|partners|sponsor|sponsors|donor|donors|legislator|representative|senator|mayor)\b"
    r"|\b(?:trabajador[ae]s?\s+(?:social(?:es)?|de\s+casos?)|supervisor[ae]s?|director[ae]s?|"
    r"coordinador[ae]s?|especialistas?|voluntari[ao]s?|dueñ[ao]s?|president[ae]s?|fundador[ae]s?|"
    r"gerentes?|jue[zc]e?s?|abogad[ao]s?|maestr[ao]s?|patrocinador[ae]s?|donantes?|socios?)\b",
    re.IGNORECASE,
)
"""A role after a name ("Dana Whitfield, adoption specialist", "Rick, owner of ...")."""

ADULT_ACTS = re.compile(
    r"^\W{0,3}(?:(?:and|&|y)\s+(?:(?:his|her|their|su)\s+(?:wife|husband|team|staff|esposa|esposo)|"
    r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)\s+)?"
    r"(?:(?:has|have|had|who|which|will|also|recently|generously|personally|just|both|each|is|are|was|were)\s+){0,3}"
    r"(?:donat|sponsor|organi[sz]|host|cater|volunteer|bak|cook|led\b|lead|gave|give|provid|found|own|run|ran|"
    r"spoke|speak|present|taught|teach|train|coordinat|collect|deliver|built|build|sew|knit|raise|rais|fund|"
    r"support|sponsor|cater|stock|hand(?:ed)?\s+out|handl|oversee|oversaw|process|"
    r"serv|work|manag|supervis|mentor|recruit|license|lic[ei]ns|retir|join|celebrat\w*\s+\d+\s+years|"
    r"donó|donaron|organiz|patrocin|cocin|hornea|dirig|fund|trabaj|sirv|coordin|ofrec|regal|entreg|prepar)",
)
"""Acts of an adult partner right after a name: "Marvin and Edna Schaefer donated ..."."""

AFFILIATION = re.compile(
    r"^(?:\s*,)?\s+(?:of|from|at|with|de|del|con)\s+(?:the\s+|la\s+|el\s+|our\s+)?[A-Z0-9]",
)
"""A name followed by where the person works or lives: "Rick Stahl of Nevada", "Ana de la Iglesia ..."."""

THANKED = re.compile(
    r"(?:thank\s+you|thanks|kudos|gracias|agradecemos|salute)"
    r"\s*(?:to|a|,)?\s*(?:our\s+(?:friends?\s+)?|the\s+)?$",
    re.IGNORECASE,
)
"""Thanking or congratulating someone by name: the agency thanks partners and staff, never children in care."""

FAMOUS = frozenset("""
mark twain|dolores huerta|martin luther king|cesar chavez|santa claus|juan diego|harry truman|harry s truman|
george washington|george washington carver|abraham lincoln|thomas hart benton|laura ingalls wilder|walt disney|
jesse james|langston hughes|maya angelou|mister rogers|fred rogers|rosa parks|frederick douglass|mother teresa|
virgen de guadalupe|nuestra senora de guadalupe|reyes magos|san jose|santa rosa|san juan|santa maria|
dr seuss|winnie the pooh|mickey mouse|peter pan|bob ross|dave thomas|eleanor roosevelt|ronald mcdonald
""".replace("\n", "").split("|"))
"""Public figures and saints whose names appear in event, school and church names."""

PARTICLES = frozenset({"de", "del", "la", "las", "los", "van", "von", "da", "di", "du", "le", "bin", "ibn", "y"})
"""Lower-case words inside a full name ("María de la Luz Ortiz")."""

ORG_END = frozenset("""
county counties city town village park street st avenue ave road rd boulevard blvd drive dr lane ln court ct way
plaza square library center centre hall house club university college hospital clinic church chapel cathedral
ministries ministry mission foundation fund association society council department division office agency services
program programme project network alliance coalition bank union inc llc co company group store market pantry
kitchen shelter museum stadium arena fair festival day days week month year awareness campaign team committee board
commission institute trust partnership partners initiative river lake creek valley hills heights mall building
tower airport station regional state national federal sheriff police fire district health learning resource
resources unit units licensing conference summit training workshop gala luncheon banquet night celebration ceremony
walk run expo parade ward stake ymca ywca drive pkwy parkway hwy highway blvd ln ct cir pl trl bill act law rights
award awards
scholarship proclamation courthouse courtroom capitol
elementary middle high school academy preschool montessori fellowship league guild lodge legion auxiliary chamber
rotary kiwanis lions optimist sorority fraternity scouts troop pack co-op cooperative hardware diner bakery cafe
restaurant grill bar pizza pizzeria salon studio shop boutique pharmacy farms farm dairy garage motors realty
insurance bancorp credit marketplace grocery foods supermarket tacos taqueria cantina panaderia tienda closet
gallery heart hearts auditorium gymnasium gym pavilion amphitheater ballroom lobby atrium annex wing
project press news radio tv magazine times tribune herald gazette journal cafe
cave caves trail trails springs spring lakes forest garden gardens zoo theater theatre cinema brewery winery
ranch estates apartments corner collective alliance circle network foundation's parish temple synagogue mosque
congregation tabernacle assembly baptist methodist lutheran presbyterian catholic episcopal pentecostal
nazarene adventist christian community family families kids children youth parents courier star democrat
missourian leader dispatch record register sentinel standard examiner chronicle review monitor post bulletin daily
weekly news-leader post-dispatch courier-star
""".split())
"""A capitalised run that ends with one of these is a place, event or organisation, not a person."""

ORG_START = frozenset("""
iglesia parroquia capilla templo ministerio ministerios fundacion asociacion club banco escuela colegio centro
biblioteca restaurante panaderia tienda taqueria universidad hospital clinica comite consejo alianza coalicion
red grupo casa hogar proyecto programa feria dia semana mes noche fiesta gala st saint san santa team camp
operation project fort mount mt lake port salon linea masjid mosque mezquita temple templo synagogue sinagoga
""".split())
"""A capitalised run that starts with one of these is a place or organisation ("Iglesia Vida Nueva")."""

# --------------------------------------------------------------------------- is it a child, or a family served?

MINOR_AGE = re.compile(
    r"\b(?P<age>\d{1,2})[-\s](?:years?|yrs?|yr)[-\s]old\b|\b(?:age|aged|edad)\s+(?P<age2>\d{1,2})\b|"
    r"\b(?:de\s+)?(?P<age3>\d{1,2})\s+años\b|\b(?P<age4>\d{1,2})-month-old\b|\b(?P<age5>\d{1,2})\s*(?:yo|y/o)\b|"
    r"[\"”’)]?\s\((?P<age6>\d{1,2})\)",
    re.IGNORECASE,
)
ATTACHED_AGE = re.compile(
    r"^\s*(?:,\s*(?:(?:a|an|now|just|only|ahora|un|una)\s+)?(?:age\s+|aged\s+|edad\s+)?|\(\s*(?:age\s+)?|,?\s*(?:who\s+|que\s+)?(?:is|was|turned|turns|"
    r"just\s+turned|tiene|cumplió|cumple)\s+(?:now\s+|only\s+|just\s+)?|,\s*de\s+)(?P<age>\d{1,2})\s*"
    r"(?:[,)'\"’”|!?;]|years?\b|años\b|$|\.|-year|\s+(?:and|y)\s)",
    re.IGNORECASE)
GRADE = re.compile(
    r"\b(?:\d{1,2}(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|"
    r"twelfth)[-\s]grade(?:r|rs)?\b|\bgrade\s+\d{1,2}\b|\bkindergart(?:en|ner)\b|\b(?:primer|segundo|tercer|"
    r"cuarto|quinto|sexto|s[eé]ptimo|octavo|noveno)\s+grado\b|\b\d{1,2}(?:er|o|º)\s+grado\b|\bsenior\s+year\b|"
    r"\bjunior\s+year\b|\bfreshman\b|\bsophomore\b|\bhigh\s+school\s+(?:diploma|graduat\w*)|\bGED\b|"
    r"\bgraduat(?:ed|es|ing)\s+(?:from\s+)?(?:high\s+school|middle\s+school|eighth\s+grade)|\bpreparatoria\b",
    re.IGNORECASE,
)
CHILD_NOUN = re.compile(
    r"\b(?:child|children|kid|kiddo|kids|boy|boys|girl|girls|son|sons|daughter|daughters|baby|babies|infant|"
    r"toddler|teen|teens|teenager|teenagers|youth|youths|student|students|sibling|siblings|brother|brothers|"
    r"sister|sisters|grandson|granddaughter|grandchild|grandchildren|grandkids|nephew|niece|minor|minors|newborn|"
    r"twins|preschooler|little\s+(?:one|guy|man|lady|girl|boy)|young\s+(?:man|woman|lady|person|people)|"
    r"niño|niña|niños|niñas|hijo|hija|hijos|hijas|bebé|bebe|joven|jóvenes|adolescente|adolescentes|menor|"
    r"menores|nieto|nieta|nietos|nietas|sobrino|sobrina|sobrinos|hermanit[oa]s?|gemel[oa]s|chamac[oa]s?)\b",
    re.IGNORECASE,
)
CHILD_BEFORE = re.compile(
    r"(?:\b(?:son|daughter|grandson|granddaughter|nephew|niece|baby|toddler|infant|newborn|little|lil['’]?|"
    r"(?:\w+[-\s])?grader|kindergartner|preschooler|freshman|sophomore|"
    r"stepson|stepdaughter|youth|teen|student|boy|girl|kiddo|sibling|brother|sister|"
    r"foster\s+(?:son|daughter|child|kid|youth|baby|brother|sister)|"
    r"hijo|hija|nieto|nieta|niño|niña|sobrino|sobrina|hermanito|hermanita|joven|bebé|pequeñ[oa])"
    r"(?:,)?\s+$)",
    re.IGNORECASE,
)
"""A child noun right before a name: "foster son Luca", "little Beau", "la niña Génesis"."""

CHILD_AFTER = re.compile(
    r"^(?:,\s*(?:(?:a|an|our|the|now|un|una|el|la|nuestr[oa])\s+)?|\s+(?:is|was|who\s+is|who's|es)\s+"
    r"(?:(?:a|an|our|the|now|un|una|el|la|nuestr[oa])\s+)?)"
    r"(?:(?:\w+[-\s]year[-\s]old|\d{1,2}(?:st|nd|rd|th)?|(?!(?:with|for|about|to|of|in|at|on|who|that|and|or|"
    r"works?|serves?|helps?|mentors?|leads?|teaches|coaches|supports?|trains?|visits?)\b)(?-i:[a-z][\w-]*))\s+){0,2}?"
    r"(?:son|daughter|grader|kindergartner|preschooler|grandson|granddaughter|nephew|niece|baby|toddler|infant|kid|kiddo|boy|girl|teen|"
    r"teenager|youth|student|senior|junior|sophomore|freshman|graduate|grad|sibling|brother|sister|twin|"
    r"niño|niña|joven|hijo|hija|nieto|nieta|bebé|estudiante|adolescente|sobrin[oa])\b"
    r"(?!\s+(?-i:[A-Z])|\s+(?:advisory|board|council|program|programme|specialist|coordinator|ambassador|leader|"
    r"mentor|worker|services|advocate|liaison)\b)",
    re.IGNORECASE,
)
"""A child noun in apposition after a name: "Jayden, a shy 7-year-old", "Génesis, una niña"."""

RELATIVE_BEFORE = re.compile(
    r"(?:\b(?:birth\s+(?:mom|mother|dad|father|parents?)|bio(?:logical)?\s+(?:mom|mother|dad|father|parents?)|"
    r"(?:his|her|their|the\s+child's|the\s+children's|su|sus)\s+(?:mom|mother|dad|father|parents?|grandma|"
    r"grandmother|grandpa|grandfather|aunt|uncle|cousin|madre|padre|mamá|papá|abuel[ao]|tí[ao]|prim[ao])|"
    r"grandma|grandmother|grandpa|grandfather|granny|nana|papaw|mamaw|aunt|auntie|uncle|abuel[ao]|abuelit[ao]|"
    r"tía|tío|tia|tio|mamá|papá|madrina|padrino|kinship\s+(?:caregiver|parent|mom|dad)s?|relative|relatives|"
    r"(?<!foster\s)(?<!adoptive\s)(?<!resource\s)(?-i:Dad|Mom|Mama|Papa|Daddy|Mommy))"
    r"(?:,)?\s+$)",
    re.IGNORECASE,
)
"""A relative's role right before a name: birth parents and kinship caregivers are families served."""

FOSTER_PARENT = re.compile(
    r"\b(?:foster|adoptive|resource|licensed|kinship)\s+(?:parents?|moms?|dads?|mothers?|fathers?|families|"
    r"family|homes?|caregivers?)\b|\bfoster\s+parents?\s+of\s+the\s+year\b|\b(?:padres|madres|familias?)\s+"
    r"(?:de\s+crianza|temporales|adoptiv[ao]s|de\s+acogida)\b|\bmadre\s+de\s+crianza\b|\bpadre\s+de\s+crianza\b",
    re.IGNORECASE,
)
"""Foster and adoptive parents: named and thanked for their service they may be; with details of
the children placed with them they are a family the agency serves."""

# Care contexts. SPECIFIC ones tell one child's or family's story; GENERIC ones speak of care in
# general (recruitment, awareness, training). Both make a named child a child in care, but an
# unknown name (no role, no age) is reported only with a specific one or in the same sentences.
CARE_SPECIFIC = re.compile(
    r"\b(?:adopted|got\s+adopted|adopt(?:ed|ing)\s+(?:him|her|them)|finali[sz](?:ed|ing|e)\s+(?:his|her|their|"
    r"your|the)?\s*adoption|(?:his|her|their|your)\s+adoption|adoption\s+(?:was\s+)?finali[sz]ed|forever\s+(?:family|home)|"
    r"(?:came|come|coming|entered|entering|enter|went|brought)\s+into\s+(?:foster\s+|state\s+|our\s+)?care|"
    r"entered\s+(?:foster\s+)?care|in\s+(?:foster|state|our|out[-\s]of[-\s]home|kinship|protective)\s+(?:care|"
    r"custody)|(?:is|was|has\s+been|had\s+been|been|while|still|now|currently)\s+in\s+care|in\s+care\s+(?:for|since)|"
    r"(?:was|were|been|being|got)\s+(?:placed|removed|adopted|reunified|reunited)|placed\s+(?:(?:him|her|them|"
    r"[A-Z][\w'’-]+(?:,\s*\d{1,2},)?)\s+)?"
    r"(?:with|in|together)|\d+\s+(?:years?|months?|weeks?|days?)\s+in\s+(?:foster\s+)?care|"
    r"\d+\s+(?:años|meses|semanas|d[ií]as)\s+en\s+(?:cuidado|un\s+hogar)|"
    r"placement\s+(?:with|in|change|move|moves|disruption)|(?:been\s+in|had|through|lived\s+in)\s+(?:\d+|two|three|four|"
    r"five|six|seven|eight|nine|ten)\s+(?:placements|foster\s+homes|homes)|removed\s+from|removal|taken\s+into\s+(?:custody|care)|custody\s+of|regain(?:ed|s)?\s+"
    r"custody|(?:state|protective|temporary|legal)\s+custody|aged?\s+out|aging\s+out|age\s+out|"
    r"reunif(?:ied|ication)|reunited|going\s+home\s+to|went\s+home\s+to|returned\s+home|return\s+home|"
    r"(?:living|lives|live|staying|stays|moved\s+in)\s+with\s+(?:(?:his|her|their|an?|the)\s+)?"
    r"(?:relatives?|grandparents?|grandma|grandmother|grandpa|aunt|auntie|uncle|cousins?|kin|family\s+friend)|"
    r"hotline\s+(?:report|call|calls|reports)|(?:report|call)\s+to\s+the\s+hotline|investigat(?:ion|ed|ing)|"
    r"substantiated|residential\s+(?:treatment|facility|program)|transitional\s+living|independent\s+living\s+"
    r"(?:program|apartment)|group\s+home|out[-\s]of[-\s]home\s+care|kinship\s+(?:placement|home)|"
    r"(?:termination\s+of\s+)?parental\s+rights|\bTPR\b|guardian\s+ad\s+litem|\bGAL\b|"
    r"(?:CASA|court[-\s]appointed\s+(?:special\s+)?advocate)\s+(?:volunteer\s+)?(?:for|assigned|who\s+advocates)|"
    r"advocat(?:e|es|ed|ing)\s+for\s+(?:him|her|them)|court\s+(?:hearing|date|case)|case\s*plan|"
    r"foster\s+(?:son|daughter|child|kid|baby|brother|sister|mom|dad|mother|father|home|placement)\b"
    r"(?!\s+(?:licensing|recruitment|training|stud(?:y|ies)|parents?|families|inspections?|applications?))|"
    r"(?:taking|took|take|takes|taken)\s+in\s+(?:(?:his|her|their|two|three|four|five|\d+|a|an)\s+)?(?:\w+\s+)?"
    r"(?:siblings|kids|children|brothers|sisters|grandchildren|grandkids|nieces?|nephews?|baby|newborn|teens?)|"
    r"(?:his|her|their|your)\s+(?:new\s+|current\s+|first\s+|last\s+|next\s+)?(?:caseworker|case\s*worker|case\s+manager|CASA|GAL|placement|foster|case|"
    r"adoptive|birth\s+(?:mom|mother|dad|father|parents?)|bio\s+(?:mom|dad))|"
    r"abused|neglected|maltreated|(?:abuse|neglect)\s+(?:case|report|allegations?)|"
    r"safety\s+plan|gotcha\s+day|(?:called|call|calls|calling|reported|report)\s+(?:to\s+)?the\s+hotline\s+(?:about|on|for)|"
    r"(?:called|reported\s+(?:it\s+)?to)\s+the\s+hotline|bruis(?:es|ed|ing)\s+on|"
    r"(?:her|his|their)\s+(?:\w+\s+){0,2}(?:kids|children|sons?|daughters?|babies)\s+(?:\w+\s+){0,3}?"
    r"(?:came|come|coming|returned|went|going|are\s+back|were\s+returned)\s+home|\bTLP\b|\bILP\b|(?:family\s+)?treatment\s+court|drug\s+court|(?:came|come|coming|went|going)\s+home\s+from\s+(?:foster\s+)?care|emergency\s+placement|"
    r"placement\s+of\s+(?:a|an|the|two|three|four|\d+)\s+|(?:report|reporte)\s+(?:of|de)\s+(?:abuse|neglect|abuso|"
    r"negligencia|maltrato)|(?:abuse|neglect)\s+(?:report|investigation|hotline)|guardi[aá]n\s+ad\s+litem|ad\s+litem|"
    r"visitas?\s+(?:con|supervisadas)|(?:waiting|looking|hoping|waits)\s+for\s+(?:a|an|his|her|their)\s+(?:forever\s+|adoptive\s+|loving\s+|"
    r"permanent\s+)?(?:family|home|parents?|mom|dad)|needs?\s+(?:a|an)\s+(?:forever|adoptive|loving|permanent|patient|"
    r"active)\s+(?:family|home|parents?)|would\s+thrive\s+(?:with|in)\s+(?:a|an)\b|"
    r"(?:espera|busca|necesita)\s+(?:una|un)\s+(?:familia|hogar)|visits?\s+with\s+(?:his|her|their)\s+(?:mom|dad|mother|father|parents|siblings|brother|sister)|"
    # Spanish
    r"adoptad[ao]s?|fue\s+adoptad[ao]|adopt[oó]|adoptaron|su\s+adopci[oó]n|adopci[oó]n\s+(?:se\s+)?finaliz|familia\s+para\s+siempre|"
    r"(?:entr[oó]|lleg[oó]|ingres[oó])\s+(?:al?\s+)?(?:cuidado|sistema)|bajo\s+(?:el\s+)?cuidado\s+(?:del\s+estado|"
    r"de\s+crianza|temporal)|en\s+cuidado\s+de\s+crianza|en\s+(?:un\s+)?hogar\s+(?:de\s+crianza|temporal)|"
    r"hogar\s+de\s+crianza|acogid[ao]s?|retirad[ao]s?\s+del?|colocaci[oó]n|colocad[ao]s?|intervino|parentesco|recuper[oó]\s+la\s+custodia|custodia\s+de|"
    r"reunificaci[oó]n|reunid[ao]s?\s+con|volvi[oó]\s+a\s+casa|(?:vive|viven|vivir)\s+con\s+(?:su|sus)\s+"
    r"(?:abuel[ao]s?|tí[ao]s?|familiares|parientes)|l[ií]nea\s+directa|investigaci[oó]n|tratamiento\s+residencial|"
    r"vida\s+independiente|patria\s+potestad|derechos\s+parentales|audiencia|tutor\s+ad\s+litem|"
    r"su\s+(?:trabajador[a]?\s+social|caso|familia\s+de\s+crianza|mam[aá]\s+de\s+crianza|pap[aá]\s+de\s+crianza)|"
    r"cumpli[oó]\s+(?:la\s+)?mayor[ií]a\s+de\s+edad\s+en)\b",
    re.IGNORECASE,
)
AGES = re.compile(r"\b(?:ages?|edades|de)\s+\d{1,2}(?:\s*(?:-|to|and|y|,)\s*\d{1,2})+\b|\b\d{1,2}\s*(?:,|and|y)\s*"
                  r"\d{1,2}\s+(?:years?\s+old|años)\b", re.IGNORECASE)
"""Ages of several children ("ages 4 and 7", "de 4, 7 y 9 años"): details of a sibling group."""

GROUP_IN_CARE = re.compile(
    r"\b(?:kids|children|youth|teens|teenagers|families|students|young\s+people|those|people|boys|girls|siblings|"
    r"infants|babies|every\s+child|any\s+child|each\s+child|\d[\d,]*|ni[ñn]os|j[oó]venes|familias|caseload|career|"
    r"work|works|worked|working|job|years|experience|decades?|unit|team|staff|specialist)\s+(?:who\s+are\s+|"
    r"currently\s+|now\s+|que\s+est[aá]n\s+)?(?:in|en)\s+(?:foster\s+|state\s+|our\s+|out[-\s]of[-\s]home\s+|kinship\s+|"
    r"protective\s+)?(?:care|custody|cuidado)", re.IGNORECASE)
"""Children *in care* as a group ("kids in foster care"): care in general, not one child's story."""

CARE_GENERIC = re.compile(
    r"\b(?:foster(?:ed|ing)?|placed|open(?:ed|s)?\s+(?:their|her|his)\s+(?:home|doors?|hearts?\s+and\s+home)|"
    r"abri(?:r|eron|ó)\s+su\s+hogar|adopt(?:ion|ions|ive|ing)?|in\s+care|custody|placements?|kinship|permanency|"
    r"abuse[ds]?|abusive|neglect(?:ed|ful)?|maltreatment|guardianship|juvenile\s+court|CASA|"
    r"crianza|adopci[oó]n|adoptiv[ao]s?|custodia|abuso|negligencia|maltrato|cuidado\s+temporal)\b",
    re.IGNORECASE,
)

ADULT_WORLD = re.compile(
    r"\b(?:retire\w*|retirement|years?\s+of\s+service|career|promot(?:ed|ion)|hired|award\w*|honoree|"
    r"of\s+the\s+(?:year|month)|luncheon|banquet|keynote|testif\w+|legislat\w+|board\s+(?:chair|member)|owner|owns|"
    r"business|company|employer|colleagues?|co-?workers?|husband|wife|spouse|jubilaci[oó]n|jubil\w+|premio|homenaje|"
    r"negocio|due[ñn][oa]|esposo|esposa|master(?:'?s|\s+of)|bachelor'?s|degree|doctorate|msw|bsw|phd|caseload|licenciatura|"
    r"(?:working|works|worked)\s+(?:full|part)[-\s]time|"
    r"maestr[ií]a)\b", re.IGNORECASE)
"""Words of an adult's world: a named person whose sentence speaks of them (and of no child) is an adult."""

CHILD_NOUN_SINGULAR = re.compile(
    r"\b(?:child|kid|kiddo|boy|girl|son|daughter|baby|infant|toddler|teen|teenager|youth|student|grandson|"
    r"granddaughter|nephew|niece|minor|newborn|little\s+one|young\s+(?:man|woman|lady)|"
    r"niño|niña|hijo|hija|bebé|joven|adolescente|nieto|nieta|sobrin[oa])\b", re.IGNORECASE)
"""A child noun: then the adult-world rule does not apply."""

GREETINGS_AND_FUNCTION = frozenset("""
our your their his her its a an one two three four five six seven eight nine ten eleven twelve thirteen fourteen
fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred many
some all every each new local young older other these those foster adoptive birth biological kinship resource host
military rural grieving working single blended hispanic latino latina black white asian native american spanish
english this that the welcome thank thanks join please meet congratulations congrats dear happy merry families
family missouri kansas illinois arkansas iowa nebraska oklahoma kentucky tennessee texas state when where what who
why how if so but and or yes no not we you they he she it i me my mine us them there here today tomorrow tonight
yesterday now then after before during since until while because about above across again all also always am
are as at be been being both can could did do does done each few for from get got had has have having in into is
just let like made make more most much must need never next of off on once only or out over own same should still
such than too under up upon very was were what will with would big little great good best huge special free
el la los las un una unos unas del al de en y o con por para su sus nuestro nuestra nuestros nuestras este esta
estos estas ese esa hoy mañana gracias felicidades bienvenidos feliz muchas muchos todo todos toda todas mas muy
que quien como cuando donde si no sr sra dr lic st pm am monday tuesday wednesday thursday friday saturday sunday
january february march april may june july august september october november december lunes martes miercoles
jueves viernes sabado domingo enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre
diciembre ed edu dia day night xin chao aloha shalom namaste salaam salam marhaba konnichiwa annyeong jambo habari
bonjour
merci danke omg lol asante sana grazie obrigado wado miigwech ramadan eid mubarak diwali hanukkah kwanzaa
juneteenth
""".split())
"""Words that start sentences or greetings in capitals: never the first word of a name."""

TITLES_AND_HONORIFICS = TITLES | HONORIFICS
GREEK_LETTERS = frozenset("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho "
                          "sigma tau upsilon phi chi psi omega".split())
