"""Rule families schema, file and dates: each rule with a failing and a passing case."""

from __future__ import annotations

import datetime as dt

import pytest

from postdesk.checks.filename import file_name_findings
from postdesk.model import Severity

from .conftest import rules, valid_front


def test_valid_submission_has_no_findings(check_one):
    assert check_one() == []


# --- schema ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    "missing", ["title", "category", "submitted_by", "supervisor", "channels", "confidentiality_confirmed"]
)
def test_required_fields(check_one, missing):
    findings = check_one(valid_front(**{missing: None}))
    assert rules(findings) == ["schema.required"]
    assert f"'{missing}' is missing" in findings[0].message
    assert findings[0].line == 1
    assert f"Add '{missing}" in findings[0].hint


def test_nested_required_field_points_at_its_parent(check_one):
    front = valid_front(submitted_by={"name": "Jordan Reyes", "email": "jordan.reyes@example.gov"})
    findings = check_one(front)
    assert rules(findings) == ["schema.required"]
    assert "'submitted_by.office' is missing" in findings[0].message
    assert findings[0].line == 4


def test_unknown_key_suggests_the_right_one(check_one):
    front = valid_front()
    front["hashtag"] = front.pop("hashtags")
    findings = check_one(front)
    assert rules(findings) == ["schema.unknown-key"]
    assert findings[0].hint == "Did you mean 'hashtags'?"
    assert findings[0].line > 1


def test_unknown_nested_key(check_one):
    front = valid_front(images=[{"file": "media/2026-11-20-backpacks.jpg", "alt": "Backpacks on a table",
                                 "people": "none", "peopel": "none"}])
    findings = check_one(front)
    assert rules(findings) == ["schema.unknown-key"]
    assert "'peopel' of photo 1" in findings[0].message
    assert findings[0].hint == "Did you mean 'people'?"


def test_wrong_type(check_one):
    findings = check_one(valid_front(time_sensitive="sometimes"))
    assert rules(findings) == ["schema.type"]
    assert "must be true or false, not the text 'sometimes'" in findings[0].message


def test_unquoted_number_time_gets_a_quoting_hint(check_one):
    front = valid_front(event={"date": "2030-08-10", "time": 10})
    findings = check_one(front)
    assert rules(findings) == ["schema.type"]
    assert 'time: "10:00"' in findings[0].hint


def test_choice_with_did_you_mean(check_one):
    findings = check_one(valid_front(category="evnt"))
    assert rules(findings) == ["schema.choice"]
    assert findings[0].hint == "Did you mean 'event'?"
    assert findings[0].line == 3


def test_unknown_channel(check_one):
    findings = check_one(valid_front(channels=["facebook", "instagram"]))
    assert rules(findings) == ["schema.choice"]
    assert "Item 2 of 'channels'" in findings[0].message


def test_confidentiality_must_be_confirmed(check_one):
    findings = check_one(valid_front(confidentiality_confirmed=False))
    assert rules(findings) == ["schema.value"]
    assert "must be true" in findings[0].message


@pytest.mark.parametrize(
    ("field", "value"),
    [("link", "http://example.gov/plain-http"), ("hashtags", ["#WithHash"]), ("post_by", "12/04/2030"),
     ("submitted_by", {"name": "Jordan Reyes", "email": "not-an-email", "office": "Cole"})],
)
def test_format_rules(check_one, field, value):
    findings = check_one(valid_front(**{field: value}))
    assert rules(findings) == ["schema.format"]
    assert findings[0].hint


def test_length_rules(check_one):
    short = check_one(valid_front(title="Hi"))
    assert rules(short) == ["schema.length"] and "at least 5" in short[0].message
    long = check_one(valid_front(title="x" * 130))
    assert rules(long) == ["schema.length"] and "(10 over)" in long[0].message


def test_blank_alt_text_is_reported_once(check_one):
    front = valid_front(images=[{"file": "media/2026-11-20-backpacks.jpg", "alt": "", "people": "none"}])
    assert rules(check_one(front)) == ["schema.length"]


def test_count_and_repeat_rules(check_one):
    assert rules(check_one(valid_front(channels=[]))) == ["schema.count"]
    assert rules(check_one(valid_front(channels=["x", "x"]))) == ["schema.repeated"]
    five = [{"file": "media/2026-11-20-backpacks.jpg", "alt": f"Backpacks {i}", "people": "none"} for i in range(5)]
    assert "schema.count" in rules(check_one(valid_front(images=five)))


