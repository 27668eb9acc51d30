"""Pictures users hand in: uploads decoded safely (modes, EXIF, refusals) and painted label maps parsed."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from studio import inference

from tests.helpers import SPADE_COLORS as COLORS
from tests.helpers import png_claiming


def test_load_picture_modes(tmp_path):
    rgba = Image.new("RGBA", (40, 30), (255, 0, 0, 0))            # fully transparent red -> white
    rgba.putpixel((0, 0), (0, 0, 255, 255))
    rgba.save(tmp_path / "a.png")
    im = inference.load_picture(tmp_path / "a.png")
    assert im.mode == "RGB" and im.size == (40, 28)                # multiples of 4, cropped not stretched
    assert np.asarray(im)[10, 10].tolist() == [255, 255, 255]

    arr = np.full((32, 32), 65535, np.uint16)
    arr[:, :16] = 257 * 100
    Image.fromarray(arr).save(tmp_path / "g16.png")                # 16-bit greyscale PNG
    im = inference.load_picture(tmp_path / "g16.png")
    px = np.asarray(im)
    assert px[0, 20].tolist() == [255, 255, 255] and px[0, 0].tolist() == [100, 100, 100]

    Image.new("L", (20, 20), 77).save(tmp_path / "l.png")
    assert np.asarray(inference.load_picture(tmp_path / "l.png"))[3, 3].tolist() == [77, 77, 77]
    Image.new("RGB", (20, 20), (10, 200, 30)).convert("P", palette=Image.ADAPTIVE).save(tmp_path / "p.png")
    assert inference.load_picture(tmp_path / "p.png").mode == "RGB"

    big = Image.new("RGB", (1000, 250), (1, 2, 3))
    im = inference.load_picture(big, max_side=512)
    assert im.size == (512, 128)                                   # aspect ratio kept, long side capped


def test_load_picture_exif_rotation(tmp_path):
    im = Image.new("RGB", (64, 32), (0, 0, 0))
    im.paste((255, 255, 255), (0, 0, 32, 32))                      # left half white
    exif = Image.Exif()
    exif[0x0112] = 6                                               # "rotate 90 CW to display"
    im.save(tmp_path / "phone.jpg", exif=exif.tobytes(), quality=95)
    out = inference.load_picture(tmp_path / "phone.jpg")
    assert out.size == (32, 64)
    px = np.asarray(out).mean(2)
    assert px[:16].mean() > 200 and px[-16:].mean() < 50           # the white half is now on top


@pytest.mark.parametrize("maker,message", [
    (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 20) or p, "not a picture"),
    (lambda p: p.write_text("hello, I am a text file") or p, "not a picture"),
    (lambda p: Image.new("RGB", (1, 1)).save(p, format="PNG") or p, "at least"),
    (lambda p: png_claiming(p, 12000, 12000), "megapixels"),
])
def test_load_picture_refuses(tmp_path, maker, message):
    path = tmp_path / "upload.png"
    maker(path)
    with pytest.raises(ValueError, match=message):
        inference.load_picture(path)


def test_truncated_picture(tmp_path):
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)).save(tmp_path / "t.png")
    data = (tmp_path / "t.png").read_bytes()
    (tmp_path / "t.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="damaged|not a picture"):
        inference.load_picture(tmp_path / "t.png")


def test_exact_palette_colours_map_exactly():
    labels = np.random.default_rng(0).integers(0, 3, (9, 7))
    parsed = inference.parse_label_map(COLORS[labels], COLORS)
    assert np.array_equal(parsed.labels, labels) and parsed.far == 0 and parsed.message == ""


def test_antialiased_edges_go_to_the_nearest_class():
    red, blue = COLORS[0].astype(float), COLORS[2].astype(float)
    edge = np.stack([np.round(w * red + (1 - w) * blue) for w in (0.9, 0.7, 0.3, 0.1)])[None].astype(np.uint8)
    parsed = inference.parse_label_map(edge, COLORS)
    assert parsed.labels.tolist() == [[0, 0, 2, 2]]


def test_far_colours_are_snapped_and_counted():
    img = np.zeros((2, 2, 3), np.uint8)
    img[:] = COLORS[1]
    img[0, 0] = (200, 0, 200)            # magenta: far from red, green and blue
    parsed = inference.parse_label_map(img, COLORS)
    assert parsed.far == 1
    assert parsed.labels[0, 0] in (0, 2) and (parsed.labels.flatten()[1:] == 1).all()
    assert "1 pixels" in parsed.message and "snapped" in parsed.message


def test_transparent_pixels_take_the_fallback():
    img = np.zeros((2, 3, 4), np.uint8)
    img[..., :3] = COLORS[0]
    img[..., 3] = 255
    img[1, :, 3] = 0                     # erased row (colour under it is arbitrary)
    assert inference.parse_label_map(img, COLORS, fallback=2).labels[1].tolist() == [2, 2, 2]
    bg = np.array([[1, 1, 1], [0, 1, 2]])
    parsed = inference.parse_label_map(img, COLORS, fallback=bg)
    assert parsed.labels.tolist() == [[0, 0, 0], [0, 1, 2]] and parsed.transparent == 3


def test_parse_rejects_non_images():
    with pytest.raises(ValueError, match="RGB"):
        inference.parse_label_map(np.zeros((4, 4, 5), np.uint8), COLORS)
