"""Rule family ``schema``: every front matter field against the one JSON Schema.

jsonschema finds *all* violations; this module turns each into a finding a staff
member can act on: the field by its label in the web editor's form ("Event date",
"Photo 2 → Alt text", from the schema's titles), the line of the offending key, and a
hint built from the schema's own descriptions and examples (so the schema stays the one
source of truth for what a field means). Hints say what to do in the form ("Fill in
'Your office'"), never which YAML key to type: a caseworker sees the form, not the file.

Rule ids: ``schema.required``, ``schema.unknown-key``, ``schema.type``,
``schema.choice``, ``schema.value``, ``schema.format``, ``schema.length``,
``schema.count``, ``schema.repeated``. A channel disabled in ``postdesk.toml`` gives
``schema.channel-disabled``.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ..model import CHANNEL_LABELS, Finding
from ..schema import field_label, load_schema
from .base import CheckContext

_TYPE_NAMES = {
    "string": "text", "boolean": "ticked or not (yes or no)", "array": "a list", "object": "a group of fields",
    "integer": "a whole number", "number": "a number", "null": "empty",
}
_REQUIRED = re.compile(r"^'(?P<key>.+)' is a required property$")


def check(ctx: CheckContext) -> Iterator[Finding]:
    data = ctx.data
    yield from _schema_findings(ctx.path, data, ctx.parsed.lines)
    yield from _disabled_channel_findings(ctx)


def _schema_findings(path: str, data: Mapping[str, Any], lines: Mapping[str, int]) -> Iterator[Finding]:
    refusal = _fast_refusal(data)
    if refusal is None:
        return
    errors = sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if not errors:  # the validators disagree: never let the stricter one's refusal pass silently
        yield Finding(path, "schema.invalid", f"The form's fields do not fit together: {refusal}.",
                      "Ask the communications team; the submission format is in docs/submission-format.md.", line=1)
        return
    too_short = {tuple(e.absolute_path) for e in errors if e.validator == "minLength"}
    for error in errors:
        # An empty value breaks both minLength and the "not blank" pattern: say it once.
        if error.validator == "pattern" and tuple(error.absolute_path) in too_short:
            continue
        yield from _findings_for(error, path, lines)


def _disabled_channel_findings(ctx: CheckContext) -> Iterator[Finding]:
    channels = ctx.data.get("channels")
    if isinstance(channels, list):
        for i, name in enumerate(channels):
            settings = ctx.config.channels.get(name) if isinstance(name, str) else None
            if settings is not None and not settings.enabled:
                label = CHANNEL_LABELS.get(name, name)
                yield Finding(ctx.path, "schema.channel-disabled",
                              f"The agency does not post to {label} at the moment.",
                              f"Untick {label} under '{field_label(('channels',))}'.",
                              line=_line_for(ctx.parsed.lines, ["channels", i]))


def _fast_refusal(data: Mapping[str, Any]) -> str | None:
    """None when the document is valid, else the compiled validator's first complaint.

    fastjsonschema compiles the same schema file to Python (~40 µs per document, where
    jsonschema takes ~2 ms), so valid documents, the common case in a full check, never
    pay for jsonschema; invalid ones are then explained in full by jsonschema.
    """
    import fastjsonschema

    try:
        _fast_validator()(data)
    except fastjsonschema.JsonSchemaException as exc:
        return str(exc.message)
    return None


@functools.cache
def _fast_validator() -> Any:
    import copy

    import fastjsonschema

    # A copy: fastjsonschema rewrites the "$ref"s of the schema it is given, in place.
    return fastjsonschema.compile(copy.deepcopy(load_schema()))


def invalid_paths(data: Mapping[str, Any] | None) -> set[tuple[str | int, ...]]:
    """The paths (``("images", 0, "alt")``) of every value that breaks the schema; a missing
    required field is reported at its parent's path."""
    return {tuple(error.absolute_path) for error in _validator().iter_errors(data or {})}


