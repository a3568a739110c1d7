"""Approval: what happens to a submission once it is merged into the main branch.

Merging is the reviewer's approval. ``postdesk approve`` runs on every push to main and
is safe to run any time, any number of times, because it works from the state of the
repository, not from the push that triggered it (GitHub's concurrency groups cancel
queued runs, so one run may have to approve several merges):

1. every file in ``content/submissions/`` is checked; one that fails (merged by mistake
   or by an admin override, or named like a post approved before: ``file.name-taken``,
   which would replace that post) is not approved, stays where it is, and the run fails
   with its findings once the others are done;
2. for each one that passes, in this order: its photos are scrubbed of all metadata in
   place (the committed original too) and resized into per-network renditions under
   ``content/media/renditions/``; the machine's record of the approval (who merged,
   which pull request, when) is written to ``state/approvals/<item>.json``, never
   touching the staff's text, with the seal (:mod:`postdesk.seal`): the SHA-256 of the
   submission, of each scrubbed photo and of each rendition, which ``post`` and ``site``
   verify before using the item; then the file is moved with ``git mv`` to
   ``content/approved/`` with its bytes unchanged;
3. everything is committed as one commit (pushed with ``--push``); with nothing to do,
   no commit is made.

Crash safety comes from that order: an item is moved only after everything else about it
is done, every step is idempotent (an already clean photo is left byte for byte, a
rendition is rewritten identically, an existing record is kept), and the commit step
picks up whatever an earlier, interrupted run left in the work tree, except the hidden
temporary files of its atomic writes: those are deleted when the next run starts and are
never staged (:func:`postdesk.gitio.stage_folders`).

One item failing in step 2 (a photo that cannot be decoded, a file that cannot be read
or written) does not stop the others: the item is refused with what went wrong
(``approve.failed``), stays in ``content/submissions/``, the renditions and record this
attempt made for it are removed again, and the run fails once the others are approved.
An interruption (Ctrl-C, a killed job) is not caught: it is what the order above is for.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import gitio
from .approvals import APPROVALS
from .check import FileResult, check_submissions
from .config import Config
from .errors import MediaError, PostdeskError, RepositoryError
from .files import remove_temporary_files, write_text_atomically
from .media import safe_media_path, scrub_image, write_rendition
from .model import RENDITION_SIZES, Finding, Submission
from .seal import file_digest, seal_of

RENDITIONS = "content/media/renditions"
_PR_NUMBER = re.compile(r"(?:Merge pull request #|\(#)(\d+)")


@dataclass(frozen=True)
class ApprovalRecord:
    item: str
    approved_at: str
    merged_by: str
    pull_request: int | None
    commit: str
    source: str
    sealed: dict[str, str] = field(default_factory=dict)
    """Repository-relative path -> ``sha256:<hex>`` of every file approved (see :mod:`postdesk.seal`)."""

    def as_json(self) -> str:
        return json.dumps(self.__dict__, indent=2, sort_keys=True) + "\n"


@dataclass
class ApproveResult:
    approved: list[str] = field(default_factory=list)
    refused: list[FileResult] = field(default_factory=list)
    commit: str | None = None
    pushed: bool = False

    @property
    def ok(self) -> bool:
        return not self.refused


def approve(config: Config, *, today: dt.date, event: Mapping[str, Any] | None = None, push: bool = False,
            now: dt.datetime | None = None) -> ApproveResult:
    """Approve every submission on the current branch (see the module docstring)."""
    from .check import all_submission_paths
    from .gitio import open_repo

    now = now or dt.datetime.now(dt.UTC)
    result = ApproveResult()
    # A run killed mid-write leaves hidden .NAME.XXXX.tmp siblings: never committed, gone now.
    remove_temporary_files(config.media_dir, config.root / "state")
    paths = [p for p in all_submission_paths(config) if p.endswith(".md")]
    report = check_submissions(config, paths, today=today, workers=1)
    with open_repo(config.root, writing=True) as repo:
        for file in report.files:
            if not file.ok or file.submission is None:
                result.refused.append(file)
                continue
            made = _outputs(config, file.path, file.submission)
            existed = {path for path in made if path.exists()}
            try:
                _prepare_photos(config, file.submission)
                record = _record_for(repo, config, file.path, event=event, now=now)
                _write_record(config, dataclasses.replace(record, sealed=_seal(config, file.path, file.submission)))
                _move(repo, config, file.path)
            except Exception as exc:  # this item only: reported, left where it is; the others go on
                for path in made - existed:
                    path.unlink(missing_ok=True)
                result.refused.append(FileResult(file.path, (*file.findings, approve_failed(file.path, exc)), None))
                continue
            result.approved.append(Path(file.path).stem)
        result.commit = _commit(repo, result.approved)
        if push and result.commit:
            gitio.push(repo)
            result.pushed = True
    return result


def rendition_path(item: str, number: int, channel: str) -> str:
    """Where the rendition of photo ``number`` of ``item`` for ``channel`` lives (repository-relative)."""
    return f"{RENDITIONS}/{item}-{number}-{channel}.jpg"


def _prepare_photos(config: Config, sub: Submission) -> None:
    item = Path(sub.path).stem
    for number, image in enumerate(sub.images, start=1):
        try:
            source = safe_media_path(config.content_dir, image.file, media_dir=config.media_dir)
            scrub_image(source)
            for channel in sub.channels:
                write_rendition(source, config.root / rendition_path(item, number, channel),
                                size=RENDITION_SIZES[channel], max_pixels=config.images.max_pixels)
        except MediaError as exc:  # the check passed, so this is the file system failing
            raise RepositoryError(f"Could not prepare photo {number} of {sub.path}: {exc.message}",
                                  hint="Run postdesk approve again; nothing was moved.") from exc


def _record_for(repo: Any, config: Config, path: str, *, event: Mapping[str, Any] | None,
                now: dt.datetime) -> ApprovalRecord:
    item = Path(path).stem
    existing = config.root / APPROVALS / f"{item}.json"
    if existing.exists():
        data = json.loads(existing.read_text(encoding="utf-8"))
        return ApprovalRecord(**data)
    added = repo.git.log("--diff-filter=A", "--format=%H%x00%cn%x00%cI%x00%s", "-n", "1", "--", path)
    commit, committer, _when, subject = [*added.split("\x00"), "", "", "", ""][:4] if added else ["", "", "", ""]
    head = repo.git.log("-n", "1", "--format=%H%x00%cn%x00%cI%x00%s")
    head_commit, head_committer, head_when, head_subject = head.split("\x00")
    merged_by, source = committer or head_committer, "git"
    approved_at = head_when or now.isoformat()
    number = _PR_NUMBER.search(head_subject) or _PR_NUMBER.search(subject)
    if event:
        pusher = (event.get("pusher") or {}).get("name") or (event.get("sender") or {}).get("login")
        merged_by, source = str(pusher or merged_by), "github-event"
        head_event = event.get("head_commit") or {}
        approved_at = str(head_event.get("timestamp") or approved_at)
        number = _PR_NUMBER.search(str(head_event.get("message", ""))) or number
    return ApprovalRecord(item=item, approved_at=approved_at, merged_by=merged_by,
                          pull_request=int(number.group(1)) if number else None,
                          commit=head_commit or commit, source=source)


def _outputs(config: Config, path: str, sub: Submission) -> set[Path]:
    """The files approving this item writes besides the photos it scrubs: its renditions and its record."""
    item = Path(path).stem
    renditions = {config.root / rendition_path(item, number, channel)
                  for number in range(1, len(sub.images) + 1) for channel in sub.channels}
    return {*renditions, config.root / APPROVALS / f"{item}.json"}


def approve_failed(path: str, exc: Exception) -> Finding:
    """The finding for an item whose approval failed part way: what happened, and what to do."""
    if isinstance(exc, PostdeskError):
        return Finding(path, "approve.failed", f"It could not be approved: {exc.message}",
                       exc.hint or "Fix the problem, then run postdesk approve again; nothing of it was moved.")
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return Finding(path, "approve.failed", f"It could not be approved: {where}{exc.strerror or exc}.",
                       "Check that the file exists and can be read and written, then run postdesk approve again; "
                       "nothing of it was moved.")
    return Finding(path, "approve.failed", f"It could not be approved: {type(exc).__name__}: {exc}.",
                   "This is a fault in postdesk, not in the submission: report it with this message. The submission "
                   "stays in content/submissions/; run postdesk approve again once it is fixed.")


def _seal(config: Config, path: str, sub: Submission) -> dict[str, str]:
    """The digests of what is approved: the submission (under the name it gets in
    content/approved/), each scrubbed photo and each rendition."""
    item = Path(path).stem
    photos = [safe_media_path(config.content_dir, image.file, media_dir=config.media_dir).relative_to(config.root)
              .as_posix() for image in sub.images]
    renditions = [rendition_path(item, number, channel)
                  for number in range(1, len(sub.images) + 1) for channel in sub.channels]
    sealed = seal_of(config.root, [*photos, *renditions])
    approved = (config.approved_dir / Path(path).name).relative_to(config.root).as_posix()
    return {approved: file_digest(config.root / path), **sealed}


def _write_record(config: Config, record: ApprovalRecord) -> None:
    """Write the record; an existing one (an interrupted run's) keeps its facts and gets the seal."""
    target = config.root / APPROVALS / f"{record.item}.json"
    if target.exists():
        existing = ApprovalRecord(**json.loads(target.read_text(encoding="utf-8")))
        if existing.sealed == record.sealed:
            return
        record = dataclasses.replace(existing, sealed=record.sealed)
    write_text_atomically(target, record.as_json())


def _move(repo: Any, config: Config, path: str) -> None:
    source = config.root / path
    target = config.approved_dir / source.name
    if target.exists():
        if target.read_bytes() != source.read_bytes():
            raise RepositoryError(f"{target.relative_to(config.root)} already exists with different text.",
                                  hint="A submission with this name was approved before: rename the new one.")
        source.unlink()
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tracked = bool(repo.git.ls_files("--", path))
    if tracked:
        repo.git.mv(path, str(target.relative_to(config.root)))
    else:
        source.replace(target)


def _commit(repo: Any, approved: Sequence[str]) -> str | None:
    root = Path(repo.working_tree_dir)
    gitio.stage_folders(repo, [folder for folder in ("content", "state") if (root / folder).exists()])
    if not repo.git.diff("--cached", "--name-only"):
        return None
    names = ", ".join(approved) if approved else "finish an interrupted approval"
    lines = [f"Approve {len(approved)} submission{'s' if len(approved) != 1 else ''}: {names}"
             if approved else f"postdesk approve: {names}", "",
             "Moved to content/approved/, photos scrubbed of metadata, renditions written,",
             "approval recorded in state/approvals/. Made by postdesk approve."]
    return gitio.commit(repo, "\n".join(lines))
