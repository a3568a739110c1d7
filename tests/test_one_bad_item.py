"""Hostile and careless input after review: one bad item never crashes a stage and never blocks the others.

Each test builds the bad case in a real git repository (a stale branch, a merge, a file an
admin pushed to main by hand), runs the stage, and checks the safe outcome: the bad item is
reported (the file, what is wrong, how to fix it) and left where it is, every other item is
processed, and the run exits 1 at the end. Where a crash was at stake, the command runs in a
subprocess and its output must hold no traceback.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from postdesk import check as check_module
from postdesk import post as post_module
from postdesk.approve import approve, rendition_path
from postdesk.check import check_submissions
from postdesk.cli import main
from postdesk.seal import file_digest

from .conftest import ITEM, OTHER, PLAN_AT, PROJECT, TODAY, make_repo, render, seal_by_hand, valid_front
from .test_approve import merge_examples
from .test_post import _cli, run_post, states


def postdesk(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The command line in a subprocess, with the package from this tree."""
    environment = {**os.environ, **(env or {}), "PYTHONPATH": str(PROJECT / "tools")}
    environment.pop("GITHUB_ACTIONS", None)
    return subprocess.run([sys.executable, "-m", "postdesk", "--repo", str(root), *args], capture_output=True,
                          text=True, env=environment, timeout=300, check=False)


def no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr + done.stdout, done.stderr


def reseal(root: Path, item: str, path: str) -> None:
    """Seal ``path`` of ``item`` in its present form, as if it had been approved that way (an admin's direct push)."""
    record = root / "state/approvals" / f"{item}.json"
    data = json.loads(record.read_text(encoding="utf-8"))
    data["sealed"][path] = file_digest(root / path)
    record.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def approved_by_hand(desk, name: str, text: str) -> None:
    """An approved post an admin pushed to main by hand, sealed so that only its own problem shows."""
    desk.write(f"content/approved/{name}", text)
    seal_by_hand(desk.root, name.removesuffix(".md"))


# --------------------------------------------------------------------------- a name already taken


def test_a_name_already_taken_is_reported_by_check_and_preview_and_refused_by_approve(repo, tmp_path):
    repo.git.git.branch("stale")  # a branch made before the post below was approved
    merge_examples(repo, names={f"{ITEM}.md"})
    assert approve(repo.config, today=TODAY).ok
    approved = repo.root / f"content/approved/{ITEM}.md"
    record = repo.root / f"state/approvals/{ITEM}.json"
    approved_bytes, record_bytes = approved.read_bytes(), record.read_bytes()

    # The stale branch has no content/approved/ITEM.md: only main, the pull request's base, says the name is taken.
    repo.git.git.checkout("stale")
    repo.submission(f"{ITEM}.md", body="A different post that happens to have the same name.")
    repo.submission("2026-11-21-fresh-name.md")
    repo.commit("Suggest two posts")
    checked = postdesk(repo.root, "check", "--changed-since", "main", "--today", "2026-11-23")
    no_traceback(checked)
    assert checked.returncode == 1
    assert "[file.name-taken]" in checked.stdout and f"{ITEM}-2.md" in checked.stdout
    assert "2026-11-21-fresh-name.md" not in checked.stdout  # the other one passes

    # A branch off main after the approval: the preview used to fail with a traceback (no summary, no comment).
    repo.git.git.checkout("main")
    repo.git.git.checkout("-b", "same-name")
    repo.submission(f"{ITEM}.md", body="A different post that happens to have the same name.")
    repo.submission("2026-11-21-fresh-name.md")
    repo.commit("Suggest two posts")
    preview = postdesk(repo.root, "preview", "--changed-since", "main", "--today", "2026-11-23",
                       "--out", str(tmp_path / "preview"))
    no_traceback(preview)
    assert preview.returncode == 0
    summary = (tmp_path / "preview/summary.md").read_text(encoding="utf-8")
    assert "file.name-taken" in summary and "1 ready" in preview.stdout

    # Merged anyway: approve refuses that one, approves the other, and nothing is replaced.
    repo.git.git.checkout("main")
    repo.git.git.merge("--no-ff", "same-name", "-m", "Merge pull request #13 from agency/same-name")
    submitted = (repo.root / f"content/submissions/{ITEM}.md").read_bytes()
    approved_run = postdesk(repo.root, "approve", "--today", "2026-11-23")
    no_traceback(approved_run)
    assert approved_run.returncode == 1
    assert "approved 2026-11-21-fresh-name" in approved_run.stdout and "[file.name-taken]" in approved_run.stdout
    assert (repo.root / "content/approved/2026-11-21-fresh-name.md").is_file()
    assert (repo.root / f"content/submissions/{ITEM}.md").read_bytes() == submitted
    assert approved.read_bytes() == approved_bytes and record.read_bytes() == record_bytes
    assert not repo.git.is_dirty() and not repo.git.git.ls_files("--others", "--", "content", "state")

    # One rule, one message: what check says before the merge is what approve says after it.
    before = check_submissions(repo.config, [f"content/submissions/{ITEM}.md"], today=TODAY).findings
    after = approve(repo.config, today=TODAY).refused[0].findings
    assert [f for f in before if f.rule == "file.name-taken"] == [f for f in after if f.rule == "file.name-taken"]


