"""Files for upload tests, built in memory with Pillow: photos with GPS, disguised files."""
from __future__ import annotations

import io
import random
import struct
import zlib

from PIL import Image

PHP_AS_JPG = b"<?php system($_GET['c']); ?>\n"
HTML_AS_JPG = b"<!doctype html><script>alert(1)</script>"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg_with_gps(width: int = 40, height: int = 20, orientation: int | None = None) -> bytes:
    """A JPEG whose EXIF holds a GPS position (Ho Chi Minh City) and a camera model."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0110] = "Test Camera"  # Model
    exif[GPS_IFD] = {1: "N", 2: (10.0, 46.0, 30.0), 3: "E", 4: (106.0, 41.0, 50.0)}
    if orientation:
        exif[ORIENTATION] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=b"taken at home")
    return out.getvalue()


def png(width: int = 10, height: int = 10) -> bytes:
    """A half-transparent blue PNG."""
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 0, 255, 128)).save(out, "PNG")
    return out.getvalue()


def webp(width: int = 10, height: int = 10) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (0, 255, 0)).save(out, "WEBP")
    return out.getvalue()


def exif_of(data: bytes) -> dict:
    """The EXIF tags of an image (empty when it has none)."""
    with Image.open(io.BytesIO(data)) as image:
        return dict(image.getexif())


def info_of(data: bytes) -> tuple[str, tuple[int, int], dict]:
    """Format, size and metadata of an image."""
    with Image.open(io.BytesIO(data)) as image:
        return image.format, image.size, dict(image.info)


def png_claiming(width: int, height: int) -> bytes:
    """A valid PNG header claiming ``width``×``height`` over one row of pixel data.

    Refused from the header, it gives the size error; decoded, it would fail as
    truncated instead: the error says whether decoding was reached.
    """
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    one_row = zlib.compress(b"\0" + b"\x80" * 3 * min(width, 64))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", one_row)
            + chunk(b"IEND", b""))


def jpeg(width: int, height: int, noise: bool = False, quality: int = 90) -> bytes:
    """A JPEG of one colour (small on disk whatever its size) or of noise (as large as a photo)."""
    if noise:
        image = Image.frombytes("RGB", (width, height), random.Random(7).randbytes(width * height * 3))
    else:
        image = Image.new("RGB", (width, height), (120, 160, 90))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()
