"""Reviewer previews: each post as each network will show it, the site page, one summary.

``postdesk preview`` checks the selected submissions, then writes into ``--out``:

* ``index.html``: per submission, the facts a reviewer decides from (who submitted it and
  from which office, the supervisor, the category and its dates, when it would first be
  posted, each photo's people declaration with its release and court approval), a card per
  network it targets (page name and avatar
  from settings, the exact text that will be posted, hashtags, link, photos cropped to
  the network's shape with alt text on hover and printed under the card, the count
  against the limit with the overflow highlighted), the findings, and the site page;
* ``site/``: the site pages, built with Pelican and the project theme, with a banner
  saying it is a preview;
* ``media/``: the photos, resized and cropped, with no metadata;
* ``preview.json``: the same facts as data (:func:`preview_data`: per file its path, title,
  counts, first post, findings, who submitted it from which office, the supervisor, the
  category and dates, the texts and the photos' declarations), from which the trusted comment
  workflow writes the pull-request comment (:mod:`postdesk.comment`);
* ``summary.md``: that comment's text, for the job summary;
* ``offices.json``: the offices the submissions come from, so the trusted routing
  workflow can ask those offices' supervisors to review (it treats the file as data).

Work grows with the number of submissions previewed, not the size of the repository.
Everything a submission says is treated as data: cards hold escaped plain text, the
site page holds sanitized HTML, and nothing from a submission can run in a browser. File
names, titles and findings are shown without control, direction or zero-width characters
(the ``plain`` filter, :func:`postdesk.escape.plain`); the card's text is left exactly as it
will be posted (the guard reports hidden characters in it). summary.md escapes everything
from the pull request for Markdown (:mod:`postdesk.escape`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .check import FileResult, check_submissions, with_results
from .comment import (
    CATEGORY_LABELS,
    COMMENT_LIMIT,
    FULL_ENTRIES,
    MAX_ALT,
    MAX_ENTRIES,
    MAX_FINDINGS,
    MAX_MESSAGE,
    MAX_NAME,
    MAX_OFFICE,
    MAX_PATH,
    MAX_PHOTOS,
    MAX_PLACE,
    MAX_POST_TEXT,
    MAX_RELEASE,
    MAX_SLOT,
    MAX_TITLE,
    PEOPLE_LABELS,
    PREVIEW_FORMAT,
    PREVIEW_VERSION,
    render_comment,
)
from .config import Config
from .errors import MediaError, PostdeskError
from .escape import ELLIPSIS, plain
from .media import safe_media_path, write_rendition
from .model import CHANNEL_LABELS, RENDITION_SIZES, Finding, FindingTally, ImageRef, Submission
from .posttext import post_text
from .xcount import x_weighted_length

PREVIEW_WIDTH = 800
"""Card photos are this wide: sharp on a reviewer's screen, small in an artifact."""
SUMMARY_LIMIT = COMMENT_LIMIT
"""summary.md is the comment's text, so it has the comment's limit."""
DATA_FILE = "preview.json"


@dataclass(frozen=True)
class CardPhoto:
    src: str
    alt: str


@dataclass(frozen=True)
class Card:
    channel: str
    label: str
    display_name: str
    handle: str
    text_within: str
    text_over: str
    length: int
    limit: int
    unit: str
    photos: tuple[CardPhoto, ...]
    link: str

    @property
    def over(self) -> bool:
        return self.length > self.limit

    @property
    def initials(self) -> str:
        words = [w for w in self.display_name.replace("'", "").split() if w[:1].isalpha()]
        return "".join(w[0] for w in words[:2]).upper() or "?"


@dataclass(frozen=True)
class PreviewEntry(FindingTally):
    path: str
    findings: tuple[Finding, ...]
    submission: Submission | None
    cards: tuple[Card, ...] = ()
    site_page: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Preview:
    out: Path
    entries: tuple[PreviewEntry, ...]

    @property
    def index(self) -> Path:
        return self.out / "index.html"

    @property
    def summary(self) -> Path:
        return self.out / "summary.md"

    @property
    def data(self) -> Path:
        return self.out / DATA_FILE


