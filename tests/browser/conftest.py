"""Real-browser tests: headless Chromium (Debian's package) driven by Playwright with the real mouse.

The browser is the system's /usr/bin/chromium (Playwright cannot download its own here); `.ci/run`
installs it. Each test gets a fresh page on the session's live studio (tests/conftest.py) and fails
on any uncaught page error.
"""
from __future__ import annotations

import json
import os
import shutil
import time
import urllib.request

import pytest

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1600, "height": 1000}


def chromium_path() -> str | None:
    return os.environ.get("GAN_STUDIO_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs it with apt-get install -y chromium")
        pytest.skip("no chromium on this machine (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class PageErrors(list):
    def check(self):
        assert not self, f"errors in the page: {self}"


@pytest.fixture
def page_errors():
    return PageErrors()


@pytest.fixture
def page(browser, studio_url, page_errors):
    """A fresh page on the studio, loaded, 1600x1000; fails the test on uncaught JavaScript errors."""
    context = browser.new_context(viewport=VIEWPORT)
    pg = context.new_page()
    pg.on("pageerror", lambda e: page_errors.append(str(e)))
    pg.goto(studio_url, wait_until="load")       # never "networkidle": the queue keeps event streams open
    pg.locator("#header").wait_for(state="visible", timeout=30_000)
    yield pg
    context.close()
    page_errors.check()


def open_tab(page, title: str, first_picture: str | None = None):
    """Click a tab; with first_picture (an elem_id), also wait until that block shows its first picture."""
    page.get_by_role("tab", name=title).click()
    page.wait_for_timeout(300)
    if first_picture:
        wait_new_picture(page, first_picture, None)
        page.wait_for_timeout(500)
    return page


class Calls(list):
    """The events the page sends to the server (their api names), in order, as it sends them."""

    def since(self, n: int) -> list[str]:
        return [name for name in self[n:]]


@pytest.fixture(scope="session")
def event_names(studio_url) -> dict[int, str]:
    cfg = json.load(urllib.request.urlopen(studio_url + "config"))
    return {d["id"]: d.get("api_name") or f"fn{d['id']}" for d in cfg["dependencies"]}


@pytest.fixture
def calls(page, event_names) -> Calls:
    recorded = Calls()

    def on_request(request):
        if "/queue/join" in request.url:
            try:
                recorded.append(event_names.get(json.loads(request.post_data or "{}").get("fn_index"), "?"))
            except ValueError:
                recorded.append("?")
    page.on("request", on_request)
    return recorded


def img_src(page, elem_id: str) -> str | None:
    """The src of the picture shown in the block with this elem_id (None when empty)."""
    img = page.locator(f"#{elem_id} img")
    return img.first.get_attribute("src") if img.count() else None


def wait_new_picture(page, elem_id: str, old: str | None, timeout_s: float = 20) -> str:
    t0 = time.time()
    while time.time() - t0 < timeout_s:
        src = img_src(page, elem_id)
        if src and src != old:
            return src
        page.wait_for_timeout(100)
    raise AssertionError(f"#{elem_id} showed no new picture in {timeout_s} s")


def drag(page, box, points, steps_between: int = 3) -> None:
    """Press the left button at the first point (fractions of the box), move through the others, release."""
    xy = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    page.mouse.move(*xy[0])
    page.mouse.down()
    for x, y in xy[1:]:
        page.mouse.move(x, y, steps=steps_between)
    page.mouse.up()


def sweep(page, slider_elem_id: str, sprite, start: float = 0.05, step: float = 0.045, moves: int = 20) -> set:
    """Drag a slider from `start` (a fraction of its width) in `moves` moves of `step` with the real mouse;
    -> the frames (data-i) the sprite showed after each move."""
    box = page.locator(f"#{slider_elem_id} input[type=range]").bounding_box()
    y, seen = box["y"] + box["height"] / 2, set()
    page.mouse.move(box["x"] + start * box["width"], y)
    page.mouse.down()
    for i in range(1, moves + 1):
        page.mouse.move(box["x"] + (start + step * i) * box["width"], y, steps=3)
        seen.add(sprite.get_attribute("data-i"))
    page.mouse.up()
    return seen
