"""Face detection before and after issue 17: Haar cascades vs BlazeFace (not a test).

Run: PYTHONPATH=tools:bench python bench/faces_bench.py

* every photo of tests/corpus/confidentiality/photos (labels in photos.yml): faces
  expected, found by each detector;
* harder variants made here from the corpus astronaut: tilted 30° and 45°, a small
  face (head 110 pixels tall) in a 1600×1200 frame;
* the time to scan a 12-megapixel (4000×3000) textured JPEG, median of 5 runs after
  a warm-up, with OpenCV kept to one thread as `postdesk check` does.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import yaml
from PIL import Image

import haar_faces
from postdesk import faces

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "confidentiality"
PHOTOS = CORPUS / "photos"


def variants(folder: Path) -> list[tuple[Path, int]]:
    """Harder photos made from the astronaut, with the number of faces each shows."""
    made = []
    with Image.open(PHOTOS / "face-astronaut.jpg") as img:
        source = img.convert("RGB")
    for angle in (30, 45):
        path = folder / f"variant-tilted-{angle}.jpg"
        source.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=(128, 128, 128)).save(path, quality=90)
        made.append((path, 1))
    big = Image.new("RGB", (1600, 1200), (196, 192, 184))
    big.paste(source.crop((128, 8, 328, 240)).resize((95, 110), Image.Resampling.BILINEAR), (1100, 700))
    path = folder / "variant-small-face-1600.jpg"
    big.save(path, quality=90)
    made.append((path, 1))
    return made


def twelve_megapixels(folder: Path) -> Path:
    """A 4000×3000 JPEG of textured photos (coffee, coins, shelves) with the astronaut in it."""
    canvas = Image.new("RGB", (4000, 3000))
    tiles = ["no-people-coffee.jpg", "no-people-coins.jpg", "no-people-pantry-shelves.jpg", "no-people-cat.jpg"]
    for index, name in enumerate(tiles):
        with Image.open(PHOTOS / name) as img:
            canvas.paste(img.convert("RGB").resize((2000, 1500)), ((index % 2) * 2000, (index // 2) * 1500))
    with Image.open(PHOTOS / "face-astronaut.jpg") as img:
        canvas.paste(img.convert("RGB").resize((1200, 1200)), (1400, 900))
    path = folder / "twelve-megapixels.jpg"
    canvas.save(path, quality=90)
    return path


def seconds_per_scan(detect: object, path: Path, runs: int = 5) -> float:
    detect(path)  # warm-up: loads OpenCV and the detector
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        detect(path)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    faces.use_one_thread()
    haar_faces.use_one_thread()
    labels = yaml.safe_load((CORPUS / "photos.yml").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cases = [(PHOTOS / entry["file"], entry["faces"]) for entry in labels] + variants(folder)
        totals = {"haar": [0, 0, 0], "blazeface": [0, 0, 0]}  # faces found, missed, false
        print(f"{'photo':44} {'faces':>5} {'haar':>5} {'blazeface':>9}")
        for path, expected in cases:
            row = []
            for name, detect in (("haar", haar_faces.detect_faces), ("blazeface", faces.detect_faces)):
                found = len(detect(path).faces)
                totals[name][0] += min(found, expected)
                totals[name][1] += max(0, expected - found)
                totals[name][2] += max(0, found - expected)
                row.append(found)
            print(f"{path.name:44} {expected:>5} {row[0]:>5} {row[1]:>9}")
        for name, (hit, missed, false) in totals.items():
            print(f"{name}: {hit} faces found, {missed} missed, {false} false faces")
        big = twelve_megapixels(folder)
        for name, detect in (("haar", haar_faces.detect_faces), ("blazeface", faces.detect_faces)):
            print(f"{name}: {seconds_per_scan(detect, big):.3f} s per 12-megapixel photo "
                  f"({len(detect(big).faces)} face(s) found)")


if __name__ == "__main__":
    main()
