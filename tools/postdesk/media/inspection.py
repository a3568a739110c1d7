"""Inspecting a photo: what a file really is, whether it is whole, and what it carries.

:func:`inspect_image` never trusts a file enough to decode a decompression bomb: the size in
bytes is judged before opening, the pixel count from the header before decoding.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError

from ..errors import MediaError
from .metadata import Metadata, info_kinds, ordered, orientation_of, read_metadata, without_oversized_png_profile
from .paths import regular_file_size
from .pillow import (
    ALLOWED_FORMATS,
    ALLOWED_NAMES,
    BOMB,
    format_message,
    frame_count,
    load_first_frame,
    megabytes,
    pillow_guard,
    real_format,
    why,
)

FRAME_CHECK_LIMIT = 200
"""Frames of an animation that :func:`inspect_image` decodes; the rest are only counted."""


@dataclass(frozen=True)
class ImageInfo:
    """What a file really is, and the first reason it cannot be posted (if any).

    ``format`` comes from the file's content, never its extension. When ``problem`` is
    set, fields that could not be learnt are 0/empty/None. ``metadata`` names each kind of
    data :func:`~postdesk.media.scrub_image` would remove, ``location`` each field among it
    that holds a place (by name, never its value), ``colour_profile`` why the colour profile
    must be replaced (see :class:`~postdesk.media.metadata.Metadata`).
    """

    format: str | None
    width: int
    height: int
    size_bytes: int
    frames: int
    orientation: int
    metadata: tuple[str, ...] = ()
    location: tuple[str, ...] = ()
    colour_profile: str | None = None
    texts: tuple[tuple[str, str], ...] = ()
    problem: str | None = None
    problem_kind: str | None = None

    @property
    def has_gps(self) -> bool:
        """True when the file says where it was taken (GPS, an address, a city...)."""
        return bool(self.location)

    @property
    def has_metadata(self) -> bool:
        """True when :func:`~postdesk.media.scrub_image` would find something to remove or replace."""
        return bool(self.metadata or self.location or self.colour_profile)


def inspect_image(path: Path, *, max_bytes: int, max_pixels: int) -> ImageInfo:
    """Say what ``path`` really is and whether it can be posted.

    Never raises for bad content: the answer carries ``problem`` and ``problem_kind``
    (``too-large``, ``too-many-pixels``, ``format`` or ``truncated``). Raises
    :class:`MissingMediaError` / :class:`NotAFileError` / :class:`MediaError` only when
    the file cannot be opened at all.
    """
    size = regular_file_size(path)
    if size > max_bytes:
        return _problem(
            size,
            "too-large",
            f"the file is {megabytes(size)}, over the {megabytes(max_bytes)} limit; "
            "export it smaller (e.g. 2048 pixels on the long side)",
        )
    if size == 0:
        return _problem(size, "format", "the file is empty")
    try:
        with pillow_guard(max_pixels), path.open("rb") as fp:
            return _inspect_file(path, fp, size, max_pixels)
    except OSError as exc:
        # Only reading the file itself can get here: Pillow errors are handled inside.
        raise MediaError(f"the photo cannot be read: {exc.strerror or exc}", path=path) from exc


def _inspect_file(path: Path, original: BinaryIO, size: int, max_pixels: int) -> ImageInfo:
    try:
        fp, readable_size, profile_problem = without_oversized_png_profile(original, size)
        img = Image.open(fp)
    except BOMB:
        return _too_many_pixels(original, size, max_pixels)
    except UnidentifiedImageError:
        return _problem(size, "format", f"this file is not a picture postdesk can read ({ALLOWED_NAMES})")
    except Exception as exc:  # each Pillow plugin raises its own types for bad headers
        return _problem(size, "truncated", f"the picture is damaged and cannot be read ({why(exc)})")

    with img:
        fmt = real_format(img)
        width, height = img.size
        if fmt not in ALLOWED_FORMATS:
            return _problem(size, "format", format_message(path, fmt), fmt=fmt, width=width, height=height)
        if width * height > max_pixels:  # Pillow checked the first frame; this names the rule
            return _too_many_pixels(original, size, max_pixels)
        try:
            frames = frame_count(img)
            load_first_frame(img, fmt, draft=True)
            found = read_metadata(img, fp, fmt, readable_size, profile_problem=profile_problem)
            orientation = orientation_of(img)
            later: set[str] = set()
            for index in range(1, min(frames, FRAME_CHECK_LIMIT)):
                img.seek(index)
                img.load()
                later |= info_kinds(img.info)
        except BOMB:
            return _too_many_pixels(original, size, max_pixels)
        except Exception as exc:  # a decoder failing for any reason means "not whole"
            return _problem(
                size,
                "truncated",
                f"the picture does not decode completely; it may be cut short or damaged ({why(exc)})",
                fmt=fmt,
                width=width,
                height=height,
            )
    found = dataclasses.replace(found, kinds=found.kinds | later)
    return _info(fmt, width, height, size, frames, orientation, found)


def _info(fmt: str, width: int, height: int, size: int, frames: int, orientation: int, found: Metadata) -> ImageInfo:
    return ImageInfo(format=fmt, width=width, height=height, size_bytes=size, frames=frames, orientation=orientation,
                     metadata=ordered(found.kinds), location=found.location,
                     colour_profile=found.colour_profile, texts=found.texts)


def _too_many_pixels(fp: BinaryIO, size: int, max_pixels: int) -> ImageInfo:
    # Pillow refused before saying how big; reading the header again with no limit is
    # safe because nothing is decoded, and lets the message name the dimensions.
    width = height = 0
    fmt = None
    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None
    try:
        fp.seek(0)
        with Image.open(fp) as img:
            width, height = img.size
            fmt = real_format(img)
    except Exception:  # the dimensions only decorate the message
        pass
    finally:
        Image.MAX_IMAGE_PIXELS = saved
    shown = f"{width}×{height} ({width * height / 1e6:.0f} megapixels)" if width else "too large"
    return _problem(
        size,
        "too-many-pixels",
        f"the picture is {shown}, over the {max_pixels / 1e6:.0f}-megapixel limit; "
        "export it smaller before attaching it",
        fmt=fmt,
        width=width,
        height=height,
    )


def _problem(
    size: int, kind: str, message: str, *, fmt: str | None = None, width: int = 0, height: int = 0
) -> ImageInfo:
    return ImageInfo(format=fmt, width=width, height=height, size_bytes=size, frames=0, orientation=1,
                     problem=message, problem_kind=kind)
