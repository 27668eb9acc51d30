"""Latent interpolation in a real browser: a readable strip, one request per t value, readable errors."""
from __future__ import annotations

import pytest

from .conftest import drag, img_src, open_tab, wait_new_picture


@pytest.fixture
def interp(page):
    open_tab(page, "Interpolation")
    wait_new_picture(page, "interp-strip", None)
    wait_new_picture(page, "interp-frame", None)
    return page


def slider(page, elem_id):
    return page.locator(f"#{elem_id} input[type=range]")


def test_a_long_strip_wraps_and_its_label_covers_no_frame(interp):
    old = img_src(interp, "interp-strip")
    box = slider(interp, "interp-steps").bounding_box()
    drag(interp, box, [(0.5, 0.5), (1.2, 0.5)])                   # to the far right: 32 frames
    wait_new_picture(interp, "interp-strip", old)
    img = interp.locator("#interp-strip img").first
    shown = img.bounding_box()
    natural = img.evaluate("i => [i.naturalWidth, i.naturalHeight]")
    assert natural[1] > natural[0] / 3                            # 32 frames wrapped onto rows (4 x 8)
    assert shown["width"] / 8 >= 80                               # each frame at least 80 px on the page
    label = interp.locator("#interp-strip label").first.bounding_box()
    assert label["y"] + label["height"] <= shown["y"] + 1         # the label sits above the picture


def test_dragging_t_sends_one_request_per_value_and_shows_the_last(interp, calls):
    n = len(calls)
    box = slider(interp, "interp-t").bounding_box()
    drag(interp, box, [(0.1, 0.5), (0.3, 0.5), (0.6, 0.5), (0.9, 0.5)], steps_between=5)
    interp.wait_for_timeout(2500)
    sent = calls.since(n)
    assert sent and set(sent) == {"interpolate_frame"}             # no second wiring on `change`
    assert len(sent) <= 16                                         # at most one per distinct value dragged over
    value = float(interp.locator("#interp-t input[type=number]").input_value())
    assert value > 0.8


def test_an_empty_seed_says_so(interp, page_errors):
    box = interp.locator("#interp-seed-a input")
    box.fill("")
    box.press("Enter")
    interp.keyboard.press("Tab")
    toast = interp.get_by_text("seed A is empty")
    toast.first.wait_for(timeout=15_000)
    assert interp.get_by_text("TypeError").count() == 0