def build_preview(config: Config, paths: Sequence[str], *, out: Path, today: dt.date,
                  site: bool = True, now: dt.datetime | None = None, extra: Sequence[FileResult] = (),
                  approved: Collection[str] | None = None) -> Preview:
    """Check ``paths`` and write the preview of each into ``out`` (two phases: all checks,
    then all output). ``extra`` are results found otherwise (the ``boundary`` rules of a
    pull request), shown with the submissions; ``approved`` the names approved posts have
    taken (see :func:`postdesk.check.approved_names`)."""
    report = with_results(check_submissions(config, paths, today=today, workers=1, approved=approved), extra)
    out.mkdir(parents=True, exist_ok=True)
    entries = [_entry_or_note(config, result, out) for result in report.files]
    if site:
        entries = _site_pages_or_notes(config, entries, out)
    preview = Preview(out, tuple(entries))
    _copy_assets(config, out)
    slots = schedule_if_merged(config, entries, now=now or dt.datetime.now(config.tz))
    preview.index.write_text(render_index(config, preview, slots=slots), encoding="utf-8")
    data = preview_data(preview.entries, slots=slots)
    preview.data.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    preview.summary.write_text(render_comment(data), encoding="utf-8")
    offices = sorted({e.submission.office for e in entries if e.submission is not None})
    (out / "offices.json").write_text(json.dumps(offices, ensure_ascii=False) + "\n", encoding="utf-8")
    return preview


def schedule_if_merged(config: Config, entries: Sequence[PreviewEntry], *, now: dt.datetime) -> dict[str, str]:
    """The first slot each ready submission would get if it were merged ``now``, beside the
    approved queue ("X, Mon 30 Nov 2026 09:00", or in plain words why it has no time yet)."""
    from .schedule import QueueItem, load_pins, plan, queue_items

    mine = [QueueItem.from_submission(e.submission, approved_at=now) for e in entries
            if e.submission is not None and e.ok]
    if not mine:
        return {}
    queue = queue_items(config)
    # A name already in the queue is refused (file.name-taken), so it is never ready; leaving
    # it out here as well keeps a preview from failing on it whatever the check said.
    approved = {item.id for item in queue}
    mine = [item for item in mine if item.id not in approved]
    result = plan([*queue, *mine], settings=config.schedule, tz=config.tz, now=now,
                  pins=load_pins(config.root / "state" / "pins.toml", tz=config.tz))
    shown: dict[str, str] = {}
    for item in mine:
        slots = [slot for slot in result.slots if slot.item == item.id]
        if not slots:
            reasons = [reason for unplaced, _channel, reason in result.unplaced if unplaced == item.id]
            shown[item.id] = _not_placed(item.post_after, reasons, days=config.schedule.horizon_days)
            continue
        first = min(slots, key=lambda slot: slot.at)
        local = first.at.astimezone(config.tz)
        risk = " ⚠️ after its last day to post" if any(slot.at_risk for slot in slots) else ""
        shown[item.id] = f"{CHANNEL_LABELS[first.channel]}, {local:%a} {local.day} {local:%b %Y %H:%M}{risk}"
    return shown


def _not_placed(post_after: dt.date | None, reasons: Sequence[str], *, days: int) -> str:
    """Why a ready submission has no posting time yet, in a reviewer's words (the planner's
    reasons name settings; these say what it means and who can change it)."""
    from .schedule import is_waiting

    if post_after is not None and reasons and all(is_waiting(reason) for reason in reasons):
        return (f"not yet: it waits for its 'not before' date ({post_after:%a} {post_after.day} {post_after:%b %Y}), "
                f"more than {days} days away; it gets a time once that date is near")
    if any("no posting window" in reason for reason in reasons):
        return (f"no time found: a network it targets has no posting times set in the next {days} days; "
                "the admin sets them (schedule windows)")
    return (f"no time found: every posting time in the next {days} days is taken; the communications team "
            "can pin it or make room")


def _entry_or_note(config: Config, result: FileResult, out: Path) -> PreviewEntry:
    """The entry of one file; when postdesk fails to draw its cards, the file's findings and a note
    saying so (the check's verdict stands), and the other files are previewed all the same."""
    try:
        return _entry(config, result, out)
    except Exception as exc:
        return PreviewEntry(result.path, result.findings, None, notes=(
            f"No preview: postdesk failed to draw it ({type(exc).__name__}: {exc}). This is a fault in postdesk, "
            "not in the submission; report it with this message.",))


def _site_pages_or_notes(config: Config, entries: list[PreviewEntry], out: Path) -> list[PreviewEntry]:
    """The entries with their site pages; when the site preview cannot be built (no theme, a fault in
    the build), the cards and the summary are still written, with a note saying why there is no page."""
    try:
        return _with_site_pages(config, entries, out)
    except Exception as exc:
        why = exc.message if isinstance(exc, PostdeskError) else f"{type(exc).__name__}: {exc}"
        note = f"No site page: the site preview could not be built ({why})."
        return [dataclasses.replace(entry, notes=(*entry.notes, note)) if entry.submission is not None else entry
                for entry in entries]


