"""The ``postdesk`` command: a thin layer over the library.

This is the only module that reads the environment, prints and exits. Exit codes:
0 ok, 1 findings or failures, 2 could not run (bad arguments, not a repository,
unknown revision, invalid settings). Every :class:`~postdesk.errors.PostdeskError`
becomes a one-paragraph message with a hint, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO, cast

from .errors import PostdeskError, UsageError
from .escape import SafeStream
from .model import CHANNELS

EXIT_OK, EXIT_FINDINGS, EXIT_CANNOT_RUN = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message, hint=f"Run '{self.prog} --help' for the options.")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="postdesk", description="A git-based editorial desk for an agency's social-media posts.")
    parser.add_argument("--repo", type=Path, help="the postdesk repository (default: found from the current folder)")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = commands.add_parser("check", help="check submissions and report everything wrong with them")
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: content/submissions/)")
    check.add_argument("--changed-since", metavar="REF",
                       help="only submissions changed (or whose photos changed) since this git revision; every other "
                            "change since then (approved posts, state/, code) is reported as a boundary error")
    check.add_argument("--format", choices=("text", "github", "json"), default="text")
    check.add_argument("--today", type=_date, metavar="YYYY-MM-DD", help="judge dates as if today were this day")
    check.add_argument("--settings-from", metavar="REF",
                       help="read postdesk.toml (and so the confidentiality policy) as it is at this git revision; "
                            "CI passes the base branch so a pull request cannot relax the policy for itself")

    preview = commands.add_parser("preview", help="render each submission as every network and the site will show it")
    preview.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: content/submissions/)")
    preview.add_argument("--changed-since", metavar="REF", help="only submissions changed since this git revision")
    preview.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write the preview into")
    preview.add_argument("--today", type=_date, metavar="YYYY-MM-DD", help="judge dates as if today were this day")
    preview.add_argument("--settings-from", metavar="REF", help="read postdesk.toml as it is at this git revision")

    approve = commands.add_parser("approve", help="approve every merged submission: move, scrub, record, commit")
    approve.add_argument("--push", action="store_true", help="push the commit to origin (rebasing if needed)")
    approve.add_argument("--today", type=_date, metavar="YYYY-MM-DD", help="judge dates as if today were this day")

    schedule = commands.add_parser("schedule", help="give every approved item a slot per network (state/queue.json)")
    schedule.add_argument("--now", type=_datetime, metavar="YYYY-MM-DDTHH:MM",
                          help="plan as if it were this local time (default: now)")
    schedule.add_argument("--commit", action="store_true", help="commit state/queue.json when it changed")
    schedule.add_argument("--push", action="store_true", help="push that commit (implies --commit)")

    queue = commands.add_parser("queue", help="show the coming schedule")
    queue.add_argument("--now", type=_datetime, metavar="YYYY-MM-DDTHH:MM", help="plan as if it were this local time")
    queue.add_argument("--format", choices=("table", "json"), default="table")
    queue.add_argument("--ics", type=Path, metavar="FILE", help="also write an iCalendar feed for the team")

    site = commands.add_parser("site", help="build the public site and the internal editorial page")
    site.add_argument("--out", type=Path, default=Path("output/site"), metavar="DIR",
                      help="public site folder (default: output/site)")
    site.add_argument("--editorial", type=Path, default=Path("output/editorial"), metavar="DIR",
                      help="editorial page folder, kept apart from the public site (default: output/editorial)")
    site.add_argument("--include-unposted", action="store_true",
                      help="also show approved items not yet posted (a preview of the site to come)")
    site.add_argument("--siteurl", help="public address (default: agency.site_url from postdesk.toml)")
    site.add_argument("--today", type=_date, metavar="YYYY-MM-DD", help="the day the editorial page is for")

    post = commands.add_parser("post", help="post every item whose slot has come, recording each step in the ledger")
    post.add_argument("--due", action="store_true", help="post what is due (the default; kept for explicit scripts)")
    post.add_argument("--now", type=_datetime, metavar="YYYY-MM-DDTHH:MM",
                      help="post what is due at this local time (default: now)")
    post.add_argument("--dry-run", action="store_true",
                      help="print exactly what would be sent and send nothing (the default for a network "
                           "without credentials)")
    post.add_argument("--channel", choices=CHANNELS, action="append",
                      help="only this network (repeatable; default: all)")
    post.add_argument("--push", action="store_true", help="push every ledger commit as it is made")

    monitor = commands.add_parser("monitor", help="fetch new replies and engagement, write the digest, remember them")
    monitor.add_argument("--since", type=_datetime, metavar="YYYY-MM-DDTHH:MM",
                         help="report only comments written after this local time (default: every one not seen yet)")
    monitor.add_argument("--out", type=Path, default=Path("output/monitor"), metavar="DIR",
                         help="where digest.md, issue.md and digest.html go (default: output/monitor)")
    monitor.add_argument("--now", type=_datetime, metavar="YYYY-MM-DDTHH:MM", help="run as if it were this local time")
    monitor.add_argument("--push", action="store_true", help="push the commit of what was seen")

    ledger = commands.add_parser("ledger", help="show the posts that need a person, or settle one")
    ledger_commands = ledger.add_subparsers(dest="ledger_command", parser_class=_Parser)
    ledger_commands.add_parser("show", help="every post that is failed, unknown or waiting to retry (the default)")
    resolve = ledger_commands.add_parser("resolve", help="settle an unknown or failed post after checking the page")
    resolve.add_argument("item", metavar="ITEM", help="the item, e.g. 2026-11-20-backpack-drive")
    resolve.add_argument("channel", metavar="CHANNEL", choices=CHANNELS)
    verdict = resolve.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--posted", metavar="URL", help="the post exists at this address")
    verdict.add_argument("--not-posted", action="store_true", help="the post does not exist: schedule it again")
    resolve.add_argument("--push", action="store_true", help="push the commit")

    schema = commands.add_parser("schema", help="print the submission JSON Schema")
    schema.add_argument("--markdown", action="store_true", help="print the field reference table instead")

    editor_config = commands.add_parser("editor-config",
                                        help="print the web editor's config.yml, made from the schema")
    editor_config.add_argument("--write", action="store_true", help="write it to site/admin/config.yml instead")
    editor_build = commands.add_parser("editor-build", help="assemble the servable /admin/ folder of the web editor")
    editor_build.add_argument("--out", type=Path, required=True, metavar="DIR",
                              help="folder to write, e.g. output/site/admin")
    codeowners = commands.add_parser("codeowners", help="print .github/CODEOWNERS made from [editor] in postdesk.toml")
    codeowners.add_argument("--write", action="store_true", help="write it to .github/CODEOWNERS instead")
    reviewers = commands.add_parser("reviewers", help="the supervisors to ask for a review, from a preview's offices")
    reviewers.add_argument("offices_file", type=Path, metavar="OFFICES_JSON",
                           help="offices.json written by 'postdesk preview'")
    route = commands.add_parser("route-review",
                                help="ask a pull request's office supervisors to review it, and say on the pull "
                                     "request when GitHub refuses (token in GH_TOKEN or GITHUB_TOKEN)")
    route.add_argument("offices_file", type=Path, metavar="OFFICES_JSON",
                       help="offices.json written by 'postdesk preview'")
    route.add_argument("--pr", type=_pr_number, required=True, metavar="N", help="the pull request's number")
    route.add_argument("--head-sha", required=True, metavar="SHA",
                       help="the commit the preview was made for: the pull request must still be open at it")
    route.add_argument("--repo-name", metavar="OWNER/NAME", help="the GitHub repository (default: [editor] repo)")
    comment = commands.add_parser("comment", help="the pull-request comment, written from a preview's preview.json "
                                                  "(read as untrusted data); with --pr, posted (token in GH_TOKEN)")
    comment.add_argument("--from", dest="source", type=Path, required=True, metavar="PREVIEW_JSON",
                         help="preview.json written by 'postdesk preview'")
    comment.add_argument("--check-conclusion", metavar="CONCLUSION",
                         help="the check run's conclusion as GitHub reports it (success, failure...), shown first")
    comment.add_argument("--pr", type=_pr_number, metavar="N",
                         help="post the comment on this pull request (default: print it)")
    comment.add_argument("--head-sha", metavar="SHA",
                         help="the commit the preview was made for: the pull request must still be open at it")
    comment.add_argument("--repo-name", metavar="OWNER/NAME", help="the GitHub repository (default: [editor] repo)")
    comment.add_argument("--server-url", default="https://github.com", metavar="URL",
                         help="GitHub's address (github.server_url), for the links (default: https://github.com)")
    comment.add_argument("--run-id", type=_id_number, metavar="ID",
                         help="the check's workflow run (github.event.workflow_run.id): linked from the comment")
    comment.add_argument("--artifact-id", type=_id_number, metavar="ID",
                         help="the run's preview artifact: linked from the comment")
    doctor = commands.add_parser("doctor", help="check the GitHub setup: main's ruleset, teams, the secrets' "
                                                "environment, Pages, Actions, the postdesk App")
    doctor.add_argument("--repo-name", metavar="OWNER/NAME", help="the GitHub repository (default: [editor] repo)")
    doctor.add_argument("--environment", metavar="NAME",
                        help="the environment holding the network secrets (default: the one post.yml and "
                             "monitor.yml use)")
    new = commands.add_parser("new", help="answer a few questions and get a new submission that passes the checks")
    new.add_argument("--today", type=_date, metavar="YYYY-MM-DD", help="the date in the file name (default: today)")

    commands.add_parser("config", help="print the settings in force (postdesk.toml over the defaults)")

    scrub = commands.add_parser("scrub", help="remove all metadata (GPS, EXIF, XMP, IPTC, comments) from photos")
    scrub.add_argument("files", nargs="+", metavar="FILE")
    return parser


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    # Everything printed passes through SafeStream: text from a pull request cannot drive the terminal.
    out = cast(TextIO, SafeStream(stdout or sys.stdout))
    err = cast(TextIO, SafeStream(stderr or sys.stderr))
    try:
        args = build_parser().parse_args(argv)
        handler = _HANDLERS[args.command]
        return handler(args, out)
    except PostdeskError as exc:
        print(f"postdesk: {exc}", file=err)
        return EXIT_CANNOT_RUN
    except OSError as exc:  # a folder that is a file, a full disk, no permission: the system's words, no traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"postdesk: {where}{exc.strerror or exc}\n  hint: check the path and that it can be written; "
              "nothing else was changed by this step.", file=err)
        return EXIT_CANNOT_RUN
    except KeyboardInterrupt:
        print("postdesk: interrupted", file=err)
        return EXIT_CANNOT_RUN
    except Exception as exc:
        git = sys.modules.get("git")  # imported only by the commands that use git
        if git is None or not isinstance(exc, git.GitCommandError):
            raise
        print(f"postdesk: {_git_failure(exc)}\n  hint: fix what git says, then run again; this run stopped "
              "before recording anything more.", file=err)
        return EXIT_CANNOT_RUN


def _git_failure(exc: Exception) -> str:
    """A failed git command in one line: its name and git's words, never its arguments (a URL may hold a token)."""
    command = getattr(exc, "command", None) or ["git"]
    name = command[1] if isinstance(command, list) and len(command) > 1 else "git"
    said = " ".join(str(getattr(exc, "stderr", "") or "").split()).removeprefix("stderr: ")
    said = re.sub(r"://[^/@\s]*@", "://", said)  # https://x-access-token:…@github.com
    return f"git {name} failed: {said[:500] or 'no reason given'}"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date written YYYY-MM-DD") from None


