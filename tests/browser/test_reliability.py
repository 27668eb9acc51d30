"""Issue 19 in a real browser: the refusals a page meets read as sentences where the person looks.

(The rest of issue 19's tests are in tests/security/; this file lives here to share the one browser.)
"""
from __future__ import annotations

import os

from .conftest import open_tab
from .test_training import set_number

SHOTS = os.environ.get("GAN_STUDIO_SHOTS")       # a folder: keep screenshots of what was checked


def shot(pg, name):
    if SHOTS:
        pg.wait_for_timeout(400)                  # the message box slides in
        pg.screenshot(path=os.path.join(SHOTS, name + ".png"))


def test_a_server_path_as_model_name_is_refused_in_words(page):
    open_tab(page, "Interpolation")
    picker = page.get_by_label("Model").first
    picker.fill("/root/.ssh")
    picker.press("Enter")
    page.get_by_text("that this page can load").first.wait_for(timeout=20_000)
    shot(page, "model-path-refused")
    assert "config.json" not in page.content()


def test_a_server_folder_as_dataset_is_refused_in_words(page):
    open_tab(page, "Training")
    box = page.get_by_label("Dataset")
    box.wait_for(state="visible")
    page.wait_for_timeout(1000)          # the tab's events are wired (a loaded CI machine lost an early Enter)
    box.fill("/etc")
    box.press("Enter")
    page.get_by_text("unknown dataset '/etc'").wait_for(timeout=60_000)
    shot(page, "dataset-path-refused")


def test_only_the_page_that_started_a_job_stops_it(browser, studio_url, page):
    open_tab(page, "Training")
    set_number(page, "Steps", 100000)
    set_number(page, "Batch size", 8)
    page.get_by_role("button", name="Start", exact=True).click()
    page.wait_for_function("() => /running/.test(document.querySelector('#train-status textarea').value)",
                           timeout=60_000)
    other = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()   # another browser
    other.goto(studio_url, wait_until="load")
    other.locator("#header").wait_for()
    open_tab(other, "Training")
    other.get_by_role("button", name="Stop", exact=True).click()
    other.get_by_text("only that one can pause, resume or stop it").first.wait_for(timeout=30_000)   # a message box
    shot(other, "stop-refused-on-another-page")
    assert "running" in other.locator("#train-status textarea").input_value()
    other.context.close()

    page.reload(wait_until="load")                                  # the same browser, reloaded: still its job
    page.locator("#header").wait_for()
    open_tab(page, "Training")
    page.get_by_role("button", name="Stop", exact=True).click()
    page.wait_for_function("""() => /stopped[\\s\\S]*model saved as "/.test(
        document.querySelector('#train-status textarea').value)""", timeout=120_000)
    shot(page, "stopped-by-its-page")

