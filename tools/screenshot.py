"""Screenshots of the studio's tabs in headless Chromium, for the README and for looking at the UI.

    python tools/screenshot.py http://127.0.0.1:7860 "Latent interpolation" assets/screenshots/interpolation.png

Needs the `playwright` Python package (not a studio dependency) and a Chromium binary
(Debian: apt-get install chromium); no browser download. Waits for the page to settle,
clicks the tab, optionally drags a slider, and saves a full-page PNG.
"""
from __future__ import annotations

import argparse
import time


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("tab")
    p.add_argument("out")
    p.add_argument("--chromium", default="/usr/bin/chromium")
    p.add_argument("--width", type=int, default=1600)
    p.add_argument("--height", type=int, default=1000)
    p.add_argument("--wait", type=float, default=6.0, help="seconds to let the tab render")
    p.add_argument("--click", action="append", default=[], help="button text to click before the shot")
    args = p.parse_args()

    from playwright.sync_api import sync_playwright

    flags = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, headless=True, args=flags)
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        page.goto(args.url, wait_until="load", timeout=120_000)
        page.get_by_role("tab", name=args.tab).wait_for(timeout=120_000)
        page.get_by_role("tab", name=args.tab).click()
        time.sleep(args.wait)
        for text in args.click:
            page.get_by_role("button", name=text).first.click()
            time.sleep(args.wait)
        page.screenshot(path=args.out, full_page=True)
        browser.close()
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()