def _pr_number(text: str) -> int:
    if not (text.isascii() and text.isdigit() and 0 < len(text) <= 9 and int(text) > 0):
        raise argparse.ArgumentTypeError(f"'{text}' is not a pull request number")
    return int(text)


def _id_number(text: str) -> int:
    if not (text.isascii() and text.isdigit() and 0 < len(text) <= 15 and int(text) > 0):
        raise argparse.ArgumentTypeError(f"'{text}' is not a run or artifact id (a positive whole number)")
    return int(text)


def _datetime(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a time written YYYY-MM-DDTHH:MM") from None


def _config(args: argparse.Namespace):  # noqa: ANN202 - Config, imported lazily
    from .config import find_root, load_config

    root = find_root(args.repo or Path.cwd())
    return load_config(root)


def _config_at(config, revision: str):  # noqa: ANN001, ANN202 - Config, imported lazily
    from .config import CONFIG_FILE, config_from_text
    from .gitio import read_file_at

    text = read_file_at(config.root, revision, CONFIG_FILE)
    return config_from_text(text or "", root=config.root, source=f"{revision}:{CONFIG_FILE}")


def _selection(args: argparse.Namespace):  # noqa: ANN202 - (Config, paths), imported lazily
    from .check import all_submission_paths, paths_changed_since, paths_from_arguments

    config = _config(args)
    if args.settings_from:
        config = _config_at(config, args.settings_from)
    if args.paths and args.changed_since:
        raise UsageError("Give either paths or --changed-since, not both.")
    if args.changed_since:
        paths = paths_changed_since(config, args.changed_since)
    elif args.paths:
        paths = paths_from_arguments(config, args.paths)
    else:
        paths = all_submission_paths(config)
    return config, paths


def _boundary(config, args: argparse.Namespace) -> list:  # noqa: ANN001 - Config, imported lazily
    """With --changed-since, every change outside what a submission may touch, and every earlier
    version of a photo that is not clean (a pull request's guard on its whole history)."""
    from .check import boundary_results, earlier_photo_results

    if not args.changed_since:
        return []
    return [*boundary_results(config, args.changed_since), *earlier_photo_results(config, args.changed_since)]


def _approved_names(config, args: argparse.Namespace) -> frozenset[str]:  # noqa: ANN001 - Config, imported lazily
    """The names approved posts have taken: in the work tree, and with --changed-since at that base too
    (a branch made before a post was approved does not have it)."""
    from .check import approved_names

    return approved_names(config, at=args.changed_since)


def _cmd_preview(args: argparse.Namespace, out: TextIO) -> int:
    from .config import today_in
    from .preview import build_preview

    config, paths = _selection(args)
    out_dir = args.out if args.out.is_absolute() else Path.cwd() / args.out
    preview = build_preview(config, paths, out=out_dir, today=args.today or today_in(config),
                            extra=_boundary(config, args), approved=_approved_names(config, args))
    ready = sum(entry.ok for entry in preview.entries)
    out.write(f"Previewed {len(preview.entries)} submission{'s' if len(preview.entries) != 1 else ''} "
              f"({ready} ready). Open {preview.index}\n")
    return EXIT_OK


def _cmd_approve(args: argparse.Namespace, out: TextIO) -> int:
    import json

    from .approve import approve
    from .check import CheckReport
    from .config import today_in
    from .report import format_text

    config = _config(args)
    event = None
    event_path = os.environ.get("GITHUB_EVENT_PATH")
    if event_path and Path(event_path).is_file():
        event = json.loads(Path(event_path).read_text(encoding="utf-8"))
    result = approve(config, today=args.today or today_in(config), event=event, push=args.push)
    for item in result.approved:
        out.write(f"approved {item}\n")
    if result.commit:
        out.write(f"committed {result.commit[:12]}{' and pushed' if result.pushed else ''}\n")
    elif not result.refused:
        out.write("Nothing to approve.\n")
    if result.refused:
        out.write("\nNot approved (they stay in content/submissions/ until fixed):\n")
        out.write(format_text(CheckReport(tuple(result.refused))))
    return EXIT_OK if result.ok else EXIT_FINDINGS


def _now(config, value: dt.datetime | None) -> dt.datetime:  # noqa: ANN001
    if value is None:
        return dt.datetime.now(config.tz)
    return value if value.tzinfo else value.replace(tzinfo=config.tz)


def _cmd_schedule(args: argparse.Namespace, out: TextIO) -> int:
    from .schedule import QUEUE_FILE, read_queue, schedule_repository

    config = _config(args)
    items, problems = read_queue(config)
    plan, _items, text = schedule_repository(config, now=_now(config, args.now), items=items)
    target = config.root / QUEUE_FILE
    changed = not target.exists() or target.read_text(encoding="utf-8") != text
    if changed:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    out.write(f"{len(plan.slots)} slot{'s' if len(plan.slots) != 1 else ''} planned"
              f"{'' if changed else ' (unchanged)'}.\n")
    _report_risks(plan, out)
    if changed and (args.commit or args.push):
        from .gitio import commit_paths

        commit = commit_paths(config.root, [QUEUE_FILE], "Schedule: update the posting queue", push_too=args.push)
        out.write(f"committed {commit[:12]}{' and pushed' if args.push else ''}\n")
    _report_left_out(problems, "NOT SCHEDULED", "postdesk schedule", out)
    return EXIT_FINDINGS if problems else EXIT_OK


def _report_left_out(findings, label: str, title: str, out: TextIO) -> None:  # noqa: ANN001 - Findings
    """Approved files a stage left out, each with what is wrong and how to fix it (and as workflow
    errors on GitHub). Names and messages come from files on main: escaped for the workflow commands."""
    from .report import _escape_data

    if not findings:
        return
    on_github = os.environ.get("GITHUB_ACTIONS") == "true"
    for finding in findings:
        where = f"{finding.path}" + (f" line {finding.line}" if finding.line else "")
        if on_github:
            text = f"{label}: {where}: {finding.message}" + (f" Fix: {finding.hint}" if finding.hint else "")
            out.write(f"::error title={title}::{_escape_data(text)}\n")
        else:
            out.write(f"{label}: {where}: {finding.message} [{finding.rule}]\n"
                      + (f"  fix: {finding.hint}\n" if finding.hint else ""))
    out.write("Everything else was done. Approved posts are sealed: fix one by restoring it from git history, or "
              "send the corrected post as a new submission.\n")


def _report_risks(plan, out: TextIO) -> None:  # noqa: ANN001
    """Loudly: on the terminal, and as workflow annotations when running on GitHub."""
    from .schedule import is_waiting

    on_github = os.environ.get("GITHUB_ACTIONS") == "true"
    problems = [f"AT RISK: {slot.item} on {slot.channel}: the first free slot, {slot.at:%a %d %b %H:%M}, is after "
                f"its deadline {slot.deadline}" for slot in plan.at_risk]
    problems += [f"NOT PLACED: {item} on {channel}: {reason}" for item, channel, reason in plan.unplaced
                 if not is_waiting(reason)]
    for problem in problems:
        out.write(f"::warning title=postdesk schedule::{problem}\n" if on_github else f"{problem}\n")
    for item, channel, reason in plan.unplaced:
        if is_waiting(reason):
            out.write(f"waiting: {item} on {channel}: {reason}\n")


def _cmd_queue(args: argparse.Namespace, out: TextIO) -> int:
    from .schedule import read_queue, render_ics, render_table, schedule_repository

    config = _config(args)
    now = _now(config, args.now)
    items, problems = read_queue(config)
    plan, items, text = schedule_repository(config, now=now, items=items)
    for finding in problems:  # on stderr: the table or the JSON on stdout stays as it is
        print(f"postdesk: not in the queue: {finding.path}: {finding.message}", file=sys.stderr)
    out.write(text if args.format == "json" else render_table(plan, items, config.tz, now=now))
    if args.ics:
        args.ics.write_bytes(render_ics(plan, items, config.tz))
        out.write(f"Calendar feed: {args.ics}\n")
    return EXIT_OK


def _cmd_site(args: argparse.Namespace, out: TextIO) -> int:
    from .config import today_in
    from .editorial import build_editorial
    from .site import build_public_site

    config = _config(args)
    site_dir = args.out if args.out.is_absolute() else config.root / args.out
    editorial_dir = args.editorial if args.editorial.is_absolute() else config.root / args.editorial
    progress = _progress_bar("Preparing posts") if sys.stderr.isatty() else None
    built = build_public_site(config, output=site_dir, include_unposted=args.include_unposted,
                              siteurl=args.siteurl, progress=progress)
    page = build_editorial(config, output=editorial_dir, today=args.today or today_in(config))
    count = built.posts
    out.write(f"Site: {count} post{'s' if count != 1 else ''} in {site_dir}\nEditorial calendar: {page}\n")
    for item, problems in sorted(built.refused.items()):
        out.write(f"REFUSED {item}: left off the site, because " + "; ".join(problems) + ".\n")
    if built.refused:
        out.write("Restore the approved files from git history (or submit the change as a new submission), "
                  "then run postdesk site again.\n")
    _report_left_out(built.left_off, "LEFT OFF THE SITE", "postdesk site", out)
    return EXIT_FINDINGS if built.refused or built.left_off else EXIT_OK


def _progress_bar(label: str):  # noqa: ANN202 - a callback
    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def _cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    from .check import check_submissions, with_results
    from .config import today_in
    from .report import format_github, format_json, format_step_summary, format_text

    config, paths = _selection(args)
    report = check_submissions(config, paths, today=args.today or today_in(config), keep_submissions=False,
                               approved=_approved_names(config, args))
    report = with_results(report, _boundary(config, args))
    if args.format == "json":
        out.write(format_json(report))
    elif args.format == "github":
        out.write(format_github(report))
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            with open(summary, "a", encoding="utf-8") as handle:
                handle.write(format_step_summary(report))
    else:
        colour = out.isatty() and "NO_COLOR" not in os.environ
        out.write(format_text(report, colour=colour))
    return EXIT_OK if report.ok else EXIT_FINDINGS


def _recorder(config, *, push: bool):  # noqa: ANN001, ANN202 - Config and a Record callback
    from .gitio import commit_paths

    def record(paths, message: str) -> None:  # noqa: ANN001
        commit_paths(config.root, list(paths), message, push_too=push)

    return record


def _run_id() -> str:
    import uuid

    github_run = os.environ.get("GITHUB_RUN_ID")
    return f"{github_run}.{os.environ.get('GITHUB_RUN_ATTEMPT', '1')}" if github_run else uuid.uuid4().hex[:12]


def _cmd_post(args: argparse.Namespace, out: TextIO) -> int:
    from .model import CHANNEL_LABELS
    from .post import post_due

    config = _config(args)
    on_github = os.environ.get("GITHUB_ACTIONS") == "true"
    run = post_due(config, env=os.environ, now=_now(config, args.now), run_id=_run_id(),
                   record=_recorder(config, push=args.push), dry_run=args.dry_run,
                   channels=tuple(args.channel or CHANNELS))
    for outcome in run.recovered:
        out.write(f"recovered {outcome.item} on {CHANNEL_LABELS[outcome.channel]}: {outcome.state}: "
                  f"{outcome.message}\n")
    for channel, reason in run.stopped.items():
        out.write(f"{CHANNEL_LABELS[channel]}: {reason}\n")
    for outcome in run.outcomes:
        out.write(f"{outcome.item} on {CHANNEL_LABELS[outcome.channel]}: {outcome.state}: {outcome.message}\n")
    if run.dry_run:
        out.write("\nWould send:\n" + "\n".join(run.dry_run) + "\n")
    if not run.outcomes and not run.recovered:
        out.write("Nothing is due.\n")
    for outcome in run.alerts:
        line = f"{outcome.item} on {CHANNEL_LABELS[outcome.channel]}: {outcome.message}".replace("\n", " ")
        out.write(f"::error title=postdesk post::{line}\n" if on_github else f"NEEDS A PERSON: {line}\n")
    return EXIT_OK if run.ok else EXIT_FINDINGS


def _cmd_monitor(args: argparse.Namespace, out: TextIO) -> int:
    from .model import CHANNEL_LABELS
    from .monitor import FYI, MUST_HIDE, NEEDS_REPLY, monitor

    config = _config(args)
    folder = args.out if args.out.is_absolute() else Path.cwd() / args.out
    since = _now(config, args.since) if args.since else None
    run = monitor(config, env=os.environ, now=_now(config, args.now), since=since, out=folder,
                  record=_recorder(config, push=args.push))
    counts = {kind: len(run.of_kind(kind)) for kind in (MUST_HIDE, NEEDS_REPLY, FYI)}
    out.write(f"Watched {len(run.watched)} post{'s' if len(run.watched) != 1 else ''}: {len(run.new)} new "
              f"comment{'s' if len(run.new) != 1 else ''} ({counts[MUST_HIDE]} must hide, "
              f"{counts[NEEDS_REPLY]} need a reply, {counts[FYI]} fyi).\n")
    for note in run.notes:
        out.write(f"note: {note}\n")
    on_github = os.environ.get("GITHUB_ACTIONS") == "true"
    for report in run.of_kind(MUST_HIDE):
        line = f"MUST HIDE on {CHANNEL_LABELS[report.comment.channel]}: {report.comment.url}"
        out.write(f"::warning title=postdesk monitor::{line}\n" if on_github else f"{line}\n")
    for item, channel, comment in run.overdue:
        line = (f"OVERDUE: a must-hide comment on {CHANNEL_LABELS[channel]} ({item}) is still visible after "
                f"{config.monitor.must_hide_within_hours} h: {comment.url}")
        out.write(f"::error title=postdesk monitor::{line}\n" if on_github else f"{line}\n")
    out.write(f"Digest: {folder / 'digest.md'} and {folder / 'digest.html'}\n")
    return EXIT_OK if run.ok else EXIT_FINDINGS


def _cmd_ledger(args: argparse.Namespace, out: TextIO) -> int:
    from .ledger import NEEDS_A_PERSON, SCHEDULED, readable_ledgers
    from .model import CHANNEL_LABELS
    from .post import resolve_entry

    config = _config(args)
    if args.ledger_command == "resolve":
        by = os.environ.get("GITHUB_ACTOR") or os.environ.get("USER") or "a person"
        entry = resolve_entry(config, args.item, args.channel, url=args.posted, by=by, now=_now(config, None),
                              record=_recorder(config, push=args.push))
        out.write(f"{args.item} on {CHANNEL_LABELS[args.channel]} is now {entry.state}"
                  f"{': ' + entry.url if entry.url else ''}; committed.\n")
        return EXIT_OK
    readable, damaged = readable_ledgers(config)
    for error in damaged:  # its item is not posted anywhere until the file is restored
        out.write(f"{error.path}: {error.message}. {error.hint}\n")
    waiting = len(damaged)
    for ledger in readable:
        for channel, entry in sorted(ledger.channels.items()):
            if entry.state in NEEDS_A_PERSON or (entry.state == SCHEDULED and entry.reason):
                waiting += 1
                out.write(f"{ledger.item} on {CHANNEL_LABELS[channel]}: {entry.state}: {entry.reason}\n")
    if not waiting:
        out.write("No post needs a person.\n")
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace, out: TextIO) -> int:
    from .schema import fields_markdown, schema_text

    out.write(fields_markdown() if args.markdown else schema_text())
    return EXIT_OK


