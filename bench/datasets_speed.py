"""How fast the synthetic datasets are made, on one core.

    taskset -c 0 python bench/datasets_speed.py            # OMP/MKL/torch threads are set to 1 here

For each dataset and size it times two paths over the same samples: the raw
generator (make_landscape / make_face: uint8 numpy) and the Dataset item (float
tensors in [-1, 1], what a DataLoader worker does). Each is timed in several
rounds of CPU time (time.process_time, so other processes on the machine count
less); the best and the median round are printed with their ratio to the target
of 500 images/s at 64x64.
"""
from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from training.datasets.faces import FaceDataset, make_face  # noqa: E402
from training.datasets.landscapes import LandscapeDataset, make_landscape  # noqa: E402

TARGET = 500.0  # images/s at 64x64 on one core


def rate(fn, n: int, rounds: int) -> tuple[float, float]:
    """(best, median) images/s of fn(i) for i in range(n), over ``rounds`` rounds of CPU time."""
    for i in range(min(n, 20)):                     # warm the per-size caches
        fn(i)
    per = []
    for _ in range(rounds):
        t = time.process_time()
        for i in range(n):
            fn(i)
        per.append(n / max(time.process_time() - t, 1e-9))
    return max(per), statistics.median(per)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=200, help="samples per round (default 200)")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--sizes", type=int, nargs="+", default=[64, 128])
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    print(f"cores allowed: {affinity}, torch threads: {torch.get_num_threads()}, "
          f"{a.rounds} rounds x {a.n} samples, CPU time")
    print(f"{'dataset':<11} {'size':>4} {'path':<8} {'best img/s':>10} {'median':>8} {'vs 500/s':>9}")
    for size in a.sizes:
        cases = [
            ("landscapes", "make", lambda i: make_landscape(i, size)),
            ("landscapes", "Dataset", LandscapeDataset(size=size, length=10 ** 9).__getitem__),
            ("faces", "make", lambda i: make_face(i, size)),
            ("faces", "Dataset", FaceDataset(size=size, length=10 ** 9).__getitem__),
        ]
        for name, path, fn in cases:
            best, med = rate(fn, a.n, a.rounds)
            print(f"{name:<11} {size:>4} {path:<8} {best:>10.0f} {med:>8.0f} {med / TARGET:>8.2f}x", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
