"""The pull-request comment: a fork controls the file names, the titles and the whole artifact.

Markdown is judged by rendering it (markdown-it, CommonMark with GitHub's tables) and reading
the HTML: which tags exist, which headings, how many table cells, and whether any text
outside a code span holds what GitHub links *after* rendering (mentions, references,
addresses). The hostile data goes through the real path: a pull-request branch in a real git
repository, ``postdesk preview``, ``postdesk comment``, and the loopback fake of GitHub.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from postdesk.cli import main
from postdesk.comment import (
    MARKER,
    MAX_BYTES,
    MAX_ENTRIES,
    MAX_FINDINGS,
    MAX_MESSAGE,
    PREVIEW_SHAPE,
    PreviewDataError,
    read_preview_data,
    render_comment,
    unreadable_comment,
)
from postdesk.escape import md_code, md_text, plain
from postdesk.model import Finding, Severity
from postdesk.preview import PreviewEntry, preview_data

from .conftest import PROJECT, render, valid_front

HOSTILE = [
    "line one\n## ✅ Ready: approved\nline three",
    "<script>alert(1)</script>",
    "</details><details open><summary>all good</summary>",
    "## ✅ Ready",
    "please ask @org/team and @someone",
    "[link](https://evil.example/phish)",
    "![img](https://evil.example/x.png)",
    "https://evil.example/bare www.evil.example",
    "a `tick` and ``two`` and ```",
    "`",
    "cell | breaker | here",
    "right-to-left \u202eexe.txt",
    "\x1b[31mred\x1b[0m and \x1b]0;title\x07 osc",
    "zero\u200bwidth\u200d joiner\ufeff bom \u2066isolate\u2069",
    "nul\x00 bell\x07 del\x7f c1\x85 next\u2028line\u2029para",
    "*bold* _em_ ~~strike~~ $x^2$ \\ backslash",
    "1. looks like a list",
    "- also a list",
    "> quote",
    "---",
    "owner/repo#1 and #2 and GH-3",
    "&lt;already escaped&gt; &amp; <b>bold</b>",
    "[^note] [x]: https://evil.example",
    "a\\|b with a backslash before the pipe",
    "underlined: a heading in a post's text, if '=' were not escaped\n===",
]
"""Each of these, written into a comment, must read as its own words and do nothing else."""

EVIL_PATH = ("content/submissions/2026-11-20-x\n## ✅ Ready: approved by @org/team [link](https:\\\\evil.example) "
             "<details> ![img](https:\\\\evil.example\\x.png) `tick` | a |\u202e\x1b[31m.md")
EVIL_TITLE = "## ✅ Ready @org/team <script>x</script> [a](https://evil.example) `x` | y \u202eok"

MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
GITHUB_LINKS = re.compile(r"@[A-Za-z0-9]|://|www\.|#\d|[A-Za-z0-9]/[A-Za-z0-9.-]+#")
"""What GitHub turns into a link or a notification in the rendered text (outside code)."""
OUR_TAGS = {"h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "code", "br", "ul", "ol", "li", "strong",
            "em", "details", "summary", "blockquote", "img", "a"}
"""The tags postdesk writes itself; tests of hostile data also check that their number and order do not change."""


class Page(HTMLParser):
    """The rendered comment: its tags, headings, table rows (cell texts), list items, and the
    text that is not inside a code span."""

    def __init__(self, markdown: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[str] = []
        self.rows: list[list[str]] = []
        self.items: list[str] = []
        self.loose_text: list[str] = []
        self.text: list[str] = []
        self._open: list[str] = []
        self.feed(MARKDOWN.render(markdown))

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.append((tag, dict(attrs)))
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append("")
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append("")
        elif tag == "li":
            self.items.append("")
        if tag != "br":
            self._open.append(tag)

    def handle_endtag(self, tag):
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag):]

    def handle_data(self, data):
        self.text.append(data)
        if "code" not in self._open:
            self.loose_text.append(data)
        if any(tag in ("h1", "h2", "h3", "h4", "h5", "h6") for tag in self._open):
            self.headings[-1] += data
        if any(tag in ("td", "th") for tag in self._open):
            self.rows[-1][-1] += data
        if "li" in self._open:
            self.items[-1] += data


def assert_inert(markdown: str) -> Page:
    """Nothing in ``markdown`` is live: only our own tags, and nothing GitHub would link."""
    page = Page(markdown)
    assert set(page.tags) <= OUR_TAGS, set(page.tags) - OUR_TAGS
    linked = [text for text in page.loose_text if GITHUB_LINKS.search(text)]
    assert linked == []
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]", markdown)
    return page


# --------------------------------------------------------------------------- escaping, one string at a time


@pytest.mark.parametrize("text", HOSTILE)
def test_prose_reads_as_its_own_words_and_does_nothing_else(text):
    page = assert_inert(f"- {md_text(text)}\n")
    assert page.items == [plain(text)]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_code_span_holds_the_text_as_it_is(text):
    page = assert_inert(f"- {md_code(text)}\n")
    assert page.items == [plain(text)]


@pytest.mark.parametrize("text", HOSTILE)
def test_nothing_breaks_out_of_a_table_cell(text):
    page = assert_inert(f"| a | b | c |\n|---|---|---|\n| {md_code(text, table=True)} | {md_text(text, table=True)} | "
                        "end |\n")
    assert page.rows[1] == [plain(text), plain(text), "end"]


def test_plain_text_has_no_control_direction_or_invisible_characters():
    assert plain("a\x1b[31;1mred\x1b[0m\x1b]8;;https://evil\x07link\x1b]8;;\x07 b") == "aredlink b"
    assert plain("\u202eevil\u202c \u2067x\u2069 z\u200bw\u200cn\u200dj \ufeffbom \u00adsoft") == "evil x zwnj bom soft"
    assert plain("one\ntwo\r\nthree\tfour\u2028five\x85six\x0b\x0cseven") == "one two three four five six seven"
    assert plain("nul\x00bell\x07del\x7fc1\x9b31m") == "nulbelldelc1"
    assert plain("x" * 50, limit=10) == "x" * 9 + "…"
    assert plain("👩🏽‍💻 ünïcödé 日本") == "👩🏽💻 ünïcödé 日本"  # the joiner goes; the letters stay


def test_githubs_own_math_is_escaped_too():
    """markdown-it does not know GitHub's $math$, so this one is checked on the text itself."""
    assert md_text("$x^2$ and $$y$$") == "\\$x\\^2\\$ and \\$\\$y\\$\\$"


