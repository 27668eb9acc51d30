"""What does watching a training live cost the training? Steps/s headless vs. streamed to a client.

    python bench/train_streaming.py [--steps 400] [--batch-size 32] [--sample-every 20] [--threads 1] [--repeats 3]

Runs the same dcgan/MNIST job (same spec, seed and torch threads) three ways, `--repeats`
times in rotating order so that drift in the machine's load hits all alike:
  headless  training.loop.fit() called directly in this process, no UI
  unwatched the studio's JobManager thread (as /train_start runs it), with no client attached
  streamed  the live studio (build_app, in this process) started through /train_start by a
            gradio_client consumer in a separate process (as a browser would be), which
            receives every update (samples image, loss curves, status) until the job ends
Both rates are steps / seconds between fit()'s "start" and its final event (model export
and dataset loading excluded). Prints each run, the medians and streamed/headless, and,
since wall-clock rates on a shared machine are noisy, the CPU seconds that streaming
costs while the job trains (the studio process minus its training thread, plus the
client process) against the training thread's CPU seconds.
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CONSUMER = r"""
import sys, time
from gradio_client import Client
url, args = sys.argv[1], sys.argv[2:]
c = Client(url, verbose=False)
t, cpu = time.perf_counter(), time.process_time()
n = images = 0
last = None
for samples, losses, status in c.submit("dcgan", "mnist", int(args[0]), int(args[1]), float(args[2]),
                                        "nonsaturating", int(args[3]), 0, api_name="/train_start"):
    n += 1
    images += samples is not None and samples != last
    last = samples
print(f"{n} {images} {time.perf_counter() - t:.2f} {time.process_time() - cpu:.3f}")
"""


IDLE: list[float] = []
CPU_SHARE: list[float] = []


def spec_for(args):
    from training.jobs import make_spec

    return make_spec("dcgan", "mnist", args.steps, args.batch_size, args.lr, args.lr, "nonsaturating",
                     args.sample_every, 0)


def headless(args) -> tuple[float, str]:
    from training.loop import fit
    from training.setup import build_run

    spec = spec_for(args)
    trainer, dataset = build_run(spec)
    with tempfile.TemporaryDirectory() as out:
        for ev in fit(trainer, dataset, steps=spec.steps, batch_size=spec.batch_size, out=out, seed=spec.seed,
                      sample_every=spec.sample_every, checkpoint_every=spec.checkpoint_every, resume=False):
            if ev.kind == "start":
                t0, cpu0, p0, first = time.perf_counter(), time.thread_time(), time.process_time(), ev.step
            elif ev.kind in ("done", "stopped", "error"):
                t1, cpu1, p1, last = time.perf_counter(), time.thread_time(), time.process_time(), ev.step
    steps, train = last - first, cpu1 - cpu0
    IDLE.append((p1 - p0 - train) / (t1 - t0))   # the idle studio's own threads (gradio's server loop), CPU s/s
    return steps / (t1 - t0), (f"training CPU {1000 * train / steps:.1f} ms/step; idle studio threads "
                               f"{IDLE[-1]:.3f} CPU s/s")


def unwatched(args, jobs) -> tuple[float, str]:
    """The studio's own job thread (JobManager), with nobody watching."""
    job = jobs.start(spec_for(args))
    job.thread.join()
    view = job.view()
    assert view.state == "done", view.message
    return view.train_steps_per_s, f"training CPU {1000 * job.cpu_s['train'] / view.step:.1f} ms/step; no client"


def streamed(args, url: str, jobs) -> tuple[float, str]:
    cmd = [sys.executable, "-c", CONSUMER, url, str(args.steps), str(args.batch_size), str(args.lr),
           str(args.sample_every)]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=3600)
    if out.returncode:
        raise SystemExit(f"consumer failed:\n{out.stderr[-3000:]}")
    job = jobs.current
    view = job.view()
    n, images, secs, client_cpu = out.stdout.split()
    assert view.state == "done", view.message
    train, other = job.cpu_s["train"], job.cpu_s["process"] - job.cpu_s["train"]    # while training
    window = view.step / view.train_steps_per_s
    server = other - statistics.median(IDLE) * window      # what the studio spent on top of idling
    ui = server + float(client_cpu)
    CPU_SHARE.append(ui / train)
    return view.train_steps_per_s, (f"training CPU {1000 * train / view.step:.1f} ms/step; {n} updates, "
                                    f"{images} new sample grids in {secs}s; streaming CPU {100 * ui / train:.1f}% "
                                    f"of training CPU (studio {server:.2f}s above idle, client "
                                    f"{float(client_cpu):.2f}s)")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, default=400)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=2e-4)
    p.add_argument("--sample-every", type=int, default=20)
    p.add_argument("--threads", type=int, default=1, help="torch threads, the same for all")
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args()
    os.environ["GAN_STUDIO_HOME"] = tempfile.mkdtemp(prefix="bench-studio-")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import torch

    from studio.ui.app import build_app
    from training.jobs import JobManager

    torch.set_num_threads(args.threads)
    jobs = JobManager()
    demo = build_app(jobs)
    demo.queue()
    with socket.socket() as sock:                 # a free port: nobody else's client should land here
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    _, url, _ = demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    print(f"dcgan on MNIST, {args.steps} steps, batch {args.batch_size}, samples every {args.sample_every} steps, "
          f"torch threads {args.threads}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    modes = ("headless", "unwatched", "streamed")
    rates: dict[str, list[float]] = {m: [] for m in modes}
    try:
        for r in range(args.repeats):
            for mode in modes[r % 3:] + modes[:r % 3]:          # rotate the order: drift hits all alike
                if mode == "headless":
                    rate, note = headless(args)
                elif mode == "unwatched":
                    rate, note = unwatched(args, jobs)
                else:
                    rate, note = streamed(args, url, jobs)
                rates[mode].append(rate)
                print(f"run {r + 1}: {mode:9s} {rate:6.2f} steps/s ({note}; load average "
                      f"{os.getloadavg()[0]:.1f})", flush=True)
    finally:
        demo.close()
    med = {m: statistics.median(v) for m, v in rates.items()}
    print("median steps/s: " + ", ".join(f"{m} {v:.2f}" for m, v in med.items()))
    for base in ("headless", "unwatched"):
        pairs = [b / a for a, b in zip(rates[base], rates["streamed"])]
        print(f"streamed/{base}: {med['streamed'] / med[base]:.3f} (per-run {', '.join(f'{x:.3f}' for x in pairs)})"
              f"; overhead {100 * (1 - med['streamed'] / med[base]):.1f}%")
    print(f"streaming CPU (studio above idle + client) = {100 * statistics.median(CPU_SHARE):.1f}% of the training "
          f"thread's CPU (median): the most it can slow training on a saturated CPU, ~0 with a core to spare")


if __name__ == "__main__":
    main()
