"""The seal on an approved item: what was approved is exactly what is posted and published.

``postdesk approve`` records, in the item's approval record, the SHA-256 of every file it
approved: the submission (``content/approved/<item>.md``, byte for byte as reviewed), each
photo after scrubbing, and each rendition. ``postdesk post`` and ``postdesk site`` call
:func:`seal_problems` before using an item and refuse it when any file no longer matches:
a later commit (an admin's direct push, a merged pull request that slipped through) that
edits an approved post or swaps a photo can then never reach the networks or the site.

Pure apart from reading the files it is asked to verify.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from .approvals import APPROVALS
from .config import Config

_CHUNK = 1 << 20


def file_digest(path: Path) -> str:
    """``sha256:<hex>`` of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return f"sha256:{digest.hexdigest()}"


def seal_of(root: Path, paths: Iterable[str]) -> dict[str, str]:
    """The seal of repository-relative ``paths``: path -> digest, in path order."""
    return {path: file_digest(root / path) for path in sorted(set(paths))}


def seal_problems(config: Config, item: str) -> list[str]:
    """Why ``item`` may not be used (empty when its files are exactly what was approved).

    Each problem names the file and says what is wrong in words a person can act on.
    """
    record_path = config.root / APPROVALS / f"{item}.json"
    where = f"{APPROVALS}/{item}.json"
    if record_path.is_symlink() or not record_path.is_file():
        return [f"{where} is missing: there is no record that content/approved/{item}.md was approved by a merge "
                "(a file put in content/approved/ by hand is never posted)"]
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        sealed = record["sealed"]
    except (OSError, ValueError, KeyError, TypeError):
        return [f"{where} has no readable seal (the digests of the approved files), so what would be posted "
                "cannot be shown to be what was approved"]
    if not isinstance(sealed, Mapping) or f"content/approved/{item}.md" not in sealed:
        return [f"{where} does not seal content/approved/{item}.md"]
    return [problem for path, digest in sorted(sealed.items()) if (problem := _file_problem(config.root, path, digest))]


def _file_problem(root: Path, path: str, digest: object) -> str:
    file = root / path
    try:
        inside = file.resolve().is_relative_to(root.resolve())
    except OSError:
        inside = False
    if file.is_symlink() or not inside:
        return f"{path} is a link or lies outside the repository; it was a plain file when approved"
    if not file.is_file():
        return f"{path} was approved but is missing now"
    if file_digest(file) != digest:
        return f"{path} changed after it was approved (its content no longer matches the approval record)"
    return ""
