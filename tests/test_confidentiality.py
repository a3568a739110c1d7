"""The confidentiality guard: every rule failing and passing, the labelled corpus, the policy."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
import yaml

from postdesk.checks.confidentiality import scan_text
from postdesk.cli import main
from postdesk.config import ConfidentialityPolicy

from .conftest import rules, settings, valid_front

CORPUS = Path(__file__).parent / "corpus" / "confidentiality"
AGENCY = ConfidentialityPolicy(allowed_email_domains=("dss.mo.gov",), allowed_phones=("1-800-392-3738",))


def errors(text: str, policy: ConfidentialityPolicy = AGENCY, **kwargs) -> list[str]:
    return sorted(h.rule.split(".", 1)[1] for h in scan_text(text, policy=policy, **kwargs) if h.severity == "error")


def warnings(text: str, policy: ConfidentialityPolicy = AGENCY, **kwargs) -> list[str]:
    return sorted(h.rule.split(".", 1)[1] for h in scan_text(text, policy=policy, **kwargs) if h.severity == "warning")


# --- the labelled corpus -------------------------------------------------------------------

def test_corpus_recall_and_false_errors(capsys):
    entries = yaml.safe_load((CORPUS / "texts.yml").read_text(encoding="utf-8"))
    flag = [e for e in entries if e["expect"] == "flag"]
    keep = [e for e in entries if e["expect"] == "pass"]
    assert len(flag) >= 30 and len(keep) >= 30
    missed = [e["id"] for e in flag if e["rule"] not in errors(e["text"], venue=e.get("location", ""))]
    false = [e["id"] for e in keep if errors(e["text"], venue=e.get("location", ""))]
    recall = (len(flag) - len(missed)) / len(flag)
    false_rate = len(false) / len(keep)
    with capsys.disabled():
        print(f"\nconfidentiality corpus: recall {recall:.0%} ({len(flag) - len(missed)}/{len(flag)} must-flag texts "
              f"get the expected error), false errors {false_rate:.0%} ({len(false)}/{len(keep)} must-pass texts)")
    assert missed == []
    assert false == []


# --- names with a care context --------------------------------------------------------------

@pytest.mark.parametrize(
    "text",
    [
        "Congratulations to Jayden, 16, who graduated while in foster care!",
        "We celebrated Maria Lopez's adoption today.",
        "Meet Tyrese. He has been in care for two years and loves basketball.",
        "The Johnson family, whose children were removed last spring, is reunited.",
        "Our 7-year-old friend Sofia found a forever family.",
        "María, de 7 años, encontró un hogar de crianza.",
        "A big thank you to Ms. Carter for welcoming her foster son home.",
        "Zyaire, 9, moved to a kinship placement this week.",
        "Caseworker Dana Whitfield placed Jayden, 7, with his grandmother.",
    ],
)
def test_child_identified(text):
    assert "child-identified" in errors(text)


@pytest.mark.parametrize(
    "text",
    [
        "Caseworker Dana Whitfield has helped 40 children find adoptive homes. Thank you, Dana!",
        "Please welcome our new foster care supervisor, Angela Brooks.",
        "Judge Patricia Nolan presided over 23 adoptions on National Adoption Day.",
        "Over 13,000 children are in foster care in Missouri.",
        "We hope families will join us in June for Foster Care Awareness Month.",
        "Thank you to the Boys & Girls Club of Cole County for hosting our foster families.",
        "Students in grades K-12 can pick up supplies at Lincoln University.",
        "Youth ages 14 to 21 who are aging out of care can apply for Chafee funds.",
    ],
)
def test_no_false_alarm(text):
    assert errors(text) == []


def test_allowed_names_and_the_submitters_own_name():
    text = "Jordan Reyes, who came into foster care at 12, spoke at the library."
    assert errors(text, policy=ConfidentialityPolicy()) == ["child-identified"]
    assert errors(text, policy=ConfidentialityPolicy(allowed_names=("Jordan Reyes",))) == []
    assert errors(text, policy=ConfidentialityPolicy(), known_adults=["Jordan Reyes"]) == []


@pytest.mark.parametrize("text", ["Liam is a great kid who loves soccer.",
                                  "Emma, a 3rd grader at Lincoln Elementary, won the spelling bee."])
def test_name_near_a_child_word_without_care_context_is_a_warning(text):
    """A named child with no word of care anywhere in the post is not identified as a child in care
    (partners' events name prize winners with a release); reviewers still see a warning."""
    assert errors(text) == []
    assert warnings(text) == ["name-near-child"]


def test_adjacent_sentence_counts_and_distant_does_not():
    assert errors("Meet Tyrese. He has been in foster care since May.") == ["child-identified"]
    far = "Meet Tyrese, our new intern. He studies accounting. He likes jazz. Foster care month is in May."
    assert errors(far) == []


# --- identifiers ----------------------------------------------------------------------------

def test_ssn_is_masked():
    hits = scan_text("Her SSN is 123-45-6789.", policy=AGENCY)
    assert [h.rule for h in hits] == ["confidentiality.ssn"]
    assert "***-**-6789" in hits[0].message and "123-45" not in hits[0].message


def test_date_of_birth():
    hits = scan_text("DOB 03/14/2015, please keep confidential.", policy=AGENCY)
    assert [h.rule for h in hits] == ["confidentiality.date-of-birth"]
    assert "03/14" not in hits[0].message and "2015" in hits[0].message
    assert errors("On March 14, 2026 we celebrate Adoption Day.") == []


@pytest.mark.parametrize(
    "text",
    ["See case number 2024-JU-00123.", "DCN 123456789 was closed.", "Client ID A12345 moved.",
     "Docket 24JV-CC00012 is set.", "Court order no. 2023-456 applies.", "El número de caso 2024-JU-00981 cerró."],
)
def test_case_numbers(text):
    hits = [h for h in scan_text(text, policy=AGENCY) if h.rule == "confidentiality.case-number"]
    assert len(hits) == 1
    assert "*" in hits[0].message


def test_extra_identifier_patterns_come_from_the_policy():
    text = "Intake R-99812 is complete."
    assert errors(text) == []
    assert errors(text, policy=ConfidentialityPolicy(extra_identifier_patterns=(r"\bR-\d{5}\b",))) == ["case-number"]


def test_street_address_unless_it_is_the_venue_or_allowed():
    text = "Join us at 201 West Capitol Avenue for the drive."
    assert errors(text) == ["street-address"]
    assert errors(text, venue="Capitol Plaza, 201 W Capitol Ave, Jefferson City") == []
    assert errors(text, policy=ConfidentialityPolicy(allowed_addresses=("201 W. Capitol Ave",))) == []
    assert errors("The family lives at 1423 Maple Ave in Fulton.", venue="Capitol Plaza") == ["street-address"]


def test_phones_and_emails_are_warnings_unless_allowed():
    assert warnings("Call 573-555-0142 or write to jo@gmail.com.") == ["email", "phone"]
    assert warnings("Call the hotline at 1-800-392-3738 or write to help@dss.mo.gov.") == []
    hit = next(h for h in scan_text("Call 573-555-0142.", policy=AGENCY))
    assert "***-***-0142" in hit.message


# --- through postdesk check ------------------------------------------------------------------

def test_every_field_is_scanned_with_its_line(repo, check_one):
    front = valid_front(
        title="Jayden's adoption day at Capitol Plaza",
        hashtags=["JaydenComesHome", "AdoptionDay"],
        text={"x": "Case number 2024-JU-00123 is closed."},
    )
    findings = [f for f in check_one(front) if f.rule.startswith("confidentiality.")]
    by_rule = {(f.rule, f.message.rsplit("(in ", 1)[-1].rstrip(")")) for f in findings}
    assert ("confidentiality.child-identified", "'Title'") in by_rule  # the form's labels, not the file's keys
    assert ("confidentiality.child-identified", "'Hashtags'") in by_rule
    assert ("confidentiality.case-number", "'Text for X'") in by_rule
    title = next(f for f in findings if "(in 'Title')" in f.message)
    assert (title.line, title.column) == (2, 8)


def test_link_and_photo_file_names_are_scanned(repo, check_one):
    repo.photo("2026-11-20-jayden-smith-adoption.jpg", format="JPEG")
    front = valid_front(link="https://example.gov/stories/maria-lopez-foster-care",
                        images=[{"file": "media/2026-11-20-jayden-smith-adoption.jpg",
                                 "alt": "A cake with candles on a table", "people": "none"}])
    found = {f.message.rsplit("(in ", 1)[-1] for f in check_one(front) if f.rule == "confidentiality.child-identified"}
    assert found == {"'Link')", "the file name of photo 1)"}


def test_body_findings_point_at_the_body_line(check_one):
    body = "First paragraph about supplies.\n\nCongratulations to Jayden, 16, who is in foster care!"
    finding = next(f for f in check_one(body=body) if f.rule == "confidentiality.child-identified")
    assert finding.column == 20
    assert finding.line == finding_line_of_body(check_one) + 2


def finding_line_of_body(check_one) -> int:
    from postdesk.parse import parse_submission_bytes

    from .conftest import render

    return parse_submission_bytes(render(valid_front()).encode(), "content/submissions/2026-11-20-a.md").body_line


def test_severity_overrides(repo, check_one):
    (repo.root / "postdesk.toml").write_text(settings(
        '[confidentiality]\nseverity = { "confidentiality.ssn" = "warning", "confidentiality.email" = "off" }\n'),
        encoding="utf-8")
    findings = check_one(body="SSN 123-45-6789, mail jo@gmail.com")
    assert rules(findings) == ["confidentiality.ssn"]
    assert not findings[0].is_error


def test_ci_cannot_relax_the_policy_in_the_pull_request(repo):
    repo.submission(body="Reach the family at jo@gmail.com.")
    base = repo.commit("a post")
    (repo.root / "postdesk.toml").write_text(
        settings('[confidentiality]\nseverity = { "confidentiality.email" = "off" }\n'), encoding="utf-8")
    out = io.StringIO()
    main(["--repo", str(repo.root), "check", "--today", "2026-11-23", "--format", "json"], stdout=out,
         stderr=io.StringIO())
    assert json.loads(out.getvalue())["warnings"] == 0
    out = io.StringIO()
    main(["--repo", str(repo.root), "check", "--today", "2026-11-23", "--format", "json", "--settings-from", base],
         stdout=out, stderr=io.StringIO())
    assert [f["rule"] for f in json.loads(out.getvalue())["findings"]] == ["confidentiality.email"]


def test_identifiers_are_masked_in_ci_output(repo, check_one):
    repo.submission(body="Her SSN is 123-45-6789.")
    out = io.StringIO()
    main(["--repo", str(repo.root), "check", "--today", "2026-11-23", "--format", "github"], stdout=out,
         stderr=io.StringIO())
    assert "***-**-6789" in out.getvalue()
    assert "123-45-6789" not in out.getvalue()


def test_examples_stay_clean(example_repo):
    out = io.StringIO()
    code = main(["--repo", str(example_repo.root), "check", "--today", "2026-11-23"], stdout=out,
                stderr=io.StringIO())
    assert code == 0, out.getvalue()
    assert out.getvalue().strip() == "All 5 submissions look good."


def test_policy_is_validated(tmp_path):
    from postdesk.config import ConfigError, config_from_dict

    with pytest.raises(ConfigError, match="not a valid regular expression"):
        config_from_dict({"confidentiality": {"extra_identifier_patterns": ["(unclosed"]}}, root=tmp_path)
    with pytest.raises(ConfigError, match="not error, warning or off"):
        config_from_dict({"confidentiality": {"severity": {"confidentiality.ssn": "ignore"}}}, root=tmp_path)
    with pytest.raises(ConfigError, match="must be a list of texts"):
        config_from_dict({"confidentiality": {"allowed_names": "Pat Lee"}}, root=tmp_path)


def test_photo_corpus_through_the_check(repo, check_one, capsys):
    photos = yaml.safe_load((CORPUS / "photos.yml").read_text(encoding="utf-8"))
    caught = missed = false = 0
    for entry in photos:
        shutil.copy(CORPUS / "photos" / entry["file"], repo.root / "content/media" / entry["file"])
        front = valid_front(images=[{"file": f"media/{entry['file']}", "alt": "A photo from the test corpus",
                                     "people": "none"}])
        found = rules(check_one(front))
        harmful = entry["faces"] > 0 or entry["gps"]
        flagged = "confidentiality.undeclared-faces" in found or "images.location" in found
        if entry["gps"]:
            assert "images.location" in found, entry["file"]
        if harmful:
            caught += flagged
            missed += not flagged
        else:
            false += flagged
    clean = sum(not (e["faces"] or e["gps"]) for e in photos)
    with capsys.disabled():
        print(f"\nconfidentiality photo corpus: {caught}/{caught + missed} photos with faces or GPS flagged, "
              f"{false}/{clean} photos without people flagged")
    assert missed == 0 and false == 0


def _photo_with_text(repo, name: str, **texts: str) -> None:
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    for key, value in texts.items():
        info.add_itxt(key, value)
    path = repo.root / "content/media" / name
    Image.new("RGB", (640, 480), (40, 120, 200)).save(path, pnginfo=info)


@pytest.mark.parametrize(("key", "caption", "rule"), [
    ("Description", "Tyler Brooks, 7, in foster care since March, at the picnic", "confidentiality.child-identified"),
    ("Comment", "Case 2024-JU-00123 family day", "confidentiality.case-number"),
])
def test_text_inside_a_photo_file_is_read_by_the_guard(repo, key, caption, rule):
    """A caption in the photo's metadata is text too: the original stays in history after a scrub."""
    import io as _io
    import json as _json

    from postdesk.cli import main

    _photo_with_text(repo, "2026-11-20-picnic.png", **{key: caption})
    front = valid_front(images=[{"file": "media/2026-11-20-picnic.png", "alt": "Families at a picnic table",
                                 "people": "none"}])
    repo.submission(front=front)
    out = _io.StringIO()
    assert main(["--repo", str(repo.root), "check", "--format", "json", "--today", "2026-11-23"],
                stdout=out, stderr=_io.StringIO()) == 1
    findings = _json.loads(out.getvalue())["findings"]
    hits = [f for f in findings if f["rule"] == rule]
    assert hits, findings
    assert "inside photo 1's file" in hits[0]["message"]
    assert hits[0]["line"] > 0  # points at the photo's line in the form
