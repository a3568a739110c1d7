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

from postdesk.checks.confidentiality import _fields, scan_text
from postdesk.config import load_config
from postdesk.parse import read_submission_file, submission_from_parsed

ROOT = Path(__file__).resolve().parent.parent


def text_scan_ms() -> float:
    config = load_config(ROOT)
    subs = []
    for file in sorted((ROOT / "examples/content/submissions").glob("*.md")):
        parsed = read_submission_file(file, f"content/submissions/{file.name}")
        subs.append(submission_from_parsed(parsed))
    for sub in subs:  # warm the lexicon and regex caches, as a check of many files would
        for text, *_ in _fields(sub):
            scan_text(text, policy=config.confidentiality)
    runs = []
    for _ in range(20):
        for sub in subs:
            started = time.perf_counter()
            for text, _line, _column, _field, addresses in _fields(sub):
                scan_text(text, policy=config.confidentiality, addresses=addresses)
            runs.append((time.perf_counter() - started) * 1000)
    return statistics.mean(runs)


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
    print(f"confidentiality text scan, typical submission (all fields): {text_scan_ms():.2f} ms (target <= 50 ms)")
    print(f"postdesk check, one submission with four 12-megapixel photos: {whole_check_s():.2f} s (target < 2 s)")


if __name__ == "__main__":
    main()
