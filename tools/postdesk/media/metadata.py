"""What a photo file carries besides its picture: the data :func:`~postdesk.media.scrub_image`
removes, the fields among it that hold a place, and a colour profile that may not stay.

One reader serves the check, the scrub and the scrub's proof (:func:`read_metadata`), so what
``postdesk check`` calls clean is exactly what ``postdesk scrub`` leaves.

A place is found in two ways, and always reported by the field's name, never its value (a
report is read by more people than the photo's owner):

* by the field: EXIF's GPS block, any XMP property whose local name is about a position or an
  address, whatever its namespace (``drone-dji:GpsLatitude``, ``photoshop:City``,
  ``Iptc4xmpCore:Location``), IPTC's city and location datasets, a PNG text chunk named like one
  ("Location", "GPS");
* by the words: a comment, a PNG text chunk, an EXIF description or XMP text that reads like a
  street address, coordinates or a map link.

Everything is read within a budget per file (:data:`XMP_SCAN_BYTES` of XMP,
:data:`WORDS_SCAN_CHARS` of free text, text chunks inflated no further than that, at most
:data:`MAX_PLACES` fields named), so a file with a thousand text chunks costs no more than a
real one. The budgets only decide how a field is named: any text chunk, comment or XMP is
reported (and removed) whatever it says.
"""

from __future__ import annotations

import html
import io
import os
import re
import struct
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from PIL import Image, IptcImagePlugin

from .colour import ICC_MAX_BYTES, colour_profile_problem, oversized_profile

XMP_SCAN_BYTES = 1_048_576
"""How much XMP, over all its packets, is read for property names (about 0.07 s a megabyte)."""

WORDS_SCAN_CHARS = 65_536
"""How much free text, over all fields, is read for an address or coordinates (at worst ~0.15 s)."""

MAX_PLACES = 100
"""Fields that hold a place named at most; a report shows the first few and counts the rest."""

GPS_IFD = 0x8825
EXIF_IFD = 0x8769
ORIENTATION_TAG = 274
COLOUR_PROFILE = "colour profile"
"""The name a replaced profile has among the removed kinds."""

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_INFLATE_STOP = 64_000_000
"""A colour profile is measured up to this size (64 MB); a larger one is reported as 64 MB."""

