"""SPADE (GauGAN) step: hinge GAN loss on a 2-scale PatchGAN, feature matching, VAE style encoder.

Per step (Park et al. 2019, Sec. 3 and appendix):
  style     mu, logvar = E(x); z = mu + sigma * eps
  fake      G(m, z) for the real pair (x, m)
  D         hinge: relu(1 - D(x, m)) + relu(1 + D(G(m, z), m)), averaged over the scales
  G         -D(G(m, z), m) + 10 * feature matching + 0.05 * KL(q(z|x) || N(0, I)) + l1_weight * |G(m, z) - x|

Option lr_decay (`--set lr_decay=true`): the learning rates decay linearly to zero over the second half of the
run, as in the authors' training schedule (the bundled spade-landscapes recipe uses it).

The paper's fourth term is a VGG perceptual loss; no pretrained VGG is available offline,
so a pixel L1 reconstruction term (pix2pix's) stands in for it. The same trainer trains the
baseline (config arch="pix2pix"): same encoder, discriminator, losses and budget.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch.nn.utils import parametrize

from studio.images import to_tensor
from studio.models.spade import one_hot_labels
from studio.models.spade import Discriminator, Generator, SPADEConfig

from .. import losses as L
from .base import GANTrainer, adam, frozen


@dataclass
class SPADETraining:
    """The trainer's own settings (`--set key=value`)."""
    lr_decay: bool = False     # learning rates linearly to zero over the second half of the run (the authors')


