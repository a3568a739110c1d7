"""Photos with the metadata that leaks, built byte for byte the way cameras, drones and editors write it.

Shared by the media, images-check and approve tests; every builder returns a real file Pillow can open.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from PIL import Image, ImageCms, PngImagePlugin

STREET_ADDRESS = "1412 Elm Street, Jefferson City"


def srgb_profile() -> bytes:
    """A plain display profile (Pillow's sRGB, 588 bytes): the kind a photo may keep."""
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def profile_with_private_tag(text: bytes, base: bytes | None = None) -> bytes:
    """``base`` (sRGB) with one more tag, ``zzzz``, holding ``text``: still a valid profile that
    colour-managed software reads, carrying whatever was put in it."""
    base = base or srgb_profile()
    count = struct.unpack(">I", base[128:132])[0]
    table_end = 132 + 12 * count
    entries = [struct.unpack(">4sII", base[132 + 12 * i:144 + 12 * i]) for i in range(count)]
    tag = b"text\0\0\0\0" + text
    body = bytearray(base[:128]) + struct.pack(">I", count + 1)
    for signature, offset, length in entries:
        body += struct.pack(">4sII", signature, offset + 12, length)
    body += struct.pack(">4sII", b"zzzz", len(base) + 12, len(tag))
    body += base[table_end:] + tag
    struct.pack_into(">I", body, 0, len(body))
    return bytes(body)


def stuffed_profile(megabytes: float = 3.0) -> bytes:
    """A multi-megabyte profile stuffed with an address, as testers sent it."""
    line = f"Home of the family we visit, {STREET_ADDRESS}. ".encode()
    return profile_with_private_tag(line * int(megabytes * 1_000_000 / len(line)))


def xmp_packet(properties: dict[str, str], namespaces: dict[str, str]) -> bytes:
    """An XMP packet with ``properties`` (``prefix:Name`` -> value) as attributes of one description."""
    declared = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in namespaces.items())
    values = " ".join(f'{name}="{value}"' for name, value in properties.items())
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description rdf:about="" {declared} {values}/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


DJI_XMP = xmp_packet(
    {"drone-dji:GpsLatitude": "+38.576702", "drone-dji:GpsLongitude": "-92.173516",
     "drone-dji:AbsoluteAltitude": "+212.45", "drone-dji:FlightYawDegree": "+41.20"},
    {"drone-dji": "http://www.dji.com/drone-dji/1.0/"},
)
"""What a DJI drone writes: the position under its own namespace, not under exif:GPS*."""

CITY_XMP = xmp_packet(
    {"photoshop:City": "Jefferson City", "Iptc4xmpCore:Location": "Elm Street", "photoshop:Credit": "Agency"},
    {"photoshop": "http://ns.adobe.com/photoshop/1.0/", "Iptc4xmpCore": "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"},
)

PLAIN_XMP = xmp_packet(
    {"xmp:CreatorTool": "Photo Editor 5.1", "crs:Opacity": "80", "crs:AutoLateralCA": "1"},
    {"xmp": "http://ns.adobe.com/xap/1.0/", "crs": "http://ns.adobe.com/camera-raw-settings/1.0/"},
)
"""XMP an editor writes, with names that contain "city" and "lat" without being about a place."""


def picture(size: tuple[int, int] = (400, 300)) -> Image.Image:
    """A picture with some detail (a gradient), so re-encoding and colour changes show."""
    down = Image.linear_gradient("L").resize(size)
    across = Image.linear_gradient("L").rotate(90).resize(size)
    return Image.merge("RGB", (down, across, Image.new("L", size, 120)))


def png_with_text(path: Path, chunks: list[tuple[str, str, str]], size: tuple[int, int] = (400, 300)) -> Path:
    """A PNG with text chunks: (kind, keyword, text), kind one of tEXt, zTXt, iTXt."""
    info = PngImagePlugin.PngInfo()
    for kind, keyword, text in chunks:
        if kind == "iTXt":
            info.add_itxt(keyword, text)
        else:
            info.add_text(keyword, text, zip=kind == "zTXt")
    path.parent.mkdir(parents=True, exist_ok=True)
    picture(size).save(path, "PNG", pnginfo=info)
    return path


def iptc_jpeg(path: Path, records: dict[int, bytes], size: tuple[int, int] = (400, 300)) -> Path:
    """A JPEG with an IPTC block (Photoshop APP13) holding IIM record 2 datasets, as photo desks write them."""
    iim = b"".join(b"\x1c\x02" + bytes([dataset]) + struct.pack(">H", len(value)) + value
                   for dataset, value in records.items())
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(iim)) + iim + (b"\0" if len(iim) % 2 else b"")
    segment = b"Photoshop 3.0\0" + resource
    buffer = io.BytesIO()
    picture(size).save(buffer, "JPEG", quality=90)
    data = buffer.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data[:2] + b"\xff\xed" + struct.pack(">H", len(segment) + 2) + segment + data[2:])
    return path


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_16bit(width: int, height: int, *, colour: bool, value) -> bytes:
    """A 16-bit PNG (grey or RGB) written by hand; ``value(x, y)`` gives the 16-bit level."""
    channels = 3 if colour else 1
    rows = []
    for y in range(height):
        row = b"".join(struct.pack(">H", value(x, y)) * channels for x in range(width))
        rows.append(b"\0" + row)
    header = struct.pack(">IIBBBBB", width, height, 16, 2 if colour else 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(b"".join(rows)))
            + png_chunk(b"IEND", b""))