# --------------------------------------------------------------------------- the comment, from preview data


def hostile_entries() -> list[PreviewEntry]:
    findings = tuple(Finding(EVIL_PATH, rule, message, hint=hint, severity=severity, line=line)
                     for line, (rule, message, hint, severity) in enumerate([
                         ("file.name", f"The file name '{EVIL_PATH}' does not follow YYYY-MM-DD-slug.md.",
                          "Rename it. @org/everyone", Severity.ERROR),
                         ("schema.choice", text_of(HOSTILE), "", Severity.ERROR),
                         ("images.alt-generic", "</details>", "[fix](https://evil.example)", Severity.WARNING),
                     ]))
    return [PreviewEntry(EVIL_PATH, findings, None),
            PreviewEntry("content/submissions/2026-11-21-fine.md", (), None)]


def text_of(parts: list[str]) -> str:
    return " / ".join(parts)


def test_the_comment_keeps_every_finding_and_makes_none_of_it_live():
    data = preview_data(hostile_entries(), slots={"2026-11-21-fine": "Mon 22 Jul 2030 09:00 (X) @org #1"})
    comment = render_comment(data, check="failure")
    page = assert_inert(comment)
    # headings are postdesk's own words: a title or path chosen by the pull request's author never is one
    assert page.headings == ["postdesk preview", "Submission 1", "Submission 2"]
    assert plain(EVIL_PATH) in "".join(page.text) and "content/submissions/2026-11-21-fine.md" in "".join(page.text)
    findings = [item for item in page.items if item.startswith(("line ", "the file: "))]
    assert len(findings) == 3
    for item, rule in zip(findings, ["file.name", "schema.choice", "images.alt-generic"], strict=True):
        assert f"({rule})" in item
    assert "Fix: Rename it. @org/everyone" in findings[0]
    assert "First post if merged now: Mon 22 Jul 2030 09:00 (X) @org #1" in page.items
    assert "Submission check failed" in comment.splitlines()[2]  # GitHub's verdict, before any artifact text
    assert [line for line in comment.splitlines() if line.startswith("#")] == [
        "## postdesk preview", "### Submission 1", "### Submission 2"]
    assert f"**{md_code(EVIL_PATH)}**" in comment.splitlines()
    assert not any(line.lstrip().startswith(("<", ">")) for line in comment.splitlines())


