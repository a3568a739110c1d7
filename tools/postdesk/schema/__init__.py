"""The one submission schema (``submission.schema.json``) and helpers to read it.

The checker validates against it, ``postdesk schema`` prints it, docs/submission-format.md's field
table and the web editor's configuration are generated from it.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from typing import Any

SCHEMA_FILE = "submission.schema.json"


def schema_text() -> str:
    return resources.files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


@functools.cache
def load_schema() -> dict[str, Any]:
    """The submission JSON Schema as a dict (cached; treat it as read-only)."""
    loaded: dict[str, Any] = json.loads(schema_text())
    return loaded


@functools.cache
def file_name_rule() -> tuple[re.Pattern[str], int, str, str]:
    """(file name pattern, slug maximum length, folder, example) from the schema's ``x-file-name``."""
    spec = load_schema()["x-file-name"]
    return re.compile(spec["pattern"]), int(spec["slug_max_length"]), spec["folder"], spec["example"]


def fields_markdown() -> str:
    """The field reference (docs/submission-format.md), generated from the schema (``postdesk schema --markdown``).

    The form label column is how ``postdesk check`` names a field in its messages, so a writer
    editing the file on GitHub can find the key a message means.
    """
    schema = load_schema()
    rows = ["| field | form label | required | what to write |", "|---|---|---|---|"]

    def describe(node: dict[str, Any]) -> dict[str, Any]:
        if "$ref" in node:
            target: dict[str, Any] = schema
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return node

    def walk(node: dict[str, Any], prefix: str, path: tuple[str | int, ...]) -> None:
        required = node.get("required", [])
        conditional = _conditions(node)
        for key, child in node.get("properties", {}).items():
            child = describe(child)
            name = f"{prefix}{key}"
            label = field_label((*path, key))
            needed = "yes" if key in required else conditional.get(key, "no")
            text = child.get("description", "")
            if "enum" in child:
                text += " One of: " + ", ".join(f"`{v}`" for v in child["enum"]) + "."
            rows.append(f"| `{name}` | {label} | {needed} | {text} |")
            walk(child, f"{name}.", (*path, key))
            items = child.get("items")
            if isinstance(items, dict) and describe(items).get("properties"):
                walk(describe(items), f"{name}[].", (*path, key, 0))

    walk(schema, "", ())
    return "\n".join(rows) + "\n"


def _conditions(node: dict[str, Any]) -> dict[str, str]:
    """"when ..." notes for fields an ``if``/``then`` rule of ``node`` makes required."""
    notes: dict[str, str] = {}
    for rule in node.get("allOf", []):
        condition = rule.get("if", {}).get("properties", {})
        then = rule.get("then", {})
        for field, spec in condition.items():
            values = [spec["const"]] if "const" in spec else spec.get("enum", [])
            shown = " or ".join(f"`{_plain(v)}`" for v in values)
            for required in then.get("required", []):
                must = then.get("properties", {}).get(required, {})
                extra = f" (must be `{_plain(must['const'])}`)" if "const" in must else ""
                notes[required] = f"when `{field}` is {shown}{extra}"
    return notes


def _plain(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _resolved(node: dict[str, Any]) -> dict[str, Any]:
    """``node`` with its ``$ref`` replaced by the definition it points to (its own keys win)."""
    if "$ref" not in node:
        return node
    target: dict[str, Any] = load_schema()
    for part in node["$ref"].removeprefix("#/").split("/"):
        target = target[part]
    return {**target, **{k: v for k, v in node.items() if k != "$ref"}}


def field_schema(path: tuple[str | int, ...] | list[str | int]) -> dict[str, Any] | None:
    """The schema of the field at ``path`` (``("images", 1, "alt")``), or None when there is none."""
    node = load_schema()
    for part in path:
        if isinstance(part, int):
            items = node.get("items")
            if not isinstance(items, dict):
                return None
            node = _resolved(items)
        else:
            child = node.get("properties", {}).get(part)
            if not isinstance(child, dict):
                return None
            node = _resolved(child)
    return node


def field_label(path: tuple[str | int, ...] | list[str | int]) -> str:
    """A field as the web editor's form shows it, from the schema's titles.

    ``("event", "date")`` -> "Event date"; ``("images", 1, "alt")`` -> "Photo 2 → Alt text";
    ``("channels", 1)`` -> "Networks, item 2". A field's own title names it (the form's
    labels are written to stand alone); a list item adds its number, since several look alike.
    A key the schema does not know keeps its name in quotes: it only exists in a file.
    """
    if not path:
        return "The form"
    parts: list[str] = []
    node: dict[str, Any] | None = load_schema()
    pending = ""  # the nearest object's or list's title, used when a later step has none
    for index, part in enumerate(path):
        last = index == len(path) - 1
        if node is None:
            parts.append(f"'{part}'")
            continue
        if isinstance(part, int):
            items = node.get("items")
            node = _resolved(items) if isinstance(items, dict) else None
            item_title = node.get("title") if node else None
            parts.append(f"{item_title} {part + 1}" if item_title else f"{pending or 'List'}, item {part + 1}")
            pending = ""
            continue
        child = node.get("properties", {}).get(part)
        node = _resolved(child) if isinstance(child, dict) else None
        title = node.get("title") if node else None
        if last:
            parts.append(str(title) if title else f"'{part}'")
        else:
            pending = str(title) if title else f"'{part}'"
    return " → ".join(parts) if parts else pending


def date_fields() -> tuple[tuple[str, ...], ...]:
    """The key paths of every date field (``("event", "date")``, ``("post_by",)``), from the schema."""
    found: list[tuple[str, ...]] = []

    def walk(node: dict[str, Any], prefix: tuple[str, ...]) -> None:
        for key, child in node.get("properties", {}).items():
            if child.get("$ref") == "#/$defs/date":
                found.append((*prefix, key))
            walk(_resolved(child), (*prefix, key))

    walk(load_schema(), ())
    return tuple(found)
