"""Latency of /interpolate_frame, against the generator alone and against Gradio's own floor.

    python bench/latency.py [--model dcgan-mnist] [--n 100]

Measures, in one run on this machine:
  bare     the generator forward for one code (no_grad, the same call the endpoint makes) + PNG-ready PIL image
  floor    the round trip of a trivial Gradio endpoint that returns a fixed image of the same size
  frame    the round trip of /interpolate_frame through a live studio (gradio_client)
and prints p50/p95 of each and the ratios frame/bare and frame/floor.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def percentiles(xs: list[float]) -> tuple[float, float]:
    xs = sorted(xs)
    return statistics.median(xs), xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))]


def timed(fn, n: int, warmup: int = 5) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="dcgan-mnist")
    p.add_argument("--n", type=int, default=100)
    args = p.parse_args()

    import gradio as gr
    import torch
    from gradio_client import Client

    from studio import inference
    from studio.ui.app import build_app

    torch.set_num_threads(2)
    # 1. bare: the inference function itself (generator forward + upscaled PIL image), in process
    bare = timed(lambda: inference.interpolate_frame(args.model, 1, 2, 0.37), args.n)
    G = inference.get_model(args.model)
    z = torch.randn(1, G.z_dim)
    with torch.no_grad():
        fwd = timed(lambda: G(z), args.n)
    img = inference.interpolate_frame(args.model, 1, 2, 0.37)

    # 2. floor: a trivial endpoint returning an image of the same size
    with gr.Blocks() as floor_app:
        out = gr.Image(type="pil", format="png")
        gr.Button().click(lambda: img, None, out, api_name="floor")
    floor_app.queue()
    _, floor_url, _ = floor_app.launch(prevent_thread_lock=True, quiet=True, server_port=7871)
    fc = Client(floor_url, verbose=False)
    floor = timed(lambda: fc.predict(api_name="/floor"), args.n)

    # 3. the studio's endpoint
    demo = build_app()
    demo.queue()
    _, url, _ = demo.launch(prevent_thread_lock=True, quiet=True, server_port=7872)
    c = Client(url, verbose=False)
    ts = iter(range(10**9))
    frame = timed(lambda: c.predict(args.model, 1, 2, (next(ts) % 100) / 100, "slerp", 1.0,
                                    api_name="/interpolate_frame"), args.n)
    floor_app.close()
    demo.close()

    rows = [("generator forward", fwd), ("bare (forward + image)", bare), ("gradio floor", floor),
            ("/interpolate_frame", frame)]
    print(f"model {args.model}, image {img.size[0]}x{img.size[1]}, n={args.n}, torch threads {torch.get_num_threads()}")
    for name, xs in rows:
        p50, p95 = percentiles(xs)
        print(f"{name:>24}: p50 {p50 * 1e3:7.2f} ms   p95 {p95 * 1e3:7.2f} ms")
    f50, f95 = percentiles(frame)
    for name, xs in (("bare", bare), ("floor", floor)):
        b50, b95 = percentiles(xs)
        print(f"ratio /interpolate_frame / {name}: p50 {f50 / b50:6.2f}x   p95 {f95 / b95:6.2f}x")


if __name__ == "__main__":
    main()
