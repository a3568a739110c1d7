"""The pull-request comment is enough to decide from (issue 16), and stays harmless and small.

Fifty submissions in a real git repository (offices, supervisors, every category, photos made
with Pillow with every kind of people declaration, one with an error) go through the real
``build_preview``; the comments for one, five and fifty of them are rendered to HTML
(markdown-it, as in tests/test_comment.py) and read back: what a reviewer must see is there,
word for word, and nothing from the pull request adds a tag or a link.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest

from postdesk.cli import main
from postdesk.comment import (
    COMMENT_LIMIT,
    FULL_ENTRIES,
    MAX_POST_TEXT,
    NO_POST_WITH_ERRORS,
    PREVIEW_SHAPE,
    PreviewDataError,
    check_shape,
    make_links,
    read_preview_data,
    render_comment,
)
from postdesk.errors import UsageError
from postdesk.escape import plain
from postdesk.model import CHANNEL_LABELS
from postdesk.posttext import post_text
from postdesk.preview import build_preview, preview_data, schedule_if_merged

from .conftest import TODAY, make_repo, valid_front
from .test_comment import HOSTILE, MARKDOWN, Page, assert_inert

NOW = dt.datetime(2026, 11, 23, 8, 0, tzinfo=ZoneInfo("America/Chicago"))  # a Monday, before the first window
SHA = "0123456789abcdef0123456789abcdef01234567"
REPO = "example-agency/postdesk"
RUN_URL = f"https://github.com/{REPO}/actions/runs/987654321"
ARTIFACT_URL = f"{RUN_URL}/artifacts/123456"
LINKS = make_links(repo=REPO, head_sha=SHA, run_id=987654321, artifact_id=123456)
OFFICES = ["Cole County Office", "Boone County Office", "Greene County Office", "Callaway County Office"]
PHOTOS = [  # (people, release, court approval), in turn
    ("none", None, None), ("staff", None, None), ("adults", "Release forms 2026-201 on file", None),
    ("minors", "Release forms 2026-114, 2026-115 on file", True),
]
LONG_BODY = "\n\n".join(f"Paragraph {n}: families and volunteers from the county came together again this "
                        "season, and we want to thank every one of them for the time they gave." for n in range(15))
FIRST_POST = re.compile(r"(Facebook|X|LinkedIn), (Mon|Tue|Wed|Thu|Fri) [1-9][0-9]? [A-Z][a-z]{2} 20[0-9]{2} "
                        r"[0-2][0-9]:[0-5][0-9]")


def front(i: int) -> dict:
    """Submission ``i``: its office, people, category, dates, networks and photo vary with ``i``."""
    people, release, court = PHOTOS[i % 4]
    photo = {"file": f"media/2026-11-21-photo-{i % 4}.jpg",
             "alt": f"Volunteers and staff at table {i} sorting donated school supplies", "people": people}
    if release:
        photo["release"] = release
    if court:
        photo["court_approved"] = True
    changes = {
        "title": f"Community news number {i} from {OFFICES[i % 4]}",
        "submitted_by": {"name": f"Jordan Reyes{'-Diaz' * (i % 2)}", "email": "jordan.reyes@example.gov",
                         "office": OFFICES[i % 4]},
        "supervisor": {"name": ["Pat Lee", "Sam Carter", "Taylor Brooks"][i % 3], "email": "pat.lee@example.gov"},
        "channels": [["facebook", "x", "linkedin"], ["facebook", "x"], ["linkedin"]][i % 3],
        "images": [photo],
        "post_after": None,
    }
    if i % 5 == 1:  # an announcement with its own dates: not before 1 Dec, the last day 20 Dec
        changes.update(category="announcement", event=None, post_after="2026-12-01", post_by="2026-12-20")
    if i == 2:  # waits beyond the schedule's 90 days: said in plain words
        changes.update(post_after="2030-07-20")
    if i % 7 == 0:  # a long text (see the fixture), and a short one for X
        changes.update(text={"x": f"Community news number {i}: read it on our page."})
    if i == 3:  # an error, with its fix
        changes.update(channels=["facebook", "x"], text={"x": "word " * 80})
    return valid_front(**changes)


@pytest.fixture(scope="module")
def fifty(tmp_path_factory):
    """A repository with fifty submissions, previewed once: (config, entries, data of all fifty)."""
    repo = make_repo(tmp_path_factory.mktemp("fifty") / "repo")
    for number in range(4):
        repo.photo(f"2026-11-21-photo-{number}.jpg", size=(1200, 800))
    paths = [repo.submission(f"2026-11-21-news-{i:02d}.md", front(i),
                             body=LONG_BODY if i % 7 == 0 else f"Short news number {i}.\nA second line, @staff.")
             for i in range(50)]
    repo.commit("Fifty suggestions")
    preview = build_preview(repo.config, paths, out=repo.root.parent / "preview", today=TODAY, site=False, now=NOW)
    yield repo.config, preview, read_preview_data(preview.data.read_bytes())
    repo.git.close()


def data_for(config, entries) -> dict:
    """What the preview writes for these entries, read back as the comment workflow reads it."""
    slots = schedule_if_merged(config, entries, now=NOW)
    return read_preview_data(json.dumps(preview_data(entries, slots=slots)).encode())


class Comment(HTMLParser):
    """The rendered comment split at each submission's heading: per section its heading, text,
    list items, quoted post texts (a hard break as "\\n", a new paragraph as "\\n\\n"), images and links."""

    def __init__(self, markdown: str) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[dict] = [self._section("")]
        self.links: list[str] = []
        self._open: list[str] = []
        self.feed(MARKDOWN.render(markdown))

    @staticmethod
    def _section(heading: str) -> dict:
        return {"heading": heading, "text": "", "items": [], "quotes": [], "images": [], "rows": [], "titled": False}

    def handle_starttag(self, tag, attrs):
        section = self.sections[-1]
        if tag == "h3":
            self.sections.append(self._section(""))
        elif tag == "strong" and not section["titled"] and section["text"].strip() == section["heading"].strip():
            # "### Submission 2" then the title in bold: the section is named by its title
            section.update(number=section["heading"], heading="", titled=True)
            self._open.append("title")
        elif tag == "li":
            section["items"].append("")
        elif tag == "blockquote":
            section["quotes"].append("")
        elif tag == "p" and "blockquote" in self._open and section["quotes"][-1]:
            section["quotes"][-1] += "\n\n"
        elif tag == "br" and "blockquote" in self._open:
            section["quotes"][-1] += "\n"
        elif tag == "img":
            section["images"].append(dict(attrs))
        elif tag == "a":
            self.links.append(dict(attrs)["href"])
        elif tag == "tr":
            section["rows"].append([])
        elif tag in ("td", "th"):
            section["rows"][-1].append("")
        if tag not in ("br", "img"):
            self._open.append(tag)

    def handle_endtag(self, tag):
        if tag == "strong" and "title" in self._open:
            self._open.remove("title")
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag):]

    def handle_data(self, data):
        section = self.sections[-1]
        section["text"] += data
        if "h3" in self._open or ("title" in self._open and "strong" in self._open):
            section["heading"] += data
        if "li" in self._open:
            section["items"][-1] += data
        if "blockquote" in self._open:
            section["quotes"][-1] += data.replace("\n", "")
        if any(tag in ("td", "th") for tag in self._open):
            section["rows"][-1][-1] += data

    def submissions(self) -> list[dict]:
        return [section for section in self.sections[1:] if section["heading"] != "The other submissions"]


def quoted(text: str) -> str:
    """A post text as the comment's quote reads: each line without invisible characters, one blank
    line between paragraphs."""
    lines = [plain(line) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def check_in_full(section: dict, entry, first_post: str) -> None:
    """Everything a reviewer decides from, for one submission shown in full."""
    sub = entry.submission
    assert section["heading"] == sub.title
    assert entry.path in section["text"]
    items = section["items"]
    assert f"Submitted by: {sub.submitted_by.name}, {sub.office}" in items
    assert f"Supervisor: {sub.supervisor.name}" in items
    [category] = [item for item in items if item.startswith("Category: ")]
    assert category.startswith(f"Category: {sub.category.capitalize()}")
    if sub.event is not None:
        day = sub.event.date
        assert f"Event {day:%a} {day.day} {day:%b %Y} {sub.event.time:%H:%M}, {sub.event.location}" in category
    if sub.post_by is not None:
        assert f"Last day to post {sub.post_by:%a} {sub.post_by.day} {sub.post_by:%b %Y}" in category
    if sub.post_after is not None:
        assert f"Not before {sub.post_after:%a} {sub.post_after.day} {sub.post_after:%b %Y}" in category
    assert f"First post if merged now: {first_post or NO_POST_WITH_ERRORS}" in items
    # the exact text per network, in the order of the networks; when the comment is short of room,
    # the start of it, said to be the start
    assert len(section["quotes"]) == len(sub.channels)
    for quote, channel in zip(section["quotes"], sub.channels, strict=True):
        text = post_text(sub, channel)
        shown = next(n for n in (len(text), 3_000, 1_000, 300) if quote == quoted(text[:n]))
        assert shown == len(text) or f"The first {shown:,} characters; the whole text is on the preview page." \
            in section["text"]
    for image, shown in zip(sub.images, section["images"], strict=True):
        assert shown == {"src": f"https://github.com/{REPO}/raw/{SHA}/content/{image.file}", "width": "160",
                         "alt": image.alt}
    [photo] = [item.strip() for item in items if item.strip().startswith(f"content/{sub.images[0].file}")]
    assert f"Alt text: {sub.images[0].alt}" in photo
    image = sub.images[0]
    said = {"none": "no one can be recognised", "staff": "agency staff only", "adults": "adults who are not staff",
            "minors": "children (minors)"}[image.people]
    assert f"Who can be recognised: {said}" in photo
    if image.release:
        assert f"release: {image.release}" in photo
    if image.people == "minors":
        assert photo.endswith("court approval: on file")
    for finding in entry.findings:
        assert any(f"({finding.rule})" in item and plain(finding.message) in item and f"Fix: {plain(finding.hint)}"
                   in item for item in items)


def test_one_submission_is_shown_with_everything_a_reviewer_decides_from(fifty):
    config, preview, _data = fifty
    entries = preview.entries[:1]
    data = data_for(config, entries)
    comment = render_comment(data, check="success", links=LINKS)
    assert_inert(comment)
    page = Comment(comment)
    [section] = page.submissions()
    first_post = data["entries"][0]["first_slot"]
    assert FIRST_POST.fullmatch(first_post), first_post
    check_in_full(section, entries[0], first_post)
    assert section["quotes"][0].count("\n\n") == 16  # the long text, paragraph by paragraph
    assert "<details><summary>Facebook text (" in comment  # long: collapsed
    assert page.links == [RUN_URL, ARTIFACT_URL, ARTIFACT_URL]  # at the top, and at the end
    assert "horizon" not in comment and "not placed" not in comment


def test_five_submissions_show_each_ones_facts_photos_and_findings(fifty):
    config, preview, _data = fifty
    entries = preview.entries[:5]
    data = data_for(config, entries)
    comment = render_comment(data, check="failure", links=LINKS)
    assert_inert(comment)
    sections = Comment(comment).submissions()
    assert len(sections) == 5
    by_title = {section["heading"]: section for section in sections}
    for entry, written in zip(entries, data["entries"], strict=True):
        check_in_full(by_title[entry.submission.title], entry, written["first_slot"])
    slots = [written["first_slot"] for written in data["entries"]]
    assert slots[2].startswith("not yet: it waits for its 'not before' date (Sat 20 Jul 2030)")
    assert slots[3] == ""  # it has an error: not planned (the comment says why)
    assert all(FIRST_POST.fullmatch(slot) for index, slot in enumerate(slots) if index not in (2, 3)), slots
    assert slots[1] == "Facebook, Tue 1 Dec 2026 09:00"  # the announcement: its 'not before' day, first window
    error = by_title[entries[3].submission.title]
    assert any(item.startswith("line ") and "(text.too-long)" in item and "Fix: Shorten " in item
               for item in error["items"])
    assert "❌ needs changes (1 error" in error["text"]
    assert "**Short** " not in comment and "@staff" in comment.replace("`@staff`", "")  # a mention, in a code span only


def test_fifty_submissions_stay_under_githubs_limit_and_the_rest_are_summarised(fifty):
    _config, preview, data = fifty
    comment = render_comment(data, check="success", links=LINKS)
    assert len(comment) <= COMMENT_LIMIT < 65_536
    assert_inert(comment)
    page = Comment(comment)
    full = page.submissions()
    assert len(full) == FULL_ENTRIES
    for section, entry, written in zip(full, preview.entries, data["entries"], strict=False):
        check_in_full(section, entry, written["first_slot"])
    assert "50 submissions: the first 10 in full, the others in the table at the end" in comment
    [table] = [section for section in page.sections if section["heading"] == "The other submissions"]
    assert table["rows"][0] == ["submission", "office", "verdict", "errors", "warnings"]
    rows = table["rows"][1:]
    assert len(rows) == 40
    for row, entry in zip(rows, preview.entries[FULL_ENTRIES:], strict=True):
        assert row == [entry.submission.title + entry.path, entry.submission.office,
                       "✅ ready" if entry.ok else "❌ needs changes", str(entry.errors), str(entry.warnings)]


def test_the_largest_data_the_shape_allows_still_makes_a_comment_under_the_limit(fifty):
    _config, _preview, data = fifty
    huge = copy.deepcopy(data)  # about 30 MB: more than preview.json may hold, so checked against the shape here
    template = huge["entries"][0]
    template["texts"] = [{"channel": channel, "text": ("word " * 2_000)[:MAX_POST_TEXT]}
                         for channel in ("facebook", "x", "linkedin")]
    template["findings"] = [{"severity": "error", "rule": "text.too-long", "line": n, "message": "m " * 1_000,
                             "hint": "h " * 1_000} for n in range(100)]
    huge["entries"] = [copy.deepcopy(template) for _ in range(300)]
    huge["omitted_entries"] = 1_000
    check_shape(huge, PREVIEW_SHAPE)
    comment = render_comment(huge, links=LINKS)
    assert len(comment) <= COMMENT_LIMIT
    assert_inert(comment)
    assert "*The first " in comment and "…and 1," in comment  # cut texts are said to be cut; the rest are counted


# --------------------------------------------------------------------------- hostile values in every new field


def with_every_new_field(data: dict, value: str) -> dict:
    """``data`` with ``value`` in every string a pull request writes (the photo's file kept safe: see below)."""
    data = copy.deepcopy(data)
    for entry in data["entries"]:
        entry["title"] = value
        entry["first_slot"] = value
        for key in ("submitted_by", "office", "supervisor"):
            entry[key] = value
        if "event" in entry:
            entry["event"]["location"] = value
        for text in entry.get("texts", []):
            text["text"] = value
        for photo in entry.get("photos", []):
            photo["alt"] = value
            photo["release"] = value
    return data


STRUCTURE_FREE = {"p", "br", "code", "blockquote"}
"""Tags a text's own lines may add or remove (paragraphs, hard breaks, code spans around mentions)."""


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_value_in_any_new_field_adds_no_tag_and_no_link(fifty, value):
    config, preview, _data = fifty
    data = data_for(config, preview.entries[:5])
    hostile = read_preview_data(json.dumps(with_every_new_field(data, value)).encode())
    benign = with_every_new_field(data, re.sub(r"[^\n]", "a", value))  # the same length and lines, harmless
    comment = render_comment(hostile, check="failure", links=LINKS)
    page = assert_inert(comment)
    structure = [tag for tag in page.tags if tag not in STRUCTURE_FREE]
    assert structure == [tag for tag in Page(render_comment(benign, check="failure", links=LINKS)).tags
                         if tag not in STRUCTURE_FREE]
    assert {attrs.get("href") for tag, attrs in page.attrs if tag == "a"} == {RUN_URL, ARTIFACT_URL}
    for tag, attrs in page.attrs:
        if tag == "img":
            assert set(attrs) == {"src", "width", "alt"} and attrs["src"].startswith(f"https://github.com/{REPO}/raw/{SHA}/")
            assert attrs["alt"] == plain(value, limit=300)
    sections = Comment(comment).submissions()
    if plain(value):
        assert all(section["heading"] == plain(value) for section in sections)
        assert all(f"Submitted by: {plain(value)}, {plain(value)}" in section["items"] for section in sections)
        assert all(section["quotes"] and set(section["quotes"]) == {quoted(value)} for section in sections)


HOSTILE_FILES = ["content/media/../../postdesk.toml", "content/media/a b.jpg", "https://evil.example/x.jpg",
                 "content/media/x.jpg?y=1", 'content/media/x.jpg" onerror="alert(1)', "content/media/.hidden.jpg",
                 "content/media/sub/x.jpg", "content/submissions/x.jpg", "//evil.example/x.jpg", "content/media/x.svg",
                 "content/media/x.jpg\n<img src=x>", "content/media/\u202ex.jpg"]


@pytest.mark.parametrize("file", HOSTILE_FILES)
def test_a_photo_path_that_is_not_a_plain_media_file_gets_no_thumbnail(fifty, file):
    config, preview, _data = fifty
    data = data_for(config, preview.entries[:1])
    data["entries"][0]["photos"][0]["file"] = file
    comment = render_comment(read_preview_data(json.dumps(data).encode()), links=LINKS)
    page = assert_inert(comment)
    assert "img" not in page.tags
    assert plain(file) in page.text  # still named, in a code span


def test_no_thumbnail_and_no_link_without_the_events_facts(fifty):
    config, preview, _data = fifty
    comment = render_comment(data_for(config, preview.entries[:1]))
    page = assert_inert(comment)
    assert "img" not in page.tags and "a" not in page.tags
    assert "artifact `postdesk-preview` of the pull request's *Submission check* run" in comment


NEW_FIELD_REFUSALS = {  # what a fork could write in the new fields, and the reason it is refused
    "a category with markup": (lambda e: e.update(category="event <b>"), "category) is not in the form"),
    "an unknown people value": (lambda e: e["photos"][0].update(people="PWNED"), "people) is not one of"),
    "court approval as text": (lambda e: e["photos"][0].update(court_approved="true"), "is not true or false"),
    "court approval as 1": (lambda e: e["photos"][0].update(court_approved=1), "is not true or false"),
    "a field in a photo": (lambda e: e["photos"][0].update(src="https://evil.example"), "has a field"),
    "five photos": (lambda e: e.update(photos=e["photos"] * 5), "photos) has more than 4 items"),
    "four texts": (lambda e: e.update(texts=e["texts"] * 2), "texts) has more than 3 items"),
    "a text too long": (lambda e: e["texts"][0].update(text="x" * (MAX_POST_TEXT + 1)), "longer than 5,000"),
    "an unknown network": (lambda e: e["texts"][0].update(channel="PWNED"), "channel) is not one of"),
    "an alt text too long": (lambda e: e["photos"][0].update(alt="x" * 1_001), "alt) is longer than 1,000"),
    "an hour that is no time": (lambda e: e["event"].update(time="25:00"), "time) is not in the form"),
    "a date that is words": (lambda e: e.update(post_by="PWNED"), "post_by) is not in the form"),
    "an event without a date": (lambda e: e["event"].pop("date"), "(entries[0].event) has no date"),
    "an office as a list": (lambda e: e.update(office=["PWNED"]), "office) is not text"),
    "a long office": (lambda e: e.update(office="x" * 121), "office) is longer than 120"),
    "shortened as a number": (lambda e: e["texts"][0].update(shortened=1), "is not true or false"),
}


@pytest.mark.parametrize(("change", "reason"), NEW_FIELD_REFUSALS.values(), ids=NEW_FIELD_REFUSALS.keys())
def test_hostile_new_fields_are_refused_in_our_own_words(fifty, change, reason):
    config, preview, _data = fifty
    data = data_for(config, preview.entries[:1])
    assert {"event", "photos", "texts"} <= set(data["entries"][0])
    change(data["entries"][0])
    with pytest.raises(PreviewDataError) as refused:
        read_preview_data(json.dumps(data).encode())
    assert reason in refused.value.message and "PWNED" not in str(refused.value)


# --------------------------------------------------------------------------- older data, the command, the links


def test_version_1_data_from_an_older_base_commit_still_renders(fifty):
    config, preview, _data = fifty
    data = data_for(config, preview.entries[:3])
    old = {"format": "postdesk-preview", "version": 1, "omitted_entries": 0,
           "entries": [{key: entry[key] for key in ("path", "title", "errors", "warnings", "channels", "first_slot",
                                                    "findings", "omitted_findings")} for entry in data["entries"]]}
    comment = render_comment(read_preview_data(json.dumps(old).encode()), check="success", links=LINKS)
    assert_inert(comment)
    sections = Comment(comment).submissions()
    assert [section["heading"] for section in sections] == [entry.submission.title for entry in preview.entries[:3]]
    for section, entry in zip(sections, old["entries"], strict=True):
        assert f"First post if merged now: {entry['first_slot']}" in section["items"]
        [length] = [item for item in section["items"] if item.startswith("Length: ")]
        first = entry["channels"][0]
        assert length.startswith(f"Length: {CHANNEL_LABELS[first['channel']]} {first['length']:,}/{first['limit']:,}")
        assert section["quotes"] == [] and section["images"] == []


def test_the_command_links_the_run_the_artifact_and_the_photos_at_the_head_commit(fifty, tmp_path):
    _config, preview, _data = fifty
    out = io.StringIO()
    code = main(["comment", "--from", str(preview.data), "--repo-name", REPO, "--head-sha", SHA,
                 "--run-id", "987654321", "--artifact-id", "123456"], stdout=out, stderr=io.StringIO())
    assert code == 0
    page = Comment(out.getvalue())
    assert page.links == [RUN_URL, ARTIFACT_URL, ARTIFACT_URL]
    assert all(image["src"].startswith(f"https://github.com/{REPO}/raw/{SHA}/content/media/2026-11-21-photo-")
               for section in page.submissions() for image in section["images"])
    assert out.getvalue() != preview.summary.read_text(encoding="utf-8")  # the job summary has no links to give


@pytest.mark.parametrize(("args", "said"), [
    (["--run-id", "12x"], "is not a run or artifact id"),
    (["--artifact-id", "-1"], "is not a run or artifact id"),
    (["--server-url", "http://github.com"], "is not an https://host address"),
    (["--server-url", "https://evil.example/x?"], "is not an https://host address"),
    (["--repo-name", "a/b/c"], "is not a GitHub repository"),
    (["--head-sha", "HEAD"], "is not a full commit id"),
])
def test_links_not_in_githubs_own_form_are_refused(fifty, args, said):
    _config, preview, _data = fifty
    err = io.StringIO()
    assert main(["comment", "--from", str(preview.data), *args], stdout=io.StringIO(), stderr=err) == 2
    assert said in err.getvalue()


def test_make_links_builds_the_addresses_from_the_events_facts_only():
    links = make_links(server_url="https://github.example.gov/", repo="org/desk", head_sha="a" * 40, run_id=5,
                       artifact_id=6)
    assert links.run_url == "https://github.example.gov/org/desk/actions/runs/5"
    assert links.artifact_url == "https://github.example.gov/org/desk/actions/runs/5/artifacts/6"
    assert links.photo_url("content/media/a_b-1.JPG") == \
        f"https://github.example.gov/org/desk/raw/{'a' * 40}/content/media/a_b-1.JPG"
    assert make_links(repo="org/desk").photo_url("content/media/a.jpg") == ""  # no head commit, no thumbnail
    with pytest.raises(UsageError):
        make_links(repo="org/../desk")


# --------------------------------------------------------------------------- the preview page


class Facts(HTMLParser):
    """Per submission section of the preview page: its facts (dt -> dd) and its photo declarations."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[dict] = []
        self._in: str | None = None
        self._term = ""
        self.tags: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        classes = (dict(attrs).get("class") or "").split()
        if tag == "section":
            self.sections.append({"facts": {}, "declarations": []})
        elif tag in ("dt", "dd"):
            self._in = tag
            if tag == "dt":
                self._term = ""
            else:
                self.sections[-1]["facts"][self._term] = ""
        elif tag == "li" and "pd-declaration" in classes:
            self._in = "li"
            self.sections[-1]["declarations"].append("")

    def handle_endtag(self, tag):
        if tag in ("dt", "dd", "li"):
            self._in = None

    def handle_data(self, data):
        if self._in == "dt":
            self._term += data
        elif self._in == "dd":
            self.sections[-1]["facts"][self._term] += data
        elif self._in == "li":
            self.sections[-1]["declarations"][-1] += data


def test_the_preview_page_shows_the_facts_next_to_the_cards(fifty):
    _config, preview, data = fifty
    page = Facts(preview.index.read_text(encoding="utf-8"))
    assert len(page.sections) == 50
    for section, entry, written in zip(page.sections, preview.entries, data["entries"], strict=True):
        sub = entry.submission
        facts = section["facts"]
        assert facts["Submitted by"] == f"{sub.submitted_by.name}, {sub.office}"
        assert facts["Supervisor"] == sub.supervisor.name
        assert facts["Category"] == sub.category.capitalize()
        if sub.event is not None:
            day = sub.event.date
            assert facts["Event"] == f"{day:%a} {day.day} {day:%b %Y} 10:00, {sub.event.location}"
        if sub.post_by is not None:
            assert facts["Last day to post"] == f"{sub.post_by:%a} {sub.post_by.day} {sub.post_by:%b %Y}"
        assert facts.get("First post if merged now", "") == written["first_slot"]
        [declaration] = [" ".join(text.split()) for text in section["declarations"]]
        image = sub.images[0]
        assert declaration.startswith(f"{image.file}:")
        if image.people == "minors":
            assert f"children (minors) · release: {image.release} · court approval: on file" in declaration
        elif image.people == "adults":
            assert f"adults who are not staff · release: {image.release}" in declaration
        assert f"Alt text: {image.alt}" in declaration


def test_hostile_facts_are_text_on_the_preview_page(repo, tmp_path):
    value = "</dd><script>alert(1)</script> @org/team <b>x</b>"
    repo.photo("2026-11-21-group.jpg", size=(800, 600))
    rel = repo.submission(front=valid_front(
        submitted_by={"name": value, "email": "a.b@example.gov", "office": value},
        supervisor={"name": value, "email": "c.d@example.gov"},
        event={"date": "2030-08-10", "time": "10:00", "location": value},
        images=[{"file": "media/2026-11-21-group.jpg", "alt": value, "people": "minors", "release": value,
                 "court_approved": True}]))
    preview = build_preview(repo.config, [rel], out=tmp_path / "p", today=TODAY, site=False, now=NOW)
    html = preview.index.read_text(encoding="utf-8")
    page = Facts(html)
    assert not {"script", "b"} & set(page.tags)
    [section] = page.sections
    assert section["facts"]["Submitted by"] == f"{value}, {value}"
    assert section["facts"]["Supervisor"] == value
    assert section["facts"]["Event"].endswith(f", {value}")
    assert f"release: {value} · court approval: on file" in " ".join(section["declarations"][0].split())
    comment = render_comment(read_preview_data(preview.data.read_bytes()), links=LINKS)
    assert_inert(comment)
    assert f"Submitted by: {value}, {value}" in Comment(comment).submissions()[0]["items"]

