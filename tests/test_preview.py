"""`postdesk preview`: cards per network, the site page, the summary, hostile input, a real browser."""

from __future__ import annotations

import functools
import http.server
import io
import re
import shutil
import threading
from pathlib import Path

import pytest
from PIL import Image

from postdesk.cli import main
from postdesk.escape import plain
from postdesk.parse import read_submission_file, submission_from_parsed
from postdesk.posttext import post_text
from postdesk.preview import build_preview, render_summary

from .conftest import TODAY, valid_front
from .test_comment import HOSTILE, assert_inert

HOSTILE_BODY = """Hello <script>window.pwned = 1</script> there.

<img src="x" onerror="window.pwned = 2">

[click me](javascript:window.pwned=3) and <a href="javascript:window.pwned=4">this</a>.
"""


def examples(repo):
    return sorted(str(p.relative_to(repo.root)) for p in (repo.root / "content/submissions").glob("*.md"))


def test_preview_of_the_examples(example_repo, tmp_path):
    out = tmp_path / "preview"
    preview = build_preview(example_repo.config, examples(example_repo), out=out, today=TODAY)
    assert len(preview.entries) == 5 and all(e.ok for e in preview.entries)
    html = preview.index.read_text(encoding="utf-8")
    for entry in preview.entries:
        assert entry.submission is not None
        assert [c.channel for c in entry.cards] == list(entry.submission.channels)
        for card in entry.cards:
            assert card.text_within + card.text_over == post_text(entry.submission, card.channel)
            assert not card.over
        assert (out / entry.site_page).is_file()
    assert html.count('class="pd-card ') == sum(len(e.cards) for e in preview.entries)
    assert (out / "cards.css").is_file()


def test_photos_are_cropped_to_each_network_and_carry_no_metadata(example_repo, tmp_path):
    out = tmp_path / "preview"
    preview = build_preview(example_repo.config, ["content/submissions/2026-11-20-backpack-drive.md"], out=out,
                            today=TODAY)
    card = {c.channel: c for c in preview.entries[0].cards}
    sizes = {}
    for channel in card:
        with Image.open(out / card[channel].photos[0].src) as img:
            sizes[channel] = img.size
    assert sizes["x"] == (800, 450)
    assert sizes["facebook"] == (800, 420)
    for channel in card:
        with Image.open(out / card[channel].photos[0].src) as img:
            assert not img.getexif() and "exif" not in img.info and "xmp" not in img.info


def test_overflow_is_split_at_the_limit(repo, tmp_path):
    rel = repo.submission(front=valid_front(channels=["x"], link=None, hashtags=None), body="word " * 70)
    preview = build_preview(repo.config, [rel], out=tmp_path / "p", today=TODAY, site=False)
    [card] = preview.entries[0].cards
    assert card.over and card.length == 349
    assert len(card.text_within) == 280
    assert 'class="pd-overflow"' in preview.index.read_text(encoding="utf-8")


def test_invalid_submission_gets_findings_not_cards(repo, tmp_path):
    rel = repo.submission(front=valid_front(category="evnt"))
    preview = build_preview(repo.config, [rel], out=tmp_path / "p", today=TODAY)
    entry = preview.entries[0]
    assert not entry.ok and entry.cards == () and entry.site_page == ""
    assert "Did you mean" in preview.index.read_text(encoding="utf-8")
    summary = preview.summary.read_text(encoding="utf-8")
    assert "❌ needs changes" in summary and "schema.choice" in summary


def test_hostile_html_never_reaches_a_page_as_markup(repo, tmp_path):
    rel = repo.submission(body=HOSTILE_BODY)
    preview = build_preview(repo.config, [rel], out=tmp_path / "p", today=TODAY)
    pages = [preview.index.read_text(encoding="utf-8"),
             (tmp_path / "p" / preview.entries[0].site_page).read_text(encoding="utf-8")]
    for page in pages:
        tags = _tags(page)
        assert "script" not in {tag for tag, _ in tags}
        assert not [name for _, attrs in tags for name, _ in attrs if name.startswith("on")]
        assert not [value for _, attrs in tags for name, value in attrs
                    if name in ("href", "src") and (value or "").strip().lower().startswith("javascript:")]
        assert "window.pwned" in page  # still there, as harmless text


