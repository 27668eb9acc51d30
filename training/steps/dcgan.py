"""DCGAN step: one discriminator update, then one generator update, with any of the losses.

As in the PyTorch DCGAN example: D sees the real and the fake batch in two calls (BatchNorm
statistics per batch), G's update reuses the same fakes through the updated D. D is frozen
during G's update (its weight gradients would be thrown away).
"""
from __future__ import annotations

import torch

from studio.models.dcgan import DCGANConfig, Discriminator, Generator

from .. import losses as L
from .base import GANTrainer, adam, frozen


class DCGANTrainer(GANTrainer):
    loss_names = ("G", "D", "D(x)", "D(G(z))")
    DEFAULTS = dict(dataset="mnist", steps=3000, batch_size=64, lr_g=2e-4, lr_d=2e-4, loss="nonsaturating",
                    sample_every=100, img_size=32)

    def __init__(self, cfg: DCGANConfig, loss: str = "nonsaturating", lr_g: float = 2e-4, lr_d: float = 2e-4,
                 gp_weight: float = 10.0, n_samples: int = 64, sample_seed: int = 1234):
        self.cfg, self.loss, self.gp_weight = cfg, L.check_loss(loss), gp_weight
        self.nets = {"G": Generator(cfg), "D": Discriminator(cfg)}
        self.optimizers = {"G": adam(self.nets["G"].parameters(), lr_g),
                           "D": adam(self.nets["D"].parameters(), lr_d)}
        self.fixed_z = torch.randn(n_samples, cfg.z_dim, generator=torch.Generator().manual_seed(sample_seed))

    def step(self, batch: dict) -> dict[str, torch.Tensor]:
        G, D = self.nets["G"], self.nets["D"]
        real = batch["image"]                                   # (N, C, S, S)
        z = torch.randn(real.shape[0], self.cfg.z_dim, device=real.device)   # (N, z_dim)
        fake = G(z)

        d_real, d_fake = D(real), D(fake.detach())              # (N,) logits
        loss_d = L.d_loss(self.loss, d_real, d_fake)
        if self.loss == "wgan-gp":
            loss_d = loss_d + self.gp_weight * L.gradient_penalty(D, real, fake.detach())
        self.update("D", loss_d)

        with frozen(D):
            loss_g = L.g_loss(self.loss, D(fake))
            self.update("G", loss_g)
        return {"G": loss_g.detach(), "D": loss_d.detach(),
                "D(x)": torch.sigmoid(d_real.detach()).mean(), "D(G(z))": torch.sigmoid(d_fake.detach()).mean()}

    def sample_fn(self, G) -> torch.Tensor:
        return G(self.fixed_z)
