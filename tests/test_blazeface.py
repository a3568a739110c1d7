"""The pure decoding of BlazeFace's outputs: anchors, box regression, scores, suppression, windows."""

from __future__ import annotations

import math

import numpy
import pytest

from postdesk import blazeface
from postdesk.blazeface import (
    anchor_centres,
    decode_boxes,
    detections,
    iou,
    non_max_suppression,
    sigmoid_scores,
    square_windows,
)


def test_full_range_anchors_are_a_48_grid_in_row_order() -> None:
    anchors = anchor_centres(blazeface.FULL_RANGE_INPUT, blazeface.FULL_RANGE_LAYOUT)
    assert anchors.shape == (2304, 2)
    # Cell centres of a 48×48 grid, x running fastest, as the model's outputs are ordered.
    assert anchors[0] == pytest.approx((0.5 / 48, 0.5 / 48))
    assert anchors[1] == pytest.approx((1.5 / 48, 0.5 / 48))
    assert anchors[48] == pytest.approx((0.5 / 48, 1.5 / 48))
    assert anchors[-1] == pytest.approx((47.5 / 48, 47.5 / 48))


def test_short_range_layout_repeats_anchors_per_cell() -> None:
    # MediaPipe's short-range model: 16×16 cells × 2 anchors, then 8×8 cells × 6 anchors.
    anchors = anchor_centres(128, ((8, 2), (16, 6)))
    assert anchors.shape == (896, 2)
    assert anchors[0] == pytest.approx(anchors[1])
    assert anchors[512] == pytest.approx((1 / 16, 1 / 16))
    assert anchors[512 + 5] == pytest.approx(anchors[512])


def test_sigmoid_scores_are_probabilities_and_never_overflow() -> None:
    # pytest turns numpy's overflow warning into an error here, so huge logits prove the clipping.
    scores = sigmoid_scores(numpy.array([[[0.0], [2.0], [-1e6], [1e6]]], dtype=numpy.float32))
    assert scores.shape == (4,)
    assert scores[0] == pytest.approx(0.5)
    assert scores[1] == pytest.approx(1 / (1 + math.exp(-2)))
    assert scores[2] == pytest.approx(0.0, abs=1e-30)
    assert scores[3] == pytest.approx(1.0)


def test_decode_boxes_moves_the_anchor_and_sizes_the_box_in_input_pixels() -> None:
    anchors = numpy.array([[0.5, 0.5], [0.25, 0.75]], dtype=numpy.float32)
    regressors = numpy.zeros((1, 2, 16), dtype=numpy.float32)
    regressors[0, 0, :4] = (0, 0, 0.2 * 192, 0.1 * 192)  # centred on the anchor, 20% × 10%
    regressors[0, 1, :4] = (0.1 * 192, -0.05 * 192, 0.1 * 192, 0.1 * 192)  # moved right and up
    regressors[0, 1, 4:] = 999  # key points are ignored
    boxes = decode_boxes(regressors, anchors, 192)
    assert boxes[0] == pytest.approx((0.4, 0.45, 0.6, 0.55))
    assert boxes[1] == pytest.approx((0.3, 0.65, 0.4, 0.75))


def test_detections_keep_only_anchors_at_or_over_the_threshold() -> None:
    anchors = numpy.array([[0.5, 0.5], [0.2, 0.2], [0.8, 0.8]], dtype=numpy.float32)
    regressors = numpy.zeros((1, 3, 16), dtype=numpy.float32)
    regressors[0, :, 2:4] = 19.2  # 10% of the input
    logits = numpy.array([[[3.0], [-3.0], [0.5]]], dtype=numpy.float32)
    found = detections(logits, regressors, anchors, 192, threshold=0.6)
    assert [round(box[4], 3) for box in found] == [0.953, 0.622]
    assert found[0][:4] == pytest.approx((0.45, 0.45, 0.55, 0.55))
    assert detections(logits, regressors, anchors, 192, threshold=0.99) == []


def test_iou() -> None:
    assert iou((0, 0, 1, 1), (0, 0, 1, 1)) == 1.0
    assert iou((0, 0, 1, 1), (2, 2, 3, 3)) == 0.0
    assert iou((0, 0, 2, 1), (1, 0, 3, 1)) == pytest.approx(1 / 3)
    assert iou((0, 0, 0, 0), (0, 0, 0, 0)) == 0.0


def test_non_max_suppression_merges_one_face_weighted_and_keeps_others() -> None:
    boxes = [
        (0.10, 0.10, 0.30, 0.30, 0.9),
        (0.12, 0.10, 0.32, 0.30, 0.6),  # the same face from a neighbouring anchor
        (0.60, 0.60, 0.70, 0.70, 0.7),  # another face
    ]
    kept = non_max_suppression(boxes, overlap=0.3)
    assert len(kept) == 2
    first, second = kept
    # Score-weighted mean of the two boxes, with the best score.
    assert first == pytest.approx((0.108, 0.10, 0.308, 0.30, 0.9))
    assert second == pytest.approx(boxes[2])


def test_non_max_suppression_keeps_a_degenerate_box_and_ends() -> None:
    assert non_max_suppression([(0.5, 0.5, 0.5, 0.5, 0.8)], overlap=0.3) == [(0.5, 0.5, 0.5, 0.5, 0.8)]
    assert non_max_suppression([], overlap=0.3) == []


def test_square_windows_whole_picture_then_an_overlapping_grid() -> None:
    windows = square_windows(640, 480, splits=2, overlap=0.25)
    assert windows[0] == (0, 0, 640)
    assert sorted(windows[1:]) == [(0, 0, 400), (0, 80, 400), (240, 0, 400), (240, 80, 400)]
    assert square_windows(640, 480, splits=1, overlap=0.25) == [(0, 0, 640)]


@pytest.mark.parametrize(("width", "height"), [(640, 480), (480, 640), (640, 100), (333, 333)])
def test_square_windows_cover_every_pixel_inside_the_picture(width: int, height: int) -> None:
    windows = square_windows(width, height, splits=2, overlap=0.25)
    for left, top, side in windows[1:]:
        assert left >= 0 and top >= 0
        assert left + side <= max(width, side) and top + side <= max(height, side)
    covered = numpy.zeros((height, width), dtype=bool)
    for left, top, side in windows[1:]:
        covered[top : top + side, left : left + side] = True
    assert covered.all()
