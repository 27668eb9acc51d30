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
    return page.locator("#gaugan-editor canvas").first.bounding_box()


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
    gaugan.locator("#gaugan-classes").get_by_text("water", exact=True).click()
    gaugan.wait_for_timeout(800)
    old = img_src(gaugan, OUT)
    box = canvas_box(gaugan)
    drag(gaugan, box, [(0.3, 0.15), (0.7, 0.15), (0.7, 0.2), (0.3, 0.2)])      # a band of water in the sky
    wait_new_picture(gaugan, OUT, old)
    shot = Image.open(io.BytesIO(gaugan.screenshot(clip=box))).convert("RGB")
    band = np.asarray(shot)[int(0.175 * box["height"]), int(0.4 * box["width"]):int(0.6 * box["width"])]
    assert np.abs(band.astype(int) - (0x20, 0x54, 0xb0)).max(1).mean() < 30        # water's colour, not sky's


def test_editor_trash_button_resets_to_sky_and_repaints(gaugan):
    old = img_src(gaugan, OUT)
    gaugan.locator("#gaugan-editor").get_by_role("button", name="Clear canvas").click()
    wait_new_picture(gaugan, OUT, old)
    assert gaugan.locator("#gaugan-editor canvas").first.is_visible()


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
