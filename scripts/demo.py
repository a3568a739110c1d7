"""`make demo`: run postdesk on the bundled example content in a scratch repository.

Creates build/demo/ as a fresh git repository holding postdesk.toml and the examples,
then shows what a reviewer and a staff member see. Safe to run again: the scratch
repository is rebuilt every time, the project's own content/ is never touched.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from postdesk.channels import credential_names
from postdesk.fakes.facebook import FakeFacebook
from postdesk.fakes.linkedin import FakeLinkedIn
from postdesk.fakes.x import FakeX
from postdesk.model import CHANNELS

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "build" / "demo"
PREVIEW = ROOT / "build" / "demo-preview"
SCHEDULE = (ROOT / "tools" / "postdesk" / "schedule.py").exists()
POST_AT = "2030-07-24T17:00"
DIGEST = ROOT / "build" / "demo-digest"
REPLIES = (
    ("facebook", "Is Tyler Johnson, 9, still in foster care with the Millers? His mom asked me to find out."),
    ("facebook", "The kids next door are left alone all night and I think they are being neglected."),
    ("x", "Where exactly at Capitol Plaza is the drop-off?"),
    ("linkedin", "Proud to see our volunteers at this drive. Great work, everyone!"),
)
POSTDESK = [sys.executable, "-m", "postdesk", "--repo", str(DEMO)]

BAD_SUBMISSION = """---
title: Pumpkin patch visit
category: evnt
submitted_by:
  name: Jordan Reyes
  email: jordan.reyes@example.gov
  office: Cole County Office
supervisor:
  name: Pat Lee
  email: pat.lee@example.gov
channels: [facebook, x]
images:
  - file: media/2026-11-20-backpacks.jpg
    alt: photo
    people: none
