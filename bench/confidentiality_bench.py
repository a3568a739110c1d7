"""Benchmark the confidentiality guard (not a test: run `make bench`).

* text scanning: every field of each bundled example submission, in-process, mean of
  many runs (target: at most 50 ms added to a typical submission);
* a whole `postdesk check` (fresh process, wall clock) of one submission with four
  12-megapixel photos, faces included (target: under 2 s).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageFilter

from postdesk.checks.confidentiality import scan_submission
from postdesk.config import load_config
from postdesk.parse import read_submission_file, submission_from_parsed

ROOT = Path(__file__).resolve().parent.parent


def text_scan_ms() -> dict[str, float]:
    """Per-submission text scan times (ms) over the bundled examples and the guard's dev corpus.

    The first scan pays for loading the name, place and word lists once per process (a
    check of many files pays it once); it is reported apart as ``load``.
    """
    sys.path.insert(0, str(ROOT))
    from tests.test_guard_corpus import load, submission_for  # the dev part only: holdout is never read here

    config = load_config(ROOT)
    subs = []
    for file in sorted((ROOT / "examples/content/submissions").glob("*.md")):
        parsed = read_submission_file(file, f"content/submissions/{file.name}")
        subs.append(submission_from_parsed(parsed))
    from postdesk.parse import parse_submission_bytes

    for number, item in enumerate(load("dev")):
        name, text = submission_for(item, number)
        subs.append(submission_from_parsed(parse_submission_bytes(text.encode(), f"content/submissions/{name}")))
    started = time.perf_counter()
    scan_submission(subs[0], config.confidentiality)
    load_ms = (time.perf_counter() - started) * 1000
    runs = []
    for _ in range(3):
        for sub in subs:
            started = time.perf_counter()
            scan_submission(sub, config.confidentiality)
            runs.append((time.perf_counter() - started) * 1000)
    runs.sort()
    return {"load": load_ms, "mean": statistics.mean(runs), "p95": runs[int(0.95 * len(runs))], "max": runs[-1],
            "submissions": len(subs)}


def photo(path: Path, seed: int) -> None:
    """A 12-megapixel camera-like photo: an example scene enlarged, with sensor noise."""
    scenes = sorted((ROOT / "examples/content/media").glob("*.jpg"))
    with Image.open(scenes[seed % len(scenes)]) as scene:
        big = scene.convert("RGB").resize((4000, 3000), Image.Resampling.BICUBIC)
    noise = Image.effect_noise((4000, 3000), 24).convert("RGB")
    Image.blend(big, noise, 0.12).filter(ImageFilter.GaussianBlur(0.6)).save(path, "JPEG", quality=90)


def whole_check_s(runs: int = 3) -> float:
    with tempfile.TemporaryDirectory() as scratch:
        repo = Path(scratch)
        shutil.copy(ROOT / "postdesk.toml", repo / "postdesk.toml")
        (repo / "content/submissions").mkdir(parents=True)
        (repo / "content/media").mkdir(parents=True)
        images = []
        for i in range(4):
            photo(repo / f"content/media/big-{i}.jpg", i)
            images.append(f"  - file: media/big-{i}.jpg\n    alt: A market stall with colourful crates {i}\n"
                          "    people: none\n")
        example = (ROOT / "examples/content/submissions/2026-11-16-food-bank-partnership.md").read_text()
        front, body = example.split("---\n")[1:3]
        front = front.split("images:")[0] + "images:\n" + "".join(images) + "confidentiality_confirmed: true\n"
        (repo / "content/submissions/2026-11-16-four-photos.md").write_text(f"---\n{front}---\n{body}")
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            result = subprocess.run([sys.executable, "-m", "postdesk", "check", "--today", "2026-11-23"], cwd=repo,
                                    capture_output=True, text=True, check=False)
            times.append(time.perf_counter() - started)
            if result.returncode != 0:
                sys.exit(f"check failed: {result.stdout}{result.stderr}")
        return statistics.median(times)


def main() -> None:
    text = text_scan_ms()
    print(f"confidentiality text scan of one submission, all fields ({text['submissions']:.0f} submissions, 3 rounds): "
          f"mean {text['mean']:.2f} ms, p95 {text['p95']:.2f} ms, max {text['max']:.2f} ms (target < 100 ms); "
          f"loading the name, place and word lists once per process: {text['load']:.0f} ms")
    print(f"postdesk check, one submission with four 12-megapixel photos: {whole_check_s():.2f} s (target < 2 s)")


if __name__ == "__main__":
    main()
