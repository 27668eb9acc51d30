"""The playground's GAN game on the plane: settings, one D update, one G update, and what there is to see.

A Playground holds one user's G, D, their optimizers and a random generator of its own, so that two
users never share state and a run repeats exactly from its seed. Everything is tiny (a few thousand
weights, 256 points a batch): hundreds of steps per second on one CPU core.

Each player's optimiser is Adam (Kingma & Ba 2015) or plain SGD. Adam uses the betas of each loss's
paper: (0.5, 0.999) as DCGAN (Radford et al. 2016) for minimax, non-saturating, least squares and hinge;
(0, 0.9) as WGAN-GP (Gulrajani et al. 2017) for both Wasserstein losses (WGAN's paper advises against
momentum and uses RMSProp: Adam with beta1 = 0 is RMSProp with bias correction). Adam divides each step
by the gradient's running size, so a vanishing gradient (the saturating minimax loss) barely slows it;
SGD's step is the gradient itself, which shows the stall the GAN paper describes. Two learning rates
(TTUR, Heusel et al. 2017), several D updates per G update, and a head start for D are settings.

The unrolled GAN (Metz et al. 2017) trains G against D as it would be after k more updates of D's
optimiser on the current batch, differentiating through those updates (create_graph): G then sees how D
would react to its move. The look-ahead leaves out WGAN-GP's penalty (it would need third derivatives).
"""
from __future__ import annotations

import functools
import math
import threading
from dataclasses import asdict, dataclass, fields, replace

import torch

from .. import losses as L
from .metrics import js_divergence, js_floor, mode_stats
from .nets import Discriminator, Generator
from .optim import OPTIMIZERS, Optimizer
from .targets import EXTENT, NAMES as TARGETS, Target, make_target

LOSSES = L.ALL_LOSSES
REMEDIES = ("none", "pacgan", "mbstd", "unrolled")
NOISES = ("gaussian", "uniform")
EVAL_N = 2000            # generated points behind the metrics (fixed noise, so curves do not jitter)
SHOW_N = 480             # generated points drawn (a multiple of every packing degree 1..6)
HISTORY = 600            # curve points kept (older ones thinned out, every other one)
HEAT = 32                # D is drawn on a HEAT x HEAT grid over the plane (the page smooths it)
LIMITS = dict(noise_dim=(1, 2), g_depth=(1, 4), d_depth=(1, 4), g_width=(4, 256), d_width=(4, 256),
              d_steps=(1, 10), pack=(1, 6), unroll=(0, 10), batch=(8, 1024), d_warmup=(0, 2000))
PAIRED = {"wgan": (0.0, 0.9), "wgan-gp": (0.0, 0.9)}
BETAS = (0.5, 0.999)


