"""StyleGAN2 step (Karras et al. 2020): non-saturating loss, lazy R1 on reals, style-mixing
regularisation, and an EMA copy of the generator (the one that is exported).

Counters (for lazy R1 and the EMA ramp-up) come from the optimizers' own step counts, so a
resumed run continues exactly: the checkpoint already holds the optimizer state.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass

import torch

from studio.models.stylegan import Discriminator, Generator, StyleGANConfig

from .. import losses as L
from .base import GANTrainer, adam, frozen


def _adam(params, lr: float) -> torch.optim.Optimizer:
    return adam(params, lr, betas=(0.0, 0.99), eps=1e-8)   # StyleGAN2's settings


@dataclass
class StyleGANTraining:
    """The trainer's own settings (`--set key=value` on the CLI); the model's config holds only its shape."""
    mixing_prob: float = 0.9     # style-mixing regularisation (StyleGAN1 Sec. 3.1)
    r1_gamma: float = 0.05       # lazy R1 weight (0 = off)
    r1_every: int = 16
    ema_kimg: float = 5.0        # half-life of the EMA generator, in thousands of images


class StyleGANTrainer(GANTrainer):
    loss_names = ("G", "D", "R1", "D(x)", "D(G(z))")
    OPTIONS = StyleGANTraining
    DEFAULTS = dict(dataset="faces", steps=3000, batch_size=32, lr_g=2e-3, lr_d=2e-3, loss="nonsaturating",
                    sample_every=200, img_size=32)

    def __init__(self, cfg: StyleGANConfig, loss: str = "nonsaturating", lr_g: float = 2e-3, lr_d: float = 2e-3,
                 n_samples: int = 64, sample_seed: int = 1234, **options):
        self.cfg, self.loss, self.train_cfg = cfg, L.check_loss(loss), StyleGANTraining(**options)
        if self.loss == "wgan-gp":
            raise ValueError("the stylegan trainer supports nonsaturating, hinge or lsgan (R1 replaces the GP)")
        G, D = Generator(cfg), Discriminator(cfg)
        G_ema = copy.deepcopy(G).eval().requires_grad_(False)
        self.nets = {"G": G, "D": D, "G_ema": G_ema}
        # Lazy regularisation: R1 runs every r1_every D steps, so Adam's moments are rescaled (StyleGAN2 App. B).
        t = self.train_cfg
        c = t.r1_every / (t.r1_every + 1) if t.r1_gamma > 0 else 1.0
        self.optimizers = {"G": _adam(G.parameters(), lr_g), "D": _adam(D.parameters(), lr_d * c)}
        self.fixed_z = torch.randn(n_samples, cfg.z_dim, generator=torch.Generator().manual_seed(sample_seed))

    def generator(self):
        return self.nets["G_ema"]

    def _ws(self, n: int) -> torch.Tensor:
        """Mapped ws for a batch; with prob mixing_prob, layers from a random cut-off on use a second z."""
        G, cfg, p, dev = self.nets["G"], self.cfg, self.train_cfg.mixing_prob, self.device
        ws = G.map(torch.randn(n, cfg.z_dim, device=dev), update_w_avg=True)
        if p > 0 and torch.rand(()) < p:                                 # (on the CPU: no device sync)
            cut = int(torch.randint(1, cfg.num_ws, ()))
            ws = ws.clone()
            ws[:, cut:] = G.map(torch.randn(n, cfg.z_dim, device=dev))[:, cut:]
        return ws

    def step(self, batch: dict) -> dict[str, torch.Tensor]:
        G, D = self.nets["G"], self.nets["D"]
        real = batch["image"]                                            # (N, C, S, S)
        n = real.shape[0]

        # Discriminator (+ lazy R1 on reals every r1_every steps)
        with torch.no_grad():
            fake = G.synthesis(self._ws(n), "random")
        t = self.train_cfg
        r1_now = t.r1_gamma > 0 and self.steps_done("D") % t.r1_every == 0
        real_in = real.detach().requires_grad_(r1_now)
        d_real, d_fake = D(real_in), D(fake)
        loss_d = L.d_loss(self.loss, d_real, d_fake)
        r1 = loss_d.new_zeros(())
        if r1_now:
            r1 = L.r1_penalty(d_real, real_in)
            loss_d = loss_d + (t.r1_gamma / 2) * r1 * t.r1_every
        self.update("D", loss_d)

        # Generator, through the frozen D
        with frozen(D):
            fake = G.synthesis(self._ws(n), "random")
            loss_g = L.g_loss(self.loss, D(fake))
            self.update("G", loss_g)

        self._update_ema(n)
        return {"G": loss_g.detach(), "D": loss_d.detach(), "R1": r1.detach(),
                "D(x)": torch.sigmoid(d_real.detach()).mean(), "D(G(z))": torch.sigmoid(d_fake.detach()).mean()}

    @torch.no_grad()
    def _update_ema(self, batch_size: int) -> None:
        """G_ema <- beta G_ema + (1 - beta) G, half-life ema_kimg thousand images (ramped up early on);
        buffers (w_avg, const noise) are copied."""
        nimg = self.steps_done("G") * batch_size
        half_life = min(self.train_cfg.ema_kimg * 1000, nimg * 0.05 + 1)   # StyleGAN2-ADA's ema_rampup = 0.05
        beta = 0.5 ** (batch_size / max(half_life, 1e-8))
        G, E = self.nets["G"], self.nets["G_ema"]
        for pe, p in zip(E.parameters(), G.parameters()):
            pe.lerp_(p, 1 - beta)
        for be, b in zip(E.buffers(), G.buffers()):
            be.copy_(b)

    def sample_fn(self, G) -> torch.Tensor:
        return G(self.fixed_z, noise_mode="const")
