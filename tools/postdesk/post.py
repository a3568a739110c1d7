"""Posting: send every item whose slot has come to its networks, and record each step in git.

A run (``postdesk post``, hourly from ``post.yml``):

1. takes the repository's posting lock, so two runs on one machine cannot overlap
   (the workflow's concurrency group keeps two machines apart);
2. settles what a dead run left behind: every ``sending`` entry goes back to
   scheduled (it died uploading photos: nothing is public) or becomes ``unknown``
   (it died after asking the network to publish) — see :mod:`postdesk.ledger`;
3. reads the committed queue (``state/queue.json``) and picks the slots that are due
   (``at <= now``), still ``scheduled`` in the ledger and past any ``retry_after``, in
   slot order;
4. for each: records ``sending`` and commits it (and pushes it with ``--push``:
   a push that loses a race rebases; if the other run claimed the same post, this
   run leaves it), uploads the photos, records the ``publish`` phase, creates the
   post, records ``posted`` and commits. What each error means is decided here
   (:func:`settle`), from the classes the clients raise. Anything else that goes wrong
   with one post (a client's own fault, a file that cannot be read) is reported for a
   person and the run goes on with the others (:func:`_slot_failed`); an item whose
   ledger cannot be read is not sent. Only a ledger change that cannot be committed
   stops the run: nothing is ever sent that is not on record.

A network with no credentials is skipped with a message saying which secrets to set
and its items stay scheduled; ``--dry-run`` (and every network without credentials)
prints exactly the requests that would be sent, from the clients' ``describe``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .approve import rendition_path
from .channels import check_credentials, client_for, credential_names, missing_credentials, redacted_logs
from .channels.base import Channel, OutgoingPost, Photo, RetryPolicy
from .config import Config
from .errors import (
    AuthFailed,
    ChannelError,
    DuplicatePost,
    LedgerError,
    NotOffered,
    OutdatedVersion,
    PostdeskError,
    RateLimited,
    Rejected,
    RepositoryError,
    Unavailable,
)
from .ledger import (
    FAILED,
    POSTED,
    PUBLISH,
    SCHEDULED,
    SENDING,
    Entry,
    ItemLedger,
    mark_failed,
    mark_paused,
    mark_posted,
    mark_retry,
    mark_unknown,
    parse_stamp,
    read_ledger,
    recover,
    start_publishing,
    start_sending,
    write_ledger,
)
from .model import CHANNEL_LABELS, CHANNELS, NETWORK_HOSTS, Submission, is_network_url
from .posttext import post_text
from .schedule import QUEUE_FILE, Plan, Slot, queue_from_json

Record = Callable[[Sequence[str], str], None]
"""Commit these repository-relative paths with this message (and push, when the run pushes)."""

Progress = Callable[[str, str, str], None]
"""Told ``(item, channel, step)`` after each step; steps are listed in :data:`STEPS`."""

STEPS = ("sending-recorded", "publishing-recorded", "published", "result-recorded")
RATE_LIMITED = "rate limited"


@dataclass(frozen=True)
class Outcome:
    """What happened to one post in this run. ``state`` is the ledger state it ended in,
    or ``skipped`` / ``dry-run`` when nothing was sent."""

    item: str
    channel: str
    state: str
    message: str
    url: str = ""
    alert: bool = False
    """A person should look (failed, unknown, refused as a duplicate)."""


@dataclass
class PostRun:
    outcomes: list[Outcome] = field(default_factory=list)
    recovered: list[Outcome] = field(default_factory=list)
    stopped: dict[str, str] = field(default_factory=dict)
    """Networks stopped for the rest of the run (no credentials, token refused, rate limit), with why."""
    dry_run: list[str] = field(default_factory=list)
    """The requests that would have been sent, for every post not actually sent."""

    @property
    def alerts(self) -> list[Outcome]:
        return [outcome for outcome in (*self.recovered, *self.outcomes) if outcome.alert]

    @property
    def ok(self) -> bool:
        """False when a person must act: an alert, or a network stopped by a refused token or version."""
        return not self.alerts and not any(reason.startswith("STOPPED") for reason in self.stopped.values())


# --------------------------------------------------------------------------- choosing (pure)


def due_slots(plan: Plan, ledgers: Mapping[str, ItemLedger], *, now: dt.datetime,
              channels: Collection[str] = CHANNELS) -> list[Slot]:
    """The slots to post now, in slot order: come, wanted, still scheduled, past any retry time.

    A rate limit is the network's, not the item's: while one entry waits for a network's
    reset, no post goes to that network.
    """
    paused = {channel for ledger in ledgers.values() for channel, entry in ledger.channels.items()
              if entry.state == SCHEDULED and entry.reason.startswith(RATE_LIMITED)
              and (parse_stamp(entry.retry_after) or now) > now}
    due = []
    for slot in plan.slots:
        if slot.at > now or slot.channel not in channels or slot.channel in paused:
            continue
        entry = ledgers[slot.item].entry(slot.channel) if slot.item in ledgers else Entry()
        if entry.state != SCHEDULED:
            continue
        retry_after = parse_stamp(entry.retry_after)
        if retry_after is not None and retry_after > now:
            continue
        due.append(slot)
    return sorted(due, key=lambda slot: (slot.at, slot.item, CHANNELS.index(slot.channel)))


def outgoing_post(submission: Submission, channel: str) -> OutgoingPost:
    """What goes out: the channel's text, the link, and the approved renditions with their alt text."""
    item = Path(submission.path).stem
    photos = tuple(Photo(Path(rendition_path(item, number, channel)), image.alt)
                   for number, image in enumerate(submission.images, start=1))
    return OutgoingPost(item=item, channel=channel, text=post_text(submission, channel), link=submission.link,
                        photos=photos)


