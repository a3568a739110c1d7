"""Rule families schema, file and dates: each rule with a failing and a passing case."""

from __future__ import annotations

import datetime as dt

import pytest

from postdesk.checks.filename import file_name_findings
from postdesk.model import Severity
from postdesk.schema import field_label

from .conftest import rules, settings, valid_front


def test_valid_submission_has_no_findings(check_one):
    assert check_one() == []


# --- schema ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    "missing", ["title", "category", "submitted_by", "supervisor", "channels", "confidentiality_confirmed"]
)
def test_required_fields(check_one, missing):
    findings = check_one(valid_front(**{missing: None}))
    assert rules(findings) == ["schema.required"]
    label = field_label((missing,))
    assert findings[0].message == f"{label} is missing."  # the form's label, never the file's key
    assert f"'{missing}'" not in findings[0].message
    assert findings[0].line == 1
    assert findings[0].hint.startswith((f"Fill in '{label}'.", f"Tick '{label}'."))


def test_nested_required_field_points_at_its_parent(check_one):
    front = valid_front(submitted_by={"name": "Jordan Reyes", "email": "jordan.reyes@example.gov"})
    findings = check_one(front)
    assert rules(findings) == ["schema.required"]
    assert findings[0].message == "Your office is missing."
    assert findings[0].hint.startswith("Fill in 'Your office'. The office you work in")
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
    assert findings[0].message == "'peopel' (in Photo 1) is not a field of the form."
    assert findings[0].hint == "Did you mean 'people'?"


def test_wrong_type(check_one):
    findings = check_one(valid_front(time_sensitive="sometimes"))
    assert rules(findings) == ["schema.type"]
    assert findings[0].message == "Time sensitive must be ticked or not (yes or no), not the text 'sometimes'."


def test_unquoted_number_time_gets_a_quoting_hint(check_one):
    front = valid_front(event={"date": "2030-08-10", "time": 10})
    findings = check_one(front)
    assert rules(findings) == ["schema.type"]
    assert findings[0].hint == 'Write \'Start time\' with quotes around it, for example "10:00".'


def test_choice_with_did_you_mean(check_one):
    findings = check_one(valid_front(category="evnt"))
    assert rules(findings) == ["schema.choice"]
    assert findings[0].hint == "Did you mean 'event'?"
    assert findings[0].line == 3


def test_unknown_channel(check_one):
    findings = check_one(valid_front(channels=["facebook", "instagram"]))
    assert rules(findings) == ["schema.choice"]
    assert findings[0].message.startswith("Networks, item 2 is 'instagram'")


def test_confidentiality_must_be_confirmed(check_one):
    findings = check_one(valid_front(confidentiality_confirmed=False))
    assert rules(findings) == ["schema.value"]
    assert findings[0].message == "'No child or family in care can be identified' must be ticked."


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
    assert rules(findings) == ["schema.required"] and findings[0].message == "Last day to post is missing."
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
    (repo.root / "postdesk.toml").write_text(settings('[channels.linkedin]\nenabled = false\n'), encoding="utf-8")
    findings = check_one()
    assert rules(findings) == ["schema.channel-disabled"]
    assert findings[0].hint == "Untick LinkedIn under 'Networks'."


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


@pytest.mark.parametrize("category", ["event", "announcement", "partnership"])
def test_past_event_is_an_error_except_for_a_recognition(check_one, category):
    front = valid_front(category=category, time_sensitive=False, post_by=None, post_after=None,
                        event={"date": "2026-11-01"})
    findings = check_one(front)
    assert rules(findings) == ["dates.event-past"]
    assert findings[0].severity is Severity.ERROR
    assert findings[0].message == "Event date is 1 November 2026, which has already passed."
    assert check_one(front | {"category": "recognition"}) == []  # a recognition may celebrate a past event


def test_a_date_in_another_century_is_an_error_naming_the_form_label(repo, check_one):
    """12/05/2026 typed digit by digit into a date picker became 1906 (issue 15)."""
    findings = check_one(valid_front(event={"date": "1906-12-05"}))
    assert rules(findings) == ["dates.out-of-range"]  # only that: "already passed" would say it twice
    [finding] = findings
    assert finding.severity is Severity.ERROR
    assert finding.message == "Event date is 5 December 1906, more than a year ago: check the year."
    assert finding.hint.startswith("Pick the date again in the form's calendar")
    text = (repo.root / "content/submissions/2026-11-20-backpack-drive.md").read_text(encoding="utf-8")
    assert text.splitlines()[finding.line - 1] == "  date: '1906-12-05'"


@pytest.mark.parametrize(("field", "label"), [("post_by", "Last day to post"), ("post_after", "First day to post")])
def test_every_date_field_is_held_to_the_window(check_one, field, label):
    findings = check_one(valid_front(**{field: "2206-07-01"}))
    assert "dates.out-of-range" in rules(findings)
    message = next(f.message for f in findings if f.rule == "dates.out-of-range")
    assert message == f"{label} is 1 July 2206, more than 1500 days from now: check the year."
    assert rules(check_one(valid_front(**{field: "1996-07-01"}))) == ["dates.out-of-range"]


