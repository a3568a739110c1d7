"""Hostile and careless input, tried from outside: never a crash, never a raw escape, the right line.

Each case runs on a real repository; the ones that crashed the interpreter run ``postdesk``
in a subprocess, so a segmentation fault would show as a negative exit code.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
import yaml

from postdesk.cli import main
from postdesk.escape import SafeStream, visible
from postdesk.parse import parse_submission_bytes

from .conftest import render, valid_front

PATH = "content/submissions/2026-11-20-x.md"
DEEP_DASHES = 25_000
"""About 50 KB of nested '- ' items, under the front matter cap, that crashed libyaml."""


def parse(text: str):
    return parse_submission_bytes(text.encode(), PATH)


def deep_block_front(levels: int = DEEP_DASHES) -> str:
    return "title: Deep\nlist:\n  " + "- " * levels + "x"


def postdesk(repo, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "postdesk", "--repo", str(repo.root), *args],
                          capture_output=True, text=True, check=False, timeout=120)


# --- YAML nesting: bounded before libyaml composes anything ---------------------------------

def stacked_dashes(lines: int = 6, per_line: int = 900) -> str:
    """Levels carried over lines: each line's dashes nest inside the previous line's last one."""
    rows, column = [], 2
    for _ in range(lines):
        rows.append(" " * column + "- " * per_line + ("x" if _ == lines - 1 else ""))
        column += 2 * per_line
    return "title: x\nlist:\n" + "\n".join(rows)


@pytest.mark.parametrize("front", [
    deep_block_front(),                                                      # compact '- - - …'
    stacked_dashes(),                                                        # 5,400 levels over 6 lines
    "title: x\nlist: " + "[" * 2_000 + "]" * 2_000,                           # brackets
], ids=["compact-dashes", "dashes-over-lines", "brackets"])
def test_deep_block_nesting_is_refused_before_libyaml_sees_it(front, monkeypatch):
    def never(*_args, **_kwargs):
        raise AssertionError("libyaml was given a document nested beyond the bound")

    monkeypatch.setattr(yaml, "compose", never)
    parsed = parse(f"---\n{front}\n---\nBody.\n")
    assert [f.rule for f in parsed.findings] == ["frontmatter.too-deep"]
    assert parsed.findings[0].line >= 3
    assert "levels deep" in parsed.findings[0].message


def test_ordinary_nesting_still_parses():
    parsed = parse(render(valid_front()))
    assert parsed.findings == () and parsed.data is not None


@pytest.mark.parametrize("command", ["check", "preview"])
def test_deep_nesting_on_a_real_repository_is_a_finding_not_a_crash(repo, tmp_path, command):
    repo.write("content/submissions/2026-11-20-deep.md", f"---\n{deep_block_front()}\n---\nBody.\n")
    good = repo.submission("2026-11-20-good.md")
    repo.commit("two submissions")
    extra = ["--out", str(tmp_path / "preview")] if command == "preview" else []
    result = postdesk(repo, command, "--today", "2026-11-23", *extra)
    # check: 1 (findings); preview: 0 (it shows findings, it does not judge); a segfault would be -11
    assert result.returncode == (1 if command == "check" else 0), (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    output = result.stdout + result.stderr
    if command == "check":
        assert "levels deep" in output and "2026-11-20-deep.md" in output
    else:  # the preview still renders the good submission next to the refused one
        assert (tmp_path / "preview").is_dir()
        assert any(good.rsplit("/", 1)[1].removesuffix(".md") in p.name
                   for p in (tmp_path / "preview").rglob("*.html"))


# --- Messages in the words of what the person typed -----------------------------------------

def test_a_tab_in_the_indentation_says_so():
    for text in ("---\ntitle: x\nevent:\n\tdate: 2030-08-10\n---\nBody.\n",
                 "---\ntitle: x\nevent:\n  date: 2030-08-10\n \tlocation: Hall\n---\nBody.\n"):
        finding, = parse(text).findings
        assert finding.message == "This line is indented with a tab."
        assert finding.hint == "Indent with spaces, not tabs."
        assert finding.line == 4 + text.count(" \t")


def test_curly_quotes_breaking_the_yaml_are_named():
    finding, = parse("---\ntitle: “Backpacks: a drive”\n---\nBody.\n").findings
    assert finding.line == 2
    assert "curly quotes" in finding.hint and "straight quotes" in finding.hint


@pytest.mark.parametrize(("old", "new", "rule"), [
    ("date: '2030-08-10'", "date: “2030-08-10”", "schema.format"),
    ("time: '10:00'", "time: ‘10:00’", "schema.format"),
    ("category: event", "category: “event”", "schema.choice"),
])
def test_curly_quotes_around_a_value_are_named(repo, old, new, rule):
    text = render(valid_front())
    assert old in text
    repo.write(PATH, text.replace(old, new))
    out = io.StringIO()
    code = main(["--repo", str(repo.root), "check", "--format", "json", "--today", "2026-11-23"],
                stdout=out, stderr=io.StringIO())
    assert code == 1
    finding, = (f for f in json.loads(out.getvalue())["findings"] if f["rule"] == rule)
    assert "curly quotes" in finding["hint"] and "straight quotes" in finding["hint"]


def test_a_line_separator_in_a_value_does_not_shift_line_numbers():
    # libyaml counts U+2028 as a line break; the person's editor does not.
    text = render(valid_front(title="Backpacks\u2028for everyone"))
    parsed = parse(text)
    assert parsed.lines["title"] == 2
    assert parsed.lines["category"] == 3
    broken = parse("---\ntitle: \"A\u2028B\"\ncategory: [event\n---\nBody.\n")
    assert broken.findings[0].line == 3  # the line the unclosed bracket is on, not 4


# --- File names cannot drive the terminal ------------------------------------------------------

HOSTILE_NAME = "2026-11-20-\x1b[2J\x1b]8;;https://evil.example\x07click\x1b]8;;\x07\u202egpj.md"


def test_escape_sequences_in_a_file_name_are_shown_not_obeyed(repo):
    repo.write(f"content/submissions/{HOSTILE_NAME}", render(valid_front()))
    for fmt in ("text", "github", "json"):
        out, err = io.StringIO(), io.StringIO()
        main(["--repo", str(repo.root), "check", "--format", fmt, "--today", "2026-11-23"], stdout=out, stderr=err)
        printed = out.getvalue() + err.getvalue()
        assert "\x1b" not in printed and "\x07" not in printed and "\u202e" not in printed, fmt
        assert "click" in printed and "gpj.md" in printed, fmt  # still named, just harmless
    json.loads(out.getvalue())  # the escapes keep JSON valid JSON


def test_safe_stream_keeps_postdesk_colours_and_neutralises_everything_else():
    sink = io.StringIO()
    SafeStream(sink).write("\x1b[31;1merror\x1b[0m file\x1b[2J\r\x9b1m\u2028 👨\u200d👩\u200d👧\n\tok")
    assert sink.getvalue() == ("\x1b[31;1merror\x1b[0m file\\u001b[2J\\u000d\\u009b1m\\u2028 "
                               "👨\u200d👩\u200d👧\n\tok")
    assert visible("plain text\n") == "plain text\n"


# --- git left in a bad state by a killed run, and a remote that refuses ------------------------

def merged(repo):
    from .test_approve import merge_examples

    merge_examples(repo, names={"2026-11-20-backpack-drive.md"})


def test_a_stale_index_lock_stops_approve_with_the_fix(repo):
    merged(repo)
    (repo.root / ".git/index.lock").write_text("")  # what a killed `git add` leaves behind
    before = repo.git.head.commit.hexsha
    result = postdesk(repo, "approve", "--today", "2026-11-23")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert ".git/index.lock" in result.stderr and "left behind" in result.stderr
    assert "rm .git/index.lock" in result.stderr
    assert repo.git.head.commit.hexsha == before
    assert (repo.root / "content/submissions/2026-11-20-backpack-drive.md").exists()  # nothing moved


def test_a_lock_held_by_a_live_git_is_not_called_stale(repo):
    merged(repo)
    (repo.root / ".git/index.lock").write_text("")
    # A real git process working in the repository (it waits for input on stdin).
    busy = subprocess.Popen(["git", "hash-object", "--stdin"], cwd=repo.root, stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL)
    try:
        result = postdesk(repo, "schedule", "--now", "2030-07-20T08:00", "--commit")
    finally:
        busy.communicate(b"x")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "Another git command is working" in result.stderr and "Wait for it" in result.stderr


def test_any_other_git_failure_is_a_message_not_a_traceback(repo, monkeypatch):
    merged(repo)
    from postdesk import gitio

    def broken_commit(repo_, message, *paths):
        repo_.git.execute(["git", "commit", "--definitely-not-an-option"])

    monkeypatch.setattr(gitio, "commit", broken_commit)
    err = io.StringIO()
    code = main(["--repo", str(repo.root), "approve", "--today", "2026-11-23"], stdout=io.StringIO(), stderr=err)
    assert code == 2
    assert err.getvalue().startswith("postdesk: git commit failed:") and "Traceback" not in err.getvalue()


def protected_remote(repo, tmp_path, words: str):
    """A bare remote whose pre-receive hook refuses every push with ``words``, as GitHub's rulesets do."""
    import git

    remote = tmp_path / "remote.git"
    git.Repo.init(remote, bare=True, initial_branch="main").close()
    repo.git.git.remote("add", "origin", str(remote))
    repo.git.git.push("origin", "main")
    hook = remote / "hooks/pre-receive"
    hook.write_text(f"#!/bin/sh\necho '{words}' >&2\nexit 1\n")
    hook.chmod(0o755)
    return remote


