"""Training jobs for the studio: one at a time, in a background thread, watched by any number of UIs.

    idle ──start──> running <──pause / resume──> paused
                       │                             │
                       └──> done | stopped | failed <─┘

A Job runs training.loop.fit() in its own thread and records what fit() reports: the
latest samples, a bounded loss history, speed, and the warnings a teacher would point
at. Readers (UI streams, /train_status) poll a Job's snapshot; the training thread
never waits for them, and never renders anything: turning samples into a PNG and
losses into a table happens in the reader, once per new sample step.

The app creates one JobManager (no module-level singleton) and hands it to the
training tab, which renders its JobViews (studio/ui/training_view.py). A finished or stopped
job is exported with training.export.export_run into studio.hub.user_models_dir()/<run name>,
so it appears in `/models` at once.
"""
from __future__ import annotations

import logging
import math
import re
import shutil
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator

import torch
from torch.utils.data import default_collate

from studio import hub
from studio.images import grid
from studio.paths import studio_home

from .checkpoint import read_meta
from .export import cli_command, export_run
from .loop import CHECKPOINT_DIR, Control, Event, fit
from .setup import RunSpec, build_run, make_engine

log = logging.getLogger(__name__)

STATES = ("idle", "running", "paused", "done", "stopped", "failed")
TERMINAL = frozenset({"done", "stopped", "failed"})
TRANSITIONS = {
    "idle": {"running", "failed"},
    "running": {"paused", "done", "stopped", "failed"},
    "paused": {"running", "done", "stopped", "failed"},   # done: the last step finished as pause was pressed
}
D_COLLAPSE_LOSS = 0.05       # D loss below this ...
D_COLLAPSE_STEPS = 100       # ... for this many steps: D wins outright, G's gradients vanish
DIVERSITY_RATIO = 0.35       # samples this much less spread than real data: mode collapse
WARMUP_STEPS = 500           # at the start D wins and samples are alike anyway (a healthy DCGAN on MNIST
                             # measured: D loss < 0.05 for ~100 steps, diversity 0.06 -> 0.7x real by step 350)
MIN_VERDICT_STEP = 200       # ... and whatever the run's length: a 3-step run's samples are alike, not collapsed
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class JobBusy(RuntimeError):
    """A job is already running or paused."""


class NotOwner(PermissionError):
    """Stop, pause and resume belong to the page (or API client) that started the job."""


SHARING = "One training job runs at a time; every page sees it (progress, samples, losses)."


def runs_dir() -> Path:
    return studio_home() / "runs"


def check_run_name(name: str, taken: tuple[Path, ...] = (), resume: bool = False) -> str:
    """A valid run name that replaces nobody's model: bundled names are refused, and so is the name of a
    model or run that exists in `taken` (folders of trained models and runs) unless the run is resumed
    (then it continues that run and updates its model, which the user asked for)."""
    name = (name or "").strip()
    if not NAME_RE.match(name) or name in (".", ".."):
        raise ValueError(f"run name {name!r}: use 1-64 letters, digits, '.', '_' or '-' (no spaces or slashes)")
    if (hub.pretrained_dir() / name).exists():
        raise ValueError(f"run name {name!r} is a bundled model's name; pick another")
    if not resume and any((folder / name).exists() for folder in taken):
        raise ValueError(f"a trained model or run called {name!r} already exists; pick another name (or tick "
                         "'Resume its checkpoint' to continue that run, which updates its model)")
    return name


def default_run_name(family: str, dataset: str) -> str:
    short = re.sub(r"[^A-Za-z0-9]+", "-", Path(dataset).stem)[:20].strip("-") or "data"
    return f"{family}-{short}-{time.strftime('%m%d-%H%M%S')}"


