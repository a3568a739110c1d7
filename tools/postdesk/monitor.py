"""After posting: bring the replies to the communications team, and learn what worked.

A run (``postdesk monitor``, every few hours from ``monitor.yml``):

1. takes every item posted in the last ``[monitor] days`` (the ledger knows each
   network's post id);
2. asks each network for all comments on each post (every page) and its engagement
   numbers (the clients' ``comments`` and ``engagement``);
3. classifies each comment not seen before (:func:`classify_comment`, pure):
   **must hide** (it identifies a child or family: the confidentiality guard's name
   with care context, address, phone, case number, date of birth), **needs a reply**
   (a question, a complaint, a request for help, a report of abuse or neglect, which
   comes with the hotline guidance), or **fyi**;
4. writes the digest (``digest.md`` for the GitHub issue, ``digest.html`` to read),
   then remembers, in git beside the ledger (``state/monitor/<item>.json``), which
   comments were seen, which must-hide comments are still visible, and the latest
   engagement numbers; and commits that.

Each comment is reported as new once. A must-hide comment stays on the state's open
list while the network still returns it; once it is older than
``must_hide_within_hours`` and still visible, the digest lists it as **overdue** and
the run exits 1 (the workflow fails loudly). Once deleted or hidden on the network
it leaves the list.

Order matters for "loses nothing": the state is written only after the digest, so a
run killed halfway reports the same comments again next time rather than never.

A network that cannot answer is a note in the digest, not a failed run: no
credentials, an API plan without the endpoint (X's recent search needs a paid access
level: said once per run), a rate limit (the rest waits for the next run), a deleted post.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .channels import check_credentials, client_for, missing_credentials, redacted_logs
from .channels.base import Comment, Engagement, RetryPolicy
from .config import ConfidentialityPolicy, Config
from .errors import AuthFailed, ChannelError, NotOffered, PostdeskError, RateLimited, Rejected
from .files import write_text_atomically
from .ledger import POSTED, all_ledgers, parse_stamp, stamp
from .model import CHANNEL_LABELS, CHANNELS

MONITOR = "state/monitor"
MUST_HIDE, NEEDS_REPLY, FYI = "must-hide", "needs-reply", "fyi"

Record = Callable[[Sequence[str], str], None]
Progress = Callable[[str, str, str], None]
"""Told ``(item, channel, step)``; steps: ``comments``, ``engagement``."""

# The confidentiality guard's rules that make a comment identify a child or family.
_IDENTIFYING = {
    "confidentiality.child-identified": "names a child or family with a care context",
    "confidentiality.case-number": "gives a case number",
    "confidentiality.ssn": "gives a Social Security number",
    "confidentiality.date-of-birth": "gives a date of birth",
    "confidentiality.street-address": "gives a street address",
    "confidentiality.phone": "gives a phone number",
    "confidentiality.email": "gives an e-mail address",
}
_REPORT = re.compile(
    r"\b(abus(?:e|ed|ing|ive)|neglect(?:ed|ing)?|molest\w*|beat(?:s|ing|en)?|hit(?:s|ting)? (?:him|her|them|the)|"
    r"hurt(?:s|ing)? (?:him|her|them|a child|the kids?)|not safe|unsafe|left alone|starv\w*|no food|"
    r"locked (?:in|out)|bruises?|scared to go home|report (?:a|some)one)\b", re.IGNORECASE)
_QUESTION = re.compile(
    r"\?|^\s*(how|what|when|where|who|why|which|can|could|would|will|is|are|do|does|did|should|may)\b|"
    r"\b(i wonder|anyone know|does anyone|is there a way)\b", re.IGNORECASE | re.MULTILINE)
_HELP = re.compile(
    r"\b(help|need(?:s|ed)?|please (?:call|contact|reach|respond|reply)|contact me|call me|message me|dm me|"
    r"how (?:do|can) i|sign up|apply|become a foster|get in touch)\b", re.IGNORECASE)
_COMPLAINT = re.compile(
    r"\b(complain\w*|disappoint\w*|terrible|awful|unacceptable|disgrace\w*|shame(?:ful)?|outrage\w*|"
    r"nobody (?:called|answered|returned)|never (?:called|answered|returned|responded)|no one (?:called|answered)|"
    r"worst|incompetent|fail(?:ed|ing|s)? (?:us|my|our|these|those|the) (?:kids?|children|family|families))\b",
    re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    """What a comment needs: ``kind`` is must-hide, needs-reply or fyi; ``reasons`` say why, in plain words."""

    kind: str
    reasons: tuple[str, ...] = ()
    hotline: bool = False
    """It may report abuse or neglect: the digest shows the hotline guidance beside it."""


def classify_comment(text: str, policy: ConfidentialityPolicy) -> Verdict:
    """Classify one comment (pure). Must-hide wins over needs-reply, which wins over fyi."""
    from .checks.confidentiality import scan_text  # 0.1 s to import: the editorial page needs none of it

    hits = scan_text(text, policy=policy)
    identifying = sorted({_IDENTIFYING[hit.rule] for hit in hits if hit.rule in _IDENTIFYING})
    report = bool(_REPORT.search(text))
    if identifying:
        return Verdict(MUST_HIDE, tuple(identifying), hotline=report)
    reasons = []
    if report:
        reasons.append("may report abuse or neglect")
    if any(hit.rule == "confidentiality.name-near-child" for hit in hits):
        reasons.append("names someone near a word about a child: check it does not identify a child in care")
    if _COMPLAINT.search(text):
        reasons.append("a complaint")
    if _HELP.search(text):
        reasons.append("asks for help or contact")
    if _QUESTION.search(text):
        reasons.append("a question")
    if reasons:
        return Verdict(NEEDS_REPLY, tuple(reasons), hotline=report)
    return Verdict(FYI)


# --------------------------------------------------------------------------- state (beside the ledger)


@dataclass(frozen=True)
class OpenComment:
    """A must-hide comment reported and, as far as postdesk knows, still visible."""

    id: str
    created_at: str
    url: str
    reasons: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {"created_at": self.created_at, "url": self.url, "reasons": list(self.reasons)}


@dataclass(frozen=True)
class ChannelWatch:
    """What the monitor remembers about one post on one network."""

    seen: frozenset[str] = frozenset()
    open_must_hide: Mapping[str, OpenComment] = field(default_factory=dict)
    engagement: Mapping[str, Any] = field(default_factory=dict)
    """The latest snapshot: ``at`` and the numbers of :class:`Engagement`."""

    def as_json(self) -> dict[str, Any]:
        return {"seen": sorted(self.seen),
                "open_must_hide": {key: self.open_must_hide[key].as_json() for key in sorted(self.open_must_hide)},
                "engagement": dict(self.engagement)}


def watch_path(item: str) -> str:
    return f"{MONITOR}/{item}.json"


def read_watch(config: Config, item: str) -> dict[str, ChannelWatch]:
    file = config.root / watch_path(item)
    if not file.is_file():
        return {}
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        return {channel: ChannelWatch(
            seen=frozenset(str(c) for c in raw.get("seen", [])),
            open_must_hide={key: OpenComment(key, str(v["created_at"]), str(v["url"]), tuple(v.get("reasons", [])))
                            for key, v in raw.get("open_must_hide", {}).items()},
            engagement=dict(raw.get("engagement", {})))
            for channel, raw in data.get("channels", {}).items() if channel in CHANNELS}
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise PostdeskError(f"The monitor's record of {item} cannot be read: {exc}", path=watch_path(item),
                            hint="Restore it from git history, or delete it: its comments are then reported again.") \
            from None


def write_watch(config: Config, item: str, watches: Mapping[str, ChannelWatch]) -> str:
    text = json.dumps({"item": item, "channels": {c: watches[c].as_json() for c in sorted(watches)}},
                      indent=2, ensure_ascii=False) + "\n"
    write_text_atomically(config.root / watch_path(item), text)
    return watch_path(item)


# --------------------------------------------------------------------------- the run


@dataclass(frozen=True)
class Watched:
    """One posted item on one network, to watch."""

    item: str
    channel: str
    post_id: str
    url: str
    posted_at: str


@dataclass(frozen=True)
class Reported:
    item: str
    comment: Comment
    verdict: Verdict


@dataclass
class MonitorRun:
    """What one run found. ``new`` holds every comment seen for the first time, classified."""

    now: dt.datetime
    watched: list[Watched] = field(default_factory=list)
    new: list[Reported] = field(default_factory=list)
    overdue: list[tuple[str, str, OpenComment]] = field(default_factory=list)
    """(item, channel, comment): must-hide comments still visible after the allowed time."""
    resolved: list[tuple[str, str, OpenComment]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    engagement: dict[tuple[str, str], Engagement] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.overdue

    def of_kind(self, kind: str) -> list[Reported]:
        return [report for report in self.new if report.verdict.kind == kind]


def watched_posts(config: Config, *, now: dt.datetime, days: int) -> list[Watched]:
    """Every post made in the last ``days`` days that has a network post id, oldest first."""
    since = now - dt.timedelta(days=days)
    posts = []
    for ledger in all_ledgers(config):
        for channel, entry in ledger.channels.items():
            posted = parse_stamp(entry.posted_at)
            if entry.state == POSTED and entry.post_id and posted is not None and posted >= since:
                posts.append(Watched(ledger.item, channel, entry.post_id, entry.url, entry.posted_at))
    return sorted(posts, key=lambda w: (w.posted_at, w.item, CHANNELS.index(w.channel)))


def monitor(config: Config, *, env: Mapping[str, str], now: dt.datetime, record: Record,
            since: dt.datetime | None = None, out: Path | None = None, policy: RetryPolicy | None = None,
            progress: Progress | None = None) -> MonitorRun:
    """Run the monitor (see the module docstring); writes the digest into ``out`` when given.

    A credential that cannot be one raises CredentialError before any request (exit 2).
    """
    check_credentials(env)
    with redacted_logs(env):
        run, state = _watch(config, env=env, now=now, since=since, policy=policy or RetryPolicy(),
                            progress=progress or (lambda *_: None))
    if out is not None:
        write_digest(run, config, out)
    paths = [write_watch(config, item, watches) for item, watches in sorted(state.items())]
    if paths:
        record(paths, f"Monitor: {len(run.new)} new comment{'s' if len(run.new) != 1 else ''}, "
                      f"engagement of {len(run.engagement)} post{'s' if len(run.engagement) != 1 else ''}")
    return run


def _watch(config: Config, *, env: Mapping[str, str], now: dt.datetime, since: dt.datetime | None,
           policy: RetryPolicy, progress: Progress) -> tuple[MonitorRun, dict[str, dict[str, ChannelWatch]]]:
    """Fetch and classify; returns the run and the new state of every item whose state changed (the caller
    writes it: unchanged items are left alone, so a quiet run makes no commit)."""
    run = MonitorRun(now=now, watched=watched_posts(config, now=now, days=config.monitor.days))
    state: dict[str, dict[str, ChannelWatch]] = {}
    read: dict[str, dict[str, ChannelWatch]] = {}  # each item's record as it was on disk, read once
    allowed = dt.timedelta(hours=config.monitor.must_hide_within_hours)
    by_channel: dict[str, list[Watched]] = {}
    for post in run.watched:
        by_channel.setdefault(post.channel, []).append(post)
    for channel, posts in by_channel.items():
        label = CHANNEL_LABELS[channel]
        missing = missing_credentials(channel, env)
        if missing:
            run.notes.append(f"{label}: not watched ({missing}).")
            continue
        client = client_for(channel, config, env, policy=policy)
        if client is None:
            continue
        comments_offered = True
        try:
            for post in posts:
                if post.item not in state:
                    state[post.item] = read_watch(config, post.item)
                    read[post.item] = dict(state[post.item])
                watches = state[post.item]
                watch = watches.get(channel, ChannelWatch())
                if comments_offered:
                    progress(post.item, channel, "comments")
                    try:
                        comments = client.comments(post.post_id, since="")  # type: ignore[attr-defined]
                    except NotOffered as error:
                        comments_offered = False
                        run.notes.append(f"{label}: replies are not monitored: {error.message}")
                        comments = None
                    except Rejected as error:
                        run.notes.append(f"{label}: {post.item}: {error.message} (deleted on {label}?)")
                        comments = None
                    if comments is not None:
                        watch = _take_comments(run, post, watch, comments, config, since=since, allowed=allowed)
                progress(post.item, channel, "engagement")
                try:
                    numbers = client.engagement(post.post_id)  # type: ignore[attr-defined]
                except (NotOffered, Rejected) as error:
                    run.notes.append(f"{label}: {post.item}: no engagement numbers: {error.message}")
                else:
                    run.engagement[(post.item, channel)] = numbers
                    snapshot = dataclasses.asdict(numbers)
                    if {k: v for k, v in watch.engagement.items() if k != "at"} != snapshot:
                        # Only a change is recorded: unchanged numbers make no commit every few hours.
                        watch = dataclasses.replace(watch, engagement={"at": stamp(now), **snapshot})
                watches[channel] = watch
        except RateLimited as error:
            until = dt.datetime.fromtimestamp(error.retry_at, dt.UTC)
            run.notes.append(f"{label}: rate limited until {until:%Y-%m-%d %H:%M} UTC; the rest waits for the next "
                             "run.")
        except AuthFailed as error:
            run.notes.append(f"{label}: the credentials were refused: {error.message} Renew "
                             f"{', '.join(error.secrets) or 'them'}.")
        except ChannelError as error:
            run.notes.append(f"{label}: {error.message}; the next run tries again.")
        finally:
            client.close()
    return run, {item: watches for item, watches in state.items() if watches != read[item]}


def _take_comments(run: MonitorRun, post: Watched, watch: ChannelWatch, comments: Iterable[Comment], config: Config,
                   *, since: dt.datetime | None, allowed: dt.timedelta) -> ChannelWatch:
    """Classify the comments not seen before; settle the open must-hide list against what the network still shows."""
    # A link in the digest must be the network's page, never a script: anything but https falls back to the post.
    visible = {comment.id: comment if comment.url.startswith("https://") else dataclasses.replace(comment, url=post.url)
               for comment in comments}
    seen = set(watch.seen)
    still_open: dict[str, OpenComment] = {}
    for key, open_comment in watch.open_must_hide.items():
        if key in visible:
            still_open[key] = open_comment
        else:
            run.resolved.append((post.item, post.channel, open_comment))
    for comment in sorted(visible.values(), key=lambda c: (c.created_at, c.id)):
        if comment.id in seen:
            continue
        seen.add(comment.id)
        created = parse_stamp(comment.created_at)
        if since is not None and created is not None and created < since:
            continue
        verdict = classify_comment(comment.text, config.confidentiality)
        run.new.append(Reported(post.item, comment, verdict))
        if verdict.kind == MUST_HIDE:
            still_open[comment.id] = OpenComment(comment.id, comment.created_at, comment.url, verdict.reasons)
    for open_comment in still_open.values():
        created = parse_stamp(open_comment.created_at)
        if created is not None and run.now - created > allowed:
            run.overdue.append((post.item, post.channel, open_comment))
    return ChannelWatch(frozenset(seen), still_open, watch.engagement)


# --------------------------------------------------------------------------- the digest


WITHHELD = "(text withheld: it may identify a child or family; open the link to read it on the network)"
"""What the digest, the issue and the state show instead of a must-hide comment's words.

