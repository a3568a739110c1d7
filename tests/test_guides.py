"""The guides in docs/: they exist, the README links them, and every command they show is run
by a test or by `make demo` (a guide that shows a command nobody runs goes stale unseen)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from postdesk.cli import build_parser

PROJECT = Path(__file__).resolve().parent.parent
GUIDES = ("suggest-a-post.md", "review-a-post.md", "go-live.md")
RUNNERS = [*sorted((PROJECT / "tests").glob("test_*.py")), PROJECT / "scripts/demo.py"]


def shown_commands(text: str) -> list[list[str]]:
    """Every `postdesk …` line in a guide's code blocks, as words (environment assignments dropped)."""
    commands = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            words = [w for w in shlex.split(line) if not re.match(r"^[A-Z_]+=", w)]
            if words and words[0] == "postdesk":
                commands.append(words[1:])
    return commands


@pytest.mark.parametrize("guide", GUIDES)
def test_each_guide_exists_is_short_and_linked_from_the_readme(guide):
    text = (PROJECT / "docs" / guide).read_text(encoding="utf-8")
    assert text.startswith("# ")
    assert len(text.split()) < 1_500, "a guide is a page a person reads in five minutes"
    assert f"(docs/{guide})" in (PROJECT / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#:]+\.(?:md|png))\)", text):
        assert (PROJECT / "docs" / target).is_file(), f"{guide} links to a missing {target}"


@pytest.mark.parametrize("guide", GUIDES)
def test_every_command_a_guide_shows_exists_and_is_run_somewhere(guide):
    parser = build_parser()
    subcommands = next(action for action in parser._actions if action.dest == "command").choices
    runners = "\n".join(path.read_text(encoding="utf-8") for path in RUNNERS)
    for words in shown_commands((PROJECT / "docs" / guide).read_text(encoding="utf-8")):
        name, flags = words[0], [w for w in words[1:] if w.startswith("--")]
        assert name in subcommands, f"{guide} shows 'postdesk {name}', which does not exist"
        subcommands[name].parse_args([w for w in words[1:] if not w.startswith("<")])  # the flags are real
        call = ", ".join(f'"{w}"' for w in [name, *flags])
        assert call in runners or (not flags and f'"{name}"' in runners), \
            f"{guide} shows 'postdesk {' '.join(words)}', which no test and not make demo runs"