@dataclass(frozen=True)
class Settled:
    """The ledger entry after an error, what to tell people, and whether the network stops for this run."""

    entry: Entry
    message: str
    alert: bool = False
    stop_channel: str = ""


def settle(entry: Entry, error: ChannelError, *, at: dt.datetime) -> Settled:
    """What a client's error means for the ledger. The one place these rules live."""
    label = CHANNEL_LABELS.get(error.channel, error.channel)
    if isinstance(error, RateLimited):
        until = dt.datetime.fromtimestamp(error.retry_at, dt.UTC)
        reason = f"{RATE_LIMITED} by {label} until {until:%Y-%m-%d %H:%M} UTC"
        return Settled(mark_paused(entry, at=at, reason=reason, retry_after=until), reason,
                       stop_channel=f"rate limited until {until:%H:%M} UTC")
    if isinstance(error, AuthFailed):
        secrets = ", ".join(error.secrets) or "the credentials"
        reason = f"{label} refused the credentials: {error.message}"
        return Settled(mark_paused(entry, at=at, reason=reason), f"{reason}\n  fix: renew {secrets}. {error.hint}",
                       alert=True, stop_channel=f"STOPPED: credentials refused; renew {secrets}")
    if isinstance(error, NotOffered):
        reason = f"{label}'s API plan does not cover this now: {error.message}"
        return Settled(mark_paused(entry, at=at, reason=reason), f"{reason}\n  fix: {error.hint}", alert=True,
                       stop_channel="STOPPED: the API plan does not cover posting; see the developer portal")
    if isinstance(error, OutdatedVersion):
        reason = f"{label} retired the configured API version: {error.message}"
        return Settled(mark_paused(entry, at=at, reason=reason), f"{reason}\n  fix: {error.hint}", alert=True,
                       stop_channel="STOPPED: API version retired; update postdesk.toml")
    if isinstance(error, DuplicatePost):
        note = (f"{label} refused it as a duplicate: it already has this post. Find its address and run "
                "'postdesk ledger resolve ITEM CHANNEL --posted URL'")
        return Settled(mark_posted(entry, at=at, post_id="", url="", note=note), note, alert=True)
    if isinstance(error, Unavailable) and error.maybe_sent:
        reason = (f"{label} did not confirm the post ({error.message}): it may exist. Check the page, then run "
                  "'postdesk ledger resolve ITEM CHANNEL --posted URL' or '--not-posted'")
        return Settled(mark_unknown(entry, at=at, reason=reason), reason, alert=True)
    if isinstance(error, Unavailable):
        reason = f"{label} is unavailable: {error.message}"
        moved = mark_retry(entry, at=at, reason=reason)
        return Settled(moved, reason if moved.state == SCHEDULED else f"{reason}; gave up after "
                       f"{entry.attempts} runs", alert=moved.state != SCHEDULED)
    kind = "refused the post" if isinstance(error, Rejected) else "failed"
    reason = f"{label} {kind}: {error.message}" + (f" ({error.hint})" if error.hint else "")
    return Settled(mark_failed(entry, at=at, reason=reason), reason, alert=True)


