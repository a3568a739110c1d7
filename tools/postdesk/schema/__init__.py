"""The one submission schema (``submission.schema.json``) and helpers to read it.

The checker validates against it, ``postdesk schema`` prints it, the README's field
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
    """The README's field reference, generated from the schema (``postdesk schema --markdown``)."""
    schema = load_schema()
    rows = ["| field | required | what to write |", "|---|---|---|"]

    def describe(node: dict[str, Any]) -> dict[str, Any]:
        if "$ref" in node:
            target: dict[str, Any] = schema
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return node

    def walk(node: dict[str, Any], prefix: str) -> None:
        required = node.get("required", [])
        conditional = _conditions(node)
        for key, child in node.get("properties", {}).items():
            child = describe(child)
            name = f"{prefix}{key}"
            needed = "yes" if key in required else conditional.get(key, "no")
            text = child.get("description", "")
            if "enum" in child:
                text += " One of: " + ", ".join(f"`{v}`" for v in child["enum"]) + "."
            rows.append(f"| `{name}` | {needed} | {text} |")
            walk(child, f"{name}.")
            items = child.get("items")
            if isinstance(items, dict) and describe(items).get("properties"):
                walk(describe(items), f"{name}[].")

    walk(schema, "")
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
