"""How the monitor classifies a comment: must hide, needs a reply, or fyi (pure)."""

from __future__ import annotations

import pytest

from postdesk.config import ConfidentialityPolicy
from postdesk.monitor import FYI, MUST_HIDE, NEEDS_REPLY, classify_comment

POLICY = ConfidentialityPolicy(allowed_email_domains=("example.gov",), allowed_phones=("1-800-392-3738",))


@pytest.mark.parametrize(("text", "reason"), [
    ("My foster son Tyler Johnson, 9, is in care with your office and nobody calls us back",
     "names a child or family with a care context"),
    ("Emma Rodriguez was placed in foster care last week and her mom is devastated",
     "names a child or family with a care context"),
    ("The family at 1423 Elm Street had their kids taken", "gives a street address"),
    ("Call me at 573-555-0142 about my grandkids", "gives a phone number"),
    ("Case number 2024-JV-00123 still has not been reviewed", "gives a case number"),
    ("write to me: jane.doe1987@gmail.com", "gives an e-mail address"),
])
def test_a_comment_that_identifies_a_child_or_family_must_be_hidden(text, reason):
    verdict = classify_comment(text, POLICY)
    assert verdict.kind == MUST_HIDE
    assert reason in verdict.reasons


@pytest.mark.parametrize(("text", "reason", "hotline"), [
    ("How do I become a foster parent?", "a question", False),
    ("Where can I drop off school supplies", "a question", False),
    ("Terrible service, nobody returned my calls for weeks.", "a complaint", False),
    ("I need help paying for childcare this winter.", "asks for help or contact", False),
    ("The kids next door are left alone all night and I think they are neglected.",
     "may report abuse or neglect", True),
    ("I want to report someone who is hurting a child in my building.", "may report abuse or neglect", True),
])
def test_questions_complaints_requests_and_reports_need_a_reply(text, reason, hotline):
    verdict = classify_comment(text, POLICY)
    assert verdict.kind == NEEDS_REPLY
    assert reason in verdict.reasons
    assert verdict.hotline is hotline


@pytest.mark.parametrize("text", [
    "Great event, thank you to all the volunteers!",
    "Love this \U0001f499",
    "Shared with my church group. Thank you for all you do for our community.",
    "Congratulations Dana, well deserved.",
    "Call the hotline at 1-800-392-3738, they were wonderful with us.",
])
def test_everything_else_is_fyi(text):
    assert classify_comment(text, POLICY).kind == FYI


def test_must_hide_wins_and_keeps_the_hotline_flag():
    verdict = classify_comment("Jayden Miller, 7, is being abused at 12 Oak Street, please help", POLICY)
    assert verdict.kind == MUST_HIDE
    assert verdict.hotline
