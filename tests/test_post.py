"""`postdesk post` end to end: a real git repository, real photos, the three networks as loopback fakes."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import git
import pytest

from postdesk.channels.base import RetryPolicy
from postdesk.cli import main
from postdesk.errors import RepositoryError
from postdesk.gitio import commit_paths
from postdesk.ledger import read_ledger
from postdesk.post import STEPS, post_due, posting_lock, resolve_entry
from postdesk.schedule import schedule_repository

from .conftest import ITEM, OTHER, PLAN_AT, PROJECT, TODAY, Networks, Repo, make_repo  # noqa: F401

INSTANT = RetryPolicy(sleep=lambda _seconds: None)


def run_post(desk, networks, *, env=None, now=None, **options):
    return post_due(desk.config, env=networks.env if env is None else env, now=now or desk.due, run_id="test-run",
                    record=lambda paths, message: commit_paths(desk.root, list(paths), message),
                    policy=INSTANT, **options)


def states(desk, item=ITEM) -> dict[str, str]:
    return {channel: entry.state for channel, entry in read_ledger(desk.config, item).channels.items()}


def commits(desk) -> list[str]:
    return [c.message.strip() for c in desk.git.iter_commits("main")]


# --------------------------------------------------------------------------- the happy path


def test_due_posts_go_out_once_each_and_the_ledger_is_committed(desk, networks):
    run = run_post(desk, networks)
    assert run.ok, run.alerts
    assert networks.posted() == {"facebook": 2, "x": 2, "linkedin": 1}
    assert states(desk) == {"facebook": "posted", "x": "posted", "linkedin": "posted"}
    entry = read_ledger(desk.config, ITEM).entry("x")
    assert entry.url.startswith("https://x.com/") and entry.post_id in entry.url
    assert [event.state for event in entry.history] == ["sending", "sending", "posted"]
    assert "Ledger: sending 2026-11-20-backpack-drive to X" in commits(desk)
    assert "Ledger: posted 2026-11-20-backpack-drive on X" in commits(desk)
    assert not desk.git.is_dirty(untracked_files=True)
    x_post = next(p for p in networks.x.posts if "backpacks" in p.text)
    assert x_post.text.startswith("Help us fill 400 backpacks")
    assert len(x_post.media_ids) == 1
    again = run_post(desk, networks)
    assert again.outcomes == [] and networks.posted() == {"facebook": 2, "x": 2, "linkedin": 1}


def test_posts_follow_the_slots_and_nothing_goes_before_its_time(desk, networks):
    first = min(desk.slots.values())
    run_post(desk, networks, now=first)
    sent = [(o.item, o.channel) for o in run_post(desk, networks, now=first).outcomes]
    assert sent == []
    posted = {(item, channel) for item in (ITEM, OTHER) for channel, state in states(desk, item).items()
              if state == "posted"}
    assert posted == {key for key, at in desk.slots.items() if at <= first}
    assert sum(networks.posted().values()) == len(posted)


def test_the_site_links_each_post_to_its_network_address(desk, networks, tmp_path):
    from postdesk.site import build_public_site

    run_post(desk, networks)
    assert build_public_site(desk.config, output=tmp_path / "site", include_unposted=False).posts == 2
    page = next((tmp_path / "site").glob(f"{ITEM}*.html")).read_text(encoding="utf-8")
    for url in (e.url for e in read_ledger(desk.config, ITEM).channels.values()):
        assert url in page


# --------------------------------------------------------------------------- credentials and dry runs


def test_a_network_without_credentials_is_skipped_and_its_posts_stay_scheduled(desk, networks):
    env = {k: v for k, v in networks.env.items() if not k.startswith("X_")}
    run = run_post(desk, networks, env=env)
    assert "X_API_KEY" in run.stopped["x"] and "X_USER_TOKEN" in run.stopped["x"]
    assert networks.posted()["x"] == 0 and networks.x.requests == []
    assert "x" not in states(desk)
    assert any("POST" in line and "/2/tweets" in line for line in run.dry_run)
    assert run.ok  # skipping is not a failure: the items go out once the secrets are set
    assert run_post(desk, networks).ok and networks.posted()["x"] == 2


def test_dry_run_sends_and_records_nothing_and_prints_what_would_be_sent(desk, networks):
    head = desk.git.head.commit.hexsha
    out = io.StringIO()
    env = {**os.environ, **networks.env}
    code = _cli(["post", "--dry-run", "--now", desk.due.strftime("%Y-%m-%dT%H:%M")], desk, out, env)
    assert code == 0
    text = out.getvalue()
    assert all(fake.requests == [] for fake in networks.all)
    assert desk.git.head.commit.hexsha == head
    assert "Help us fill 400 backpacks" in text
    assert "Rows of donated backpacks" in text  # the alt text
    assert "2026-11-20-backpack-drive-1-x.jpg" in text
    for secret in networks.secrets:
        assert secret not in text


def _cli(argv, desk, out, env):
    old = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        return main(["--repo", str(desk.root), *argv], stdout=out, stderr=out)
    finally:
        os.environ.clear()
        os.environ.update(old)


# --------------------------------------------------------------------------- errors


def test_a_partial_failure_retries_only_the_network_that_failed(desk, networks):
    networks.x.server_error_next(status=503, times=99)
    run = run_post(desk, networks)
    assert states(desk)["x"] == "scheduled" and states(desk)["facebook"] == "posted"
    assert "unavailable" in read_ledger(desk.config, ITEM).entry("x").reason
    assert run.ok  # a temporary outage is retried by the next run, not alarmed about
    networks.x._scripts.clear()
    before = {name: len(fake.requests) for name, fake in zip(("facebook", "x", "linkedin"), networks.all, strict=True)}
    assert run_post(desk, networks).ok
    assert len(networks.facebook.requests) == before["facebook"]
    assert len(networks.linkedin.requests) == before["linkedin"]
    assert networks.posted() == {"facebook": 2, "x": 2, "linkedin": 1}
    assert read_ledger(desk.config, ITEM).entry("x").attempts == 2


def test_a_far_rate_limit_pauses_the_network_until_its_reset(desk, networks):
    networks.x.rate_limit_next(reset_in=desk.due.timestamp() - time.time() + 3600)  # an hour after the run
    run = run_post(desk, networks)
    assert "rate limited" in run.stopped["x"]
    entry = read_ledger(desk.config, ITEM).entry("x")
    assert entry.state == "scheduled" and entry.retry_after
    assert networks.posted()["x"] == 0 and len(networks.x.requests_to("POST", "/2/tweets")) == 1
    assert run_post(desk, networks).outcomes == []  # still before the reset: nothing is due
    retry = dt.datetime.fromisoformat(entry.retry_after.replace("Z", "+00:00")) + dt.timedelta(minutes=1)
    assert run_post(desk, networks, now=retry).ok
    assert networks.posted()["x"] == 2


def test_an_expired_token_stops_the_network_names_the_secret_and_exits_1(desk, networks):
    networks.x.expire_token()
    out = io.StringIO()
    code = _cli(["post", "--now", desk.due.strftime("%Y-%m-%dT%H:%M")], desk, out, {**os.environ, **networks.env})
    assert code == 1
    text = out.getvalue()
    assert "X_ACCESS_TOKEN" in text and "renew" in text
    assert len(networks.x.requests_to("POST", "/2/media/upload")) == 1  # stopped after the first refusal
    assert states(desk)["x"] == "scheduled" and states(desk, OTHER).get("x", "scheduled") == "scheduled"
    assert networks.posted()["facebook"] == 2
    for secret in networks.secrets:
        assert secret not in text


def test_a_duplicate_counts_as_posted_is_never_retried_and_alerts(desk, networks):
    networks.facebook.reject_duplicate_next(on="photos")
    run = run_post(desk, networks)
    alerts = [(o.item, o.channel) for o in run.alerts]
    assert (ITEM, "facebook") in alerts and not run.ok
    entry = read_ledger(desk.config, ITEM).entry("facebook")
    assert entry.state == "posted" and entry.url == ""
    run_post(desk, networks)
    assert len(networks.facebook.requests_to("POST", r"/v[\d.]+/\d+/photos")) == 2  # one per item, never again


def test_no_answer_to_the_create_request_means_unknown_and_a_person_resolves_it(desk, networks, monkeypatch):
    import httpx

    from postdesk.channels import base

    monkeypatch.setattr(base, "TIMEOUT", httpx.Timeout(0.5, connect=0.5))
    networks.linkedin.stall_next("POST", "/rest/posts", 2.0)
    run = run_post(desk, networks)
    assert states(desk)["linkedin"] == "unknown"
    assert any(o.channel == "linkedin" and "may exist" in o.message for o in run.alerts)
    assert networks.posted()["linkedin"] == 1  # the network did make it
    run_post(desk, networks)
    assert networks.posted()["linkedin"] == 1  # never sent again blindly
    made = next(p for p in networks.linkedin.posts if "backpack" in p.commentary.lower())
    url = f"https://www.linkedin.com/feed/update/{made.urn}/"
    code = _cli(["ledger", "resolve", ITEM, "linkedin", "--posted", url], desk, io.StringIO(), dict(os.environ))
    assert code == 0
    entry = read_ledger(desk.config, ITEM).entry("linkedin")
    assert (entry.state, entry.url) == ("posted", url)
    assert "confirmed posted by" in entry.history[-1].note


# --------------------------------------------------------------------------- crashes


class Crash(BaseException):
    """A run killed at a step (BaseException: nothing in postdesk may catch it)."""


@pytest.mark.parametrize("step", STEPS)
def test_a_run_killed_at_any_step_neither_loses_nor_doubles_a_post(desk, networks, step):
    crashed = []

    def die(item: str, channel: str, at: str) -> None:
        if (item, channel, at) == (ITEM, "x", step) and not crashed:
            crashed.append(at)
            raise Crash

    with pytest.raises(Crash):
        run_post(desk, networks, progress=die)
    after_crash = states(desk)
    run_post(desk, networks)
    entry = read_ledger(desk.config, ITEM).entry("x")
    made = sum("backpacks" in p.text for p in networks.x.posts)
    assert made <= 1, "posted twice"
    if made == 0:
        assert entry.state in ("scheduled", "unknown")
    if entry.state == "unknown":  # a person checks the page and settles it; the next run does the rest
        url = f"https://x.com/MoChildrensDiv/status/{networks.x.posts[-1].id}" if made else None
        resolve_entry(desk.config, ITEM, "x", url=url, by="pat", now=desk.due,
                      record=lambda paths, message: commit_paths(desk.root, list(paths), message))
        run_post(desk, networks)
    assert sum("backpacks" in p.text for p in networks.x.posts) == 1
    assert states(desk)["x"] == "posted"
    assert all(event.note for event in read_ledger(desk.config, ITEM).entry("x").history)
    expected_after_crash = {"sending-recorded": "sending", "publishing-recorded": "sending", "published": "sending",
                            "result-recorded": "posted"}
    assert after_crash["x"] == expected_after_crash[step]


def _post_process(desk, networks, *, extra_env=None):
    env = {**os.environ, **networks.env, **(extra_env or {})}
    env["PYTHONPATH"] = str(PROJECT / "tools")
    return subprocess.Popen([sys.executable, "-m", "postdesk", "--repo", str(desk.root), "post", "--now",
                             desk.due.strftime("%Y-%m-%dT%H:%M")], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


@pytest.mark.parametrize(("path", "expected"), [
    ("/2/media/upload", "scheduled"),  # killed between upload and post: nothing public, it goes out next run
    ("/2/tweets", "unknown"),           # killed after the network made the post: never posted again blindly
])
def test_a_real_kill_mid_call_is_settled_by_the_next_run(desk, networks, path, expected):
    process: list[subprocess.Popen] = []

    def kill(_request) -> None:
        if process and process[0].poll() is None:
            os.kill(process[0].pid, signal.SIGKILL)

    networks.x.after("POST", path, kill)
    process.append(_post_process(desk, networks))
    output, _ = process[0].communicate(timeout=60)
    assert process[0].returncode == -signal.SIGKILL
    networks.x._hooks.clear()
    assert states(desk)["x"] == "sending"
    rerun = _post_process(desk, networks)
    output2, _ = rerun.communicate(timeout=60)
    assert f"recovered {ITEM} on X: {expected}" in output2
    made = sum("backpacks" in p.text for p in networks.x.posts)
    assert made == 1
    assert states(desk)["x"] == ("posted" if expected == "scheduled" else "unknown")
    for secret in networks.secrets:
        assert secret not in output + output2
    assert not desk.git.is_dirty(untracked_files=True)


# --------------------------------------------------------------------------- two runs


def test_two_runs_on_one_machine_cannot_overlap(desk, networks):
    with posting_lock(desk.config), pytest.raises(RepositoryError, match="Another 'postdesk post' is running"):
        run_post(desk, networks)
    assert all(fake.requests == [] for fake in networks.all)


def test_two_machines_racing_cannot_both_post(desk, networks, tmp_path):
    remote = tmp_path / "origin.git"
    git.Repo.init(remote, bare=True, initial_branch="main")
    desk.git.create_remote("origin", str(remote)).push("main")
    clones = []
    for name in ("a", "b"):
        clone = git.Repo.clone_from(str(remote), tmp_path / name)
        with clone.config_writer() as cfg:
            cfg.set_value("user", "name", f"runner {name}").set_value("user", "email", f"{name}@example.gov")
        clones.append(clone)
    from postdesk.config import load_config

    def run_in(clone):
        config = load_config(Path(clone.working_tree_dir))
        return post_due(config, env=networks.env, now=desk.due, run_id=clone.working_tree_dir, policy=INSTANT,
                        record=lambda paths, message: commit_paths(config.root, list(paths), message, push_too=True),
                        channels=("x",))

    first = run_in(clones[0])
    assert first.ok and networks.posted()["x"] == 2
    with pytest.raises(RepositoryError, match="changed the same files"):
        run_in(clones[1])
    assert networks.posted()["x"] == 2  # the second machine stopped before sending anything
    assert len(networks.x.requests_to("POST", "/2/tweets")) == 2
    for clone in clones:
        clone.close()


# --------------------------------------------------------------------------- the ledger command


def test_ledger_show_lists_what_needs_a_person(desk, networks):
    networks.x.server_error_next(status=500, times=1)  # on the create call: maybe made
    run_post(desk, networks, channels=("x",))
    out = io.StringIO()
    assert _cli(["ledger"], desk, out, dict(os.environ)) == 0
    assert f"{ITEM} on X: unknown" in out.getvalue()


@pytest.mark.parametrize(("argv", "message"), [
    (["ledger", "resolve", ITEM, "x", "--posted", "http://x.com/1"], "is not the address of a post"),
    (["ledger", "resolve", "no-such-item", "x", "--not-posted"], "has no entry"),
])
def test_ledger_resolve_refuses_what_cannot_be_right(desk, networks, argv, message):
    run_post(desk, networks, channels=("x",))
    out = io.StringIO()
    assert _cli(argv, desk, out, dict(os.environ)) == 2
    assert message in out.getvalue()


def test_a_posted_entry_cannot_be_scheduled_again(desk, networks):
    run_post(desk, networks, channels=("x",))
    out = io.StringIO()
    assert _cli(["ledger", "resolve", ITEM, "x", "--not-posted"], desk, out, dict(os.environ)) == 2
    assert "never scheduled again" in out.getvalue()
    assert json.loads((desk.root / f"state/ledger/{ITEM}.json").read_text())["channels"]["x"]["state"] == "posted"


# --------------------------------------------------------------------------- re-planning between posting runs


def test_a_due_slot_keeps_its_time_when_the_queue_is_planned_again_before_posting(desk, networks):
    first_key, first_at = min(desk.slots.items(), key=lambda pair: pair[1])
    later = first_at + dt.timedelta(minutes=30)  # a merge re-plans before the hourly posting run
    plan, _items, _text = schedule_repository(desk.config, now=later)
    kept = {(slot.item, slot.channel): slot.at for slot in plan.slots}
    assert kept[first_key] == first_at
    assert (first_key[0], first_key[1]) in {(s.item, s.channel) for s in run_post(desk, networks, now=later).outcomes}
    replanned, _items, _text = schedule_repository(desk.config, now=later)
    assert first_key not in {(slot.item, slot.channel) for slot in replanned.slots}  # posted: gone from the queue


def test_the_editorial_page_lists_the_posts_that_need_a_person(desk, networks, tmp_path):
    from postdesk.editorial import build_editorial

    networks.x.server_error_next(status=500, times=1)  # on the create call: maybe made
    run_post(desk, networks, channels=("x",))
    page = build_editorial(desk.config, output=tmp_path / "editorial", today=TODAY).read_text(encoding="utf-8")
    assert "Posts that need a person" in page
    assert f"<strong>{ITEM}</strong> on x: unknown" in page
    assert 'class="state-unknown">unknown</td>' in page  # the queue shows each slot's ledger state too
