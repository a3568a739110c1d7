"""Benchmark `postdesk check` on synthetic repositories (not a test: run `make bench`).

Builds (once, cached under bench/.work/) a repository with N submissions and N
photos for each size, commits them, then adds one more commit that changes one
submission, and times as a person would see it (a fresh `postdesk` process, wall
clock, median of several runs):

* `postdesk check --changed-since HEAD~1` (one changed file) on each size;
* `postdesk check` on every submission of the largest size (files per second).

Targets (issue 2): the one-file check on 10,000 submissions within 1.3x of the same
check on 100 and under 1 s; the full check at least 2,000 files/s.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
# The synthetic calendar runs years ahead of --today 2026-11-23, further than a real check
# allows (dates.out-of-range, two years by default), so the bench widens the window.
SETTINGS = (ROOT / "postdesk.toml").read_text(encoding="utf-8") + "\n[dates]\nmax_days_ahead = 2000\n"
WORK = ROOT / "bench" / ".work"
OFFICES = ["Cole County Office", "Boone County Office", "Greene County Office", "Jackson County Office"]
CATEGORIES = ["event", "partnership", "recognition", "announcement"]
WORDS = ["community", "families", "volunteers", "school", "supplies", "partners", "county", "office",
         "support", "training", "foster", "parents", "library", "event", "donations", "winter", "coats",
         "food", "bank", "celebrate", "thank", "you"]


def submission(i: int, rng: random.Random) -> str:
    category = CATEGORIES[i % 4]
    channels = rng.sample(["facebook", "x", "linkedin"], rng.randint(1, 3))
    body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(30, 90))).capitalize() + "."
    lines = [
        "---",
        f"title: Synthetic post number {i} about {rng.choice(WORDS)}",
        f"category: {category}",
        "submitted_by:",
        f"  name: Staff Member {i % 97}",
        f"  email: staff{i % 97}@example.gov",
        f"  office: {OFFICES[i % len(OFFICES)]}",
        "supervisor:",
        "  name: Pat Lee",
        "  email: pat.lee@example.gov",
    ]
    if category == "event":
        lines += ["event:", f"  date: 2031-{1 + i % 12:02d}-{1 + i % 28:02d}", '  time: "10:00"',
                  "  location: Capitol Plaza, Jefferson City"]
    lines += [f"channels: [{', '.join(channels)}]"]
    if "x" in channels:
        lines += ["text:", f"  x: Short version {i} for X, see the link."]
    lines += [
        "hashtags: [Community, MOKids]",
        f"link: https://example.gov/news/{i}",
        "images:",
        f"  - file: media/bench-{i:05d}.jpg",
        f"    alt: Synthetic test picture number {i} in solid colours",
        "    people: none",
        "confidentiality_confirmed: true",
        "---",
        body,
        "",
    ]
    return "\n".join(lines)


def build(size: int) -> Path:
    repo = WORK / f"repo-{size}"
    if (repo / ".git").is_dir() and (repo / ".built").exists():
        return repo
    shutil.rmtree(repo, ignore_errors=True)
    (repo / "content" / "submissions").mkdir(parents=True)
    (repo / "content" / "media").mkdir(parents=True)
    (repo / "postdesk.toml").write_text(SETTINGS, encoding="utf-8")
    rng = random.Random(size)
    started = time.perf_counter()
    for i in range(size):
        name = f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}-bench-{i:05d}.md"
        (repo / "content" / "submissions" / name).write_text(submission(i, rng), encoding="utf-8")
        colour = (i * 37 % 256, i * 91 % 256, i * 53 % 256)
        Image.new("RGB", (96, 64), colour).save(repo / "content" / "media" / f"bench-{i:05d}.jpg", quality=80)
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.gov"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=repo, check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "synthetic content"], cwd=repo, check=True)
    changed = next((repo / "content" / "submissions").glob("*-bench-00007.md"))
    changed.write_text(changed.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    subprocess.run([*git, "commit", "-q", "-am", "edit one submission"], cwd=repo, check=True)
    (repo / ".built").touch()
    print(f"built {size:,} submissions + photos in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return repo


def timed(repo: Path, *args: str, runs: int) -> tuple[float, str]:
    times, out = [], ""
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "postdesk", *args], cwd=repo, capture_output=True, text=True,
                                check=False)
        times.append(time.perf_counter() - started)
        out = result.stdout
        if result.returncode not in (0, 1):
            sys.exit(f"postdesk failed: {result.stderr}")
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    small, large = build(args.small), build(args.large)
    today = ["--today", "2026-11-23"]
    one_small, _ = timed(small, "check", "--changed-since", "HEAD~1", *today, runs=args.runs)
    one_large, out = timed(large, "check", "--changed-since", "HEAD~1", *today, "--format", "json", runs=args.runs)
    assert json.loads(out)["files_checked"] == 1, out[:500]
    full, out = timed(large, "check", *today, "--format", "json", runs=max(1, args.runs // 2))
    report = json.loads(out)
    assert report["errors"] == 0, report["findings"][:3]
    figures = {
        "one_file_small_s": round(one_small, 3),
        "one_file_large_s": round(one_large, 3),
        "one_file_ratio": round(one_large / one_small, 2),
        "full_check_s": round(full, 2),
        "full_check_files_per_s": round(report["files_checked"] / full),
        "files": report["files_checked"],
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"check --changed-since, 1 changed file, {args.small:>6,} submissions: {one_small:.3f} s")
    print(f"check --changed-since, 1 changed file, {args.large:>6,} submissions: {one_large:.3f} s "
          f"({figures['one_file_ratio']}x; target <= 1.3x and < 1 s)")
    print(f"check (all), {report['files_checked']:,} submissions: {full:.2f} s = "
          f"{figures['full_check_files_per_s']:,} files/s (target >= 2,000)")


if __name__ == "__main__":
    main()
