"""Draw the example photos (no people) with Pillow, deterministically.

Run from the repository root: ``python examples/make_photos.py``. The bundled
JPEGs under examples/content/media/ were made with it; re-running rewrites them.
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

MEDIA = Path(__file__).parent / "content" / "media"
SIZE = (1600, 1200)


def _sky(draw: ImageDraw.ImageDraw, top: tuple[int, int, int], bottom: tuple[int, int, int], height: int) -> None:
    for y in range(height):
        t = y / max(1, height - 1)
        draw.line([(0, y), (SIZE[0], y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))


def backpacks(rng: random.Random) -> Image.Image:
    img = Image.new("RGB", SIZE, (236, 230, 220))
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 760, SIZE[0], SIZE[1]], fill=(150, 105, 70))  # table
    colours = [(200, 40, 50), (30, 90, 180), (40, 150, 80), (240, 170, 30), (120, 60, 160), (20, 20, 30)]
    for row in range(2):
        for i in range(7):
            x = 90 + i * 205 + rng.randint(-10, 10)
            y = 430 - row * 230 + rng.randint(-8, 8)
            colour = rng.choice(colours)
            draw.rounded_rectangle([x, y, x + 170, y + 330], radius=40, fill=colour)
            draw.rounded_rectangle([x + 30, y + 150, x + 140, y + 290], radius=20,
                                   fill=tuple(max(0, c - 40) for c in colour))
            draw.arc([x + 45, y - 50, x + 125, y + 40], 180, 360, fill=(40, 40, 40), width=10)
    return img.filter(ImageFilter.GaussianBlur(1.2))


def library(rng: random.Random) -> Image.Image:
    img = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(img)
    _sky(draw, (120, 170, 230), (200, 225, 245), 700)
    draw.rectangle([0, 700, SIZE[0], SIZE[1]], fill=(90, 140, 80))
    draw.rectangle([300, 380, 1300, 820], fill=(185, 160, 130))  # building
    draw.polygon([(260, 390), (800, 200), (1340, 390)], fill=(120, 70, 60))
    for i in range(6):
        draw.rectangle([360 + i * 150, 470, 440 + i * 150, 620], fill=(250, 240, 200))
    draw.rectangle([740, 650, 860, 820], fill=(90, 60, 40))  # door
    for _ in range(40):
        x = rng.randint(0, SIZE[0])
        y = 760 + rng.randint(0, 300)
        draw.ellipse([x, y, x + 60, y + 40], fill=(60, 110, 55))
    return img


def pantry(rng: random.Random) -> Image.Image:
    img = Image.new("RGB", SIZE, (245, 245, 240))
    draw = ImageDraw.Draw(img)
    for shelf in range(4):
        y = 250 + shelf * 260
        draw.rectangle([80, y, 1520, y + 24], fill=(120, 90, 60))
        x = 100
        while x < 1480:
            w, h = rng.randint(60, 120), rng.randint(90, 200)
            fill = (rng.randint(60, 240), rng.randint(60, 240), rng.randint(60, 200))
            draw.rectangle([x, y - h, x + w, y], fill=fill)
            draw.rectangle([x + 8, y - h + 20, x + w - 8, y - h + 50], fill=(250, 250, 250))
            x += w + rng.randint(6, 20)
    return img


def plaque(rng: random.Random) -> Image.Image:
    img = Image.new("RGB", SIZE, (70, 50, 40))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle([400, 200, 1200, 1000], radius=30, fill=(110, 70, 40))
    draw.rounded_rectangle([470, 270, 1130, 930], radius=16, fill=(212, 175, 55))
    for i in range(9):
        y = 360 + i * 58
        width = rng.randint(300, 560)
        draw.rectangle([800 - width // 2, y, 800 + width // 2, y + 18], fill=(90, 70, 20))
    draw.ellipse([720, 780, 880, 900], fill=(180, 30, 40))
    return img.filter(ImageFilter.GaussianBlur(0.8))


def office_door(rng: random.Random) -> Image.Image:
    img = Image.new("RGB", SIZE, (200, 200, 195))
    draw = ImageDraw.Draw(img)
    draw.rectangle([500, 150, 1100, 1200], fill=(60, 90, 120))
    draw.rectangle([560, 220, 1040, 700], fill=(180, 210, 230))
    draw.rectangle([620, 300, 980, 620], fill=(255, 255, 255))
    for i in range(6):
        draw.rectangle([650, 330 + i * 48, 650 + rng.randint(150, 300), 352 + i * 48], fill=(40, 40, 40))
    draw.ellipse([1010, 760, 1050, 800], fill=(200, 180, 90))
    return img


PHOTOS = {
    "2026-11-20-backpacks.jpg": backpacks,
    "2026-11-18-library.jpg": library,
    "2026-11-16-pantry-shelves.jpg": pantry,
    "2026-11-12-award-plaque.jpg": plaque,
    "2026-11-10-office-hours-sign.jpg": office_door,
}


def main() -> None:
    MEDIA.mkdir(parents=True, exist_ok=True)
    for name, draw in PHOTOS.items():
        draw(random.Random(name)).save(MEDIA / name, "JPEG", quality=82, optimize=True)


if __name__ == "__main__":
    main()
