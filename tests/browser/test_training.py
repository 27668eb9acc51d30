"""The training tab in a real browser: start, watch drawn curves and samples, reload to reattach, stop."""
from __future__ import annotations

from .conftest import img_src, open_tab, wait_new_picture


def set_number(page, label, value):
    box = page.get_by_label(label, exact=True)
    box.fill(str(value))
    box.press("Tab")


def curves_js(elem_id) -> str:
    """How many data lines the plot shows (Vega draws each series as one path with many points)."""
    return f"""() => [...document.querySelectorAll('#{elem_id} path')]
        .filter(p => (p.getAttribute('d') || '').split(/[LM]/).length > 5 && p.getAttribute('stroke')
                     && p.getAttribute('stroke') !== 'none' && !(p.getAttribute('class') || '').includes('domain')).length"""


def drawn_curves(page, elem_id, timeout_s: float = 60) -> int:
    """The number of drawn lines, once there are two (or what there is after timeout_s: a loaded machine
    trains slowly, and a line needs a few logged steps)."""
    try:
        page.wait_for_function(f"() => ({curves_js(elem_id)})() >= 2", timeout=timeout_s * 1000)
    except Exception:
        pass
    return page.evaluate(curves_js(elem_id))


def legend_labels(page, elem_id) -> set[str]:
    return set(page.evaluate(f"""() => [...document.querySelectorAll('#{elem_id} text')].map(t => t.textContent)"""))


def test_start_watch_reload_and_stop(page, browser, studio_url, page_errors):
    open_tab(page, "Training")
    set_number(page, "Steps", 100000)
    set_number(page, "Batch size", 16)
    set_number(page, "Sample every N steps", 25)
    page.get_by_role("button", name="Start", exact=True).click()
    wait_new_picture(page, "train-samples", None, timeout_s=60)
    page.wait_for_function("() => document.querySelectorAll('#train-losses path').length > 3", timeout=60_000)
    assert drawn_curves(page, "train-losses") >= 2, "no loss curves drawn in the page that pressed Start"
    assert drawn_curves(page, "train-probs") >= 2
    assert {"G", "D"} <= legend_labels(page, "train-losses")
    assert {"D(x)", "D(G(z))"} <= legend_labels(page, "train-probs")
    shown = page.locator("#train-samples img").first.bounding_box()
    assert shown["width"] >= 400                                # 64 samples are not shown in 274 px

    # a second page (a reload) reattaches: the form shows the running job's settings, curves are drawn
    other = browser.new_page(viewport={"width": 1600, "height": 1000})
    other.goto(studio_url, wait_until="load")
    other.locator("#header").wait_for()
    open_tab(other, "Training")
    other.wait_for_function("() => document.querySelectorAll('#train-losses path').length > 3", timeout=60_000)
    assert other.get_by_label("Steps", exact=True).input_value() == "100000"
    assert other.get_by_label("Batch size", exact=True).input_value() == "16"
    other.close()

    page.get_by_role("button", name="Stop", exact=True).click()
    page.wait_for_function("""() => /stopped[\\s\\S]*model saved as "/.test(
        document.querySelector('#train-status textarea').value)""", timeout=120_000)
    assert img_src(page, "train-samples")
