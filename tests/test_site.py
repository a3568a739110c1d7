"""`postdesk site`: the public site from approved and posted items, and the editorial page."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from postdesk import site_build
from postdesk.approve import approve
from postdesk.cli import main
from postdesk.editorial import build_editorial
from postdesk.site import MANIFEST, build_public_site, build_site, public_items, write_sitemap

from .conftest import TODAY, seal_by_hand
from .test_approve import merge_examples
from .test_preview import CHROMIUM, launch


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
    assert build_public_site(repo.config, output=tmp_path / "site", include_unposted=False).posts == 0
    assert not list((tmp_path / "site").glob("2026-*.html"))


def test_posted_items_are_published_with_links_to_the_networks(repo, tmp_path):
    approved_repo(repo)
    ledger = repo.root / "state/ledger"
    ledger.mkdir(parents=True)
    (ledger / "2026-11-20-backpack-drive.json").write_text(json.dumps(
        {"channels": {"facebook": {"state": "posted", "url": "https://facebook.com/123_456"},
                      "x": {"state": "sending"}}}), encoding="utf-8")
    out = tmp_path / "site"
    assert build_public_site(repo.config, output=out, include_unposted=False).posts == 1
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
    seal_by_hand(repo.root, "2026-11-25-new-post")
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


def site_files(folder: Path, *, leave_out: tuple[str, ...] = ()) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file() and path.name not in leave_out}


def assert_same_site(built: Path, expected: Path, *, leave_out: tuple[str, ...] = ()) -> None:
    got, wanted = site_files(built, leave_out=leave_out), site_files(expected, leave_out=leave_out)
    assert sorted(got) == sorted(wanted)
    assert [name for name in wanted if got[name] != wanted[name]] == []


def posted(repo, item: str, url: str) -> None:
    ledger = repo.root / "state/ledger"
    ledger.mkdir(parents=True, exist_ok=True)
    (ledger / f"{item}.json").write_text(json.dumps({"channels": {"x": {"state": "posted", "url": url}}}),
                                         encoding="utf-8")


@pytest.fixture(params=["one process", "forked workers"])
def workers(request, monkeypatch):
    """Every build twice: in one process, and spread over forked workers (as with thousands of posts)."""
    if request.param == "forked workers":
        monkeypatch.setattr(site_build, "PARALLEL_MIN", 1)
        monkeypatch.setattr(site_build, "_workers", lambda: 2)
    return request.param


def test_the_public_site_is_what_pelicans_own_run_writes(repo, tmp_path, workers):
    """postdesk drives Pelican's pieces itself; the pages must be those of a plain Pelican run."""
    approved_repo(repo)
    posted(repo, "2026-11-20-backpack-drive", "https://x.com/agency/status/7")
    url = "https://example.gov/news"
    build_public_site(repo.config, output=tmp_path / "postdesk", include_unposted=True, siteurl=url)
    reference = tmp_path / "pelican"
    build_site(repo.config, public_items(repo.config, include_unposted=True), output=reference, siteurl=url,
               relative_urls=False, full_site=True)
    write_sitemap(reference, url)
    assert_same_site(tmp_path / "postdesk", reference, leave_out=(MANIFEST,))
    assert "https://x.com/agency/status/7" in (tmp_path / "postdesk/2026-11-20-backpack-drive.html").read_text()


def rebuilt_and_full(repo, tmp_path, change) -> tuple[Path, Path]:
    """The site built, ``change`` made, and built again; and a full build of the changed repository."""
    incremental, full = tmp_path / "incremental", tmp_path / "full"
    build_public_site(repo.config, output=incremental, include_unposted=True)
    change()
    build_public_site(repo.config, output=incremental, include_unposted=True)
    build_public_site(repo.config, output=full, include_unposted=True)
    return incremental, full


def test_a_rebuild_after_a_new_post_equals_a_full_build(repo, tmp_path, workers):
    approved = approved_repo(repo).root / "content/approved"

    def add() -> None:
        (approved / "2026-11-25-new-post.md").write_text(
            (approved / "2026-11-16-food-bank-partnership.md").read_text(encoding="utf-8")
            .replace("New Partnership with the Mid-Missouri Food Bank", "A brand new post"), encoding="utf-8")
        seal_by_hand(repo.root, "2026-11-25-new-post")

    incremental, full = rebuilt_and_full(repo, tmp_path, add)
    assert "A brand new post" in (full / "index.html").read_text(encoding="utf-8")
    assert_same_site(incremental, full)


def test_a_rebuild_after_a_changed_post_or_new_links_equals_a_full_build(repo, tmp_path, workers):
    approved = approved_repo(repo).root / "content/approved"
    post = approved / "2026-11-12-caseworker-of-the-year.md"

    def change() -> None:
        text = post.read_text(encoding="utf-8")
        post.write_text(text.replace("title: Caseworker", "title: Updated Caseworker", 1), encoding="utf-8")
        seal_by_hand(repo.root, "2026-11-12-caseworker-of-the-year")
        posted(repo, "2026-11-16-food-bank-partnership", "https://x.com/agency/status/9")

    incremental, full = rebuilt_and_full(repo, tmp_path, change)
    assert "Updated Caseworker" in (full / "2026-11-12-caseworker-of-the-year.html").read_text(encoding="utf-8")
    assert_same_site(incremental, full)


