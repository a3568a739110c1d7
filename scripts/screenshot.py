"""Take the README's screenshots of the demo preview and the replies digest (run `make demo` first).

Uses Debian's Chromium through Playwright; no browser is downloaded.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    index = ROOT / "build" / "demo-preview" / "index.html"
    if not chromium or not index.is_file():
        sys.exit("needs /usr/bin/chromium and build/demo-preview (run make demo)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
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
