"""``postdesk new``: ask the questions, check every answer against the schema, write a submission.

For people who work locally. The questions, their wording and their rules come from the one
schema (titles, descriptions, enums, patterns); each answer is validated against its part of the
schema as it is given, and a wrong answer is asked again with the reason. The file written is then
checked with ``postdesk check``'s own checks and the findings are returned.

I/O is injected: ``ask(prompt) -> answer`` and ``say(text)``; the command line passes ``input``
and ``print``, the tests pass scripted answers.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .check import check_submissions
from .config import Config
from .errors import UsageError
from .model import CHANNELS, Finding
from .schema import file_name_rule, load_schema

Ask = Callable[[str], str]
Say = Callable[[str], None]

MAX_TRIES = 5
"""A wrong answer is asked again this many times before giving up (input from a script that loops)."""


@dataclass(frozen=True)
class NewSubmission:
    path: str
    """Repository-relative path of the file written."""
    findings: tuple[Finding, ...]


class _Questions:
    def __init__(self, ask: Ask, say: Say) -> None:
        self.ask, self.say = ask, say
        self.schema = load_schema()

    def node(self, *path: str) -> dict[str, Any]:
        """The schema of a field, by its key path, with ``$ref`` resolved."""
        node: Mapping[str, Any] = self.schema
        for key in path:
            node = self._resolve(node["properties"][key] if key != "[]" else node["items"])
        return dict(node)

    def _resolve(self, node: Mapping[str, Any]) -> dict[str, Any]:
        if "$ref" not in node:
            return dict(node)
        target: Any = self.schema
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return {**self._resolve(target), **{k: v for k, v in node.items() if k != "$ref"}}

    def problem(self, value: object, node: Mapping[str, Any]) -> str | None:
        """Why ``value`` does not fit ``node`` (in plain words), or None."""
        import jsonschema

        validator = jsonschema.Draft202012Validator({**node, "$defs": self.schema["$defs"]})
        error = next(iter(validator.iter_errors(value)), None)
        if error is None:
            return None
        examples = node.get("examples")
        example = f" For example: {examples[0]}" if examples and isinstance(examples[0], str) else ""
        description = node.get("description", "")
        # The schema's descriptions are written for the web editor's pickers; the terminal adds an example.
        return f"{description}{example if example.strip(' .') not in description else ''}" or error.message

    def value(self, path: tuple[str, ...], *, required: bool, convert: Callable[[str], object] = str,
              prompt: str | None = None, node: Mapping[str, Any] | None = None) -> Any:
        """Ask until the answer fits the schema; an empty answer skips an optional field (None)."""
        node = node or self.node(*path)
        question = prompt or node.get("title") or path[-1]
        if not required:
            question += " (optional, Enter to skip)"
        for _ in range(MAX_TRIES):
            raw = self.ask(f"{question}: ").strip()
            if not raw and not required:
                return None
            if not raw:
                self.say(f"  This is required. {node.get('description', '')}".rstrip())
                continue
            try:
                value = convert(raw)
            except ValueError as exc:
                self.say(f"  {exc}")
                continue
            problem = self.problem(value, node)
            if problem is None:
                return value
            self.say(f"  That does not fit: {problem}")
        raise UsageError(f"No valid answer for {'.'.join(path)} after {MAX_TRIES} tries.",
                         hint="Run postdesk new again, or start from the template in the README.")

    def choice(self, path: tuple[str, ...], options: list[str], *, prompt: str | None = None) -> str:
        node = self.node(*path)
        self.say(f"{prompt or node.get('title', path[-1])}: {node.get('description', '')}")
        for number, option in enumerate(options, 1):
            self.say(f"  {number}. {option}")

        def pick(raw: str) -> str:
            if raw.isdigit() and 1 <= int(raw) <= len(options):
                return options[int(raw) - 1]
            return raw.lower()

        return str(self.value(path, required=True, convert=pick, prompt="Your choice", node=node))

    def yes(self, question: str) -> bool:
        for _ in range(MAX_TRIES):
            answer = self.ask(f"{question} (yes/no): ").strip().lower()
            if answer in ("y", "yes"):
                return True
            if answer in ("n", "no", ""):
                return False
            self.say("  Please answer yes or no.")
        raise UsageError(f"No yes or no for: {question}", hint="Run postdesk new again.")


def _words(raw: str) -> list[str]:
    return [word for word in re.split(r"[,\s]+", raw) if word]


def _hashtags(raw: str) -> list[str]:
    return [word.lstrip("#") for word in _words(raw)]


def slugify(title: str, max_length: int) -> str:
    """Lowercase ASCII words joined by single hyphens, cut at a word boundary."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    return slug or "post"