def test_a_new_category_rebuilds_every_menu(repo, tmp_path):
    approved = approved_repo(repo).root / "content/approved"
    announcement = approved / "2026-11-10-holiday-office-hours.md"
    kept = tmp_path / "announcement.md"
    shutil.move(announcement, kept)
    incremental, full = rebuilt_and_full(repo, tmp_path, lambda: shutil.move(kept, announcement))
    assert "category/announcement.html" in (full / "2026-11-12-caseworker-of-the-year.html").read_text()
    assert_same_site(incremental, full)


def test_a_lost_cache_or_page_is_rebuilt(repo, tmp_path):
    approved_repo(repo)
    out = tmp_path / "site"
    build_public_site(repo.config, output=out, include_unposted=True)
    expected = site_files(out)
    shutil.rmtree(repo.root / ".cache/postdesk-site")
    (out / "2026-11-12-caseworker-of-the-year.html").unlink()
    build_public_site(repo.config, output=out, include_unposted=True)
    assert site_files(out) == expected


def test_work_split_over_forked_workers_comes_back_in_order_and_failures_are_raised():
    from postdesk.errors import PostdeskError

    assert site_build.fork_map(sum, [[1, 2], [3], [4, 5]]) == [3, 3, 9]

    def fails_in_a_child(chunk: list[int]) -> list[int]:
        if chunk == [2]:
            raise ValueError("the second chunk is broken")
        return chunk

    with pytest.raises(PostdeskError, match="the second chunk is broken"):
        site_build.fork_map(fails_in_a_child, [[1], [2]])


def test_a_repository_without_approved_posts_gets_an_empty_site(repo, tmp_path):
    shutil.rmtree(repo.config.approved_dir, ignore_errors=True)
    assert build_public_site(repo.config, output=tmp_path / "site", include_unposted=True).posts == 0
    assert "No posts yet." in (tmp_path / "site/index.html").read_text(encoding="utf-8")


def test_every_public_page_refuses_scripts_by_content_security_policy(repo, tmp_path):
    approved_repo(repo)
    out = tmp_path / "site"
    build_public_site(repo.config, output=out, include_unposted=True)
    pages = sorted(out.rglob("*.html"))
    assert pages
    for page in pages:
        head = page.read_text(encoding="utf-8").split("</head>", 1)[0]
        assert 'http-equiv="Content-Security-Policy"' in head and "script-src 'none'" in head, page.name
        assert "<script" not in page.read_text(encoding="utf-8"), page.name


def _editorial_with_ledgers(repo, tmp_path):
    """Food bank: posted on both its networks. Caseworker of the year: out on X, failed on Facebook,
    LinkedIn still to come. Two slots this week, one of them today."""
    approved_repo(repo)
    ledger = repo.root / "state/ledger"
    ledger.mkdir(parents=True, exist_ok=True)
    posted = {"state": "posted", "url": "https://www.facebook.com/1"}
    (ledger / "2026-11-16-food-bank-partnership.json").write_text(json.dumps(
        {"channels": {"facebook": posted, "linkedin": {**posted, "url": "https://www.linkedin.com/feed/1"}}}))
    (ledger / "2026-11-12-caseworker-of-the-year.json").write_text(json.dumps(
        {"channels": {"x": {"state": "posted", "url": "https://x.com/agency/status/2"},
                      "facebook": {"state": "failed", "reason": "Facebook refused the post: (#100) bad photo"}}}))
    (repo.root / "state/queue.json").write_text(json.dumps({"slots": [
        {"item": "2026-11-12-caseworker-of-the-year", "channel": "linkedin", "at": "2026-11-30T09:00:00-06:00",
         "deadline": None, "pinned": False, "at_risk": False},
        {"item": "2026-11-20-backpack-drive", "channel": "x", "at": "2026-12-02T10:30:00-06:00",
         "deadline": "2030-08-08", "pinned": True, "at_risk": False}], "unplaced": []}), encoding="utf-8")
    return build_editorial(repo.config, output=tmp_path / "editorial", today=dt.date(2026, 11, 30))


def test_the_editorial_page_reads_the_ledger(repo, tmp_path):
    page = _editorial_with_ledgers(repo, tmp_path).read_text(encoding="utf-8")
    backlog = page.split('id="backlog"', 1)[1].split("</section>", 1)[0]
    assert "Mid-Missouri Food Bank" not in backlog  # out on every network it asked for: no longer saved for later
    assert "Caseworker of the Year" in backlog
    assert re.search(r"Facebook: <span[^>]*>failed</span>, X: <span[^>]*>posted</span>, "
                     r"LinkedIn: <span[^>]*>scheduled</span>", backlog)
    week = page.split('id="week"', 1)[1].split('id="queue"', 1)[0]
    days = re.findall(r'<time datetime="([\d-]+)">', week)
    assert days == [f"2026-{d}" for d in ("11-30", "12-01", "12-02", "12-03", "12-04", "12-05", "12-06")]
    monday, _tuesday, wednesday = week.split("<section")[1:4]
    assert 'class="today"' in monday and "09:00 LinkedIn" in monday
    assert "10:30 X" in wednesday and "Backpack" in wednesday


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package chromium; .ci/run installs it)")
@pytest.mark.parametrize("width", [1280, 390])
def test_the_editorial_page_fits_the_screen(repo, tmp_path, width):
    from playwright.sync_api import sync_playwright

    page_file = _editorial_with_ledgers(repo, tmp_path)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(page_file.as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        columns = page.evaluate("getComputedStyle(document.querySelector('.week'))"
                                ".gridTemplateColumns.split(' ').length")
        assert columns == (7 if width == 1280 else 1)
        browser.close()
