"""The conditional GAN tab in a real browser: picking digits redraws the grid, a new seed redraws the
"same z, every class" row, and dragging the class slider shows a new picture per position without requests."""
from __future__ import annotations

import pytest

from .conftest import img_src, open_tab, sweep, wait_new_picture


@pytest.fixture
def cond(page):
    open_tab(page, "Conditional GAN", first_picture="cond-grid")
    wait_new_picture(page, "cond-row", None)
    page.locator("#cond-live .sprite").wait_for()
    return page


def test_picking_digits_redraws_the_grid(cond):
    old = img_src(cond, "cond-grid")
    natural = cond.locator("#cond-grid img").first.evaluate("i => i.naturalWidth")
    cond.locator("#cond-digits label", has_text="7").click()                 # a fifth column
    new = wait_new_picture(cond, "cond-grid", old)
    wider = cond.locator("#cond-grid img").first.evaluate("i => i.naturalWidth")
    assert new != old and wider > natural
    cond.locator("#cond-digits label", has_text="0").click()                 # back to four columns
    assert wait_new_picture(cond, "cond-grid", new) != new


def test_a_new_seed_redraws_the_every_class_row(cond):
    old = img_src(cond, "cond-row")
    box = cond.locator("#cond-seed input")
    box.fill("123")
    box.press("Enter")
    assert wait_new_picture(cond, "cond-row", old) != old


def test_dragging_the_class_slider_is_live_without_requests(cond, calls):
    sprite = cond.locator("#cond-live .sprite")
    n = len(calls)
    seen = sweep(cond, "cond-t", sprite)
    cond.wait_for_timeout(300)
    assert len(seen) >= 15                                            # a new picture for (nearly) every move
    value = float(cond.locator("#cond-t input[type=number]").input_value())
    assert int(sprite.get_attribute("data-i")) == round(value * 100)  # the released position's picture
    assert not [c for c in calls.since(n) if "cond" in c]             # and no request for any of them


def test_new_end_digits_redraw_the_walk(cond):
    old = cond.locator("#cond-live .sprite").get_attribute("style")
    cond.locator("#cond-b input").click()
    cond.get_by_role("option", name="1", exact=True).click()
    cond.wait_for_function("old => { const s = document.querySelector('#cond-live .sprite');"
                           " return s && s.getAttribute('style') !== old; }", arg=old, timeout=20_000)


def test_the_slider_names_t_and_its_formula_is_rendered_math(cond):
    assert "digit A (t = 0)" in cond.locator("#cond-t").inner_text()
    cond.locator("#cond-formula .katex").first.wait_for(timeout=5000)          # KaTeX, not "$G(...)$" as text
    assert "$" not in cond.locator("#cond-formula").inner_text()


def test_unticking_every_digit_says_so_and_keeps_the_grid(cond):
    for d in "012":                                                          # of the four ticked by default
        cond.locator("#cond-digits label", has_text=d).click()
    cond.wait_for_timeout(2000)
    old = img_src(cond, "cond-grid")                                         # the grid of digit 3 alone
    cond.locator("#cond-digits label", has_text="3").click()
    cond.get_by_text("Tick at least one digit").first.wait_for(timeout=10_000)
    cond.wait_for_timeout(500)
    assert img_src(cond, "cond-grid") == old                                 # the last grid stays
    assert cond.locator("#cond-grid").get_by_text("Error").count() == 0
