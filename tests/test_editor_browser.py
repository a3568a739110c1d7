"""The web editor for real: Sveltia CMS in Debian's headless Chromium, served from 127.0.0.1 as
`postdesk editor-build` assembles it, with every request that would leave 127.0.0.1 failing the test.

Sveltia has no local server: "Work with Local Repository" asks the browser for a folder
(File System Access API). The test hands it a folder in the browser's private storage (OPFS),
seeded like a repository (.git/, content/submissions/, content/media/), then reads the saved
files back, commits them to a real temporary git repository and runs `postdesk check` on them in a
subprocess. Also: each mistake of issue 15 (an event without its date, a year typed digit by
digit, a photo over the size limit, a HEIC photo, a photo with GPS, no alt text, no confirmation,
minors without release or court approval) gives its message before anything is saved, and
axe-core finds no critical or serious violation at 1300 and 390 pixels wide.

Needs Debian's /usr/bin/chromium and the npm install in editor/ (`make setup` does it when npm
exists; `.ci/run` installs chromium and nodejs as root). Skips, saying which, otherwise.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import http.server
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from PIL import Image

from postdesk.editor import SVELTIA_BUNDLE, SVELTIA_PACKAGE, build_admin
from postdesk.parse import parse_submission_bytes

from .conftest import PROJECT

_SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "tools/postdesk/schema/submission.schema.json")
                     .read_text(encoding="utf-8"))
LABELS = {"category": _SCHEMA["properties"]["category"]["x-labels"],
          "people": _SCHEMA["$defs"]["image"]["properties"]["people"]["x-labels"]}
"""The options as the form shows them (the schema's x-labels), by stored value."""

CHROMIUM = shutil.which("chromium")
AXE = PROJECT / "editor" / "node_modules" / "axe-core" / "axe.min.js"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="the web editor test needs Debian's chromium (apt-get install "
                                                "chromium; .ci/run does it as root)"),
    pytest.mark.skipif(not (PROJECT / SVELTIA_PACKAGE / "dist" / SVELTIA_BUNDLE).is_file() or not AXE.is_file(),
                       reason="the web editor test needs Sveltia CMS and axe-core: run `npm ci --prefix editor` "
                              "(make setup does it when npm exists)"),
]

# Sveltia's "Work with Local Repository" opens the folder this returns: one in the browser's
# private storage, seeded as a repository (Sveltia insists on a .git folder).
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

