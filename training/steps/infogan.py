"""InfoGAN step (Chen et al. 2016): the GAN game plus the mutual-information term L_I.

Per step, with codes c = (c_cat ~ Uniform{0..n_cat-1}, c_cont ~ U(-1, 1)^n_cont):
  1. D (trunk + real/fake head): GAN loss on real and fake, plus lambda * MI loss of the Q head on the
     (detached) fakes, so the shared trunk also learns to recover the codes, as in the paper.
  2. G and the Q head (one optimizer, the paper's larger learning rate): the generator's GAN loss
     plus lambda * MI loss, i.e. -lambda L_I: G is pushed to make the codes recoverable from its images.
The MI loss is the negative log likelihood of the codes under Q: cross-entropy for the categorical
code (weight lambda_cat, 1 in the paper) and a Gaussian NLL with learned mean and log-std for the
continuous codes (weight lambda_cont, smaller). Both are -L_I up to the constant entropy H(c).

Optional (cfg.mi_warmup > 0, not in the paper): the MI gradient that reaches G is scaled by a ramp,
0 for the first mi_warmup steps, then linearly up to 1 over as many steps, so the codes are tied to
what G draws once it draws digits rather than to the blobs of the first few hundred steps. Q and the
trunk get the full MI gradient throughout.
"""
from __future__ import annotations

import itertools

import torch

from studio.models.infogan import Discriminator, Generator, InfoGANConfig

from .. import losses as L
from .base import GANTrainer, adam, frozen


class InfoGANTrainer(GANTrainer):
    loss_names = ("G", "D", "MI_cat", "MI_cont", "Q_acc", "D(x)", "D(G(z))")
    DEFAULTS = dict(dataset="mnist", steps=5000, batch_size=64, lr_g=1e-3, lr_d=2e-4, loss="nonsaturating",
                    sample_every=200, img_size=32)

    def __init__(self, cfg: InfoGANConfig, loss: str = "nonsaturating", lr_g: float = 1e-3, lr_d: float = 2e-4,
                 gp_weight: float = 10.0, n_noise: int = 8, sample_seed: int = 1234):
        self.cfg, self.loss, self.gp_weight = cfg, L.check_loss(loss), gp_weight
        G, D = Generator(cfg), Discriminator(cfg)
        self.nets = {"G": G, "D": D}
        d_params = itertools.chain(D.trunk.parameters(), D.head.parameters())
        self.optimizers = {"G": adam(itertools.chain(G.parameters(), D.q.parameters()), lr_g),  # G and Q head
                           "D": adam(d_params, lr_d)}
        gen = torch.Generator().manual_seed(sample_seed)
        self.fixed_z = torch.randn(n_noise, cfg.z_dim, generator=gen)

    def sample_codes(self, n: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        dev = self.device
        z = torch.randn(n, self.cfg.z_dim, device=dev)                  # (N, z_dim)
        c_cat = torch.randint(max(self.cfg.n_cat, 1), (n,), device=dev)  # (N,) class indices
        c_cont = torch.rand(n, self.cfg.n_cont, device=dev) * 2 - 1     # (N, n_cont) in U(-1, 1)
        return z, c_cat, c_cont

    def mi_losses(self, q_out, c_cat, c_cont) -> tuple[torch.Tensor, torch.Tensor]:
        """-log Q(c|x) for the categorical and the continuous codes (each 0 if the model has none)."""
        cat_logits, mean, log_std = q_out
        zero = cat_logits.new_zeros(())
        mi_cat = L.categorical_mi_loss(cat_logits, c_cat) if self.cfg.n_cat else zero
        mi_cont = L.gaussian_mi_loss(mean, log_std, c_cont) if self.cfg.n_cont else zero
        return mi_cat, mi_cont

    def mi_ramp(self) -> float:
        """Weight of the MI gradient into G at this step (1 unless cfg.mi_warmup > 0)."""
        w = self.cfg.mi_warmup
        return 1.0 if w <= 0 else min(max((self.steps_done() - w) / w, 0.0), 1.0)

    def step(self, batch: dict) -> dict[str, torch.Tensor]:
        G, D = self.nets["G"], self.nets["D"]
        lam_cat, lam_cont = self.cfg.lambda_cat, self.cfg.lambda_cont
        real = batch["image"]                                   # (N, C, S, S)
        z, c_cat, c_cont = self.sample_codes(real.shape[0])
        fake = G(z, c_cat if self.cfg.n_cat else None, c_cont)  # (N, C, S, S)

        # 1. D: GAN loss; the MI term trains the shared trunk too. The Q head is frozen here: it passes the
        # gradient on to the trunk, but its own weight gradients would be dropped (G's optimizer owns Q).
        d_real = D(real)
        with frozen(D.q):
            d_fake, *q_out = D(fake.detach(), q=True)
        loss_d = L.d_loss(self.loss, d_real, d_fake)
        if self.loss == "wgan-gp":
            loss_d = loss_d + self.gp_weight * L.gradient_penalty(D, real, fake.detach())
        mi_cat, mi_cont = self.mi_losses(q_out, c_cat, c_cont)
        self.update("D", loss_d + lam_cat * mi_cat + lam_cont * mi_cont)

        # 2. G and Q: fool D and make the codes recoverable (D's trunk and head frozen: not G's to update).
        with frozen(D.trunk, D.head):
            h = D.trunk(fake)
            loss_g = L.g_loss(self.loss, D.head(h).flatten())
            ramp = self.mi_ramp()
            if ramp < 1.0:   # same value, gradient into G scaled by ramp; Q's head still gets all of it
                h = ramp * h + (1.0 - ramp) * h.detach()
            q_out = D.q_outputs(h)
            mi_cat, mi_cont = self.mi_losses(q_out, c_cat, c_cont)
            self.update("G", loss_g + lam_cat * mi_cat + lam_cont * mi_cont)

        zero = loss_g.new_zeros(())
        q_acc = (q_out[0].detach().argmax(1) == c_cat).float().mean() if self.cfg.n_cat else zero
        return {"G": loss_g.detach(), "D": loss_d.detach(), "MI_cat": mi_cat.detach(), "MI_cont": mi_cont.detach(),
                "Q_acc": q_acc, "D(x)": torch.sigmoid(d_real.detach()).mean(),
                "D(G(z))": torch.sigmoid(d_fake.detach()).mean()}

    def sample_fn(self, G) -> torch.Tensor:
        """One row per categorical value (rows of 8 in the CLI's grid), columns = fixed noise; c_cont = 0."""
        k, n = max(self.cfg.n_cat, 1), self.fixed_z.shape[0]
        z = self.fixed_z.repeat(k, 1)                                   # (k * n, z_dim)
        c_cat = torch.arange(k, device=z.device).repeat_interleave(n)  # 0,0,..,1,1,..
        return G(z, c_cat if self.cfg.n_cat else None, z.new_zeros(k * n, self.cfg.n_cont))
