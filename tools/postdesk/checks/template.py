"""Rule ``template.unchanged``: text of the "Submit a post" template left as it was.

The README's "Submit a post" link opens GitHub's web editor on a template whose title,
names, e-mail addresses, post text, alt text, release note and per-network text are
placeholders. A writer who saves it untouched must not get a green check: each placeholder
still in place is an error, naming the field by its form label.

The placeholder values are read from the template itself (:mod:`postdesk.schema.template`,
optional fields switched on), so changing the template can never leave this rule behind.
Works on the raw front matter, so it reports alongside the schema's findings.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping

from ..model import Finding
from ..parse import parse_submission_bytes
from ..schema import field_label, field_schema
from ..schema.template import submission_template, uncommented
from .base import CheckContext, value_at

RULE = "template.unchanged"
_TOP = (("title",), ("submitted_by", "name"), ("submitted_by", "email"), ("supervisor", "name"),
        ("supervisor", "email"))
_PER_PHOTO = ("alt", "release")
BODY = "body"


@functools.cache
def placeholders() -> dict[tuple[str, ...], frozenset[str]]:
    """Placeholder texts of the template by field (``("images", "*", "alt")`` for every photo, and
    ``("body",)`` for the post text), compared without case or extra spaces."""
    parsed = parse_submission_bytes(uncommented(submission_template()).encode("utf-8"), "template.md")
    data: Mapping[str, object] = parsed.data or {}
    found: dict[tuple[str, ...], set[str]] = {}

    def add(path: tuple[str, ...], value: object) -> None:
        if isinstance(value, str) and value.strip():
            found.setdefault(path, set()).add(_plain(value))

    for path in _TOP:
        add(path, value_at(data, path))
    texts = data.get("text")
    for channel, value in (texts.items() if isinstance(texts, dict) else ()):
        add(("text", str(channel)), value)
    images = data.get("images")
    for image in (images if isinstance(images, list) else ()):
        for key in _PER_PHOTO:
            add(("images", "*", key), image.get(key) if isinstance(image, dict) else None)
    add((BODY,), parsed.body)
    return {path: frozenset(values) for path, values in found.items()}


def check(ctx: CheckContext) -> Iterator[Finding]:
    yield from unchanged_findings(ctx.path, ctx.data, ctx.parsed.body, ctx.parsed.lines, ctx.parsed.body_line)


def unchanged_findings(path: str, data: Mapping[str, object], body: str, lines: Mapping[str, int],
                       body_line: int) -> Iterator[Finding]:
    """A finding for every field that still holds the template's placeholder (pure)."""
    known = placeholders()
    for field in _TOP:
        if _plain(value_at(data, field)) in known.get(field, ()):
            yield _finding(path, field, lines.get(".".join(field), 0))
    texts = data.get("text")
    for channel, value in (texts.items() if isinstance(texts, dict) else ()):
        if _plain(value) in known.get(("text", str(channel)), ()):
            yield _finding(path, ("text", str(channel)), lines.get(f"text.{channel}", 0))
    images = data.get("images")
    for index, image in enumerate(images if isinstance(images, list) else ()):
        for key in _PER_PHOTO:
            value = image.get(key) if isinstance(image, dict) else None
            if _plain(value) in known.get(("images", "*", key), ()):
                yield _finding(path, ("images", index, key), lines.get(f"images.{index}.{key}", 0))
    if _plain(body) in known.get((BODY,), ()):
        yield Finding(path, RULE, "The post text is still the template's example text.",
                      "Write your post in place of the example text.", line=body_line)


def _finding(path: str, field: tuple[str | int, ...], line: int) -> Finding:
    label = field_label(field)
    description = (field_schema(field) or {}).get("description", "")
    return Finding(path, RULE, f"{label} is still the template's example text.",
                   f"Replace '{label}' with your own. {description}".strip(), line=line)


def _plain(value: object) -> str | None:
    """Text compared without case or runs of spaces; None for anything that is not text."""
    return " ".join(value.split()).casefold() if isinstance(value, str) else None
