"""Rule family ``images``: every photo is safe to publish and really is a photo.

* ``images.unsafe-path``: the path leaves ``content/media/`` (``..``, absolute) or goes
  through a symbolic link;
* ``images.missing`` / ``images.not-a-file``: nothing (or a folder) at that path;
* ``images.too-large`` (bytes) and ``images.too-many-pixels`` (decided from the header,
  before decoding, so a decompression bomb costs nothing);
* ``images.format``: the content (not the extension) is not JPEG, PNG, GIF or WebP;
* ``images.truncated``: the photo does not decode completely;
* ``images.too-small``: under the smallest size a network it goes to shows as a photo
  (``channels.<network>.min_photo_side``, 200 pixels on the shorter side by default);
* ``images.location``: the photo says where it was taken (EXIF GPS, a drone's or an editor's
  XMP position, IPTC city, a PNG text chunk with an address...), which can reveal a home;
* ``images.metadata``: any other data ``postdesk scrub`` would remove (camera details, XMP,
  comments, text chunks, a motion-photo video). Approval scrubs the photo, but the file as the
  pull request added it stays in main's history for good, so it must arrive clean;
* ``images.colour-profile``: a colour profile that is not a plain display profile (over 16 KB,
  or holding anything but colours), which can carry any data;
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
from ..model import CHANNEL_LABELS, Finding, Severity
from ..schema import field_label
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
            alt = field_label(("images", number - 1, "alt"))
            yield Finding(ctx.path, "images.alt-generic",
                          f"{alt} ('{image.alt}') does not describe the photo.",
                          f"In '{alt}', say what the photo shows, e.g. 'Volunteers stack donated backpacks on a "
                          "long table'.", Severity.WARNING, alt_line)
        try:
            file = safe_media_path(config.content_dir, image.file, media_dir=config.media_dir)
        except UnsafePathError as exc:
            yield Finding(ctx.path, "images.unsafe-path", f"Photo {number} ({image.file}): {exc.message}",
                          exc.hint or "Put the photo in content/media/ and refer to it as media/NAME.", line=line)
            continue
        except MissingMediaError:
            yield Finding(ctx.path, "images.missing", f"Photo {number} ({image.file}) is not in the repository.",
                          f"Choose the photo again in '{_file_label(number)}'. On GitHub: upload it as "
                          f"content/{image.file} in the same pull request, or fix the file name (names are "
                          "case-sensitive).", line=line)
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
        yield from _size_findings(ctx, number, image.file, info, line)
        yield from _metadata_findings(ctx, number, image.file, info, line)


def _size_findings(ctx: CheckContext, number: int, file: str, info: ImageInfo, line: int) -> Iterator[Finding]:
    short_side = min(info.width, info.height)
    needs = {channel: ctx.config.channel(channel).min_photo_side for channel in ctx.sub.channels}
    required = max(needs.values(), default=0)
    if short_side >= required:
        return
    strictest = [CHANNEL_LABELS.get(channel, channel) for channel, side in needs.items() if side == required]
    who = f"{_joined(strictest)} {'needs' if len(strictest) == 1 else 'need'}"
    yield Finding(ctx.path, "images.too-small",
                  f"Photo {number} ({file}) is {info.width}×{info.height} pixels, too small to post: {who} at "
                  f"least {required} pixels on the shorter side.",
                  "Attach the original photo rather than a thumbnail, icon or screenshot of it; "
                  "1200 pixels on the long side is a good size.", line=line)


def _metadata_findings(ctx: CheckContext, number: int, file: str, info: ImageInfo, line: int) -> Iterator[Finding]:
    # What a caseworker can do comes first; the command is for whoever helps them on a computer.
    scrub = f"postdesk scrub content/{file}"
    again = f"then choose the clean copy in '{_file_label(number)}' instead"
    if info.location:
        yield Finding(ctx.path, "images.location",
                      f"Photo {number} ({file}) says where it was taken ({_listed(info.location)}), which can "
                      "reveal a home or a placement.",
                      "Save a copy of the photo without its location (on a phone: share it with location turned "
                      f"off), {again}. Or run: {scrub}  (removes all metadata, keeps the picture).", line=line)
    elif info.metadata:
        yield Finding(ctx.path, "images.metadata",
                      f"Photo {number} ({file}) carries metadata ({_listed(tuple(map(_plain, info.metadata)))}) "
                      "that would stay in the repository's history even after approval removes it.",
                      "Save a copy of the photo without its camera details (\"Save for web\", \"Remove location "
                      f"and camera info\"), {again}. Or run: {scrub}  (removes all metadata, keeps the picture).",
                      line=line)
    if info.colour_profile:
        yield Finding(ctx.path, "images.colour-profile",
                      f"Photo {number} ({file}): {info.colour_profile}.",
                      f"Save a copy of the photo in standard colours (sRGB, \"Save for web\"), {again}. Or run: "
                      f"{scrub}  (converts the colours to sRGB and drops the profile).", line=line)


def earlier_version_findings(path: str, commit: str, info: ImageInfo) -> Iterator[Finding]:
    """Findings for a version of a photo that a commit of the pull request added and a later one
    replaced: a merge keeps every commit, so that version would stay in the repository's history."""
    what = (f"where it was taken ({_listed(info.location)})" if info.location
            else f"metadata ({_listed(tuple(map(_plain, info.metadata)))})" if info.metadata
            else info.colour_profile)
    if not what:
        return
    yield Finding(path, "images.earlier-version",
                  f"An earlier version of this photo, added in commit {commit[:10]} of this pull request and "
                  f"replaced since, carries {what}. Merging keeps every commit, so it would stay in the "
                  "repository's history.",
                  "Ask the communications team to use \"Squash and merge\" for this pull request (only the clean "
                  "photo is kept), or close it and open a new pull request with only the clean photo.")


_PLAIN_KINDS = {"EXIF": "EXIF camera details", "IPTC": "IPTC captions", "comment": "a comment",
                "PNG text": "PNG text", "thumbnail": "a thumbnail", "extra images": "extra pictures",
                "trailing data": "data after the picture, such as a motion-photo video"}


def _plain(kind: str) -> str:
    return _PLAIN_KINDS.get(kind, kind)


def _listed(names: tuple[str, ...], limit: int = 6) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _file_label(number: int) -> str:
    return field_label(("images", number - 1, "file"))  # "Photo 2 → Photo file"


def _joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


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
