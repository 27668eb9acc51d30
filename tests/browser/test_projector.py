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


def _contrast(fg: tuple[float, ...], bg: tuple[float, ...]) -> float:
    """WCAG contrast ratio of two sRGB colours (0-255)."""
    def lum(c):
        lin = [(v / 255 / 12.92) if v / 255 <= 0.04045 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in c[:3]]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((lum(fg), lum(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_hint_lines_are_legible_on_a_projector(page):
    """The hints under labels ("bundled and your trained models...") were Gradio's 14-px light grey, 2.5:1."""
    hints = page.locator(".info-text")
    hints.first.wait_for()
    style = hints.first.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).fontSize]")
    rgb = tuple(float(v) for v in style[0][style[0].index("(") + 1:-1].split(",")[:3])
    assert _contrast(rgb, (255, 255, 255)) >= 4.5, style          # WCAG AA for normal text
    assert float(style[1].rstrip("px")) >= 15, style