confidentiality_confirmed: true
---
""" + "We had a wonderful afternoon at the pumpkin patch with families from our community. " * 4 + "\n"


def step(title: str) -> None:
    print(f"\n\033[1m== {title}\033[0m", flush=True)


def run(*args: str, expect: int = 0, env: dict[str, str] | None = None) -> None:
    is_postdesk = args[: len(POSTDESK)] == tuple(POSTDESK)
    shown = " ".join(["postdesk", *args[len(POSTDESK) :]]) if is_postdesk else " ".join(args)
    print(f"$ {shown}", flush=True)
    code = subprocess.run(args, cwd=DEMO, check=False, env=env or _without_credentials()).returncode
    if code != expect:
        sys.exit(f"demo: '{shown}' exited {code}, expected {expect}")


def _without_credentials() -> dict[str, str]:
    """The demo never posts for real: credentials a developer has exported are left out."""
    names = {name for channel in CHANNELS for group in credential_names(channel) for name in group}
    return {key: value for key, value in os.environ.items()
            if key not in names and not key.startswith("POSTDESK_")}


def _post_ids(item: str) -> dict[str, str]:
    ledger = json.loads((DEMO / "state" / "ledger" / f"{item}.json").read_text(encoding="utf-8"))
    return {network: entry["post_id"] for network, entry in ledger["channels"].items()}


def git(*args: str) -> None:
    subprocess.run(["git", *args], cwd=DEMO, check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    step(f"Setting up a scratch repository with the example content in {DEMO.relative_to(ROOT)}")
    shutil.rmtree(DEMO, ignore_errors=True)
    shutil.rmtree(PREVIEW, ignore_errors=True)
    shutil.rmtree(DIGEST, ignore_errors=True)
    DEMO.mkdir(parents=True)
    # The examples' calendar runs from review on 2026-11-23 to posting in 2030, further ahead than
    # the two years a real check allows (dates.out-of-range), so the demo widens the window.
    settings = (ROOT / "postdesk.toml").read_text(encoding="utf-8")
    (DEMO / "postdesk.toml").write_text(settings + "\n[dates]\nmax_days_ahead = 1500\n", encoding="utf-8")
    shutil.copy(ROOT / ".gitignore", DEMO / ".gitignore")
    shutil.copytree(ROOT / "theme", DEMO / "theme")
    shutil.copytree(ROOT / "examples" / "content", DEMO / "content")
    git("init", "-q", "-b", "main")
    git("-c", "user.name=postdesk demo", "-c", "user.email=demo@example.gov", "add", "-A")
    git("-c", "user.name=postdesk demo", "-c", "user.email=demo@example.gov", "commit", "-q", "-m", "Example content")

    step("1. Review: every example submission passes postdesk check")
    run(*POSTDESK, "check", "--today", "2026-11-23")

    step("2. A pull request with mistakes: only the changed file is checked, every problem is named")
    git("switch", "-q", "-c", "pumpkin-patch")
    (DEMO / "content" / "submissions" / "2026-11-23-pumpkin-patch.md").write_text(BAD_SUBMISSION, encoding="utf-8")
    git("add", "-A")
    git("-c", "user.name=Jordan Reyes", "-c", "user.email=jordan.reyes@example.gov", "commit", "-q", "-m",
        "Suggest a post: pumpkin patch visit")
    run(*POSTDESK, "check", "--changed-since", "main", "--today", "2026-11-23", expect=1)

    step("3. The same findings as GitHub annotations (what CI prints on the pull request)")
    run(*POSTDESK, "check", "--changed-since", "main", "--today", "2026-11-23", "--format", "github", expect=1)

    step("4. Previews for the reviewers: every card as each network will show it, and the site page")
    git("switch", "-q", "main")
    run(*POSTDESK, "preview", "--today", "2026-11-23", "--out", str(PREVIEW))

    step("5. Merge to publish: approve what is on main, schedule it, build the site and the editorial calendar")
    run(*POSTDESK, "approve", "--today", "2026-11-23")
    run(*POSTDESK, "approve", "--today", "2026-11-23")  # again: nothing to do, no commit
    if SCHEDULE:
        run(*POSTDESK, "schedule", "--commit", "--now", "2030-07-20T08:00")
        run(*POSTDESK, "queue", "--now", "2030-07-20T08:00")
    # The demo's site is opened from disk, so its address is the folder itself.
    run(*POSTDESK, "site", "--include-unposted", "--today", "2026-11-23",
        "--siteurl", (DEMO / "output" / "site").as_uri())

    step(f"6. Posting, without credentials: a dry run prints exactly what would be sent at {POST_AT}")
    run(*POSTDESK, "post", "--dry-run", "--now", POST_AT)

    step("7. Posting to loopback fakes of Facebook, X and LinkedIn: each step committed to the ledger")
    posted_at = dt.datetime.fromisoformat(POST_AT).replace(tzinfo=ZoneInfo("America/Chicago"))
    watch_at = posted_at + dt.timedelta(hours=1)
    with FakeFacebook() as facebook, FakeX(clock=watch_at.timestamp) as x, FakeLinkedIn() as linkedin:
        env = {**_without_credentials(), **facebook.env(), **x.env(), **linkedin.env()}
        run(*POSTDESK, "post", "--now", POST_AT, env=env)
        run(*POSTDESK, "post", "--now", POST_AT, env=env)  # again: nothing is posted twice
        run(*POSTDESK, "ledger")
        run(*POSTDESK, "schedule", "--commit", "--now", POST_AT)  # as post.yml does: what went out leaves the queue

        step("8. Replies come in; the monitor writes the digest: must hide first, then needs a reply")
        ids = _post_ids("2026-11-20-backpack-drive")
        written = (posted_at + dt.timedelta(minutes=30)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for network, text in REPLIES:
            fake = {"facebook": facebook, "x": x, "linkedin": linkedin}[network]
            fake.add_comment(ids[network], text, created_at=written)
        facebook.set_engagement(ids["facebook"], reactions=48, shares=9, impressions=2100)
        x.set_metrics(ids["x"], like_count=31, retweet_count=12, quote_count=2, impression_count=3800)
        linkedin.set_engagement(ids["linkedin"], likes=17, shares=3, impressions=950)
        run(*POSTDESK, "monitor", "--now", watch_at.strftime("%Y-%m-%dT%H:%M"), "--out", str(DIGEST), env=env)
    print((DIGEST / "digest.md").read_text(encoding="utf-8"))
    run(*POSTDESK, "site", "--today", "2026-11-23", "--siteurl", (DEMO / "output" / "site").as_uri())

    step("9. An attack: a pull request edits an approved post and deletes its ledger; the check names both")
    git("switch", "-q", "-c", "tidy-up")
    approved = DEMO / "content" / "approved" / "2026-11-20-backpack-drive.md"
    approved.write_text(approved.read_text(encoding="utf-8").replace("400 backpacks", "400 backpacks for Jayden, 9"),
                        encoding="utf-8")
    git("rm", "-q", "state/ledger/2026-11-20-backpack-drive.json")
    git("-c", "user.name=A fork", "-c", "user.email=fork@example.org", "commit", "-q", "-am", "Tidy up")
    run(*POSTDESK, "check", "--changed-since", "main", "--today", "2026-11-23", expect=1)
    step("10. Merged anyway (an admin override): post refuses the edited item and posts nothing twice")
    git("switch", "-q", "main")
    git("-c", "user.name=An admin", "-c", "user.email=admin@example.gov", "merge", "-q", "--no-ff", "tidy-up",
        "-m", "Merge pull request #13 from fork/tidy-up")
    run(*POSTDESK, "schedule", "--commit", "--now", POST_AT)  # with its ledger gone, the item is planned again
    with FakeFacebook() as facebook, FakeX() as x, FakeLinkedIn() as linkedin:
        env = {**_without_credentials(), **facebook.env(), **x.env(), **linkedin.env()}
        run(*POSTDESK, "post", "--now", "2030-08-07T12:00", env=env, expect=1)
        again = [p for p in (*facebook.posts, *x.posts, *linkedin.posts)
                 if "backpacks" in getattr(p, "message", "") + getattr(p, "text", "")]
        print(f"backpack-drive posts the fakes received this time: {len(again)}")

    print("\nDemo finished. The scratch repository is in", DEMO)
    print(f"Open the preview: file://{PREVIEW / 'index.html'}")
    print(f"Open the site: file://{DEMO / 'output' / 'site' / 'index.html'}")
    print(f"Open the editorial calendar: file://{DEMO / 'output' / 'editorial' / 'index.html'}")
    print(f"Open the replies digest: file://{DIGEST / 'digest.html'}")


if __name__ == "__main__":
    main()
