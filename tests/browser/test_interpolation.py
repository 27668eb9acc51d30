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


def test_a_seed_with_a_fraction_says_so(interp):
    box = interp.locator("#interp-seed-b input")
    box.fill("3.7")
    box.press("Enter")
    interp.keyboard.press("Tab")
    interp.get_by_text("Seed B: 3.7 is not a whole number").first.wait_for(timeout=15_000)


def pad_stroke(page, points):
    """Draw one stroke on the drawing pad with the mouse (points: fractions of the pad)."""
    pad = page.locator("#interp-pad canvas")
    pad.scroll_into_view_if_needed()
    drag(page, pad.bounding_box(), points, steps_between=6)


def wait_projected(page, which: str, timeout_s: float = 120) -> list[str]:
    """Wait until the projection made end `which`; -> the progress pictures seen on the way."""
    seen, caption = [], page.locator("#interp-projection-caption")
    for _ in range(int(timeout_s * 10)):
        src = img_src(page, "interp-projection")
        if src and src not in seen:
            seen.append(src)
        if f"now end {which}" in caption.inner_text():
            return seen
        page.wait_for_timeout(100)
    raise AssertionError(f"no projection into end {which} in {timeout_s} s; caption: {caption.inner_text()!r}")


def test_drawing_a_digit_projects_it_live_and_the_walk_starts_there(interp):
    old_strip = img_src(interp, "interp-strip")
    pad_stroke(interp, [(0.3, 0.2), (0.7, 0.2), (0.45, 0.85)])              # a 7
    seen = wait_projected(interp, "A")
    assert len(seen) >= 3                                                   # the reconstruction, every few steps
    assert "Step 150/150" in interp.locator("#interp-projection-caption").inner_text()
    wait_new_picture(interp, "interp-strip", old_strip)
    interp.get_by_text("A: your drawing").wait_for(timeout=20_000)
    interp.get_by_role("button", name="A: back to its seed").click()
    interp.get_by_text("A: seed 25").wait_for(timeout=20_000)


def test_back_to_its_seed_during_a_projection_stops_it(interp):
    from studio.ui.interpolation import examples

    interp.locator("#interp-upload input[type=file]").set_input_files(examples()[0])
    interp.locator("#interp-projection-caption").get_by_text("Step").first.wait_for(timeout=20_000)   # running
    interp.get_by_role("button", name="A: back to its seed").click()
    interp.wait_for_timeout(8000)                           # longer than the projection would still have taken
    ends = interp.locator("#interp-ends").inner_text()
    assert "A: seed 25" in ends and "your picture" not in ends, ends
    assert "back to its seed" in interp.locator("#interp-projection-caption").inner_text()   # not the stopped run's


def test_uploading_a_picture_projects_it_into_end_b(interp):
    from studio.ui.interpolation import examples

    interp.locator("#interp-which label", has_text="B").click()
    old_strip = img_src(interp, "interp-strip")
    interp.locator("#interp-upload input[type=file]").set_input_files(examples()[0])
    wait_projected(interp, "B")
    wait_new_picture(interp, "interp-strip", old_strip)
    interp.get_by_text("B: your picture").wait_for(timeout=20_000)


def test_a_blank_picture_says_so(interp, tmp_path):
    from PIL import Image

    Image.new("RGB", (64, 64), "black").save(tmp_path / "blank.png")
    interp.locator("#interp-upload input[type=file]").set_input_files(str(tmp_path / "blank.png"))
    interp.get_by_text("the picture is empty").first.wait_for(timeout=30_000)
