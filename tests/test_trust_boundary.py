"""Attacks on "nothing unchecked is posted, nothing twice": each is a pull request (a branch and a
merge commit in a real repository) that a careless staff member or a malicious fork could open.

Each attack is tried twice: the pull-request check must report it (``postdesk check
--changed-since``, what submission-check.yml runs), and, should it be merged anyway (an
admin override, a check not yet required), ``postdesk post`` and ``postdesk site`` must
refuse it and post nothing.
"""

from __future__ import annotations

import io
import json
import shutil

import pytest
from PIL import Image

from postdesk.check import boundary_results
from postdesk.cli import main
from postdesk.ledger import read_ledger
from postdesk.model import is_network_url
from postdesk.site import build_public_site

from .conftest import ITEM, OTHER, render, valid_front
from .test_post import run_post, states


def open_pull_request(desk, change, *, message="Suggest a post"):
    """A branch off main with ``change`` applied and committed; returns the base commit."""
    base = desk.git.head.commit.hexsha
    desk.git.git.checkout("-b", "pull-request")
    change(desk)
    desk.commit(message)
    return base


def merge_pull_request(desk):
    desk.git.git.checkout("main")
    desk.git.git.merge("--no-ff", "pull-request", "-m", "Merge pull request #99 from fork/pull-request")


def check_since(desk, base):
    out = io.StringIO()
    code = main(["--repo", str(desk.root), "check", "--changed-since", base, "--format", "json"],
                stdout=out, stderr=out)
    return code, json.loads(out.getvalue())


def boundary_rules(report):
    return {(f["path"], f["rule"]) for f in report["findings"] if f["rule"].startswith("boundary.")}


def posted_texts(networks):
    return [p.text for p in networks.x.posts] + [p.message for p in networks.facebook.posts] + \
        [p.commentary for p in networks.linkedin.posts]


# --------------------------------------------------------------------------- the pull-request check


def test_a_submission_with_its_photo_passes_the_boundary(desk):
    def suggest(d):
        Image.new("RGB", (1200, 800), (90, 140, 60)).save(d.root / "content/media/2030-01-02-garden.jpg")
        front = valid_front(images=[{"file": "media/2030-01-02-garden.jpg", "alt": "A community garden in spring",
                                     "people": "none"}])
        d.write("content/submissions/2030-01-02-garden.md", render(front))

    base = open_pull_request(desk, suggest)
    assert boundary_results(desk.config, base) == []


@pytest.mark.parametrize(("path", "rule"), [
    ("content/approved/2030-01-01-smuggled.md", "boundary.approved"),
    (f"content/approved/{ITEM}.md", "boundary.approved"),
    (f"content/media/renditions/{ITEM}-1-x.jpg", "boundary.bot-owned"),
    ("content/media/2026-11-20-backpacks.jpg", "boundary.approved"),
    (f"state/ledger/{ITEM}.json", "boundary.bot-owned"),
    ("state/queue.json", "boundary.bot-owned"),
    (f"state/approvals/{ITEM}.json", "boundary.bot-owned"),
    ("pyproject.toml", "boundary.code"),
    ("tools/postdesk/checks/confidentiality.py", "boundary.code"),
    ("theme/templates/base.html", "boundary.code"),
    (".github/workflows/post.yml", "boundary.code"),
    ("postdesk.toml", "boundary.code"),
    ("requirements/run.txt", "boundary.code"),
])
def test_every_change_outside_submissions_is_an_error_naming_the_path(desk, path, rule):
    def tamper(d):
        target = d.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.suffix == ".jpg":
            Image.new("RGB", (640, 480), (255, 0, 0)).save(target)
        else:
            target.write_text((target.read_text(encoding="utf-8") if target.exists() else "") + "\n# changed\n",
                              encoding="utf-8")

    base = open_pull_request(desk, tamper)
    code, report = check_since(desk, base)
    assert code == 1
    assert (path, rule) in boundary_rules(report)
    finding = next(f for f in report["findings"] if f["path"] == path)
    assert finding["severity"] == "error" and finding["hint"]


def test_deleting_an_approved_post_or_a_ledger_is_reported(desk):
    def delete(d):
        (d.root / f"content/approved/{OTHER}.md").unlink()
        d.git.git.rm("-q", "--cached", f"content/approved/{OTHER}.md")

    base = open_pull_request(desk, delete)
    code, report = check_since(desk, base)
    assert code == 1
    finding = next(f for f in report["findings"] if f["path"] == f"content/approved/{OTHER}.md")
    assert "deletes" in finding["message"] and "new submission" in finding["hint"]


