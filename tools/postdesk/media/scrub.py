"""Scrubbing a photo: rewrite it in place with nothing but its picture, then prove it.

In order: open it without following a link; read what it carries (the same reader as the
check, :func:`~postdesk.media.metadata.read_metadata`); when it carries nothing, leave it byte
for byte; otherwise build a clean copy (rotation applied, colours converted to sRGB when its
colour profile may not stay), write it to a hidden sibling, re-read that from disk and refuse
it unless the reader now finds nothing at all, and only then swap it in. A failure at any step
leaves the original untouched and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from PIL import Image, ImageFile, ImageOps, ImageSequence, UnidentifiedImageError

from ..errors import MediaError
from ..files import temporary_sibling
from .colour import colour_profile_problem, to_srgb
from .metadata import GPS_IFD, exif_of, orientation_of, read_metadata, webp_is_lossless, without_oversized_png_profile
from .paths import open_no_follow
from .pillow import ALLOWED_FORMATS, BOMB, format_message, frame_count, load_first_frame, pillow_guard, real_format, why

SCRUB_MAX_PIXELS = 100_000_000
"""Largest picture :func:`scrub_image` will decode; a 12-megapixel photo is far below it."""

ANIMATION_PIXEL_BUDGET = 250_000_000
"""Total pixels over all frames that :func:`scrub_image` will hold in memory (~1 GB as RGBA)."""

JPEG_QUALITY = 92


@dataclass(frozen=True)
class ScrubResult:
    """What :func:`scrub_image` did: ``removed`` names each kind of data taken out
    ("colour profile" when the profile was replaced)."""

    path: Path
    format: str
    removed: tuple[str, ...]
    rotated: bool
    bytes_before: int
    bytes_after: int


def scrub_image(path: Path, *, max_pixels: int = SCRUB_MAX_PIXELS) -> ScrubResult:
    """Remove all metadata from the photo at ``path``, in place, and prove it.

    EXIF (with GPS), XMP, IPTC, comments, PNG text chunks and other non-picture data
    go; a plain display colour profile stays and any other is replaced (the pixels are
    converted to sRGB, see :mod:`postdesk.media.colour`); an EXIF rotation is applied to the
    pixels so the photo stays upright. The file is replaced atomically and only after the new
    bytes have been re-read and found clean; on any failure the original is untouched.
    An already clean file is left byte-for-byte alone (``removed`` is empty).

    Raises :class:`UnsafePathError` for a symlink and :class:`MediaError` for anything
    that is not a whole JPEG, PNG, GIF or WebP picture.
    """
    with open_no_follow(path) as original:
        size = os.fstat(original.fileno()).st_size
        with pillow_guard(max_pixels):
            fp, readable_size, profile_problem = _readable(path, original, size)
            img = _open_for_scrub(path, fp)
            with img:
                fmt = real_format(img)
                if fmt not in ALLOWED_FORMATS:
                    raise MediaError(
                        format_message(path, fmt),
                        hint="convert it to JPEG or PNG, then scrub it again",
                        path=path,
                    )
                try:
                    return _scrub_open_image(path, fp, img, fmt, readable_size, size, profile_problem)
                except BOMB:
                    raise MediaError(
                        f"the picture is over the {max_pixels / 1e6:.0f}-megapixel limit",
                        hint="export it smaller first",
                        path=path,
                    ) from None
                except MediaError:
                    raise
                except Exception as exc:  # decoders, encoders and the disk all raise their own types
                    raise MediaError(
                        f"the picture could not be read completely or rewritten ({why(exc)})",
                        hint="open it in an image editor, export it again, then scrub it",
                        path=path,
                    ) from exc


def _readable(path: Path, fp: BinaryIO, size: int) -> tuple[BinaryIO, int, str | None]:
    try:
        return without_oversized_png_profile(fp, size)
    except (OSError, ValueError, IndexError) as exc:  # struct errors are ValueErrors
        raise MediaError(f"this is not a readable picture ({why(exc)})",
                         hint="re-export the photo as JPEG or PNG", path=path) from None


def _open_for_scrub(path: Path, fp: BinaryIO) -> ImageFile.ImageFile:
    hint = "only JPEG, PNG, GIF and WebP pictures can be scrubbed; re-export the photo"
    try:
        return Image.open(fp)
    except BOMB:
        raise MediaError("the picture has too many pixels to rewrite safely", hint=hint, path=path) from None
    except UnidentifiedImageError:
        raise MediaError("this is not a picture postdesk can read", hint=hint, path=path) from None
    except Exception as exc:  # every plugin raises its own types for a broken header
        raise MediaError(f"this is not a readable picture ({why(exc)})", hint=hint, path=path) from None


def _scrub_open_image(path: Path, fp: BinaryIO, img: ImageFile.ImageFile, fmt: str, readable_size: int,
                      size: int, profile_problem: str | None) -> ScrubResult:
    found = read_metadata(img, fp, fmt, readable_size, profile_problem=profile_problem)
    if found.clean:
        _prove_clean(path, fmt, img.size, frame_count(img))
        return ScrubResult(path, fmt, (), False, size, size)

    frames = frame_count(img)
    if frames * img.size[0] * img.size[1] > ANIMATION_PIXEL_BUDGET:
        raise MediaError(
            f"the animation has too many frames ({frames}) to rewrite safely",
            hint="shorten it or convert it to a video",
            path=path,
        )
    rotated = orientation_of(img) != 1
    lossless = fmt == "WEBP" and webp_is_lossless(fp, readable_size)
    first, options = _clean_copy(img, fmt, rotated=rotated, lossless=lossless)
    bytes_after = _write_atomically(path, first, options, fmt, frames)
    return ScrubResult(path, fmt, found.removed(), rotated, size, bytes_after)


def _clean_copy(
    img: ImageFile.ImageFile, fmt: str, *, rotated: bool, lossless: bool
) -> tuple[Image.Image, dict[str, Any]]:
    """Return the metadata-free first frame and save options (holding any further frames)."""
    profile = img.info.get("icc_profile")
    keep_profile = bool(profile) and fmt != "GIF" and colour_profile_problem(profile) is None
    # A profile that may not stay is used once, to read the pixels as sRGB, and not written.
    convert = profile if profile and not keep_profile else None
    options: dict[str, Any] = {"format": fmt}
    if keep_profile:
        options["icc_profile"] = profile
    if img.info.get("dpi") and fmt in ("JPEG", "PNG"):
        options["dpi"] = img.info["dpi"]

    if fmt == "JPEG":
        options["progressive"] = bool(img.info.get("progressive") or img.info.get("progression"))
        img.load()
        if rotated or convert or img.format != "JPEG":
            picture = _upright(img) if rotated else img.copy()
            picture = to_srgb(picture, convert) if convert else picture
            options["quality"] = JPEG_QUALITY
        else:
            # Reusing the original quantisation avoids a visible generation loss.
            picture = img
            options.update(quality="keep", subsampling="keep")
        # The JPEG encoder falls back to info["comment"], so info must go, not just exif.
        picture.info = {}
        return picture, options

    frames, durations = [], []
    for frame in ImageSequence.Iterator(img):
        durations.append(frame.info.get("duration", 0))
        copy = _upright(frame) if rotated else frame.copy()
        if convert and fmt != "GIF":
            copy = to_srgb(copy, convert)
        # Only what the encoder needs to draw the same pixels survives.
        copy.info = {k: frame.info[k] for k in ("transparency", "background") if k in frame.info}
        frames.append(copy)
    if len(frames) > 1:
        options.update(save_all=True, append_images=frames[1:], duration=durations)
        if "loop" in img.info:
            options["loop"] = img.info["loop"]
    if fmt == "GIF" and len(frames) > 1 and any(_has_transparency(frame) for frame in frames):
        # Each frame is now a whole picture; clearing before the next one is drawn keeps
        # pixels that became transparent from showing the previous frame through.
        options["disposal"] = 2
    if fmt == "PNG":
        options["optimize"] = False
    elif fmt == "WEBP":
        if lossless:
            options["lossless"] = True
        else:
            options["quality"] = JPEG_QUALITY
        options.update(exif=b"", xmp=b"")
        if "background" in img.info and len(frames) > 1:
            options["background"] = img.info["background"]
    return frames[0], options


def _has_transparency(img: Image.Image) -> bool:
    return img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info


def _upright(img: Image.Image) -> Image.Image:
    return ImageOps.exif_transpose(img)


def _write_atomically(path: Path, first: Image.Image, options: dict[str, Any], fmt: str, frames: int) -> int:
    """Write to a sibling temp file, prove it clean, then swap it in; return its size."""
    mode = stat.S_IMODE(path.stat().st_mode)
    fd, temp = temporary_sibling(path)
    try:
        with os.fdopen(fd, "wb") as out:
            first.save(out, **options)
            out.flush()
            os.fsync(out.fileno())
        # mkstemp makes the file private; the photo keeps the permissions it had.
        temp.chmod(mode)
        _prove_clean(temp, fmt, first.size, frames, shown=path)
        temp.replace(path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)
    return path.stat().st_size


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable; not every platform lets a folder be opened.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _prove_clean(
    path: Path, fmt: str, expected_size: tuple[int, int], frames: int, *, shown: Path | None = None
) -> None:
    """Re-read ``path`` from disk and raise :class:`MediaError` unless it is whole and carries nothing
    the check would report: no metadata, no place, no colour profile but a plain one."""
    shown = shown or path
    with path.open("rb") as original:
        size = os.fstat(original.fileno()).st_size
        fp, readable_size, profile_problem = without_oversized_png_profile(original, size)
        with Image.open(fp) as img:
            dimensions = img.size  # before draft() scales it down
            load_first_frame(img, fmt, draft=True)
            found = read_metadata(img, fp, fmt, readable_size, profile_problem=profile_problem)
            # What Pillow itself still sees, in case the reader and Pillow ever disagree.
            exif = exif_of(img)
            if exif is not None and (len(exif) or exif.get_ifd(GPS_IFD)):
                found = dataclasses.replace(found, kinds=found.kinds | {"EXIF"})
            if fmt == "PNG" and getattr(img, "text", None):
                found = dataclasses.replace(found, kinds=found.kinds | {"PNG text"})
            if not found.clean:
                raise MediaError(
                    f"scrubbing did not remove: {found.described()}",
                    hint="report this as a postdesk bug; the original file was not changed",
                    path=shown,
                )
            actual = (real_format(img), frame_count(img))
            if actual != (fmt, frames) or dimensions != expected_size:
                raise MediaError(
                    f"the rewritten picture does not match the original ({actual[0]}, {actual[1]} frames)",
                    hint="report this as a postdesk bug; the original file was not changed",
                    path=shown,
                )
