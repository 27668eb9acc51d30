"""At 1024x768 (a classroom projector) every tab is reachable and nothing is cut off."""
from __future__ import annotations

from studio.ui.app import TABS


def test_every_tab_title_fits_at_1024x768(browser, studio_url):
    page = browser.new_page(viewport={"width": 1024, "height": 768})
    page.goto(studio_url, wait_until="load")
    page.locator("#header").wait_for()
    page.wait_for_timeout(1500)
    for tab in TABS:
        button = page.get_by_role("tab", name=tab.TITLE, exact=True)
        assert button.is_visible(), f"{tab.TITLE} is hidden behind the overflow menu"
    page.get_by_role("tab", name="GauGAN", exact=True).click()
    page.wait_for_timeout(1500)
    title = page.locator("#gaugan-editor-title")
    box, editor = title.bounding_box(), page.locator("#gaugan-canvas").bounding_box()
    assert title.is_visible() and "Label map" in title.inner_text()
    assert box["y"] + box["height"] <= editor["y"] + 1                 # above the editor, not under its toolbar
    assert title.evaluate("l => l.scrollWidth <= l.clientWidth + 1")   # not cut off
    page.close()