def test_a_symbolic_link_is_reported_wherever_it_is(desk):
    def link(d):
        (d.root / "content/submissions/2030-01-01-link.md").symlink_to("/etc/passwd")

    base = open_pull_request(desk, link)
    code, report = check_since(desk, base)
    assert code == 1
    assert ("content/submissions/2030-01-01-link.md", "boundary.link") in boundary_rules(report)


def test_a_pull_request_that_only_touches_state_still_fails_the_check(desk):
    """Today's workflow ran only for content/**: the check now runs on every pull request, and
    "No submissions to check" is no longer a pass when something else changed."""
    def rewrite_queue(d):
        queue = d.root / "state/queue.json"
        queue.write_text(queue.read_text(encoding="utf-8").replace("2030", "2029"), encoding="utf-8")

    base = open_pull_request(desk, rewrite_queue)
    out = io.StringIO()
    assert main(["--repo", str(desk.root), "check", "--changed-since", base], stdout=out, stderr=out) == 1
    assert "state/queue.json" in out.getvalue() and "publishing bot" in out.getvalue()


def test_the_preview_summary_shows_the_boundary_findings(desk, tmp_path):
    base = open_pull_request(desk, lambda d: d.write("content/approved/2030-01-01-smuggled.md", "x"))
    out = io.StringIO()
    main(["--repo", str(desk.root), "preview", "--changed-since", base, "--out", str(tmp_path / "p")],
         stdout=out, stderr=out)
    summary = (tmp_path / "p" / "summary.md").read_text(encoding="utf-8")
    assert "content/approved/2030-01-01-smuggled.md" in summary and "boundary.approved" in summary


# --------------------------------------------------------------------------- merged anyway: post and site refuse


def test_a_post_written_straight_into_approved_is_never_posted(desk, networks, tmp_path):
    """The attack from outside: a post naming a child, added to content/approved/ and the queue."""
    def smuggle(d):
        shutil.copy(d.root / f"content/approved/{ITEM}.md", d.root / "content/approved/2030-01-01-smuggled.md")
        text = (d.root / "content/approved/2030-01-01-smuggled.md").read_text(encoding="utf-8")
        (d.root / "content/approved/2030-01-01-smuggled.md").write_text(
            text.replace("Help us fill", "Jayden, 9, in foster care, asks you to help us fill"), encoding="utf-8")
        queue = json.loads((d.root / "state/queue.json").read_text(encoding="utf-8"))
        first = queue["slots"][0]
        queue["slots"].append({**first, "item": "2030-01-01-smuggled"})
        (d.root / "state/queue.json").write_text(json.dumps(queue), encoding="utf-8")

    open_pull_request(desk, smuggle)
    merge_pull_request(desk)
    run = run_post(desk, networks)
    assert not any("Jayden" in text for text in posted_texts(networks))
    refused = [o for o in run.outcomes if o.item == "2030-01-01-smuggled"]
    assert refused and all(o.state == "failed" and o.alert for o in refused)
    assert "state/approvals/2030-01-01-smuggled.json is missing" in refused[0].message
    built = build_public_site(desk.config, output=tmp_path / "site", include_unposted=True)
    assert "2030-01-01-smuggled" in built.refused
    assert not list((tmp_path / "site").glob("2030-01-01-smuggled*"))


def test_an_approved_post_edited_after_approval_is_refused_and_the_rest_go_out(desk, networks):
    def edit(d):
        path = d.root / f"content/approved/{ITEM}.md"
        path.write_text(path.read_text(encoding="utf-8").replace("backpacks", "backpacks for Jayden, 9, in care"),
                        encoding="utf-8")

    open_pull_request(desk, edit)
    merge_pull_request(desk)
    run = run_post(desk, networks)
    assert not any("Jayden" in text for text in posted_texts(networks))
    mine = [o for o in run.outcomes if o.item == ITEM]
    assert mine and all(o.state == "failed" for o in mine)
    assert f"content/approved/{ITEM}.md changed after it was approved" in mine[0].message
    others = [o for o in run.outcomes if o.item == OTHER]
    assert others and all(o.state == "posted" for o in others)  # one bad item never blocks the others