@functools.cache
def _validator() -> Any:
    # Imported here: jsonschema costs ~0.2 s to import, and only a check needs it.
    from jsonschema import Draft202012Validator

    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _findings_for(error: Any, path: str, lines: Mapping[str, int]) -> Iterator[Finding]:
    curly = _curly_quoted(error.instance)
    for finding in _plain_findings_for(error, path, lines):
        yield finding if not curly else dataclasses.replace(
            finding, hint=f"The value is in curly quotes {curly}, which count as part of it: delete them, "
                          f"or type straight quotes (\") instead. {finding.hint}".rstrip())


_CURLY_PAIRS = ("\u201c\u201d", "\u2018\u2019", "\u201e\u201c", "\u201e\u201d", "\u00ab\u00bb", "\u201d\u201d",
                "\u2019\u2019")


def _curly_quoted(value: object) -> str:
    """The pair of curly quotes around a text value (``"“ ”"``), or '' when it has none.

    A word processor or phone keyboard turns typed quotes into curly ones, which YAML reads as
    letters: ``“2026-12-05”`` is then not a date, and the person sees quotes they did type.
    """
    if isinstance(value, str) and len(value) >= 2:
        for pair in _CURLY_PAIRS:
            if value[0] == pair[0] and value[-1] == pair[1]:
                return f"{pair[0]} {pair[1]}"
    return ""


def _plain_findings_for(error: Any, path: str, lines: Mapping[str, int]) -> Iterator[Finding]:
    where = list(error.absolute_path)
    field = _describe(where)
    kind = error.validator
    subschema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    line = _line_for(lines, where)
    if kind == "required":
        match = _REQUIRED.match(error.message)
        key = match["key"] if match else "?"
        field_schema = _property_schema([*where, key])
        yield Finding(path, "schema.required", f"{_describe([*where, key])} is missing.",
                      _add_hint([*where, key], field_schema), line=line or 1)
    elif kind == "additionalProperties":
        known = sorted(subschema.get("properties", {}))
        for key in error.instance:
            if key in known:
                continue
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
            hint = (f"Did you mean '{close[0]}'?" if close
                    else f"Allowed here: {', '.join(known)}.")
            inside = f" (in {_describe(where)})" if where else ""
            yield Finding(path, "schema.unknown-key", f"'{key}'{inside} is not a field of the form.", hint,
                          line=_line_for(lines, [*where, key]))
    elif kind == "type":
        expected = subschema.get("type")
        yield Finding(path, "schema.type",
                      f"{field} must be {_TYPE_NAMES.get(str(expected), expected)}, "
                      f"not {_kind_of(error.instance)}.",
                      _type_hint(where, error.instance), line=line)
    elif kind == "enum":
        options = [str(o) for o in subschema["enum"]]
        close = difflib.get_close_matches(str(error.instance), options, n=1, cutoff=0.5)
        hint = f"Did you mean '{close[0]}'?" if close else f"Use one of: {', '.join(options)}."
        yield Finding(path, "schema.choice",
                      f"{field} is '{error.instance}', which is not one of {', '.join(options)}.", hint, line=line)
    elif kind == "const":
        description = _property_schema(where).get("description", "")
        wanted = "ticked" if subschema["const"] is True else _yaml_value(subschema["const"])
        yield Finding(path, "schema.value", f"'{field}' must be {wanted}.",
                      description or f"Set it to {wanted}.", line=line)
    elif kind == "pattern":
        yield Finding(path, "schema.format", f"{field} is not in the expected form: '{_short(error.instance)}'.",
                      _describe_expected(where), line=line)
    elif kind in ("minLength", "maxLength"):
        length = len(error.instance)
        if kind == "minLength":
            message = (f"{field} is {length} character{'s' if length != 1 else ''}; it needs at least "
                       f"{error.validator_value}.")
            hint = _describe_expected(where)
        else:
            message = (f"{field} is {length} characters; at most {error.validator_value} "
                       f"({length - error.validator_value} over).")
            hint = "Shorten it."
        yield Finding(path, "schema.length", message, hint, line=line)
    elif kind in ("minItems", "maxItems"):
        count = len(error.instance)
        bound = "at least" if kind == "minItems" else "at most"
        yield Finding(path, "schema.count",
                      f"{field} has {count} item{'s' if count != 1 else ''}; it must have {bound} "
                      f"{error.validator_value}.", _describe_expected(where), line=line)
    elif kind == "uniqueItems":
        yield Finding(path, "schema.repeated", f"{field} lists the same value twice.",
                      "List each value once.", line=line)
    else:  # pragma: no cover - a schema keyword this module has no words for yet
        yield Finding(path, "schema.invalid", f"{field}: {error.message}", _describe_expected(where), line=line)


