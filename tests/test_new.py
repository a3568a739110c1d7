"""`postdesk new`: scripted answers give a submission that passes `postdesk check`; bad answers are asked again."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable

import pytest

from postdesk.check import check_submissions
from postdesk.cli import main
from postdesk.errors import UsageError
from postdesk.newsubmission import new_submission, slugify
from postdesk.parse import read_submission_file

from .conftest import TODAY

EVENT_ANSWERS = [
    "Backpack Drive at Capitol Plaza",  # title
    "1",                                # category: event
    "Jordan Reyes", "jordan.reyes@example.gov", "Cole County Office",
    "Pat Lee", "pat.lee@example.gov",
    "2030-08-10", "10:00", "Capitol Plaza, Jefferson City",  # event
    "yes", "2030-08-08",               # time sensitive, post_by
    "",                                 # post_after
    "facebook, x",                      # channels
    "",                                 # text for X
    "#BackToSchool MOKids",             # hashtags
    "https://example.gov/events/backpacks",
    "yes", "2026-11-20-backpacks.jpg", "Rows of donated backpacks on a long table", "none",  # a photo
    "no",                               # no other photo
    "Bring school supplies to Capitol Plaza.", "Volunteers will sort them on site.", "",  # body
    "yes",                              # confidentiality
]


def scripted(answers: list[str]) -> tuple[Callable[[str], str], list[str], list[str]]:
    queue = list(answers)
    prompts: list[str] = []
    said: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        if not queue:
            raise AssertionError(f"asked more than scripted: {prompt!r}")
        return queue.pop(0)

    return ask, prompts, said


def test_scripted_answers_write_a_submission_that_passes_check(repo):
    ask, prompts, said = scripted(EVENT_ANSWERS)
    result = new_submission(repo.config, ask=ask, say=said.append, today=TODAY)
    assert result.path == "content/submissions/2026-11-23-backpack-drive-at-capitol-plaza.md"
    assert result.findings == ()
    assert check_submissions(repo.config, [result.path], today=TODAY).findings == []
    data = read_submission_file(repo.root / result.path, result.path).data
    assert data is not None
    assert data["event"] == {"date": "2030-08-10", "time": "10:00", "location": "Capitol Plaza, Jefferson City"}
    assert data["channels"] == ["facebook", "x"]
    assert data["hashtags"] == ["BackToSchool", "MOKids"]
    assert data["images"] == [{"file": "media/2026-11-20-backpacks.jpg",
                               "alt": "Rows of donated backpacks on a long table", "people": "none"}]
    assert "Title: " in prompts[0]


def test_a_bad_answer_is_asked_again_with_the_reason(repo):
    answers = list(EVENT_ANSWERS)
    answers[1:2] = ["evnt", "event"]                   # not a category, then a good one
    index = answers.index("jordan.reyes@example.gov")
    answers[index:index + 1] = ["jordan at example", "jordan.reyes@example.gov"]
    index = answers.index("10:00")
    answers[index:index + 1] = ["25:00", "10:00"]
    ask, prompts, said = scripted(answers)
    result = new_submission(repo.config, ask=ask, say=said.append, today=TODAY)
    assert result.findings == ()
    text = "\n".join(said)
    assert "That does not fit: What kind of post this is" in text
    assert "That does not fit: A work e-mail address, for example jordan.reyes@example.gov." in text
    assert "That does not fit: When the event starts, if it has a set time. For example: 10:00" in text
    assert sum(p.startswith("Your work e-mail") for p in prompts) == 2


def test_a_missing_photo_and_a_refused_confirmation_are_explained(repo):
    answers = list(EVENT_ANSWERS)
    index = answers.index("2026-11-20-backpacks.jpg")
    answers[index:index + 1] = ["nowhere.jpg", "2026-11-20-backpacks.jpg"]
    answers[-1:] = ["no", "yes"]
    ask, _prompts, said = scripted(answers)
    result = new_submission(repo.config, ask=ask, say=said.append, today=TODAY)
    assert result.findings == ()
    assert "There is no media/nowhere.jpg in content/" in "\n".join(said)
    assert "A submission needs this confirmation" in "\n".join(said)


def test_giving_up_after_repeated_bad_answers_writes_nothing(repo):
    ask, _prompts, said = scripted(["ok"] * 10)
    with pytest.raises(UsageError, match="No valid answer for title"):
        new_submission(repo.config, ask=ask, say=said.append, today=TODAY)
    assert [p.name for p in (repo.root / "content/submissions").iterdir()] == [".gitkeep"]


def test_a_second_submission_with_the_same_title_gets_its_own_file(repo):
    first = new_submission(repo.config, ask=scripted(EVENT_ANSWERS)[0], say=lambda _: None, today=TODAY)
    second = new_submission(repo.config, ask=scripted(EVENT_ANSWERS)[0], say=lambda _: None, today=TODAY)
    assert second.path == first.path.removesuffix(".md") + "-2.md"
    assert second.findings == ()


def test_slugify_gives_what_the_file_name_rule_accepts():
    assert slugify("Crème brûlée: Café Night!", 80) == "creme-brulee-cafe-night"
    assert slugify("a" * 50 + " " + "b" * 50, 80) == "a" * 50
    assert slugify("!!!", 80) == "post"


def test_the_command_reads_answers_from_standard_input(repo, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(EVENT_ANSWERS) + "\n"))
    out = io.StringIO()
    code = main(["--repo", str(repo.root), "new", "--today", "2026-11-23"], stdout=out)
    assert code == 0, out.getvalue()
    assert "Wrote content/submissions/2026-11-23-backpack-drive-at-capitol-plaza.md" in out.getvalue()
    assert "It passes postdesk check" in out.getvalue()


def test_the_command_stops_cleanly_when_the_answers_run_out(repo, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("Backpack Drive\n"))
    err = io.StringIO()
    assert main(["--repo", str(repo.root), "new"], stdout=io.StringIO(), stderr=err) == 2
    assert "The questions ended before the submission was complete" in err.getvalue()