def test_the_written_data_always_reads_back_and_the_overflow_is_counted():
    many = tuple(Finding("content/submissions/a.md", "schema.format", "m" * (MAX_MESSAGE + 500), line=i)
                 for i in range(MAX_FINDINGS + 20))
    entries = [PreviewEntry("content/submissions/" + "p" * 2000 + ".md", many, None)]
    entries += [PreviewEntry(f"content/submissions/2026-01-01-n{i}.md", (), None) for i in range(MAX_ENTRIES + 5)]
    data = read_preview_data(json.dumps(preview_data(entries)).encode())
    assert len(data["entries"]) == MAX_ENTRIES and data["omitted_entries"] == 6
    assert data["entries"][0]["omitted_findings"] == 20
    comment = render_comment(data)
    assert len(comment) <= 60_000
    assert "more submissions (see the preview artifact)" in comment
    assert "more (in the Submission check run's log and on the preview page)" in comment
    assert_inert(comment)


# --------------------------------------------------------------------------- hostile data


def valid_data() -> dict:
    return preview_data(hostile_entries())


def with_change(change) -> bytes:
    data = valid_data()
    change(data)
    return json.dumps(data).encode()


def entry(data: dict) -> dict:
    return data["entries"][0]


SMALL_ENTRY = {"path": "a", "title": "", "errors": 0, "warnings": 0, "channels": [], "first_slot": "", "findings": [],
               "omitted_findings": 0}