def _line_for(lines: Mapping[str, int], where: Sequence[Any]) -> int:
    """Line of the deepest key on ``where`` that has one (the front matter start if none)."""
    parts = [str(p) for p in where]
    while parts:
        line = lines.get(".".join(parts))
        if line:
            return line
        parts.pop()
    return 0


def _describe(where: Sequence[Any]) -> str:
    """['images', 1, 'alt'] -> "Photo 2 → Alt text"; ['event', 'date'] -> "Event date" (the form's labels)."""
    return field_label(list(where))


def _keys(where: Sequence[Any]) -> list[str]:
    return [str(p) for p in where if not isinstance(p, int)]


@functools.cache
def _field_index() -> dict[tuple[str, ...], dict[str, Any]]:
    """Every property schema by its key path (list items collapse into their parent)."""
    schema = load_schema()
    index: dict[tuple[str, ...], dict[str, Any]] = {}

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        if "$ref" in node:
            target = schema
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return node

    def walk(node: dict[str, Any], prefix: tuple[str, ...]) -> None:
        node = resolve(node)
        if prefix:
            index[prefix] = node
        for key, child in node.get("properties", {}).items():
            walk(child, (*prefix, key))
        if isinstance(node.get("items"), dict):
            items = resolve(node["items"])
            for key, child in items.get("properties", {}).items():
                walk(child, (*prefix, key))

    walk(schema, ())
    return index


def _property_schema(where: Sequence[Any]) -> dict[str, Any]:
    return _field_index().get(tuple(_keys(where)), {})


def _describe_expected(where: Sequence[Any]) -> str:
    node = _property_schema(where)
    if not node and where and isinstance(where[-1], int):
        node = _property_schema(where[:-1])
    description = node.get("description", "")
    examples = node.get("examples")
    if examples and isinstance(examples[0], str) and examples[0] not in description:
        description += f" For example: {examples[0]}"
    return description.strip() or "See the submission format in docs/submission-format.md."


def _add_hint(where: Sequence[Any], field_schema: Mapping[str, Any]) -> str:
    """What to fill in, by the form's label, with the field's description and an example of a text."""
    tick = field_schema.get("type") == "boolean" or field_schema.get("const") is True
    hint = f"{'Tick' if tick else 'Fill in'} '{_describe(where)}'."
    if field_schema.get("description"):
        hint += f" {field_schema['description']}"
    examples = field_schema.get("examples")
    if examples and isinstance(examples[0], str) and examples[0] not in hint:
        hint += f" For example: {examples[0]}"
    return hint


def _type_hint(where: Sequence[Any], instance: object) -> str:
    if where and where[-1] == "time" and isinstance(instance, int | float):
        return f'Write \'{_describe(where)}\' with quotes around it, for example "10:00".'
    return _describe_expected(where)


def _kind_of(value: object) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{_short(value)}'"
    if isinstance(value, list):
        return "a list"
    return "a group of fields"


def _yaml_value(value: object) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def _short(value: object, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
