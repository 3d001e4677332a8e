"""Check a pack's image without an imaging library: PNG or JPEG, size, dimensions, integrity.

Written by hand (about 80 lines) because the kiosk carries no Pillow (Kivy decodes images through
SDL2_image) and the checks needed are small: the PNG chunk structure with CRCs and a full inflate
of the image data, or the JPEG segment structure up to the frame header and the end marker.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

MAX_IMAGE_BYTES = 1024 * 1024
MAX_SIDE = 2048
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Start-of-frame markers of JPEG (baseline, progressive, lossless, arithmetic); not C4/C8/CC.
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


class ImageProblem(Exception):
    """The image cannot be used; the message says why."""


def image_size(data: bytes) -> tuple[int, int]:
    """(width, height) of PNG or JPEG bytes after checking they decode; else ImageProblem."""
    if data.startswith(_PNG_SIGNATURE):
        return _png_size(data)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    raise ImageProblem("is not a PNG or JPEG image")


def _png_size(data: bytes) -> tuple[int, int]:
    pos, size, idat, bits_channels = 8, None, [], (8, 1)
    interlaced = False
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length] or b"\0\0\0\0")
        if len(body) != length or zlib.crc32(kind + body) != crc:
            raise ImageProblem("is a damaged PNG file (bad chunk)")
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            size, bits_channels, interlaced = (
                (width, height),
                (depth, _CHANNELS.get(color, 1)),
                bool(interlace),
            )
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    else:
        raise ImageProblem("is a damaged PNG file (cut short)")
    if size is None or not idat:
        raise ImageProblem("is a damaged PNG file (no image header or data)")
    try:
        raw = zlib.decompress(b"".join(idat))
    except zlib.error as exc:
        raise ImageProblem("is a damaged PNG file (image data does not decompress)") from exc
    width, height = size
    depth, channels = bits_channels
    expected = height * (1 + (width * depth * channels + 7) // 8)
    if not interlaced and len(raw) != expected:
        raise ImageProblem("is a damaged PNG file (image data has the wrong length)")
    return size


def _jpeg_size(data: bytes) -> tuple[int, int]:
    pos, size = 2, None
    while pos + 4 <= len(data) and size is None:
        if data[pos] != 0xFF:
            raise ImageProblem("is a damaged JPEG file")
        marker = data[pos + 1]
        if marker == 0xFF:  # padding
            pos += 1
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if marker in _SOF and pos + 9 <= len(data):
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            size = (width, height)
        pos += 2 + length
    if size is None:
        raise ImageProblem("is a damaged JPEG file (no frame header)")
    if not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        raise ImageProblem("is a damaged JPEG file (cut short)")
    return size


def check_image(root: Path, name: str) -> str | None:
    """None when ``name`` (relative to the pack folder ``root``) is a usable image; else why not."""
    if Path(name).is_absolute() or ".." in Path(name).parts:
        return "must be a path inside the pack folder, like images/step1.png"
    if Path(name).suffix.lower() not in (".png", ".jpg", ".jpeg"):
        return "must be a .png, .jpg or .jpeg file"
    path = root / name
    if not path.is_file():
        return f"image not found: {name} (looked in {root})"
    if not path.resolve().is_relative_to(root.resolve()):
        return "must stay inside the pack folder (this one links to somewhere else)"
    size = path.stat().st_size
    if size > MAX_IMAGE_BYTES:
        return f"the image is {size / 1048576:.1f} MiB; at most 1 MiB is allowed"
    try:
        width, height = image_size(path.read_bytes())
    except ImageProblem as exc:
        return f"{name} {exc}"
    except OSError as exc:
        return f"{name} cannot be read: {exc.strerror or exc}"
    if width < 1 or height < 1 or width > MAX_SIDE or height > MAX_SIDE:
        return f"the image is {width}x{height} px; at most {MAX_SIDE}x{MAX_SIDE} is allowed"
    return None