class SPADETrainer(GANTrainer):
    loss_names = ("G", "D", "GAN", "FM", "KL", "L1")
    OPTIONS = SPADETraining
    DEFAULTS = dict(dataset="landscapes", steps=2000, batch_size=4, lr_g=2e-4, lr_d=2e-4, loss="hinge",
                    sample_every=100, img_size=64, spectral_norm=True)

    def __init__(self, cfg: SPADEConfig, loss: str = "hinge", lr_g: float = 2e-4, lr_d: float = 2e-4,
                 fm_weight: float = 10.0, kl_weight: float = 0.05, l1_weight: float = 10.0,
                 n_samples: int = 8, sample_seed: int = 1234, lr_decay: bool = False):
        self.cfg, self.loss = cfg, L.check_loss(loss)
        self.lr_decay = bool(lr_decay)
        self.fm_weight, self.kl_weight, self.l1_weight = fm_weight, kl_weight, l1_weight
        self.nets = {"G": Generator(cfg), "D": Discriminator(cfg)}
        self.optimizers = {"G": adam(self.nets["G"].parameters(), lr_g),
                           "D": adam(self.nets["D"].parameters(), lr_d)}
        self.keep_initial_lrs()
        self.n_samples = n_samples
        self.fixed_z = torch.randn(n_samples, cfg.z_dim, generator=torch.Generator().manual_seed(sample_seed))
        self.fixed: dict | None = None          # the first batch's first pairs, for sample grids

    def step(self, batch: dict) -> dict[str, torch.Tensor]:
        G, D = self.nets["G"], self.nets["D"]
        real, label = batch["image"], batch["label"]                   # (N, 3, S, S), (N, S, S)
        if self.fixed is None or len(self.fixed["label"]) < self.n_samples:    # gather n_samples pairs
            old = self.fixed or {"image": real[:0], "label": label[:0]}
            k = self.n_samples - len(old["label"])
            self.fixed = {"image": torch.cat([old["image"], real[:k]]), "label": torch.cat([old["label"], label[:k]])}
        if self.lr_decay:
            self.decay_lrs()
        seg = one_hot_labels(label, self.cfg.num_classes)               # (N, K, S, S), channels-last in memory
        mu, logvar = G.encode(real)
        z = mu + torch.randn_like(mu) * (0.5 * logvar).exp()            # reparameterisation
        fake = G(seg, z)

        # Discriminator: hinge on every scale's patch logits; fakes and reals in one batch, as in the authors'
        # code (D's InstanceNorm is per image, so this is the same function as two calls).
        d_fake, d_real = self.discriminate(D, fake.detach(), real, seg)
        loss_d = sum(L.d_loss(self.loss, r[-1], f[-1]) for r, f in zip(d_real, d_fake)) / len(d_real)
        self.update("D", loss_d)

        # Generator (and encoder); D frozen, its spectrally normalised weights computed once for its two calls.
        with frozen(D), parametrize.cached():
            d_fake = D(fake, seg)
            with torch.no_grad():
                d_real = D(real, seg)
            gan = sum(L.g_loss(self.loss, f[-1]) for f in d_fake) / len(d_fake)
            fm = sum(L.feature_matching_loss(f[:-1], r[:-1]) for f, r in zip(d_fake, d_real)) / len(d_fake)
            kl = L.kl_loss(mu, logvar)
            l1 = L.l1(fake, real)                                       # F.l1_loss, layout-keeping
            loss_g = gan + self.fm_weight * fm + self.kl_weight * kl + self.l1_weight * l1
            self.update("G", loss_g)
        return {"G": loss_g.detach(), "D": loss_d.detach(), "GAN": gan.detach(), "FM": fm.detach(),
                "KL": kl.detach(), "L1": l1.detach()}

    @staticmethod
    def discriminate(D, fake, real, seg):
        """D on fakes and reals in one call -> (features on the fakes, features on the reals)."""
        out = D(torch.cat([fake, real]), torch.cat([seg, seg]))
        n = fake.shape[0]
        return ([[f[:n] for f in scale] for scale in out], [[f[n:] for f in scale] for scale in out])

    def sample_fn(self, G) -> torch.Tensor:
        """Three rows: the label maps, G(label map, fixed random z), the real images."""
        if self.fixed is None:
            return torch.zeros(1, 3, self.cfg.img_size, self.cfg.img_size)
        label, real = self.fixed["label"], self.fixed["image"]
        fake = G(label, self.fixed_z[:len(label)])
        return torch.cat([G.colorize(label.cpu()).to(fake), fake, real])

    def export(self):
        """The generator (with its encoder), plus style presets when it was trained on the landscapes."""
        G = self.generator()
        presets = style_presets(G)
        if presets:
            G.config.preset_names = list(presets)
            G.config.preset_codes = [[round(float(v), 5) for v in c] for c in presets.values()]
            G.config.preset_relabel = dict(PRESET_RELABEL)
        return G


PRESETS = {"day": ("day", "summer"), "sunset": ("sunset", "summer"), "night": ("night", "summer"),
           "winter": ("day", "winter")}
# The landscapes' winter is mostly in the label map (training/datasets/landscapes.py: grass, and the beach past a
# wet strip along the water, become snow), so its encoder code alone is close to day's. The winter preset also
# applies that rule to the painted map.
PRESET_RELABEL = {"winter": {"grass": {"to": "snow"}, "sand": {"to": "snow", "except_near": "water", "px": 2}}}


@torch.no_grad()
def style_presets(G, n: int = 24, seed: int = 777) -> dict[str, list[float]]:
    """Preset name -> the mean encoder code of n synthetic landscapes of that style ({} if G's classes
    are not the landscapes'). Seeds come from a range the training set does not use."""
    from ..datasets import landscapes as ls

    if list(G.config.classes) != list(ls.CLASSES):
        return {}
    was = G.training
    G.eval()
    out = {}
    try:
        for name, (time, season) in PRESETS.items():
            imgs = [ls.make_landscape(ls.sample_seed(seed, i), G.config.img_size, time, season)[1] for i in range(n)]
            x = to_tensor(np.stack(imgs)).to(next(G.parameters()).device)
            mu, _ = G.encode(x)
            out[name] = mu.mean(0).tolist()
    finally:
        G.train(was)
    return out
