"""Colour profiles (ICC): which one a photo may keep, and turning the others into plain sRGB.

A photo may keep a *plain display profile*: the few hundred bytes to a few kilobytes that say
which red, green and blue the pixels mean (sRGB, Display P3, Adobe RGB). Anything else is
refused by ``postdesk check`` (``images.colour-profile``) and replaced by ``postdesk scrub``,
because a profile is a container too: testers sent a 3 MB one stuffed with an address, which
passed the check, survived the scrub and was committed.

What counts as plain, decided from the bytes alone (no colour library parses a profile before
it is judged):

* at most :data:`ICC_MAX_BYTES`;
* a whole ICC header (``acsp``, its declared size the real size) of a display (``mntr``)
  profile for RGB or grey pixels;
* only the standard colour entries (tags) a display profile uses, text entries short;
* no bytes that belong to no entry, where other data could hide.

A profile that is not plain is replaced by converting the pixels to sRGB with it (LittleCMS,
which Pillow ships) and saving with no profile, which every browser and network reads as sRGB.
When the profile cannot be used for that (damaged, for printers, or too large to trust), it is
dropped and the pixels are taken as sRGB already, which is what a viewer that ignores profiles
shows anyway.
"""

from __future__ import annotations

import io
import struct

from PIL import Image, ImageCms

from .pillow import megabytes

ICC_MAX_BYTES = 16_384
"""Largest colour profile a photo may keep. Display profiles are 0.5-4 KB (sRGB IEC61966-2.1
3,144 bytes, Display P3 536, Adobe RGB 560); 16 KB leaves room and no room for a payload."""

CONVERT_MAX_BYTES = 1_048_576
"""Largest profile handed to LittleCMS to convert the pixels; a larger one is dropped unread."""

_TEXT_MAX_BYTES = 512
"""Longest text entry (description, copyright) a plain profile holds; real ones are under 150."""

_TEXT_TAGS = frozenset({b"desc", b"cprt", b"dmnd", b"dmdd", b"vued", b"targ"})
_COLOUR_TAGS = _TEXT_TAGS | frozenset({
    b"wtpt", b"bkpt", b"rXYZ", b"gXYZ", b"bXYZ", b"rTRC", b"gTRC", b"bTRC", b"kTRC", b"chad", b"chrm",
    b"lumi", b"meas", b"tech", b"view", b"cicp", b"ciis", b"aarg", b"aagg", b"aabg",
})
_HEADER = 128

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def colour_profile_problem(profile: bytes) -> str | None:
    """Why ``profile`` may not stay in a photo, in words for the person who sent it; None when plain.

    The answer completes "Photo 1 (media/x.jpg): ...".
    """
    if len(profile) > ICC_MAX_BYTES:
        return oversized_profile(len(profile))
    if len(profile) < _HEADER + 4 or profile[36:40] != b"acsp" or _u32(profile, 0) != len(profile):
        return "its colour profile is damaged"
    device, pixels, connection = profile[12:16], profile[16:20], profile[20:24]
    if device != b"mntr" or pixels not in (b"RGB ", b"GRAY") or connection not in (b"XYZ ", b"Lab "):
        return ("its colour profile is not a standard display profile (such as sRGB or Display P3); "
                "it looks made for a printer, a scanner or a colour effect")
    count = _u32(profile, _HEADER)
    table_end = _HEADER + 4 + 12 * count
    if count > 64 or table_end > len(profile):
        return "its colour profile is damaged"
    spans = [(0, table_end)]
    for index in range(count):
        signature, offset, length = struct.unpack_from(">4sII", profile, _HEADER + 4 + 12 * index)
        if offset < table_end or offset + length > len(profile):
            return "its colour profile is damaged"
        if signature not in _COLOUR_TAGS:
            return "its colour profile carries an entry that is not about colour, which can hold any data"
        if signature in _TEXT_TAGS and length > _TEXT_MAX_BYTES:
            return f"its colour profile carries {length:,} bytes of text where a name and a copyright line belong"
        spans.append((offset, offset + length))
    # Entries are 4-byte aligned: up to 3 bytes of padding after each is normal.
    if len(profile) - _covered(spans) > 3 * count + 3:
        return "its colour profile carries data that belongs to no colour entry, where anything could hide"
    return None


def oversized_profile(size: int) -> str:
    return (f"its colour profile is {megabytes(size) if size >= 100_000 else f'{size:,} bytes'}, where a standard "
            f"display profile is under {ICC_MAX_BYTES // 1024} KB, so it can carry other data")


def to_srgb(picture: Image.Image, profile: bytes) -> Image.Image:
    """``picture``'s pixels as sRGB, using ``profile`` to read them; the result carries no profile.

    Returns ``picture`` unchanged when the profile cannot be used (see the module docstring).
    """
    if picture.mode not in ("RGB", "RGBA", "CMYK") or len(profile) > CONVERT_MAX_BYTES:
        return picture
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        converted = ImageCms.profileToProfile(picture, source, _SRGB,
                                              outputMode="RGBA" if picture.mode == "RGBA" else "RGB")
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return picture
    assert converted is not None  # inPlace=False always returns the new picture
    # profileToProfile embeds the output profile; what goes back to the caller carries none.
    converted.info = {k: v for k, v in picture.info.items() if k != "icc_profile"}
    return converted


def _u32(data: bytes, offset: int) -> int:
    return int(struct.unpack_from(">I", data, offset)[0])


def _covered(spans: list[tuple[int, int]]) -> int:
    """Bytes inside at least one span (entries may share data, e.g. one curve for r, g and b)."""
    total, reached = 0, 0
    for start, end in sorted(spans):
        if end > reached:
            total += end - max(start, reached)
            reached = end
    return total