def test_the_window_defaults_to_a_year_back_and_two_years_ahead(repo, check_one):
    """Without [dates] in postdesk.toml (the test repositories widen it for their 2030 calendar)."""
    (repo.root / "postdesk.toml").write_text("", encoding="utf-8")
    year_back, days_back = "2025-11-23", "2025-11-22"  # TODAY is 2026-11-23
    two_years, too_far = "2028-11-22", "2028-11-23"
    recognition = valid_front(category="recognition", time_sensitive=False, post_by=None, post_after=None)
    assert check_one(recognition | {"event": {"date": year_back}}) == []
    past = check_one(recognition | {"event": {"date": days_back}})
    assert rules(past) == ["dates.out-of-range"] and "more than a year ago" in past[0].message
    assert check_one(recognition | {"event": {"date": two_years}}) == []
    ahead = check_one(recognition | {"event": {"date": too_far}})
    assert ahead[0].message == "Event date is 23 November 2028, more than two years from now: check the year."
    assert rules(check_one()) == ["dates.out-of-range"] * 3  # the fixtures' 2030 dates, without the wider window


def test_the_window_is_a_setting(repo, check_one):
    (repo.root / "postdesk.toml").write_text("[dates]\nmax_days_past = 30\nmax_days_ahead = 60\n", encoding="utf-8")
    recognition = valid_front(category="recognition", time_sensitive=False, post_by=None, post_after=None)
    assert rules(check_one(recognition | {"event": {"date": "2026-10-20"}})) == ["dates.out-of-range"]
    assert check_one(recognition | {"event": {"date": "2026-10-30"}}) == []
    findings = check_one(recognition | {"event": {"date": "2027-01-30"}})
    assert findings[0].message == "Event date is 30 January 2027, more than 60 days from now: check the year."


def test_deadline_after_event_is_a_warning(check_one):
    findings = check_one(valid_front(post_by="2030-08-12"))
    assert rules(findings) == ["dates.deadline-after-event"]
    assert findings[0].severity is Severity.WARNING


def test_today_is_an_argument(check_one):
    late = dt.date(2030, 8, 9)
    assert "dates.post-by-past" in rules(check_one(today=late))


# --- words a caseworker sees ---------------------------------------------------------------

_FILE_WORDS = ("submitted_by", "post_by", "post_after", "time_sensitive", "confidentiality_confirmed",
               "court_approved", "event.date", "images.", "front matter", "YAML", "Markdown", "YYYY")


@pytest.mark.parametrize("front", [
    valid_front(title=None, supervisor={"name": "P"}, submitted_by={"name": "Jordan Reyes"}),
    valid_front(post_by=None, post_after=None, event=None),
    valid_front(confidentiality_confirmed=False, time_sensitive=False, post_by=None, post_after="2026-01-01"),
    valid_front(post_after="2030-08-09", event={"date": "2030-02-30"}),
    valid_front(post_by="2030-08-12", images=[{"file": "media/2026-11-20-backpacks.jpg", "alt": "",
                                                "people": "minors"}]),
    valid_front(images=[{"file": "media/2026-11-20-backpacks.jpg", "alt": "photo", "people": "adults"},
                        {"file": "media/nope.jpg", "alt": "A table", "people": "staff"}]),
], ids=["required", "conditional", "confirmation", "order", "photo-declarations", "photos"])
def test_messages_and_hints_use_the_forms_labels_not_the_files_keys(check_one, front):
    findings = [f for f in check_one(front, body="word " * 80) if not f.rule.startswith("confidentiality.")]
    assert findings
    for finding in findings:
        for word in _FILE_WORDS:
            assert word not in finding.message and word not in finding.hint, (word, finding)


def test_a_photo_field_is_named_by_its_photo_and_label(check_one):
    front = valid_front(images=[{"file": "media/2026-11-20-backpacks.jpg", "alt": "Backpacks", "people": "none"},
                                {"file": "media/2026-11-20-backpacks.jpg", "alt": "", "people": "adults"}])
    messages = [f.message for f in check_one(front)]
    assert "Photo 2 → Alt text is 0 characters; it needs at least 1." in messages
    assert "Photo 2 → Release forms is missing." in messages


def test_no_hint_offers_a_release_form_number_to_copy(check_one):
    """A made-up number in a hint gets pasted: release hints describe, they never give an example."""
    findings = check_one(valid_front(images=[{"file": "media/2026-11-20-backpacks.jpg", "alt": "A table",
                                              "people": "minors", "release": "no"}]))
    hints = [f.hint for f in findings if "Release" in f.message]
    assert hints and not any(char.isdigit() for hint in hints for char in hint.replace("1,000", ""))
