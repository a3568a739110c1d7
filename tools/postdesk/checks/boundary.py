"""Rule family ``boundary``: a pull request may only add a submission and its photos.

Everything else in the repository either belongs to the publishing bot (what was approved,
the photo renditions, the ledger, the queue, the approval records: written only by
``postdesk approve``, ``schedule`` and ``post`` on main) or decides what is posted (the code,
the theme, the workflows, the settings, the lock files). A pull request that changes
those is reported here, whatever else it contains, so a merge can never smuggle an
unchecked post past the check or undo the record of one already sent.

The team's own maintenance pull requests (a code change, a new setting) are reported
too (``boundary.code``): CODEOWNERS and the ruleset on ``main`` decide who may merge
them anyway (docs/go-live.md). Pure: takes the list of changes, returns findings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..model import Finding

CONTENT = "content/"
SUBMISSIONS = "content/submissions/"
MEDIA = "content/media/"
RENDITIONS = "content/media/renditions/"
APPROVED = "content/approved/"
STATE = "state/"

ADDED, MODIFIED, DELETED, TYPE_CHANGED = "A", "M", "D", "T"
_VERBS = {ADDED: "adds", MODIFIED: "changes", DELETED: "deletes", TYPE_CHANGED: "changes the type of"}
SYMLINK_MODE, SUBMODULE_MODE = "120000", "160000"


@dataclass(frozen=True, slots=True)
class Change:
    """One path a change touches: git's status letter (A, M, D, T) and the new file mode ("" when deleted)."""

    status: str
    path: str
    mode: str = "100644"


def boundary_findings(changes: Iterable[Change]) -> Iterator[Finding]:
    """A finding for every change outside what a submission may touch."""
    for change in changes:
        finding = _finding(change)
        if finding is not None:
            yield finding


def _finding(change: Change) -> Finding | None:
    path, verb = change.path, _VERBS.get(change.status, "changes")
    if change.mode in (SYMLINK_MODE, SUBMODULE_MODE) and change.status != DELETED:
        kind = "a symbolic link" if change.mode == SYMLINK_MODE else "a git submodule"
        return Finding(path, "boundary.link", f"This pull request {verb} {kind}, which postdesk never follows.",
                       "Add the file itself (a photo or a submission), not a link to it.")
    if path.startswith(SUBMISSIONS):
        return None
    if path.startswith(RENDITIONS):
        return Finding(path, "boundary.bot-owned",
                       f"This pull request {verb} a photo rendition; only postdesk approve writes "
                       f"{RENDITIONS} (from the scrubbed photo, after the merge).",
                       "Remove this change from the pull request: add or replace the photo itself in content/media/ "
                       "under a new name instead.")
    if path.startswith(MEDIA):
        if change.status == ADDED:
            return None
        return Finding(path, "boundary.approved",
                       f"This pull request {verb} a photo that is already in the repository; photos of approved "
                       "posts are sealed at approval and must not change.",
                       "Add the new photo under a new file name and refer to it from your submission.")
    if path.startswith(APPROVED):
        return Finding(path, "boundary.approved",
                       f"This pull request {verb} an approved post; {APPROVED} is written only by postdesk approve "
                       "after a reviewer merged a checked submission.",
                       "To correct or withdraw an approved post, submit a new submission in content/submissions/ "
                       "(say in it what it corrects), or ask the communications team.")
    if path.startswith(CONTENT):
        if path.endswith(".md") and change.status != DELETED:
            return None  # checked as a submission, which reports where it should be (file.location)
        return Finding(path, "boundary.content",
                       f"This pull request {verb} {path}: a submission lives in {SUBMISSIONS} and its photos in "
                       f"{MEDIA}; nothing else in content/ is written by a pull request.",
                       f"Move the file into {SUBMISSIONS} (a submission) or {MEDIA} (a photo), or remove it.")
    if path.startswith(STATE):
        return Finding(path, "boundary.bot-owned",
                       f"This pull request {verb} {path}; {STATE} (the ledger of what was posted, the queue, "
                       "the approval records) is written only by the publishing bot.",
                       "Remove this change from the pull request. To settle a post, the communications team runs "
                       "'postdesk ledger resolve' on main.")
    return Finding(path, "boundary.code",
                   f"This pull request {verb} {path}, outside content/submissions/ and content/media/: code, theme, "
                   "workflows, settings and the lock files decide what is posted.",
                   "A submission should only add files in content/submissions/ and content/media/; move other "
                   "changes to their own pull request, which needs a code owner's review (see CODEOWNERS).")
