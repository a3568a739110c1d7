"""`postdesk check` end to end: exit codes, the three formats, --changed-since in a real git
repository, and hostile files that must give a finding, never a traceback."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from postdesk.cli import main

from .conftest import render, valid_front


def run(repo, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = dict(os.environ)
    try:
        os.environ.update(env or {})
        code = main(["--repo", str(repo.root), *args], stdout=out, stderr=err)
    finally:
        os.environ.clear()
        os.environ.update(old)
    return code, out.getvalue(), err.getvalue()


def test_examples_pass(example_repo):
    code, out, _ = run(example_repo, "check", "--today", "2026-11-23")
    assert code == 0, out
    assert "All 5 submissions look good." in out


def test_findings_exit_1_and_text_is_grouped_by_file(repo):
    repo.submission(front=valid_front(category="evnt"))
    code, out, _ = run(repo, "check", "--today", "2026-11-23")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "content/submissions/2026-11-20-backpack-drive.md"
    assert "error" in lines[1] and "[schema.choice]" in lines[1]
    assert "fix: Did you mean 'event'?" in lines[2]
    assert "\033[" not in out  # no colour when not a terminal
    assert out.rstrip().endswith("1 submission checked: 1 error, 0 warnings.")


def test_warnings_alone_exit_0(repo):
    front = valid_front(images=[{"file": "media/2026-11-20-backpacks.jpg", "alt": "photo", "people": "none"}])
    repo.submission(front=front)
    code, out, _ = run(repo, "check", "--today", "2026-11-23")
    assert code == 0
    assert "images.alt-generic" in out


def test_json_format(repo):
    repo.submission(front=valid_front(category="evnt"))
    code, out, _ = run(repo, "check", "--format", "json", "--today", "2026-11-23")
    report = json.loads(out)
    assert code == 1
    assert report["files_checked"] == 1 and report["errors"] == 1 and report["warnings"] == 0
    finding = report["findings"][0]
    assert set(finding) == {"path", "line", "column", "severity", "rule", "message", "hint"}
    assert finding["path"] == "content/submissions/2026-11-20-backpack-drive.md"
    assert (finding["line"], finding["severity"], finding["rule"]) == (3, "error", "schema.choice")


def test_github_format_and_step_summary(repo, tmp_path):
    repo.submission(front=valid_front(category="evnt", title="Drive, with: commas"))
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    code, out, _ = run(repo, "check", "--format", "github", "--today", "2026-11-23",
                       env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert code == 1
    first = out.splitlines()[0]
    expected = "::error file=content/submissions/2026-11-20-backpack-drive.md,line=3,title=schema.choice::"
    assert first.startswith(expected)
    assert "%0AFix: Did you mean 'event'?" in first
    table = summary.read_text(encoding="utf-8")
    assert table.startswith("earlier step\n### postdesk check")
    assert "| `content/submissions/2026-11-20-backpack-drive.md` | 3 | error | `schema.choice` |" in table


def test_step_summary_stays_under_github_limit(repo):
    from postdesk.check import CheckReport, FileResult
    from postdesk.model import Finding
    from postdesk.report import format_step_summary

    many = tuple(Finding("content/submissions/a.md", "schema.format", "x" * 500, "y" * 500, line=i)
                 for i in range(5000))
    text = format_step_summary(CheckReport((FileResult("content/submissions/a.md", many, None),)))
    assert len(text.encode()) <= 1024 * 1024
    assert "more findings" in text


def test_paths_arguments(repo):
    good = repo.submission("2026-11-20-good-one.md")
    repo.submission("2026-11-20-bad-one.md", front=valid_front(category="evnt"))
    code, out, _ = run(repo, "check", "--today", "2026-11-23", str(repo.root / good))
    assert code == 0 and out.strip() == "The submission looks good."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--format", "xml"], "invalid choice"),
        (["check", "--today", "tomorrow"], "is not a date"),
        (["check", "/etc/passwd"], "outside the repository"),
        (["check", "content/submissions/nope.md"], "does not exist"),
        (["check", "--changed-since", "no-such-branch"], "Unknown revision 'no-such-branch'"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_cannot_run_exits_2_with_a_message(repo, args, message, monkeypatch):
    monkeypatch.chdir(repo.root)
    code, out, err = run(repo, *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err + out


def test_not_a_repository_exits_2(tmp_path, monkeypatch):
    (tmp_path / "postdesk.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    err = io.StringIO()
    assert main(["check", "--changed-since", "main"], stdout=io.StringIO(), stderr=err) == 2
    assert "not a git repository" in err.getvalue()


def test_no_postdesk_toml_exits_2(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    err = io.StringIO()
    assert main(["check"], stdout=io.StringIO(), stderr=err) == 2
    assert "No postdesk.toml" in err.getvalue()


def test_invalid_settings_exit_2(repo):
    (repo.root / "postdesk.toml").write_text("[agency]\ntimezone = 'Mars/Olympus'\n", encoding="utf-8")
    code, _, err = run(repo, "check")
    assert code == 2 and "not a known time zone" in err


# --- --changed-since in a real git repository -------------------------------------------

def test_changed_since_checks_only_changed_submissions(repo):
    repo.submission("2026-11-01-old-bad.md", front=valid_front(category="evnt"))
    base = repo.commit("old, already merged (and bad)")
    repo.git.git.checkout("-b", "new-post")
    repo.submission("2026-11-20-new-good.md")
    code, out, _ = run(repo, "check", "--changed-since", base, "--today", "2026-11-23", "--format", "json")
    report = json.loads(out)
    assert code == 0
    assert report["files_checked"] == 1  # untracked new file found, old bad file not re-checked
    repo.commit("add new post")
    code, out, _ = run(repo, "check", "--changed-since", "main", "--today", "2026-11-23", "--format", "json")
    assert json.loads(out)["files_checked"] == 1


def test_changed_photo_rechecks_the_submissions_that_use_it(repo):
    photo = repo.photo("2026-11-21-stage.jpg")
    front = valid_front(images=[{"file": "media/2026-11-21-stage.jpg", "alt": "An empty stage", "people": "none"}])
    repo.submission("2026-11-21-uses-stage.md", front=front)
    repo.submission("2026-11-21-other.md")
    base = repo.commit("two posts")
    (repo.root / photo).write_bytes(b"not an image any more")
    code, out, _ = run(repo, "check", "--changed-since", base, "--today", "2026-11-23", "--format", "json")
    report = json.loads(out)
    assert code == 1
    assert report["files_checked"] == 1
    found = {(f["path"], f["rule"]) for f in report["findings"]}
    assert ("content/submissions/2026-11-21-uses-stage.md", "images.format") in found
    # and the change to a photo already in the repository is itself a boundary error
    assert ("content/media/2026-11-21-stage.jpg", "boundary.approved") in found


def test_changed_since_catches_misplaced_markdown_and_ignores_deleted_files(repo):
    repo.submission("2026-11-01-going-away.md")
    base = repo.commit("a post")
    (repo.root / "content/submissions/2026-11-01-going-away.md").unlink()
    repo.write("content/2026-11-20-wrong-folder.md", render(valid_front()))
    code, out, _ = run(repo, "check", "--changed-since", base, "--today", "2026-11-23", "--format", "json")
    report = json.loads(out)
    assert code == 1
    assert [f["rule"] for f in report["findings"]] == ["file.location"]


def test_changed_since_with_nothing_changed(repo):
    code, out, _ = run(repo, "check", "--changed-since", "HEAD")
    assert code == 0 and "No submissions to check." in out


# --- hostile files: a finding each, never a traceback -----------------------------------

BOMB = "\n".join(["a: &a [x, x, x, x, x, x, x, x, x]"]
                 + [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)])


@pytest.mark.parametrize(
    ("content", "rule"),
    [
        (f"---\n{BOMB}\n---\n".encode(), "frontmatter.unsafe-yaml"),
        (b"---\ntitle: !!python/object/apply:os.system ['touch pwned']\n---\n", "frontmatter.unsafe-yaml"),
        (b"---\ntitle: caf\xe9\n---\n", "file.encoding"),
        (b"", "file.empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "file.encoding"),
        (b"just some words\n", "frontmatter.missing"),
    ],
)
def test_hostile_submissions(repo, content, rule, monkeypatch):
    monkeypatch.chdir(repo.root)
    repo.write("content/submissions/2026-11-20-hostile.md", content)
    code, out, err = run(repo, "check", "--format", "json", "--today", "2026-11-23")
    assert code == 1
    assert [f["rule"] for f in json.loads(out)["findings"]] == [rule]
    assert "Traceback" not in err
    assert not (repo.root / "pwned").exists()


def test_symlinked_submission_is_a_finding(repo, tmp_path):
    target = tmp_path / "elsewhere.md"
    target.write_text(render(valid_front()), encoding="utf-8")
    (repo.root / "content/submissions/2026-11-20-link.md").symlink_to(target)
    code, out, _ = run(repo, "check", "--format", "json", "--today", "2026-11-23")
    assert code == 1
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["file.symlink"]


def test_console_script_runs_in_a_subprocess(example_repo):
    result = subprocess.run([sys.executable, "-m", "postdesk", "check", "--today", "2026-11-23"],
                            cwd=example_repo.root, capture_output=True, text=True, check=False,
                            env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent / "tools")})
    assert result.returncode == 0, result.stderr
    assert "look good" in result.stdout


def test_schema_command_prints_the_schema(repo):
    code, out, _ = run(repo, "schema")
    schema = json.loads(out)
    assert code == 0 and schema["title"].startswith("postdesk submission")
    assert Path(__file__).parent.parent.joinpath("tools/postdesk/schema/submission.schema.json").read_text() == out


def test_an_output_folder_that_is_a_file_is_a_clear_error_not_a_traceback(example_repo, tmp_path):
    import io as _io

    from postdesk.cli import main as _main

    blocker = tmp_path / "site"
    blocker.write_text("not a folder", encoding="utf-8")
    err = _io.StringIO()
    code = _main(["--repo", str(example_repo.root), "site", "--include-unposted", "--out", str(blocker)],
                 stdout=_io.StringIO(), stderr=err)
    assert code == 2
    assert str(blocker) in err.getvalue() and "Traceback" not in err.getvalue()
