"""Rule family ``images``: every photo is safe to publish and really is a photo.

* ``images.unsafe-path``: the path leaves ``content/media/`` (``..``, absolute) or goes
  through a symbolic link;
* ``images.missing`` / ``images.not-a-file``: nothing (or a folder) at that path;
* ``images.too-large`` (bytes) and ``images.too-many-pixels`` (decided from the header,
  before decoding, so a decompression bomb costs nothing);
* ``images.format``: the content (not the extension) is not JPEG, PNG, GIF or WebP;
* ``images.truncated``: the photo does not decode completely;
* ``images.location``: the photo carries GPS location data, which can reveal a home;
* ``images.alt-generic`` (warning): alt text that says nothing ("photo", a file name);
* ``images.repeated`` (warning): the same photo listed twice.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path

from ..errors import MediaError, UnsafePathError
from ..media import ImageInfo, MissingMediaError, inspect_image, safe_media_path
from ..model import Finding, Severity
from .base import CheckContext

_GENERIC_ALT = re.compile(r"^\s*(an? )?(image|photo|picture|pic|img|photograph|screenshot)s?\s*\d*\s*$"
                          r"|^\s*\S+\.(jpe?g|png|gif|webp|heic)\s*$|^\s*(img|dsc|pxl)[_-]?\d+", re.IGNORECASE)


def check(ctx: CheckContext) -> Iterator[Finding]:
    sub, config = ctx.sub, ctx.config
    seen: set[str] = set()
    for number, image in enumerate(sub.images, start=1):
        line = image.line
        alt_line = sub.line_of(f"images.{number - 1}.alt", line)
        if image.file in seen:
            yield Finding(ctx.path, "images.repeated", f"Photo {number} ({image.file}) is listed twice.",
                          "Remove the second entry.", Severity.WARNING, line)
        seen.add(image.file)
        if _GENERIC_ALT.search(image.alt):
            yield Finding(ctx.path, "images.alt-generic",
                          f"The alt text of photo {number} ('{image.alt}') does not describe the photo.",
                          "Say what the photo shows, e.g. 'Volunteers stack donated backpacks on a long table'.",
                          Severity.WARNING, alt_line)
        try:
            file = safe_media_path(config.content_dir, image.file, media_dir=config.media_dir)
        except UnsafePathError as exc:
            yield Finding(ctx.path, "images.unsafe-path", f"Photo {number} ({image.file}): {exc.message}",
                          exc.hint or "Put the photo in content/media/ and refer to it as media/NAME.", line=line)
            continue
        except MissingMediaError:
            yield Finding(ctx.path, "images.missing", f"Photo {number} ({image.file}) is not in the repository.",
                          f"Add the photo as content/{image.file} in the same pull request, "
                          "or fix the file name (names are case-sensitive).", line=line)
            continue
        except MediaError as exc:
            yield Finding(ctx.path, "images.not-a-file", f"Photo {number} ({image.file}): {exc.message}",
                          exc.hint or "Refer to a photo file in content/media/.", line=line)
            continue
        info = photo_info(file, max_bytes=config.images.max_bytes, max_pixels=config.images.max_pixels)
        if info.problem_kind:
            yield Finding(ctx.path, f"images.{info.problem_kind}", f"Photo {number} ({image.file}): {info.problem}",
                          _PROBLEM_HINTS.get(info.problem_kind, ""), line=line)
            continue
        if info.has_gps:
            yield Finding(ctx.path, "images.location",
                          f"Photo {number} ({image.file}) contains GPS location data, which can reveal where "
                          "it was taken (a home, a placement).",
                          f"Run: postdesk scrub content/{image.file}  (removes all metadata, keeps the picture), "
                          "then commit the file again.", line=line)


def photo_info(file: Path, *, max_bytes: int, max_pixels: int) -> ImageInfo:
    """:func:`inspect_image`, remembered while the file is unchanged.

    The images rules and the face scan both need to know whether a photo is sound;
    decoding it once is enough.
    """
    info = file.stat()
    return _photo_info(str(file), info.st_mtime_ns, info.st_size, max_bytes, max_pixels)


@functools.lru_cache(maxsize=32)
def _photo_info(file: str, _mtime_ns: int, _size: int, max_bytes: int, max_pixels: int) -> ImageInfo:
    return inspect_image(Path(file), max_bytes=max_bytes, max_pixels=max_pixels)


_PROBLEM_HINTS = {
    "too-large": "Export the photo smaller (2000 pixels on the long side is plenty) or as JPEG.",
    "too-many-pixels": "Resize the photo to at most 40 megapixels; 2000 pixels on the long side is plenty.",
    "format": "Save the photo as JPEG, PNG, GIF or WebP (phones' HEIC photos need converting).",
    "truncated": "The file is damaged or was cut off while uploading; add the original photo again.",
}