@pytest.mark.parametrize(("words", "hint"), [
    ("GH006: Protected branch update failed for refs/heads/main.", "bypass"),
    ("GH013: Repository rule violations found for refs/heads/main.", "bypass"),
    ("Permission to agency/desk.git denied to github-actions[bot].", "contents: write"),
    ("Commit message must name a ticket.", "hook on the remote"),
])
def test_a_refused_push_gives_the_remotes_reason_and_the_fix(repo, tmp_path, words, hint):
    merged(repo)
    protected_remote(repo, tmp_path, words)
    err = io.StringIO()
    code = main(["--repo", str(repo.root), "approve", "--today", "2026-11-23", "--push"],
                stdout=io.StringIO(), stderr=err)
    said = err.getvalue()
    assert code == 2 and "Traceback" not in said
    assert words.split(":")[0] in said and hint in said
    assert "another run" not in said.lower()


def test_deep_flow_nesting_names_the_line_it_is_on():
    front = "title: x\n" + "\n" * 8 + "list: " + "{a: " * 10_000 + "1" + "}" * 10_000
    finding, = parse(f"---\n{front}\n---\nBody.\n").findings
    assert finding.rule == "frontmatter.too-deep" and finding.line == 11


@pytest.mark.parametrize("text", [
    "Steps:\n" + "- " * 40 + "\nThe end.",      # a line of dashes in a post's own text
    "[" * 40 + " brackets in words " + "]" * 40,
])
def test_nesting_characters_inside_a_text_are_not_nesting(text):
    parsed = parse(render(valid_front(text={"facebook": text})))
    assert parsed.findings == ()
    assert parsed.data["text"]["facebook"] == text


