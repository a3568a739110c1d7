"""Driving Pillow safely, and naming picture formats the way a person reads them.

Pillow is only ever driven inside :func:`pillow_guard`, which sets the pixel limit, makes
truncated data an error and keeps Pillow's warnings from leaking.
"""

from __future__ import annotations

import contextlib
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

from PIL import Image, ImageFile

ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "GIF", "WEBP"})
"""Formats every network accepts (see docs/PLATFORMS.md); anything else is refused."""

ALLOWED_NAMES = "JPEG, PNG, GIF or WebP"

BOMB = (Image.DecompressionBombWarning, Image.DecompressionBombError)
"""What Pillow raises for a picture over the pixel limit (a warning is made an error)."""

# Python 3.11's warnings filters and Pillow's limits are process-wide, so two threads
# inspecting at once must not interleave their set-up and restore.
_PILLOW_LOCK = threading.RLock()


@contextlib.contextmanager
def pillow_guard(max_pixels: int) -> Iterator[None]:
    """Make Pillow refuse oversized headers and short data, and swallow its warnings."""
    with _PILLOW_LOCK, warnings.catch_warnings():
        saved = Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES
        Image.MAX_IMAGE_PIXELS = max_pixels
        # Another module setting this would make truncated photos load silently.
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        warnings.simplefilter("ignore")
        # Pillow only warns between 1x and 2x the limit; as an error it stops Image.open
        # before any pixel is decoded.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        finally:
            Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES = saved


def real_format(img: Image.Image) -> str | None:
    # Phones write multi-picture JPEGs (MPO); the first picture is an ordinary JPEG
    # and is all postdesk keeps.
    return "JPEG" if img.format == "MPO" else img.format


def frame_count(img: Image.Image) -> int:
    if img.format == "MPO":
        return 1
    return int(getattr(img, "n_frames", 1))


def load_first_frame(img: Image.Image, fmt: str, *, draft: bool) -> None:
    if draft and fmt == "JPEG":
        width, height = img.size
        # Scaling in libjpeg still reads every entropy-coded byte, so truncation is
        # still caught, at a fraction of the cost of a full decode.
        img.draft("RGB", (max(1, width // 8), max(1, height // 8)))
    img.load()


def why(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


# --------------------------------------------------------------------------- format names

_DISPLAY_NAMES = {"WEBP": "WebP", "JPEG2000": "JPEG 2000"}

# Names said as a word, with the article of the word's first sound ("an AVIF" is "an ay-vif",
# "a HEIC" is "a heek"). Every other all-capitals name is read letter by letter.
_WORD_ARTICLES = {
    "AVIF": "an", "HEIC": "a", "HEIF": "a", "JPEG": "a", "JPEG2000": "a", "GIF": "a", "WEBP": "a", "TIFF": "a",
    "PNG": "a", "QOI": "a", "FITS": "a", "ICO": "an", "ICNS": "an", "JXL": "a",
}
# Letters whose spoken name starts with a vowel sound: "an SVG" (ess), "an MPO" (em), "an XBM" (ex).
_VOWEL_SOUNDING_LETTERS = frozenset("AEFHILMNORSX")

_SUFFIXES = {
    "TIFF": ("tif", "tiff"), "BMP": ("bmp",), "ICO": ("ico",), "PPM": ("ppm", "pgm", "pbm"), "AVIF": ("avif",),
    "JPEG2000": ("jp2", "j2k", "jpf", "jpx"), "PSD": ("psd",), "ICNS": ("icns",), "QOI": ("qoi",), "TGA": ("tga",),
    "PCX": ("pcx",), "DDS": ("dds",), "EPS": ("eps",), "SGI": ("sgi", "rgb"), "XBM": ("xbm",),
}


def format_name(fmt: str) -> str:
    """How a format is written for people: WebP rather than Pillow's WEBP."""
    return _DISPLAY_NAMES.get(fmt, fmt)


def format_with_article(fmt: str) -> str:
    """``fmt`` after "a" or "an" as it sounds: an AVIF, a JPEG, a PNG, a HEIC, a WebP, an SVG."""
    name = format_name(fmt)
    if fmt in _WORD_ARTICLES:
        article = _WORD_ARTICLES[fmt]
    elif fmt.isupper() and fmt[:1].isalpha():
        article = "an" if fmt[0] in _VOWEL_SOUNDING_LETTERS else "a"
    else:
        article = "an" if name[:1].lower() in "aeiou" else "a"
    return f"{article} {name}"


def format_message(path: Path, fmt: str | None) -> str:
    """Why a picture in a format postdesk does not post is refused, naming what it really is."""
    shown = str(fmt or "unknown")
    suffix = path.suffix.lower().lstrip(".")
    if suffix and suffix not in _SUFFIXES.get(shown, ()):
        return f"this .{suffix} file is really {format_with_article(shown)} image; postdesk accepts {ALLOWED_NAMES}"
    return f"{format_name(shown)} images cannot be posted; convert it to {ALLOWED_NAMES}"