def test_preview_draws_every_other_file_when_one_fails_and_without_a_theme_still_writes_the_summary(
        repo, tmp_path, monkeypatch):
    from postdesk import preview as preview_module

    good = repo.submission("2026-11-20-backpack-drive.md")
    bad = repo.submission("2026-11-21-trips-the-cards.md")
    real = preview_module._card

    def card(config, sub, channel, photos):
        if sub.path == bad:
            raise ZeroDivisionError("division by zero")
        return real(config, sub, channel, photos)

    monkeypatch.setattr(preview_module, "_card", card)
    built = preview_module.build_preview(repo.config, [good, bad], out=tmp_path / "one", today=TODAY, site=False)
    by_path = {entry.path: entry for entry in built.entries}
    assert by_path[good].cards and not by_path[bad].cards
    assert "ZeroDivisionError" in by_path[bad].notes[0] and by_path[bad].ok  # the check's verdict stands
    monkeypatch.undo()

    shutil.rmtree(repo.root / "theme")
    done = postdesk(repo.root, "preview", "--today", "2026-11-23", "--out", str(tmp_path / "two"))
    no_traceback(done)
    assert done.returncode == 0
    assert "No site page: the site preview could not be built (The folder theme/" in \
           (tmp_path / "two/index.html").read_text(encoding="utf-8")
    assert (tmp_path / "two/summary.md").is_file()


# --------------------------------------------------------------------------- approve


def test_approve_refuses_the_items_it_cannot_approve_and_approves_the_others(repo):
    merge_examples(repo, names={f"{ITEM}.md"})
    repo.photo("blocked.jpg")
    blocked = "content/submissions/2026-11-21-blocked-photo.md"
    repo.submission("2026-11-21-blocked-photo.md", front=valid_front(
        images=[{"file": "media/blocked.jpg", "alt": "A blue square on a plain background", "people": "none"}]))
    repo.submission("index.md")  # would become content/approved/index.md: the site's home page
    repo.commit("Merged by an admin override")
    # Its X rendition cannot be written (a folder is in the way), after its Facebook one was.
    (repo.root / rendition_path("2026-11-21-blocked-photo", 1, "x")).mkdir(parents=True)
    done = postdesk(repo.root, "approve", "--today", "2026-11-23")
    no_traceback(done)
    assert done.returncode == 1
    assert f"approved {ITEM}" in done.stdout
    assert "[approve.failed]" in done.stdout and "content/submissions/2026-11-21-blocked-photo.md" in done.stdout
    assert "content/submissions/index.md" in done.stdout and "[file.name]" in done.stdout
    assert (repo.root / f"content/approved/{ITEM}.md").is_file()
    assert repo.git.head.commit.message.startswith(f"Approve 1 submission: {ITEM}")
    assert (repo.root / blocked).is_file() and (repo.root / "content/submissions/index.md").is_file()
    assert not (repo.root / "content/approved/index.md").exists()
    # What this attempt made for the refused item is gone again: nothing of it is committed.
    assert not (repo.root / "state/approvals/2026-11-21-blocked-photo.json").exists()
    assert not (repo.root / rendition_path("2026-11-21-blocked-photo", 1, "facebook")).exists()
    assert not repo.git.is_dirty(untracked_files=True)


