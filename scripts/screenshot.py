"""Take the README's screenshots: the demo preview and the replies digest (run `make demo` first), and
the web editor for the staff guide (needs `npm ci --prefix editor`): the empty form, an event being
filled in, the checks panel with a mistake, and a phone-width view (docs/editor-*.png, docs/editor.png).

Uses Debian's Chromium through Playwright; no browser is downloaded. The editor is built with
`postdesk editor-build`, served on 127.0.0.1, and works on a folder in the browser's private
storage (nothing is written to this repository); requests to other origins are refused.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import re
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


PICK_PRIVATE_FOLDER = """
window.showDirectoryPicker = async () => {
  const root = await navigator.storage.getDirectory();
  const repo = await root.getDirectoryHandle('repo', { create: true });
  await repo.getDirectoryHandle('.git', { create: true });
  const content = await repo.getDirectoryHandle('content', { create: true });
  await content.getDirectoryHandle('submissions', { create: true });
  await content.getDirectoryHandle('media', { create: true });
  return repo;
};
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,  # noqa: RUF012
                      ".yml": "text/yaml", ".js": "text/javascript"}

    def log_message(self, format: str, *args: object) -> None:
        pass


def _editor_page(browser: Any, url: str, width: int) -> Any:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-US")
    context.add_init_script(PICK_PRIVATE_FOLDER)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1:")
                  else route.abort())
    page = context.new_page()
    page.goto(url)
    page.get_by_role("button", name="Work with Local Repository").click()
    page.get_by_text("Submissions").first.wait_for()
    page.goto(url + "#/collections/submissions/new")
    page.get_by_role("textbox", name="Title").wait_for()
    page.wait_for_timeout(800)
    return page


def _fill_event(page: Any) -> None:
    page.get_by_role("textbox", name="Title").fill("Backpack Drive at Capitol Plaza")
    page.locator("[contenteditable='true']").first.click()
    page.keyboard.type("Bring new backpacks and school supplies to Capitol Plaza on Saturday morning.")
    page.get_by_role("radio", name="Event", exact=True).click()
    page.get_by_role("textbox", name="Your name").fill("Jordan Reyes")
    page.get_by_role("textbox", name="Your work e-mail").fill("jordan.reyes@example.gov")
    page.get_by_role("radio", name="Cole County Office").click()
    page.get_by_role("textbox", name="Supervisor's name").fill("Pat Lee")
    page.get_by_role("textbox", name="Supervisor's e-mail").fill("pat.lee@example.gov")
    page.get_by_role("checkbox", name="Facebook", exact=True).click()
    page.get_by_role("checkbox", name="X", exact=True).click()


def editor_screenshots(browser: Any) -> None:
    """docs/editor-empty.png, docs/editor.png (an event), docs/editor-checks.png, docs/editor-phone.png."""
    sys.path.insert(0, str(ROOT / "tools"))
    from postdesk.config import load_config
    from postdesk.editor import build_admin

    with tempfile.TemporaryDirectory(prefix="postdesk-shots-") as folder:
        build_admin(load_config(ROOT), Path(folder) / "admin", sources=ROOT)
        web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=folder))
        threading.Thread(target=web.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{web.server_address[1]}/admin/"
        try:
            page = _editor_page(browser, url, 1300)
            page.screenshot(path=str(ROOT / "docs" / "editor-empty.png"))
            _fill_event(page)
            page.screenshot(path=str(ROOT / "docs" / "editor-checks.png"))  # no event date, no confirmation yet
            page.get_by_role("checkbox", name=re.compile("Add.{0,2}Event")).click()
            date = page.locator("input[type='date']").first
            date.focus()
            page.keyboard.type((dt.date.today() + dt.timedelta(days=30)).strftime("%m%d%Y"), delay=30)
            page.get_by_role("textbox", name="Public venue").fill("Capitol Plaza, Jefferson City")
            page.wait_for_timeout(500)
            page.screenshot(path=str(ROOT / "docs" / "editor.png"))
            page.context.close()
            phone = _editor_page(browser, url, 390)
            phone.screenshot(path=str(ROOT / "docs" / "editor-phone.png"))
            phone.context.close()
        finally:
            web.shutdown()
            web.server_close()


def main() -> None:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if not chromium:
        sys.exit("needs /usr/bin/chromium")
    index = ROOT / "build" / "demo-preview" / "index.html"
    editor = (ROOT / "editor/node_modules/@sveltia/cms/dist/sveltia-cms.js").is_file()
    if not index.is_file() and not editor:
        sys.exit("needs build/demo-preview (run make demo) or the editor's npm install (npm ci --prefix editor)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        if editor:
            editor_screenshots(browser)
        if not index.is_file():
            browser.close()
            return
        page = browser.new_page(viewport={"width": 1150, "height": 1400})
        page.goto(index.as_uri())
        page.locator("section.pd-submission").first.screenshot(path=str(ROOT / "docs" / "preview.png"))
        digest = ROOT / "build" / "demo-digest" / "digest.html"
        if digest.is_file():
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            page.goto(digest.as_uri())
            page.screenshot(path=str(ROOT / "docs" / "digest.png"), full_page=True)
        browser.close()


if __name__ == "__main__":
    main()