def _write_or_print(config, rel: str, text: str, write: bool, out: TextIO) -> int:  # noqa: ANN001 - Config
    if not write:
        out.write(text)
        return EXIT_OK
    target = config.root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    changed = not target.exists() or target.read_text(encoding="utf-8") != text
    if changed:
        target.write_text(text, encoding="utf-8")
    out.write(f"{'Wrote' if changed else 'Unchanged:'} {rel}\n")
    return EXIT_OK


def _cmd_editor_config(args: argparse.Namespace, out: TextIO) -> int:
    from .editor import CONFIG_YML, editor_config_yaml

    config = _config(args)
    return _write_or_print(config, CONFIG_YML, editor_config_yaml(config), args.write, out)


def _cmd_editor_build(args: argparse.Namespace, out: TextIO) -> int:
    from .editor import build_admin

    config = _config(args)
    target = args.out if args.out.is_absolute() else Path.cwd() / args.out
    index = build_admin(config, target)
    out.write(f"Web editor: {index}\n")
    return EXIT_OK


def _cmd_codeowners(args: argparse.Namespace, out: TextIO) -> int:
    from .editor import CODEOWNERS, codeowners_text

    config = _config(args)
    return _write_or_print(config, CODEOWNERS, codeowners_text(config), args.write, out)


