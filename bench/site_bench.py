"""Benchmark `postdesk site` against plain Pelican on the same 5,000 posts (run `make bench`).

Plain Pelican gets the same posts converted to its own Markdown format (Python-Markdown,
installed for the benchmark only) and the same theme. Measured: a cold full build, and a
rebuild after one new post (Pelican with its content cache on; postdesk as it is).
Targets (issue 5): full build >= 1.5x faster than Pelican cold; rebuild >= 5x faster than
Pelican's cached rebuild.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from check_bench import ROOT, WORK, submission

POSTS = 5_000


def build_repo() -> Path:
    repo = WORK / f"site-{POSTS}"
    if (repo / ".built").exists():
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
    pelican = repo / "pelican-content"
    pelican.mkdir()
    for file in sorted((repo / "content/approved").glob("*.md")):
        front, body = file.read_text().split("---\n")[1:3]
        title = next(line for line in front.splitlines() if line.startswith("title:"))[7:]
        category = next(line for line in front.splitlines() if line.startswith("category:"))[10:]
        (pelican / file.name).write_text(f"Title: {title}\nDate: {file.name[:10]}\nCategory: {category}\n"
                                         f"Slug: {file.stem}\n\n{body}")
    (repo / ".built").touch()
    return repo


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
    (repo / "pelican-content/2026-12-31-post-new.md").write_text(
        "Title: A new post\nDate: 2026-12-31\nCategory: event\nSlug: 2026-12-31-post-new\n\nNew.\n")


def main() -> None:
    repo = build_repo()
    for extra in ("content/approved/2026-12-31-post-new.md", "pelican-content/2026-12-31-post-new.md"):
        (repo / extra).unlink(missing_ok=True)
    scratch = WORK / "site-out"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    settings = scratch / "pelicanconf.py"
    settings.write_text(pelican_settings(repo, scratch / "pelican", cache=True))
    pelican = [sys.executable, "-m", "pelican", "-s", str(settings), "-q"]
    postdesk = [sys.executable, "-m", "postdesk", "site", "--include-unposted", "--out", str(scratch / "postdesk"),
                "--editorial", str(scratch / "editorial")]
    pelican_cold = timed(pelican, repo)
    postdesk_cold = timed(postdesk, repo)
    add_post(repo)
    pelican_rebuild = timed(pelican, repo)
    postdesk_rebuild = timed(postdesk, repo)
    print(f"full build, {POSTS:,} posts: pelican {pelican_cold:.1f} s, postdesk site {postdesk_cold:.1f} s "
          f"({pelican_cold / postdesk_cold:.2f}x; target >= 1.5x)")
    print(f"rebuild after one new post: pelican (content cache on) {pelican_rebuild:.1f} s, postdesk site "
          f"{postdesk_rebuild:.1f} s ({pelican_rebuild / postdesk_rebuild:.2f}x; target >= 5x)")


if __name__ == "__main__":
    main()
