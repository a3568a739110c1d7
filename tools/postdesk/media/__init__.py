"""Photos attached to a submission: find them safely, inspect them, scrub them, resize them.

One module per job, all at the edge between postdesk and files it did not write:

* :mod:`.paths`: :func:`safe_media_path` turns the path a submission names into a file that
  is provably inside ``content/media`` and reached without symlinks;
* :mod:`.inspection`: :func:`inspect_image` says what a file really is and whether it is fit
  to post, without ever trusting it enough to decode a decompression bomb;
* :mod:`.metadata` and :mod:`.colour`: what a file carries besides its picture (the one
  reader the check, the scrub and the scrub's proof share) and which colour profiles may stay;
* :mod:`.scrub`: :func:`scrub_image` rewrites a photo in place with no EXIF, GPS, XMP, IPTC,
  comments, text chunks or unusual colour profile, then re-reads the result to prove it;
* :mod:`.renditions`: :func:`write_rendition` makes the per-network JPEG copies;
* :mod:`.pillow`: the guard every use of Pillow runs inside, and format names for people.
"""

from __future__ import annotations

from .colour import ICC_MAX_BYTES, colour_profile_problem
from .inspection import FRAME_CHECK_LIMIT, ImageInfo, inspect_image
from .metadata import Metadata
from .paths import MissingMediaError, NotAFileError, safe_media_path
from .pillow import ALLOWED_FORMATS, BOMB, format_with_article, pillow_guard
from .renditions import write_rendition
from .scrub import ANIMATION_PIXEL_BUDGET, JPEG_QUALITY, SCRUB_MAX_PIXELS, ScrubResult, scrub_image

# The names faces.py has always imported; it drives Pillow inside the same guard.
_BOMB = BOMB
_pillow_guard = pillow_guard

__all__ = [
    "ALLOWED_FORMATS",
    "ANIMATION_PIXEL_BUDGET",
    "FRAME_CHECK_LIMIT",
    "ICC_MAX_BYTES",
    "JPEG_QUALITY",
    "SCRUB_MAX_PIXELS",
    "ImageInfo",
    "Metadata",
    "MissingMediaError",
    "NotAFileError",
    "ScrubResult",
    "colour_profile_problem",
    "format_with_article",
    "inspect_image",
    "safe_media_path",
    "scrub_image",
    "write_rendition",
]
