"""Benchmark posting and monitoring against the loopback fakes (run `make bench`).

Builds a repository with N approved items (one photo each, all three networks) whose
slots have all come, then times:

* `post_due` posting all 3N posts (each: three ledger commits, the photo upload, the post);
* a second `post_due` with nothing due (what every quiet hourly run costs);
* `monitor` over the 3N posts with C comments each, then again with nothing new.

The fakes answer on loopback in well under a millisecond, so the figures are postdesk's
own cost (git commits dominate), not the networks'.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from postdesk.approve import rendition_path  # noqa: E402
from postdesk.channels.base import RetryPolicy  # noqa: E402
from postdesk.config import load_config  # noqa: E402
from postdesk.fakes.facebook import FakeFacebook  # noqa: E402
from postdesk.fakes.linkedin import FakeLinkedIn  # noqa: E402
from postdesk.fakes.x import FakeX  # noqa: E402
from postdesk.gitio import commit_paths  # noqa: E402
from postdesk.ledger import read_ledger  # noqa: E402
from postdesk.model import CHANNELS  # noqa: E402
from postdesk.monitor import monitor  # noqa: E402
from postdesk.post import post_due  # noqa: E402
from postdesk.schedule import QUEUE_FILE, Slot, make_plan, queue_to_json  # noqa: E402

WORK = ROOT / "bench" / ".work" / "post"
EXAMPLE = ROOT / "examples" / "content" / "submissions" / "2026-11-20-backpack-drive.md"
PHOTO = ROOT / "examples" / "content" / "media" / "2026-11-20-backpacks.jpg"
NOW = dt.datetime(2030, 7, 24, 17, 0, tzinfo=dt.UTC)


def git(*args: str) -> None:
    subprocess.run(["git", *args], cwd=WORK, check=True, stdout=subprocess.DEVNULL)


def build(items: int) -> list[str]:
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "content" / "approved").mkdir(parents=True)
    (WORK / "content" / "media" / "renditions").mkdir(parents=True)
    shutil.copy(ROOT / "postdesk.toml", WORK / "postdesk.toml")
    shutil.copy(PHOTO, WORK / "content" / "media" / PHOTO.name)
    text = EXAMPLE.read_text(encoding="utf-8")
    names = []
    slots = []
    for number in range(items):
        name = f"2026-11-20-backpack-drive-{number:04d}"
        unique = text.replace("400 backpacks", f"{number} backpacks") + f"\nDrop-off point {number}.\n"
        (WORK / "content" / "approved" / f"{name}.md").write_text(unique, encoding="utf-8")
        for channel in CHANNELS:
            shutil.copy(PHOTO, WORK / rendition_path(name, 1, channel))
            slots.append(Slot(name, channel, NOW - dt.timedelta(minutes=items - number), pinned=False, deadline=None,
                              at_risk=False))
        names.append(name)
    config = load_config(WORK)
    (WORK / QUEUE_FILE).parent.mkdir(parents=True)
    (WORK / QUEUE_FILE).write_text(queue_to_json(make_plan(slots), [], config.tz), encoding="utf-8")
    git("init", "-q", "-b", "main")
    git("-c", "user.name=bench", "-c", "user.email=bench@example.gov", "add", "-A")
    git("-c", "user.name=bench", "-c", "user.email=bench@example.gov", "commit", "-q", "-m", "bench")
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--comments", type=int, default=10)
    args = parser.parse_args()
    names = build(args.items)
    config = load_config(WORK)
    policy = RetryPolicy(sleep=lambda _s: None)

    def record(paths: object, message: str) -> None:
        commit_paths(WORK, list(paths), message)  # type: ignore[call-overload]

    with FakeFacebook() as facebook, FakeX(clock=lambda: NOW.timestamp() + 3600) as x, FakeLinkedIn() as linkedin:
        env = {**facebook.env(), **x.env(), **linkedin.env()}
        start = time.perf_counter()
        run = post_due(config, env=env, now=NOW, run_id="bench", record=record, policy=policy)
        posting = time.perf_counter() - start
        posts = sum(outcome.state == "posted" for outcome in run.outcomes)
        start = time.perf_counter()
        post_due(config, env=env, now=NOW, run_id="bench-2", record=record, policy=policy)
        quiet = time.perf_counter() - start
        written = (NOW + dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
        fakes = {"facebook": facebook, "x": x, "linkedin": linkedin}
        for name in names:
            for channel, entry in read_ledger(config, name).channels.items():
                if not entry.post_id:
                    raise SystemExit(f"{name} on {channel} was not posted: {entry.reason or entry.history[-1].note}")
                for number in range(args.comments):
                    fakes[channel].add_comment(entry.post_id, f"Thank you, comment {number}", created_at=written)
        later = NOW + dt.timedelta(hours=1)
        start = time.perf_counter()
        watched = monitor(config, env=env, now=later, record=record, policy=policy)
        watching = time.perf_counter() - start
        start = time.perf_counter()
        monitor(config, env=env, now=later, record=record, policy=policy)
        watching_again = time.perf_counter() - start
    print(f"post: {posts} posts in {posting:.1f} s ({posting / max(posts, 1) * 1000:.0f} ms per post, "
          "3 ledger commits each)")
    print(f"post with nothing due: {quiet * 1000:.0f} ms")
    print(f"monitor: {len(watched.watched)} posts, {len(watched.new)} new comments in {watching:.2f} s; "
          f"again with nothing new {watching_again:.2f} s")


if __name__ == "__main__":
    main()
