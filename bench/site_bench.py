"""Benchmark `postdesk site` against plain Pelican on the same 5,000 posts (run `make bench`).

Plain Pelican gets the same posts converted to its own Markdown format (Python-Markdown,
installed for the benchmark only) and the same theme. Measured in one run, each a fresh
process, wall clock: a cold full build (no cache of either), and a rebuild after one new
post (Pelican with its content cache on; postdesk as it is). postdesk is timed twice: the
whole `postdesk site` command (which also writes the editorial page) and the public site
alone (`build_public_site`). Repeated `--runs` times (default 2): the machine is shared,
so compare within a run and report ranges.
Targets (issue 5): full build >= 1.5x faster than Pelican cold; rebuild >= 5x faster than
Pelican's cached rebuild.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from check_bench import ROOT, WORK, submission
from postdesk.seal import file_digest

POSTS = 5_000


def build_repo() -> Path:
    repo = WORK / f"site-{POSTS}"
    if (repo / ".built-sealed").exists():
        refresh(repo)
        return repo
    shutil.rmtree(repo, ignore_errors=True)
    (repo / "content/approved").mkdir(parents=True)
    (repo / "content/media").mkdir(parents=True)
    shutil.copy(ROOT / "postdesk.toml", repo / "postdesk.toml")
    shutil.copytree(ROOT / "theme", repo / "theme")
    rng = random.Random(POSTS)
    for i in range(POSTS):
        text = submission(i, rng).replace(f"images:\n  - file: media/bench-{i:05d}.jpg\n", "images: []\n")
        text = "\n".join(line for line in text.splitlines() if not line.startswith(("    alt:", "    people:")))
        (repo / f"content/approved/2026-{1 + i % 12:02d}-{1 + i % 28:02d}-post-{i:05d}.md").write_text(text + "\n")
    for file in sorted((repo / "content/approved").glob("*.md")):
        seal(repo, file.stem)
    pelican = repo / "pelican-content"
    pelican.mkdir()
    for file in sorted((repo / "content/approved").glob("*.md")):
        front, body = file.read_text().split("---\n")[1:3]
        title = next(line for line in front.splitlines() if line.startswith("title:"))[7:]
        category = next(line for line in front.splitlines() if line.startswith("category:"))[10:]
        (pelican / file.name).write_text(f"Title: {title}\nDate: {file.name[:10]}\nCategory: {category}\n"
                                         f"Slug: {file.stem}\n\n{body}")
    (repo / ".built-sealed").touch()
    return repo


def seal(repo: Path, item: str) -> None:
    """The approval record postdesk approve writes, with the seal the site verifies."""
    record = {"item": item, "approved_at": "2026-11-23T10:00:00-06:00", "merged_by": "bench", "pull_request": None,
              "commit": "", "source": "bench",
              "sealed": {f"content/approved/{item}.md": file_digest(repo / f"content/approved/{item}.md")}}
    (repo / "state/approvals").mkdir(parents=True, exist_ok=True)
    (repo / f"state/approvals/{item}.json").write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")


def refresh(repo: Path) -> None:
    """The posts are kept between runs; the theme and the settings are today's."""
    shutil.rmtree(repo / "theme")
    shutil.copytree(ROOT / "theme", repo / "theme")
    shutil.copy(ROOT / "postdesk.toml", repo / "postdesk.toml")


def pelican_settings(repo: Path, out: Path, cache: bool) -> str:
    return (f"PATH = {str(repo / 'pelican-content')!r}\nOUTPUT_PATH = {str(out)!r}\nTHEME = {str(repo / 'theme')!r}\n"
            "SITENAME = 'Bench'\nSITEURL = ''\nPLUGINS = []\nTIMEZONE = 'America/Chicago'\n"
            "ARTICLE_URL = '{slug}.html'\nARTICLE_SAVE_AS = '{slug}.html'\nDIRECT_TEMPLATES = ['index', 'categories',"
            " 'archives']\nAUTHOR_SAVE_AS = ''\nAUTHORS_SAVE_AS = ''\nTAG_SAVE_AS = ''\nTAGS_SAVE_AS = ''\n"
            "FEED_ALL_ATOM = 'feeds/all.atom.xml'\nFEED_ALL_RSS = 'feeds/all.rss.xml'\nDEFAULT_PAGINATION = 20\n"
            f"CACHE_CONTENT = {cache}\nLOAD_CONTENT_CACHE = {cache}\nCACHE_PATH = {str(out.parent / 'cache')!r}\n")


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - started