def _entry(config: Config, result: FileResult, out: Path) -> PreviewEntry:
    sub = result.submission
    if sub is None:
        return PreviewEntry(result.path, result.findings, None,
                            notes=("No preview: fix the errors below first.",))
    photos, notes = _photos(config, sub, out)
    cards = tuple(_card(config, sub, channel, photos.get(channel, ())) for channel in sub.channels)
    return PreviewEntry(result.path, result.findings, sub, cards, notes=tuple(notes))


def _photos(config: Config, sub: Submission, out: Path) -> tuple[dict[str, tuple[CardPhoto, ...]], list[str]]:
    """Per network, the photos cropped to its shape (and one uncropped copy for the site)."""
    by_channel: dict[str, list[CardPhoto]] = {channel: [] for channel in sub.channels}
    notes: list[str] = []
    for number, image in enumerate(sub.images, start=1):
        try:
            source = safe_media_path(config.content_dir, image.file, media_dir=config.media_dir)
        except MediaError as exc:
            notes.append(f"Photo {number} ({image.file}) is not shown: {exc.message}.")
            continue
        stem = f"{Path(sub.path).stem}-{number}"
        try:
            for channel in sub.channels:
                width, height = RENDITION_SIZES[channel]
                name = f"media/{stem}-{channel}.jpg"
                write_rendition(source, out / name, size=(PREVIEW_WIDTH, round(PREVIEW_WIDTH * height / width)),
                                crop=True, max_pixels=config.images.max_pixels)
                by_channel[channel].append(CardPhoto(name, image.alt))
        except MediaError as exc:
            notes.append(f"Photo {number} ({image.file}) is not shown: {exc.message}.")
    return {channel: tuple(photos) for channel, photos in by_channel.items()}, notes


def _card(config: Config, sub: Submission, channel: str, photos: tuple[CardPhoto, ...]) -> Card:
    settings = config.channel(channel)
    text = post_text(sub, channel)
    limit = settings.max_chars
    if channel == "x":
        length = x_weighted_length(text)
        cut = _x_cut(text, limit) if length > limit else len(text)
    else:
        length = len(text)
        cut = min(len(text), limit)
    return Card(channel=channel, label=CHANNEL_LABELS[channel], display_name=config.channel_display_name(channel),
                handle=settings.handle, text_within=text[:cut], text_over=text[cut:], length=length, limit=limit,
                unit="weighted characters" if channel == "x" else "characters", photos=photos,
                link=sub.link or "")


def _x_cut(text: str, limit: int) -> int:
    """The longest prefix of ``text`` that X would still accept (binary search on the exact count)."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if x_weighted_length(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def _with_site_pages(config: Config, entries: list[PreviewEntry], out: Path) -> list[PreviewEntry]:
    from .site import SiteItem, build_site

    ready = [e for e in entries if e.submission is not None]
    if not ready:
        return entries
    items = []
    for entry in ready:
        assert entry.submission is not None
        site_photos = []
        for number, image in enumerate(entry.submission.images, start=1):
            name = f"media/{Path(entry.path).stem}-{number}-site.jpg"
            try:
                source = safe_media_path(config.content_dir, image.file, media_dir=config.media_dir)
                width, height = write_rendition(source, out / "site" / name, size=RENDITION_SIZES["facebook"],
                                                max_pixels=config.images.max_pixels)
            except MediaError:
                continue
            site_photos.append({"src": name, "alt": image.alt, "width": width, "height": height})
        items.append(SiteItem(file=config.root / entry.path, photos=tuple(site_photos)))
    build_site(config, items, output=out / "site", relative_urls=True, full_site=False,
               preview_banner="It shows how the post will look on the public site once approved.")
    return [_with_page(e) for e in entries]


def _with_page(entry: PreviewEntry) -> PreviewEntry:
    if entry.submission is None:
        return entry
    return PreviewEntry(entry.path, entry.findings, entry.submission, entry.cards,
                        f"site/{Path(entry.path).stem}.html", entry.notes)


def _copy_assets(config: Config, out: Path) -> None:
    css = config.root / "theme" / "static" / "css" / "cards.css"
    if css.is_file():
        shutil.copyfile(css, out / "cards.css")


def render_index(config: Config, preview: Preview, *, slots: Mapping[str, str] | None = None) -> str:
    """The preview page: per submission the facts a reviewer decides from (who, which office,
    the supervisor, category and dates, first post, each photo's people declaration, the same
    words as the comment: :data:`PEOPLE_LABELS`, :data:`CATEGORY_LABELS`), the findings, the cards
    and the site page. Autoescaped; everything from the pull request goes through ``plain`` too."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("postdesk", "templates"), autoescape=select_autoescape(default=True))
    env.filters["plain"] = plain
    env.filters["day"] = lambda day: f"{day:%a} {day.day} {day:%b %Y}"
    return env.get_template("preview.html").render(
        agency=config.agency.name, entries=preview.entries,
        first_posts={entry.path: (slots or {}).get(Path(entry.path).stem, "") for entry in preview.entries},
        people_labels=PEOPLE_LABELS, category_labels=CATEGORY_LABELS)


