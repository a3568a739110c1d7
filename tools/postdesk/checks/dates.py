"""Rule family ``dates``: real calendar dates, near today, in a sensible order.

* ``dates.invalid``: a date field that is not a real day (``2026-02-30``);
* ``dates.out-of-range``: a date more than ``dates.max_days_past`` (a year) before today or
  ``dates.max_days_ahead`` (two years) after it. A date picker or a keyboard can turn
  12/05/2026 into 1906 without anyone noticing, so this is an error, not a warning;
* ``dates.post-by-past``: the last day to post is before today, so the post can no longer go out in time;
* ``dates.embargo-after-deadline``: the first day to post is later than the last day;
* ``dates.event-past``: the event has already happened. An error, except for a recognition,
  which may celebrate a past event;
* ``dates.deadline-after-event`` (warning): the last day to post is after the event, when a post is
  rarely useful.

Every date field the schema declares is checked (:func:`postdesk.schema.date_fields`), and every
message names the field by its form label and says the date as a person reads it ("5 December
1906"), since a caseworker sees the web editor's date picker, not the file. A date outside the
window gets only that finding: whether it is also before the event is beside the point.

"Today" is the agency's today (``agency.timezone``) unless ``--today`` says otherwise.
Works on the raw front matter, so an impossible date is reported instead of crashing
the model; the schema check reports values that are not dates at all.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping

from ..config import DateSettings
from ..model import Finding, Severity
from ..schema import date_fields, field_label
from .base import CheckContext, value_at

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
POST_BY, POST_AFTER, EVENT_DATE = "post_by", "post_after", "event.date"
_PICK_AGAIN = "Pick the date again in the form's calendar (or type it with all four digits of the year)"


def check(ctx: CheckContext) -> Iterator[Finding]:
    dates: dict[str, dt.date] = {}
    for path in date_fields():
        dotted = ".".join(path)
        raw = value_at(ctx.data, path)
        if not isinstance(raw, str) or not _ISO_DATE.match(raw):
            continue
        try:
            dates[dotted] = dt.date.fromisoformat(raw)
        except ValueError:
            yield Finding(ctx.path, "dates.invalid", f"{field_label(path)} is {raw}, which is not a real day.",
                          "Check the month and the day: pick the date again in the form's calendar.",
                          line=ctx.parsed.lines.get(dotted, 0))
    category = ctx.data.get("category")
    yield from date_findings(dates, ctx.path, ctx.parsed.lines, ctx.today, ctx.config.dates,
                             category=category if isinstance(category, str) else "")


def date_findings(dates: Mapping[str, dt.date], path: str, lines: Mapping[str, int], today: dt.date,
                  window: DateSettings, *, category: str = "") -> Iterator[Finding]:
    """Findings about already valid dates, keyed by dotted field (``"event.date"``) (pure)."""
    plausible: dict[str, dt.date] = {}
    for dotted, day in dates.items():
        finding = _out_of_range(dotted, day, path, lines.get(dotted, 0), today, window)
        if finding:
            yield finding
        else:
            plausible[dotted] = day
    yield from date_order_findings(plausible, path, lines, today, category=category)


def _out_of_range(dotted: str, day: dt.date, path: str, line: int, today: dt.date,
                  window: DateSettings) -> Finding | None:
    label = field_label(tuple(dotted.split(".")))
    if day < today - dt.timedelta(days=window.max_days_past):
        when = _span(window.max_days_past, "ago")
    elif day > today + dt.timedelta(days=window.max_days_ahead):
        when = _span(window.max_days_ahead, "from now")
    else:
        return None
    return Finding(path, "dates.out-of-range", f"{label} is {spoken(day)}, {when}: check the year.",
                   f"{_PICK_AGAIN}. Dates more than {_span(window.max_days_past, 'back')} or "
                   f"{_span(window.max_days_ahead, 'ahead')} are refused as likely typing mistakes.", line=line)


def date_order_findings(dates: Mapping[str, dt.date], path: str, lines: Mapping[str, int],
                        today: dt.date, *, category: str = "") -> Iterator[Finding]:
    """Findings about the order of already valid dates (pure)."""
    line = lines.get
    post_by, post_after, event = dates.get(POST_BY), dates.get(POST_AFTER), dates.get(EVENT_DATE)
    last_day, first_day = field_label((POST_BY,)), field_label((POST_AFTER,))
    event_date = field_label(("event", "date"))
    if post_by and post_by < today:
        yield Finding(path, "dates.post-by-past",
                      f"{last_day} is {spoken(post_by)}, which is before today ({spoken(today)}).",
                      f"Set '{last_day}' to today or later, or untick '{field_label(('time_sensitive',))}' and "
                      f"clear '{last_day}' if the post is still useful later.", line=line(POST_BY, 0))
    if post_by and post_after and post_after > post_by:
        yield Finding(path, "dates.embargo-after-deadline",
                      f"{first_day} ({spoken(post_after)}) is after {last_day} ({spoken(post_by)}): "
                      "no day is left to post.",
                      f"Make '{first_day}' the same day as '{last_day}' or earlier.", line=line(POST_AFTER, 0))
    if event and event < today and category != "recognition":
        yield Finding(path, "dates.event-past",
                      f"{event_date} is {spoken(event)}, which has already passed.",
                      "Check the year and the day. To thank people for a past event, choose the category "
                      "recognition.", line=line(EVENT_DATE, 0))
    if event and post_by and post_by > event:
        yield Finding(path, "dates.deadline-after-event",
                      f"{last_day} ({spoken(post_by)}) is after the event ({spoken(event)}).",
                      f"Posts about an event help most before it; set '{last_day}' on or before the event date.",
                      Severity.WARNING, line(POST_BY, 0))


def spoken(day: dt.date) -> str:
    """A date as a person reads it, with no doubt about the order of day and month: "5 December 1906"."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"  # not %B, which follows the locale


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _span(days: int, direction: str) -> str:
    """365 -> "more than a year ago"; 730 -> "more than two years from now"; 90 -> "more than 90 days ago"."""
    years = {365: "a year", 730: "two years", 1095: "three years"}.get(days)
    amount = years or f"{days} days"
    return f"more than {amount} {direction}" if direction in ("ago", "from now") else f"{amount} {direction}"


def is_real_date(value: object) -> bool:
    """True for text written YYYY-MM-DD that names a real day."""
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


