"""Conditional GAN step: the GAN game with labels (studio/models/cgan.py has the papers and the objectives).

Per step, with fake labels y' drawn uniformly over the classes and the batch's real labels y:
  "cgan"   (projection discriminator, Miyato & Koyama 2018)
     D: adversarial loss on D(x, y) and D(G(z, y'), y')
     G: adversarial loss on D(G(z, y'), y')
  "acgan"  (auxiliary classifier, Odena et al. 2017)
     D: adversarial loss on its real/fake head + aux_weight * (CE(C(x), y) + CE(C(G(z, y')), y'))
        i.e. maximise L_S + L_C
     G: adversarial loss + aux_weight * CE(C(G(z, y')), y'), i.e. maximise L_C - L_S
The adversarial loss is any of training/losses.py's (hinge by default, as in the projection paper).
D's parameters are frozen during G's update: G's backward pass then skips D's weight gradients.

Option mode_seeking (not in either paper; Mao et al. 2019, "Mode Seeking Generative Adversarial Networks",
arXiv:1903.05628): the two halves of the fake batch ask for the same classes with different z, and G also
minimises 1 / (|G(z1, y) - G(z2, y)| / |z1 - z2|). On MNIST without it, G learned to ignore z: every class
came out in one handwriting (within-class pixel diversity 3 against the real digits' 17 after 800 steps,
projection or BatchNorm D, hinge or non-saturating loss alike), so the default is 0.3 (the bundled model:
0.3, then 0.1 to train away the blobs that 0.3 leaves in ~5% of the samples).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from studio.models.cgan import CGANConfig, Discriminator, Generator

from .. import losses as L
from .base import GANTrainer, adam, frozen


@dataclass
class CGANTraining:
    """The trainer's own settings (`--set key=value`)."""
    aux_weight: float = 1.0      # acgan: weight of the class terms L_C (the paper: 1)
    channels_last: bool = True   # NHWC memory layout for the convolutions (the Engine applies it; faster here)
    mode_seeking: float = 0.3    # weight of the mode-seeking term (Mao et al. 2019); 0 = the papers' objectives


class CGANTrainer(GANTrainer):
    loss_names = ("G", "D", "D(x)", "D(G(z))", "C(x) acc", "C(G(z)) acc")   # the last two: acgan only
    OPTIONS = CGANTraining
    DEFAULTS = dict(dataset="mnist", steps=3000, batch_size=64, lr_g=2e-4, lr_d=2e-4, loss="hinge",
                    sample_every=200, img_size=32, spectral_norm=True)

    def __init__(self, cfg: CGANConfig, loss: str = "hinge", lr_g: float = 2e-4, lr_d: float = 2e-4,
                 gp_weight: float = 10.0, n_noise: int = 8, sample_seed: int = 1234, **options):
        self.cfg, self.loss, self.gp_weight = cfg, L.check_loss(loss), gp_weight
        self.train_cfg = CGANTraining(**options)
        self.channels_last = bool(self.train_cfg.channels_last)   # read by Engine.place
        G, D = Generator(cfg), Discriminator(cfg)
        self.nets = {"G": G, "D": D}
        self.optimizers = {"G": adam(G.parameters(), lr_g), "D": adam(D.parameters(), lr_d)}
        self.fixed_z = torch.randn(n_noise, cfg.z_dim, generator=torch.Generator().manual_seed(sample_seed))

    def step(self, batch: dict) -> dict[str, torch.Tensor]:
        G, D, acgan = self.nets["G"], self.nets["D"], self.cfg.conditioning == "acgan"
        real, y = batch["image"], batch["label"].long()                 # (N, C, S, S), (N,)
        n, dev = real.shape[0], real.device
        z = torch.randn(n, self.cfg.z_dim, device=dev)                   # (N, z_dim)
        y_fake = torch.randint(self.cfg.n_classes, (n,), device=dev)     # (N,) the classes asked for
        if self.train_cfg.mode_seeking:                                  # pairs: the same class, two z's
            y_fake[n // 2: 2 * (n // 2)] = y_fake[:n // 2]
        fake = G(z, y_fake)                                              # (N, C, S, S)

        # 1. D: reals and fakes in one call when D treats each picture alone (spectral norm, no BatchNorm):
        # the same function, one pass over its weights, one power iteration per update as in the SN paper
        d_real, c_real, d_fake, c_fake = self.discriminate(D, real, y, fake.detach(), y_fake)
        loss_d = L.d_loss(self.loss, d_real, d_fake)
        if self.loss == "wgan-gp":
            loss_d = loss_d + self.gp_weight * L.gradient_penalty(lambda x: D(x, y)[0], real, fake.detach())
        if acgan:
            loss_d = loss_d + self.train_cfg.aux_weight * (L.class_loss(c_real, y) + L.class_loss(c_fake, y_fake))
        self.update("D", loss_d)

        # 2. G, with D frozen
        with frozen(D):
            g_adv, g_cls = D(fake, y_fake)
            loss_g = L.g_loss(self.loss, g_adv)
            if acgan:
                loss_g = loss_g + self.train_cfg.aux_weight * L.class_loss(g_cls, y_fake)
            if self.train_cfg.mode_seeking:
                h = n // 2
                loss_g = loss_g + self.train_cfg.mode_seeking * L.mode_seeking_loss(fake[:h], fake[h:2 * h],
                                                                                   z[:h], z[h:2 * h])
            self.update("G", loss_g)

        out = {"G": loss_g.detach(), "D": loss_d.detach(), "D(x)": torch.sigmoid(d_real.detach()).mean(),
               "D(G(z))": torch.sigmoid(d_fake.detach()).mean()}
        if acgan:
            out["C(x) acc"] = (c_real.detach().argmax(1) == y).float().mean()
            out["C(G(z)) acc"] = (c_fake.detach().argmax(1) == y_fake).float().mean()
        return out

    def discriminate(self, D, real, y, fake, y_fake):
        """-> D's (logits, class logits) on the reals, then on the fakes; one call on both halves unless D
        has BatchNorm (spectral_norm=False), whose batch statistics would then mix reals and fakes."""
        if not self.cfg.spectral_norm:
            return (*D(real, y), *D(fake, y_fake))
        n = real.shape[0]
        logits, cls = D(torch.cat([real, fake]), torch.cat([y, y_fake]))
        return logits[:n], None if cls is None else cls[:n], logits[n:], None if cls is None else cls[n:]

    def sample_fn(self, G) -> torch.Tensor:
        """One row per class (rows of n_noise in the CLI's grid), columns = the fixed noise."""
        k, n = self.cfg.n_classes, self.fixed_z.shape[0]
        return G(self.fixed_z.repeat(k, 1), torch.arange(k, device=self.fixed_z.device).repeat_interleave(n))
