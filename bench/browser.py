"""The studio's live feel, measured in a real browser: headless Chromium (Debian's) driven by Playwright
with the real mouse, against a studio started in its own process, both sharing this machine's cores.

    python bench/browser.py [--runs 3] [--port 7870]

Prints, for each interaction, the median over --runs and the budget (issue: "the studio in a real browser"):
  load_s          page load -> first pictures of the first tab               budget <= 2 s
  t_rate          drag interpolation t (20 steps over 2 s): pictures shown per second    >= 15
  t_first_ms      mouse-down on t -> first new picture                       <= 120 ms
  t_last_ms       mouse-up -> last picture, and whether it is the released t's   <= 150 ms
  code_rate       drag an InfoGAN code the same way: pictures per second     >= 15
  stroke_rate     GauGAN: new pictures per second while a 1-s stroke is drawn    >= 2 (ours: the picture follows)
  stroke_ms       GauGAN: mouse-up after a stroke -> the released map's picture   <= 400 ms
  pg_rate         Playground: redraws of the plane per second while it trains (4 s after Play)   >= 15
  pg_server       Playground: frames that reached the page per second meanwhile (if pg_rate is short of it,
                  the page dropped frames; if both are short, the server was)
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
BUDGETS = {"load_s": ("<=", 2.0), "t_rate": (">=", 15), "t_first_ms": ("<=", 120), "t_last_ms": ("<=", 150),
           "code_rate": (">=", 15), "stroke_rate": (">=", 2), "stroke_ms": ("<=", 400), "pg_rate": (">=", 15),
           "pg_server": (">=", 15)}

# Records, in the page, the time of every new picture in the watched image blocks.
OBSERVE = """(ids) => {
  window.__shown = {};
  const seen = {};
  for (const id of ids) { window.__shown[id] = []; seen[id] = new Set(); }
  const note = () => {     // a new picture: an img with a new src, or a precomputed frame newly positioned
    const now = performance.now();
    for (const id of ids) {
      const img = document.querySelector('#' + id + ' img'), sprite = document.querySelector('#' + id + ' .sprite');
      const key = sprite ? sprite.style.backgroundImage.length + '@' + sprite.style.backgroundPosition
                         : img && img.getAttribute('src');
      if (key && !seen[id].has(key)) { seen[id].add(key); window.__shown[id].push(now); }
    }
  };
  note();
  new MutationObserver(note).observe(document.body, {subtree: true, childList: true, attributes: true,
                                                     attributeFilter: ['src', 'style']});
}"""


def start_studio(port: int) -> subprocess.Popen:
    env = dict(os.environ, GAN_STUDIO_HOME=tempfile.mkdtemp(prefix="bench-browser-"), HF_HUB_OFFLINE="1",
               GRADIO_ANALYTICS_ENABLED="False")
    proc = subprocess.Popen([sys.executable, "-m", "studio", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(240):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/config", timeout=1)
            return proc
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("the studio did not start")


def drag_slider(page, elem_id: str, n: int = 20, over_s: float = 2.0) -> tuple[float, float]:
    """Real mouse: press on the slider's left part and move right in n steps over over_s; -> (t_down, t_up) ms."""
    box = page.locator(f"#{elem_id} input[type=range]").bounding_box()
    y = box["y"] + box["height"] / 2
    x0, x1 = box["x"] + 0.1 * box["width"], box["x"] + 0.9 * box["width"]
    page.mouse.move(x0, y)
    t_down = page.evaluate("performance.now()")
    page.mouse.down()
    for i in range(1, n + 1):                     # each step as a hand moves: several mouse events
        page.mouse.move(x0 + (x1 - x0) * i / n, y, steps=4)
        page.wait_for_timeout(over_s * 1000 / n)
    t_up = page.evaluate("performance.now()")
    page.mouse.up()
    return t_down, t_up


def shown(page, elem_id: str) -> list[float]:
    return page.evaluate(f"window.__shown[{json.dumps(elem_id)}]")