def test_a_fault_in_a_check_fails_that_file_only(repo, monkeypatch):
    good = repo.submission("2026-11-20-backpack-drive.md")
    bad = repo.submission("2026-11-21-trips-a-bug.md")
    real = check_module.run_checks

    def run_checks(parsed, **kwargs):
        if parsed.path == bad:
            raise IndexError("list index out of range")
        return real(parsed, **kwargs)

    monkeypatch.setattr(check_module, "run_checks", run_checks)
    report = check_submissions(repo.config, [good, bad], today=TODAY)
    by_path = {result.path: result for result in report.files}
    assert by_path[good].ok and by_path[good].submission is not None
    assert [f.rule for f in by_path[bad].findings] == ["check.failed"]
    assert "IndexError" in by_path[bad].findings[0].message and "fault in postdesk" in by_path[bad].findings[0].hint


# --------------------------------------------------------------------------- schedule


def _bad_approved_items(desk) -> None:
    """Four approved files that cannot be planned, beside the desk's two good ones."""
    hijack = render(valid_front(title="Home page hijack"), "This text would replace the home page.")
    approved_by_hand(desk, "index.md", hijack)
    broken = render(valid_front(category=None), "Approved before the category became required.")
    approved_by_hand(desk, "2026-11-21-broken-fields.md", broken)
    approved_by_hand(desk, "2026-11-22-lost-ledger.md", render(valid_front(title="A post whose ledger was damaged")))
    desk.write("state/ledger/2026-11-22-lost-ledger.json", '{"channels": {"x": ')
    desk.write("content/approved/2026-11-23-a-folder.md/notes.txt", "A folder named like a post.")
    desk.commit("An admin's direct push")


def test_schedule_plans_every_good_item_and_names_each_bad_one(desk):
    _bad_approved_items(desk)
    desk.git.git.rm("-q", "state/queue.json")  # so that the new queue is committed
    desk.commit("Plan afresh")
    done = postdesk(desk.root, "schedule", "--now", PLAN_AT.strftime("%Y-%m-%dT%H:%M"), "--commit")
    no_traceback(done)
    assert done.returncode == 1
    queue = json.loads((desk.root / "state/queue.json").read_text(encoding="utf-8"))
    assert {slot["item"] for slot in queue["slots"]} == {ITEM, OTHER}
    assert desk.git.head.commit.message.startswith("Schedule")
    text = done.stdout
    assert "NOT SCHEDULED: content/approved/index.md" in text and "YYYY-MM-DD-slug.md" in text
    assert "content/approved/2026-11-21-broken-fields.md line 1" in text and "[schema.required]" in text
    assert "state/ledger/2026-11-22-lost-ledger.json" in text and "[ledger.unreadable]" in text
    assert "content/approved/2026-11-23-a-folder.md" in text and "[approved.not-a-file]" in text
    assert text.count("fix:") >= 4
    shown = postdesk(desk.root, "queue", "--now", PLAN_AT.strftime("%Y-%m-%dT%H:%M"), "--format", "json")
    no_traceback(shown)
    assert json.loads(shown.stdout)["slots"] and "not in the queue: content/approved/index.md" in shown.stderr


def test_a_hostile_file_name_cannot_forge_workflow_commands(desk, monkeypatch):
    approved_by_hand(desk, "evil\n::error file=x::forged.md", render(valid_front()))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    out = io.StringIO()
    code = main(["--repo", str(desk.root), "schedule", "--now", PLAN_AT.strftime("%Y-%m-%dT%H:%M")], stdout=out,
                stderr=io.StringIO())
    assert code == 1
    commands = [line for line in out.getvalue().splitlines() if line.startswith("::")]
    assert commands and all(line.startswith("::error title=postdesk schedule::") for line in commands)
    assert "evil%0A::error file=x::forged.md" in out.getvalue()


# --------------------------------------------------------------------------- site


