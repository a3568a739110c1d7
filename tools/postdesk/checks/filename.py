"""Rule family ``file``: where a submission lives and what it is called.

``content/submissions/YYYY-MM-DD-slug.md``: the date it was written (a real date),
a slug of lowercase letters, digits and single hyphens (at most 80 characters),
directly inside the submissions folder. The pattern comes from the schema's
``x-file-name`` so the web editor names files the same way.

The file name is the item's name everywhere after the merge (``content/approved/``, the
queue, the ledger, the site page's address), so a name an approved post already has is
taken (:func:`name_taken`): ``postdesk check`` reports it before the merge and ``postdesk
approve`` refuses the item after it, with the same finding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..model import Finding
from ..schema import file_name_rule
from .base import CheckContext


def check(ctx: CheckContext) -> Iterator[Finding]:
    yield from file_name_findings(ctx.path)


def file_name_findings(path: str) -> Iterator[Finding]:
    pattern, slug_max, folder, example = file_name_rule()
    parent, _, name = path.rpartition("/")
    if parent != folder:
        yield Finding(path, "file.location",
                      f"Submissions must be directly inside {folder}/, not in {parent or 'the top folder'}/.",
                      f"Move the file to {folder}/{name}.")
    match = pattern.match(name)
    if not match:
        yield Finding(path, "file.name",
                      f"The file name '{name}' does not follow YYYY-MM-DD-slug.md.",
                      f"Name it like {example}: the date you wrote it, then lowercase words joined by single "
                      "hyphens, ending in .md.")
        return
    try:
        dt.date.fromisoformat(match["date"])
    except ValueError:
        yield Finding(path, "file.name", f"The file name starts with '{match['date']}', which is not a real date.",
                      f"Use the date you wrote it, like {example}.")
    if len(match["slug"]) > slug_max:
        yield Finding(path, "file.name",
                      f"The slug after the date is {len(match['slug'])} characters; at most {slug_max}.",
                      "Shorten the name to a few words.")


NAME_TAKEN = "file.name-taken"


def name_taken(path: str) -> Finding:
    """The finding for a submission named like an approved post: approving it would replace that post."""
    name = path.rpartition("/")[2]
    stem = name.removesuffix(".md")
    return Finding(path, NAME_TAKEN,
                   f"An approved post is already called {name}; this one would replace it, so it cannot be approved.",
                   f"Add a suffix to the file name, for example {stem}-2.md.")
