"""Offline face *detection* (never recognition) for the ``people: none`` rule.

A photo declared to show no people must not show a face. This module only says
*where* faces appear; it never measures, compares or stores them, and no picture
leaves the machine.

The detector is Google's BlazeFace (MediaPipe face detection, full-range model,
Apache-2.0), a 1 MB TFLite network shipped inside postdesk (``postdesk/models``,
with its source and licence) and run by OpenCV's DNN module, the optional
``faces`` extra (``pip install 'postdesk[faces]'``). No model is ever downloaded.
OpenCV and numpy take about 0.3 s to import, so they are imported when the first
photo is scanned, never when this module is imported.

It replaced OpenCV's Haar cascades (issue 17), which needed three cascade passes
(~0.3 s per 12-megapixel photo), fired on textures and missed turned faces;
``bench/faces_bench.py`` compares the two on the corpus. The network sees the
whole photo once and, to find small faces at the back of a group, each quarter of
it enlarged (five 192×192 runs of ~7 ms each). It finds frontal and turned faces
(up to about profile), tilted ones up to ~45°, from about 3% of the photo's long
side; it misses faces mostly hidden by hands, masks or hair, and faces seen from
behind. Drawings and cartoons are deliberately not faces (see :func:`_looks_drawn`).
A photo that shows people is expected to be declared so by the person submitting
it: the scan is a safety net, not a guarantee.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError

from postdesk import blazeface
from postdesk.media import BOMB, pillow_guard

INSTALL_HINT = "pip install 'postdesk[faces]'"
"""What a person runs to get face detection."""

MODEL_PATH = Path(__file__).resolve().parent / "models" / "face_detection_full_range.tflite"
"""BlazeFace full-range model; ``models/README.md`` says where it comes from and its licence."""

DEFAULT_MAX_PIXELS = 40_000_000
"""Largest photo :func:`detect_faces` decodes; a 12-megapixel phone photo is far below it."""

DETECT_LONG_SIDE = 640
"""Long side, in pixels, of the copy the detector cuts its windows from.