# Chunks and markers that carry pixels, colour or animation timing, never personal data.
_PNG_PICTURE_CHUNKS = frozenset({b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"acTL", b"fcTL", b"fdAT"})
_PNG_COLOUR_CHUNKS = frozenset({b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB", b"bKGD", b"pHYs", b"cICP"})
_PNG_SAFE_CHUNKS = _PNG_PICTURE_CHUNKS | _PNG_COLOUR_CHUNKS
_WEBP_SAFE_CHUNKS = frozenset({b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"})
_GIF_SAFE_APPS = frozenset({b"NETSCAPE2.0", b"ANIMEXTS1.0"})
_XMP_JPEG = b"http://ns.adobe.com/xap/1.0/\x00"
_XMP_JPEG_EXTENDED = b"http://ns.adobe.com/xmp/extension/\x00"
_XMP_PNG_KEYWORD = "XML:com.adobe.xmp"

# The order kinds appear in reports and ScrubResult.removed, so they read the same every time.
_KIND_ORDER = ("EXIF", "GPS", "XMP", "IPTC", "comment", "PNG text", "thumbnail", "extra images")

# A field named for a position or an address, in any vendor's spelling (DJI writes "GpsLongtitude"):
# these anywhere in the name, or one of the words below as a word of it ("CiAdrCity", "ProvinceState"),
# so "Opacity" is not a city and "Translate" not a latitude.
_PLACE_PARTS = ("gps", "latitude", "longitude", "longtitude", "location", "address", "coordinate")
_PLACE_WORDS_IN_NAMES = frozenset({"lat", "lon", "lng", "altitude", "city", "street", "postal", "postcode", "zip",
                                   "zipcode", "country", "province", "state", "geo", "adr"})
_NAME_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+")
_GPS_NAME = re.compile(r"gps|latitude|longt?itude", re.IGNORECASE)
_XMP_PROPERTY = re.compile(rb"(?:<|\s)([A-Za-z_][\w.\-]{0,40}):([A-Za-z_][\w.\-]{0,80})(?=\s*=|[\s/>])")

_STREET_TYPES = (r"street|st|avenue|ave|road|rd|boulevard|blvd|drive|dr|lane|ln|court|ct|way|place|pl|parkway|pkwy"
                 r"|highway|hwy|terrace|ter|circle|cir|trail|trl")
# Every repetition is bounded: this runs over text an attacker wrote.
_PLACE_WORDS = re.compile(
    # a street address: a house number, one to four words, a street type
    rf"\b\d{{1,6}}[ \t]{{1,3}}(?:[A-Za-z0-9][\w.'-]{{0,40}}[ \t]{{1,3}}){{1,4}}(?:{_STREET_TYPES})\b"
    # decimal coordinates ("38.57670, -92.17352") or degrees and minutes ("38° 34' 12\"")
    r"|[-+]?\d{1,3}\.\d{3,12}[ \t]{0,2}°?[ \t]{0,2}[NSns]?[,;/ ][ \t]{0,2}[-+]?\d{1,3}\.\d{3,12}"
    r"|\b\d{1,3}[ \t]{0,2}°[ \t]{0,2}\d{1,2}[ \t]{0,2}['′]"
    # a map link
    r"|maps\.google\.|google\.[a-z.]{2,12}/maps|goo\.gl/maps|maps\.app\.goo\.gl|maps\.apple\.com|openstreetmap\.org"
    r"|\bgeo:-?\d",
    re.IGNORECASE)
_BY_WORDS = " with an address or coordinates"

# IPTC IIM record 2 datasets that say where (IPTC Photo Metadata Standard, "IIM" column).
_IPTC_PLACES = {26: "Location code", 27: "Location", 90: "City", 92: "Sub-location", 95: "Province/State",
                100: "Country code", 101: "Country"}
# EXIF fields where people type words: the description, the user comment, Windows' comment.
_EXIF_TEXT = {270: "ImageDescription", 0x9C9C: "XPComment"}
_EXIF_IFD_TEXT = {0x9286: "UserComment"}


@dataclass(frozen=True)
class Metadata:
    """What a file carries besides its picture.

    ``kinds`` names each kind of data scrubbing removes ("EXIF", "XMP", "PNG text", "PNG tIME",
    "trailing data"...); ``location`` names each field that holds a place, in the file's order
    ("EXIF GPS", "XMP drone-dji:GpsLatitude", "PNG text chunk 'Location'"); ``colour_profile`` says
    why the ICC profile may not stay (None when there is none or it is plain, see
    :mod:`postdesk.media.colour`).
    """

    kinds: frozenset[str] = frozenset()
    location: tuple[str, ...] = ()
    colour_profile: str | None = None
    texts: tuple[tuple[str, str], ...] = ()
    """The free text it carries, ``(field, words)``: captions, titles, keywords, comments, text
    chunks. The confidentiality guard reads them like the post's own text: a caption naming a
    child stays in the repository's history even after the photo is scrubbed."""

    @property
    def clean(self) -> bool:
        return not (self.kinds or self.location or self.colour_profile)

    def removed(self) -> tuple[str, ...]:
        """Every kind scrubbing takes out, in report order (a replaced profile last)."""
        return (*ordered(self.kinds), *((COLOUR_PROFILE,) if self.colour_profile else ()))

    def described(self, limit: int = 8) -> str:
        """Everything left, for a message: "EXIF, XMP drone-dji:GpsLatitude, colour profile"."""
        names = list(dict.fromkeys((*ordered(self.kinds), *self.location,
                                    *((COLOUR_PROFILE,) if self.colour_profile else ()))))
        return ", ".join(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit else "")


def names_a_place(name: str) -> bool:
    """True when a field's name says it holds a position or an address."""
    lowered = name.lower()
    return (any(part in lowered for part in _PLACE_PARTS)
            or any(word.lower() in _PLACE_WORDS_IN_NAMES for word in _NAME_WORDS.findall(name)))


def ordered(names: Iterable[str]) -> tuple[str, ...]:
    names = set(names)
    known = [name for name in _KIND_ORDER if name in names]
    return (*known, *sorted(names - set(_KIND_ORDER)))


class _Found:
    """What the readers below collect while walking one file."""

    def __init__(self) -> None:
        self.kinds: set[str] = set()
        self.places: dict[str, None] = {}  # an ordered set
        self.words_left = WORDS_SCAN_CHARS
        self.xmp_left = XMP_SCAN_BYTES
        self.texts: list[tuple[str, str]] = []

    def place(self, name: str) -> None:
        if len(self.places) < MAX_PLACES:
            self.places.setdefault(name, None)

    def text(self, field: str, value: str) -> None:
        """A field of free text: a place when its words read like one."""
        value = value[:self.words_left]
        self.words_left -= len(value)
        self.keep(field, value)
        if value and _PLACE_WORDS.search(value):
            self.place(field + _BY_WORDS)

    def keep(self, field: str, value: str) -> None:
        """Keep free text for the confidentiality guard (within the same budget)."""
        if value.strip() and len(self.texts) < MAX_TEXTS:
            self.texts.append((field, value))

    def xmp(self, packet: bytes) -> None:
        self.kinds.add("XMP")
        packet = packet[:self.xmp_left]
        self.xmp_left -= len(packet)
        before = len(self.places)
        for prefix, local in _XMP_PROPERTY.findall(packet):
            name = local.decode("ascii", "replace")
            if prefix != b"xmlns" and names_a_place(name):
                self.place(f"XMP {prefix.decode('ascii', 'replace')}:{name}")
                if _GPS_NAME.search(name):
                    self.kinds.add("GPS")
        words = _xmp_words(packet)
        if len(self.places) == before:
            self.text("XMP text", words)
        else:
            self.keep("XMP text", words[:self.words_left])


MAX_TEXTS = 32
"""Free-text fields kept per photo for the guard (their length shares WORDS_SCAN_CHARS)."""
_XMP_TAG = re.compile(rb"<[^>]{0,2000}>")
_XMP_ATTRIBUTE_TEXT = re.compile(rb'\b(?:dc|photoshop|Iptc4xmpCore|xmp|exif|tiff):[A-Za-z]{1,40}="([^"]{1,2000})"')


def _xmp_words(packet: bytes) -> str:
    """The words of an XMP packet: element text and the text of attribute-style properties."""
    attributes = b" | ".join(_XMP_ATTRIBUTE_TEXT.findall(packet))
    words = b" ".join(_XMP_TAG.sub(b" ", packet).split())
    return html.unescape((attributes + b" | " + words if attributes else words).decode("utf-8", "replace"))


# --------------------------------------------------------------------------- reading


def read_metadata(img: Image.Image, fp: BinaryIO, fmt: str, size: int, *, profile_problem: str | None = None,
                  ) -> Metadata:
    """Everything ``img`` (opened from ``fp``, ``size`` bytes, really ``fmt``) carries besides its picture.

    ``profile_problem`` is a colour-profile problem found before Pillow opened the file
    (:func:`without_oversized_png_profile`).
    """
    found = _Found()
    found.kinds |= info_kinds(img.info)
    exif = exif_of(img)
    if exif is not None and len(exif):
        found.kinds.add("EXIF")
        _exif_places(exif, found)
    if fmt == "JPEG":
        _jpeg(img, fp, size, found)
    elif fmt == "PNG":
        _png(fp, size, found)
    elif fmt == "WEBP":
        _webp(fp, size, found)
    elif fmt == "GIF":
        _gif(fp, size, found)
    profile = img.info.get("icc_profile")
    if profile and fmt == "GIF":
        profile_problem = profile_problem or "it carries a colour profile, which a GIF never needs"
    elif profile and isinstance(profile, bytes):
        profile_problem = profile_problem or colour_profile_problem(profile)
    return Metadata(frozenset(found.kinds), tuple(found.places), profile_problem, tuple(found.texts))


def info_kinds(info: dict[Any, Any]) -> set[str]:
    """Kinds Pillow itself reports for the current frame."""
    found = set()
    if info.get("exif"):
        found.add("EXIF")
    if info.get("xmp") or info.get(_XMP_PNG_KEYWORD):
        found.add("XMP")
    if info.get("comment"):
        found.add("comment")
    if info.get("photoshop"):
        found.add("IPTC")
    return found


def exif_of(img: Image.Image) -> Image.Exif | None:
    try:
        return img.getexif()
    except Exception:  # corrupt EXIF is still reported, via info["exif"]
        return None


def orientation_of(img: Image.Image) -> int:
    exif = exif_of(img)
    value = exif.get(ORIENTATION_TAG, 1) if exif is not None else 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _exif_places(exif: Image.Exif, found: _Found) -> None:
    try:
        if exif.get_ifd(GPS_IFD):
            found.place("EXIF GPS")
            found.kinds.add("GPS")
    except Exception:  # a GPS pointer that cannot be followed holds no fix
        pass
    fields: list[tuple[str, object]] = [(name, exif.get(tag)) for tag, name in _EXIF_TEXT.items()]
    try:
        inner = exif.get_ifd(EXIF_IFD)
        fields += [(name, inner.get(tag)) for tag, name in _EXIF_IFD_TEXT.items()]
    except Exception:  # an unreadable sub-block: the EXIF kind is already reported
        pass
    for name, value in fields:
        if isinstance(value, bytes):
            value = value.decode("utf-16-le" if name.startswith("XP") else "latin-1", "replace")
        if isinstance(value, str):
            found.text(f"EXIF {name}", value)


def _jpeg(img: Image.Image, fp: BinaryIO, size: int, found: _Found) -> None:
    for marker, data in getattr(img, "applist", []):
        if marker == "COM":
            found.kinds.add("comment")
            found.text("JPEG comment", data.decode("utf-8", "replace"))
        elif marker == "APP0" and data.startswith(b"JFXX"):
            found.kinds.add("thumbnail")
        elif marker == "APP1" and data.startswith(b"Exif"):
            found.kinds.add("EXIF")
        elif marker == "APP1" and data.startswith(_XMP_JPEG):
            found.xmp(data[len(_XMP_JPEG):])
        elif marker == "APP1" and data.startswith(_XMP_JPEG_EXTENDED):
            found.xmp(data[len(_XMP_JPEG_EXTENDED) + 40:])  # after the GUID, length and offset
        elif marker == "APP1" and data.startswith(b"http://ns.adobe.com/"):
            found.kinds.add("XMP")
        elif marker == "APP2" and data.startswith(b"MPF"):
            found.kinds.add("extra images")
        elif marker == "APP13":
            found.kinds.add("IPTC")
        elif not _jpeg_marker_is_safe(marker, data):
            found.kinds.add(f"JPEG {marker}")
    if "IPTC" in found.kinds:
        _iptc_places(img, found)
    # Motion photos and some cameras append a video or blob after the picture.
    fp.seek(max(0, size - 2))
    if fp.read(2) != b"\xff\xd9":
        found.kinds.add("trailing data")


def _jpeg_marker_is_safe(marker: str, data: bytes) -> bool:
    return (
        (marker == "APP0" and data.startswith(b"JFIF"))
        or (marker == "APP2" and data.startswith(b"ICC_PROFILE"))
        or (marker == "APP14" and data.startswith(b"Adobe"))
    )


def _iptc_places(img: Image.Image, found: _Found) -> None:
    try:
        datasets = IptcImagePlugin.getiptcinfo(img) or {}
    except Exception:  # a damaged IPTC block: the IPTC kind is already reported
        return
    for (record, dataset), _value in sorted(datasets.items()):
        if record == 2 and dataset in _IPTC_PLACES:
            found.place(f"IPTC {_IPTC_PLACES[dataset]}")


# --------------------------------------------------------------------------- PNG


def png_chunks(fp: BinaryIO, size: int) -> Iterator[tuple[bytes, int, int]]:
    """Yield (type, data offset, data length) for each chunk up to IEND; ``fp`` ends after the last."""
    fp.seek(8)
    while fp.tell() + 12 <= size:
        length, kind = struct.unpack(">I4s", fp.read(8))
        offset = fp.tell()
        yield kind, offset, length
        fp.seek(offset + length + 4)
        if kind == b"IEND":
            break


def _png(fp: BinaryIO, size: int, found: _Found) -> None:
    chunks = list(png_chunks(fp, size))
    for kind, offset, length in chunks:
        if kind in (b"tEXt", b"zTXt", b"iTXt"):
            fp.seek(offset)
            head = fp.read(min(length, 80))
            keyword = head.partition(b"\0")[0][:79].decode("latin-1")
            wanted = found.xmp_left if keyword == _XMP_PNG_KEYWORD else found.words_left
            fp.seek(offset)
            text = _png_text(kind, fp.read(min(length, 200 + 2 * wanted)), wanted)
            if keyword == _XMP_PNG_KEYWORD:
                found.xmp(text.encode("utf-8", "replace"))
                continue
            found.kinds.add("PNG text")
            field = f"PNG text chunk '{_printable(keyword)}'"
            if names_a_place(keyword):
                found.place(field)
            else:
                found.text(field, text)
        elif kind == b"eXIf":
            found.kinds.add("EXIF")
        elif kind not in _PNG_SAFE_CHUNKS:
            found.kinds.add(f"PNG {_printable(kind.decode('latin-1'))}")
    if _end_of(chunks) < size:
        found.kinds.add("trailing data")


def _end_of(chunks: list[tuple[bytes, int, int]]) -> int:
    """Where the last chunk (and its checksum) ends."""
    if not chunks:
        return 8
    _, offset, length = chunks[-1]
    return offset + length + 4


def _png_text(kind: bytes, data: bytes, limit: int) -> str:
    """(The first ``limit`` characters of) the text of a tEXt, zTXt or iTXt chunk."""
    _keyword, _, rest = data.partition(b"\0")
    if kind == b"tEXt":
        return rest[:limit].decode("latin-1")
    if kind == b"zTXt":
        return _inflate(rest[1:], limit).decode("latin-1")
    compressed, rest = rest[:1] == b"\x01", rest[2:]
    _language, _, rest = rest.partition(b"\0")
    _translated, _, text = rest.partition(b"\0")
    return (_inflate(text, limit) if compressed else text[:limit]).decode("utf-8", "replace")


def _inflate(data: bytes, limit: int) -> bytes:
    if limit <= 0:
        return b""
    try:
        return zlib.decompressobj().decompress(data, limit)
    except zlib.error:
        return b""


def without_oversized_png_profile(fp: BinaryIO, size: int) -> tuple[BinaryIO, int, str | None]:
    """The stream Pillow should open, its size and a colour-profile problem found on the way.

    Pillow refuses a PNG whose profile inflates past 1 MB as damaged, so a stuffed profile would
    hide behind "cannot be read". A PNG whose profile is over :data:`ICC_MAX_BYTES` is read
    without its iCCP chunk instead, and the profile is reported by its size. Any other file is
    returned as it is.
    """
    fp.seek(0)
    if fp.read(8) != PNG_SIGNATURE:
        return fp, size, None
    oversized = 0
    profiles = [(offset, length) for kind, offset, length in png_chunks(fp, size) if kind == b"iCCP"]
    for offset, length in profiles:
        fp.seek(offset)
        _name, _, compressed = fp.read(length).partition(b"\0")
        oversized = max(oversized, _inflated_size(compressed[1:], stop_after=_INFLATE_STOP))
    if oversized <= ICC_MAX_BYTES:
        fp.seek(0)
        return fp, size, None
    fp.seek(0)
    kept = bytearray(fp.read(8))
    chunks = list(png_chunks(fp, size))
    for kind, offset, length in chunks:
        if kind != b"iCCP":
            fp.seek(offset - 8)
            kept += fp.read(length + 12)
    fp.seek(_end_of(chunks))
    kept += fp.read()  # anything after IEND stays, to be reported as trailing data
    return io.BytesIO(bytes(kept)), len(kept), oversized_profile(oversized)


def _inflated_size(data: bytes, *, stop_after: int) -> int:
    """How many bytes ``data`` inflates to, counted in steps and never past ``stop_after``."""
    inflater, total = zlib.decompressobj(), 0
    try:
        while data and total <= stop_after:
            total += len(inflater.decompress(data, 1 << 20))
            data = inflater.unconsumed_tail
    except zlib.error:
        pass
    return total


# --------------------------------------------------------------------------- WebP and GIF


def webp_chunks(fp: BinaryIO, size: int) -> Iterator[tuple[bytes, int, int]]:
    """Yield (fourcc, payload offset, payload length) for each top-level RIFF chunk."""
    fp.seek(4)
    riff_end = min(size, 8 + struct.unpack("<I", fp.read(4))[0])
    offset = 12
    while offset + 8 <= riff_end:
        fp.seek(offset)
        kind, length = struct.unpack("<4sI", fp.read(8))
        yield kind, offset + 8, length
        offset += 8 + length + (length & 1)


def _webp(fp: BinaryIO, size: int, found: _Found) -> None:
    for kind, offset, length in list(webp_chunks(fp, size)):
        if kind == b"EXIF":
            found.kinds.add("EXIF")
        elif kind == b"XMP ":
            fp.seek(offset)
            found.xmp(fp.read(min(length, found.xmp_left)))
        elif kind not in _WEBP_SAFE_CHUNKS:
            found.kinds.add(f"WebP {_printable(kind.decode('latin-1')).strip()}")
    fp.seek(4)
    if 8 + struct.unpack("<I", fp.read(4))[0] < size:
        found.kinds.add("trailing data")


def webp_is_lossless(fp: BinaryIO, size: int) -> bool:
    kinds = []
    for kind, offset, _ in webp_chunks(fp, size):
        if kind == b"ANMF":
            # An animation frame holds a 16-byte header, then its own VP8/VP8L (or
            # ALPH, which only lossy frames use).
            fp.seek(offset + 16)
            kind = fp.read(4)
        kinds.append(kind)
    coded = [k for k in kinds if k in (b"VP8 ", b"VP8L", b"ALPH")]
    return bool(coded) and all(k == b"VP8L" for k in coded)


def _gif(fp: BinaryIO, size: int, found: _Found) -> None:
    fp.seek(10)
    flags = fp.read(1)[0]
    fp.seek(13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0))
    while fp.tell() < size:
        introducer = fp.read(1)
        if introducer == b";":
            break
        if introducer == b"!":
            label = fp.read(1)
            if label == b"\xfe":
                found.kinds.add("comment")
                found.text("GIF comment", _gif_subblocks(fp, keep=found.words_left).decode("latin-1"))
                continue
            if label == b"\x01":
                found.kinds.add("GIF text")
            elif label == b"\xff":
                app = fp.read(fp.read(1)[0])
                if app.startswith(b"XMP DataXMP"):
                    found.xmp(_gif_subblocks(fp, keep=found.xmp_left))
                    continue
                if app not in _GIF_SAFE_APPS:
                    found.kinds.add(f"GIF {_printable(app.decode('latin-1')).strip()}")
            _gif_subblocks(fp, keep=0)
        elif introducer == b",":
            descriptor = fp.read(9)
            if descriptor[8] & 0x80:
                fp.seek(3 << ((descriptor[8] & 7) + 1), os.SEEK_CUR)
            fp.read(1)  # LZW minimum code size
            _gif_subblocks(fp, keep=0)
        else:
            break  # damaged; decoding reports it
    if fp.tell() < size:
        found.kinds.add("trailing data")


def _gif_subblocks(fp: BinaryIO, keep: int) -> bytes:
    """Read a run of sub-blocks up to its terminator, keeping the first ``keep`` bytes.

    XMP in a GIF is stored so that the length bytes are part of the text; keeping them
    (rather than only the payloads) leaves the XML readable.
    """
    kept = bytearray()
    while length := fp.read(1):
        if length[0] == 0:
            break
        if len(kept) < keep:
            kept += length + fp.read(length[0])
        else:
            fp.seek(length[0], os.SEEK_CUR)
    return bytes(kept)


def _printable(text: str, limit: int = 40) -> str:
    """A name from a file made safe to show: printable ASCII letters, digits and a few marks only."""
    cleaned = re.sub(r"[^A-Za-z0-9 _.:/()-]", "?", text[:limit])
    return cleaned + ("…" if len(text) > limit else "")
