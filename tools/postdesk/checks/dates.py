"""Rule family ``dates``: real calendar dates in a sensible order.

* ``dates.invalid``: a date field that is not a real day (``2026-02-30``);
* ``dates.post-by-past``: ``post_by`` is before today, so the post can no longer go out in time;
* ``dates.embargo-after-deadline``: ``post_after`` is later than ``post_by``;
* ``dates.event-past`` (warning): the event has already happened;
* ``dates.deadline-after-event`` (warning): ``post_by`` is after the event, when a post is rarely useful.

"Today" is the agency's today (``agency.timezone``) unless ``--today`` says otherwise.
Works on the raw front matter, so an impossible date is reported instead of crashing
the model; the schema check reports values that are not written YYYY-MM-DD at all.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping

from ..model import Finding, Severity
from .base import CheckContext

_DATE_FIELDS = ("post_by", "post_after", "event.date")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def check(ctx: CheckContext) -> Iterator[Finding]:
    dates: dict[str, dt.date] = {}
    for dotted in _DATE_FIELDS:
        raw = _lookup(ctx.data, dotted)
        if not isinstance(raw, str) or not _ISO_DATE.match(raw):
            continue
        try:
            dates[dotted] = dt.date.fromisoformat(raw)
        except ValueError:
            yield Finding(ctx.path, "dates.invalid", f"'{dotted}' is {raw}, which is not a real date.",
                          "Check the month and day; write it YYYY-MM-DD.", line=ctx.parsed.lines.get(dotted, 0))
    yield from date_order_findings(dates, ctx.path, ctx.parsed.lines, ctx.today)


def date_order_findings(dates: Mapping[str, dt.date], path: str, lines: Mapping[str, int],
                        today: dt.date) -> Iterator[Finding]:
    """Findings about the order of already valid dates (pure)."""
    line = lines.get
    post_by, post_after, event = dates.get("post_by"), dates.get("post_after"), dates.get("event.date")
    if post_by and post_by < today:
        yield Finding(path, "dates.post-by-past",
                      f"'post_by' is {post_by}, which is before today ({today}).",
                      "Set a post_by date from today on, or remove time_sensitive and post_by "
                      "if the post is still useful later.", line=line("post_by", 0))
    if post_by and post_after and post_after > post_by:
        yield Finding(path, "dates.embargo-after-deadline",
                      f"'post_after' ({post_after}) is after 'post_by' ({post_by}): no day is left to post.",
                      "Make post_after the same day as post_by or earlier.", line=line("post_after", 0))
    if event and event < today:
        yield Finding(path, "dates.event-past", f"The event date {event} is in the past.",
                      "Check the date; a recognition of a past event fits the category recognition.",
                      Severity.WARNING, line("event.date", 0))
    if event and post_by and post_by > event:
        yield Finding(path, "dates.deadline-after-event",
                      f"'post_by' ({post_by}) is after the event ({event}).",
                      "Posts about an event help most before it; set post_by on or before the event date.",
                      Severity.WARNING, line("post_by", 0))


def is_real_date(value: object) -> bool:
    """True for text written YYYY-MM-DD that names a real day."""
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _lookup(data: dict[str, object], dotted: str) -> object:
    value: object = data
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value