def test_event_category_needs_an_event(check_one):
    assert rules(check_one(valid_front(event=None))) == ["schema.required"]
    assert check_one(valid_front(event=None, category="partnership")) == []


def test_time_sensitive_needs_post_by(check_one):
    findings = check_one(valid_front(post_by=None, post_after=None))
    assert rules(findings) == ["schema.required"] and "'post_by' is missing" in findings[0].message
    assert check_one(valid_front(post_by=None, post_after=None, time_sensitive=False)) == []


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ({"people": "adults"}, ["schema.required"]),
        ({"people": "adults", "release": "Forms 2026-114 on file"}, []),
        ({"people": "minors", "release": "Forms 2026-114 on file"}, ["schema.required"]),
        ({"people": "minors", "release": "Forms 2026-114 on file", "court_approved": False}, ["schema.value"]),
        ({"people": "minors", "release": "Forms 2026-114 on file", "court_approved": True}, []),
        ({"people": "everyone"}, ["schema.choice"]),
    ],
)
def test_photo_releases(check_one, image, expected):
    front = valid_front(images=[{"file": "media/2026-11-20-backpacks.jpg", "alt": "Backpacks on a table", **image}])
    assert rules(check_one(front)) == expected


def test_disabled_channel_is_refused(repo, check_one):
    (repo.root / "postdesk.toml").write_text('[channels.linkedin]\nenabled = false\n', encoding="utf-8")
    findings = check_one()
    assert rules(findings) == ["schema.channel-disabled"]


def test_schema_errors_do_not_hide_text_problems(check_one):
    front = valid_front(category="evnt", text=None)
    front.pop("text", None)
    findings = check_one(front, body="word " * 80)
    assert rules(findings) == ["schema.choice", "text.too-long"]


# --- file name and location -------------------------------------------------------------

@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("content/submissions/2026-11-20-backpack-drive.md", []),
        ("content/submissions/2026-11-20-a1.md", []),
        ("content/submissions/backpack-drive.md", ["file.name"]),
        ("content/submissions/2026-11-20-Backpack-Drive.md", ["file.name"]),
        ("content/submissions/2026-11-20-backpack--drive.md", ["file.name"]),
        ("content/submissions/2026-11-20-backpack_drive.md", ["file.name"]),
        ("content/submissions/2026-11-20-backpack-drive.txt", ["file.name"]),
        ("content/submissions/2026-13-40-backpack-drive.md", ["file.name"]),
        ("content/submissions/2026-11-20-" + "a" * 81 + ".md", ["file.name"]),
        ("content/submissions/2026-11-20-" + "a" * 80 + ".md", []),
        ("content/submissions/drafts/2026-11-20-backpack-drive.md", ["file.location"]),
        ("content/2026-11-20-backpack-drive.md", ["file.location"]),
    ],
)
def test_file_name_and_location(path, expected):
    assert rules(list(file_name_findings(path))) == expected


# --- dates --------------------------------------------------------------------------------

def test_impossible_date(check_one):
    findings = check_one(valid_front(post_by="2030-02-30"))
    assert rules(findings) == ["dates.invalid"]
    assert findings[0].line > 1


def test_post_by_in_the_past(check_one):
    findings = check_one(valid_front(post_by="2026-11-22", post_after=None,
                                     event={"date": "2026-11-28"}))
    assert rules(findings) == ["dates.post-by-past"]
    assert check_one(valid_front(post_by="2026-11-23", post_after=None, event={"date": "2026-11-28"})) == []


def test_embargo_after_deadline(check_one):
    assert rules(check_one(valid_front(post_after="2030-08-09"))) == ["dates.embargo-after-deadline"]
    assert check_one(valid_front(post_after="2030-08-08")) == []


def test_past_event_is_only_a_warning(check_one):
    findings = check_one(valid_front(time_sensitive=False, post_by=None, post_after=None,
                                     event={"date": "2026-11-01"}))
    assert rules(findings) == ["dates.event-past"]
    assert findings[0].severity is Severity.WARNING


def test_deadline_after_event_is_a_warning(check_one):
    findings = check_one(valid_front(post_by="2030-08-12"))
    assert rules(findings) == ["dates.deadline-after-event"]
    assert findings[0].severity is Severity.WARNING


def test_today_is_an_argument(check_one):
    late = dt.date(2030, 8, 9)
    assert "dates.post-by-past" in rules(check_one(today=late))
