"""The one training loop. It knows nothing about any model, and no device.

A family contributes a Trainer (training/steps/): its networks and optimizers, a
step(batch) that returns named losses, and samples() from fixed noise. fit() feeds
batches, checks the losses, samples, checkpoints and reports progress as events; the
CLI prints them and the training tab streams them. An Engine (training/engine.py) says
where the steps run: device, precision, and the processes of a data-parallel run, of
which only the main one samples, checkpoints and reports.

Losses stay on the device as tensors and are read once every `log_every` steps (and
before any sample, checkpoint or stop), so a GPU is not stopped to copy them each step;
every step's losses are still checked for NaN/explosions.
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import torch
from torch.utils.data import Dataset, default_collate

from studio.files import remove_leftovers

from .checkpoint import load_checkpoint, read_meta, save_checkpoint
from .engine import Engine
from .losses import g_loss_limit

CHECKPOINT_DIR = "checkpoint"
SEED_MOD = 2 ** 63             # derived seeds wrap here: any seed the studio accepts (0 .. 2**63 - 1) works


@dataclass
class Event:
    kind: str                    # "start" | "step" | "samples" | "checkpoint" | "done" | "stopped" | "error"
    step: int
    total: int
    losses: dict[str, float] = field(default_factory=dict)
    samples: torch.Tensor | None = None   # (N, C, H, W) in [-1, 1], from the trainer's fixed noise
    steps_per_s: float = 0.0
    message: str = ""

    @property
    def eta_s(self) -> float:
        return (self.total - self.step) / self.steps_per_s if self.steps_per_s > 0 else float("nan")


@dataclass
class Control:
    """How a caller steers a running fit(): set stop to end it, clear run to pause it."""
    stop: threading.Event = field(default_factory=threading.Event)
    run: threading.Event = field(default_factory=lambda: _set(threading.Event()))


def _set(e: threading.Event) -> threading.Event:
    e.set()
    return e


class TrainingDiverged(RuntimeError):
    pass


def batch_indices(n: int, batch_size: int, seed: int, step: int) -> torch.Tensor:
    """The dataset indices of global batch number `step`: a pure function of (n, batch_size, seed, step)."""
    per_epoch = max(n // batch_size, 1)
    epoch, k = divmod(step, per_epoch)
    perm = torch.randperm(n, generator=torch.Generator().manual_seed((seed * 100_003 + epoch) % SEED_MOD))
    idx = perm[k * batch_size:(k + 1) * batch_size]
    if len(idx) < batch_size:  # a dataset smaller than a batch: sample with replacement
        idx = torch.randint(n, (batch_size,), generator=torch.Generator().manual_seed((seed + step) % SEED_MOD))
    return idx


def collate(dataset: Dataset, idx: torch.Tensor) -> dict:
    """The items `idx` as one batch: sliced at once from datasets that hold tensors (`take`), else item by item."""
    take = getattr(dataset, "take", None)
    return take(idx) if take is not None else default_collate([dataset[int(i)] for i in idx])


def batches(dataset: Dataset, batch_size: int, seed: int, start_step: int = 0, rank: int = 0,
            world: int = 1) -> Iterator[dict]:
    """Batch number s is a pure function of (seed, s): resuming continues the same order. With `world`
    processes, process `rank` gets its slice of each global batch of `batch_size`."""
    if batch_size % world:
        raise ValueError(f"the batch size ({batch_size}) must split evenly over {world} processes")
    local = batch_size // world
    step = start_step
    while True:
        idx = batch_indices(len(dataset), batch_size, seed, step)
        yield collate(dataset, idx[rank * local:(rank + 1) * local])
        step += 1


def check_finite(losses: dict[str, float], step: int, limit: float = 1e4, g_limit: float | None = None) -> None:
    """Raise TrainingDiverged for a non-finite loss, one beyond `limit`, or a G loss beyond `g_limit`
    (losses.g_limit: e.g. a non-saturating G loss of 100 means D(G(z)) < e^-100, a G that lost for good)."""
    for name, value in losses.items():
        if not math.isfinite(value):
            raise TrainingDiverged(f"loss {name} became {value} at step {step}: training diverged "
                                   "(try a lower learning rate, another loss, or spectral norm)")
        if abs(value) > (g_limit if name == "G" and g_limit is not None else limit):
            raise TrainingDiverged(f"loss {name} exploded to {value:.3g} at step {step} "
                                   "(try a lower learning rate, another loss, or spectral norm)")


def kept_note(kept: int | None, checkpoint_every: int) -> str:
    """What a stopped-by-divergence run still has, in words."""
    if kept is not None:
        return f"The checkpoint of step {kept} is kept (resuming starts there); no model was exported."
    first = f" (the first was due at step {checkpoint_every})" if checkpoint_every else ""
    return f"No checkpoint had been saved yet{first}, so nothing is kept; no model was exported."


def read_losses(pending: list[tuple[int, dict]], engine: Engine, g_limit: float | None = None) -> dict[str, float]:
    """Losses of the steps since the last read as floats (one transfer from the device, averaged over the
    processes); each step's are checked. Returns the last step's."""
    tensors = [v.detach().float().reshape(()) for _, d in pending for v in d.values() if torch.is_tensor(v)]
    values = iter(engine.mean_over_processes(torch.stack(tensors)).tolist() if tensors else [])
    last: dict[str, float] = {}
    for step, d in pending:
        last = {k: next(values) if torch.is_tensor(v) else float(v) for k, v in d.items()}
        check_finite(last, step, g_limit=g_limit)
    return last


def fit(
    trainer,
    dataset: Dataset,
    *,
    steps: int,
    batch_size: int,
    out: str | Path,
    seed: int = 0,
    sample_every: int = 200,
    log_every: int = 10,
    checkpoint_every: int = 500,
    resume: bool = True,
    control: Control | None = None,
    extra_meta: dict | None = None,
    engine: Engine | None = None,
) -> Iterator[Event]:
    """Train `trainer` for `steps` steps in total, yielding progress events.

    Checkpoints go to <out>/checkpoint (atomically) every `checkpoint_every` steps and at
    the end; with resume=True a run continues from its checkpoint (or from checkpoint.old,
    left by a crash in the middle of a swap), with this call's learning rates, also with another
    number of processes (the checkpoint holds the global step, and batch_size is the global batch).
    A non-finite or exploding loss ends the run with an "error" event that says which checkpoint
    is kept, if any (kept_note). `engine`: where to run (default: the trainer's, i.e. one CPU process).
    """
    out = Path(out)
    ckpt = out / CHECKPOINT_DIR
    control = control or Control()
    remove_leftovers(ckpt)                  # temporary folders of a save that a kill interrupted
    engine = engine or trainer.engine
    engine.place(trainer, local_batch=batch_size // engine.group.world)
    main, group = engine.is_main, engine.group
    start, wall_before, kept, note = 0, 0.0, None, ""
    if resume and read_meta(ckpt) is not None:
        prev = load_checkpoint(trainer, ckpt)
        start, wall_before = int(prev["step"]), float(prev.get("wall_s", 0.0))
        kept = start
        note = "".join(f"; lr {name} {old:g} -> {new:g} (this run's)" for name, (old, new) in
                       prev.get("lr_changes", {}).items())
    else:
        torch.manual_seed(seed)
    g_limit = g_loss_limit(getattr(trainer, "loss", None))
    if group.world > 1:
        engine.check_same_everywhere(start, f"the step to resume from in {ckpt} (on several machines, --out "
                                            "must be a folder they all see)")
        torch.manual_seed((seed * 1_000_003 + start * 7919 + group.rank) % SEED_MOD)   # each process its own noise
    meta = dict(extra_meta or {}, seed=seed, batch_size=batch_size)
    t_start = time.perf_counter()

    def save(step: int) -> None:  # wall_s: training time over all sessions of this run
        nonlocal kept
        if main:
            save_checkpoint(trainer, ckpt, step, dict(meta, wall_s=wall_before + time.perf_counter() - t_start))
        kept = step

    def samples():
        return trainer.samples() if main else None
    yield Event("start", start, steps, message=(f"resumed at step {start}" if start else "started") + note)
    if start >= steps:
        yield Event("done", start, steps, samples=samples(), message="already trained to this step")
        return

    data = batches(dataset, batch_size, seed, start, group.rank, group.world)
    t0, done_since_t0, rate = time.perf_counter(), 0, 0.0
    losses: dict[str, float] = {}
    pending: list[tuple[int, dict]] = []      # (step, losses as the trainer returned them), not yet read
    step = start
    try:
        while step < steps:
            if control.stop.is_set():
                losses = read_losses(pending, engine, g_limit) if pending else losses
                save(step)
                yield Event("stopped", step, steps, losses, samples(), rate, "stopped by the user; checkpoint kept")
                return
            if not control.run.is_set():
                control.run.wait(0.2)
                t0, done_since_t0 = time.perf_counter(), 0
                continue
            with engine.autocast():
                pending.append((step + 1, trainer.step(engine.batch(next(data), trainer.memory_format))))
            engine.after_step(trainer)
            step += 1
            done_since_t0 += 1
            log = step % log_every == 0 or step == steps
            sample = bool(sample_every) and step % sample_every == 0 and step < steps
            checkpoint = bool(checkpoint_every) and step % checkpoint_every == 0 and step < steps
            if not (log or sample or checkpoint):
                continue
            losses, pending = read_losses(pending, engine, g_limit), []
            rate = done_since_t0 / max(time.perf_counter() - t0, 1e-9)
            if log:
                yield Event("step", step, steps, losses, steps_per_s=rate)
            if sample and main:
                yield Event("samples", step, steps, losses, samples(), rate)
            if checkpoint:
                save(step)
                yield Event("checkpoint", step, steps, losses, steps_per_s=rate, message=f"saved {ckpt}")
    except TrainingDiverged as e:
        yield Event("error", step, steps, losses, None, rate, f"{e}. {kept_note(kept, checkpoint_every)}")
        return
    save(step)
    yield Event("done", step, steps, losses, samples(), rate, "finished")