def _reviewers(config, offices_file: Path) -> list[str]:  # noqa: ANN001 - Config, imported lazily
    """The supervisors to ask for the offices in a preview's offices.json (offices without any said on stderr)."""
    from .editor import offices_from_json, reviewers_for

    try:
        text = offices_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{offices_file} cannot be read: {exc}", hint="Pass the offices.json of a preview.") \
            from None
    handles, unknown = reviewers_for(config, offices_from_json(text))
    for office in unknown:
        print(f"postdesk: no supervisors configured for the office {office!r}; the communications team reviews "
              "it (add it to [editor] supervisors in postdesk.toml)", file=sys.stderr)
    return handles


def _cmd_reviewers(args: argparse.Namespace, out: TextIO) -> int:
    handles = _reviewers(_config(args), args.offices_file)
    out.write("".join(f"{handle}\n" for handle in handles))
    return EXIT_OK


def _github(args: argparse.Namespace, config):  # noqa: ANN001, ANN202 - (RepoName, token, API URL)
    """The repository, token and API address for a command that talks to GitHub, all validated."""
    from .routing import api_base_url, github_token, parse_repo_name

    return parse_repo_name(args.repo_name or config.editor.repo), github_token(os.environ), api_base_url(os.environ)


def _cmd_route_review(args: argparse.Namespace, out: TextIO) -> int:
    from .config import today_in
    from .routing import GitHubApi, route_review, valid_sha

    config = _config(args)
    repo, token, url = _github(args, config)
    head_sha = valid_sha(args.head_sha)
    handles = _reviewers(config, args.offices_file)
    with GitHubApi(token, base_url=url) as api:
        routing = route_review(api, repo, number=args.pr, head_sha=head_sha, handles=handles, today=today_in(config))
    for note in routing.notes:
        out.write(f"note: {note}\n")
    if routing.requested:
        out.write(f"Asked to review pull request {routing.number}: {', '.join(routing.requested)}\n")
    elif not routing.not_asked:
        out.write(f"Nobody to ask for pull request {routing.number} (the code owners review it).\n")
    if routing.ok:
        return EXIT_OK
    on_github = os.environ.get("GITHUB_ACTIONS") == "true"
    why = f" (GitHub {routing.status}: {routing.message})" if routing.message else ""
    line = (f"could not ask {', '.join(item.handle for item in routing.not_asked)} to review pull request "
            f"{routing.number}{why}; explained on the pull request: {routing.comment_url or 'comment not found'}")
    line = line.replace("\n", " ")
    out.write(f"::error title=postdesk route-review::{line}\n" if on_github else f"NOT ASKED: {line}\n")
    return EXIT_FINDINGS