def measure_once(browser, url: str, only: str = "all") -> dict:
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    out = {}
    if only == "playground":
        page.goto(url, wait_until="load")
        page.locator("#header").wait_for(timeout=60_000)
        out["pg_rate"], out["pg_server"] = playground_rate(page)
        page.close()
        return out
    t0 = time.perf_counter()
    page.goto(url, wait_until="load")
    page.wait_for_function("() => document.querySelector('#interp-strip img') && "
                           "document.querySelector('#interp-live .sprite')", timeout=60_000)
    out["load_s"] = time.perf_counter() - t0
    page.wait_for_timeout(1500)

    page.evaluate(OBSERVE, ["interp-live", "infogan-live", "gaugan-output"])
    t_down, t_up = drag_slider(page, "interp-t")
    page.wait_for_timeout(1500)
    ts = shown(page, "interp-live")
    during = [t for t in ts if t_down <= t <= t_up]
    out["t_rate"] = len(during) / ((t_up - t_down) / 1000)
    out["t_first_ms"] = (min(t for t in ts if t >= t_down) - t_down) if ts else float("nan")
    after = [t for t in ts if t > t_up]
    out["t_last_ms"] = (max(after) - t_up) if after else 0.0

    page.get_by_role("tab", name="InfoGAN", exact=True).click()
    page.wait_for_function("() => document.querySelector('#infogan-live .sprite')", timeout=30_000)
    page.wait_for_timeout(1000)
    t_down, t_up = drag_slider(page, "infogan-c1")
    page.wait_for_timeout(1500)
    ts = shown(page, "infogan-live")
    out["code_rate"] = len([t for t in ts if t_down <= t <= t_up]) / ((t_up - t_down) / 1000)

    page.get_by_role("tab", name="GauGAN", exact=True).click()
    page.wait_for_function("() => document.querySelector('#gaugan-output img')", timeout=30_000)
    page.wait_for_timeout(2000)
    page.locator("#gaugan-classes").get_by_text("water", exact=True).click()     # paint water into the sky
    box = page.locator("#gaugan-canvas canvas").bounding_box()
    before = len(shown(page, "gaugan-output"))
    page.mouse.move(box["x"] + 0.2 * box["width"], box["y"] + 0.3 * box["height"])
    t_down = page.evaluate("performance.now()")
    page.mouse.down()
    for i in range(1, 41):                                   # a 1-second stroke
        page.mouse.move(box["x"] + (0.2 + 0.015 * i) * box["width"], box["y"] + 0.3 * box["height"])
        page.wait_for_timeout(25)
    t_up = page.evaluate("performance.now()")
    page.mouse.up()
    page.wait_for_function(f"() => window.__shown['gaugan-output'].filter(t => t > {t_up}).length > 0",
                           timeout=30_000)
    page.wait_for_timeout(1500)                              # the picture of the released map is the last one
    ts = shown(page, "gaugan-output")[before:]
    out["stroke_rate"] = len([t for t in ts if t_down <= t <= t_up]) / ((t_up - t_down) / 1000)
    out["stroke_ms"] = max(ts) - t_up

    out["pg_rate"], out["pg_server"] = playground_rate(page)
    page.close()
    return out


PLANE = "document.querySelector('#pg-canvas .pg-plane')"


def playground_rate(page, seconds: float = 4.0) -> tuple[float, float]:
    """Press Play in the playground (its default game) -> (plane redraws per second, frames received per
    second), counted by the page's canvas script over `seconds`, from one second after the first frames."""
    page.get_by_role("tab", name="Playground", exact=True).click()
    page.wait_for_function(f"() => {PLANE} && {PLANE}.__frames && {PLANE}.__frames.length > 0", timeout=30_000)
    before = page.evaluate(f"{PLANE}.__received || 0")
    page.locator("#pg-play").click()
    page.wait_for_function(f"() => ({PLANE}.__received || 0) > {before} + 2", timeout=30_000)   # it plays
    page.wait_for_timeout(1000)
    counts = f"[{PLANE}.__frames.length, {PLANE}.__received || 0, performance.now()]"
    f0, r0, t0 = page.evaluate(counts)
    page.wait_for_timeout(seconds * 1000)
    f1, r1, t1 = page.evaluate(counts)
    page.locator("#pg-pause").click()
    page.wait_for_timeout(500)
    dt = (t1 - t0) / 1000
    return (f1 - f0) / dt, (r1 - r0) / dt


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--port", type=int, default=7870)
    p.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    p.add_argument("--only", choices=["all", "playground"], default="all", help="playground: only pg_rate, pg_server")
    args = p.parse_args()
    from playwright.sync_api import sync_playwright

    proc = start_studio(args.port)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=args.chromium, args=ARGS, headless=True)
            runs = [measure_once(browser, f"http://127.0.0.1:{args.port}/", args.only) for _ in range(args.runs)]
            browser.close()
    finally:
        proc.terminate()
        proc.wait(10)
    print(f"{'interaction':<12} {'median':>8} {'runs':<28} budget   met")
    for key, (op, budget) in BUDGETS.items():
        if key not in runs[0]:
            continue
        vals = [r[key] for r in runs]
        med = statistics.median(vals)
        ok = med <= budget if op == "<=" else med >= budget
        print(f"{key:<12} {med:8.2f} {' '.join(f'{v:.2f}' for v in vals):<28} {op} {budget:<5} {'yes' if ok else 'NO'}")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