def make_spec(family: str, dataset: str, steps, batch_size, lr_g, lr_d, loss, sample_every, seed,
              spectral_norm: bool | None = None, checkpoint_every=None, device: str | None = "auto",
              precision: str | None = "auto") -> RunSpec:
    """Validated user input -> RunSpec. Empty fields take the family's defaults (the seed: 0; the
    checkpoint interval: RunSpec's 500). The seed has the studio's one range (inference.check_seed)."""
    from studio.inference import check_seed

    def num(x, kind, lo, hi, what):
        if x is None or x == "":
            return None
        try:
            v = float(x) if kind is float else int(float(x)) if float(x).is_integer() else None
        except (TypeError, ValueError, OverflowError):
            v = None
        if v is None:
            raise ValueError(f"{what} must be a {'number' if kind is float else 'whole number'}, got {x!r}")
        if not (lo <= v <= hi) or (kind is float and not math.isfinite(v)):
            raise ValueError(f"{what} must be between {lo:g} and {hi:g}, got {x}")
        return v
    spec = RunSpec(family=family, dataset=dataset or None, steps=num(steps, int, 1, 1_000_000, "steps"),
                   batch_size=num(batch_size, int, 1, 1024, "batch size"), lr_g=num(lr_g, float, 1e-7, 1.0, "lr G"),
                   lr_d=num(lr_d, float, 1e-7, 1.0, "lr D"), loss=loss or None, spectral_norm=spectral_norm,
                   seed=check_seed(0 if seed in (None, "") else seed), sample_every=num(sample_every, int, 1, 1_000_000,
                                                                                  "sample interval"),
                   device=device or "auto", precision=precision or "auto")
    every = num(checkpoint_every, int, 1, 1_000_000, "checkpoint interval")
    if every is not None:
        spec.checkpoint_every = every
    return spec.resolved()


class LossHistory:
    """At most `max_points` evenly spaced rows (+ the latest): when full, every other row goes, the stride doubles."""

    def __init__(self, max_points: int = 600):
        self.max_points, self.stride, self.count = max_points, 1, 0
        self._rows: list[tuple[int, dict]] = []
        self._latest: tuple[int, dict] | None = None

    def add(self, step: int, losses: dict[str, float]) -> None:
        row, self.count = (step, dict(losses)), self.count + 1
        self._latest = row
        if (self.count - 1) % self.stride:
            return
        self._rows.append(row)
        if len(self._rows) > self.max_points:
            self._rows = self._rows[::2]
            self.stride *= 2

    @property
    def rows(self) -> list[tuple[int, dict]]:
        tail = [self._latest] if self._latest and (not self._rows or self._latest is not self._rows[-1]) else []
        return self._rows + tail


def batch_images(batch: dict) -> torch.Tensor:
    """The images of a collated batch: its "image", else all its image stacks (e.g. unpaired "A" and "B")."""
    if "image" in batch:
        return batch["image"]
    stacks = [v for v in batch.values() if torch.is_tensor(v) and v.dim() == 4 and v.is_floating_point()]
    if not stacks:
        raise ValueError(f"dataset items have no images (keys: {', '.join(batch)})")
    return torch.cat(stacks)


def mean_pairwise_distance(x: torch.Tensor) -> float:
    """Mean L2 distance between all pairs of images (N, C, H, W), per pixel (divided by sqrt(C*H*W))."""
    x = x.float().flatten(1)
    return float(torch.pdist(x).mean() / math.sqrt(x.shape[1])) if len(x) > 1 else 0.0


@dataclass
class JobView:
    """A consistent snapshot of a job, for readers."""
    id: int
    name: str
    family: str
    dataset: str
    state: str
    step: int
    total: int
    steps_per_s: float
    losses: dict[str, float]
    history: list
    sample_step: int
    message: str
    warnings: list[str]
    model: str | None
    diversity: float | None
    real_diversity: float | None
    train_steps_per_s: float | None
    version: int
    device: str = "cpu fp32"     # where it trains (Engine.describe)

    @property
    def eta_s(self) -> float:
        return (self.total - self.step) / self.steps_per_s if self.steps_per_s > 0 else float("nan")


