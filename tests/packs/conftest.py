"""Fixtures for the pack tests: the example pack, the broken corpus, and image bytes."""

from __future__ import annotations

import shutil
import struct
import zlib
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE / "example"
BROKEN = HERE / "broken"


def png_bytes(width: int, height: int) -> bytes:
    """A real, valid RGB PNG of the given size (all one colour)."""
    raw = b"".join(b"\x00" + b"\xc8\x1e\x1e" * width for _ in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def jpeg_bytes(width: int, height: int) -> bytes:
    """The marker structure of a baseline JPEG: SOI, APP0, SOF0 with the size, SOS data, EOI."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return (
        b"\xff\xd8"
        + app0
        + sof0
        + b"\xff\xda"
        + struct.pack(">H", 8)
        + b"\x01\x01\x00\x00\x3f\x00"
        + b"\x12\x34"
        + b"\xff\xd9"
    )


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    """A writable copy of the example pack inside a folder of packs (``tmp_path/packs``)."""
    target = tmp_path / "packs" / "example"
    shutil.copytree(EXAMPLE, target)
    return target
