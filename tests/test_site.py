"""`postdesk site`: the public site from approved and posted items, and the editorial page."""

from __future__ import annotations

import datetime as dt
import io
import json
from html.parser import HTMLParser

from postdesk.approve import approve
from postdesk.cli import main
from postdesk.editorial import build_editorial
from postdesk.site import build_public_site

from .conftest import TODAY
from .test_approve import merge_examples


class _Meta(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.h1 = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("property"):
            self.meta[attrs["property"]] = attrs.get("content") or ""
        if tag == "h1":
            self.h1 += 1


def approved_repo(repo):
    merge_examples(repo)
    approve(repo.config, today=TODAY)
    return repo


def test_unposted_items_stay_off_the_public_site(repo, tmp_path):
    approved_repo(repo)
    assert build_public_site(repo.config, output=tmp_path / "site", include_unposted=False) == 0
    assert not list((tmp_path / "site").glob("2026-*.html"))


def test_posted_items_are_published_with_links_to_the_networks(repo, tmp_path):
    approved_repo(repo)
    ledger = repo.root / "state/ledger"
    ledger.mkdir(parents=True)
    (ledger / "2026-11-20-backpack-drive.json").write_text(json.dumps(
        {"channels": {"facebook": {"state": "posted", "url": "https://facebook.com/123_456"},
                      "x": {"state": "sending"}}}), encoding="utf-8")
    out = tmp_path / "site"
    assert build_public_site(repo.config, output=out, include_unposted=False) == 1
    page = (out / "2026-11-20-backpack-drive.html").read_text(encoding="utf-8")
    assert "https://facebook.com/123_456" in page
    meta = _Meta()
    meta.feed(page)
    assert meta.h1 == 1
    assert meta.meta["og:title"].startswith("Back-to-School Backpack Drive")
    assert meta.meta["og:image"].startswith("https://example.gov/news/media/")
    for name in ("index.html", "archives.html", "categories.html", "category/event.html", "feeds/all.atom.xml",
                 "feeds/all.rss.xml", "sitemap.xml"):
        assert (out / name).is_file(), name
    assert "2026-11-20-backpack-drive.html" in (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "<script" not in page


def test_a_withdrawn_item_leaves_the_site(repo, tmp_path):
    approved_repo(repo)
    out = tmp_path / "site"
    build_public_site(repo.config, output=out, include_unposted=True)
    assert (out / "2026-11-16-food-bank-partnership.html").exists()
    (repo.root / "content/approved/2026-11-16-food-bank-partnership.md").unlink()
    build_public_site(repo.config, output=out, include_unposted=True)
    assert not (out / "2026-11-16-food-bank-partnership.html").exists()


def test_editorial_page_shows_backlog_counts_and_queue(repo, tmp_path):
    approved_repo(repo)
    (repo.root / "state/queue.json").write_text(json.dumps({"slots": [
        {"item": "2026-11-20-backpack-drive", "channel": "x", "at": "2030-07-22T09:00:00-05:00",
         "deadline": "2030-08-08", "pinned": False, "at_risk": False},
        {"item": "2026-11-10-holiday-office-hours", "channel": "facebook", "at": "2030-12-24T09:00:00-06:00",
         "deadline": "2030-12-23", "pinned": False, "at_risk": True}], "unplaced": []}), encoding="utf-8")
    record = repo.root / "state/approvals/2026-11-16-food-bank-partnership.json"
    record.write_text(json.dumps({**json.loads(record.read_text()), "approved_at": "2026-11-23T10:00:00-06:00"}))
    page = build_editorial(repo.config, output=tmp_path / "editorial", today=dt.date(2026, 11, 30)).read_text()
    assert "New Partnership with the Mid-Missouri Food Bank" in page  # saved for later: no deadline
    assert "7 days" in page
    assert "2026-11-10-holiday-office-hours on facebook" in page  # at risk
    assert "Cole County Office" in page and "recognition" in page


def test_cli_site(repo, tmp_path):
    approved_repo(repo)
    out = io.StringIO()
    code = main(["--repo", str(repo.root), "site", "--include-unposted", "--out", str(tmp_path / "s"),
                 "--editorial", str(tmp_path / "e"), "--today", "2026-11-23"], stdout=out, stderr=io.StringIO())
    assert code == 0 and "Site: 5 posts" in out.getvalue()
    assert (tmp_path / "e/index.html").is_file()


def test_rebuild_renders_only_what_changed(repo, tmp_path):
    approved_repo(repo)
    out = tmp_path / "site"
    build_public_site(repo.config, output=out, include_unposted=True)
    old_page = out / "2026-11-12-caseworker-of-the-year.html"
    index_before = (out / "index.html").read_text(encoding="utf-8")
    stamp = old_page.stat().st_mtime_ns
    new = repo.root / "content/approved/2026-11-25-new-post.md"
    new.write_text((repo.root / "content/approved/2026-11-16-food-bank-partnership.md").read_text(encoding="utf-8")
                   .replace("New Partnership with the Mid-Missouri Food Bank", "A brand new post"), encoding="utf-8")
    build_public_site(repo.config, output=out, include_unposted=True)
    assert (out / "2026-11-25-new-post.html").is_file()
    assert old_page.stat().st_mtime_ns == stamp  # not rendered again
    assert "A brand new post" in (out / "index.html").read_text(encoding="utf-8") != index_before
    ledger = repo.root / "state/ledger"
    ledger.mkdir(parents=True, exist_ok=True)
    (ledger / "2026-11-12-caseworker-of-the-year.json").write_text(json.dumps(
        {"channels": {"x": {"state": "posted", "url": "https://x.com/agency/status/1"}}}), encoding="utf-8")
    build_public_site(repo.config, output=out, include_unposted=True)
    assert "https://x.com/agency/status/1" in old_page.read_text(encoding="utf-8")  # its links changed: rewritten