def test_the_site_publishes_every_good_post_and_names_each_bad_one(desk, tmp_path):
    _bad_approved_items(desk)
    # A photo that cannot be decoded, sealed that way (so only the photo itself is wrong).
    rendition = rendition_path(OTHER, 1, "facebook")
    desk.write(rendition, b"\xff\xd8 not a photo at all")
    reseal(desk.root, OTHER, rendition)
    desk.commit("A damaged photo")
    out = tmp_path / "site"
    done = postdesk(desk.root, "site", "--include-unposted", "--out", str(out), "--editorial",
                    str(tmp_path / "editorial"), "--today", "2026-11-23")
    no_traceback(done)
    assert done.returncode == 1
    assert "Site: 1 post" in done.stdout
    assert (out / f"{ITEM}.html").is_file()
    home = (out / "index.html").read_text(encoding="utf-8")
    assert f"{ITEM}.html" in home and "Home page hijack" not in home
    for left_off in (OTHER, "2026-11-21-broken-fields", "2026-11-22-lost-ledger"):
        assert not (out / f"{left_off}.html").exists()
    text = done.stdout
    assert "LEFT OFF THE SITE: content/approved/index.md" in text and "YYYY-MM-DD-slug.md" in text
    assert f"content/approved/{OTHER}.md: It cannot be shown on the site: photo 1 ({rendition}) cannot be opened: it " \
           "is damaged or not a photo" in text
    assert "content/approved/2026-11-21-broken-fields.md line 1" in text
    assert "state/ledger/2026-11-22-lost-ledger.json" in text
    assert "content/approved/2026-11-23-a-folder.md: 2026-11-23-a-folder.md is a folder" in text
    editorial = (tmp_path / "editorial/index.html").read_text(encoding="utf-8")
    assert "2026-11-22-lost-ledger</strong> on every network: ledger unreadable" in editorial


def test_a_post_that_cannot_be_read_leaves_no_stale_page(desk, tmp_path):
    from postdesk.site import build_public_site

    out = tmp_path / "site"
    assert build_public_site(desk.config, output=out, include_unposted=True).posts == 2
    text = (desk.root / f"content/approved/{OTHER}.md").read_text(encoding="utf-8")
    desk.write(f"content/approved/{OTHER}.md", text.replace("category:", "kind:", 1))
    seal_by_hand(desk.root, OTHER)
    built = build_public_site(desk.config, output=out, include_unposted=True)
    assert built.posts == 1 and {f.rule for f in built.left_off} == {"schema.required", "schema.unknown-key"}
    assert not (out / f"{OTHER}.html").exists() and f"{OTHER}.html" not in (out / "index.html").read_text()


def test_site_without_its_theme_says_what_is_missing_and_exits_2(desk, tmp_path):
    shutil.rmtree(desk.root / "theme")
    done = postdesk(desk.root, "site", "--include-unposted", "--out", str(tmp_path / "site"))
    no_traceback(done)
    assert done.returncode == 2
    assert "theme/" in done.stderr and "git checkout" in done.stderr and "project template" in done.stderr
    assert not (tmp_path / "site").exists()


# --------------------------------------------------------------------------- post


def _client_failing_on(item: str, channel: str, *, after_publish_recorded: bool):
    """The real client for every network, but the one for ``channel`` raises (a bug, not a ChannelError) on ``item``."""
    real = post_module.client_for

    def client_for(name, config, env, **options):
        client = real(name, config, env, **options)
        if name == channel:
            publish = client.publish

            def failing(post, *, before_publish):
                if post.item == item:
                    if after_publish_recorded:
                        before_publish(())
                    raise KeyError("id")  # e.g. an answer without the field the client expects
                return publish(post, before_publish=before_publish)

            client.publish = failing
        return client

    return client_for


