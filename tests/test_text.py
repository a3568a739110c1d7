"""The text that will be posted, and rule family text (per-network limits)."""

from __future__ import annotations

import pytest

from postdesk.parse import parse_submission_bytes, submission_from_parsed
from postdesk.posttext import markdown_to_plain, post_text

from .conftest import render, rules, settings, valid_front


@pytest.mark.parametrize(
    ("markdown", "plain"),
    [
        ("Hello **bold** and *italic* and `code`.", "Hello bold and italic and code."),
        ("One line\ncontinues here.", "One line continues here."),
        ("Hard  \nbreak", "Hard\nbreak"),
        ("First.\n\nSecond.", "First.\n\nSecond."),
        ("# Heading\n\nText", "Heading\n\nText"),
        ("See [our page](https://example.gov/a).", "See our page (https://example.gov/a)."),
        ("<https://example.gov/a>", "https://example.gov/a"),
        ("- one\n- two", "• one\n• two"),
        ("3. three\n4. four", "3. three\n4. four"),
        ("Hi <script>alert(1)</script> there", "Hi alert(1) there"),
        ("<div>block html</div>\n\nText", "Text"),
        ("![alt](media/x.jpg) Caption", "Caption"),
    ],
)
def test_markdown_to_plain(markdown, plain):
    assert markdown_to_plain(markdown) == plain


def submission(front=None, body="Body text."):
    text = render(front or valid_front(), body)
    parsed = parse_submission_bytes(text.encode(), "content/submissions/2026-11-20-a.md")
    return submission_from_parsed(parsed)


def test_post_text_adds_link_and_hashtags_once():
    sub = submission(valid_front(hashtags=["BackToSchool", "MOKids"]), "Join us #BackToSchool!")
    assert post_text(sub, "facebook") == "Join us #BackToSchool!\n\nhttps://example.gov/events/backpacks\n\n#MOKids"


def test_override_replaces_body_on_that_network_only():
    sub = submission(valid_front(text={"x": "Short for X"}, link=None, hashtags=None), "Long body for everyone else.")
    assert post_text(sub, "x") == "Short for X"
    assert post_text(sub, "linkedin") == "Long body for everyone else."


def test_post_text_is_nfc():
    sub = submission(valid_front(link=None, hashtags=None), "Cafe\u0301")
    assert post_text(sub, "x") == "Caf\u00e9"


def test_x_over_limit_names_the_overflow(check_one):
    # 255 letters + a blank line (2) + the link (23) = exactly 280
    assert check_one(valid_front(hashtags=None), body="a" * 255) == []
    findings = check_one(valid_front(hashtags=None), body="a" * 260)
    assert rules(findings) == ["text.too-long"]
    assert "285 weighted characters; the limit is 280 (5 over" in findings[0].message
    assert findings[0].hint == "Shorten the post text, or fill in 'Text for X' with a shorter version for X."
    assert findings[0].line > 1


def test_x_counts_cjk_and_emoji_double(check_one):
    assert check_one(valid_front(link=None, hashtags=None, channels=["x"]), body="字" * 140) == []
    findings = check_one(valid_front(link=None, hashtags=None, channels=["x"]), body="字" * 141)
    assert "282 weighted characters" in findings[0].message
    assert check_one(valid_front(link=None, hashtags=None, channels=["x"]), body="👨‍👩‍👧" * 140) == []


def test_x_counts_every_url_as_23(check_one):
    url = "https://example.gov/" + "a" * 200
    assert check_one(valid_front(link=url, hashtags=None, channels=["x"]), body="b" * 255) == []


def test_override_too_long_points_at_the_override(check_one):
    findings = check_one(valid_front(text={"x": "x" * 300}))
    assert rules(findings) == ["text.too-long"]
    assert findings[0].hint == "Shorten 'Text for X' by at least 60 weighted characters."


def test_linkedin_and_facebook_limits(check_one):
    front = valid_front(channels=["linkedin"], link=None, hashtags=None)
    assert check_one(front, body="a" * 3000) == []
    findings = check_one(front, body="a" * 3001)
    assert "LinkedIn text is 3,001 characters; the limit is 3,000 (1 over" in findings[0].message
    front = valid_front(channels=["facebook"], link=None, hashtags=None)
    assert check_one(front, body="a" * 63_206) == []
    assert rules(check_one(front, body="a" * 63_207)) == ["text.too-long"]


def test_limits_come_from_settings(repo, check_one):
    (repo.root / "postdesk.toml").write_text(settings("[channels.linkedin]\nmax_chars = 100\n"), encoding="utf-8")
    findings = check_one(valid_front(channels=["linkedin"], link=None, hashtags=None), body="a" * 101)
    assert "limit is 100" in findings[0].message


def test_empty_text(check_one):
    findings = check_one(valid_front(link=None, hashtags=None), body="<!-- nothing -->")
    assert rules(findings) == ["text.empty"] * 3


def test_invisible_characters_x_refuses(check_one):
    findings = check_one(valid_front(channels=["x"], link=None, hashtags=None), body="Hello\ufeffworld")
    assert rules(findings) == ["text.invalid-character"]
    assert "U+FEFF" in findings[0].message


def test_plain_text_shortcut_agrees_with_the_parser():
    import random

    from postdesk.posttext import _render

    rng = random.Random(7)
    alphabet = ["word", "Cafe", "3.0", "x.gov/a", "a,", "b;", "(c)", "e.g.", "'q'", '"d"', "-", "1.", "ok?",
                "\u00e9t\u00e9"]
    for _ in range(2000):
        lines = []
        for _ in range(rng.randint(1, 6)):
            lines.append(" ".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8))) + " " * rng.randint(0, 3))
        text = "\n".join(lines)
        assert markdown_to_plain(text) == _render(text), repr(text)
