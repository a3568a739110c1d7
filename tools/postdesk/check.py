"""The review stage: choose the submissions to check, check them, report.

Two phases, like a Pelican run: every selected file is parsed and checked, and only
then does the caller report or act. A file that fails never stops the others: even an
error inside a check (a bug) becomes a finding on that file (``check.failed``), so the
file is never approved and every other file is still checked.

A submission named like an approved post gets ``file.name-taken``: the approved names
are those in ``content/approved/`` of the work tree and, for a pull request, of its base
too (:func:`approved_names`), because a branch made before that post was approved does
not have it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .checks import run_checks
from .checks.filename import name_taken
from .config import Config
from .errors import UsageError
from .model import Finding, FindingTally, Submission
from .parse import read_submission_file

CONTENT = "content/"
MEDIA_PREFIX = "content/media/"
APPROVED_PREFIX = "content/approved/"


@dataclass(frozen=True, slots=True)
class FileResult(FindingTally):
    path: str
    findings: tuple[Finding, ...]
    submission: Submission | None
    checked: bool = True
    """False for a path that was not checked as a submission, only reported (rule family ``boundary``)."""


@dataclass(frozen=True, slots=True)
class CheckReport(FindingTally):
    files: tuple[FileResult, ...]

    @property  # type: ignore[override]
    def findings(self) -> list[Finding]:
        return [f for result in self.files for f in result.findings]

    def as_dict(self) -> dict[str, object]:
        return {
            "files_checked": sum(result.checked for result in self.files),
            "errors": self.errors,
            "warnings": self.warnings,
            "findings": [f.as_dict() for f in self.findings],
        }


PARALLEL_FROM = 400
"""Batches at least this big are checked by one process per core: a full check of a large
repository is CPU-bound, and starting workers (~50 ms) pays off only for hundreds of files."""
_CHUNK = 200


def check_submissions(config: Config, rel_paths: Iterable[str], *, today: dt.date,
                      workers: int | None = None, keep_submissions: bool = True,
                      approved: Collection[str] | None = None) -> CheckReport:
    """Check the given repository-relative files.

    ``workers`` is the number of processes (default: one per core for batches of at least
    :data:`PARALLEL_FROM` files, else 1). Results are in path order either way.
    ``keep_submissions=False`` leaves ``FileResult.submission`` empty: a report that only
    prints findings then does not ship every parsed submission between processes.
    ``approved`` are the file names already taken by approved posts (default: those in the
    work tree's ``content/approved/``, see :func:`approved_names`).
    """
    paths = sorted(set(rel_paths))
    taken = frozenset(approved_names(config) if approved is None else approved)
    if workers is None:
        workers = (os.cpu_count() or 1) if len(paths) >= PARALLEL_FROM else 1
    if workers <= 1 or len(paths) < 2:
        return CheckReport(tuple(_check_chunk(config, paths, today, keep_submissions, taken)))
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    chunks = [paths[i:i + _CHUNK] for i in range(0, len(paths), _CHUNK)]
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_setup) as pool:
        parts = pool.map(_check_chunk, [config] * len(chunks), chunks, [today] * len(chunks),
                         [keep_submissions] * len(chunks), [taken] * len(chunks))
        return CheckReport(tuple(result for part in parts for result in part))


def _worker_setup() -> None:
    from . import faces

    faces.use_one_thread()


def _check_chunk(config: Config, paths: list[str], today: dt.date, keep_submissions: bool,
                 taken: frozenset[str] = frozenset()) -> list[FileResult]:
    results = []
    for rel in paths:
        try:
            parsed = read_submission_file(config.root / rel, rel)
            findings, submission = run_checks(parsed, config=config, today=today)
        except Exception as exc:  # a bug in one check: that file fails, loudly, and the others are checked
            findings, submission = [check_failed(rel, exc)], None
        if rel.rpartition("/")[2] in taken:
            findings = [*findings, name_taken(rel)]
        results.append(FileResult(rel, tuple(findings), submission if keep_submissions else None))
    return results


def check_failed(rel: str, exc: Exception) -> Finding:
    """The finding for a file postdesk itself failed on: it says what happened and that it is not the author's fault."""
    return Finding(rel, "check.failed", f"postdesk could not check this file ({type(exc).__name__}: {exc}).",
                   "This is a fault in postdesk, not in the submission: report it to the team that runs postdesk "
                   "with this message. Until it is fixed, this file cannot be approved.")


def approved_names(config: Config, *, at: str | None = None) -> frozenset[str]:
    """The file names of the approved posts (``content/approved/*.md``) in the work tree and,
    with ``at`` (a pull request's base), at that git revision too."""
    from .gitio import file_names_at

    folder = config.approved_dir
    names = {entry.name for entry in os.scandir(folder) if entry.name.endswith(".md")} if folder.is_dir() else set()
    if at is not None:
        names |= {name for name in file_names_at(config.root, at, _folder(config.root, folder)) if name.endswith(".md")}
    return frozenset(names)


def all_submission_paths(config: Config) -> list[str]:
    """Every file under content/submissions/ (dotfiles such as .gitkeep excepted)."""
    return _files_under(config.root, config.submissions_dir)


def paths_from_arguments(config: Config, arguments: Sequence[str | os.PathLike[str]], *,
                         cwd: Path | None = None) -> list[str]:
    """Repository-relative paths for files or folders named on the command line.

    Raises UsageError for a path outside the repository or one that does not exist.
    """
    base = cwd or Path.cwd()
    root = config.root.resolve()
    selected: list[str] = []
    for argument in arguments:
        # normpath, not resolve(): a symlinked submission must be reported, not followed.
        path = Path(os.path.normpath(base / argument))
        if path.is_symlink():
            parent = path.parent.resolve()
            path = parent / path.name
        else:
            path = path.resolve() if path.exists() else path
        try:
            path.relative_to(root)
        except ValueError:
            raise UsageError(f"{argument} is outside the repository {root}.",
                             hint="Check submissions inside this repository.") from None
        if path.is_dir() and not path.is_symlink():
            selected += _files_under(root, path)
        elif path.exists() or path.is_symlink():
            selected.append(path.relative_to(root).as_posix())
        else:
            raise UsageError(f"{argument} does not exist.", hint="Check the path.")
    return selected


def paths_changed_since(config: Config, ref: str) -> list[str]:
    """Submissions to check after a change since ``ref``: the changed submission files,
    stray Markdown elsewhere in content/, and submissions that use a changed photo."""
    from .gitio import changed_paths, files_mentioning

    changed = changed_paths(config.root, ref, under=CONTENT)
    existing = [p for p in changed if (config.root / p).exists() or (config.root / p).is_symlink()]
    selected = {p for p in existing if p.startswith(_folder(config.root, config.submissions_dir))
                and not _is_dotfile(p)}
    selected |= {p for p in existing if p.endswith(".md") and not p.startswith((MEDIA_PREFIX, APPROVED_PREFIX))}
    media = [p.removeprefix(CONTENT) for p in changed if p.startswith(MEDIA_PREFIX)]
    selected |= set(files_mentioning(config.root, media, under=_folder(config.root, config.submissions_dir)))
    return sorted(selected)


def boundary_results(config: Config, ref: str) -> list[FileResult]:
    """One result per path changed since ``ref`` outside what a submission may touch
    (rule family ``boundary``): the pull-request check's guard on everything but submissions."""
    from .checks.boundary import Change, boundary_findings
    from .gitio import changes_since

    findings = boundary_findings(Change(*change) for change in changes_since(config.root, ref))
    return [FileResult(finding.path, (finding,), None, checked=False) for finding in findings]


def earlier_photo_results(config: Config, ref: str) -> list[FileResult]:
    """One result per photo whose earlier version, added by a commit since ``ref`` and replaced
    since, carries metadata: the pull request's history, not only its last state, reaches main."""
    import tempfile

    from .checks.images import earlier_version_findings, photo_info
    from .gitio import earlier_blobs

    results: list[FileResult] = []
    limits = config.images
    with tempfile.TemporaryDirectory(prefix="postdesk-history-") as scratch:
        for number, (commit, path, data) in enumerate(earlier_blobs(config.root, ref, MEDIA_PREFIX)):
            if len(data) > limits.max_bytes:
                continue  # too big to be a photo at all: the boundary and size rules speak for the file
            copy = Path(scratch) / f"{number}{Path(path).suffix}"
            copy.write_bytes(data)
            info = photo_info(copy, max_bytes=limits.max_bytes, max_pixels=limits.max_pixels)
            findings = tuple(earlier_version_findings(path, commit, info))
            if findings:
                results.append(FileResult(path, findings, None, checked=False))
    return results


def with_results(report: CheckReport, extra: Sequence[FileResult]) -> CheckReport:
    """``report`` with ``extra`` results merged in, in path order (one result per path)."""
    by_path: dict[str, FileResult] = {result.path: result for result in report.files}
    for result in extra:
        known = by_path.get(result.path)
        by_path[result.path] = result if known is None else \
            FileResult(known.path, (*known.findings, *result.findings), known.submission, known.checked)
    return CheckReport(tuple(by_path[path] for path in sorted(by_path)))


def _files_under(root: Path, folder: Path) -> list[str]:
    if not folder.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if not name.startswith("."):
                found.append((Path(dirpath) / name).relative_to(root).as_posix())
    return sorted(found)


def _folder(root: Path, folder: Path) -> str:
    return folder.relative_to(root).as_posix() + "/"


def _is_dotfile(path: str) -> bool:
    return path.rsplit("/", 1)[-1].startswith(".")