def _tags(page: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    from html.parser import HTMLParser

    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(page)
    return found


def test_summary_is_small_and_escapes_markdown():
    from postdesk.model import Finding
    from postdesk.preview import PreviewEntry

    many = tuple(Finding("content/submissions/a.md", "schema.format", "@team <b>x</b> | " * 50, line=i)
                 for i in range(2000))
    text = render_summary([PreviewEntry("content/submissions/a.md", many, None)])
    assert len(text) <= 60_000
    assert "more (in the Submission check run's log and on the preview page)" in text
    assert "<b>" not in text and "&lt;b&gt;" in text
    assert "@team" not in text.replace("`@team`", "")  # a mention only inside a code span, where it notifies nobody
    assert_inert(text)


HOSTILE_TITLES = [title for title in HOSTILE if plain(title)] + ["</details>## ✅ Ready @org/team"]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_a_hostile_title_is_text_on_the_preview_page(repo, tmp_path, title):
    rel = repo.submission(front=valid_front(title=title))
    preview = build_preview(repo.config, [rel], out=tmp_path / "p", today=TODAY, site=False)
    page = preview.index.read_text(encoding="utf-8")
    tags = _tags(page)
    assert not {"script", "details", "summary", "b"} & {tag for tag, _ in tags}
    assert all(dict(attrs)["src"].startswith("media/") for tag, attrs in tags if tag == "img")
    assert [tag for tag, _ in tags].count("h2") == 1
    entry = preview.entries[0]
    shown = entry.submission.title if entry.submission is not None else entry.path
    assert _heading(page) == plain(shown)
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]", page)
    assert_inert(preview.summary.read_text(encoding="utf-8"))


def _heading(page: str) -> str:
    from html.parser import HTMLParser

    texts: list[str] = []

    class Heading(HTMLParser):
        inside = False

        def handle_starttag(self, tag, attrs):
            self.inside = self.inside or tag == "h2"

        def handle_endtag(self, tag):
            self.inside = self.inside and tag != "h2"

        def handle_data(self, data):
            if self.inside:
                texts.append(data)

    Heading(convert_charrefs=True).feed(page)
    return "".join(texts)


def test_cli_preview_changed_since(example_repo, tmp_path):
    base = example_repo.git.head.commit.hexsha
    example_repo.submission("2026-11-21-new-one.md")
    out = io.StringIO()
    code = main(["--repo", str(example_repo.root), "preview", "--changed-since", base, "--out", str(tmp_path / "p"),
                 "--today", "2026-11-23"], stdout=out, stderr=io.StringIO())
    assert code == 0
    assert "Previewed 1 submission (1 ready)" in out.getvalue()


# --- a person looks at it: headless Chromium ---------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def served(tmp_path):
    def serve(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    servers: list[http.server.ThreadingHTTPServer] = []
    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def launch(playwright):
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
              "--disable-component-update", "--disable-sync"])


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package chromium; .ci/run installs it)")
def test_a_reviewer_sees_the_right_cards_and_no_script_runs(example_repo, tmp_path, served):
    from playwright.sync_api import sync_playwright

    hostile = example_repo.submission("2026-11-22-hostile.md", body=HOSTILE_BODY)
    paths = [*examples(example_repo)]
    assert hostile in paths
    out = tmp_path / "preview"
    build_preview(example_repo.config, paths, out=out, today=TODAY)
    base = served(out)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(f"{base}/index.html")
        sub_file = example_repo.root / "content/submissions/2026-11-20-backpack-drive.md"
        sub = submission_from_parsed(read_submission_file(sub_file, "content/submissions/2026-11-20-backpack-drive.md"))
        section = page.locator("section.pd-submission", has_text="2026-11-20-backpack-drive.md")
        for channel in sub.channels:
            card = section.locator(f"article.pd-card--{channel}")
            assert card.locator(".pd-text").inner_text() == post_text(sub, channel)
            count = card.locator(".pd-count")
            assert int(count.get_attribute("data-length")) <= int(count.get_attribute("data-limit"))
        assert page.locator("article.pd-card").count() == 12 + 3  # the five examples, and the hostile one
        assert page.evaluate("typeof window.pwned") == "undefined"
        page.screenshot(path=str(tmp_path / "preview.png"), full_page=True)
        site = page.locator("section.pd-submission", has_text="hostile").locator("a", has_text="Open the site page")
        site.click()
        page.wait_for_load_state()
        assert "Hello" in page.inner_text("main")
        assert page.evaluate("typeof window.pwned") == "undefined"
        assert dialogs == []
        browser.close()
    assert (tmp_path / "preview.png").stat().st_size > 10_000


def test_summary_says_when_it_would_be_posted_if_merged_now(repo, tmp_path):
    import datetime as dt
    from zoneinfo import ZoneInfo

    rel = repo.submission()
    now = dt.datetime(2030, 7, 19, 8, 0, tzinfo=ZoneInfo("America/Chicago"))  # a Friday
    preview = build_preview(repo.config, [rel], out=tmp_path / "p", today=TODAY, site=False, now=now)
    summary = preview.summary.read_text(encoding="utf-8")
    # post_after is 2030-07-20, a Saturday: the next window; said plainly, network first
    assert re.search(r"\*\*First post if merged now:\*\* (Facebook|X|LinkedIn), Mon 22 Jul 2030 09:00\n", summary)
