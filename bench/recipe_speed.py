"""Steps/s of each family's recipe, as `gan-studio train` runs it, on a device and precision.

    python bench/recipe_speed.py [--families dcgan,infogan,spade,stylegan,cyclegan,cgan]
                                 [--device auto] [--precision auto,fp32] [--steps 400] [--warmup 100]
                                 [--check] [--log FILE]

For each family it runs the real command line (`python -m studio.cli train`) with the recipe's batch
size, image size, loss and --set overrides (bench/train_throughput.py's RECIPES, read off
training/recipes/*.sh), sampling every 100 steps and checkpointing every 200 as a recipe does, and
times the log lines (one every 100 steps): the rate is (last step - first step after the warm-up) /
the wall time between those two lines, so start-up, the first CUDA kernels and cuDNN's autotuning are left out.
Synthetic datasets are drawn into their render cache first (what a recipe's first epoch does).

--check also resumes each run from its checkpoint for 100 more steps and loads the exported
generator on the CPU (strict), so a device run proves the whole path: place, autocast, sample,
checkpoint, resume, export. The model cards' "on a GPU" notes come from this script.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from train_throughput import RECIPES, SYNTHETIC, spec_for  # noqa: E402  (bench/ is on sys.path)

STEP_LINE = re.compile(r"^step (\d+)/(\d+) ")


def recipe_args(family: str) -> list[str]:
    r = RECIPES[family]
    args = ["--family", family, "--dataset", r["dataset"], "--batch-size", str(r["batch_size"]),
            "--img-size", str(r["img_size"]), "--seed", "0"]
    if r.get("loss"):
        args += ["--loss", r["loss"]]
    for k, v in r["sets"].items():
        args += ["--set", f"{k}={v}"]
    return args


def _dataset(family: str):
    from training.datasets import make_dataset

    spec = spec_for(family)
    return make_dataset(spec.dataset, img_size=spec.img_size, cache=True)


def _warm_range(family: str, lo: int, hi: int) -> None:
    _dataset(family).take(range(lo, hi))


def warm_caches(families: list[str]) -> None:
    """Every item of each synthetic dataset drawn into its render cache, by all the CPU's cores
    (the cache is made for several processes at once)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    for family in families:
        if RECIPES[family]["dataset"] not in SYNTHETIC:
            continue
        t = time.perf_counter()
        dataset = _dataset(family)
        n = len(dataset)
        dataset.take([0])                       # creates the cache's files once
        chunks = [(i, min(i + 250, n)) for i in range(0, n, 250)]
        spawn = multiprocessing.get_context("spawn")    # fork after torch has started its threads can hang
        with ProcessPoolExecutor(os.cpu_count(), mp_context=spawn) as pool:
            list(pool.map(_warm_range, [family] * len(chunks), *zip(*chunks)))
        name = RECIPES[family]["dataset"]
        print(f"  {name}: {n} items in the render cache ({time.perf_counter() - t:.0f} s)", flush=True)


def run(cmd: list[str], log) -> tuple[int, list[tuple[float, int]], str]:
    """Run `cmd`, copy its output to `log`, return (exit code, [(time, step) per step line], its output)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    marks, lines = [], []
    for line in p.stdout:
        now = time.perf_counter()
        log.write(line)
        lines.append(line.rstrip())
        m = STEP_LINE.match(line)
        if m:
            marks.append((now, int(m.group(1))))
    return p.wait(), marks, "\n".join(lines)


def last_lines(text: str, n: int = 4) -> str:
    return " / ".join(text.splitlines()[-n:])


def rate(marks: list[tuple[float, int]], warmup: int) -> float:
    after = [(t, s) for t, s in marks if s >= warmup]
    if len(after) < 2:
        return float("nan")
    (t0, s0), (t1, s1) = after[0], after[-1]
    return (s1 - s0) / max(t1 - t0, 1e-9)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--families", default=",".join(RECIPES))
    p.add_argument("--device", default="auto")
    p.add_argument("--precision", default="auto", help="one or more, comma-separated (auto,fp32,bf16,fp16)")
    p.add_argument("--steps", type=int, default=400)
    p.add_argument("--warmup", type=int, default=100, help="steps left out of the rate")
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads of each run")
    p.add_argument("--check", action="store_true", help="also resume +100 steps and load the export on the CPU")
    p.add_argument("--log", default=None, help="the runs' full output (default: a temporary file)")
    a = p.parse_args(argv)
    families = a.families.split(",")
    import torch

    from studio import hub
    from training.engine import resolve_device

    dev = resolve_device(a.device)
    what = torch.cuda.get_device_name(dev) if dev.type == "cuda" else f"CPU, {os.cpu_count()} cores"
    print(f"{what}; torch {torch.__version__}; {a.steps} steps, rate over steps {a.warmup}-{a.steps}", flush=True)
    warm_caches(families)
    work = Path(tempfile.mkdtemp(prefix="recipe_speed_"))
    log = open(a.log or work / "log.txt", "w", buffering=1)     # line by line: a killed run keeps its log
    rows = []
    for family in families:
        b = RECIPES[family]["batch_size"]
        for precision in a.precision.split(","):
            out = work / f"{family}-{precision}"
            cmd = [sys.executable, "-m", "studio.cli", "train", *recipe_args(family), "--steps", str(a.steps),
                   "--out", str(out), "--no-resume", "--log-every", "25", "--sample-every", "100",
                   "--checkpoint-every", "200", "--device", a.device, "--precision", precision]
            if a.threads:
                cmd += ["--threads", str(a.threads)]
            log.write(f"\n$ {' '.join(cmd)}\n")
            t = time.perf_counter()
            code, marks, output = run(cmd, log)
            wall = time.perf_counter() - t
            r = rate(marks, a.warmup)
            status = "ok" if code == 0 else f"FAILED (exit {code}): {last_lines(output)}"
            if code == 0 and a.check:
                resume = cmd[:cmd.index("--steps") + 1] + [str(a.steps + 100)] + \
                    [x for x in cmd[cmd.index("--steps") + 2:] if x != "--no-resume"]
                log.write(f"\n$ {' '.join(resume)}\n")
                code2, _, output2 = run(resume, log)
                if code2 != 0 or f"resumed at step {a.steps}" not in output2:
                    status = f"resume FAILED (exit {code2}): {last_lines(output2)}"
                else:
                    try:
                        G = hub.load(out / "model", device="cpu")
                        status = f"ok; resumed at {a.steps}, export loads on the CPU ({type(G).__name__})"
                    except Exception as e:          # noqa: BLE001  (reported, the other runs go on)
                        status = f"export does not load: {e}"
            rows.append((family, b, precision, r, r * b, wall, status))
            print(f"  {family} {precision}: {r:.1f} steps/s ({r * b:.0f} pictures/s), {wall:.0f} s in all; {status}",
                  flush=True)
    log.close()
    print(f"\n{what}, device {a.device}\n")
    print("| family (batch) | precision | steps/s | pictures/s | run, start-up included | result |")
    print("|---|---|---|---|---|---|")
    for family, b, precision, r, ips, wall, status in rows:
        print(f"| {family} ({b}) | {precision} | {r:.1f} | {ips:.0f} | {wall:.0f} s | {status.splitlines()[0]} |")
    print(f"\nfull output: {a.log or work / 'log.txt'}")
    return 0 if all(row[-1].startswith("ok") for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