def one_thread(fn):
    """Run fn with one intra-op thread, then restore the caller's count. Nets this small only wait on each
    other's threads: with 2 threads on 2 busy cores a step took 20x longer. OpenMP's and MKL's counts are
    per calling thread, so other requests running meanwhile keep theirs (a thread that starts its first
    torch work during the call may adopt 1: slower, not wrong)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        n = torch.get_num_threads()
        if n == 1:
            return fn(*args, **kwargs)
        torch.set_num_threads(1)
        try:
            return fn(*args, **kwargs)
        finally:
            torch.set_num_threads(n)
    return wrapper


@dataclass(frozen=True)
class Settings:
    target: str = "ring8"              # a name of targets.NAMES, or "drawn" (with points)
    points: tuple = ()                 # the drawn target: ((x, y), ...)
    loss: str = "nonsaturating"        # one of LOSSES
    noise_dim: int = 2                 # 1: G maps a line into the plane; 2: a sheet
    noise: str = "gaussian"            # or "uniform" on [-1, 1]
    g_depth: int = 2
    g_width: int = 64
    d_depth: int = 2
    d_width: int = 64
    lr_g: float = 1e-3
    lr_d: float = 1e-3
    d_steps: int = 1                   # D updates per G update
    d_warmup: int = 0                  # D's head start: D updates against the initial G before the game
    opt_g: str = "adam"                # each player's optimiser, one of OPTIMIZERS
    opt_d: str = "adam"
    spectral_norm: bool = False
    pack: int = 1                      # PacGAN packing degree (1: off)
    mbstd: bool = False                # minibatch standard deviation feature in D
    unroll: int = 0                    # unrolled-GAN look-ahead steps (0: off)
    batch: int = 256
    seed: int = 0
    clip: float = 0.01                 # WGAN weight clipping
    gp_weight: float = 10.0            # WGAN-GP penalty weight

    # changing one of these builds new networks (the others apply to the running game)
    STRUCTURE = ("target", "points", "noise_dim", "noise", "g_depth", "g_width", "d_depth", "d_width",
                 "spectral_norm", "pack", "mbstd", "batch", "seed", "d_warmup", "opt_g", "opt_d")

    def check(self) -> "Settings":
        """These settings, with clear messages for anything out of range."""
        if self.loss not in LOSSES:
            raise ValueError(f"unknown loss {self.loss!r}; choose one of {', '.join(LOSSES)}")
        for name in ("opt_g", "opt_d"):
            if getattr(self, name) not in OPTIMIZERS:
                raise ValueError(f"unknown optimiser {getattr(self, name)!r} for {name}; choose adam or sgd")
        if self.noise not in NOISES:
            raise ValueError(f"unknown noise {self.noise!r}; choose gaussian or uniform")
        if self.target != "drawn" and self.target not in TARGETS:
            raise ValueError(f"unknown target {self.target!r}; choose one of {', '.join(TARGETS)}, or draw points")
        for name, (lo, hi) in LIMITS.items():
            v = getattr(self, name)
            if int(v) != v or not lo <= v <= hi:
                raise ValueError(f"{name} must be a whole number from {lo} to {hi}, got {v}")
        for name in ("lr_g", "lr_d"):
            v = getattr(self, name)
            if not (math.isfinite(v) and 0 < v <= 1):
                raise ValueError(f"{name} must be above 0 and at most 1, got {v}")
        if not 0 < self.clip <= 10 or not 0 <= self.gp_weight <= 1000:
            raise ValueError("clip must be in (0, 10] and gp_weight in [0, 1000]")
        if self.batch < 2 * self.pack:
            raise ValueError(f"a batch of {self.batch} points cannot hold two packs of {self.pack}")
        return self

    def with_remedy(self, remedy: str) -> "Settings":
        """The remedy by its API name: PacGAN packs 2 samples (the paper's PacGAN2), unrolled looks 5
        D updates ahead (the paper's 5 for the ring), mbstd adds the feature."""
        if remedy not in REMEDIES:
            raise ValueError(f"unknown remedy {remedy!r}; choose one of {', '.join(REMEDIES)}")
        return replace(self, **{"none": {}, "pacgan": {"pack": 2}, "mbstd": {"mbstd": True},
                                "unrolled": {"unroll": 5}}[remedy])

    @classmethod
    def from_dict(cls, d: dict) -> "Settings":
        names = {f.name for f in fields(cls)}
        unknown = set(d) - names
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
        return cls(**d)

    def as_dict(self) -> dict:
        return asdict(self)


class Playground:
    """One user's game. Every public method takes the lock: a page's play loop and its controls run in
    different server threads."""

    def __init__(self, settings: Settings = Settings()):
        self.lock = threading.RLock()
        self.settings = settings.check()
        self.reset()

    # ------------------------------------------------------------------ building
    @one_thread
    def reset(self) -> None:
        """New networks and optimisers from the seed; the curves start over."""
        with self.lock:
            s = self.settings
            self.target: Target = make_target(s.target, s.points)
            self.gen = torch.Generator().manual_seed(s.seed)
            self.G = Generator(s.noise_dim, s.g_width, s.g_depth, self.gen)
            self.D = Discriminator(s.d_width, s.d_depth, self.gen, s.spectral_norm, s.pack, s.mbstd)
            self.opt_g = self._optimizer(s.opt_g, self.G, s.lr_g)
            self.opt_d = self._optimizer(s.opt_d, self.D, s.lr_d)
            self.step = 0
            self.history: list[tuple] = []            # (step, d_loss, g_loss, g_grad_norm)
            self.measures: list[tuple] = []           # (step, js, modes covered, high quality)
            self.eval_z = self.noise(EVAL_N)
            self.eval_real = self.target.sample(EVAL_N, self.gen)
            side = torch.Generator().manual_seed(s.seed + 1)   # the floor's draws leave training's stream alone
            self.floor = js_floor(self.target.sample, EVAL_N, EXTENT, side)
            self.last = {"d_loss": float("nan"), "g_loss": float("nan"), "g_grad_norm": float("nan")}
            for _ in range(s.d_warmup):
                self.d_update()

    def _betas(self) -> tuple[float, float]:
        return PAIRED.get(self.settings.loss, BETAS)

    def _optimizer(self, kind: str, net: torch.nn.Module, lr: float) -> Optimizer:
        return Optimizer(net.parameters(), kind, lr, self._betas())

    def configure(self, settings: Settings) -> bool:
        """Apply new settings: -> True when they needed new networks (a reset), False when the running
        game just continues with them (learning rates, loss, D:G ratio, look-ahead, clip and penalty)."""
        settings = settings.check()
        with self.lock:
            old, self.settings = self.settings, settings
            if any(getattr(old, k) != getattr(settings, k) for k in Settings.STRUCTURE):
                self.reset()
                return True
            for opt, lr in ((self.opt_g, settings.lr_g), (self.opt_d, settings.lr_d)):
                opt.lr, opt.betas = lr, self._betas()
            return False

    # ------------------------------------------------------------------ playing
    def noise(self, n: int) -> torch.Tensor:
        """(n, noise_dim) noise: standard normal, or uniform on [-1, 1]."""
        shape = (n, self.settings.noise_dim)
        if self.settings.noise == "uniform":
            return torch.rand(shape, generator=self.gen) * 2 - 1
        return torch.randn(shape, generator=self.gen)

    def _batch(self) -> int:
        return self.settings.batch // self.settings.pack * self.settings.pack

    def _d_loss(self, real, fake, weights=None) -> torch.Tensor:
        return L.d_loss(self.settings.loss, self.D(real, weights), self.D(fake, weights))

    @one_thread
    def d_update(self) -> float:
        """One D update on a fresh real batch and a batch of G's current points; -> D's loss."""
        with self.lock:
            s, n = self.settings, self._batch()
            real = self.target.sample(n, self.gen)
            with torch.no_grad():
                fake = self.G(self.noise(n))
            self.D.power_iteration()
            loss = self._d_loss(real, fake)
            total = loss
            if s.loss == "wgan-gp" and s.gp_weight:
                # the penalty is on D's input: a whole pack at a time
                total = loss + s.gp_weight * L.gradient_penalty(lambda x: self.D(x.reshape(-1, 2)),
                                                                self.D.packed(real), self.D.packed(fake), self.gen)
            self.opt_d.step(torch.autograd.grad(total, self.opt_d.params))
            if s.loss == "wgan":
                L.clip_weights(self.D, s.clip)
            self.last["d_loss"] = total.item()
            return self.last["d_loss"]

    def lookahead(self, fake: torch.Tensor, real: torch.Tensor, k: int) -> list[torch.Tensor]:
        """D's weights after k more (differentiable) updates of its optimiser on these batches, from its
        current moments: the unrolled GAN's surrogate D."""
        s, opt = self.settings, self.opt_d
        weights, m, v = list(self.D.weights), opt.m, opt.v
        for i in range(1, k + 1):
            grads = torch.autograd.grad(self._d_loss(real, fake, weights), weights, create_graph=True)
            weights, m, v = opt.updated(weights, grads, m, v, opt.t + i)
            if s.loss == "wgan":
                weights = [w.clamp(-s.clip, s.clip) for w in weights]
        return weights

    def g_loss_of(self, fake: torch.Tensor, real: torch.Tensor | None = None) -> torch.Tensor:
        """G's loss on generated points `fake` (through the look-ahead D when unrolling)."""
        s = self.settings
        weights = None
        if s.unroll:
            real = self.target.sample(len(fake), self.gen) if real is None else real
            weights = self.lookahead(fake, real, s.unroll)
        return L.g_loss(s.loss, self.D(fake, weights))

    @one_thread
    def g_update(self) -> tuple[float, float]:
        """One G update; -> (G's loss, norm of its gradient over G's weights)."""
        with self.lock:
            loss = self.g_loss_of(self.G(self.noise(self._batch())))
            grads = torch.autograd.grad(loss, self.opt_g.params)
            self.opt_g.step(grads)
            norm = float(torch.sqrt(sum((g * g).sum() for g in grads)))
            self.step += 1
            self.last.update(g_loss=loss.item(), g_grad_norm=norm)
            self._record()
            return self.last["g_loss"], norm

    @one_thread
    def train(self, steps: int) -> None:
        """`steps` rounds of d_steps D updates and one G update."""
        with self.lock:
            for _ in range(int(steps)):
                for _ in range(self.settings.d_steps):
                    self.d_update()
                self.g_update()

    def _record(self) -> None:
        self.history.append((self.step, self.last["d_loss"], self.last["g_loss"], self.last["g_grad_norm"]))
        if len(self.history) > 2 * HISTORY:
            self.history = self.history[::2]

    # ------------------------------------------------------------------ looking
    @one_thread
    @torch.no_grad()
    def sample(self, n: int = EVAL_N) -> torch.Tensor:
        """(n, 2) generated points for the fixed evaluation noise (n <= EVAL_N)."""
        with self.lock:
            return self.G(self.eval_z[:n])

    @one_thread
    def measure(self, fresh: bool = True) -> dict:
        """Divergence, mode coverage (mixture targets) and the latest losses; also kept as a curve point.
        fresh=False reuses the last divergence and coverage (a quarter of a frame's time) with today's losses."""
        with self.lock:
            if fresh or not self.measures:
                fake = self.sample()
                js = js_divergence(fake, self.eval_real, EXTENT)
                covered = quality = None
                if self.target.modes is not None:
                    covered, quality = mode_stats(fake, self.target.modes, self.target.sigma)
                if not self.measures or self.measures[-1][0] != self.step:
                    self.measures.append((self.step, js, covered, quality))
                    if len(self.measures) > 2 * HISTORY:
                        self.measures = self.measures[::2]
            else:
                _, js, covered, quality = self.measures[-1]
            return dict(step=self.step, js=js, js_floor=self.floor, modes_covered=covered,
                        n_modes=None if self.target.modes is None else len(self.target.modes),
                        high_quality=quality, **self.last)

    def arrows(self, fake: torch.Tensor) -> torch.Tensor:
        """(N, 2): -dL_G/dx at each generated point x, where G's loss pushes it (scaled by N, so the
        size does not depend on how many points are drawn)."""
        x = fake.detach().clone().requires_grad_(True)
        with torch.enable_grad():
            loss = self.g_loss_of(x, self.eval_real[:len(x)])
            (grad,) = torch.autograd.grad(loss, x)
        return -grad * len(x)

    @torch.no_grad()
    def heat(self, fake: torch.Tensor, res: int = HEAT) -> torch.Tensor:
        """(res, res) D's verdict over the plane, row 0 at the top (y = +EXTENT), in [0, 1]: the probability
        of "real" for the log losses, the clipped output for least squares, the critic's score scaled to the
        plane's range for hinge and Wasserstein. With packing a grid point is judged in packs with other
        generated points (averaged over 6 packs), with mbstd with the generated batch's spread: what G sees."""
        xs = torch.linspace(-EXTENT, EXTENT, res)
        grid = torch.stack(torch.meshgrid(xs, xs.flip(0), indexing="xy"), -1).reshape(-1, 2)   # (res*res, 2)
        spread = self.D.batch_spread(fake) if self.D.mbstd else None
        pack = self.D.pack
        if pack == 1:
            out = self.D(grid, spread=spread)
        else:
            gen = torch.Generator().manual_seed(self.step)
            outs = []
            for _ in range(6):
                mates = fake[torch.randint(len(fake), (len(grid), pack - 1), generator=gen)]   # (M, pack-1, 2)
                outs.append(self.D(torch.cat([grid[:, None], mates], 1).reshape(-1, 2), spread=spread))
            out = torch.stack(outs).mean(0)
        loss = self.settings.loss
        if loss in ("minimax", "nonsaturating"):
            out = torch.sigmoid(out)
        elif loss == "lsgan":
            out = out.clamp(0, 1)
        else:
            out = (out - out.min()) / (out.max() - out.min()).clamp(min=1e-8)
        return out.reshape(res, res)

    @torch.no_grad()
    def manifold(self, n_lines: int = 11, n_points: int = 41) -> list[torch.Tensor]:
        """G's image of a grid in noise space: polylines (P, 2). Noise dim 1: one curve; 2: the grid's
        rows and columns (a sheet G folds into the plane). The grid spans [-1, 1] (uniform noise) or
        [-2, 2] (+-2 standard deviations of Gaussian noise)."""
        a = 1.0 if self.settings.noise == "uniform" else 2.0
        if self.settings.noise_dim == 1:
            return [self.G(torch.linspace(-a, a, 4 * n_points)[:, None])]
        ticks, along = torch.linspace(-a, a, n_lines), torch.linspace(-a, a, n_points)
        rows = torch.stack(torch.meshgrid(along, ticks, indexing="xy"), -1)          # (n_lines, n_points, 2)
        z = torch.cat([rows, rows.flip(-1)])                                          # rows, then columns
        return list(self.G(z.reshape(-1, 2)).reshape(2 * n_lines, n_points, 2))

    @one_thread
    def view(self, fresh: bool = True) -> dict:
        """Everything the tab draws, as tensors: real and generated points, G's gradient arrows, D's heat
        map, G's manifold, and the measures (see measure for `fresh`)."""
        with self.lock:
            fake = self.sample(SHOW_N)
            return dict(real=self.eval_real[:SHOW_N], fake=fake, arrows=self.arrows(fake), heat=self.heat(fake),
                        manifold=self.manifold(), measures=self.measure(fresh))
