# The Haar-cascade detector postdesk used before issue 17 (tools/postdesk/faces.py at that
# time, unchanged), kept only so bench/faces_bench.py can compare it with BlazeFace.
# Not part of the package; nothing else imports it.
"""Offline face *detection* (never recognition) for the ``people: none`` rule.

A photo declared to show no people must not show a face. This module only says
*where* faces appear; it never measures, compares or stores them, and no picture
leaves the machine.

The detector is OpenCV's Haar cascades, the optional ``faces`` extra
(``pip install 'postdesk[faces]'``, which pins ``opencv-python-headless`` 4.x:
the 5.0 wheels no longer ship the cascade files). OpenCV and numpy take about
0.3 s to import, so they are imported when the first photo is scanned, never
when this module is imported.

Haar cascades are small and run anywhere, but they are not state of the art:
they find upright faces, frontal or in profile, from about 3% of the photo's
long side (120 pixels in a 4000-pixel photo), and miss faces tilted by more
than ~25°, pressed against a camera or hidden behind hands, masks or hair. They
are tuned so that scenes without people give no face, because a false alarm
blocks staff; drawings and cartoons are deliberately not faces (see
:func:`_looks_drawn`). A photo that shows people is expected to be declared so
by the person submitting it: the scan is a safety net, not a guarantee.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from postdesk.media import _BOMB, _pillow_guard

INSTALL_HINT = "pip install 'postdesk[faces]'"
"""What a person runs to get face detection."""

DEFAULT_MAX_PIXELS = 40_000_000
"""Largest photo :func:`detect_faces` decodes; a 12-megapixel phone photo is far below it."""

DETECT_LONG_SIDE = 640
"""Long side, in pixels, of the copy the frontal cascade sees.