def _cmd_comment(args: argparse.Namespace, out: TextIO) -> int:
    from .comment import (
        CHECK_CONCLUSIONS,
        MAX_BYTES,
        PreviewDataError,
        make_links,
        post_comment,
        read_preview_data,
        render_comment,
        unreadable_comment,
    )
    from .routing import parse_repo_name, valid_sha

    check = args.check_conclusion
    if check is not None and check not in CHECK_CONCLUSIONS:
        raise UsageError(f"{check!r} is not a check run conclusion GitHub reports.",
                         hint=f"Pass one of {', '.join(CHECK_CONCLUSIONS)} (github.event.workflow_run.conclusion).")
    if args.pr is not None and not args.head_sha:
        raise UsageError("--pr needs --head-sha, the commit the preview was made for.")
    # The links (run, artifact, thumbnails at the head commit) come from these arguments, which the
    # workflow takes from the workflow_run event: never from the artifact.
    links = make_links(server_url=args.server_url, repo=str(parse_repo_name(args.repo_name)) if args.repo_name else "",
                       head_sha=valid_sha(args.head_sha) if args.head_sha else "", run_id=args.run_id,
                       artifact_id=args.artifact_id)
    try:
        try:
            with args.source.open("rb") as handle:
                raw = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise PreviewDataError(f"the preview data cannot be opened ({exc.strerror or 'unreadable'})") from None
        text, code = render_comment(read_preview_data(raw), check=check, links=links), EXIT_OK
    except PreviewDataError as exc:  # said in the log, in our own words; the comment quotes nothing of the file
        text, code = unreadable_comment(check=check), EXIT_FINDINGS
        line = f"{args.source}: {exc.message}; the pull request is told its preview could not be read"
        on_github = os.environ.get("GITHUB_ACTIONS") == "true"
        print(f"::error title=postdesk comment::{line}" if on_github else f"postdesk: {line}", file=sys.stderr)
    if args.pr is None:
        out.write(text)
        return code
    from .routing import GitHubApi

    repo, token, url = _github(args, _config(args))
    with GitHubApi(token, base_url=url) as api:
        address = post_comment(api, repo, number=args.pr, head_sha=args.head_sha, text=text)
    out.write(f"Preview comment on pull request {args.pr}: {address or 'written'}\n")
    return code


