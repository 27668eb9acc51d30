"""CycleGAN step (Zhu et al. 2017): both generators, then both PatchGAN discriminators.

    L_G = L_lsgan(D_B(G(a)), 1) + L_lsgan(D_A(F(b)), 1)
          + lambda (||F(G(a)) - a||_1 + ||G(F(b)) - b||_1)                 cycle consistency
          + 0.5 lambda (||G(b) - b||_1 + ||F(a) - a||_1)                    identity
    L_D = 1/2 [L_lsgan(D(real), 1) + L_lsgan(D(pool(fake)), 0)]  for D_A and D_B

as in the authors' code: least-squares GAN loss, lambda = 10, lambda_id = 0.5 lambda, Adam
(2e-4, betas 0.5/0.999), discriminators fed from a history pool of 50 generated images, and
a learning rate that decays linearly to zero over the second half of the steps. The step
count for the schedule is read from Adam's own state, so a resumed run continues it exactly.
(The image pool itself is not checkpointed, as in the authors' code: after a resume it refills.)
"""
from __future__ import annotations

import random

import torch
import torch.nn.functional as F

from studio.models.cyclegan import CycleGANConfig, Discriminator, Generator, init_weights

from .. import losses as L
from .base import GANTrainer, adam, frozen


class ImagePool:
    """Shrivastava et al. 2017: show D a mix of the newest fakes and fakes from the last `size`."""

    def __init__(self, size: int = 50, seed: int = 0):
        self.size, self.images, self.rng = size, [], random.Random(seed)

    def query(self, images: torch.Tensor) -> torch.Tensor:
        if self.size == 0:
            return images
        out = []
        for img in images.detach():
            img = img[None]
            if len(self.images) < self.size:
                self.images.append(img)
                out.append(img)
            elif self.rng.random() < 0.5:
                k = self.rng.randrange(self.size)
                out.append(self.images[k].clone())
                self.images[k] = img
            else:
                out.append(img)
        return torch.cat(out)


def _adv(name: str, pred: torch.Tensor, target_real: bool) -> torch.Tensor:
    """Generator's adversarial term: MSE to 1 for lsgan (the authors' weighting), else the named loss."""
    if name == "lsgan":
        return F.mse_loss(pred, torch.full_like(pred, 1.0 if target_real else 0.0))
    return L.g_loss(name, pred)


def _each(net, *batches: torch.Tensor | None) -> list[torch.Tensor | None]:
    """[net(x) for x in batches] from one call on the batches stacked (None stays None). The same as
    separate calls for networks that treat each picture alone (InstanceNorm, no BatchNorm), and faster:
    CycleGAN trains on one picture at a time, and a CPU convolves a few pictures at once more efficiently."""
    given = [x for x in batches if x is not None]
    out = iter(net(torch.cat(given)).split([len(x) for x in given]) if len(given) > 1 else [net(given[0])])
    return [None if x is None else next(out) for x in batches]