A 4000×3000 photo decodes in JPEG draft mode at 1/4 scale and is reduced to
640×480, where the smallest face looked for (20 pixels, the cascade's own window)
is 3% of the long side: a face at the back of a group photo. The time grows with
the pixel count: at 1000 pixels a noisy 12-megapixel photo took ~1 s; at 640 it
takes 0.3–0.6 s, and the corpus finds the same faces.
"""

PROFILE_LONG_SIDE = 520
"""Long side of the copy the profile cascade sees (it runs twice, once mirrored).

The profile cascade is the slowest of the two on textured photos; at 520 pixels
its 20-pixel window is 4% of the long side (at 500 the corpus's near-profile face,
a 512-pixel photo, was lost to the resampling).
"""

CHILD_SIZED_RATIO = 0.6
"""A face shorter than this fraction of the tallest face in the same photo is 'child-sized'."""

# Tuned on tests/corpus/confidentiality/photos plus rotated, darkened, shrunk and
# grouped variants (33 faces, 24 scenes without people): no false positive, 26
# of the 33 faces found. One neighbour fewer found 2 more faces but fired on
# coins and on the folds of a sleeve; coarser frontal steps lost faces that fell
# between two scales.
#
# Frontal faces: alt2 has the fewest hits on round things (coins, buttons, clock
# faces); "default" found no more faces and fired on coins and ovals.
_FRONTAL = "haarcascade_frontalface_alt2.xml"
_FRONTAL_STEP = 1.1
_FRONTAL_NEIGHBOURS = 5
_FRONTAL_MIN = 20
_PROFILE = "haarcascade_profileface.xml"
# The profile cascade is weaker (it fires on a cat's cheek with 3 neighbours), so
# it must agree with itself more often before a profile counts.
_PROFILE_STEP = 1.2
_PROFILE_NEIGHBOURS = 6
_PROFILE_MIN = 20
# See _looks_drawn.
_DRAWN_FLAT_SHARE = 0.5
_DRAWN_ENTROPY_BITS = 3.5
# Boxes from different cascades on one head overlap heavily; two real faces side
# by side barely do.
_SAME_FACE_OVERLAP = 0.3

# CascadeClassifier objects are built once (parsing the XML takes ~15 ms each)
# and OpenCV does not promise that one may be used from two threads at once.
_DETECTOR_LOCK = threading.Lock()
Box = tuple[int, int, int, int]
"""x, y, width, height in pixels of the picture the detector saw."""
_detectors: _Detectors | None = None


@dataclass(frozen=True)
class Face:
    """Where a face is, in pixels of the full-size photo as it is shown.

    "As shown" means after the EXIF rotation has been applied, the same frame of
    reference as every preview and upload postdesk makes.
    """

    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class FaceScan:
    """The outcome of scanning one photo.

    ``scanned`` is False when the photo could not be looked at (detector not
    installed, not a picture, damaged, too many pixels); ``reason`` then says why
    in a sentence a person can act on, and ``faces`` is empty. An empty ``faces``
    with ``scanned`` True means the detector looked and found none.
    """

    faces: tuple[Face, ...]
    scanned: bool
    reason: str = ""

    @property
    def child_sized(self) -> tuple[Face, ...]:
        """Faces much smaller than the largest one in the photo.

        A small face next to adults' may be a child's. Size in a photo also
        depends on distance, so this can only prompt a warning, never decide age.
        """
        if len(self.faces) < 2:
            return ()
        tallest = max(face.height for face in self.faces)
        return tuple(face for face in self.faces if face.height < CHILD_SIZED_RATIO * tallest)


@dataclass(frozen=True)
class _Detectors:
    cv2: Any
    numpy: Any
    frontal: Any
    profile: Any | None


# --------------------------------------------------------------------------- availability


def faces_available() -> bool:
    """True when OpenCV and its face cascade can be loaded, so photos can be scanned."""
    return not unavailable_reason()


def unavailable_reason() -> str:
    """Why faces cannot be detected here, as a sentence with the fix; "" when they can."""
    cv2 = _import_cv2()
    if cv2 is None:
        return f"face detection is not installed: {INSTALL_HINT}"
    if not _cascade_path(cv2, _FRONTAL).is_file():
        version = getattr(cv2, "__version__", "?")
        return (
            f"the installed OpenCV {version} has no face cascade files (5.0 dropped them): "
            f"pip install --force-reinstall 'postdesk[faces]'"
        )
    return ""


def _import_cv2() -> ModuleType | None:
    # Not cached: a test (or a user) may install or hide OpenCV after the first call,
    # and once it is imported, ``import`` is a dictionary look-up.
    try:
        import cv2
    except ImportError:
        return None
    return cv2


def _cascade_path(cv2: ModuleType, name: str) -> Path:
    data = getattr(cv2, "data", None)
    folder = getattr(data, "haarcascades", "")
    return Path(folder) / name if folder else Path(name)


_single_threaded = False


def use_one_thread() -> None:
    """Keep OpenCV to one thread in this process.

    A bulk check already runs one process per core; OpenCV's own worker threads would
    then compete for the same cores (measured: 10,000 small photos took 39 s instead of
    7 s with them).
    """
    global _single_threaded
    _single_threaded = True


def _load_detectors() -> _Detectors | None:
    global _detectors
    cv2 = _import_cv2()
    if cv2 is None:
        return None
    if _single_threaded:
        cv2.setNumThreads(1)
    current = _detectors
    if current is not None and current.cv2 is cv2:
        return current
    import numpy

    frontal_path = _cascade_path(cv2, _FRONTAL)
    # Checked first: OpenCV logs an error to stderr for a missing file.
    if not frontal_path.is_file():
        return None
    frontal = cv2.CascadeClassifier(str(frontal_path))
    if frontal.empty():
        return None
    profile_path = _cascade_path(cv2, _PROFILE)
    profile = cv2.CascadeClassifier(str(profile_path)) if profile_path.is_file() else None
    if profile is not None and profile.empty():
        profile = None
    _detectors = _Detectors(cv2=cv2, numpy=numpy, frontal=frontal, profile=profile)
    return _detectors


# --------------------------------------------------------------------------- scanning


def detect_faces(path: Path, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> FaceScan:
    """Find the faces in the photo at ``path``.

    Never raises because of what the file contains: a photo that cannot be
    looked at comes back with ``scanned=False`` and a reason, so the caller can
    report it instead of guessing. A photo over ``max_pixels`` is refused from
    its header, before any pixel is decoded. Animated pictures are judged by
    their first frame. Safe to call from several threads; a 12-megapixel photo
    takes about 0.3 s on two cores, the first call 0.3 s more to load OpenCV.
    """
    path = Path(path)
    with _DETECTOR_LOCK:
        detectors = _load_detectors()
    if detectors is None:
        return FaceScan((), False, unavailable_reason() or f"face detection could not start: {INSTALL_HINT}")

    prepared = _prepare(path, max_pixels)
    if isinstance(prepared, str):
        return FaceScan((), False, prepared)
    gray, (shown_width, shown_height) = prepared

    pixels = detectors.numpy.asarray(gray, dtype=detectors.numpy.uint8)
    try:
        with _DETECTOR_LOCK:
            boxes = _run_cascades(detectors, pixels)
    except detectors.cv2.error as exc:
        return FaceScan((), False, f"the face detector failed on this picture ({exc})")

    scale_x = shown_width / gray.width
    scale_y = shown_height / gray.height
    faces = tuple(_to_shown(box, scale_x, scale_y, shown_width, shown_height) for box in _merge(boxes))
    return FaceScan(tuple(sorted(faces, key=lambda f: (f.x, f.y))), True)


def _prepare(path: Path, max_pixels: int) -> tuple[Image.Image, tuple[int, int]] | str:
    """Decode ``path`` as an upright grayscale copy sized for the detector.

    Returns the copy and the full-size upright dimensions, or a sentence saying
    why the photo cannot be scanned.
    """
    limit = f"{max_pixels / 1e6:g}-megapixel"
    try:
        with _pillow_guard(max_pixels), path.open("rb") as fp:
            try:
                img = Image.open(fp)
            except _BOMB:
                return f"the picture is over the {limit} limit for face scanning; export it smaller"
            except UnidentifiedImageError:
                return "this file is not a picture that can be scanned for faces"
            with img:
                width, height = img.size
                if width * height > max_pixels:
                    return f"the picture is {width}×{height}, over the {limit} limit for face scanning"
                try:
                    return _upright_gray(img)
                except _BOMB:
                    return f"the picture is over the {limit} limit for face scanning; export it smaller"
    except OSError as exc:
        # Pillow reports damaged data as OSError too, so this covers both the disk and
        # a file cut short.
        return f"the picture cannot be read to scan for faces ({exc.strerror or exc})"
    except Exception as exc:  # each Pillow plugin raises its own types for bad data
        return f"the picture is damaged and cannot be scanned for faces ({type(exc).__name__}: {exc})"


def _upright_gray(img: Image.Image) -> tuple[Image.Image, tuple[int, int]]:
    width, height = img.size
    scale = DETECT_LONG_SIDE / max(width, height)
    if scale < 1 and img.format in ("JPEG", "MPO"):
        # libjpeg decodes at 1/2, 1/4 or 1/8 scale and straight to gray: a
        # 12-megapixel photo costs a quarter of the time and an eighth of the memory.
        img.draft("L", (max(1, int(width * scale)), max(1, int(height * scale))))
    img.load()
    # The rotation tag is read from the header, so it survives draft mode.
    orientation = img.getexif().get(0x0112, 1)
    upright = ImageOps.exif_transpose(img)
    shown = (height, width) if orientation in (5, 6, 7, 8) else (width, height)
    gray = _to_gray(upright)

    # Smaller photos are not enlarged: a face under 30 pixels in them is too small
    # to recognise anyway, and enlarging drawings only made the cascades see more faces.
    long_side = max(gray.size)
    if long_side > DETECT_LONG_SIDE:
        factor = DETECT_LONG_SIDE / long_side
        size = (max(1, round(gray.width * factor)), max(1, round(gray.height * factor)))
        gray = gray.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    return gray, shown


def _to_gray(img: Image.Image) -> Image.Image:
    if img.mode == "L":
        return img
    if img.mode in ("I", "F") or img.mode.startswith("I;16"):
        # Pillow clips these to 0-255 when converting, which turns a 16-bit photo
        # white; stretching their actual range keeps the picture.
        wide = img.convert("I") if img.mode.startswith("I;16") else img
        low, high = wide.getextrema()
        factor = 255 / ((high - low) or 1)
        return wide.point(lambda v: (v - low) * factor).convert("L")
    return img.convert("L")


def _run_cascades(detectors: _Detectors, gray: Any) -> list[Box]:
    """Candidate boxes at detector scale: frontal first, then profiles facing each way."""
    cv2 = detectors.cv2
    # Equalising makes dim indoor and backlit faces look like the bright faces the
    # cascades were trained on.
    pixels = cv2.equalizeHist(gray)
    boxes = [
        _box(found)
        for found in detectors.frontal.detectMultiScale(
            pixels,
            scaleFactor=_FRONTAL_STEP,
            minNeighbors=_FRONTAL_NEIGHBOURS,
            minSize=(_FRONTAL_MIN, _FRONTAL_MIN),
        )
    ]
    if detectors.profile is not None:
        boxes += _profiles(detectors, pixels)
    return [box for box in boxes if not _looks_drawn(detectors.numpy, gray, box)]


def _profiles(detectors: _Detectors, pixels: Any) -> list[Box]:
    cv2 = detectors.cv2
    height, width = pixels.shape
    factor = min(1.0, PROFILE_LONG_SIDE / max(width, height))
    if factor < 1:
        size = (max(1, round(width * factor)), max(1, round(height * factor)))
        pixels = cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)
    small_width = pixels.shape[1]
    found: list[Box] = []
    # The cascade only knows faces turned one way; the mirrored picture shows it
    # the other way.
    for mirrored in (False, True):
        for x, y, w, h in (
            _box(raw)
            for raw in detectors.profile.detectMultiScale(
                cv2.flip(pixels, 1) if mirrored else pixels,
                scaleFactor=_PROFILE_STEP,
                minNeighbors=_PROFILE_NEIGHBOURS,
                minSize=(_PROFILE_MIN, _PROFILE_MIN),
            )
        ):
            left = small_width - x - w if mirrored else x
            found.append((round(left / factor), round(y / factor), round(w / factor), round(h / factor)))
    return found


def _box(found: Any) -> Box:
    x, y, w, h = (int(v) for v in found)
    return x, y, w, h


def _looks_drawn(numpy: Any, gray: Any, box: Box) -> bool:
    """True when the middle of ``box`` is flat fill, as in a drawing, not a photographed face.

    Haar cascades only look for light and dark bands, so an oval with two dots, a
    button or a cartoon fires them. Skin, however smooth, is never perfectly flat in a
    photograph: in the corpus real faces have under 5% of pixels equal to both
    neighbours and over 5 bits of grey-level entropy, drawn shapes over 55% and
    under 3 bits. A photo darkened to 8% brightness reaches 38% and 3.3 bits, one
    with its contrast cut to 20% reaches 20% and 2.7 bits, so both limits must
    agree before a box is dropped.
    """
    x, y, w, h = box
    # The middle 60% holds eyes, nose and mouth; the edges hold background.
    inner = gray[y + h // 5 : y + h - h // 5, x + w // 5 : x + w - w // 5].astype(numpy.int16)
    if inner.shape[0] < 3 or inner.shape[1] < 3:
        return False
    across = numpy.diff(inner, axis=1)[:-1, :] == 0
    down = numpy.diff(inner, axis=0)[:, :-1] == 0
    flat = float((across & down).mean())
    counts = numpy.bincount(inner.ravel(), minlength=256)
    share = counts[counts > 0] / inner.size
    entropy = float(-(share * numpy.log2(share)).sum())
    return flat > _DRAWN_FLAT_SHARE and entropy < _DRAWN_ENTROPY_BITS


def _merge(boxes: list[Box]) -> list[Box]:
    """One box per head: frontal boxes come first and win over profile boxes."""
    kept: list[Box] = []
    for box in boxes:
        if all(_overlap(box, other) < _SAME_FACE_OVERLAP for other in kept):
            kept.append(box)
    return kept


def _overlap(a: Box, b: Box) -> float:
    """Shared area as a fraction of the smaller box, so a box inside another counts fully."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    across = min(ax + aw, bx + bw) - max(ax, bx)
    down = min(ay + ah, by + bh) - max(ay, by)
    if across <= 0 or down <= 0:
        return 0.0
    return across * down / min(aw * ah, bw * bh)


def _to_shown(box: Box, scale_x: float, scale_y: float, width: int, height: int) -> Face:
    x, y, w, h = box
    left = min(width - 1, max(0, round(x * scale_x)))
    top = min(height - 1, max(0, round(y * scale_y)))
    return Face(
        x=left,
        y=top,
        width=max(1, min(width - left, round(w * scale_x))),
        height=max(1, min(height - top, round(h * scale_y))),
    )
