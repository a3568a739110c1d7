"""The one parser: front matter rules and hostile YAML, on bytes (no files needed)."""

from __future__ import annotations

import time
import tracemalloc

import pytest
import yaml

from postdesk.parse import parse_submission_bytes, submission_from_parsed

from .conftest import render, valid_front

PATH = "content/submissions/2026-11-20-x.md"


def parse(text: str | bytes):
    return parse_submission_bytes(text.encode() if isinstance(text, str) else text, PATH)


def only_rule(parsed) -> str:
    assert parsed.data is None
    assert len(parsed.findings) == 1
    return parsed.findings[0].rule


def test_valid_submission_parses_with_lines_and_body():
    parsed = parse(render(valid_front(), "First paragraph.\n\nSecond."))
    assert parsed.findings == ()
    assert parsed.data["title"] == "Back-to-School Backpack Drive in Cole County"
    assert parsed.lines["title"] == 2
    assert parsed.lines["images.0.alt"] > parsed.lines["images.0.file"]
    assert parsed.body == "First paragraph.\n\nSecond."
    assert parsed.body_line == len(yaml.safe_dump(valid_front(), sort_keys=False).splitlines()) + 3


def test_submission_model_is_typed():
    sub = submission_from_parsed(parse(render(valid_front())))
    assert sub.event is not None and sub.event.date.isoformat() == "2030-08-10"
    assert sub.event.time is not None and sub.event.time.hour == 10
    assert sub.channels == ("facebook", "x", "linkedin")
    assert sub.images[0].people == "none"
    assert sub.deadline is not None and sub.deadline.isoformat() == "2030-08-08"
    assert sub.slug == "x"


def test_dates_and_unquoted_time_are_kept_as_written():
    text = render("title: Hello there\nevent:\n  date: 2026-02-30\n  time: 10:00\n")
    parsed = parse(text)
    assert parsed.data["event"] == {"date": "2026-02-30", "time": "10:00"}


def test_crlf_and_byte_order_mark_are_accepted():
    text = render(valid_front()).replace("\n", "\r\n")
    parsed = parse(b"\xef\xbb\xbf" + text.encode())
    assert parsed.findings == ()
    assert parsed.data["category"] == "event"


@pytest.mark.parametrize(
    ("content", "rule", "line"),
    [
        (b"", "file.empty", 0),
        (b"  \n\n", "file.empty", 0),
        (b"title: no fences\n", "frontmatter.missing", 1),
        (b"---\ntitle: never closed\n", "frontmatter.unclosed", 1),
        (b"---\n---\nbody\n", "frontmatter.empty", 2),
        (b"---\n- a\n- b\n---\nbody\n", "frontmatter.not-a-mapping", 2),
        (b"---\ntitle: x\ntitle: y\n---\n", "frontmatter.duplicate-key", 3),
        (b"---\ntitle: [unclosed\n---\n", "frontmatter.yaml-syntax", 3),
        (b"---\ntitle: a: b\n---\n", "frontmatter.yaml-syntax", 2),
        (b"---\ntitle: caf\xe9\n---\n", "file.encoding", 2),
        (b"---\n? [a, b]\n: c\n---\n", "frontmatter.complex-key", 2),
    ],
)
def test_front_matter_problems(content: bytes, rule: str, line: int):
    parsed = parse(content)
    assert only_rule(parsed) == rule
    assert parsed.findings[0].line == line
    assert parsed.findings[0].hint


def test_syntax_error_hint_for_colon_in_value():
    parsed = parse(b"---\ntitle: Drive: bring a bag\n---\n")
    assert parsed.findings[0].rule == "frontmatter.yaml-syntax"
    assert "double quotes" in parsed.findings[0].hint


def test_not_utf8_names_the_line_and_column():
    parsed = parse(b"---\ntitle: ok\nalt: Caf\xe9 night\n---\n")
    finding = parsed.findings[0]
    assert (finding.rule, finding.line, finding.column) == ("file.encoding", 3, 9)


@pytest.mark.parametrize(
    "front",
    [
        "title: !!python/object/apply:os.system ['echo pwned']",
        "title: !!python/name:os.system",
        "title: !custom value",
        "title: !!binary aGVsbG8=",
        "base: &b {a: 1}\nother:\n  <<: *b",
        "title: &t hello\ncopy: *t",
        "tags: !!set {a, b}",
    ],
)
def test_unsafe_yaml_is_refused_never_executed(front: str, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    parsed = parse(f"---\n{front}\n---\nbody\n")
    assert only_rule(parsed) == "frontmatter.unsafe-yaml"
    assert not (tmp_path / "pwned").exists()


def test_billion_laughs_fails_fast_in_bounded_memory():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{','.join(['*' + prev] * 9)}]")
    bomb = "---\n" + "\n".join(lines) + "\n---\n"
    tracemalloc.start()
    started = time.perf_counter()
    parsed = parse(bomb)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert only_rule(parsed) == "frontmatter.unsafe-yaml"
    assert elapsed < 0.5
    assert peak < 5_000_000


def test_deep_nesting_is_refused_before_libyaml_sees_it():
    # libyaml's composer recurses in C: ~50,000 nested brackets crash the interpreter.
    parsed = parse("---\ntitle: " + "[" * 60_000 + "]" * 60_000 + "\n---\n")
    assert only_rule(parsed) in {"frontmatter.too-deep", "frontmatter.too-large"}
    parsed = parse("---\ntitle: " + "[" * 40 + "]" * 40 + "\n---\n")
    assert only_rule(parsed) == "frontmatter.too-deep"


def test_oversized_file_and_front_matter_are_refused():
    assert only_rule(parse(b"---\n" + b"a: b\n" * 300_000 + b"---\n")) == "file.too-large"
    assert only_rule(parse("---\ntitle: '" + "x" * 70_000 + "'\n---\n")) == "frontmatter.too-large"


def test_yaml_booleans_and_numbers_are_plain_data():
    parsed = parse("---\nconfidentiality_confirmed: yes\ntime_sensitive: false\ncount: 0x10\nratio: 1.5\n"
                   "none: ~\n---\n")
    assert parsed.data == {"confidentiality_confirmed": True, "time_sensitive": False, "count": 16, "ratio": 1.5,
                           "none": None}
