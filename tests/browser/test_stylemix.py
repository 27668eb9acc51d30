"""StyleGAN in a real browser: typed seeds apply when the box is left, and the grid says which seed is which."""
from __future__ import annotations

from .conftest import img_src, open_tab, wait_new_picture


def test_typed_seeds_apply_on_blur_and_label_the_grid(page):
    open_tab(page, "StyleGAN")
    old = wait_new_picture(page, "stylemix-grid", None)
    box = page.locator("#stylemix-rows textarea, #stylemix-rows input").first
    box.fill("3,5")
    page.locator("#stylemix-axes").click()                       # leave the box without pressing Enter
    wait_new_picture(page, "stylemix-grid", old)
    page.get_by_text("seeds 3, 5").first.wait_for(timeout=10_000)
    grid = page.locator("#stylemix-grid img").first.bounding_box()
    assert grid["y"] + grid["height"] <= 1000                     # the whole grid fits on the screen
    assert img_src(page, "stylemix-grid")
