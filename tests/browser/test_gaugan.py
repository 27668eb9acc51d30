"""GauGAN in a real browser: strokes, buttons and class picks all give a new picture."""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from .conftest import drag, img_src, open_tab, wait_new_picture

OUT = "gaugan-output"


@pytest.fixture
def gaugan(page):
    return open_tab(page, "GauGAN", first_picture=OUT)


def canvas_box(page):
    return page.locator("#gaugan-canvas canvas").bounding_box()


def canvas_pixel(page, fx: float, fy: float) -> tuple[int, int, int]:
    """The canvas's own colour at a point (fractions of its size)."""
    return tuple(page.evaluate("""([fx, fy]) => {
        const c = document.querySelector('#gaugan-canvas canvas');
        return [...c.getContext('2d').getImageData(Math.floor(fx * c.width), Math.floor(fy * c.height), 1, 1)
                .data].slice(0, 3); }""", [fx, fy]))


def test_first_stroke_after_load_gives_a_new_picture(gaugan, calls):
    old = img_src(gaugan, OUT)
    n = len(calls)
    drag(gaugan, canvas_box(gaugan), [(0.2, 0.6), (0.5, 0.62), (0.8, 0.6)])
    wait_new_picture(gaugan, OUT, old)
    assert "_paint_live" in calls.since(n)


@pytest.mark.parametrize("button", ["Random map", "Fill", "Clear (all sky)"])
def test_canvas_buttons_repaint(gaugan, button):
    old = img_src(gaugan, OUT)
    gaugan.get_by_role("button", name=button, exact=True).click()
    wait_new_picture(gaugan, OUT, old)


def test_example_map_repaints(gaugan):
    old = img_src(gaugan, OUT)
    gaugan.locator("#gaugan-examples input").click()
    gaugan.get_by_role("option", name="winter valley").click()
    wait_new_picture(gaugan, OUT, old)


def test_clicking_a_class_paints_with_its_colour_and_keeps_the_canvas(gaugan):
    before = canvas_pixel(gaugan, 0.9, 0.9)
    gaugan.locator("#gaugan-classes").get_by_text("water", exact=True).click()
    old = img_src(gaugan, OUT)
    box = canvas_box(gaugan)
    drag(gaugan, box, [(0.3, 0.15), (0.7, 0.15), (0.7, 0.2), (0.3, 0.2)])      # a band of water in the sky
    wait_new_picture(gaugan, OUT, old)
    assert canvas_pixel(gaugan, 0.5, 0.175) == (0x20, 0x54, 0xb0)                # water's colour, not sky's
    assert canvas_pixel(gaugan, 0.9, 0.9) == before                              # the rest of the map stays


def test_the_picture_follows_a_long_stroke_and_undo_restores_the_map(gaugan, calls):
    sky = canvas_pixel(gaugan, 0.5, 0.1)
    gaugan.locator("#gaugan-classes").get_by_text("mountain", exact=True).click()
    box = canvas_box(gaugan)
    n = len(calls)
    xy = [(box["x"] + (0.1 + 0.8 * i / 40) * box["width"], box["y"] + 0.1 * box["height"]) for i in range(41)]
    gaugan.mouse.move(*xy[0])
    gaugan.mouse.down()
    for x, y in xy[1:]:
        gaugan.mouse.move(x, y)
        gaugan.wait_for_timeout(25)                      # a 1-second stroke
    gaugan.mouse.up()
    gaugan.wait_for_timeout(1500)
    assert calls.since(n).count("_paint_live") >= 3     # sent while drawing, not only on release
    assert canvas_pixel(gaugan, 0.5, 0.1) == (0x8c, 0x70, 0x58)
    old = img_src(gaugan, OUT)
    gaugan.get_by_role("button", name="Undo stroke").click()
    wait_new_picture(gaugan, OUT, old)
    assert canvas_pixel(gaugan, 0.5, 0.1) == sky


def test_the_brush_size_slider_follows_the_mouse_and_widens_the_stroke(gaugan):
    """The slider is read only by the canvas script (no server event): it must still be enabled."""
    water = (0x20, 0x54, 0xb0)
    gaugan.locator("#gaugan-classes").get_by_text("water", exact=True).click()
    box = canvas_box(gaugan)
    drag(gaugan, box, [(0.3, 0.1), (0.7, 0.1)])                  # a stroke at the default size (16 cells)
    thin = sum(canvas_pixel(gaugan, 0.5, y / 100) == water for y in range(0, 40))
    rng = gaugan.locator("#gaugan-brush input[type=range]")
    assert rng.is_enabled()
    track = rng.bounding_box()
    gaugan.mouse.click(track["x"] + 0.95 * track["width"], track["y"] + track["height"] / 2)
    size = int(rng.input_value())
    assert size >= 55, size
    drag(gaugan, box, [(0.3, 0.1), (0.7, 0.1)])                  # the same stroke with the big brush
    wide = sum(canvas_pixel(gaugan, 0.5, y / 100) == water for y in range(0, 40))
    assert wide > 1.8 * thin > 0, (thin, wide)


def open_map(page, path):
    with page.expect_file_chooser() as chooser:
        page.locator("#gaugan-upload").click()
    chooser.value.set_files(str(path))


def test_opening_a_label_map_png_puts_it_on_the_canvas(gaugan, tmp_path):
    from studio.paths import assets_dir

    old = img_src(gaugan, OUT)
    open_map(gaugan, assets_dir() / "gaugan" / "winter_valley.png")
    wait_new_picture(gaugan, OUT, old)
    assert canvas_pixel(gaugan, 0.5, 0.95) == (0xfa, 0xfc, 0xff)                 # snow in the valley


def test_a_broken_label_map_says_so(gaugan, tmp_path):
    bad = tmp_path / "map.png"
    bad.write_bytes(b"not a picture")
    open_map(gaugan, bad)
    gaugan.get_by_text("is not a picture that can be read").first.wait_for(timeout=15_000)


def test_picking_a_preset_drops_a_loaded_style_image(gaugan, tmp_path):
    from studio.paths import assets_dir

    style = assets_dir() / "cyclegan" / "summer_night_907.png"
    old = img_src(gaugan, OUT)
    gaugan.locator("#gaugan-style input[type=file]").set_input_files(str(style))
    with_image = wait_new_picture(gaugan, OUT, old)
    gaugan.wait_for_timeout(1500)
    with_image = img_src(gaugan, OUT)
    gaugan.locator("#gaugan-preset").get_by_text("sunset", exact=True).click()
    wait_new_picture(gaugan, OUT, with_image)
    gaugan.wait_for_timeout(1500)
    assert gaugan.locator("#gaugan-style img").count() == 0           # the style image is gone: the preset wins


def test_typing_a_style_seed_while_a_preset_is_picked_uses_the_seed(gaugan):
    old = img_src(gaugan, OUT)
    box = gaugan.locator("#gaugan-style-seed input")
    box.fill("5")
    box.press("Enter")
    gaugan.wait_for_function(
        "() => [...document.querySelectorAll('#gaugan-preset input')].find(i => i.checked)?.value.startsWith('seed')",
        timeout=10_000)
    wait_new_picture(gaugan, OUT, old)