# --------------------------------------------------------------------------- the run (I/O)


@contextlib.contextmanager
def posting_lock(config: Config) -> Iterator[None]:
    """One posting run per repository at a time; a second run stops at once with a clear error."""
    git_dir = config.root / ".git"
    lock_file = (git_dir if git_dir.is_dir() else config.root) / "postdesk-post.lock"
    with open(lock_file, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RepositoryError("Another 'postdesk post' is running in this repository.",
                                  hint="Wait for it to finish; two runs must never post at once.") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def load_queue(config: Config) -> Plan:
    file = config.root / QUEUE_FILE
    if not file.is_file():
        return Plan((), (), ())
    try:
        return queue_from_json(file.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise PostdeskError(f"The posting queue cannot be read: {exc}", path=QUEUE_FILE,
                            hint="Run 'postdesk schedule' to write it again.") from None


def _approved_submission(config: Config, item: str) -> Submission | None:
    from .parse import read_approved

    file = config.approved_dir / f"{item}.md"
    if not file.is_file():
        return None
    try:
        return read_approved(file)
    except (ValueError, KeyError):
        return None


def describer_for(channel: str, config: Config, env: Mapping[str, str]) -> Channel | None:
    """A client for ``describe`` only: a missing credential is shown by its variable's name."""
    names = credential_names(channel)[0]
    filled = {**env, **{name: name for name in names if not env.get(name)}}
    return client_for(channel, config, filled)


def post_due(config: Config, *, env: Mapping[str, str], now: dt.datetime, run_id: str, record: Record,
             dry_run: bool = False, channels: Collection[str] = CHANNELS, policy: RetryPolicy | None = None,
             progress: Progress | None = None, recheck: Callable[[str], ItemLedger] | None = None) -> PostRun:
    """Post everything due at ``now`` (see the module docstring). ``record`` commits ledger changes.

    ``recheck(item)`` re-reads an item's ledger after ``sending`` was recorded (after a
    push that may have rebased onto another run's work): if the entry is no longer this
    run's, another run claimed the post and this one leaves it.

    Every credential of ``channels`` is checked first: one that cannot be a credential
    raises CredentialError before anything is recorded or sent (a dry run included).
    """
    check_credentials(env, channels)
    with redacted_logs(env), posting_lock(config):
        return _run(config, env=env, now=now, run_id=run_id, record=record, dry_run=dry_run, channels=channels,
                    policy=policy or RetryPolicy(), progress=progress or (lambda *_: None),
                    recheck=recheck or (lambda item: read_ledger(config, item)))


def _run(config: Config, *, env: Mapping[str, str], now: dt.datetime, run_id: str, record: Record, dry_run: bool,
         channels: Collection[str], policy: RetryPolicy, progress: Progress,
         recheck: Callable[[str], ItemLedger]) -> PostRun:
    run = PostRun()
    if not dry_run:
        run.recovered = recover_interrupted(config, now=now, record=record)
    plan = load_queue(config)
    ledgers, unreadable = _read_ledgers(config, {slot.item for slot in plan.slots})
    due = due_slots(plan, ledgers, now=now, channels=channels)
    clients: dict[str, Channel | None] = {}
    try:
        for slot in due:
            channel = slot.channel
            if slot.item in unreadable:
                run.outcomes.append(Outcome(slot.item, channel, "skipped", unreadable[slot.item], alert=True))
                continue
            if channel not in clients:
                missing = missing_credentials(channel, env)
                if dry_run or missing:
                    clients[channel] = None
                    if missing and not dry_run:
                        run.stopped[channel] = f"skipped: {missing}; its posts stay scheduled"
                else:
                    clients[channel] = client_for(channel, config, env, policy=policy)
            # The item boundary: whatever goes wrong with this post is reported and the others go
            # on, except a ledger change that cannot be committed, which stops the run (never send
            # what is not on record).
            try:
                _post_slot(config, slot, run, clients[channel], env=env, now=now, run_id=run_id,
                           record=_RecordFailed.wrap(record), dry_run=dry_run, progress=progress, recheck=recheck)
            except _RecordFailed as failed:
                raise failed.cause from None
            except Exception as exc:
                outcome, stop = _slot_failed(config, slot, exc, run_id=run_id, now=now, record=record)
                run.outcomes.append(outcome)
                if stop:
                    run.stopped[channel] = stop
    finally:
        for client in clients.values():
            if client is not None:
                client.close()
    return run


def _post_slot(config: Config, slot: Slot, run: PostRun, client: Channel | None, *, env: Mapping[str, str],
               now: dt.datetime, run_id: str, record: Record, dry_run: bool, progress: Progress,
               recheck: Callable[[str], ItemLedger]) -> None:
    """Post one due slot (or describe it: a dry run, a network skipped); the outcome goes into ``run``."""
    channel = slot.channel
    submission = _approved_submission(config, slot.item)
    if submission is None:
        run.outcomes.append(_missing_item(config, slot, now=now, record=record, dry_run=dry_run))
        return
    refusal = preflight(config, slot, submission, now=now)
    if refusal is not None:
        run.outcomes.append(_refuse(config, slot, refusal, now=now, record=record, dry_run=dry_run))
        return
    post = _with_root(config, outgoing_post(submission, channel))
    if client is None or channel in run.stopped:
        describer = describer_for(channel, config, env)
        run.dry_run += [f"{slot.item} on {CHANNEL_LABELS[channel]} (due {slot.at:%Y-%m-%d %H:%M}):"]
        run.dry_run += [f"  {line}" for line in describer.describe(post)] if describer else []
        if describer is not None:
            describer.close()
        why = run.stopped.get(channel, "nothing sent")
        run.outcomes.append(Outcome(slot.item, channel, "dry-run" if dry_run else "skipped", why))
        return
    outcome, stop = _send(config, client, post, run_id=run_id, now=now, record=record, progress=progress,
                          recheck=recheck)
    run.outcomes.append(outcome)
    if stop:
        run.stopped[channel] = stop


class _RecordFailed(Exception):
    """Committing a ledger change failed: the run stops there, as it always did (see :func:`_run`)."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause

    @classmethod
    def wrap(cls, record: Record) -> Record:
        def recording(paths: Sequence[str], message: str) -> None:
            try:
                record(paths, message)
            except Exception as exc:
                raise cls(exc) from exc

        return recording


def _read_ledgers(config: Config, items: Collection[str]) -> tuple[dict[str, ItemLedger], dict[str, str]]:
    """The ledgers of ``items``, and why for each one that cannot be read: its posts are not sent,
    because only the ledger says whether they already went out."""
    ledgers: dict[str, ItemLedger] = {}
    unreadable: dict[str, str] = {}
    for item in sorted(items):
        try:
            ledgers[item] = read_ledger(config, item)
        except LedgerError as exc:
            unreadable[item] = (f"not sent: {exc.message}. {exc.hint} Until then it is not posted, so it cannot go "
                                "out twice.")
    return ledgers, unreadable


def _slot_failed(config: Config, slot: Slot, exc: Exception, *, run_id: str, now: dt.datetime,
                 record: Record) -> tuple[Outcome, str]:
    """The outcome of a post whose handling failed unexpectedly (a network client's fault, a file
    that cannot be read...), and why its network stops for the rest of the run ("" when it goes on).

    A post this run had started sending is settled as a dead run's would be (:func:`postdesk.ledger.recover`):
    back to scheduled when only photos were uploaded, ``unknown`` once the network was asked to
    publish. The network then stops for this run, so one fault cannot make every post on it unknown.
    """
    item, channel, label = slot.item, slot.channel, CHANNEL_LABELS[slot.channel]
    what = exc.message if isinstance(exc, PostdeskError) else f"{type(exc).__name__}: {exc}"
    try:
        ledger = read_ledger(config, item)
    except LedgerError as unreadable:
        return Outcome(item, channel, "skipped", f"postdesk failed on it ({what}), and {unreadable.message}",
                       alert=True), ""
    entry = ledger.entry(channel)
    if entry.state == SENDING and entry.run == run_id:
        settled = recover(entry, at=now)
        record([write_ledger(config, ledger.with_entry(channel, settled))],
               f"Ledger: {item} on {label}: {settled.state}")
        return (Outcome(item, channel, settled.state, f"postdesk failed while sending it ({what}); {settled.reason}",
                        alert=True),
                f"STOPPED: postdesk failed while sending {item} ({what}); the other posts wait for the next run")
    then = ("it stays scheduled and is tried again on the next run" if entry.state == SCHEDULED
            else f"the ledger says '{entry.state}'")
    return Outcome(item, channel, entry.state, f"postdesk failed on it ({what}); {then}. If this repeats, report it "
                                                "with this message.", alert=True), ""


def _with_root(config: Config, post: OutgoingPost) -> OutgoingPost:
    photos = tuple(dataclasses.replace(photo, path=config.root / photo.path) for photo in post.photos)
    return dataclasses.replace(post, photos=photos)


@dataclass(frozen=True)
class Refusal:
    """Why a due slot is not sent: ``wait`` leaves it scheduled (an embargo), ``fail`` marks it failed
    for a person (the item changed after approval, its deadline passed, its ledger was rewritten)."""

    kind: str
    reason: str


def preflight(config: Config, slot: Slot, submission: Submission, *, now: dt.datetime) -> Refusal | None:
    """Re-verify, at send time, everything that made the item postable (never trust the queue alone):
    the approval record and its seal, the embargo (``post_after``), the deadline, and that the
    ledger of this post was never rewritten (:func:`postdesk.ledger.lost_history`)."""
    from .gitio import committed_versions
    from .ledger import ledger_path, lost_history
    from .seal import seal_problems

    problems = seal_problems(config, slot.item)
    if problems:
        return Refusal("fail", "refused, nothing sent: " + "; ".join(problems)
                       + ". Restore the approved files from git history, or submit the change as a new submission")
    today = now.astimezone(config.tz).date()
    slot_day = slot.at.astimezone(config.tz).date()
    if submission.post_after is not None and min(today, slot_day) < submission.post_after:
        return Refusal("wait", f"not before {submission.post_after:%Y-%m-%d} (its embargo, post_after): "
                               "run 'postdesk schedule' to give it a slot after that day")
    deadline = submission.deadline
    if deadline is not None and today > deadline:
        return Refusal("fail", f"its last useful day ({deadline:%Y-%m-%d}) has passed, so it was not sent; "
                               "post it by hand if it is still useful, or leave it")
    lost = lost_history(committed_versions(config.root, ledger_path(slot.item)), read_ledger(config, slot.item),
                        slot.channel)
    if lost:
        return Refusal("fail", f"refused, nothing sent: {lost}. Check the network's page, then restore the "
                               "ledger file from git history and settle it with 'postdesk ledger resolve'")
    return None


def _refuse(config: Config, slot: Slot, refusal: Refusal, *, now: dt.datetime, record: Record,
            dry_run: bool) -> Outcome:
    if refusal.kind == "wait":
        return Outcome(slot.item, slot.channel, "skipped", refusal.reason)
    if not dry_run:
        ledger = read_ledger(config, slot.item)
        entry = ledger.entry(slot.channel)
        if entry.state != FAILED:
            path = write_ledger(config, ledger.with_entry(slot.channel, mark_failed(entry, at=now,
                                                                                    reason=refusal.reason)))
            record([path], f"Ledger: {slot.item} refused on {CHANNEL_LABELS[slot.channel]}")
    return Outcome(slot.item, slot.channel, "failed", refusal.reason, alert=True)


def _missing_item(config: Config, slot: Slot, *, now: dt.datetime, record: Record, dry_run: bool) -> Outcome:
    reason = (f"content/approved/{slot.item}.md is missing or unreadable, so there is nothing to post; "
              "restore it from git history or remove the item from the queue with 'postdesk schedule'")
    if not dry_run:
        ledger = read_ledger(config, slot.item)
        entry = mark_failed(ledger.entry(slot.channel), at=now, reason=reason)
        path = write_ledger(config, ledger.with_entry(slot.channel, entry))
        record([path], f"Ledger: {slot.item} cannot be posted on {CHANNEL_LABELS[slot.channel]}")
    return Outcome(slot.item, slot.channel, "failed", reason, alert=True)


def _send(config: Config, client: Channel, post: OutgoingPost, *, run_id: str, now: dt.datetime, record: Record,
          progress: Progress, recheck: Callable[[str], ItemLedger]) -> tuple[Outcome, str]:
    item, channel, label = post.item, post.channel, CHANNEL_LABELS[post.channel]
    ledger = read_ledger(config, item)

    def save(entry: Entry, message: str) -> None:
        nonlocal ledger
        ledger = ledger.with_entry(channel, entry)
        record([write_ledger(config, ledger)], message)

    save(start_sending(ledger.entry(channel), at=now, run=run_id), f"Ledger: sending {item} to {label}")
    progress(item, channel, "sending-recorded")
    claimed = recheck(item).entry(channel)
    if claimed.state != SENDING or claimed.run != run_id:
        ledger = recheck(item)
        return Outcome(item, channel, "skipped", f"another run (run {claimed.run or '?'}) is posting it"), ""

    def before_publish(media_ids: Sequence[str]) -> None:
        save(start_publishing(ledger.entry(channel), at=now, media_ids=tuple(media_ids)),
             f"Ledger: publishing {item} on {label}")
        progress(item, channel, "publishing-recorded")

    try:
        published = client.publish(post, before_publish=before_publish)
    except ChannelError as error:
        error.channel = error.channel or channel
        settled = settle(ledger.entry(channel), error, at=now)
        save(settled.entry, f"Ledger: {item} on {label}: {settled.entry.state}")
        progress(item, channel, "result-recorded")
        return Outcome(item, channel, settled.entry.state, settled.message, alert=settled.alert), settled.stop_channel
    progress(item, channel, "published")
    entry = ledger.entry(channel)
    if entry.phase != PUBLISH:  # a client that forgot before_publish: the post exists all the same
        entry = dataclasses.replace(entry, phase=PUBLISH)
    save(mark_posted(entry, at=now, post_id=published.post_id, url=published.url),
         f"Ledger: posted {item} on {label}")
    progress(item, channel, "result-recorded")
    return Outcome(item, channel, POSTED, published.url, url=published.url), ""


def recover_interrupted(config: Config, *, now: dt.datetime, record: Record) -> list[Outcome]:
    """Settle every entry a dead run left in ``sending``; commit the result. A ledger that cannot be
    read is left alone: its item's posts are not sent (see :func:`_read_ledgers`)."""
    from .ledger import readable_ledgers

    outcomes, paths = [], []
    for ledger in readable_ledgers(config)[0]:
        changed = ledger
        for channel, entry in sorted(ledger.channels.items()):
            if entry.state != SENDING:
                continue
            settled = recover(entry, at=now)
            changed = changed.with_entry(channel, settled)
            outcomes.append(Outcome(ledger.item, channel, settled.state, settled.reason,
                                    alert=settled.state != SCHEDULED))
        if changed is not ledger:
            paths.append(write_ledger(config, changed))
    if paths:
        record(paths, "Ledger: settle posts an interrupted run left in 'sending'")
    return outcomes


def resolve_entry(config: Config, item: str, channel: str, *, url: str | None, by: str, now: dt.datetime,
                  record: Record) -> Entry:
    """A person settles an ``unknown`` or ``failed`` post: it exists at ``url``, or (``url=None``) it does not."""
    from .ledger import resolve_not_posted, resolve_posted

    if channel not in CHANNELS:
        raise PostdeskError(f"'{channel}' is not a network postdesk posts to.",
                            hint=f"Use one of {', '.join(CHANNELS)}.")
    ledger = read_ledger(config, item)
    if channel not in ledger.channels:
        raise PostdeskError(f"The ledger has no entry for {item} on {channel}.", path=f"state/ledger/{item}.json",
                            hint="Run 'postdesk ledger' to list the posts that need a person.")
    entry = ledger.channels[channel]
    if url is not None and not is_network_url(channel, url):
        raise PostdeskError(f"'{url}' is not the address of a post on {CHANNEL_LABELS[channel]}.",
                            hint=f"Copy the post's https:// address from {CHANNEL_LABELS[channel]}'s own page "
                                 f"({', '.join(sorted(NETWORK_HOSTS[channel]))}).")
    if url is None and entry.state == POSTED:
        raise PostdeskError(f"{item} is recorded as posted on {channel} ({entry.url or 'no address'}); "
                            "a posted item is never scheduled again.",
                            hint="If the post was deleted on purpose, submit the item again as a new submission.")
    if entry.state not in ("unknown", "failed", POSTED):
        raise PostdeskError(f"{item} on {channel} is '{entry.state}', not 'unknown' or 'failed'; nothing to resolve.",
                            hint="Only posts that need a person can be resolved.")
    settled = resolve_posted(entry, at=now, url=url, by=by) if url else resolve_not_posted(entry, at=now, by=by)
    path = write_ledger(config, ledger.with_entry(channel, settled))
    label = CHANNEL_LABELS[channel]
    record([path], f"Ledger: {item} on {label} confirmed {'posted' if url else 'not posted'} by {by}")
    return settled
