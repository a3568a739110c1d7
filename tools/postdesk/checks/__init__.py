"""The rules ``postdesk check`` applies, one module per rule family.

A check is a function ``check(ctx) -> Iterable[Finding]``. The registry is two
explicit tuples rather than discovery, so the order is visible and a reader can
find every rule from here:

* :data:`ALWAYS_CHECKS` run on every file (file name and location);
* :data:`DOCUMENT_CHECKS` run on every file whose front matter could be read;
* :data:`SUBMISSION_CHECKS` run on the typed :class:`~postdesk.model.Submission`. When
  the document checks found errors, they still run on what is valid (fields with
  errors left out, see :func:`salvage`), so a staff member learns about a too-long
  text together with a misspelt category, not one round later. Such a partial
  submission is never returned to callers.

Checks never touch the network and never import :mod:`postdesk.channels`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

from ..config import Config
from ..model import Finding, Severity, Submission
from ..parse import ParsedFile, submission_from_parsed
from . import confidentiality, dates, filename, images, schema, template, text_length
from .base import Check, CheckContext

ALWAYS_CHECKS: tuple[Check, ...] = (filename.check,)
"""Run on every file, even one whose front matter could not be read."""
DOCUMENT_CHECKS: tuple[Check, ...] = (schema.check, dates.check, template.check)
SUBMISSION_CHECKS: tuple[Check, ...] = (text_length.check, images.check, confidentiality.check)

__all__ = ["ALWAYS_CHECKS", "DOCUMENT_CHECKS", "SUBMISSION_CHECKS", "Check", "CheckContext", "run_checks"]


def run_checks(parsed: ParsedFile, *, config: Config, today: dt.date) -> tuple[list[Finding], Submission | None]:
    """All findings for one parsed file, and the typed submission when it is valid enough."""
    ctx = CheckContext(parsed, config, today)
    findings = [*parsed.findings, *(f for check in ALWAYS_CHECKS for f in check(ctx))]
    if parsed.data is None:
        return apply_severity(findings, config.confidentiality.severity), None
    document_findings = [f for check in DOCUMENT_CHECKS for f in check(ctx)]
    findings += document_findings
    valid = not any(f.is_error for f in document_findings)
    if valid:
        submission = submission_from_parsed(parsed)
    else:
        try:
            submission = submission_from_parsed(salvage(parsed, schema.invalid_paths(parsed.data)))
        except (ValueError, KeyError, TypeError):  # too broken to salvage: the document findings say why
            return apply_severity(findings, config.confidentiality.severity), None
    ctx = CheckContext(parsed, config, today, submission)
    findings += [f for check in SUBMISSION_CHECKS for f in check(ctx)]
    return apply_severity(findings, config.confidentiality.severity), submission if valid else None


def apply_severity(findings: list[Finding], overrides: Mapping[str, str]) -> list[Finding]:
    """The policy's per-rule overrides: ``off`` drops a finding, ``warning``/``error`` re-rate it."""
    if not overrides:
        return findings
    kept = []
    for finding in findings:
        level = overrides.get(finding.rule)
        if level == "off":
            continue
        if level in ("error", "warning"):
            finding = dataclasses.replace(finding, severity=Severity(level))
        kept.append(finding)
    return kept


_PLACEHOLDERS: dict[str, object] = {
    "title": "", "category": "announcement", "channels": [], "confidentiality_confirmed": False,
    "submitted_by": {"name": "", "email": "", "office": ""}, "supervisor": {"name": "", "email": ""},
}


def salvage(parsed: ParsedFile, invalid: set[tuple[str | int, ...]]) -> ParsedFile:
    """A copy of ``parsed`` keeping only the fields without errors, for the submission checks.

    Invalid top-level fields are dropped (required ones get neutral placeholders), photos
    with errors are left out, and dates that are not real days are dropped.
    """
    data = dict(parsed.data or {})
    bad_top = {path[0] for path in invalid if path and not (path[0] == "images" and len(path) > 1)}
    bad_images = {path[1] for path in invalid if len(path) > 1 and path[0] == "images"}
    cleaned: dict[str, object] = {k: v for k, v in data.items() if k not in bad_top}
    if isinstance(cleaned.get("images"), list):
        cleaned["images"] = [img for i, img in enumerate(cleaned["images"]) if i not in bad_images]
    for key in ("post_by", "post_after"):
        if key in cleaned and not dates.is_real_date(cleaned[key]):
            del cleaned[key]
    event = cleaned.get("event")
    if isinstance(event, dict) and not dates.is_real_date(event.get("date")):
        del cleaned["event"]
    for key, placeholder in _PLACEHOLDERS.items():
        cleaned.setdefault(key, placeholder)
    return ParsedFile(parsed.path, cleaned, parsed.lines, parsed.body, parsed.body_line, ())
