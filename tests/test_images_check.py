"""Rule family images, through `postdesk check`, on real photos made with Pillow."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from postdesk.cli import main

from .conftest import rules, settings, valid_front
from .photos import DJI_XMP, STREET_ADDRESS, picture, png_with_text, stuffed_profile


def with_photo(file: str, **extra):
    return valid_front(images=[{"file": file, "alt": "An empty stage with blue curtains", "people": "none", **extra}])


def gps_jpeg(path):
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (38.0, 34.0, 12.0), 3: "W", 4: (92.0, 10.0, 5.0)})
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (400, 300), (200, 80, 40)).save(path, "JPEG", exif=exif.tobytes())


def huge_png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def test_good_photo_passes(repo, check_one):
    repo.photo("2026-11-21-stage.jpg", format="JPEG")
    assert check_one(with_photo("media/2026-11-21-stage.jpg")) == []


def test_every_allowed_format_passes(repo, check_one):
    for ext, fmt in (("png", "PNG"), ("gif", "GIF"), ("webp", "WEBP")):
        repo.photo(f"stage.{ext}", format=fmt)
        assert check_one(with_photo(f"media/stage.{ext}")) == [], fmt


def test_missing_photo(check_one):
    findings = check_one(with_photo("media/not-there.jpg"))
    assert rules(findings) == ["images.missing"]
    assert "same pull request" in findings[0].hint
    assert findings[0].line > 1


def test_path_escaping_media_is_refused(repo, check_one):
    (repo.root / "content" / "secret.jpg").write_bytes(b"x")
    findings = check_one(with_photo("media/../secret.jpg"))
    assert rules(findings) == ["images.unsafe-path"]


def test_symlinked_photo_is_refused(repo, check_one, tmp_path):
    outside = tmp_path / "outside.jpg"
    Image.new("RGB", (10, 10)).save(outside, "JPEG")
    (repo.root / "content/media/linked.jpg").symlink_to(outside)
    assert rules(check_one(with_photo("media/linked.jpg"))) == ["images.unsafe-path"]


def test_folder_instead_of_photo(repo, check_one):
    (repo.root / "content/media/folder.jpg").mkdir()
    assert rules(check_one(with_photo("media/folder.jpg"))) == ["images.not-a-file"]


def test_content_decides_the_format(repo, check_one):
    Image.new("RGB", (50, 50)).save(repo.root / "content/media/really-a-tiff.jpg", "TIFF")
    findings = check_one(with_photo("media/really-a-tiff.jpg"))
    assert rules(findings) == ["images.format"]
    assert "TIFF" in findings[0].message


def test_text_file_named_jpg(repo, check_one):
    (repo.root / "content/media/notes.jpg").write_text("hello", encoding="utf-8")
    assert rules(check_one(with_photo("media/notes.jpg"))) == ["images.format"]


def test_truncated_photo(repo, check_one):
    buffer = io.BytesIO()
    Image.effect_noise((800, 600), 60).convert("RGB").save(buffer, "JPEG", quality=90)
    data = buffer.getvalue()
    (repo.root / "content/media/cut.jpg").write_bytes(data[: len(data) * 2 // 3])
    findings = check_one(with_photo("media/cut.jpg"))
    assert rules(findings) == ["images.truncated"]


def test_decompression_bomb_is_refused_before_decoding(repo, check_one):
    (repo.root / "content/media/bomb.png").write_bytes(huge_png_header(20_000, 20_000))
    findings = check_one(with_photo("media/bomb.png"))
    assert rules(findings) == ["images.too-many-pixels"]


def test_too_many_bytes(repo, check_one):
    (repo.root / "postdesk.toml").write_text(settings("[images]\nmax_bytes = 1000\n"), encoding="utf-8")
    repo.photo("big.png", size=(300, 300), format="PNG")
    Image.effect_noise((300, 300), 80).save(repo.root / "content/media/big.png", "PNG")
    assert rules(check_one(with_photo("media/big.png"))) == ["images.too-large"]


def test_gps_location_is_an_error_that_scrub_fixes(repo, check_one, monkeypatch):
    gps_jpeg(repo.root / "content/media/tagged.jpg")
    findings = check_one(with_photo("media/tagged.jpg"))
    assert rules(findings) == ["images.location"]
    assert "postdesk scrub content/media/tagged.jpg" in findings[0].hint
    monkeypatch.chdir(repo.root)
    out = io.StringIO()
    assert main(["scrub", "content/media/tagged.jpg"], stdout=out, stderr=io.StringIO()) == 0
    assert "GPS" in out.getvalue() and "verified clean" in out.getvalue()
    assert check_one(with_photo("media/tagged.jpg")) == []


def test_generic_alt_text_and_repeated_photo_are_warnings(repo, check_one):
    repo.photo("stage.jpg", format="JPEG")
    front = valid_front(images=[{"file": "media/stage.jpg", "alt": "IMG_2041.jpg", "people": "none"},
                                {"file": "media/stage.jpg", "alt": "photo", "people": "none"}])
    findings = check_one(front)
    assert rules(findings) == ["images.alt-generic", "images.alt-generic", "images.repeated"]
    assert all(not f.is_error for f in findings)


def test_scrub_refuses_files_outside_the_repository(repo, tmp_path, monkeypatch):
    outside = tmp_path / "outside.jpg"
    gps_jpeg(outside)
    monkeypatch.chdir(repo.root)
    err = io.StringIO()
    assert main(["scrub", str(outside)], stdout=io.StringIO(), stderr=err) == 2
    assert "outside the repository" in err.getvalue()


def test_scrub_reports_a_non_image_and_exits_1(repo, monkeypatch):
    (repo.root / "content/media/notes.jpg").write_text("hello", encoding="utf-8")
    monkeypatch.chdir(repo.root)
    out = io.StringIO()
    assert main(["scrub", "content/media/notes.jpg"], stdout=out, stderr=io.StringIO()) == 1
    assert "not scrubbed" in out.getvalue()
    assert (repo.root / "content/media/notes.jpg").read_text(encoding="utf-8") == "hello"


def scrub(repo, monkeypatch, *files: str) -> str:
    monkeypatch.chdir(repo.root)
    out = io.StringIO()
    assert main(["scrub", *files], stdout=out, stderr=io.StringIO()) == 0, out.getvalue()
    return out.getvalue()


def test_drone_gps_in_xmp_is_a_location_error_naming_the_field(repo, check_one, monkeypatch):
    picture().save(repo.root / "content/media/drone.jpg", "JPEG", xmp=DJI_XMP)

    findings = check_one(with_photo("media/drone.jpg"))

    assert rules(findings) == ["images.location"]
    message, hint = findings[0].message, findings[0].hint
    assert "XMP drone-dji:GpsLatitude" in message and "XMP drone-dji:GpsLongitude" in message
    assert "+38.57" not in message  # the place itself is never repeated in a report
    assert hint.startswith("Save a copy of the photo without its location")
    # what a caseworker can do in the form comes first, the command second
    assert hint.index("'Photo 1 → Photo file'") < hint.index("Or run: postdesk scrub content/media/drone.jpg")
    assert "GPS" in scrub(repo, monkeypatch, "content/media/drone.jpg")
    assert check_one(with_photo("media/drone.jpg")) == []


def test_a_location_chunk_in_a_png_is_a_location_error(repo, check_one):
    png_with_text(repo.root / "content/media/visit.png", [("tEXt", "Location", "Jefferson City")])

    findings = check_one(with_photo("media/visit.png"))

    assert rules(findings) == ["images.location"]
    assert "PNG text chunk 'Location'" in findings[0].message


def test_an_address_in_a_png_comment_is_a_location_error(repo, check_one):
    png_with_text(repo.root / "content/media/visit.png", [("zTXt", "Comment", f"Drop-off: {STREET_ADDRESS}")])

    findings = check_one(with_photo("media/visit.png"))

    assert rules(findings) == ["images.location"]
    assert "PNG text chunk 'Comment' with an address or coordinates" in findings[0].message
    assert "Elm" not in findings[0].message


def test_any_metadata_scrub_would_remove_is_an_error(repo, check_one, monkeypatch):
    # The original stays in main's history after approve rewrites it, so it must arrive clean.
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    picture().save(repo.root / "content/media/camera.jpg", "JPEG", exif=exif.tobytes(), comment=b"IMG_2041")

    findings = check_one(with_photo("media/camera.jpg"))

    assert rules(findings) == ["images.metadata"]
    assert findings[0].is_error
    assert "EXIF" in findings[0].message and "comment" in findings[0].message
    hint = findings[0].hint
    assert hint.startswith("Save a copy of the photo without its camera details")  # the scrub command comes second
    assert hint.index("'Photo 1 → Photo file'") < hint.index("Or run: postdesk scrub content/media/camera.jpg")
    scrub(repo, monkeypatch, "content/media/camera.jpg")
    assert check_one(with_photo("media/camera.jpg")) == []


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_stuffed_colour_profile_is_an_error_that_scrub_fixes(repo, check_one, monkeypatch, fmt):
    name = f"stuffed.{fmt.lower()}"
    picture().save(repo.root / "content/media" / name, fmt, icc_profile=stuffed_profile())

    # Pillow cannot open a PNG whose profile inflates past 1 MB, so the face scan (a warning) cannot
    # look at it either until it is scrubbed; the images rules name the real problem.
    findings = [f for f in check_one(with_photo(f"media/{name}")) if f.rule.startswith("images.")]

    assert rules(findings) == ["images.colour-profile"]
    assert "colour profile" in findings[0].message and "postdesk scrub" in findings[0].hint
    out = scrub(repo, monkeypatch, f"content/media/{name}")
    assert "colour profile" in out and "nothing to remove" not in out
    assert check_one(with_photo(f"media/{name}")) == []


def test_a_one_pixel_photo_is_too_small(repo, check_one):
    Image.new("RGB", (1, 1), (200, 0, 0)).save(repo.root / "content/media/dot.png")

    findings = check_one(with_photo("media/dot.png"))

    assert rules(findings) == ["images.too-small"]
    assert "1×1 pixels" in findings[0].message
    assert "at least 200 pixels" in findings[0].message
    assert findings[0].hint


def test_the_minimum_size_is_per_network_and_configurable(repo, check_one):
    (repo.root / "postdesk.toml").write_text(settings("[channels.x]\nmin_photo_side = 600\n"), encoding="utf-8")
    repo.photo("stage.jpg", size=(800, 450), format="JPEG")

    on_x = check_one(with_photo("media/stage.jpg") | {"channels": ["facebook", "x"]})
    on_facebook = check_one(with_photo("media/stage.jpg") | {"channels": ["facebook"]})

    assert rules(on_x) == ["images.too-small"]
    assert "800×450 pixels" in on_x[0].message and "X needs at least 600 pixels" in on_x[0].message
    assert on_facebook == []


def test_a_photo_just_big_enough_passes(repo, check_one):
    repo.photo("narrow.jpg", size=(1200, 200), format="JPEG")
    assert check_one(with_photo("media/narrow.jpg")) == []