A 4000×3000 photo decodes in JPEG draft mode at 1/4 scale and is reduced to
640×480. The whole photo is seen at 192 pixels, each quarter window (400 pixels
square) at 192, so a face of 3% of the long side (20 pixels here) is ~10 pixels
to the network, the smallest it finds.
"""

CHILD_SIZED_RATIO = 0.6
"""A face shorter than this fraction of the tallest face in the same photo is 'child-sized'."""

SCORE_THRESHOLD = 0.6
"""Smallest BlazeFace score that counts as a face (MediaPipe's own for this model).

Measured on the corpus (bench/faces_bench.py): every face scores 0.77 or more (the
cameraman, half turned, under a cap); the best of the photos without people is a
drawn oval with two dots at 0.56, textures (coffee, clock, rocket) stay under 0.3.
"""

SAME_FACE_IOU = 0.3
"""Boxes overlapping more than this (IoU) are one face (MediaPipe's value)."""

WINDOW_SPLITS = 2
WINDOW_OVERLAP = 0.25
"""The photo is also seen as a 2×2 grid of windows, each 25% larger than a quarter."""

# See _looks_drawn.
_DRAWN_FLAT_SHARE = 0.5
_DRAWN_ENTROPY_BITS = 3.5

# The network is built once (~20 ms) and OpenCV does not promise that one may be
# used from two threads at once.
_DETECTOR_LOCK = threading.Lock()
Box = tuple[int, int, int, int]
"""x, y, width, height in pixels of the picture the detector saw."""
_detector: _Detector | None = None


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
class _Detector:
    cv2: Any
    numpy: Any
    net: Any
    anchors: Any
    outputs: tuple[str, ...]


# --------------------------------------------------------------------------- availability


def faces_available() -> bool:
    """True when OpenCV can read the face model shipped with postdesk, so photos can be scanned."""
    return not unavailable_reason()


def unavailable_reason() -> str:
    """Why faces cannot be detected here, as a sentence with the fix; "" when they can."""
    cv2 = _import_cv2()
    if cv2 is None:
        return f"face detection is not installed: {INSTALL_HINT}"
    if not hasattr(getattr(cv2, "dnn", None), "readNetFromTFLite"):
        version = getattr(cv2, "__version__", "?")
        return (
            f"the installed OpenCV {version} cannot read the face model (it needs OpenCV 4.8 or later): "
            f"pip install --force-reinstall 'postdesk[faces]'"
        )
    if not MODEL_PATH.is_file():
        return f"the face model {MODEL_PATH.name} is missing from this installation of postdesk: reinstall postdesk"
    return ""


def _import_cv2() -> ModuleType | None:
    # Not cached: a test (or a user) may install or hide OpenCV after the first call,
    # and once it is imported, ``import`` is a dictionary look-up.
    try:
        import cv2
    except ImportError:
        return None
    return cv2


_single_threaded = False


def use_one_thread() -> None:
    """Keep OpenCV to one thread in this process.

    A bulk check already runs one process per core; OpenCV's own worker threads would
    then compete for the same cores (measured: 10,000 small photos took 39 s instead of
    7 s with them).
    """
    global _single_threaded
    _single_threaded = True


def _load_detector() -> _Detector | None:
    global _detector
    if unavailable_reason():
        return None
    cv2 = _import_cv2()
    if _single_threaded:
        cv2.setNumThreads(1)
    current = _detector
    if current is not None and current.cv2 is cv2:
        return current
    import numpy

    try:
        net = cv2.dnn.readNetFromTFLite(str(MODEL_PATH))
    except cv2.error:
        return None
    if net.empty():
        return None
    anchors = blazeface.anchor_centres(blazeface.FULL_RANGE_INPUT, blazeface.FULL_RANGE_LAYOUT)
    outputs = tuple(net.getUnconnectedOutLayersNames())
    _detector = _Detector(cv2=cv2, numpy=numpy, net=net, anchors=anchors, outputs=outputs)
    return _detector


# --------------------------------------------------------------------------- scanning


def detect_faces(path: Path, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> FaceScan:
    """Find the faces in the photo at ``path``.

    Never raises because of what the file contains: a photo that cannot be
    looked at comes back with ``scanned=False`` and a reason, so the caller can
    report it instead of guessing. A photo over ``max_pixels`` is refused from
    its header, before any pixel is decoded. Animated pictures are judged by
    their first frame. Safe to call from several threads; a 12-megapixel photo
    takes about 0.1 s (mostly JPEG decoding), the first call 0.3 s more to load OpenCV.
    """
    path = Path(path)
    with _DETECTOR_LOCK:
        detector = _load_detector()
    if detector is None:
        return FaceScan((), False, unavailable_reason() or f"face detection could not start: {INSTALL_HINT}")

    prepared = _prepare(path, max_pixels)
    if isinstance(prepared, str):
        return FaceScan((), False, prepared)
    rgb, (shown_width, shown_height) = prepared

    numpy = detector.numpy
    pixels = numpy.asarray(rgb, dtype=numpy.uint8)
    try:
        with _DETECTOR_LOCK:
            boxes = _run_network(detector, pixels)
    except detector.cv2.error as exc:
        return FaceScan((), False, f"the face detector failed on this picture ({exc})")

    gray = numpy.asarray(rgb.convert("L"), dtype=numpy.uint8)
    boxes = [box for box in boxes if not _looks_drawn(numpy, gray, box)]
    scale_x = shown_width / rgb.width
    scale_y = shown_height / rgb.height
    faces = tuple(_to_shown(box, scale_x, scale_y, shown_width, shown_height) for box in boxes)
    return FaceScan(tuple(sorted(faces, key=lambda f: (f.x, f.y))), True)


def _prepare(path: Path, max_pixels: int) -> tuple[Image.Image, tuple[int, int]] | str:
    """Decode ``path`` as an upright RGB copy sized for the detector.

    Returns the copy and the full-size upright dimensions, or a sentence saying
    why the photo cannot be scanned.
    """
    limit = f"{max_pixels / 1e6:g}-megapixel"
    try:
        with pillow_guard(max_pixels), path.open("rb") as fp:
            try:
                img = Image.open(fp)
            except BOMB:
                return f"the picture is over the {limit} limit for face scanning; export it smaller"
            except UnidentifiedImageError:
                return "this file is not a picture that can be scanned for faces"
            with img:
                width, height = img.size
                if width * height > max_pixels:
                    return f"the picture is {width}×{height}, over the {limit} limit for face scanning"
                try:
                    return _upright_rgb(img)
                except BOMB:
                    return f"the picture is over the {limit} limit for face scanning; export it smaller"
    except OSError as exc:
        # Pillow reports damaged data as OSError too, so this covers both the disk and
        # a file cut short.
        return f"the picture cannot be read to scan for faces ({exc.strerror or exc})"
    except Exception as exc:  # each Pillow plugin raises its own types for bad data
        return f"the picture is damaged and cannot be scanned for faces ({type(exc).__name__}: {exc})"


def _upright_rgb(img: Image.Image) -> tuple[Image.Image, tuple[int, int]]:
    width, height = img.size
    scale = DETECT_LONG_SIDE / max(width, height)
    if scale < 1 and img.format in ("JPEG", "MPO"):
        # libjpeg decodes at 1/2, 1/4 or 1/8 scale: a 12-megapixel photo costs a
        # quarter of the time and a sixteenth of the memory.
        img.draft("RGB", (max(1, int(width * scale)), max(1, int(height * scale))))
    img.load()
    # The rotation tag is read from the header, so it survives draft mode.
    orientation = img.getexif().get(0x0112, 1)
    upright = ImageOps.exif_transpose(img)
    shown = (height, width) if orientation in (5, 6, 7, 8) else (width, height)
    rgb = _to_rgb(upright)

    # Smaller photos are not enlarged: the network sees at most 192 pixels anyway.
    long_side = max(rgb.size)
    if long_side > DETECT_LONG_SIDE:
        factor = DETECT_LONG_SIDE / long_side
        size = (max(1, round(rgb.width * factor)), max(1, round(rgb.height * factor)))
        rgb = rgb.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    return rgb, shown


def _to_rgb(img: Image.Image) -> Image.Image:
    if img.mode == "RGB":
        return img
    if img.mode in ("I", "F") or img.mode.startswith("I;16"):
        # Pillow clips these to 0-255 when converting, which turns a 16-bit photo
        # white; stretching their actual range keeps the picture.
        wide = img.convert("I") if img.mode.startswith("I;16") else img
        low, high = wide.getextrema()
        factor = 255 / ((high - low) or 1)
        return wide.point(lambda v: (v - low) * factor).convert("L").convert("RGB")
    if img.mode in ("P", "PA", "LA", "RGBA", "La", "RGBa"):
        # Transparent areas become white, as a viewer on a white page shows them.
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return img.convert("RGB")


def _run_network(detector: _Detector, pixels: Any) -> list[Box]:
    """Face boxes, in pixels of ``pixels`` (H×W×3 RGB), from every window, merged."""
    numpy = detector.numpy
    height, width = pixels.shape[:2]
    size = blazeface.FULL_RANGE_INPUT
    found: list[blazeface.Box] = []
    for left, top, side in blazeface.square_windows(width, height, WINDOW_SPLITS, WINDOW_OVERLAP):
        # The window is padded with black where it runs past the photo, as MediaPipe
        # letterboxes, so faces keep their shape.
        window = numpy.zeros((side, side, 3), dtype=numpy.uint8)
        part = pixels[top : top + side, left : left + side]
        window[: part.shape[0], : part.shape[1]] = part
        small = detector.cv2.resize(window, (size, size), interpolation=detector.cv2.INTER_AREA)
        blob = (small.astype(numpy.float32) / 127.5 - 1.0).transpose(2, 0, 1)[None]
        detector.net.setInput(numpy.ascontiguousarray(blob))
        logits, regressors = detector.net.forward(list(detector.outputs))
        for x0, y0, x1, y1, score in blazeface.detections(
            logits, regressors, detector.anchors, size, SCORE_THRESHOLD
        ):
            found.append((left + x0 * side, top + y0 * side, left + x1 * side, top + y1 * side, score))
    return [_pixel_box(box, width, height) for box in blazeface.non_max_suppression(found, SAME_FACE_IOU)]


def _pixel_box(box: blazeface.Box, width: int, height: int) -> Box:
    x0, y0, x1, y1 = (max(0.0, box[0]), max(0.0, box[1]), min(float(width), box[2]), min(float(height), box[3]))
    return round(x0), round(y0), max(1, round(x1 - x0)), max(1, round(y1 - y0))


def _looks_drawn(numpy: Any, gray: Any, box: Box) -> bool:
    """True when the middle of ``box`` is flat fill, as in a drawing, not a photographed face.

    A detector trained on faces still scores an oval with two dots or a cartoon
    (0.56 for the corpus's drawn ovals, just under the threshold; the Haar cascades
    used before fired on them outright), so the box is checked for texture. Skin,
    however smooth, is never perfectly flat in a photograph: in the corpus real
    faces have under 5% of pixels equal to both neighbours and over 5 bits of
    grey-level entropy, drawn shapes over 55% and under 3 bits. A photo darkened to
    8% brightness reaches 38% and 3.3 bits, one with its contrast cut to 20% reaches
    20% and 2.7 bits, so both limits must agree before a box is dropped.
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
