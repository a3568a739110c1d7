"""The confidentiality guard measured on posts written by people who never read its code.

``tests/corpus/guard/`` holds labelled submissions written from the README and the issue alone
by twenty-seven independent writers, each with a different brief (a caseworker's voice; casual
social-media style; Spanish and bilingual; deliberate evasion; precision traps; a professional
voice; quick phone drafts; near-identical pairs; newsletters; rural offices and older youth;
partners' own words; a bilingual community; milestones; news coverage; people-heavy clean posts;
older youth; small slips; photo captions and job postings; short X posts; city offices; faith and
civic partners; family stories; schools and health partners; agency-wide campaigns; evasion round
two; a Spanish caseworker voice; places and organisations).
Before the rules saw a writer's posts, a script put a random quarter of them in ``holdout/``;
the rules are tuned on ``dev/`` only and nobody reads ``holdout/`` while tuning. Both figures
are printed on every ``make test``, separately: the held-out one is the honest one.

Each post goes through the whole ``postdesk check`` as a real submission in a real
repository (title, body, hashtags, photo alt texts, event location, file name), and counts
as caught when the check reports at least one confidentiality error.

The assertions are a ratchet, not the target: the figures may not fall below the ones
recorded in :data:`FLOOR` (the issue's target is 95% recall and at most 3% false errors on
the held-out part; the README's "Measured" section says where the guard stands).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from PIL import Image

from postdesk.check import check_submissions

from .conftest import TODAY, make_repo, render, valid_front

CORPUS = Path(__file__).parent / "corpus" / "guard"
FLOOR = {"dev": (0.98, 0.01), "holdout": (0.91, 0.08)}
"""Per part: (lowest recall, highest false-error rate) accepted; raised as the guard improves."""


def load(part: str) -> list[dict]:
    items = []
    for file in sorted((CORPUS / part).glob("*.yml")):
        for item in yaml.safe_load(file.read_text(encoding="utf-8")):
            items.append({**item, "brief": file.stem})
    return items


def _slug(item: dict) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", str(item.get("slug") or "post").lower()).strip("-") or "post"
    return slug[:70]


def submission_for(item: dict, number: int) -> tuple[str, str]:
    """The file name and text of a real submission carrying every field of ``item``."""
    title = str(item.get("title") or "A post from the field")
    title = title if len(title) >= 5 else f"{title} (post)"
    category = item.get("category") if item.get("category") in (
        "event", "partnership", "recognition", "announcement") else "announcement"
    changes = {"title": title[:120], "category": category, "hashtags": [
        re.sub(r"[^\w]", "", str(tag), flags=re.UNICODE) for tag in item.get("hashtags") or []
        if re.sub(r"[^\w]", "", str(tag), flags=re.UNICODE)] or None, "link": None, "images": None,
        "time_sensitive": None, "post_by": None, "post_after": None}
    if category == "event" or item.get("location"):
        changes["category"] = "event" if category == "event" else category
        event = {"date": "2030-08-10"}
        if item.get("location"):
            event["location"] = str(item["location"])
        changes["event"] = event
    else:
        changes["event"] = None
    if changes["category"] != "event" and changes["event"] is not None:
        changes["category"] = "event"
    alts = [str(alt) for alt in item.get("alt") or []][:4]
    if alts:
        changes["images"] = [{"file": f"media/guard-{number}-{i}.jpg", "alt": alt[:1000], "people": "none"}
                             for i, alt in enumerate(alts)]
    name = f"2026-11-20-{_slug(item)}-{re.sub(r'[^a-z0-9]+', '-', str(item.get('id', number)).lower())}.md"
    return name, render(valid_front(**changes), str(item.get("text") or "").strip() or "(no text)")


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, list[tuple[dict, bool, list]]]:
    """part -> [(item, caught, confidentiality errors)] for every corpus post, checked in one repository."""
    repo = make_repo(tmp_path_factory.mktemp("guard") / "repo")
    media = repo.root / "content" / "media"
    parts: dict[str, list[tuple[dict, str]]] = {}
    number = 0
    for part in ("dev", "holdout"):
        for item in load(part):
            number += 1
            name, text = submission_for(item, number)
            for i, _alt in enumerate(item.get("alt") or []):
                if i < 4:
                    Image.new("RGB", (1200, 800), (60 + 10 * i, 120, 90)).save(media / f"guard-{number}-{i}.jpg")
            (repo.root / "content" / "submissions" / name).write_text(text, encoding="utf-8")
            parts.setdefault(part, []).append((item, f"content/submissions/{name}"))
    # One process: forking a pool inside a test run that already holds threads (loopback servers,
    # a browser driver) can deadlock.
    report = check_submissions(repo.config, [path for items in parts.values() for _, path in items], today=TODAY,
                               workers=1)
    by_path = {result.path: result for result in report.files}
    measured = {}
    for part, items in parts.items():
        rows = []
        for item, path in items:
            found = [f for f in by_path[path].findings if f.is_error and f.rule.startswith("confidentiality.")]
            rows.append((item, bool(found), found))
        measured[part] = rows
    repo.git.close()
    return measured


def figures(rows: list[tuple[dict, bool, list]]) -> tuple[float, float, int, int, int, int]:
    flag = [r for r in rows if r[0]["expect"] == "flag"]
    keep = [r for r in rows if r[0]["expect"] == "pass"]
    caught = sum(r[1] for r in flag)
    false = sum(r[1] for r in keep)
    return caught / max(len(flag), 1), false / max(len(keep), 1), caught, len(flag), false, len(keep)


@pytest.mark.parametrize("part", ["dev", "holdout"])
def test_guard_recall_and_false_errors_on_posts_it_never_saw(results, part, capsys):
    rows = results[part]
    assert len(rows) >= (400 if part == "dev" else 130)
    recall, false_rate, caught, flagged, false, kept = figures(rows)
    by_brief = {}
    for brief in sorted({r[0]["brief"] for r in rows}):
        r, f, *_counts = figures([row for row in rows if row[0]["brief"] == brief])
        by_brief[brief] = f"{brief} {r:.0%}/{f:.0%}"
    with capsys.disabled():
        print(f"\nguard corpus, {part}: recall {recall:.1%} ({caught}/{flagged} must-flag posts caught), "
              f"false errors {false_rate:.1%} ({false}/{kept} clean posts blocked); by writer (recall/false): "
              + ", ".join(by_brief.values()))
        if part == "dev":  # never the held-out ids: nobody reads them while tuning
            missed = [r[0]["id"] for r in rows if r[0]["expect"] == "flag" and not r[1]]
            blocked = [r[0]["id"] for r in rows if r[0]["expect"] == "pass" and r[1]]
            print(f"  dev missed: {' '.join(missed)}\n  dev wrongly blocked: {' '.join(blocked)}")
    lowest_recall, highest_false = FLOOR[part]
    assert recall >= lowest_recall and false_rate <= highest_false
