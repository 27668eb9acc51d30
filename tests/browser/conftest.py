"""Real-browser tests: headless Chromium (Debian's package) driven by Playwright with the real mouse.

The browser is the system's /usr/bin/chromium (Playwright cannot download its own here); `.ci/run`
installs it. Each test gets a fresh page on the session's live studio (tests/conftest.py) and fails
on any uncaught page error.
"""
from __future__ import annotations

import os
import shutil

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


def open_tab(page, title: str) -> None:
    page.get_by_role("tab", name=title).click()
    page.wait_for_timeout(300)
