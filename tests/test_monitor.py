"""`postdesk monitor` end to end: posts made through the loopback fakes, then their replies and numbers."""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest

from postdesk.editorial import build_editorial
from postdesk.gitio import commit_paths
from postdesk.ledger import read_ledger
from postdesk.monitor import FYI, MUST_HIDE, NEEDS_REPLY, monitor, read_watch

from .conftest import ITEM, OTHER, TODAY, Networks
from .test_post import _cli, run_post
from .test_preview import CHROMIUM, launch

CHILD = "Tyler Johnson, 9, was placed in foster care with the Millers last week"
QUESTION = "How do I sign up to volunteer at the next drive?"
THANKS = "Great work everyone, thank you!"


class Clock:
    """The fakes' idea of now (X searches only the last 7 days of it)."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now.timestamp()


@pytest.fixture
def posted(desk):
    clock = Clock(desk.due.astimezone(dt.UTC))
    with Networks(clock=clock) as networks:
        assert run_post(desk, networks).ok
        desk.networks, desk.clock = networks, clock
        desk.ids = {channel: entry.post_id for channel, entry in read_ledger(desk.config, ITEM).channels.items()}
        yield desk


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def comment_everywhere(site, text: str, minutes_after: int = 10) -> None:
    at = iso(site.due + dt.timedelta(minutes=minutes_after))
    site.networks.facebook.add_comment(site.ids["facebook"], text, created_at=at)
    site.networks.x.add_comment(site.ids["x"], text, created_at=at)
    site.networks.linkedin.add_comment(site.ids["linkedin"], text, created_at=at)


def watch(site, *, hours: float = 1, **options):
    now = site.due + dt.timedelta(hours=hours)
    site.clock.now = now.astimezone(dt.UTC)
    return monitor(site.config, env=site.networks.env, now=now, policy=_instant(),
                   record=lambda paths, message: commit_paths(site.root, list(paths), message), **options)


def _instant():
    from postdesk.channels.base import RetryPolicy

    return RetryPolicy(sleep=lambda _seconds: None)


def test_replies_are_classified_reported_once_and_remembered_in_git(posted, tmp_path):
    for text in (CHILD, QUESTION, THANKS):
        comment_everywhere(posted, text)
    run = watch(posted, out=tmp_path / "digest")
    assert run.ok
    kinds = {(r.comment.channel, r.verdict.kind) for r in run.new}
    assert kinds == {(c, k) for c in ("facebook", "x", "linkedin") for k in (MUST_HIDE, NEEDS_REPLY, FYI)}
    digest = (tmp_path / "digest" / "digest.md").read_text(encoding="utf-8")
    assert digest.index("## Must hide (3)") < digest.index("## Needs a reply (3)") < digest.index("## Counts")
    assert "names a child or family with a care context" in digest
    must_hide_links = [r.comment.url for r in run.of_kind(MUST_HIDE)]
    assert all(url.startswith("https://") and url in digest for url in must_hide_links)
    assert "Monitor: 9 new comments" in posted.git.head.commit.message
    assert not posted.git.is_dirty(untracked_files=True)
    html = (tmp_path / "digest" / "digest.html").read_text(encoding="utf-8")
    state = "".join(p.read_text(encoding="utf-8") for p in (posted.root / "state/monitor").iterdir())
    for where in (digest, html, state):  # the words that identify a child are never copied anywhere
        assert "Tyler" not in where
    assert QUESTION in digest and QUESTION in html
    again = watch(posted, hours=1.5)
    assert again.new == []
    comment_everywhere(posted, "Where is the drop-off point?", minutes_after=70)
    third = watch(posted, hours=2)
    assert [r.comment.text for r in third.new] == ["Where is the drop-off point?"] * 3


def test_a_must_hide_comment_still_visible_after_two_hours_fails_loudly(posted, tmp_path):
    posted.networks.facebook.add_comment(posted.ids["facebook"], CHILD, created_at=iso(posted.due))
    assert watch(posted, hours=0.5).ok  # reported, within the two hours
    later = watch(posted, hours=3, out=tmp_path / "digest")
    assert not later.ok and later.new == []  # not reported again as new, but overdue
    assert "## OVERDUE" in (tmp_path / "digest" / "digest.md").read_text(encoding="utf-8")
    posted.networks.facebook.posts[0].comments.clear()  # a person deleted it on the Page
    settled = watch(posted, hours=4)
    assert settled.ok and len(settled.resolved) == 1
    assert read_watch(posted.config, ITEM)["facebook"].open_must_hide == {}


def test_the_cli_exits_1_on_an_overdue_comment_and_never_prints_a_token(posted, tmp_path):
    posted.networks.linkedin.add_comment(posted.ids["linkedin"], CHILD, created_at=iso(posted.due))
    now = posted.due + dt.timedelta(hours=3)
    posted.clock.now = now.astimezone(dt.UTC)
    out = io.StringIO()
    code = _cli(["monitor", "--now", now.strftime("%Y-%m-%dT%H:%M"), "--out", str(tmp_path / "d")], posted, out,
                {**os.environ, **posted.networks.env})
    text = out.getvalue() + "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "d").iterdir())
    assert code == 1
    assert "OVERDUE" in text and "MUST HIDE on LinkedIn" in text
    for secret in posted.networks.secrets:
        assert secret not in text


def test_an_x_plan_without_search_is_said_once_and_the_others_carry_on(posted):
    posted.networks.x.search_enrolled = False
    comment_everywhere(posted, QUESTION)
    run = watch(posted)
    notes = [note for note in run.notes if note.startswith("X: replies are not monitored")]
    assert len(notes) == 1
    assert {r.comment.channel for r in run.new} == {"facebook", "linkedin"}
    assert (ITEM, "x") in run.engagement  # the numbers still come


def test_a_run_killed_halfway_loses_nothing(posted):
    comment_everywhere(posted, QUESTION)

    class Crash(BaseException):
        pass

    def die(item, channel, step):
        if channel == "linkedin":
            raise Crash

    with pytest.raises(Crash):
        watch(posted, progress=die)
    assert not (posted.root / "state/monitor").exists()
    assert len(watch(posted).new) == 3


def test_every_page_of_comments_is_read(posted):
    for fake in posted.networks.all:
        fake.page_size = 2
    for number in range(5):
        comment_everywhere(posted, f"Thank you number {number}", minutes_after=number + 1)
    run = watch(posted)
    assert sum(r.comment.channel == "facebook" for r in run.new) == 5
    assert sum(r.comment.channel == "linkedin" for r in run.new) == 5
    assert sum(r.comment.channel == "x" for r in run.new) == 5


def test_engagement_is_kept_and_the_editorial_page_shows_what_performed_best(posted, tmp_path):
    posted.networks.facebook.set_engagement(posted.ids["facebook"], reactions=40, shares=5, impressions=900)
    posted.networks.x.set_metrics(posted.ids["x"], like_count=12, retweet_count=3, quote_count=1, reply_count=2,
                                  impression_count=400)
    run = watch(posted)
    assert run.engagement[(ITEM, "facebook")].reactions == 40
    snapshot = read_watch(posted.config, ITEM)["x"].engagement
    assert (snapshot["reactions"], snapshot["shares"], snapshot["impressions"]) == (12, 4, 400)
    page = build_editorial(posted.config, output=tmp_path / "editorial", today=TODAY).read_text(encoding="utf-8")
    assert "What performed best" in page and "By office" in page and "Cole County Office" in page
    assert OTHER  # the second item is watched too
    assert "No engagement numbers yet" not in page


def test_comment_text_is_escaped_in_the_html_digest(posted, tmp_path):
    posted.networks.facebook.add_comment(posted.ids["facebook"], "<script>alert(1)</script> nice",
                                         created_at=iso(posted.due))
    watch(posted, out=tmp_path / "d")
    html = (tmp_path / "d" / "digest.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_a_run_with_nothing_new_makes_no_commit(posted):
    comment_everywhere(posted, THANKS)
    watch(posted)
    head = posted.git.head.commit.hexsha
    assert watch(posted, hours=2).new == []
    assert posted.git.head.commit.hexsha == head
    assert not posted.git.is_dirty(untracked_files=True)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package chromium; .ci/run installs it)")
def test_the_team_reads_the_digest_in_a_browser_must_hide_first_and_no_script_runs(posted, tmp_path):
    from playwright.sync_api import sync_playwright

    hostile = "<img src=x onerror=\"window.pwned=1\"> where do I sign up?"
    posted.networks.facebook.add_comment(posted.ids["facebook"], hostile, created_at=iso(posted.due))
    posted.networks.linkedin.add_comment(posted.ids["linkedin"], CHILD, created_at=iso(posted.due))
    watch(posted, out=tmp_path / "d")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page()
        page.goto((tmp_path / "d" / "digest.html").as_uri())
        headings = page.locator("h2").all_inner_texts()
        assert headings[:2] == ["Must hide (1)", "Needs a reply (1)"]
        must_hide = page.locator("article.must-hide")
        assert "text withheld" in must_hide.inner_text() and "Tyler" not in page.content()
        assert must_hide.locator("a").get_attribute("href").startswith("https://www.linkedin.com/")
        assert "<img src=x" in page.locator("article.needs-reply blockquote").inner_text()  # shown as text
        assert page.evaluate("typeof window.pwned") == "undefined"
        phone = browser.new_page(viewport={"width": 390, "height": 800})
        phone.goto((tmp_path / "d" / "digest.html").as_uri())
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # fits a phone
        browser.close()
