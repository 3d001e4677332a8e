"""The hand-written PNG/JPEG checks: sizes, limits, damage."""

from __future__ import annotations

import pytest

from kiosk.packs.images import ImageProblem, check_image, image_size

from .conftest import jpeg_bytes, png_bytes


def test_png_and_jpeg_sizes():
    assert image_size(png_bytes(7, 3)) == (7, 3)
    assert image_size(jpeg_bytes(640, 480)) == (640, 480)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a....", "is not a PNG or JPEG image"),
        (png_bytes(7, 3)[:-12], "damaged PNG file (cut short)"),
        (png_bytes(7, 3)[:40] + b"\x00" + png_bytes(7, 3)[41:], "damaged PNG file (bad chunk)"),
        (jpeg_bytes(10, 10)[:-2], "damaged JPEG file (cut short)"),
        (b"\xff\xd8\xff\xd9", "damaged JPEG file (no frame header)"),
    ],
)
def test_damaged_images(data, message):
    with pytest.raises(ImageProblem, match=message.replace("(", r"\(").replace(")", r"\)")):
        image_size(data)


def test_check_image_limits(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "ok.jpg").write_bytes(jpeg_bytes(2048, 2048))
    (tmp_path / "images" / "wide.jpg").write_bytes(jpeg_bytes(2049, 10))
    (tmp_path / "images" / "big.png").write_bytes(png_bytes(4, 4) + b"\0" * (1024 * 1024))
    (tmp_path / "images" / "x.gif").write_bytes(b"GIF89a")
    assert check_image(tmp_path, "images/ok.jpg") is None
    assert check_image(tmp_path, "images/wide.jpg") == (
        "the image is 2049x10 px; at most 2048x2048 is allowed"
    )
    assert check_image(tmp_path, "images/big.png") == (
        "the image is 1.0 MiB; at most 1 MiB is allowed"
    )
    assert check_image(tmp_path, "images/x.gif") == "must be a .png, .jpg or .jpeg file"
    assert check_image(tmp_path, "../secret.png") == (
        "must be a path inside the pack folder, like images/step1.png"
    )
