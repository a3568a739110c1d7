"""Photos: faces found in a photo, compared with who the submission says can be recognised."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from ...model import Finding, ImageRef, Severity
from ...schema import field_label
from ..base import CheckContext

if TYPE_CHECKING:
    from . import Field


def photo_findings(ctx: CheckContext) -> Iterator[Finding]:
    """Faces in photos, compared with what ``people:`` declares."""
    sub = ctx.sub
    if not sub.images:
        return
    from ... import faces
    from ...errors import MediaError
    from ...media import safe_media_path
    from ..images import photo_info

    if not faces.faces_available():
        yield Finding(ctx.path, "confidentiality.faces-not-scanned",
                      f"The photos were not scanned for faces: {faces.unavailable_reason()}.",
                      "Reviewers: check every photo by eye. To scan, install postdesk[faces].",
                      Severity.WARNING, sub.images[0].line)
        return
    limits = ctx.config.images
    sound: list[tuple[int, ImageRef, Path]] = []
    for number, image in enumerate(sub.images, start=1):
        try:
            file = safe_media_path(ctx.config.content_dir, image.file, media_dir=ctx.config.media_dir)
        except MediaError:
            continue  # the images rules report it
        if not photo_info(file, max_bytes=limits.max_bytes, max_pixels=limits.max_pixels).problem_kind:
            sound.append((number, image, file))  # an unsound photo is reported by the images rules
    def scan(entry: tuple[int, ImageRef, Path]) -> faces.FaceScan:
        return faces.detect_faces(entry[2], max_pixels=limits.max_pixels)

    if len(sound) > 1:  # OpenCV releases the GIL while it scans, so several photos use several cores
        with ThreadPoolExecutor(max_workers=min(4, len(sound))) as pool:
            scans = list(pool.map(scan, sound))
    else:
        scans = [scan(entry) for entry in sound]
    for (number, image, _file), scan in zip(sound, scans, strict=True):
        if not scan.scanned:
            yield Finding(ctx.path, "confidentiality.faces-not-scanned",
                          f"Photo {number} ({image.file}) could not be scanned for faces: {scan.reason}.",
                          "Reviewers: check this photo by eye.", Severity.WARNING, image.line)
            continue
        count = len(scan.faces)
        who, release, court = (field_label(("images", number - 1, key))
                               for key in ("people", "release", "court_approved"))
        if count and image.people == "none":
            yield Finding(ctx.path, "confidentiality.undeclared-faces",
                          f"Photo {number} ({image.file}): '{who}' says none, but {count} "
                          f"face{'s were' if count != 1 else ' was'} detected.",
                          f"If people can be recognised, set '{who}' to staff, adults or minors and fill in "
                          f"'{release}'; never use a photo in which a child in care can be recognised, even blurred.",
                          line=sub.line_of(f"images.{number - 1}.people", image.line))
        elif scan.child_sized and image.people in ("staff", "adults"):
            yield Finding(ctx.path, "confidentiality.child-sized-face",
                          f"Photo {number} ({image.file}) shows a face much smaller than the others; it may be a "
                          f"child's, but '{who}' says only {image.people}.",
                          f"Check the photo. If a minor can be recognised, set '{who}' to minors, fill in "
                          f"'{release}' and tick '{court}', or choose another photo.", Severity.WARNING,
                          sub.line_of(f"images.{number - 1}.people", image.line))


def photo_text_fields(ctx: CheckContext) -> Iterator[Field]:
    """The free text inside each photo's metadata (caption, title, keywords, comments, text
    chunks), as fields the text rules read like the post's own words.

    A caption that names a child is an error even though approval would scrub it: the photo
    as the pull request added it stays in the repository's history. The photo is inspected
    once per check (:func:`~postdesk.checks.images.photo_info` is cached), within the
    metadata reader's fixed budget.
    """
    from ...errors import MediaError
    from ...media import safe_media_path
    from ..images import photo_info
    from . import Field  # the package imports this module first

    limits = ctx.config.images
    for number, image in enumerate(ctx.sub.images, start=1):
        try:
            file = safe_media_path(ctx.config.content_dir, image.file, media_dir=ctx.config.media_dir)
        except MediaError:
            continue  # the images rules report it
        info = photo_info(file, max_bytes=limits.max_bytes, max_pixels=limits.max_pixels)
        for name, words in info.texts:
            yield Field(f"the {name} inside photo {number}'s file", words,
                        ctx.sub.line_of(f"images.{number - 1}.file", image.line), 0, derived=True)
