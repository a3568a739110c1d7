"""Findings as text for a person, GitHub workflow commands for CI, or JSON for tools.

Pure functions from a :class:`~postdesk.check.CheckReport` to strings; the CLI
decides where they go. Paths, messages and hints can quote a pull request (a file name is
whatever its author chose), so every output escapes them for where it goes: the terminal
and the log get :func:`~postdesk.escape.plain` text (no escape sequence can recolour or
rewrite the screen), the job summary gets :mod:`postdesk.escape`'s Markdown.
"""

from __future__ import annotations

import json

from .check import CheckReport
from .escape import md_code, md_text, plain

STEP_SUMMARY_LIMIT = 1024 * 1024
"""GitHub keeps at most 1 MiB of job summary per step."""

_COLOURS = {"error": "\033[31;1m", "warning": "\033[33;1m", "dim": "\033[2m", "bold": "\033[1m", "reset": "\033[0m"}


def format_text(report: CheckReport, *, colour: bool = False) -> str:
    """Readable output grouped by file."""
    def paint(text: str, style: str) -> str:
        return f"{_COLOURS[style]}{text}{_COLOURS['reset']}" if colour else text

    lines: list[str] = []
    for result in report.files:
        if not result.findings:
            continue
        lines.append(paint(plain(result.path), "bold"))
        for finding in sorted(result.findings, key=lambda f: (f.line, f.column, f.rule)):
            where = f"{finding.line}:{finding.column or 1}" if finding.line else "-"
            label = paint(f"{finding.severity.value:7}", finding.severity.value)
            lines.append(f"  {where:>7}  {label} {plain(finding.message)}  {paint('[' + finding.rule + ']', 'dim')}")
            if finding.hint:
                lines.append(f"  {'':>7}  {'':7} {paint('fix:', 'dim')} {plain(finding.hint)}")
        lines.append("")
    lines.append(_summary_line(report))
    return "\n".join(lines) + "\n"


def _summary_line(report: CheckReport) -> str:
    files = sum(result.checked for result in report.files)
    noun = "submission" if files == 1 else "submissions"
    outside = sum(not result.checked for result in report.files)
    if outside:
        return (f"{files} {noun} checked, and {outside} other change{'s' if outside != 1 else ''} "
                f"(outside the submissions, or a photo's earlier version): "
                f"{report.errors} error{'s' if report.errors != 1 else ''}, "
                f"{report.warnings} warning{'s' if report.warnings != 1 else ''}.")
    if not files:
        return "No submissions to check."
    if report.ok and not report.warnings:
        return "The submission looks good." if files == 1 else f"All {files} {noun} look good."
    return (f"{files} {noun} checked: {report.errors} error{'s' if report.errors != 1 else ''}, "
            f"{report.warnings} warning{'s' if report.warnings != 1 else ''}.")


def format_json(report: CheckReport) -> str:
    return json.dumps(report.as_dict(), indent=2, ensure_ascii=False) + "\n"


def format_github(report: CheckReport) -> str:
    """GitHub workflow commands, so each finding shows inline on the pull request's diff."""
    lines = []
    for finding in report.findings:
        command = "error" if finding.is_error else "warning"
        props = [f"file={_escape_property(finding.path)}"]  # exact, so the note lands on the file's diff
        if finding.line:
            props.append(f"line={finding.line}")
            if finding.column:
                props.append(f"col={finding.column}")
        props.append(f"title={_escape_property(finding.rule)}")
        message = plain(finding.message) + (f"\nFix: {plain(finding.hint)}" if finding.hint else "")
        lines.append(f"::{command} {','.join(props)}::{_escape_data(message)}")
    lines.append(_summary_line(report))
    return "\n".join(lines) + "\n"


def format_step_summary(report: CheckReport, *, limit: int = STEP_SUMMARY_LIMIT) -> str:
    """A Markdown table for ``$GITHUB_STEP_SUMMARY``, cut to fit GitHub's 1 MiB limit."""
    head = [f"### postdesk check: {_summary_line(report)}", ""]
    if not report.findings:
        return "\n".join(head) + "\n"
    head += ["| file | line | severity | rule | message | fix |", "|---|---|---|---|---|---|"]
    out = "\n".join(head) + "\n"
    for index, finding in enumerate(report.findings):
        row = (f"| {md_code(finding.path, table=True)} | {finding.line or ''} | {finding.severity.value} | "
               f"{md_code(finding.rule, table=True)} | {md_text(finding.message, table=True)} | "
               f"{md_text(finding.hint, table=True)} |\n")
        if len((out + row).encode()) > limit - 200:
            out += f"\n…and {len(report.findings) - index} more findings (see the log).\n"
            break
        out += row
    return out


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