def add_post(repo: Path) -> None:
    new = repo / "content/approved/2026-12-31-post-new.md"
    new.write_text((repo / "content/approved").glob("*.md").__next__().read_text().replace("Synthetic post", "New"))
    seal(repo, new.stem)
    (repo / "pelican-content/2026-12-31-post-new.md").write_text(
        "Title: A new post\nDate: 2026-12-31\nCategory: event\nSlug: 2026-12-31-post-new\n\nNew.\n")


SITE_ONLY = ("import sys; from pathlib import Path; from postdesk.config import load_config; "
             "from postdesk.site import build_public_site; "
             "build_public_site(load_config(Path.cwd()), output=Path(sys.argv[1]), include_unposted=True)")


def one_run(repo: Path, scratch: Path) -> dict[str, float]:
    for extra in ("content/approved/2026-12-31-post-new.md", "pelican-content/2026-12-31-post-new.md",
                  "state/approvals/2026-12-31-post-new.json"):
        (repo / extra).unlink(missing_ok=True)
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.rmtree(repo / ".cache", ignore_errors=True)
    scratch.mkdir()
    settings = scratch / "pelicanconf.py"
    settings.write_text(pelican_settings(repo, scratch / "pelican", cache=True))
    pelican = [sys.executable, "-m", "pelican", "-s", str(settings), "-q"]
    postdesk = [sys.executable, "-m", "postdesk", "site", "--include-unposted", "--out", str(scratch / "postdesk"),
                "--editorial", str(scratch / "editorial")]
    site_only = [sys.executable, "-c", SITE_ONLY, str(scratch / "site-only")]
    times = {"pelican cold": timed(pelican, repo), "postdesk cold": timed(postdesk, repo),
             "site cold": timed(site_only, repo)}
    add_post(repo)
    times |= {"pelican rebuild": timed(pelican, repo), "postdesk rebuild": timed(postdesk, repo),
              "site rebuild": timed(site_only, repo)}
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=2)
    runs = parser.parse_args().runs
    repo = build_repo()
    results = []
    for number in range(1, runs + 1):
        times = one_run(repo, WORK / "site-out")
        results.append(times)
        print(f"run {number}: " + ", ".join(f"{name} {value:.1f} s" for name, value in times.items()), flush=True)

    def span(name: str) -> str:
        values = sorted(times[name] for times in results)
        return f"{values[0]:.1f}–{values[-1]:.1f} s" if len(values) > 1 else f"{values[0]:.1f} s"

    def ratios(base: str, name: str) -> str:
        values = sorted(times[base] / times[name] for times in results)
        return f"{values[0]:.2f}–{values[-1]:.2f}x" if len(values) > 1 else f"{values[0]:.2f}x"

    print(f"full build, {POSTS:,} posts: pelican {span('pelican cold')}; postdesk site {span('postdesk cold')} "
          f"({ratios('pelican cold', 'postdesk cold')}); public site alone {span('site cold')} "
          f"({ratios('pelican cold', 'site cold')}); target >= 1.5x")
    print(f"rebuild after one new post: pelican (content cache on) {span('pelican rebuild')}; postdesk site "
          f"{span('postdesk rebuild')} ({ratios('pelican rebuild', 'postdesk rebuild')}); public site alone "
          f"{span('site rebuild')} ({ratios('pelican rebuild', 'site rebuild')}); target >= 5x")


if __name__ == "__main__":
    main()