class CycleGANTrainer(GANTrainer):
    loss_names = ("G", "D", "adv", "cycle", "identity", "lr")
    channels_last = False    # no faster here (bench/train_throughput.py), and see Engine.place on batches of one
    DEFAULTS = dict(dataset="summer2winter", steps=2000, batch_size=1, lr_g=2e-4, lr_d=2e-4, loss="lsgan",
                    sample_every=100, img_size=64)

    def __init__(self, cfg: CycleGANConfig, loss: str = "lsgan", lr_g: float = 2e-4, lr_d: float = 2e-4,
                 lambda_cycle: float = 10.0, lambda_identity: float = 0.5, pool_size: int = 50,
                 total_steps: int | None = None, n_samples: int = 8, sample_seed: int = 0):
        if loss == "wgan-gp":
            raise ValueError("CycleGAN here supports lsgan (the paper's), nonsaturating or hinge, not wgan-gp")
        self.cfg, self.loss = cfg, L.check_loss(loss)
        if sorted(cfg.directions) != sorted(["AtoB", "BtoA"]):
            raise ValueError("training a CycleGAN needs both directions")
        self.lambda_cycle, self.lambda_identity = lambda_cycle, lambda_identity
        self.total_steps = int(total_steps or self.DEFAULTS["steps"])
        G, D_A, D_B = Generator(cfg), Discriminator(cfg), Discriminator(cfg)
        for net in (G, D_A, D_B):
            init_weights(net)
        self.nets = {"G": G, "D_A": D_A, "D_B": D_B}
        self.optimizers = {"G": adam(G.parameters(), lr_g),
                           "D": adam(list(D_A.parameters()) + list(D_B.parameters()), lr_d)}
        self.keep_initial_lrs()
        self.pool_a, self.pool_b = ImagePool(pool_size, sample_seed), ImagePool(pool_size, sample_seed + 1)
        self._fixed: dict[str, torch.Tensor] | None = None
        self.n_samples, self.sample_seed = n_samples, sample_seed

    # ---------------------------------------------------------------- one step

    def step(self, batch: dict) -> dict[str, torch.Tensor | float]:
        G, D_A, D_B = self.nets["G"], self.nets["D_A"], self.nets["D_B"]
        G_AB, G_BA = G.G_AB, G.G_BA
        a, b = batch["A"], batch["B"]                           # (N, 3, S, S) each, unpaired
        lr = self.decay_lrs()
        use_idt = self.lambda_identity > 0

        # Generators: fool both discriminators, come back after a round trip, leave the target domain alone.
        # Every layer works on each picture alone (InstanceNorm), so each generator's inputs go through in one
        # batch: G(a), G(b); then F(b), F(a) and F(G(a)); then G(F(b)).
        fake_b, idt_b = _each(G_AB, a, b if use_idt else None)
        fake_a, idt_a, rec_a = _each(G_BA, b, a if use_idt else None, fake_b)
        (rec_b,) = _each(G_AB, fake_a)
        with frozen(D_A, D_B):
            adv = _adv(self.loss, D_B(fake_b), True) + _adv(self.loss, D_A(fake_a), True)
            cyc = L.cycle_loss(rec_a, a) + L.cycle_loss(rec_b, b)
            loss_g = adv + self.lambda_cycle * cyc
            idt = loss_g.new_zeros(())
            if use_idt:
                idt = L.identity_loss(idt_b, b) + L.identity_loss(idt_a, a)
                loss_g = loss_g + self.lambda_cycle * self.lambda_identity * idt
            self.update("G", loss_g)

        # Discriminators: real vs. fakes drawn from the history pools (reals and fakes in one batch each).
        pool_b, pool_a = self.pool_b.query(fake_b), self.pool_a.query(fake_a)
        real_b, fake_b_d = _each(D_B, b, pool_b)
        real_a, fake_a_d = _each(D_A, a, pool_a)
        loss_d_b = L.d_loss(self.loss, real_b, fake_b_d)
        loss_d_a = L.d_loss(self.loss, real_a, fake_a_d)
        if self.loss != "lsgan":        # losses.py's lsgan already carries the paper's 1/2
            loss_d_b, loss_d_a = 0.5 * loss_d_b, 0.5 * loss_d_a
        loss_d = loss_d_a + loss_d_b
        self.update("D", loss_d)
        return {"G": loss_g.detach(), "D": loss_d.detach(), "adv": adv.detach(), "cycle": cyc.detach(),
                "identity": idt.detach(), "lr": lr}

    # ---------------------------------------------------------------- samples

    def fixed_batch(self) -> dict[str, torch.Tensor]:
        """Held-out pictures (evaluation seeds, never trained on): n summer and n winter."""
        if self._fixed is None:
            from ..datasets.landscapes import LandscapeDataset
            from ..datasets.unpaired import SEED_EVAL

            n, size = self.n_samples, self.cfg.img_size
            da = LandscapeDataset(size=size, length=n, seed=SEED_EVAL + self.sample_seed, season="summer", cache=False)
            db = LandscapeDataset(size=size, length=n, seed=SEED_EVAL + self.sample_seed + 1, season="winter",
                                  cache=False)
            self._fixed = {"A": torch.stack([da[i]["image"] for i in range(n)]).to(self.device),
                           "B": torch.stack([db[i]["image"] for i in range(n)]).to(self.device)}
        return self._fixed

    def sample_fn(self, G) -> torch.Tensor:
        """Rows (of n): A, G(A), F(G(A)), B, F(B), G(F(B)) - save with nrow=n."""
        fx = self.fixed_batch()
        a, b = fx["A"], fx["B"]
        fake_b, fake_a = G(a, "AtoB"), G(b, "BtoA")
        return torch.cat([a, fake_b, G(fake_b, "BtoA"), b, fake_a, G(fake_a, "AtoB")])
