"""The GAN playground in a real browser: play, pause, one step, a preset, a target drawn with the mouse."""
from __future__ import annotations

import pytest

from .conftest import open_tab

PLANE = "#pg-canvas .pg-plane"


def frames(page) -> int:
    return page.evaluate(f"document.querySelector('{PLANE}').__frames.length")


def pixels(page) -> str:
    return page.evaluate(f"document.querySelector('{PLANE}').toDataURL()")


def phase(page) -> str:
    return page.locator("#pg-canvas .pg-phase").inner_text()


def wait_phase(page, words: str, timeout_s: float = 20):
    page.wait_for_function(f"() => document.querySelector('#pg-canvas .pg-phase').textContent.includes({words!r})",
                           timeout=timeout_s * 1000)


@pytest.fixture
def playground(page):
    open_tab(page, "Playground")
    page.wait_for_function(f"() => {{ const c = document.querySelector('{PLANE}'); "
                           "return c && c.__frames && c.__frames.length > 0 }", timeout=30_000)
    wait_phase(page, "step 0")
    return page


def test_play_redraws_live_and_pause_stops(playground):
    page = playground
    before, n0 = pixels(page), frames(page)
    page.locator("#pg-play").click()
    page.wait_for_timeout(3000)
    assert frames(page) - n0 >= 10                       # a live picture, not a few updates
    assert pixels(page) != before and "step 0 " not in phase(page)
    page.locator("#pg-pause").click()
    wait_phase(page, "paused")
    page.wait_for_timeout(500)
    n = frames(page)
    page.wait_for_timeout(1500)
    assert frames(page) == n                             # nothing trains while paused


def test_one_step_shows_the_d_update_then_the_g_update(playground):
    page = playground
    before = pixels(page)
    page.locator("#pg-step").click()
    wait_phase(page, "D update 1")
    after_d = pixels(page)
    wait_phase(page, "G update 1")
    assert "step 1" in phase(page)
    assert before != after_d != pixels(page)


def test_a_preset_sets_the_controls_tells_its_story_and_plays(playground):
    page = playground
    page.get_by_role("button", name="minimax saturates").click()
    page.locator("#pg-story").get_by_text("Minimax saturates").wait_for(timeout=20_000)
    assert page.locator("#pg-loss input").input_value() == "minimax"
    assert page.locator("#pg-story .katex").count() > 0                 # the objective, typeset
    n = frames(page)                                   # it plays (after D's 300-update head start)
    page.wait_for_function(f"() => document.querySelector('{PLANE}').__frames.length > {n + 5}", timeout=30_000)
    assert "D loss" in phase(page)
    page.locator("#pg-pause").click()
    wait_phase(page, "paused")
    page.locator("#pg-loss input").click()                 # a control moved by hand: the story says it no longer fits
    page.get_by_role("option", name="hinge").click()
    page.locator("#pg-story").get_by_text("You have changed the settings since this preset").wait_for(timeout=10_000)
    assert "Minimax saturates" in page.locator("#pg-story").inner_text()


def test_a_target_drawn_with_the_mouse_becomes_the_target(playground):
    page = playground
    page.get_by_text("Draw a target with the mouse").click()
    before = pixels(page)
    box = page.locator(PLANE).bounding_box()
    page.mouse.move(box["x"] + 0.2 * box["width"], box["y"] + 0.8 * box["height"])
    page.mouse.down()
    for i in range(1, 25):                                 # a diagonal stroke, as a hand draws it
        page.mouse.move(box["x"] + (0.2 + 0.025 * i) * box["width"], box["y"] + (0.8 - 0.025 * i) * box["height"],
                        steps=2)
    page.mouse.up()
    page.locator("#pg-target input[value=drawn]").wait_for(state="attached")
    page.wait_for_function("() => document.querySelector('#pg-target input[value=drawn]').checked", timeout=20_000)
    wait_phase(page, "drawn")
    assert pixels(page) != before
    # the real points now lie along the stroke, from the plane's lower left to its upper right (y = x)
    real = page.evaluate(f"document.querySelector('{PLANE}').__data.real")
    near = [abs(y - x) < 0.4 for x, y in real]
    assert sum(near) / len(near) > 0.95
    xs = [x for x, _ in real]
    assert min(xs) < -1.2 and max(xs) > 1.2
    page.locator("#pg-play").click()
    page.wait_for_timeout(1500)
    page.locator("#pg-pause").click()
    wait_phase(page, "paused")
    page.get_by_role("button", name="Clear drawing").click()          # the drawn target goes, the default returns
    page.wait_for_function("() => document.querySelector('#pg-target input[value=ring8]').checked", timeout=20_000)
    real = page.evaluate(f"document.querySelector('{PLANE}').__data.real")
    assert sum(abs(y - x) < 0.4 for x, y in real) / len(real) < 0.8   # no longer the diagonal stroke
