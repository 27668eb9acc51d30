"""CycleGAN in a real browser: one translation per upload, readable errors that replace stale results."""
from __future__ import annotations

import pytest

from studio.paths import assets_dir

from .conftest import img_src, open_tab, wait_new_picture

OUT = "cyclegan-translated"


@pytest.fixture
def cyclegan(page):
    return open_tab(page, "CycleGAN", first_picture=OUT)


def upload(page, path):
    page.locator("#cyclegan-input input[type=file]").set_input_files(str(path))


def test_an_upload_translates_once(cyclegan, calls):
    old = img_src(cyclegan, OUT)
    n = len(calls)
    upload(cyclegan, assets_dir() / "cyclegan" / "winter_day_902.png")
    wait_new_picture(cyclegan, OUT, old)
    cyclegan.wait_for_timeout(1500)
    assert [c for c in calls.since(n) if c == "_translate_live"] == ["_translate_live"]


def test_a_broken_upload_replaces_the_old_results_with_a_message(cyclegan, tmp_path):
    bad = tmp_path / "holiday.png"
    bad.write_bytes(b"this is not a picture")
    upload(cyclegan, bad)
    note = cyclegan.locator("#cyclegan-note")
    note.get_by_text("Cannot translate this picture").wait_for(timeout=20_000)
    assert "Cycle L1" not in note.inner_text()
    assert img_src(cyclegan, OUT) is None                      # the previous translation is gone


def test_an_example_thumbnail_translates(cyclegan, calls):
    old = img_src(cyclegan, OUT)
    cyclegan.locator("#cyclegan-examples img").nth(3).click()
    wait_new_picture(cyclegan, OUT, old)


def test_a_broken_pth_says_so_and_leaves_the_controls_usable(cyclegan, tmp_path):
    bad = tmp_path / "horse2zebra.pth"
    bad.write_bytes(b"\0" * 100)
    cyclegan.get_by_text("Load an official CycleGAN generator (.pth)").click()
    cyclegan.locator("#cyclegan-official input[type=file]").set_input_files(str(bad))
    cyclegan.get_by_text("not a readable PyTorch checkpoint").first.wait_for(timeout=20_000)
    old = img_src(cyclegan, OUT)
    cyclegan.locator("#cyclegan-direction").get_by_text("winter → summer").click(timeout=3000)   # still there
    wait_new_picture(cyclegan, OUT, old)
