"""The "Submit a post" template: the new file GitHub's web editor opens, pre-filled.

It lives beside the schema because two layers need it: :mod:`postdesk.editor` puts it in the
README's link, and the check ``template.unchanged`` (:mod:`postdesk.checks.template`) reads
its placeholder values from this very text, so the two can never disagree.

Decisions:

* every placeholder a writer must replace is plainly a placeholder ("Your Name",
  "your.name@example.gov"), never a plausible person or a made-up release form number, so
  text left untouched is recognisable and nobody pastes an invented number;
* ``confidentiality_confirmed`` is present but empty: the writer confirms it, the template
  never does it for them (an empty value fails the check until they write ``true``);
* dates are ``YYYY-MM-DD`` placeholders, not example days: any fixed day would sooner or later
  be in the past or out of the plausible window, and a placeholder fails until it is replaced;
* optional fields are ``#`` comments, so deleting a ``#`` is all it takes to use one.
"""

from __future__ import annotations

from . import _resolved, load_schema


def submission_template() -> str:
    """The new-file template for GitHub's web editor, every field explained in a note."""
    schema = load_schema()
    props = {key: _resolved(node) for key, node in schema["properties"].items()}

    def note(key: str) -> str:
        return str(props[key].get("description", ""))

    return f"""---
# Replace every example value; lines starting with # are notes (or optional fields: remove the #).
title: Write a short headline here   # {note("title")}
category: announcement   # one of: {", ".join(props["category"]["enum"])}
submitted_by:            # {note("submitted_by")}
  name: Your Name
  email: your.name@example.gov
  office: Cole County Office
supervisor:              # {note("supervisor")}
  name: Supervisor Name
  email: supervisor.name@example.gov
# event:                 # {note("event")}
#   date: YYYY-MM-DD     # the day of the event: year, month, day
#   time: "10:00"        # optional, 24-hour, in quotes
#   location: Capitol Plaza, Jefferson City   # optional, a public place only
# time_sensitive: true   # write true when the post is of no use after a certain day, then add post_by
# post_by: YYYY-MM-DD    # {note("post_by")}
# post_after: YYYY-MM-DD # {note("post_after")}
channels: [facebook, x, linkedin]   # {note("channels")}
# text:                  # {note("text")}
#   x: Write a shorter version for X here.
# hashtags: [BackToSchool, MOKids]  # {note("hashtags")}
# link: https://example.gov/events/backpacks   # {note("link")}
# images:                # {note("images")}
#   - file: media/YYYY-MM-DD-photo-name.jpg   # upload the photo to content/media/ in the same pull request
#     alt: Describe what the photo shows   # for people who cannot see it
#     people: none       # none, staff, adults or minors: who can be recognised
#     release: Write the numbers of the signed release forms here   # when adults or minors can be recognised
#     court_approved: true   # only when the court approved the picture of every minor in it
confidentiality_confirmed:   # after checking, write true here: no child or family the agency serves can be identified
---
Write the post here, in plain words. **Bold** and [links](https://example.gov) are fine.
"""


def uncommented(template: str) -> str:
    """The template with its optional fields switched on (their leading ``# `` removed)."""
    lines = []
    for line in template.splitlines():
        if line.startswith("# ") and (line[2:3] == " " or line[2:].split(":", 1)[0].isidentifier()) \
                and not line.startswith("# Replace"):
            line = line[2:]
        lines.append(line)
    return "\n".join(lines) + "\n"
