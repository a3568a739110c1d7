"""The approved posts on main (``content/approved/``), listed and read so that one bad file never stops the others.

The scheduler, the public site and the editorial page read the folder through here.
Every approved file passed the checks when it was merged, but main can still hold a bad
one: a file an admin pushed by hand, a name postdesk never gives (an ``index.md`` would
replace the site's home page), or front matter that a newer postdesk reads more strictly.
Each such file is left out with a :class:`~postdesk.model.Finding` that names it, says
what is wrong and how to fix it; the caller reports it and goes on with the others.

* :func:`approved_files`: the files that are items, named ``YYYY-MM-DD-slug.md`` like
  the submissions they were (the pattern is the schema's ``x-file-name``), because the
  file name is the item's name everywhere: the queue, the ledger, the approval record,
  the site page's address and the renditions' names;
* :func:`read_item`: one item's submission, or the findings that say why it cannot be read
  (the parser's own findings, or the schema's for fields that no longer pass).

Never imports the checker up front: ``postdesk site`` stays fast. The schema rules are
loaded only to explain a file that cannot be read.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .config import Config
from .model import Finding, Submission
from .parse import ParsedFile, read_submission_file, submission_from_parsed
from .schema import file_name_rule

NAME_RULE = "approved.name"
NOT_A_FILE_RULE = "approved.not-a-file"
UNREADABLE_RULE = "approved.unreadable"


def is_item_name(name: str) -> bool:
    """True for ``YYYY-MM-DD-slug.md`` with a real date and a slug of the allowed length."""
    pattern, slug_max, _folder, _example = file_name_rule()
    match = pattern.match(name)
    if not match or len(match["slug"]) > slug_max:
        return False
    try:
        dt.date.fromisoformat(match["date"])
    except ValueError:
        return False
    return True


def approved_files(config: Config) -> tuple[list[Path], list[Finding]]:
    """The approved items' files in name order, and a finding for every other ``.md`` file in the folder."""
    folder = config.approved_dir
    if not folder.is_dir():
        return [], []
    files, findings = [], []
    example = file_name_rule()[3]
    for file in sorted(folder.glob("*.md")):
        if file.is_symlink() or not file.is_file():
            findings.append(Finding(_rel(config, file), NOT_A_FILE_RULE,
                                    f"{file.name} is a folder or a link, not a post's file, so it is left out.",
                                    "Remove it from content/approved/ (git rm -r); approved posts are plain files."))
            continue
        if is_item_name(file.name):
            files.append(file)
            continue
        findings.append(Finding(
            _rel(config, file), NAME_RULE,
            f"{file.name} is not named like an approved post (YYYY-MM-DD-slug.md, e.g. {example}), so it is "
            "left out: it is not scheduled, posted or published.",
            "postdesk approve names every approved post this way. Remove this file from content/approved/ "
            "(git rm), and send its text as a new submission if it should be posted."))
    return files, findings


def read_item(config: Config, file: Path) -> tuple[Submission | None, tuple[Finding, ...]]:
    """The submission in an approved ``file``, or None and the findings that say why it cannot be used now."""
    rel = _rel(config, file)
    parsed = read_submission_file(file, rel)
    if parsed.data is None:
        return None, parsed.findings or (_unreadable(rel, "its front matter cannot be read"),)
    try:
        return submission_from_parsed(parsed), ()
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return None, _why_invalid(config, parsed) or (_unreadable(rel, f"{type(exc).__name__}: {exc}"),)


def _why_invalid(config: Config, parsed: ParsedFile) -> tuple[Finding, ...]:
    """The schema's findings for fields that do not pass (only loaded for a file that fails)."""
    from .checks.base import CheckContext
    from .checks.schema import check

    context = CheckContext(parsed, config, dt.date.min)  # the schema's rules do not depend on the day
    return tuple(finding for finding in check(context) if finding.is_error)


def _unreadable(rel: str, why: str) -> Finding:
    return Finding(rel, UNREADABLE_RULE, f"This approved post cannot be read: {why}.",
                   "Restore the file from git history (git log -p -- the file), or send the post again as a new "
                   "submission; until then it is left out.")


def _rel(config: Config, file: Path) -> str:
    try:
        return file.relative_to(config.root).as_posix()
    except ValueError:
        return str(file)