@pytest.mark.parametrize(("char", "name"), [("\u2028", "line separator"), ("\u2029", "paragraph separator"),
                                            ("\x85", "next-line character")])
def test_an_invisible_line_break_in_a_plain_value_is_named_on_its_line(char, name):
    text = render(valid_front()).replace("title: Back-to-School", f"title: Back{char}to-School")
    finding, = parse(text).findings
    assert finding.line == 2
    assert name in finding.message and f"U+{ord(char):04X}" in finding.message


def test_a_quote_in_a_file_name_cannot_add_an_attribute_to_any_preview_page(repo, tmp_path):
    from html.parser import HTMLParser

    repo.write('content/submissions/2026-11-22-x" onmouseover="alert(1).md', render(valid_front()))
    repo.commit("hostile name")
    out = tmp_path / "preview"
    assert main(["--repo", str(repo.root), "preview", "--out", str(out), "--today", "2026-11-23"],
                stdout=io.StringIO(), stderr=io.StringIO()) == 0
    attributes: list[str] = []

    class Attributes(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attributes.extend(name for name, _value in attrs)

    pages = list(out.rglob("*.html"))
    assert len(pages) >= 2  # the preview page and the site page made for it
    for page in pages:
        Attributes().feed(page.read_text(encoding="utf-8"))
    assert not [name for name in attributes if name.startswith("on")]


def test_a_photo_replaced_later_in_the_pull_request_is_checked_in_every_version(repo):
    """check sees the branch's last state; a merge brings every commit, the GPS original too."""
    from PIL import Image

    repo.git.git.checkout("-b", "suggest")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (38.0, 34.0, 36.0)}  # a GPS block
    photo = repo.root / "content/media/2026-11-20-backpacks.jpg"
    Image.new("RGB", (640, 480), (40, 120, 200)).save(photo, exif=exif)
    repo.submission()
    first = repo.commit("add the photo, straight from the phone")
    Image.new("RGB", (640, 480), (40, 120, 200)).save(photo)  # the clean one, same name
    repo.commit("replace the photo with a clean one")
    out = io.StringIO()
    code = main(["--repo", str(repo.root), "check", "--changed-since", "main", "--format", "json",
                 "--today", "2026-11-23"], stdout=out, stderr=io.StringIO())
    findings = json.loads(out.getvalue())["findings"]
    earlier = [f for f in findings if f["rule"] == "images.earlier-version"]
    assert code == 1 and len(earlier) == 1
    assert earlier[0]["path"] == "content/media/2026-11-20-backpacks.jpg"
    assert first[:10] in earlier[0]["message"] and "GPS" in earlier[0]["message"]
    assert "Squash and merge" in earlier[0]["hint"]
    # the photo's present version is clean: nothing else is said about it
    assert not [f for f in findings if f["rule"] in ("images.location", "images.metadata")]