@pytest.mark.parametrize(("after_publish_recorded", "settled"), [
    (False, "scheduled"),  # it failed before asking the network to publish: nothing public, tried again
    (True, "unknown"),     # it may have been published: a person checks, it is never sent blindly
])
def test_a_network_client_failing_on_one_post_is_settled_and_the_other_posts_go_out(
        desk, networks, monkeypatch, after_publish_recorded, settled):
    monkeypatch.setattr(post_module, "client_for",
                        _client_failing_on(ITEM, "x", after_publish_recorded=after_publish_recorded))
    out = io.StringIO()
    code = _cli(["post", "--now", desk.due.strftime("%Y-%m-%dT%H:%M")], desk, out, {**os.environ, **networks.env})
    assert code == 1  # no exception escaped: the command reported and finished
    assert states(desk) == {"facebook": "posted", "x": settled, "linkedin": "posted"}
    assert states(desk, OTHER)["facebook"] == "posted"
    assert f"{ITEM} on X: {settled}: postdesk failed while sending it (KeyError: 'id')" in out.getvalue()
    # X stops for this run: the other X post waits (scheduled, never lost) unless it went out before.
    other_x_first = desk.slots[OTHER, "x"] < desk.slots[ITEM, "x"]
    assert states(desk, OTHER).get("x", "scheduled") == ("posted" if other_x_first else "scheduled")
    assert not desk.git.is_dirty(untracked_files=True)
    monkeypatch.undo()
    again = run_post(desk, networks)
    assert states(desk, OTHER)["x"] == "posted"
    assert states(desk)["x"] == ("posted" if settled == "scheduled" else "unknown")
    assert sum("backpacks" in post.text for post in networks.x.posts) == (1 if settled == "scheduled" else 0)
    assert again.ok


def test_a_post_that_fails_before_sending_stays_scheduled_and_the_others_go_out(desk, networks, monkeypatch):
    real = post_module.outgoing_post

    def outgoing_post(submission, channel):
        if Path(submission.path).stem == ITEM:
            raise ValueError("a text postdesk cannot build")
        return real(submission, channel)

    monkeypatch.setattr(post_module, "outgoing_post", outgoing_post)
    run = run_post(desk, networks)
    assert not run.ok and not run.stopped
    assert {(o.item, o.channel) for o in run.alerts} == {(ITEM, "facebook"), (ITEM, "x"), (ITEM, "linkedin")}
    assert all("stays scheduled" in o.message for o in run.alerts)
    assert not (desk.root / f"state/ledger/{ITEM}.json").exists()  # nothing was sent, nothing recorded
    assert states(desk, OTHER) == {"facebook": "posted", "x": "posted"}


def test_a_post_whose_ledger_cannot_be_read_is_not_sent_and_the_others_go_out(desk, networks):
    desk.write(f"state/ledger/{ITEM}.json", "{ this is not the ledger")
    desk.commit("A damaged ledger")
    done = postdesk(desk.root, "post", "--now", desk.due.strftime("%Y-%m-%dT%H:%M"), env=networks.env)
    no_traceback(done)
    assert done.returncode == 1
    assert f"{ITEM} on X: not sent: The ledger of {ITEM} cannot be read" in done.stdout
    assert sum("backpacks" in post.text for post in networks.x.posts) == 0
    assert (desk.root / f"state/ledger/{ITEM}.json").read_text(encoding="utf-8") == "{ this is not the ledger"
    assert states(desk, OTHER) == {"facebook": "posted", "x": "posted"}
    shown = io.StringIO()
    assert _cli(["ledger"], desk, shown, dict(os.environ)) == 0
    assert f"state/ledger/{ITEM}.json: The ledger of {ITEM} cannot be read" in shown.getvalue()


def test_a_ledger_change_that_cannot_be_committed_still_stops_the_run(desk, networks):
    from postdesk.errors import RepositoryError

    def record(paths, message):
        raise RepositoryError("git push failed: rejected", hint="Another run pushed first.")

    with pytest.raises(RepositoryError, match="git push failed"):
        post_module.post_due(desk.config, env=networks.env, now=desk.due, run_id="test-run", record=record)
    assert all(fake.requests == [] for fake in networks.all)  # nothing sent without a record
    sending = [(item, channel) for item in (ITEM, OTHER) for channel, state in states(desk, item).items()
               if state == "sending"]
    assert len(sending) == 1  # the first post's claim, uncommitted: settled by the next run, as ever


def test_a_fresh_repository_without_bad_items_still_exits_0(tmp_path):
    made = make_repo(tmp_path / "empty")
    try:
        for args in (("schedule", "--now", "2030-07-20T08:00"), ("site", "--out", str(tmp_path / "site"))):
            done = postdesk(made.root, *args)
            no_traceback(done)
            assert done.returncode == 0, done.stdout
    finally:
        made.git.close()
