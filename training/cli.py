"""`gan-studio train …`: headless training with the same loop and engine as the training tab.

    gan-studio train --family dcgan --dataset mnist --steps 3000 --out runs/dcgan-mnist
    gan-studio train ... --device cuda --precision bf16           (default: auto, auto)
    gan-studio train ... --nproc 2                                (data-parallel, this machine)
    torchrun --nproc-per-node 2 -m studio.cli train ...           (the same, started by torchrun)

Re-running the same command resumes from <out>/checkpoint (with any number of processes:
--batch-size is the global batch). At the end the generator is exported to --export
(default <out>/model) with config.json, model.safetensors, samples.png and a model card.
With several processes only the first one (rank 0) prints, samples, checkpoints and exports.
A resume may change the learning rates (--lr, --lr-g, --lr-d: the new ones apply, and the
[start] line says so); settings that change the networks (--set g_width=..., --img-size,
another dataset's channels) are refused with the difference named: use --no-resume or
another --out for those.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import shlex
import subprocess
import sys
import time
import traceback
from pathlib import Path

from . import distributed
from .checkpoint import CheckpointMismatch, read_meta
from .engine import PRECISIONS
from .families import TRAINERS
from .losses import LOSSES
from .setup import RunSpec, build_run, make_engine, split_settings


def parse_value(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gan-studio train", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--family", required=True, choices=sorted(TRAINERS))
    p.add_argument("--dataset", help="mnist, landscapes, faces, or a folder/zip of images (default: the family's)")
    p.add_argument("--steps", type=int)
    p.add_argument("--batch-size", type=int)
    p.add_argument("--lr", type=float, help="both learning rates")
    p.add_argument("--lr-g", type=float)
    p.add_argument("--lr-d", type=float)
    p.add_argument("--loss", choices=LOSSES)
    p.add_argument("--spectral-norm", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument("--img-size", type=int)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--sample-every", type=int)
    p.add_argument("--checkpoint-every", type=int, default=500)
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a field of the family's config (e.g. --set g_width=32) or one of its trainer's "
                        "options (e.g. --set r1_gamma=0.1 for stylegan)")
    p.add_argument("--out", required=True, help="run folder (checkpoint, samples, exported model)")
    p.add_argument("--export", help="where to save the final model (default <out>/model)")
    p.add_argument("--name", help="model name in its card (default: the export folder's name)")
    p.add_argument("--no-resume", action="store_true", help="start over even if <out>/checkpoint exists")
    p.add_argument("--threads", type=int, help="torch CPU threads (per process)")
    p.add_argument("--device", default="auto", help="auto (a GPU if there is one), cpu, cuda, cuda:N or mps")
    p.add_argument("--precision", default="auto", choices=PRECISIONS,
                   help="auto: fp32 (also on a GPU, where these small networks are launch-bound and "
                        "autocast only adds work); bf16 on a CPU with AMX/AVX512-BF16 is ~2x faster")
    p.add_argument("--log-every", type=int, default=10, help="read and check the losses every N steps")
    p.add_argument("--nproc", type=int, help="train data-parallel in N processes on this machine (through torchrun)")
    return p


def launch_processes(argv: list[str], nproc: int, out: Path) -> int:
    """`--nproc N`: run this command in N processes under torchrun (standalone: this machine only)."""
    rest, skip = [], False
    for a in argv:                                       # the same command without --nproc
        if skip:
            skip = False
        elif a == "--nproc":
            skip = True
        elif not a.startswith("--nproc="):
            rest.append(a)
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc-per-node={nproc}",
           "-m", "studio.cli", "train", *rest]
    rc = subprocess.call(cmd)
    if rc != 0:
        meta = read_meta(out / "checkpoint")
        kept = (f"the last good checkpoint (step {meta['step']}) is kept in {out / 'checkpoint'}" if meta
                else "no checkpoint was written yet")
        print(f"training stopped: a process failed (exit code {rc}; its message is above). The whole run "
              f"stopped with it; {kept}. Run the same command again to resume.", file=sys.stderr, flush=True)
    return rc


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parser().parse_args(argv)
    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    spec = RunSpec(
        family=args.family, dataset=args.dataset, steps=args.steps, batch_size=args.batch_size,
        lr_g=args.lr_g or args.lr, lr_d=args.lr_d or args.lr, loss=args.loss, spectral_norm=args.spectral_norm,
        img_size=args.img_size, seed=args.seed, sample_every=args.sample_every,
        checkpoint_every=args.checkpoint_every, device=args.device, precision=args.precision,
    ).resolved()
    spec.model, spec.trainer = split_settings(spec.family, {k: parse_value(v) for k, v in
                                                            (s.split("=", 1) for s in args.set)})
    try:
        device_type = make_engine(spec).device.type       # an unavailable device or precision: a clear error
    except ValueError as e:
        parser().error(str(e))
    world = int(os.environ.get("WORLD_SIZE", 1)) if distributed.launched_by_torchrun() else (args.nproc or 1)
    if spec.batch_size % world:
        parser().error(f"--batch-size {spec.batch_size} does not split over {world} processes: each process "
                       f"trains on batch-size / processes pictures (use a multiple of {world})")
    if world > 1 and not distributed.launched_by_torchrun():
        return launch_processes(argv, world, Path(args.out))
    group = distributed.init_from_env(device_type)
    finished = False
    try:
        code = train(args, argv, spec, group)
        finished = True
        return code
    except Exception as e:
        if group.world == 1:
            raise
        # One process failed: say so plainly and exit; torchrun then stops the others. Checkpoints are
        # written whole or not at all (training.checkpoint), so the last good one stays.
        print(f"[rank {group.rank}] training failed: {type(e).__name__}: {e}", file=sys.stderr, flush=True)
        traceback.print_exc()
        return 1
    finally:
        distributed.shutdown(together=finished)


def train(args, argv: list[str], spec: RunSpec, group: distributed.Group) -> int:
    from studio.images import grid

    from .export import export_run
    from .loop import fit

    engine = make_engine(spec, group)
    trainer, dataset = build_run(spec)
    out = Path(args.out)
    say = print if engine.is_main else (lambda *a, **k: None)
    if engine.is_main:
        out.mkdir(parents=True, exist_ok=True)
    say(f"training {spec.family} on {getattr(dataset, 'description', spec.dataset)} for {spec.steps} steps "
        f"(batch {spec.batch_size}, loss {spec.loss}, lr G {spec.lr_g} D {spec.lr_d}) on {engine.describe()} "
        f"-> {out}", flush=True)
    t0, last = time.perf_counter(), None
    events = fit(trainer, dataset, steps=spec.steps, batch_size=spec.batch_size, out=out, seed=spec.seed,
                 sample_every=spec.sample_every, checkpoint_every=spec.checkpoint_every, log_every=args.log_every,
                 resume=not args.no_resume, extra_meta={"spec": spec.__dict__}, engine=engine)
    try:
        first = next(events)
    except CheckpointMismatch as e:
        say(f"cannot resume {out}: {e}.{settings_change(out, spec)} Resume with the settings it was trained with, "
            "or start over with --no-resume (or another --out).", file=sys.stderr, flush=True)
        return 2
    for ev in itertools.chain([first], events):
        last = ev
        if ev.kind == "start" and group.world > 1:
            synced = {k: len(v) for k, v in getattr(trainer, "synced_batchnorm", {}).items() if v}
            say(f"BatchNorm layers computing their statistics over all {group.world} processes: "
                f"{', '.join(f'{n} in {k}' for k, n in synced.items()) or 'none (this family has no BatchNorm)'}")
        if ev.kind in ("step",) and (ev.step % max(spec.sample_every, args.log_every, 10) == 0):
            losses = " ".join(f"{k}={v:.3f}" if not 0 < abs(v) < 0.01 else f"{k}={v:.2g}"   # lr=0.0002
                              for k, v in ev.losses.items())
            say(f"step {ev.step}/{ev.total} {losses} {ev.steps_per_s:.1f} it/s eta {ev.eta_s:.0f}s", flush=True)
        elif ev.kind == "samples" and engine.is_main:
            grid(ev.samples, nrow=8).save(out / "samples_latest.png")
        elif ev.kind in ("start", "checkpoint", "stopped", "error", "done"):
            say(f"[{ev.kind}] step {ev.step}: {ev.message}", flush=True)
    if last is None or last.kind != "done":
        return 1
    if not engine.is_main:
        return 0
    # total training time over every session of this run (resumed runs included)
    wall = float((read_meta(out / "checkpoint") or {}).get("wall_s", time.perf_counter() - t0))
    export = Path(args.export) if args.export else out / "model"
    name = args.name or export.name
    command = "gan-studio train " + " ".join(shlex.quote(a) for a in argv)
    export_run(trainer, export, name=name, spec=spec, dataset=getattr(dataset, "description", spec.dataset),
               command=command, steps=last.step, wall_s=wall, final_losses=last.losses, samples=last.samples)
    print(f"saved {export} ({wall:.0f} s of training in all)")
    return 0


def settings_change(out: Path, spec) -> str:
    """' It was trained with g_width=32; this command asks for g_width=64.' (or '' if the record says nothing)."""
    from .checkpoint import read_meta

    old = (read_meta(out / "checkpoint") or {}).get("spec", {})
    keys = ("family", "img_size", "dataset")
    was = {**{k: old.get(k) for k in keys}, **old.get("model", {})}
    now = {**{k: getattr(spec, k) for k in keys}, **spec.model}
    diff = sorted(k for k in set(was) | set(now) if was.get(k) != now.get(k))
    if not diff:
        return ""
    show = lambda d: ", ".join(f"{k}={d.get(k, 'default')}" for k in diff)  # noqa: E731
    return f" It was trained with {show(was)}; this command asks for {show(now)}."


if __name__ == "__main__":
    raise SystemExit(main())