The issue may be read by more people than the Page's moderators, and git keeps
everything forever: copying the words that identify a child would spread exactly what
must be hidden.
"""

ISSUE_LIMIT = 60_000
"""GitHub refuses an issue body over 65,536 characters; the digest for the issue stops before that."""


def _age(run: MonitorRun, created_at: str) -> str:
    created = parse_stamp(created_at)
    if created is None:
        return "age unknown"
    minutes = int((run.now - created).total_seconds() // 60)
    return f"{minutes} min old" if minutes < 120 else f"{minutes // 60} h old"


def _quote(text: str) -> str:
    """A comment as a Markdown quote: one line, no markup that could ping people or hide text."""
    flat = " ".join(text.split())
    flat = re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", flat).replace("@", "@\u200b")
    return flat[:500] + ("…" if len(flat) > 500 else "")


def digest_markdown(run: MonitorRun, config: Config) -> str:
    """The digest for people: must-hide first (with links and reasons), then needs-a-reply, then counts."""
    lines = [f"# Replies digest, {run.now.astimezone(config.tz):%a %d %b %Y %H:%M}", ""]
    must_hide, needs_reply, fyi = run.of_kind(MUST_HIDE), run.of_kind(NEEDS_REPLY), run.of_kind(FYI)
    if run.overdue:
        hours = config.monitor.must_hide_within_hours
        lines += [f"## OVERDUE: must-hide comments still visible after {hours} h", ""]
        lines += [f"- **{CHANNEL_LABELS[channel]}**, {item}: [open the comment]({c.url}) ({_age(run, c.created_at)}): "
                  f"{'; '.join(c.reasons)}" for item, channel, c in run.overdue]
        lines.append("")
    lines += [f"## Must hide ({len(must_hide)})", ""]
    if must_hide:
        lines.append("Hide or delete these now: they may identify a child or family.")
        lines.append("")
    lines += [_entry(run, report) for report in must_hide] or ["None."]
    lines += ["", f"## Needs a reply ({len(needs_reply)})", ""]
    lines += [_entry(run, report) for report in needs_reply] or ["None."]
    if any(report.verdict.hotline for report in run.new):
        lines += ["", f"> **Possible reports of abuse or neglect.** {config.monitor.hotline_guidance}"]
    lines += ["", "## Counts", "", "| network | posts watched | new comments | must hide | needs a reply | fyi |",
              "|---|---|---|---|---|---|"]
    for channel in CHANNELS:
        watched = sum(post.channel == channel for post in run.watched)
        if not watched:
            continue
        counts = [sum(r.comment.channel == channel for r in group) for group in (run.new, must_hide, needs_reply, fyi)]
        lines.append(f"| {CHANNEL_LABELS[channel]} | {watched} | " + " | ".join(map(str, counts)) + " |")
    if run.resolved:
        lines += ["", f"{len(run.resolved)} must-hide comment(s) reported earlier are gone from the network now."]
    if run.notes:
        lines += ["", "## Notes", ""] + [f"- {note}" for note in run.notes]
    return "\n".join(lines) + "\n"


def _entry(run: MonitorRun, report: Reported) -> str:
    comment = report.comment
    why = "; ".join(report.verdict.reasons)
    hotline = " **(hotline guidance below)**" if report.verdict.hotline else ""
    quote = WITHHELD if report.verdict.kind == MUST_HIDE else _quote(comment.text)
    return (f"- **{CHANNEL_LABELS[comment.channel]}**, {report.item}: [open the comment]({comment.url}) "
            f"({_age(run, comment.created_at)}){': ' + why if why else ''}{hotline}\n  > {quote}")


def digest_html(run: MonitorRun, config: Config) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("postdesk", "templates"), autoescape=select_autoescape(default=True))
    return env.get_template("digest.html").render(
        run=run, agency=config.agency.name, when=run.now.astimezone(config.tz), labels=CHANNEL_LABELS,
        must_hide=run.of_kind(MUST_HIDE), needs_reply=run.of_kind(NEEDS_REPLY), fyi=run.of_kind(FYI),
        hotline=config.monitor.hotline_guidance, hours=config.monitor.must_hide_within_hours, withheld=WITHHELD,
        age=lambda created: _age(run, created),
        counts=[(CHANNEL_LABELS[c], sum(p.channel == c for p in run.watched),
                 *(sum(r.comment.channel == c for r in group) for group in
                   (run.new, run.of_kind(MUST_HIDE), run.of_kind(NEEDS_REPLY), run.of_kind(FYI))))
                for c in CHANNELS if any(p.channel == c for p in run.watched)])


def write_digest(run: MonitorRun, config: Config, out: Path) -> tuple[Path, Path]:
    """``digest.md`` (also cut to :data:`ISSUE_LIMIT` as ``issue.md``, with the day's issue title in
    ``issue-title.txt``: one issue per day in the agency's time zone) and ``digest.html`` in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    markdown = digest_markdown(run, config)
    (out / "digest.md").write_text(markdown, encoding="utf-8")
    issue = markdown if len(markdown) <= ISSUE_LIMIT else (
        markdown[:ISSUE_LIMIT].rsplit("\n", 1)[0] + "\n\n*The digest is too long for an issue: see the workflow "
                                                    "run's artifact for the rest.*\n")
    (out / "issue.md").write_text(issue, encoding="utf-8")
    (out / "issue-title.txt").write_text(f"Replies digest {run.now.astimezone(config.tz):%Y-%m-%d}\n",
                                         encoding="utf-8")
    (out / "digest.html").write_text(digest_html(run, config), encoding="utf-8")
    return out / "digest.md", out / "digest.html"


# --------------------------------------------------------------------------- what performed best


@dataclass(frozen=True)
class Performance:
    """One row of the editorial page's table: a group of posts and how they did on average."""

    group: str
    posts: int
    interactions: float
    """Reactions + shares + comments per post."""
    impressions: float | None


def performance(config: Config, summaries: Mapping[str, Any], *, by: str) -> list[Performance]:
    """Average engagement per post and network, grouped ``by`` "category", "office" or "weekday" (of posting).

    ``summaries`` maps each approved item to something with ``category`` and ``office``
    (the editorial page's cached summaries). Best first.
    """
    folder = config.root / MONITOR
    groups: dict[str, list[tuple[int, int | None]]] = {}
    for file in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        item = file.stem
        summary = summaries.get(item)
        if summary is None:
            continue
        for channel, watch in read_watch(config, item).items():
            numbers = watch.engagement
            if not numbers:
                continue
            interactions = sum(int(numbers.get(key) or 0) for key in ("reactions", "shares", "comments"))
            impressions = numbers.get("impressions")
            key = _group_key(config, summary, item, channel, by)
            groups.setdefault(key, []).append((interactions, impressions if isinstance(impressions, int) else None))
    rows = []
    for key, values in groups.items():
        shown = [impressions for _, impressions in values if impressions is not None]
        rows.append(Performance(key, len(values), sum(v for v, _ in values) / len(values),
                                sum(shown) / len(shown) if shown else None))
    return sorted(rows, key=lambda row: (-row.interactions, row.group))


def _group_key(config: Config, summary: Any, item: str, channel: str, by: str) -> str:
    if by == "category":
        return str(summary.category)
    if by == "office":
        return str(summary.office)
    from .ledger import read_ledger

    posted = parse_stamp(read_ledger(config, item).entry(channel).posted_at)
    return f"{posted.astimezone(config.tz):%A}" if posted else "unknown"
