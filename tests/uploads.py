"""Files for upload tests, built in memory with Pillow: photos with GPS, disguised files."""
from __future__ import annotations

import io

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