def new_submission(config: Config, *, ask: Ask, say: Say, today: dt.date) -> NewSubmission:
    """Ask for every field, write ``content/submissions/<today>-<slug>.md`` and check it."""
    q = _Questions(ask, say)
    say("A new submission. Each answer is checked as you go; see docs/submission-format.md for more.")
    front: dict[str, Any] = {}
    front["title"] = q.value(("title",), required=True)
    front["category"] = q.choice(("category",), list(q.node("category")["enum"]))
    say("About you:")
    front["submitted_by"] = {key: q.value(("submitted_by", key), required=True) for key in ("name", "email", "office")}
    say("The supervisor you routed this through:")
    front["supervisor"] = {key: q.value(("supervisor", key), required=True) for key in ("name", "email")}
    if front["category"] == "event" or q.yes("Is this about an event with a date?"):
        event = {"date": q.value(("event", "date"), required=True)}
        for key in ("time", "location"):
            answer = q.value(("event", key), required=False)
            if answer is not None:
                event[key] = answer
        front["event"] = event
    if q.yes("Is the post useless after a certain day (time sensitive)?"):
        front["time_sensitive"] = True
        front["post_by"] = q.value(("post_by",), required=True)
    post_after = q.value(("post_after",), required=False)
    if post_after is not None:
        front["post_after"] = post_after
    enabled = [name for name in CHANNELS if config.channel(name).enabled]
    default = ", ".join(enabled)
    channels = q.value(("channels",), required=False, convert=_words,
                       prompt=f"Networks, separated by commas (Enter for all: {default})")
    front["channels"] = channels or enabled
    x_text = q.value(("text", "x"), required=False, prompt="A shorter text for X")
    if x_text is not None:
        front["text"] = {"x": x_text}
    hashtags = q.value(("hashtags",), required=False, convert=_hashtags, prompt="Hashtags, separated by spaces")
    if hashtags:
        front["hashtags"] = hashtags
    link = q.value(("link",), required=False)
    if link is not None:
        front["link"] = link
    images = _photos(q, config)
    if images:
        front["images"] = images
    body = _body(q)
    say(q.node("confidentiality_confirmed")["description"])
    for _ in range(MAX_TRIES):
        if q.yes("Do you confirm this?"):
            break
        say("  A submission needs this confirmation: remove anything that could identify a child or family first.")
    else:
        raise UsageError("The confidentiality confirmation was not given.", hint="Nothing was written.")
    front["confidentiality_confirmed"] = True
    problem = q.problem(front, q.schema)
    if problem is not None:  # cannot happen when each answer fitted; a guard against schema changes
        raise UsageError(f"The answers do not make a valid submission: {problem}")
    return _write(config, front, body, today)


def _photos(q: _Questions, config: Config) -> list[dict[str, Any]]:
    images: list[dict[str, Any]] = []
    limit = int(q.node("images").get("maxItems", 4))
    while len(images) < limit and q.yes("Add a photo?" if not images else "Add another photo?"):
        for _ in range(MAX_TRIES):
            name = q.value(("images", "[]", "file"), required=True,
                           convert=lambda raw: raw if raw.startswith("media/") else f"media/{Path(raw).name}",
                           prompt=f"Photo file, already copied into {config.media_dir.relative_to(config.root)}/")
            if (config.content_dir / name).is_file():
                break
            q.say(f"  There is no {name} in content/: copy the photo into content/media/ first.")
        else:
            raise UsageError("No photo file found.", hint="Copy the photo into content/media/ and run again.")
        image: dict[str, Any] = {"file": name, "alt": q.value(("images", "[]", "alt"), required=True)}
        image["people"] = q.choice(("images", "[]", "people"), list(q.node("images", "[]", "people")["enum"]))
        if image["people"] in ("adults", "minors"):
            image["release"] = q.value(("images", "[]", "release"), required=True)
        if image["people"] == "minors":
            if not q.yes("Has the court approved using the picture of every minor in it?"):
                q.say("  Then the photo cannot be used: it was not added.")
                continue
            image["court_approved"] = True
        images.append(image)
    return images


def _body(q: _Questions) -> str:
    q.say("The post text, in plain words (Markdown is fine). End with an empty line.")
    for _ in range(MAX_TRIES):
        lines: list[str] = []
        while True:
            line = q.ask("> " if not lines else "  ")
            if not line.strip():
                break
            lines.append(line.rstrip())
        if lines:
            return "\n".join(lines)
        q.say("  The post needs some text.")
    raise UsageError("No post text was given.", hint="Nothing was written.")


def _write(config: Config, front: dict[str, Any], body: str, today: dt.date) -> NewSubmission:
    _pattern, slug_max, folder, _example = file_name_rule()
    slug = slugify(front["title"], slug_max)
    target = config.root / folder / f"{today.isoformat()}-{slug}.md"
    number = 2
    while target.exists():
        target = config.root / folder / f"{today.isoformat()}-{slugify(front['title'], slug_max - 3)}-{number}.md"
        number += 1
    text = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"---\n{text}---\n{body}\n", encoding="utf-8")
    rel = target.relative_to(config.root).as_posix()
    report = check_submissions(config, [rel], today=today)
    return NewSubmission(rel, tuple(report.findings))
