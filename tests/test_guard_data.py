"""The confidentiality guard's word lists (made by scripts/build_guard_data.py), read as plain files.

These tests do not use the guard's loader: they check the committed data itself — that each file
is there and sane in size, folded the way the guard folds text, and free of the overlaps that
would make the guard wrong.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tools" / "postdesk" / "checks" / "confidentiality" / "data"
LISTS = ("given_names.txt", "surnames.txt", "places.txt", "common_words.txt", "org_words.txt")


def _read(name: str) -> tuple[list[str], list[str]]:
    raw = (DATA / name).read_bytes()
    text = gzip.decompress(raw).decode("utf-8") if name.endswith(".gz") else raw.decode("utf-8")
    lines = text.splitlines()
    return [ln for ln in lines if ln.startswith("#")], [ln for ln in lines if ln and not ln.startswith("#")]


def _entries(name: str) -> set[str]:
    return set(_read(name)[1])


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c) and c not in "'’").lower()


@pytest.mark.parametrize("name", [*LISTS, "dictionary.txt.gz"])
def test_each_file_loads_with_a_header_naming_its_source(name):
    header, entries = _read(name)
    assert header, f"{name} has no '#' header"
    text = " ".join(header).lower()
    assert "source" in text
    assert "public domain" in text or "mit" in text.split() or "(mit" in text or "mit)" in text
    assert "build_guard_data.py" in text
    assert entries == sorted(entries), f"{name} is not sorted"
    assert len(entries) == len(set(entries)), f"{name} has duplicates"


@pytest.mark.parametrize("name", LISTS)
def test_header_count_matches_the_entries(name):
    header, entries = _read(name)
    counts = [int(m.group(1).replace(",", "")) for line in header if (m := re.search(r"Count: ([\d,]+)", line))]
    assert counts == [len(entries)]


def test_sizes_are_sane():
    assert len(_entries("given_names.txt")) > 20_000
    assert len(_entries("surnames.txt")) > 50_000
    assert 100 < len(_entries("org_words.txt")) < 1_000
    assert 1_000 < len(_entries("common_words.txt")) < len(_entries("given_names.txt"))
    header, places = _read("places.txt")
    missouri = [int(m.group(1).replace(",", ""))
                for line in header if (m := re.search(r"([\d,]+) Missouri places", line))]
    assert missouri and missouri[0] > 900
    assert len(places) > missouri[0]
    assert len(_entries("dictionary.txt.gz")) > 50_000


def test_files_stay_small():
    sizes = {path.name: path.stat().st_size for path in DATA.iterdir() if path.name.endswith((".txt", ".txt.gz"))}
    assert all(size < 1_000_000 for size in sizes.values()), sizes
    assert sum(sizes.values()) < 2_000_000, sizes


@pytest.mark.parametrize("name", [*LISTS, "dictionary.txt.gz"])
def test_entries_are_folded_like_the_guard_folds_text(name):
    for entry in _entries(name):
        assert entry == _fold(entry), f"{name}: {entry!r} is not lowercase and accent-folded"
        assert entry == entry.strip() and "  " not in entry, f"{name}: {entry!r} has stray spaces"
        assert not any(unicodedata.combining(c) for c in entry)
        if name != "places.txt":
            assert " " not in entry, f"{name}: {entry!r} is not one word"
        assert re.fullmatch(r"[a-z]+(?:[- ][a-z]+)*", entry), f"{name}: {entry!r}"


def test_missouri_places_and_counties_are_places():
    places = _entries("places.txt")
    for place in ("jefferson city", "st louis", "saint louis", "kansas city", "sedalia", "nixa", "holden",
                  "kingsville", "centerview", "eugene", "hannibal", "mexico", "paris", "nevada", "lake ozark",
                  "cape girardeau", "lees summit", "ofallon", "poplar bluff", "springfield", "joplin", "columbia"):
        assert place in places, place
    counties = ("pettis", "johnson", "cass", "st charles", "ste genevieve", "st francois", "new madrid",
                "mcdonald", "dekalb", "ozark", "ripley", "cape girardeau")
    for county in counties:
        assert county in places, county
        assert f"{county} county" not in places, county
    for other in ("missouri", "kansas", "illinois", "wichita", "topeka", "omaha", "little rock", "memphis",
                  "chicago", "new york"):
        assert other in places, other


def test_everyday_names_need_more_evidence():
    given, common = _entries("given_names.txt"), _entries("common_words.txt")
    for word in ("hope", "grace", "will", "esperanza", "faith", "joy", "paloma", "luz", "paz", "dolores"):
        assert word in common, word
    for name in ("jayden", "maria", "nevaeh", "john", "mary", "james", "jose", "jennifer", "mia"):
        assert name in given, name
        assert name not in common, name


def test_modern_and_spanish_given_names():
    given = _entries("given_names.txt")
    for name in ("nevaeh", "jayden", "zion", "jax", "keandre", "nizhoni", "citlali", "ximena", "yaretzi",
                 "guadalupe", "jesus", "alejandro", "itzel", "yesenia", "sofia", "mateo"):
        assert name in given, name


def test_every_earlier_given_name_is_kept():
    base = {ln for ln in (REPO / "scripts" / "guard_data" / "given_names_base.txt").read_text("utf-8").splitlines()
            if ln and not ln.startswith("#")}
    assert len(base) > 5_000
    assert base <= _entries("given_names.txt")


def test_no_overlap_errors():
    given, surnames, common = _entries("given_names.txt"), _entries("surnames.txt"), _entries("common_words.txt")
    places, org = _entries("places.txt"), _entries("org_words.txt")
    # common_words marks names: every entry must be a name.
    assert common <= given | surnames, sorted(common - given - surnames)[:20]
    # Function words are never names, and words the team removed stay out.
    never = {"the", "and", "of", "to", "is", "it", "you", "que", "los", "las", "para", "con", "por", "el"}
    assert not never & (given | surnames)
    assert not {"an", "in", "my", "so", "son", "sun", "man"} & given
    # SSA placeholders for unnamed babies are not names.
    assert not {"baby", "infant", "unknown", "babyboy", "babygirl", "notnamed"} & given
    # An organisation word that is also a given name must be marked everyday.
    assert org & given <= common, sorted(org & given - common)
    # Organisation words are single words, places never say "county".
    assert all(" " not in w for w in org)
    assert "county" not in places
