"""Decoding BlazeFace's raw outputs into face boxes: anchors, box regression, scores, NMS.

BlazeFace (Google MediaPipe face detection, Apache-2.0) is a single-shot detector:
for each of a fixed grid of *anchors* it outputs one score logit and 16 numbers
(box centre offset, width, height, then six key points, all in input pixels). These
small pure functions turn those arrays into boxes in the 0-1 frame of the square
input; :mod:`postdesk.faces` runs the network and maps the boxes to the photo.

The constants are those of MediaPipe's ``face_detection_full_range.pbtxt``
(192×192 input, one layer of stride 4, one anchor per cell, anchor offset 0.5,
fixed anchor size, ``reverse_output_order``: x before y). numpy is imported in the
functions, never with this module, so importing postdesk stays fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

FULL_RANGE_INPUT = 192
"""Side, in pixels, of the square picture the full-range model takes."""

FULL_RANGE_LAYOUT: tuple[tuple[int, int], ...] = ((4, 1),)
"""(stride, anchors per cell) of each output layer: 48×48 cells, one anchor each = 2304."""

SCORE_CLIP = 100.0
"""Logits are clipped to ±100 before the sigmoid, as MediaPipe does (no overflow)."""

Box = tuple[float, float, float, float, float]
"""left, top, right, bottom in the 0-1 frame of the model's input, and the score."""


def anchor_centres(input_size: int, layout: Sequence[tuple[int, int]]) -> Any:
    """Anchor centres (N×2, x then y, 0-1) in the order the model outputs them.

    Each layer of stride ``s`` has a ``ceil(input/s)`` square grid; every cell holds
    ``count`` anchors at the cell's centre (they differ only in size, and BlazeFace
    uses fixed-size anchors, so only centres matter).
    """
    import numpy

    parts = []
    for stride, count in layout:
        cells = -(-input_size // stride)
        centres = (numpy.arange(cells, dtype=numpy.float32) + 0.5) / cells
        ys, xs = numpy.meshgrid(centres, centres, indexing="ij")
        grid = numpy.stack([xs.ravel(), ys.ravel()], axis=1)
        parts.append(numpy.repeat(grid, count, axis=0))
    return numpy.concatenate(parts, axis=0)


def sigmoid_scores(logits: Any) -> Any:
    """Probability of a face for each anchor, from the model's raw logits (any shape, flattened)."""
    import numpy

    # float64: exp(100) overflows float32.
    clipped = numpy.clip(numpy.asarray(logits, dtype=numpy.float64).ravel(), -SCORE_CLIP, SCORE_CLIP)
    return 1.0 / (1.0 + numpy.exp(-clipped))


def decode_boxes(regressors: Any, anchors: Any, input_size: int) -> Any:
    """Boxes (N×4: left, top, right, bottom, 0-1) from the regressors (N×16 or 1×N×16).

    The first four numbers are the centre offset from the anchor and the width and
    height, all in input pixels; the key points that follow are not needed here.
    """
    import numpy

    raw = numpy.asarray(regressors, dtype=numpy.float32).reshape(-1, regressors.shape[-1])[:, :4] / input_size
    cx = anchors[:, 0] + raw[:, 0]
    cy = anchors[:, 1] + raw[:, 1]
    half_w = raw[:, 2] / 2
    half_h = raw[:, 3] / 2
    return numpy.stack([cx - half_w, cy - half_h, cx + half_w, cy + half_h], axis=1)


def iou(a: Sequence[float], b: Sequence[float]) -> float:
    """Intersection over union of two (left, top, right, bottom, ...) boxes."""
    across = min(a[2], b[2]) - max(a[0], b[0])
    down = min(a[3], b[3]) - max(a[1], b[1])
    if across <= 0 or down <= 0:
        return 0.0
    shared = across * down
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - shared
    return shared / union if union > 0 else 0.0


def non_max_suppression(boxes: Sequence[Box], overlap: float) -> list[Box]:
    """One box per face, MediaPipe's "weighted" way.

    Boxes are taken best score first; every remaining box overlapping the best by
    more than ``overlap`` (IoU) is folded into it, and the kept box is the
    score-weighted mean of the group, with the best score. Averaging steadies the
    box where neighbouring anchors and overlapping tiles found the same face.
    """
    remaining = sorted(boxes, key=lambda box: box[4], reverse=True)
    kept: list[Box] = []
    while remaining:
        best, rest = remaining[0], remaining[1:]
        # The best box always joins its own group, even a zero-area one that
        # overlaps nothing, so the loop always ends.
        group = [best] + [box for box in rest if iou(best, box) > overlap]
        remaining = [box for box in rest if iou(best, box) <= overlap]
        total = sum(box[4] for box in group)
        mean = [sum(box[i] * box[4] for box in group) / total for i in range(4)]
        kept.append((mean[0], mean[1], mean[2], mean[3], best[4]))
    return kept


def detections(logits: Any, regressors: Any, anchors: Any, input_size: int, threshold: float) -> list[Box]:
    """Boxes of every anchor scoring at least ``threshold``, before suppression."""
    scores = sigmoid_scores(logits)
    chosen = scores >= threshold
    if not chosen.any():
        return []
    boxes = decode_boxes(regressors, anchors, input_size)[chosen]
    return [
        (float(b[0]), float(b[1]), float(b[2]), float(b[3]), float(s))
        for b, s in zip(boxes, scores[chosen], strict=True)
    ]


def square_windows(width: int, height: int, splits: int, overlap: float) -> list[tuple[int, int, int]]:
    """Square windows (left, top, side) that cover a ``width``×``height`` picture.

    The first window is the whole picture (its long side; the model's input is
    square, the rest is padding). Then a ``splits``×``splits`` grid of squares
    whose side is the long side / ``splits`` enlarged by ``overlap``, so that a face
    cut by one edge is whole in the neighbouring window; each window sees its part
    of the picture larger, which is how small faces (the back of a group) are found.
    """
    long_side = max(width, height)
    windows = [(0, 0, long_side)]
    if splits < 2:
        return windows
    side = min(long_side, round(long_side / splits * (1 + overlap)))

    def starts(extent: int) -> list[int]:
        if extent <= side:
            return [0]
        step = (extent - side) / (splits - 1)
        return [round(i * step) for i in range(splits)]

    windows += [(left, top, side) for top in starts(height) for left in starts(width)]
    return windows