SMALL_FINDING = {"severity": "error", "rule": "a.b", "line": 0, "message": "", "hint": ""}
HOSTILE_DATA = {  # what a fork could upload, and the reason it is refused (in postdesk's words)
    "an unknown field": (with_change(lambda d: d.update(PWNED="## ✅ Ready")), "a field postdesk does not write"),
    "an unknown field in an entry": (with_change(lambda d: entry(d).update(PWNED="x")), "(entries[0]) has a field"),
    "an unknown field in a finding": (with_change(lambda d: entry(d)["findings"][0].update(PWNED="x")),
                                      "(entries[0].findings[0]) has a field"),
    "a missing field": (with_change(lambda d: entry(d).pop("findings")), "(entries[0]) has no findings"),
    "a number as text": (with_change(lambda d: entry(d)["findings"][0].update(line="3")),
                         "findings[0].line) is not a whole number"),
    "a boolean as a number": (with_change(lambda d: entry(d).update(errors=False)), "errors) is not a whole number"),
    "a float as a number": (with_change(lambda d: entry(d).update(errors=0.0)), "errors) is not a whole number"),
    "a negative number": (with_change(lambda d: entry(d).update(warnings=-1)), "warnings) is not a whole number"),
    "a path that is a number": (with_change(lambda d: entry(d).update(path=5)), "path) is not text"),
    "entries as an object": (with_change(lambda d: d.update(entries={"PWNED": 1})), "(entries) is not a list"),
    "a huge string": (with_change(lambda d: entry(d).update(title="PWNED " * 1_000_000)), "larger than"),
    "a long title": (with_change(lambda d: entry(d).update(title="PWNED" * 100)), "title) is longer than 300"),
    "a long message": (with_change(lambda d: entry(d)["findings"][0].update(message="PWNED" * 1000)),
                       "message) is longer than 2,000"),
    "10,000 entries": (with_change(lambda d: d.update(entries=[SMALL_ENTRY] * 10_000)),
                       "(entries) has more than 300 items"),
    "10,000 findings": (with_change(lambda d: entry(d).update(findings=[SMALL_FINDING] * 10_000)),
                        "findings) has more than 100 items"),
    "four networks": (with_change(lambda d: entry(d).update(channels=[{"channel": "x", "length": 1, "limit": 2}] * 4)),
                      "channels) has more than 3 items"),
    "an unknown network": (with_change(lambda d: entry(d).update(channels=[{"channel": "PWNED", "length": 1,
                                                                            "limit": 2}])), "channel) is not one of"),
    "an unknown severity": (with_change(lambda d: entry(d)["findings"][0].update(severity="PWNED")),
                            "severity) is not one of"),
    "a rule id with markup": (with_change(lambda d: entry(d)["findings"][0].update(rule="x.y` @PWNED")),
                              "rule) is not in the form"),
    "another format": (with_change(lambda d: d.update(format="PWNED")), "(format) is not one of"),
    "a future version": (with_change(lambda d: d.update(version=3)), "(version) is not one of"),
    "a version as a boolean": (with_change(lambda d: d.update(version=True)), "(version) is not one of"),
    "a version as text": (with_change(lambda d: d.update(version="1")), "(version) is not one of"),
    "a field written twice": (b'{"format": "postdesk-preview", "format": "PWNED", "version": 1, "entries": [], '
                              b'"omitted_entries": 0}', "written twice"),
    "NaN": (b'{"format": "postdesk-preview", "version": 1, "entries": [], "omitted_entries": NaN}', "NaN"),
    "deep nesting": (b"[" * 200_000 + b"]" * 200_000, "nested too deeply"),
    "not JSON": (b"## \xe2\x9c\x85 Ready @PWNED", "not valid JSON"),
    "not UTF-8": (b'{"format": "\xff\xfePWNED"}', "not UTF-8"),
    "a list at the top": (b'["PWNED"]', "the preview data is not an object"),
    "too large": (b'{"PWNED": "' + b"x" * MAX_BYTES + b'"}', "larger than 4,000,000 bytes"),
}


@pytest.mark.parametrize(("raw", "reason"), HOSTILE_DATA.values(), ids=HOSTILE_DATA.keys())
def test_hostile_data_is_refused_in_our_own_words(raw, reason):
    with pytest.raises(PreviewDataError) as refused:
        read_preview_data(raw)
    assert reason in refused.value.message
    assert "PWNED" not in str(refused.value) and "Ready" not in str(refused.value)
    assert refused.value.message.startswith("the preview data")


def test_the_valid_data_used_above_is_accepted():
    assert read_preview_data(with_change(lambda _d: None))["entries"][0]["path"] == EVIL_PATH


def test_the_shape_knows_every_field_the_preview_writes():
    data = valid_data()
    assert set(data) == set(PREVIEW_SHAPE.required)
    entry_shape = PREVIEW_SHAPE.required["entries"].item
    assert set(entry(data)) == set(entry_shape.required)
    assert set(entry(data)["findings"][0]) == set(entry_shape.required["findings"].item.required)