READ_PRIVATE_FOLDER = """async () => {
  const out = {};
  async function walk(dir, prefix) {
    for await (const [name, handle] of dir.entries()) {
      if (handle.kind === 'directory') { if (name !== '.git') await walk(handle, prefix + name + '/'); continue; }
      const bytes = new Uint8Array(await (await handle.getFile()).arrayBuffer());
      let text = ''; for (const b of bytes) text += String.fromCharCode(b);
      out[prefix + name] = btoa(text);
    }
  }
  const root = await navigator.storage.getDirectory();
  await walk(await root.getDirectoryHandle('repo'), '');
  return out;
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                                                ".yml": "text/yaml", ".js": "text/javascript"}

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def editor_url(tmp_path_factory) -> Iterator[str]:
    """The editor as `postdesk editor-build` makes it, on a loopback static server, at /admin/."""
    from postdesk.config import load_config

    site = tmp_path_factory.mktemp("site")
    build_admin(load_config(PROJECT), site / "admin", sources=PROJECT)
    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=web.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{web.server_address[1]}/admin/"
    finally:
        web.shutdown()
        web.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            yield launched
        finally:
            launched.close()


class Editor:
    """One browser context on the editor (its own private storage), failing on any non-local request."""

    def __init__(self, browser: Any, url: str, width: int = 1300) -> None:
        self.url = url
        self.outside: list[str] = []
        self.context = browser.new_context(viewport={"width": width, "height": 1000}, locale="en-US")
        self.context.add_init_script(PICK_PRIVATE_FOLDER)
        self.context.route("**/*", self._only_local)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.page.goto(url)
        self.page.get_by_role("button", name="Work with Local Repository").click()
        self.page.get_by_text("Submissions").first.wait_for()

    def _only_local(self, route: Any) -> None:
        if route.request.url.startswith(("http://127.0.0.1:", "blob:", "data:")):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def close(self) -> None:
        self.context.close()
        assert self.outside == [], f"the editor asked another origin: {self.outside}"

    # ------------------------------------------------------------------ filling in

    def new(self) -> None:
        self.page.goto(self.url + "#/collections/submissions/new")
        self.page.get_by_role("textbox", name="Title").wait_for()

    def reveal_all(self) -> None:
        """Sveltia renders the fields below the fold lazily: scroll the form to its end."""
        self.page.get_by_role("textbox", name="Title").hover()
        for _ in range(8):
            self.page.mouse.wheel(0, 3000)
            self.page.wait_for_timeout(100)

    def common(self, title: str, category: str, *, confirm: bool = True) -> None:
        page = self.page
        page.get_by_role("textbox", name="Title").fill(title)
        body = page.locator("[contenteditable='true']").first
        body.click()
        page.keyboard.type("Bring new backpacks and school supplies to Capitol Plaza on Saturday morning.")
        page.get_by_role("radio", name=LABELS["category"][category], exact=True).click()
        page.get_by_role("textbox", name="Your name").fill("Jordan Reyes")
        page.get_by_role("textbox", name="Your work e-mail").fill("jordan.reyes@example.gov")
        page.get_by_role("radio", name="Cole County Office").click()
        page.get_by_role("textbox", name="Supervisor's name").fill("Pat Lee")
        page.get_by_role("textbox", name="Supervisor's e-mail").fill("pat.lee@example.gov")
        page.get_by_role("checkbox", name="Facebook", exact=True).click()  # the schema's labels, not the values
        page.get_by_role("checkbox", name="X", exact=True).click()
        if confirm:
            self.confirm()

    def confirm(self) -> None:
        self.reveal_all()
        self.page.get_by_role("switch", name=re.compile("No child or family")).click()

    def type_date(self, day: dt.date) -> str:
        """Type the event date digit by digit, as a person does (month, day, year), and return the value."""
        self.page.get_by_role("checkbox", name=re.compile("Add.{0,2}Event")).click()
        date = self.page.locator("input[type='date']").first
        date.focus()
        self.page.keyboard.type(day.strftime("%m%d%Y"), delay=30)
        return str(date.input_value())

    def add_photo(self, path: Path, *, alt: str = "", people: str = "none") -> None:
        page = self.page
        page.get_by_role("button", name=re.compile("Add.{0,2}Photo")).first.click()
        page.get_by_role("button", name="Browse").last.click()
        page.locator("input[type=file]").last.set_input_files(str(path))

    def insert_photo(self, *, alt: str, people: str = "none") -> None:
        page = self.page
        page.get_by_role("dialog").get_by_role("button", name="Insert").click()
        if alt:
            page.get_by_role("textbox", name="Alt text").last.fill(alt)
        page.get_by_role("radio", name=LABELS["people"][people], exact=True).last.click()

    def checks(self) -> str:
        """The text of the "Checks before you save" panel in the preview."""
        frame = self.page.frame_locator("iframe[src^='blob:']").first
        panel = frame.locator(".pd-checks")
        panel.wait_for()
        return str(panel.inner_text())

    def save(self) -> None:
        self.page.get_by_role("button", name="Save", exact=True).click()
        self.page.wait_for_timeout(1_500)

    def files(self) -> dict[str, bytes]:
        return {name: base64.b64decode(data) for name, data in self.page.evaluate(READ_PRIVATE_FOLDER).items()}


@pytest.fixture
def editor(browser, editor_url) -> Iterator[Editor]:
    opened = Editor(browser, editor_url)
    try:
        yield opened
    finally:
        opened.close()


def _photo_with_gps(path: Path) -> Path:
    image = Image.new("RGB", (1600, 1200), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (38.0, 34.0, 36.0), 3: "W", 4: (92.0, 10.0, 24.0)}
    image.save(path, "JPEG", quality=85, exif=exif)
    with Image.open(path) as saved:
        assert saved.getexif().get_ifd(0x8825)  # the photo really carries a location
    return path


def _postdesk_check(root: Path, files: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(PROJECT / "tools")}
    return subprocess.run([sys.executable, "-m", "postdesk", "check", *files], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)


def test_each_category_saves_with_only_its_fields_and_passes_check(editor, repo, tmp_path):
    event_day = dt.date.today() + dt.timedelta(days=30)
    photo = _photo_with_gps(tmp_path / "volunteers-table.jpg")

    editor.new()
    editor.common("Backpack Drive at Capitol Plaza", "event", confirm=False)
    assert editor.type_date(event_day) == event_day.isoformat()
    editor.page.get_by_role("textbox", name="Public venue").fill("Capitol Plaza, Jefferson City")
    editor.add_photo(photo)
    editor.insert_photo(alt="Volunteers stack donated backpacks on a long table")
    editor.confirm()
    assert "nothing to fix" in editor.checks()
    editor.save()
    for title, category in (("Partnership with the Food Bank", "partnership"),
                            ("Thank You to Our Foster Parents", "recognition"),
                            ("New Office Hours in Cole County", "announcement")):
        editor.new()
        editor.common(title, category)
        editor.save()

    saved = editor.files()
    submissions = sorted(name for name in saved if name.startswith("content/submissions/"))
    assert len(submissions) == 4, sorted(saved)
    for name, data in saved.items():
        repo.write(name, data)
    repo.commit("Saved by the web editor")

    result = _postdesk_check(repo.root, submissions)
    assert result.returncode == 0, result.stdout + result.stderr

    by_category = {}
    for name in submissions:
        parsed = parse_submission_bytes(saved[name], name)
        by_category[parsed.data["category"]] = parsed.data
    assert "event" not in by_category["announcement"]  # an optional group left off is not written at all
    assert "event" not in by_category["partnership"] and "images" not in by_category["recognition"]
    event = by_category["event"]
    assert event["event"]["date"] == event_day.isoformat()
    [image] = event["images"]
    assert image["file"] == "media/volunteers-table.webp"  # the form postdesk check expects
    with Image.open(io.BytesIO(saved["content/media/volunteers-table.webp"])) as cleaned:
        assert cleaned.format == "WEBP" and not cleaned.getexif() and "exif" not in cleaned.info  # no location left


def test_icons_render_from_our_own_fonts(editor):
    editor.new()
    loaded = editor.page.evaluate("async () => { await document.fonts.ready; "
                                  "return document.fonts.check('24px \"Material Symbols Outlined\"'); }")
    assert loaded
    # An icon drawn as a glyph is about as wide as it is tall; the word "arrow_back" would be far wider.
    width = editor.page.evaluate("""() => { const icons = [...document.querySelectorAll('span, i')]
        .filter(e => e.children.length === 0 && e.textContent.trim() === 'arrow_back');
        return icons.length ? icons[0].getBoundingClientRect().width : -1; }""")
    assert 0 < width < 40, width


def test_an_event_without_its_date_is_named_and_not_saved(editor):
    editor.new()
    editor.common("Backpack Drive Without a Date", "event")
    text = editor.checks()
    assert ("Add \u201cEvent\u201d and fill in \u201cEvent date\u201d (needed when \u201cCategory\u201d is "
            "event).") in text
    editor.save()
    notice = editor.page.locator("#pd-notice")
    assert notice.get_attribute("role") == "alert"
    assert "Not saved yet: 1 thing to fix" in notice.inner_text() and "\u201cEvent date\u201d" in notice.inner_text()
    assert not any(n.startswith("content/submissions/") for n in editor.files())


def test_a_year_typed_digit_by_digit_stays_and_a_mistyped_year_is_named(editor):
    editor.new()
    editor.common("Backpack Drive at Capitol Plaza", "event")
    assert editor.type_date(dt.date(2026, 12, 5)) == "2026-12-05"
    date = editor.page.locator("input[type='date']").first
    date.fill("1906-12-05")
    assert "\u201cEvent date\u201d: the year 1906 looks mistyped (1906-12-05)" in editor.checks()


def test_confidentiality_not_confirmed_and_missing_alt_text_are_named_and_not_saved(editor, tmp_path):
    photo = tmp_path / "table.jpg"
    Image.new("RGB", (800, 600), (10, 120, 40)).save(photo, "JPEG")
    editor.new()
    editor.common("Thank You to Our Volunteers", "recognition", confirm=False)
    editor.add_photo(photo)
    editor.insert_photo(alt="", people="minors")
    text = editor.checks()
    assert "Turn on \u201cNo child or family in care can be identified\u201d." in text
    assert "Photo 1: Fill in \u201cAlt text\u201d." in text
    assert ("Photo 1: Fill in \u201cRelease forms\u201d (needed when \u201cWho can be recognised\u201d is adults or "
            "minors).") in text
    assert ("Photo 1: Turn on \u201cCourt approval on file\u201d (needed when \u201cWho can be recognised\u201d is "
            "minors).") in text
    assert "see the pull requests on GitHub" in text
    editor.save()  # the form itself refuses a photo without alt text
    assert editor.page.get_by_text("This field is required.").first.is_visible()
    editor.page.get_by_role("textbox", name="Alt text").last.fill("Two volunteers at a table")
    editor.save()  # then the checks refuse the rest, before anything is written
    notice = editor.page.locator("#pd-notice").inner_text()
    assert "Not saved yet: 3 things to fix" in notice and "\u201cCourt approval on file\u201d" in notice
    assert not any(n.startswith(("content/submissions/", "content/media/")) for n in editor.files())


@pytest.mark.parametrize(("name", "content", "message"), [
    ("phone.heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(200),
     "\u201cphone.heic\u201d is a HEIC photo"),
    ("huge.jpg", None, "\u201chuge.jpg\u201d is 20.5 MB; a photo can be at most 20 MB."),
])
def test_a_heic_or_too_large_photo_is_refused_with_a_message(editor, tmp_path, name, content, message):
    path = tmp_path / name
    if content is None:  # a real JPEG padded past the limit
        buffer = io.BytesIO()
        Image.new("RGB", (64, 64), (1, 2, 3)).save(buffer, "JPEG")
        content = buffer.getvalue() + bytes(20_500_000 - len(buffer.getvalue()))
    path.write_bytes(content)
    editor.new()
    editor.add_photo(path)
    alert = editor.page.locator("#pd-notice")
    alert.wait_for()
    assert alert.get_attribute("role") == "alert"
    assert message in alert.inner_text()
    assert name not in editor.page.get_by_role("dialog").inner_text()  # Sveltia never got the file


@pytest.mark.parametrize("width", [1300, 390])
def test_the_form_has_no_serious_accessibility_violation_and_fits_the_screen(browser, editor_url, width):
    opened = Editor(browser, editor_url, width=width)
    try:
        opened.new()
        opened.page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")  # not a <script>: the page's policy forbids it
        violations = opened.page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']}))"
                                          ".violations.filter(v => ['critical', 'serious'].includes(v.impact))"
                                          ".map(v => v.id + ': ' + v.help + ' ' + v.nodes.length)")
        assert violations == []
        if width == 390:
            scroll, inner = opened.page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
            assert scroll <= inner
            opened.common("Backpack Drive at Capitol Plaza", "announcement")
            opened.page.get_by_role("button", name="Preview", exact=True).click()  # a phone shows one pane at a time
            count = opened.page.frame_locator("iframe[src^='blob:']").first.locator(".pd-card--x .pd-count")
            count.wait_for()
            box = count.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
            assert count.inner_text().endswith("weighted characters")
    finally:
        opened.close()
