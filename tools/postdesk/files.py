"""Small file I/O shared by the stages that keep state in the repository."""

from __future__ import annotations

from pathlib import Path


def write_text_atomically(file: Path, text: str) -> None:
    """Write ``text`` to ``file`` through a hidden sibling and a rename.

    A crash leaves the old text or the new, never half. The state files (approval records, the ledger, the monitor's
    record) are committed to git; a half-written one would be committed as a damaged file.
    """
    file.parent.mkdir(parents=True, exist_ok=True)
    temporary = file.with_name(f".{file.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(file)
