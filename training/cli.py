"""`gan-studio train …`: headless training with the same loop as the training tab.

    gan-studio train --family dcgan --dataset mnist --steps 3000 --out runs/dcgan-mnist

Re-running the same command resumes from <out>/checkpoint. At the end the generator
is exported to --export (default <out>/model) with config.json, model.safetensors,
samples.png and a model card. A resume may change the learning rates (--lr, --lr-g,
--lr-d: the new ones apply, and the [start] line says so); settings that change the
networks (--set g_width=..., --img-size, another dataset's channels) are refused with
the difference named: use --no-resume or another --out for those.
"""
from __future__ import annotations

import argparse
import itertools
import json
import shlex
import sys
import time
from pathlib import Path

from .checkpoint import CheckpointMismatch
from .setup import RunSpec, build_run, split_settings
from .families import TRAINERS
from .losses import LOSSES


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
    p.add_argument("--threads", type=int, help="torch CPU threads")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parser().parse_args(argv)
    import torch

    from studio.images import grid

    from .export import export_run
    from .loop import fit

    if args.threads:
        torch.set_num_threads(args.threads)
    spec = RunSpec(
        family=args.family, dataset=args.dataset, steps=args.steps, batch_size=args.batch_size,
        lr_g=args.lr_g or args.lr, lr_d=args.lr_d or args.lr, loss=args.loss, spectral_norm=args.spectral_norm,
        img_size=args.img_size, seed=args.seed, sample_every=args.sample_every,
        checkpoint_every=args.checkpoint_every,
    ).resolved()
    spec.model, spec.trainer = split_settings(spec.family, {k: parse_value(v) for k, v in
                                                            (s.split("=", 1) for s in args.set)})
    trainer, dataset = build_run(spec)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print(f"training {spec.family} on {getattr(dataset, 'description', spec.dataset)} for {spec.steps} steps "
          f"(batch {spec.batch_size}, loss {spec.loss}, lr G {spec.lr_g} D {spec.lr_d}) -> {out}", flush=True)
    t0, last = time.perf_counter(), None
    events = fit(trainer, dataset, steps=spec.steps, batch_size=spec.batch_size, out=out, seed=spec.seed,
                 sample_every=spec.sample_every, checkpoint_every=spec.checkpoint_every,
                 resume=not args.no_resume, extra_meta={"spec": spec.__dict__})
    try:
        first = next(events)
    except CheckpointMismatch as e:
        print(f"cannot resume {out}: {e}.{settings_change(out, spec)} Resume with the settings it was trained with, "
              "or start over with --no-resume (or another --out).", file=sys.stderr, flush=True)
        return 2
    for ev in itertools.chain([first], events):
        last = ev
        if ev.kind in ("step",) and (ev.step % max(spec.sample_every, 10) == 0):
            losses = " ".join(f"{k}={v:.3f}" for k, v in ev.losses.items())
            print(f"step {ev.step}/{ev.total} {losses} {ev.steps_per_s:.1f} it/s eta {ev.eta_s:.0f}s", flush=True)
        elif ev.kind == "samples":
            grid(ev.samples, nrow=8).save(out / "samples_latest.png")
        elif ev.kind in ("start", "checkpoint", "stopped", "error", "done"):
            print(f"[{ev.kind}] step {ev.step}: {ev.message}", flush=True)
    if last is None or last.kind != "done":
        return 1
    from .checkpoint import read_meta

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
