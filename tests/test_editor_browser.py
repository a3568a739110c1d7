"""The web editor for real: Decap CMS in headless Chromium, decap-server (MODE=git) on a real repository.

Fills in a new event submission with a photo and saves it; the editorial workflow must leave a
branch holding the submission and the photo, and `postdesk check` must pass on that file. Then a
submission whose photo has no alt text must be refused by the form, with a message.

Needs Debian's /usr/bin/chromium, Node.js and the npm install in editor/ (`make setup` does it when
npm exists; `.ci/run` installs chromium and nodejs as root). Skips, saying which, otherwise.
"""

from __future__ import annotations

import functools
import http.server
import io
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from PIL import Image

from postdesk.check import check_submissions
from postdesk.config import today_in
from postdesk.editor import DECAP_DIST, build_admin
from postdesk.parse import parse_submission_bytes

from .conftest import PROJECT

DECAP_SERVER = PROJECT / "editor" / "node_modules" / "decap-server" / "dist" / "index.js"
CHROMIUM = shutil.which("chromium")
NODE = shutil.which("node")
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="the web editor test needs Debian's chromium (apt-get install "
                                                "chromium; .ci/run does it as root)"),
    pytest.mark.skipif(NODE is None, reason="the web editor test needs Node.js (apt-get install nodejs npm)"),
    pytest.mark.skipif(not DECAP_SERVER.is_file() or not (PROJECT / DECAP_DIST / "decap-cms.js").is_file(),
                       reason="the web editor test needs Decap: run `npm ci --prefix editor` (make setup does it "
                              "when npm exists)"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                                                ".yml": "text/yaml", ".js": "text/javascript"}

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def editor(repo, tmp_path) -> Iterator[tuple[str, object]]:
    """(URL of the editor, repo): decap-server on the test repository, /admin/ from a static server."""
    api_port, web_port = _free_port(), _free_port()
    admin = tmp_path / "admin"
    build_admin(repo.config, admin, local_backend=f"http://127.0.0.1:{api_port}/api/v1", sources=PROJECT)
    env = {**os.environ, "MODE": "git", "GIT_REPO_DIRECTORY": str(repo.root), "PORT": str(api_port),
           "BIND_HOST": "127.0.0.1", "LOG_LEVEL": "warn",
           "GIT_AUTHOR_NAME": "Editor Test", "GIT_AUTHOR_EMAIL": "editor@example.gov",
           "GIT_COMMITTER_NAME": "Editor Test", "GIT_COMMITTER_EMAIL": "editor@example.gov"}
    log = (tmp_path / "decap-server.log").open("w")
    server = subprocess.Popen([NODE, str(DECAP_SERVER)], env=env, stdout=log, stderr=subprocess.STDOUT)
    web = http.server.ThreadingHTTPServer(("127.0.0.1", web_port), functools.partial(_Quiet, directory=str(admin)))
    thread = threading.Thread(target=web.serve_forever, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", api_port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("decap-server did not start: " + (tmp_path / "decap-server.log").read_text())
                time.sleep(0.1)
        yield f"http://127.0.0.1:{web_port}/index.html", repo
    finally:
        web.shutdown()
        web.server_close()
        server.terminate()
        server.wait(timeout=10)
        log.close()


def _photo(tmp_path: Path) -> Path:
    path = tmp_path / "volunteers-table.jpg"
    image = Image.new("RGB", (640, 360), (200, 120, 40))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return path


def _select(page, field: str, *values: str) -> None:
    box = page.locator(f"input[id^='{field}-field-']")
    for value in values:
        box.click()
        box.fill(value)
        page.keyboard.press("Enter")


def _fill_common(page, title: str) -> None:
    page.locator("input[id^='title-field-']").fill(title)
    _select(page, "category", "event")
    page.locator("input[id^='name-field-']").nth(0).fill("Jordan Reyes")
    page.locator("input[id^='email-field-']").nth(0).fill("jordan.reyes@example.gov")
    page.locator("input[id^='office-field-']").fill("Cole County Office")
    page.locator("input[id^='name-field-']").nth(1).fill("Pat Lee")
    page.locator("input[id^='email-field-']").nth(1).fill("pat.lee@example.gov")
    page.locator("input[id^='date-field-']").fill("2030-08-10")
    page.locator("input[id^='time-field-']").fill("10:00")
    page.locator("input[id^='location-field-']").fill("Capitol Plaza, Jefferson City")
    _select(page, "channels", "facebook", "x")
    page.locator("button[id^='confidentiality_confirmed-field-']").click()
    body = page.locator("[data-slate-editor='true']")
    body.click()
    page.keyboard.type("Bring new backpacks and school supplies to Capitol Plaza on Saturday morning.")


def _add_photo(page, photo: Path, alt: str) -> None:
    page.get_by_role("button", name="Add photo").click()
    page.get_by_role("button", name="Choose an image").click()
    page.locator("input[type='file']").set_input_files(str(photo))
    page.get_by_role("button", name="Choose selected").click()
    if alt:
        page.locator("textarea[id^='alt-field-']").fill(alt)
    _select(page, "people", "none")


def _open_new(page, url: str) -> None:
    page.goto(url + "#/collections/submissions/new")
    login = page.get_by_role("button", name="Login")
    title = page.locator("input[id^='title-field-']")
    login.or_(title).first.wait_for(timeout=20_000)
    if login.is_visible():  # the local backend's login: one click, no password
        login.click()
        page.goto(url + "#/collections/submissions/new")
    page.locator("input[id^='title-field-']").wait_for(timeout=20_000)


def test_staff_fill_in_the_form_and_get_a_branch_that_passes_check(editor, tmp_path):
    from playwright.sync_api import sync_playwright

    url, repo = editor
    photo = _photo(tmp_path)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 1000})
            _open_new(page, url)
            _fill_common(page, "Backpack Drive at Capitol Plaza")
            _add_photo(page, photo, "Volunteers stack donated backpacks on a long table")
            page.locator("#preview-pane").wait_for()
            page.screenshot(path=str(tmp_path / "editor.png"))  # docs/editor.png: the README's screenshot
            page.get_by_role("button", name="Save").first.click()
            page.get_by_text("Entry saved").wait_for(timeout=20_000)

            branches = [head.name for head in repo.git.heads]
            [branch] = [name for name in branches if name.startswith("cms/submissions/")]
            tree = repo.git.heads[branch].commit.tree
            names = [blob.path for blob in tree.traverse() if blob.type == "blob"]
            [submission] = [n for n in names if n.startswith("content/submissions/") and n.endswith(".md")]
            assert submission.endswith("-backpack-drive-at-capitol-plaza.md")
            assert "content/media/volunteers-table.jpg" in names
            assert repo.git.active_branch.name == "main"  # decap-server went back to the branch it found

            repo.git.git.checkout(branch)
            try:
                report = check_submissions(repo.config, [submission], today=today_in(repo.config))
                text = (repo.root / submission).read_text(encoding="utf-8")
                assert report.findings == [], "\n".join(f"{f.rule}: {f.message}" for f in report.findings) + text
                parsed = parse_submission_bytes((repo.root / submission).read_bytes(), submission)
                assert parsed.data["images"] == [{"file": "media/volunteers-table.jpg",
                                                  "alt": "Volunteers stack donated backpacks on a long table",
                                                  "people": "none"}]
                assert parsed.data["event"]["time"] == "10:00"
            finally:
                repo.git.git.checkout("main")

            # The preview pane shows the shared cards, with the live X count.
            preview = page.frame_locator("#preview-pane")
            assert preview.locator("article.pd-card--x .pd-count").inner_text().endswith("weighted characters")

            # A second submission without alt text is refused by the form, with a message.
            _open_new(page, url)
            _fill_common(page, "Second Backpack Drive")
            _add_photo(page, photo, alt="")
            page.get_by_role("button", name="Save").first.click()
            page.get_by_text("missed a required field").wait_for(timeout=10_000)
            alt_field = page.locator("label[for^='alt-field-']").locator("xpath=..")
            assert "Alt text is required." in (alt_field.text_content() or "")
            assert len([h for h in repo.git.heads if h.name.startswith("cms/")]) == 1
        finally:
            browser.close()