@pytest.mark.parametrize("name", ["an unknown field", "10,000 entries", "a huge string", "not JSON"])
def test_the_command_posts_nothing_from_unreadable_data(tmp_path, name, capsys):
    source = tmp_path / "preview.json"
    source.write_bytes(HOSTILE_DATA[name][0])
    out = io.StringIO()
    code = main(["comment", "--from", str(source), "--check-conclusion", "failure"], stdout=out, stderr=io.StringIO())
    assert code == 1
    assert out.getvalue() == unreadable_comment(check="failure")
    assert "PWNED" not in out.getvalue() + capsys.readouterr().err
    assert_inert(out.getvalue())


def test_a_missing_preview_is_unreadable_not_a_crash(tmp_path, capsys):
    out = io.StringIO()
    assert main(["comment", "--from", str(tmp_path / "nothing.json")], stdout=out, stderr=io.StringIO()) == 1
    assert "could not be read" in out.getvalue()
    assert "cannot be opened" in capsys.readouterr().err


def test_a_real_process_survives_the_worst_data(tmp_path):
    source = tmp_path / "preview.json"
    source.write_bytes(b'{"entries": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    result = subprocess.run([sys.executable, "-m", "postdesk", "comment", "--from", str(source)],
                            capture_output=True, text=True, timeout=60, cwd=tmp_path,
                            env={"PYTHONPATH": str(PROJECT / "tools"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "nested too deeply" in result.stderr
    assert result.stdout == unreadable_comment()


def test_an_unknown_conclusion_is_refused(tmp_path):
    err = io.StringIO()
    code = main(["comment", "--from", str(tmp_path / "p.json"), "--check-conclusion", "## Ready"],
                stdout=io.StringIO(), stderr=err)
    assert code == 2 and "not a check run conclusion" in err.getvalue()


# --------------------------------------------------------------------------- the real path: a pull request


def open_hostile_pull_request(repo) -> str:
    """A branch adding a file whose name and title are Markdown, and a fine one with an error; its base."""
    base = repo.git.head.commit.hexsha
    repo.git.git.checkout("-b", "pull-request")
    repo.write(EVIL_PATH, render(valid_front(title=EVIL_TITLE)))
    repo.submission("2026-11-21-fine.md", valid_front(category="evnt"))
    repo.commit("Suggest two posts")
    return base


def test_a_hostile_file_name_cannot_write_the_comment(repo, tmp_path):
    base = open_hostile_pull_request(repo)
    out_dir = tmp_path / "preview"
    log = io.StringIO()
    assert main(["--repo", str(repo.root), "preview", "--changed-since", base, "--out", str(out_dir),
                 "--today", "2026-11-23"], stdout=log, stderr=log) == 0, log.getvalue()
    summary = (out_dir / "summary.md").read_text(encoding="utf-8")
    printed = io.StringIO()
    assert main(["comment", "--from", str(out_dir / "preview.json")], stdout=printed, stderr=io.StringIO()) == 0
    assert printed.getvalue() == summary  # the job summary and the comment are one text
    for text in (summary, printed.getvalue()):
        page = assert_inert(text)
        # headings are postdesk's own words; the hostile title is shown, in bold, as text
        assert page.headings == ["postdesk preview", "Submission 1", "Submission 2"]
        assert f"**{md_text(EVIL_TITLE)}**" in text.splitlines()
        assert "<details" in " ".join(page.text)  # the file name's, shown as text in a code span
        ours = re.findall(r"^<details><summary>(.*)</summary>$", text, re.MULTILINE)  # the long post texts
        assert page.tags.count("details") == page.tags.count("summary") == len(ours) > 0
        assert all(re.fullmatch(r"(Facebook|X|LinkedIn) text \([0-9,]+/[0-9,]+ characters\)", label) for label in ours)
        assert [line for line in text.splitlines() if line.startswith("#")] == [
            "## postdesk preview", "### Submission 1", "### Submission 2"]
        assert plain(EVIL_PATH) in page.text  # the path, small, under the title, in a code span
        rules = {rule for item in page.items for rule in re.findall(r"\(([a-z]+\.[a-z-]+)\)", item)}
        # the real findings are all there
        assert {"file.name", "file.location", "confidentiality.hidden-text", "schema.choice"} <= rules
        assert "Some submissions need changes" in text


def test_the_html_preview_of_a_hostile_file_name_is_text(repo, tmp_path):
    base = open_hostile_pull_request(repo)
    log = io.StringIO()
    main(["--repo", str(repo.root), "preview", "--changed-since", base, "--out", str(tmp_path / "p"),
          "--today", "2026-11-23"], stdout=log, stderr=log)
    html = (tmp_path / "p" / "index.html").read_text(encoding="utf-8")
    tags = _start_tags(html)
    assert not {"script", "details", "summary"} & {tag for tag, _ in tags}
    addresses = [value or "" for _, attrs in tags for name, value in attrs if name in ("href", "src")]
    assert any("evil.example" in address for address in addresses)  # the file name is in the site page's address
    assert all(re.fullmatch(r"(cards\.css|(site|media)/[A-Za-z0-9%._~/-]+)", address) for address in addresses)
    assert plain(EVIL_TITLE).replace("<", "&lt;").replace(">", "&gt;") in html
    assert "\u202e" not in html and "\x1b" not in html


def _start_tags(html: str) -> list[tuple[str, list]]:
    found: list[tuple[str, list]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(html)
    return found


# --------------------------------------------------------------------------- posted on GitHub (the loopback fake)

SHA = "0123456789abcdef0123456789abcdef01234567"
COMMENTS = r"/repos/example-agency/postdesk/issues/\d+/comments"


@pytest.fixture
def github(fake_github):
    fake_github.add_pull(7, SHA)
    return fake_github


def post(source: Path, capsys, *, sha: str = SHA, conclusion: str = "success") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--repo", str(PROJECT), "comment", "--from", str(source), "--check-conclusion", conclusion,
                 "--repo-name", "example-agency/postdesk", "--pr", "7", "--head-sha", sha], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue() + capsys.readouterr().err


@pytest.mark.usefixtures("github_offline")
def test_one_comment_is_kept_up_to_date_and_a_forged_one_is_left_alone(github, tmp_path, capsys):
    forged = github.add_comment(7, f"{MARKER}\n## ✅ Ready", user={"login": "mallory", "type": "User"})
    source = tmp_path / "preview.json"
    source.write_bytes(with_change(lambda _d: None))
    code, out, _err = post(source, capsys, conclusion="failure")
    assert code == 0 and "Preview comment on pull request 7" in out
    [mine] = [c for c in github.comments[7] if c["user"]["type"] == "Bot"]
    assert mine["body"].startswith(MARKER + "\n## postdesk preview") and "Submission check failed" in mine["body"]
    assert_inert(mine["body"].removeprefix(MARKER))
    source.write_bytes(HOSTILE_DATA["an unknown field"][0])
    code, _out, err = post(source, capsys)
    assert code == 1 and "a field postdesk does not write" in err
    assert [c for c in github.comments[7] if c["user"]["type"] == "Bot"] == [mine]  # the same comment, edited
    assert mine["body"] == MARKER + "\n" + unreadable_comment(check="success")
    assert forged["body"] == f"{MARKER}\n## ✅ Ready"
    assert [r.method for r in github.requests if re.fullmatch(COMMENTS, r.path)].count("POST") == 1


@pytest.mark.usefixtures("github_offline")
def test_nothing_is_posted_on_a_pull_request_that_moved_on(github, tmp_path, capsys):
    source = tmp_path / "preview.json"
    source.write_bytes(with_change(lambda _d: None))
    code, _out, err = post(source, capsys, sha="f" * 40)
    assert code == 2 and "not " + "f" * 12 in err
    assert github.comments.get(7, []) == []
