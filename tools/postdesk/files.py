"""Small file I/O shared by the stages that keep state in the repository.

Every atomic write in postdesk goes through a hidden sibling named ``.NAME.tmp`` or
``.NAME.XXXXXXXX.tmp`` and a rename. A process killed between the two (SIGKILL, a cancelled CI
job) leaves that sibling behind; :func:`is_temporary_name` recognises it, so ``approve`` removes
such leftovers before it starts and never stages one (:func:`postdesk.gitio.stage_folders`).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

TEMPORARY_SUFFIX = ".tmp"


LEGACY_TEMPORARY_PREFIX = ".rendition-"
"""What renditions' temporary files were called before they were named ``.NAME.XXXX.tmp``."""


def is_temporary_name(name: str) -> bool:
    """True for the name of a temporary sibling an atomic write makes: ``.NAME[.XXXXXXXX].tmp``
    (or, in repositories a killed run of an older postdesk left them in, ``.rendition-XXXX.jpg``)."""
    return name.startswith(".") and (
        (name.endswith(TEMPORARY_SUFFIX) and len(name) > 1 + len(TEMPORARY_SUFFIX))
        or (name.startswith(LEGACY_TEMPORARY_PREFIX) and len(name) > len(LEGACY_TEMPORARY_PREFIX)))


def temporary_sibling(file: Path) -> tuple[int, Path]:
    """A new, private temporary file beside ``file`` (open descriptor, path) for an atomic write."""
    handle, name = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.", suffix=TEMPORARY_SUFFIX)
    return handle, Path(name)


def remove_temporary_files(*folders: Path) -> list[Path]:
    """Delete the temporary siblings interrupted writes left anywhere under ``folders``.

    Symbolic links are neither followed into nor through (a link named like a leftover is
    removed, not what it points to). One that cannot be deleted is left: staging skips it
    anyway. Returns what was removed, sorted.
    """
    removed = []
    for folder in folders:
        if folder.is_symlink() or not folder.is_dir():
            continue
        for parent, _folders, names in os.walk(folder):
            for name in filter(is_temporary_name, names):
                path = Path(parent) / name
                with contextlib.suppress(OSError):
                    path.unlink(missing_ok=True)
                    removed.append(path)
    return sorted(removed)


def write_text_atomically(file: Path, text: str) -> None:
    """Write ``text`` to ``file`` through a hidden sibling and a rename.

    A crash leaves the old text or the new, never half. The state files (approval records, the ledger, the monitor's
    record) are committed to git; a half-written one would be committed as a damaged file.
    """
    file.parent.mkdir(parents=True, exist_ok=True)
    temporary = file.with_name(f".{file.name}{TEMPORARY_SUFFIX}")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(file)