def _cmd_doctor(args: argparse.Namespace, out: TextIO) -> int:
    from .doctor import OK, format_items, run_doctor

    config = _config(args)
    repo, token, url = _github(args, config)
    items = run_doctor(config, repo=repo, token=token, base_url=url, environment=args.environment)
    out.write(f"postdesk doctor: {repo} ({url})\n\n")
    out.write(format_items(items, secrets=(token,)))
    return EXIT_OK if all(item.status == OK for item in items) else EXIT_FINDINGS


def _cmd_new(args: argparse.Namespace, out: TextIO) -> int:
    from .check import CheckReport, FileResult
    from .config import today_in
    from .newsubmission import new_submission
    from .report import format_text

    config = _config(args)

    def ask(prompt: str) -> str:
        out.write(prompt)
        out.flush()
        line = sys.stdin.readline()
        if not line:
            raise UsageError("The questions ended before the submission was complete.", hint="Nothing was written.")
        return line.rstrip("\n")

    def say(text: str) -> None:
        out.write(text + "\n")

    result = new_submission(config, ask=ask, say=say, today=args.today or today_in(config))
    out.write(f"\nWrote {result.path}\n")
    if result.findings:
        out.write(format_text(CheckReport((FileResult(result.path, result.findings, None),))))
        return EXIT_FINDINGS
    out.write("It passes postdesk check. Commit it with its photos and open a pull request.\n")
    return EXIT_OK