@dataclass
class Job:
    id: int
    name: str
    spec: RunSpec
    out: Path
    model_dir: Path
    trainer: object
    dataset: object
    from_checkpoint: bool = False                # continue from <out>/checkpoint if there is one
    owner: str | None = None                     # who may pause / resume / stop it (a page's key, a client's session)
    engine: object = None                        # training.engine.Engine (None: one CPU process)
    state: str = "idle"
    control: Control = field(default_factory=Control)

    def __post_init__(self):
        self.lock = threading.Lock()
        self.step, self.total, self.rate = 0, self.spec.steps, 0.0
        self.losses: dict[str, float] = {}
        self.history = LossHistory()
        self.samples: torch.Tensor | None = None
        self.sample_step = -1
        self.message, self.model, self.version = "waiting to start", None, 0
        self.warnings: dict[str, str] = {}
        self.diversity = self.real_diversity = None
        self._d_low_since: int | None = None
        # no verdict on D or diversity in a run's first steps: there, a healthy run looks collapsed too
        self.warmup = max(2 * self.spec.sample_every, min(WARMUP_STEPS, self.spec.steps // 5), MIN_VERDICT_STEP)
        self._low_div = 0
        self._t_first = self._t_last = None
        self._cpu_first, self.cpu_s = (0.0, 0.0), {}
        self._first_step = 0
        self._png: tuple[int, str] | None = None     # (sample step, PNG path) of the latest rendering
        self._png_dir: Path | None = None
        self._render_lock = threading.Lock()
        self.thread: threading.Thread | None = None
        self.description = getattr(self.dataset, "description", self.spec.dataset)
        self.device = self.engine.describe() if self.engine is not None else "cpu fp32"
        self.nrow = getattr(self.trainer, "sample_nrow", 8)

    # -- lifecycle (called with or without the lock; transitions are checked)
    def _set_state(self, new: str, message: str | None = None) -> None:
        with self.lock:
            if new != self.state and new not in TRANSITIONS.get(self.state, ()):
                raise RuntimeError(f"job {self.name}: cannot go from {self.state} to {new}")
            self.state = new
            if message is not None:
                self.message = message
            self.version += 1

    def pause(self) -> bool:
        with self.lock:                             # check and change together: the thread may be finishing
            if self.state != "running":
                return False
            self.control.run.clear()
            self.state, self.message = "paused", "paused: training waits; resume to go on"
            self.version += 1
        return True

    def resume(self) -> bool:
        with self.lock:
            if self.state != "paused":
                return False
            self.state, self.message = "running", "resumed"
            self.version += 1
            self.control.run.set()
        return True

    def start_thread(self) -> None:
        self._set_state("running", "starting")
        self.thread = threading.Thread(target=self._run, name=f"train-{self.name}", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.real_diversity = self._real_diversity()
            t_wall = time.perf_counter()
            spec = self.spec
            for ev in fit(self.trainer, self.dataset, steps=spec.steps, batch_size=spec.batch_size, out=self.out,
                          seed=spec.seed, sample_every=spec.sample_every, checkpoint_every=spec.checkpoint_every,
                          resume=self.from_checkpoint, control=self.control, extra_meta=self._meta(),
                          engine=self.engine):
                self.on_event(ev)
                if ev.kind in ("done", "stopped"):
                    self._finish(ev, time.perf_counter() - t_wall)
                elif ev.kind == "error":
                    self._set_state("failed", f"training stopped: {ev.message}")
        except Exception as e:  # a bug or bad data must end the job with a reason, never silently
            log.exception("training job %s failed", self.name)
            self._set_state("failed", f"training failed at step {self.step}: {type(e).__name__}: {e}")
        finally:
            self.trainer = self.dataset = None      # the finished job keeps its record, not its memory

    def _meta(self) -> dict:
        return {"spec": asdict(self.spec), "config": asdict(self.trainer.export().config)}

    def _real_diversity(self) -> float:
        n = min(64, len(self.dataset))
        idx = torch.linspace(0, len(self.dataset) - 1, n).long().tolist()
        return mean_pairwise_distance(batch_images(default_collate([self.dataset[i] for i in idx])))

    def _finish(self, ev: Event, wall_s: float) -> None:
        if ev.step == 0:
            self._set_state(ev.kind, f"{ev.message}; stopped before the first step, nothing to save")
            return
        command = cli_command(self.spec, self.out, hub.user_models_dir() / self.name, self.name)
        export_run(self.trainer, self.model_dir, name=self.name, spec=self.spec, dataset=self.description,
                   command=command, steps=ev.step, wall_s=wall_s, final_losses=ev.losses, samples=ev.samples,
                   notes="Trained in the GAN Studio training tab; the command above reproduces it headless.")
        with self.lock:
            self.model = self.name
        self._set_state(ev.kind, f'{ev.message}; model saved as "{self.name}": pick it in any demo tab')

    # -- events from fit(): cheap bookkeeping only
    def on_event(self, ev: Event) -> None:
        now = time.perf_counter()
        with self.lock:
            self.step, self.total = ev.step, ev.total
            if ev.steps_per_s:
                self.rate = ev.steps_per_s
            if ev.kind == "start":
                self._t_first, self._first_step = now, ev.step
                self._cpu_first = (time.thread_time(), time.process_time())
            if ev.losses:
                self.losses = dict(ev.losses)
            if ev.kind == "step":
                self.history.add(ev.step, ev.losses)
                self._check_d(ev)
            if ev.samples is not None:
                self.samples, self.sample_step = ev.samples, ev.step
                self.diversity = mean_pairwise_distance(ev.samples)
                self._check_diversity(ev)
            if ev.kind in ("done", "stopped", "error"):
                self._t_last = now
                # CPU seconds while training: this thread's, and the whole process's (bench/train_streaming.py)
                self.cpu_s = {"train": time.thread_time() - self._cpu_first[0],
                              "process": time.process_time() - self._cpu_first[1]}
            if ev.kind == "checkpoint":
                self.message = f"checkpoint saved at step {ev.step}"
            elif ev.message:
                self.message = ev.message
            self.version += 1

    def _check_d(self, ev: Event) -> None:
        d = ev.losses.get("D")
        if d is None or self.spec.loss == "wgan-gp":      # a WGAN critic's loss has no floor at 0
            return
        if d < D_COLLAPSE_LOSS:
            self._d_low_since = ev.step if self._d_low_since is None else self._d_low_since
            if ev.step - self._d_low_since >= D_COLLAPSE_STEPS and ev.step >= self.warmup:
                self.warnings["d"] = (f"D loss has stayed below {D_COLLAPSE_LOSS} since step {self._d_low_since}: "
                                      "the discriminator wins outright and G's gradients vanish. Try a lower lr D, "
                                      "the hinge or WGAN-GP loss, or spectral norm.")
        else:
            self._d_low_since = None
            self.warnings.pop("d", None)

    def _check_diversity(self, ev: Event) -> None:
        if not self.real_diversity or self.diversity is None:
            return
        ratio = self.diversity / self.real_diversity
        self._low_div = self._low_div + 1 if ratio < DIVERSITY_RATIO else 0
        if self._low_div >= 2 and ev.step >= self.warmup:                   # twice in a row, past the start
            self.warnings["mode"] = (f"Mode collapse: the fixed-noise samples differ from each other "
                                     f"{ratio:.2f}x as much as real images do (since step {ev.step}). G is "
                                     "producing a few outputs whatever z is. Try a lower lr G, another loss, "
                                     "or restart with another seed.")
        elif self._low_div == 0:
            self.warnings.pop("mode", None)

    # -- readers
    def view(self) -> JobView:
        with self.lock:
            train_rate = None
            if self._t_first is not None and self._t_last is not None and self._t_last > self._t_first:
                train_rate = (self.step - self._first_step) / (self._t_last - self._t_first)
            return JobView(self.id, self.name, self.spec.family, self.description, self.state, self.step,
                           self.total, self.rate, dict(self.losses), list(self.history.rows), self.sample_step,
                           self.message, list(self.warnings.values()), self.model, self.diversity,
                           self.real_diversity, train_rate, self.version, self.device)

    def discard_renderings(self) -> None:
        """Delete this job's sample PNGs (a newer job took its place on every page)."""
        with self._render_lock:
            if self._png_dir is not None:
                shutil.rmtree(self._png_dir, ignore_errors=True)
            self._png_dir, self._png = None, None

    def samples_file(self) -> str | None:
        """The latest samples as a PNG grid at their native size (the UI scales it up, pixelated).

        Rendered at most once per sample step, by whichever reader asks first, never by the
        training thread; the last few files are kept so that a reader still sending one finds it.
        """
        with self.lock:
            samples, step, cached = self.samples, self.sample_step, self._png
        if samples is None:
            return None
        if cached is not None and cached[0] == step:
            return cached[1]
        with self._render_lock:
            if self._png is not None and self._png[0] == step:
                return self._png[1]
            if self._png_dir is None:
                self._png_dir = Path(tempfile.mkdtemp(prefix=f"gan-studio-{self.name}-"))
            path = self._png_dir / f"samples_{step:07d}.png"
            grid(samples, nrow=self.nrow).save(path, compress_level=1)
            for old in sorted(self._png_dir.glob("samples_*.png"))[:-8]:
                old.unlink(missing_ok=True)
            with self.lock:
                self._png = (step, str(path))
            return str(path)


class JobManager:
    """Starts at most one job at a time and keeps the last one for status and reattaching pages."""

    def __init__(self, runs_dir: str | Path | None = None, models_dir: str | Path | None = None,
                 poll_s: float = 1.0):
        self._runs_dir, self._models_dir = runs_dir, models_dir
        self.poll_s = poll_s
        self._lock = threading.Lock()
        self._job: Job | None = None
        self._starting = False
        self._ids = 0

    @property
    def runs_dir(self) -> Path:
        return Path(self._runs_dir) if self._runs_dir else runs_dir()

    @property
    def models_dir(self) -> Path:
        return Path(self._models_dir) if self._models_dir else hub.user_models_dir()

    @property
    def current(self) -> Job | None:
        return self._job

    def busy(self) -> bool:
        job = self._job
        return self._starting or (job is not None and job.state not in TERMINAL)

    def start(self, spec: RunSpec, name: str | None = None, resume: bool = False, owner: str | None = None,
              **dataset_kwargs) -> Job:
        """Build the run (errors raise here, before any thread) and train it in the background. `owner`: who
        may pause, resume and stop it (None: anyone, e.g. a script that holds the manager itself)."""
        with self._lock:
            if self.busy():
                job = self._job
                what = f"'{job.name}' is {job.state} at step {job.step}/{job.total}" if job else "one is starting"
                raise JobBusy(f"A training job is already running ({what}). Stop it first: one job at a time.")
            self._starting = True
        try:
            spec = spec.resolved()
            taken = (self.models_dir, self.runs_dir)
            name = (check_run_name(name, taken, resume) if name else
                    hub.free_name(default_run_name(spec.family, str(spec.dataset)), *taken))
            engine = make_engine(spec)              # an unavailable device is refused here, before any thread
            trainer, dataset = build_run(spec, **dataset_kwargs)
            out = self.runs_dir / name
            if resume:
                self._check_resumable(out, spec, trainer)
            self._ids += 1
            job = Job(self._ids, name, spec, out, self.models_dir / name, trainer, dataset, from_checkpoint=resume,
                      owner=owner, engine=engine)
            job.start_thread()
            previous, self._job = self._job, job
            if previous is not None:
                previous.discard_renderings()
            return job
        finally:
            self._starting = False

    @staticmethod
    def _check_resumable(out: Path, spec: RunSpec, trainer) -> None:
        meta = read_meta(out / CHECKPOINT_DIR)
        if meta is None:
            return                                  # nothing to resume: a fresh start under that name
        old = meta.get("spec", {})
        config = asdict(trainer.export().config)
        if old.get("family") != spec.family or meta.get("config", config) != config:
            raise ValueError(f"run '{out.name}' has a checkpoint of a different model ({old.get('family')}, "
                             f"{meta.get('config')}); untick resume or choose another run name")

    def view(self) -> JobView | None:
        """A snapshot of the current (or last) job, None before the first."""
        return self._job.view() if self._job is not None else None

    def check_owner(self, who: str | tuple[str | None, ...] | None) -> None:
        """Raise NotOwner unless `who` (one identity, or several: a page's key and its session) started the
        current job; a job started without an owner (a script holding this manager) is anyone's."""
        job = self._job
        ids = who if isinstance(who, tuple) else (who,)
        if job is not None and job.owner is not None and job.owner not in ids:
            raise NotOwner(f"Job '{job.name}' was started from another page or API client: only that one can pause, "
                           f"resume or stop it. {SHARING}")

    def pause(self, who=None) -> JobView | None:
        if self._job is not None:
            self.check_owner(who)
            self._job.pause()
        return self.view()

    def resume(self, who=None) -> JobView | None:
        if self._job is not None:
            self.check_owner(who)
            self._job.resume()
        return self.view()

    def stop(self, wait_s: float = 120.0, who=None) -> JobView | None:
        """Ask the job to stop; waits (up to wait_s) until its checkpoint and model are saved."""
        job = self._job
        if job is None or job.state in TERMINAL:
            return self.view()
        self.check_owner(who)
        job.control.stop.set()
        job.control.run.set()                       # a paused job must wake up to stop
        if job.thread is not None:
            job.thread.join(wait_s)
        return self.view()

    def watch(self, job: Job | None = None, poll_s: float | None = None) -> Iterator[JobView]:
        """Snapshots of `job` (default: the current one) whenever it changed, until it ends."""
        job = job or self._job
        if job is None:
            return
        last = -1
        while True:
            view = job.view()
            if view.version != last:
                last = view.version
                yield view
            if view.state in TERMINAL:
                return
            time.sleep(self.poll_s if poll_s is None else poll_s)