def test_a_replaced_rendition_with_gps_is_refused(desk, networks):
    def swap(d):
        exif = Image.Exif()
        exif[0x8825] = {1: "N", 2: (38.0, 34.0, 0.0)}
        Image.new("RGB", (1600, 900), (200, 10, 10)).save(d.root / f"content/media/renditions/{ITEM}-1-x.jpg",
                                                           exif=exif)

    open_pull_request(desk, swap)
    merge_pull_request(desk)
    run = run_post(desk, networks, channels=("x",))
    x = next(o for o in run.outcomes if o.item == ITEM and o.channel == "x")
    assert x.state == "failed" and f"{ITEM}-1-x.jpg changed after it was approved" in x.message
    assert all("backpacks" not in p.text for p in networks.x.posts)


def test_a_merged_deletion_of_a_posted_ledger_never_posts_twice(desk, networks):
    run_post(desk, networks)
    before = networks.posted()
    assert states(desk) == {"facebook": "posted", "x": "posted", "linkedin": "posted"}

    def forget(d):
        d.git.git.rm("-q", f"state/ledger/{ITEM}.json")

    open_pull_request(desk, forget, message="Clean up state")
    merge_pull_request(desk)
    run = run_post(desk, networks)
    assert networks.posted() == before  # nothing went out a second time
    refused = [o for o in run.outcomes if o.item == ITEM]
    assert refused and all(o.state == "failed" and "deleted or rewritten" in o.message for o in refused)


def test_a_merged_rewrite_of_a_posted_entry_back_to_scheduled_never_posts_twice(desk, networks):
    run_post(desk, networks)
    before = networks.posted()

    def rewrite(d):
        path = d.root / f"state/ledger/{ITEM}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        data["channels"]["x"] = {"state": "scheduled", "history": []}
        path.write_text(json.dumps(data), encoding="utf-8")

    open_pull_request(desk, rewrite)
    merge_pull_request(desk)
    run = run_post(desk, networks)
    assert networks.posted() == before
    assert [o.state for o in run.outcomes if o.item == ITEM and o.channel == "x"] == ["failed"]


def test_a_slot_before_the_embargo_is_not_sent_and_stays_scheduled(desk, networks):
    def pin_early(d):
        queue = json.loads((d.root / "state/queue.json").read_text(encoding="utf-8"))
        for slot in queue["slots"]:
            if slot["item"] == ITEM:
                slot["at"] = "2030-07-01T09:00:00-05:00"  # post_after is 2030-07-20
        (d.root / "state/queue.json").write_text(json.dumps(queue), encoding="utf-8")
        d.commit("Pin early")

    pin_early(desk)
    import datetime as dt

    run = run_post(desk, networks, now=dt.datetime(2030, 7, 2, 9, 0, tzinfo=desk.config.tz))
    mine = [o for o in run.outcomes if o.item == ITEM]
    assert mine and all(o.state == "skipped" and "embargo" in o.message for o in mine)
    assert set(states(desk).values()) <= {"scheduled"}
    assert networks.posted() == {"facebook": 0, "x": 0, "linkedin": 0}


# --------------------------------------------------------------------------- links only to the networks


@pytest.mark.parametrize(("channel", "url", "ok"), [
    ("x", "https://x.com/agency/status/1", True),
    ("x", "https://twitter.com/agency/status/1", True),
    ("x", "https://x.com.evil.example/agency/status/1", False),
    ("x", "https://evil.example/?x.com", False),
    ("x", "http://x.com/agency/status/1", False),
    ("x", "https://user@x.com/agency", False),
    ("facebook", "https://www.facebook.com/1/posts/2", True),
    ("facebook", "https://x.com/agency/status/1", False),
    ("linkedin", "https://www.linkedin.com/feed/update/urn:li:share:1/", True),
    ("linkedin", "javascript:alert(1)", False),
])
def test_a_network_address_must_be_on_that_networks_own_host(channel, url, ok):
    assert is_network_url(channel, url) is ok


def test_the_site_never_links_a_rewritten_ledger_address(desk, networks, tmp_path):
    run_post(desk, networks)
    path = desk.root / f"state/ledger/{ITEM}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["channels"]["x"]["url"] = "https://evil.example/phish"
    path.write_text(json.dumps(data), encoding="utf-8")
    build_public_site(desk.config, output=tmp_path / "site", include_unposted=False)
    page = next((tmp_path / "site").glob(f"{ITEM}*.html")).read_text(encoding="utf-8")
    assert "evil.example" not in page
    assert read_ledger(desk.config, ITEM).entry("facebook").url in page


def test_ledger_resolve_refuses_an_address_on_another_host(desk, networks):
    run_post(desk, networks)
    out = io.StringIO()
    code = main(["--repo", str(desk.root), "ledger", "resolve", ITEM, "x", "--posted", "https://evil.example/1"],
                stdout=out, stderr=out)
    assert code == 2 and "x.com" in out.getvalue()