def _cmd_config(args: argparse.Namespace, out: TextIO) -> int:
    from .config import config_as_toml

    out.write(config_as_toml(_config(args)))
    return EXIT_OK


def _cmd_scrub(args: argparse.Namespace, out: TextIO) -> int:
    from .config import find_root
    from .media import scrub_image

    root = find_root(args.repo or Path.cwd())
    failures = 0
    for name in args.files:
        path = Path(os.path.normpath(Path.cwd() / name))
        try:
            path.parent.resolve().relative_to(root)
        except ValueError:
            raise UsageError(f"{name} is outside the repository {root}.",
                             hint="Scrub photos inside this repository.") from None
        try:
            result = scrub_image(path)
        except PostdeskError as exc:
            out.write(f"{name}: not scrubbed: {exc.message}\n" + (f"  fix: {exc.hint}\n" if exc.hint else ""))
            failures += 1
            continue
        removed = ", ".join(result.removed) if result.removed else "nothing to remove"
        turned = " (turned upright)" if result.rotated else ""
        out.write(f"{name}: scrubbed{turned}: {removed}; verified clean.\n")
    return EXIT_FINDINGS if failures else EXIT_OK


_HANDLERS = {
    "editor-config": _cmd_editor_config,
    "editor-build": _cmd_editor_build,
    "codeowners": _cmd_codeowners,
    "new": _cmd_new,
    "reviewers": _cmd_reviewers,
    "route-review": _cmd_route_review,
    "doctor": _cmd_doctor,
    "check": _cmd_check,
    "preview": _cmd_preview,
    "comment": _cmd_comment,
    "approve": _cmd_approve,
    "site": _cmd_site,
    "schedule": _cmd_schedule,
    "queue": _cmd_queue,
    "post": _cmd_post,
    "ledger": _cmd_ledger,
    "monitor": _cmd_monitor,
    "schema": _cmd_schema,
    "config": _cmd_config,
    "scrub": _cmd_scrub,
}


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