def preview_data(entries: Sequence[PreviewEntry], *, slots: dict[str, str] | None = None) -> dict[str, object]:
    """The facts the pull-request comment shows, as data in the shape :mod:`postdesk.comment` reads.

    Strings are kept as written (the renderer escapes them) but cut to the shape's limits, and
    lists beyond its counts are only counted, so what postdesk writes always reads back. The
    post texts are written for the first :data:`~postdesk.comment.FULL_ENTRIES` entries only,
    the ones the comment shows in full, which keeps the file small with hundreds of entries.
    """
    slots = slots or {}
    return {
        "format": PREVIEW_FORMAT,
        "version": PREVIEW_VERSION,
        "entries": [_entry_data(entry, slots, with_texts=index < FULL_ENTRIES)
                    for index, entry in enumerate(entries[:MAX_ENTRIES])],
        "omitted_entries": max(len(entries) - MAX_ENTRIES, 0),
    }


def _entry_data(entry: PreviewEntry, slots: dict[str, str], *, with_texts: bool) -> dict[str, object]:
    return {
        **_core_data(entry, slots),
        **(_submission_data(entry, with_texts=with_texts) if entry.submission is not None else {}),
    }


def _submission_data(entry: PreviewEntry, *, with_texts: bool) -> dict[str, object]:
    """Version 2's facts: who, where, when, the texts (of the entries the comment shows in full) and the photos."""
    sub = entry.submission
    assert sub is not None
    data: dict[str, object] = {
        "submitted_by": _cut(sub.submitted_by.name, MAX_NAME),
        "office": _cut(sub.office, MAX_OFFICE),
        "supervisor": _cut(sub.supervisor.name, MAX_NAME),
        "category": sub.category,
    }
    if sub.event is not None:
        event: dict[str, object] = {"date": sub.event.date.isoformat()}
        if sub.event.time is not None:
            event["time"] = f"{sub.event.time:%H:%M}"
        if sub.event.location:
            event["location"] = _cut(sub.event.location, MAX_PLACE)
        data["event"] = event
    if sub.post_by is not None:
        data["post_by"] = sub.post_by.isoformat()
    if sub.post_after is not None:
        data["post_after"] = sub.post_after.isoformat()
    if with_texts and entry.cards:
        data["texts"] = [_text_data(card) for card in entry.cards]
    if sub.images:
        data["photos"] = [_photo_data(image) for image in sub.images[:MAX_PHOTOS]]
    return data


def _text_data(card: Card) -> dict[str, object]:
    text = card.text_within + card.text_over
    if len(text) <= MAX_POST_TEXT:
        return {"channel": card.channel, "text": text}
    return {"channel": card.channel, "text": text[:MAX_POST_TEXT], "shortened": True}


def _photo_data(image: ImageRef) -> dict[str, object]:
    photo: dict[str, object] = {"file": _cut(f"content/{image.file}", MAX_PATH), "alt": _cut(image.alt, MAX_ALT),
                                "people": image.people}
    if image.release is not None:
        photo["release"] = _cut(image.release, MAX_RELEASE)
    if image.people == "minors" or image.court_approved:
        photo["court_approved"] = image.court_approved
    return photo


def _core_data(entry: PreviewEntry, slots: dict[str, str]) -> dict[str, object]:
    return {
        "path": _cut(entry.path, MAX_PATH),
        "title": _cut(entry.submission.title, MAX_TITLE) if entry.submission is not None else "",
        "errors": entry.errors,
        "warnings": entry.warnings,
        "channels": [{"channel": card.channel, "length": card.length, "limit": card.limit} for card in entry.cards],
        "first_slot": _cut(slots.get(Path(entry.path).stem, ""), MAX_SLOT),
        "findings": [{"severity": finding.severity.value, "rule": finding.rule, "line": finding.line,
                      "message": _cut(finding.message, MAX_MESSAGE), "hint": _cut(finding.hint, MAX_MESSAGE)}
                     for finding in entry.findings[:MAX_FINDINGS]],
        "omitted_findings": max(len(entry.findings) - MAX_FINDINGS, 0),
    }


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + ELLIPSIS


def render_summary(entries: Sequence[PreviewEntry], *, limit: int = SUMMARY_LIMIT,
                   slots: dict[str, str] | None = None) -> str:
    """The pull-request summary: verdict per file, counts per network, the first slot it
    would get if merged now, findings; the comment's text (:func:`postdesk.comment.render_comment`)."""
    return render_comment(preview_data(entries, slots=slots), limit=limit)
