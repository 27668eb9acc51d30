"""Latent interpolation in a real browser: a readable strip, one request per t value, readable errors."""
from __future__ import annotations

import pytest

from .conftest import drag, img_src, open_tab, wait_new_picture


@pytest.fixture
def interp(page):
    open_tab(page, "Interpolation")
    wait_new_picture(page, "interp-strip", None)
    page.locator("#interp-live .sprite").wait_for()
    return page


def slider(page, elem_id):
    return page.locator(f"#{elem_id} input[type=range]")


def test_a_long_strip_wraps_and_its_label_covers_no_frame(interp):
    old = img_src(interp, "interp-strip")
    box = slider(interp, "interp-steps").bounding_box()
    drag(interp, box, [(0.5, 0.5), (1.2, 0.5)])                   # to the far right: 32 frames
    wait_new_picture(interp, "interp-strip", old)
    interp.wait_for_function("() => { const i = document.querySelector('#interp-strip img'); "
                             "return i && i.complete && i.naturalWidth > 0; }", timeout=30_000)   # decoded
    img = interp.locator("#interp-strip img").first
    shown = img.bounding_box()
    natural = img.evaluate("i => [i.naturalWidth, i.naturalHeight]")
    assert natural[1] > natural[0] / 3                            # 32 frames wrapped onto rows (4 x 8)
    assert shown["width"] / 8 >= 80                               # each frame at least 80 px on the page
    label = interp.locator("#interp-strip label").first.bounding_box()
    assert label["y"] + label["height"] <= shown["y"] + 1         # the label sits above the picture


def test_dragging_t_shows_the_frame_of_every_position_without_requests(interp, calls):
    n = len(calls)
    box = slider(interp, "interp-t").bounding_box()
    sprite = interp.locator("#interp-live .sprite")
    seen = set()
    interp.mouse.move(box["x"] + 0.05 * box["width"], box["y"] + box["height"] / 2)
    interp.mouse.down()
    for i in range(1, 21):
        interp.mouse.move(box["x"] + (0.05 + 0.045 * i) * box["width"], box["y"] + box["height"] / 2, steps=3)
        seen.add(sprite.get_attribute("data-i"))
    interp.mouse.up()
    interp.wait_for_timeout(500)
    assert len(seen) >= 15                                         # a new frame for (nearly) every move
    value = float(interp.locator("#interp-t input[type=number]").input_value())
    assert int(sprite.get_attribute("data-i")) == round(value * 100)  # the released t's frame is shown
    assert not [c for c in calls.since(n) if "frame" in c]         # and no request was needed for it


def test_an_empty_seed_says_so(interp, page_errors):
    box = interp.locator("#interp-seed-a input")
    box.fill("")
    box.press("Enter")
    interp.keyboard.press("Tab")
    toast = interp.get_by_text("seed A is empty")
    toast.first.wait_for(timeout=15_000)
    assert interp.get_by_text("TypeError").count() == 0
