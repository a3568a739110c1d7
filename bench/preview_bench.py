"""Benchmark `postdesk preview` of one changed submission on the 10,000-submission repository.

Reuses the repositories `bench/check_bench.py` builds. Target (issue 4): under 3 s.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from check_bench import ROOT, build


def main() -> None:
    repo = build(10_000)
    if not (repo / "theme").is_dir():
        shutil.copytree(ROOT / "theme", repo / "theme")
    times = []
    for _ in range(3):
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            result = subprocess.run([sys.executable, "-m", "postdesk", "preview", "--changed-since", "HEAD~1",
                                     "--today", "2026-11-23", "--out", out], cwd=repo, capture_output=True, text=True,
                                    check=False)
            times.append(time.perf_counter() - started)
            if result.returncode != 0 or "Previewed 1 submission" not in result.stdout:
                sys.exit(f"preview failed: {result.stdout}{result.stderr}")
    print(f"preview --changed-since, 1 changed file, 10,000 submissions: {statistics.median(times):.2f} s "
          "(target < 3 s)")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
