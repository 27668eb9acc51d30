"""Soak: N clients x T seconds of mixed requests against a studio in its own process.

    python bench/soak.py [--clients 4] [--seconds 30] [--out bench/out/soak.json]

1. A pool of distinct requests (every demo's public endpoint, several seeds each) is sent to the
   studio one at a time, alone: their decoded answers are the references.
2. N gradio_client clients (threads, one session each) then send requests drawn at random from the
   pool for T seconds; every answer is decoded and compared with its reference pixel for pixel.
3. The server's resident memory is sampled every second throughout.

Prints, and writes as JSON: requests, errors, wrong answers, latency p50/p95 (all and per endpoint,
alone and under load), and the RSS over time (start, peak, end).
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def pool() -> list[tuple[str, tuple]]:
    """(api_name, arguments) of every distinct request; file arguments are paths (handle_file'd later)."""
    gaugan = sorted((ROOT / "assets" / "gaugan").glob("*.png"))
    cyclegan = sorted((ROOT / "assets" / "cyclegan").glob("*.png"))
    reqs = []
    for a, b in ((1, 2), (7, 3), (19, 4)):
        for t in (0.0, 0.5, 0.8):
            reqs.append(("/interpolate_frame", ("dcgan-mnist", a, b, t, "slerp", 1.0)))
    for seed, cat, c1 in ((0, 1, 0.5), (5, 7, -1.0), (9, 3, 0.0)):
        reqs.append(("/infogan", ("infogan-mnist", seed, cat, c1, 0.0)))
    for path, seed in zip(gaugan[:3], (0, 11, 42)):
        reqs.append(("/paint", ("spade-landscapes", ("file", path), seed)))
    for rows, cols in (("1,2", "3,4"), ("5", "6-8")):
        reqs.append(("/style_mix", ("stylegan-faces", rows, cols, "coarse", 1.0, "const")))
    for path, direction in zip(cyclegan[:3], ("AtoB", "AtoB", "BtoA")):
        reqs.append(("/translate", ("cyclegan-summer2winter", ("file", path), direction)))
    return reqs


def call(client, api: str, args: tuple):
    from gradio_client import handle_file

    args = tuple(handle_file(str(a[1])) if isinstance(a, tuple) and a[0] == "file" else a for a in args)
    return client.predict(*args, api_name=api)


def decode(answer) -> list[np.ndarray]:
    """An answer (a file path, or a tuple of them) -> its pictures as arrays."""
    files = answer if isinstance(answer, (tuple, list)) else [answer]
    return [np.asarray(Image.open(f).convert("RGB")) for f in files if f]


def percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))] if xs else float("nan")


def summary(times: list[float]) -> dict:
    return {"n": len(times), "p50_ms": round(1000 * statistics.median(times), 1) if times else None,
            "p95_ms": round(1000 * percentile(times, 0.95), 1) if times else None}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--clients", type=int, default=4)
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--out", default=str(ROOT / "bench" / "out" / "soak.json"))
    args = p.parse_args()

    from gradio_client import Client

    from tests.security.server import StudioProcess

    home = Path(tempfile.mkdtemp(prefix="gan-studio-soak-"))
    server = StudioProcess(home).start()
    rss, stop_sampling = [], threading.Event()
    t_start = time.perf_counter()

    def sample_rss():
        while not stop_sampling.wait(1.0):
            if server.alive():
                rss.append((round(time.perf_counter() - t_start, 1), round(server.rss_mb())))
    sampler = threading.Thread(target=sample_rss, daemon=True)
    sampler.start()
    try:
        requests = pool()
        alone = Client(server.url, verbose=False)
        refs, alone_times = {}, {}
        for i, (api, a) in enumerate(requests):             # 1. the references: each request alone
            call(alone, api, a)                              # (warm: the model is loaded the first time)
            t = time.perf_counter()
            refs[i] = decode(call(alone, api, a))
            alone_times.setdefault(api, []).append(time.perf_counter() - t)
        rss_before_load = server.rss_mb()

        lock = threading.Lock()
        results = {"requests": 0, "errors": 0, "wrong": 0, "max_pixel_diff": 0, "times": {}, "error_examples": []}
        deadline = time.perf_counter() + args.seconds

        def client_loop(k: int):                             # 2. N clients at once, random requests
            rng, client = random.Random(k), Client(server.url, verbose=False)
            while time.perf_counter() < deadline:
                i = rng.randrange(len(requests))
                api, a = requests[i]
                t = time.perf_counter()
                try:
                    got = decode(call(client, api, a))
                    dt, error = time.perf_counter() - t, None
                except Exception as e:  # counted, never fatal: the soak measures them
                    dt, error, got = time.perf_counter() - t, f"{api}: {type(e).__name__}: {e}", None
                with lock:
                    results["requests"] += 1
                    results["times"].setdefault(api, []).append(dt)
                    if error:
                        results["errors"] += 1
                        if len(results["error_examples"]) < 5:
                            results["error_examples"].append(error[:300])
                        continue
                    diffs = [int(np.abs(g.astype(int) - r.astype(int)).max()) if g.shape == r.shape else 255
                             for g, r in zip(got, refs[i])]
                    if len(got) != len(refs[i]) or any(diffs):
                        results["wrong"] += 1
                    results["max_pixel_diff"] = max([results["max_pixel_diff"], *diffs])
        threads = [threading.Thread(target=client_loop, args=(k,)) for k in range(args.clients)]
        t_load = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        load_s = time.perf_counter() - t_load
    finally:
        stop_sampling.set()
        sampler.join()
        server.stop()

    all_times = [x for ts in results["times"].values() for x in ts]
    report = {
        "clients": args.clients, "seconds": args.seconds, "distinct_requests": len(requests),
        "requests": results["requests"], "requests_per_s": round(results["requests"] / load_s, 2),
        "errors": results["errors"], "wrong_answers": results["wrong"], "max_pixel_diff": results["max_pixel_diff"],
        "error_examples": results["error_examples"],
        "latency_under_load": {"all": summary(all_times), **{k: summary(v) for k, v in sorted(results["times"].items())}},
        "latency_alone": {k: summary(v) for k, v in sorted(alone_times.items())},
        "rss_mb": {"before_load": round(rss_before_load), "peak": max(r for _, r in rss) if rss else None,
                   "end": rss[-1][1] if rss else None, "samples": rss},
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=1))
    print(f"{args.clients} clients x {args.seconds:g} s: {report['requests']} requests "
          f"({report['requests_per_s']}/s), {report['errors']} errors, {report['wrong_answers']} wrong answers "
          f"(max pixel difference {report['max_pixel_diff']})")
    print(f"{'endpoint':20s} {'alone p50':>10s} {'load p50':>9s} {'load p95':>9s} {'n':>5s}")
    for api, s in report["latency_under_load"].items():
        a = report["latency_alone"].get(api, {})
        print(f"{api:20s} {a.get('p50_ms') or '':>10} {s['p50_ms']:>9} {s['p95_ms']:>9} {s['n']:>5}")
    r = report["rss_mb"]
    print(f"server RSS: {r['before_load']} MB before the load, peak {r['peak']} MB, {r['end']} MB at the end "
          f"({len(r['samples'])} samples, 1/s) -> {args.out}")


if __name__ == "__main__":
    main()
