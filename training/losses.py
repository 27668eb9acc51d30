"""GAN losses as free functions on logits / images.

Names used by the CLI and the training tab (LOSSES):
    "nonsaturating"  Goodfellow et al. 2014, the -log D(G(z)) generator variant
    "hinge"          Lim & Ye 2017; Miyato et al. 2018 (SN-GAN, SPADE)
    "lsgan"          Mao et al. 2017, least squares (CycleGAN)
    "wgan-gp"        Gulrajani et al. 2017, Wasserstein with gradient penalty
and two more that the 2-D playground shows (ALL_LOSSES):
    "minimax"        Goodfellow et al. 2014, the saturating log(1 - D(G(z))) generator loss of the game itself
    "wgan"           Arjovsky et al. 2017, Wasserstein with the critic's weights clipped (clip_weights)
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

LOSSES = ("nonsaturating", "hinge", "lsgan", "wgan-gp")
ALL_LOSSES = ("minimax", "nonsaturating", "lsgan", "hinge", "wgan", "wgan-gp")


# A G loss beyond this means the run is lost, not slow: non-saturating G = E[softplus(-D(G(z)))], so 100
# is D(G(z)) < e^-100 on average (a DCGAN at lr 1.0 sat at 2207 with D at 0 for good). The other
# losses are bounded by the loop's general limit only (their scales vary more with the critic).
G_LIMITS = {"nonsaturating": 100.0}


def g_loss_limit(name: str | None) -> float | None:
    return G_LIMITS.get(name or "")


def check_loss(name: str) -> str:
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}")
    return name


def d_loss(name: str, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """Discriminator loss from logits on real and fake samples (lower is better for D)."""
    if name in ("minimax", "nonsaturating"):      # -log D(x) - log(1 - D(G(z))), D = sigmoid(logit)
        return F.softplus(-real).mean() + F.softplus(fake).mean()
    if name == "hinge":
        return F.relu(1 - real).mean() + F.relu(1 + fake).mean()
    if name == "lsgan":
        return 0.5 * ((real - 1) ** 2).mean() + 0.5 * (fake ** 2).mean()
    if name in ("wgan", "wgan-gp"):
        return fake.mean() - real.mean()
    raise ValueError(f"unknown loss {name!r}")


def g_loss(name: str, fake: torch.Tensor) -> torch.Tensor:
    """Generator loss from the discriminator's logits on fakes."""
    if name == "nonsaturating":                    # -log D(G(z))
        return F.softplus(-fake).mean()
    if name == "minimax":                          # log(1 - D(G(z))): flat where D rejects the fakes
        return -F.softplus(fake).mean()
    if name in ("hinge", "wgan", "wgan-gp"):
        return -fake.mean()
    if name == "lsgan":
        return 0.5 * ((fake - 1) ** 2).mean()
    raise ValueError(f"unknown loss {name!r}")


def gradient_penalty(D, real: torch.Tensor, fake: torch.Tensor,
                     generator: torch.Generator | None = None) -> torch.Tensor:
    """WGAN-GP: E[(||grad D(x_hat)||_2 - 1)^2] on random interpolates x_hat (drawn from `generator` if given)."""
    eps = torch.rand(real.shape[0], *([1] * (real.dim() - 1)), device=real.device, generator=generator)
    x = (eps * real + (1 - eps) * fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(D(x).sum(), x, create_graph=True)
    return ((grad.flatten(1).norm(dim=1) - 1) ** 2).mean()


@torch.no_grad()
def clip_weights(module: torch.nn.Module, c: float) -> None:
    """WGAN (Arjovsky et al. 2017): clamp every critic parameter to [-c, c] after each critic update."""
    for p in module.parameters():
        p.clamp_(-c, c)


def r1_penalty(real_logits: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
    """R1 (Mescheder et al. 2018): E[||grad D(x)||^2] on reals; `real` must require grad."""
    (grad,) = torch.autograd.grad(real_logits.sum(), real, create_graph=True)
    return grad.pow(2).flatten(1).sum(1).mean()


def cycle_loss(reconstructed: torch.Tensor, original: torch.Tensor) -> torch.Tensor:
    """CycleGAN cycle consistency ||F(G(a)) - a||_1."""
    return F.l1_loss(reconstructed, original)


def identity_loss(same: torch.Tensor, original: torch.Tensor) -> torch.Tensor:
    """CycleGAN identity term ||G(b) - b||_1."""
    return F.l1_loss(same, original)


def categorical_mi_loss(logits: torch.Tensor, codes: torch.Tensor) -> torch.Tensor:
    """InfoGAN: -E[log Q(c|x)] for a categorical code given as class indices (N,)."""
    return F.cross_entropy(logits, codes)


def gaussian_mi_loss(mean: torch.Tensor, log_std: torch.Tensor, codes: torch.Tensor) -> torch.Tensor:
    """InfoGAN: Gaussian negative log likelihood of continuous codes under Q (constants dropped)."""
    return (log_std + 0.5 * ((codes - mean) / log_std.exp()) ** 2).sum(1).mean()


def class_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """ACGAN: -E[log P(C = c | x)], the auxiliary classifier's cross-entropy on class indices (N,)."""
    return F.cross_entropy(logits, labels)


def mode_seeking_loss(x1: torch.Tensor, x2: torch.Tensor, z1: torch.Tensor, z2: torch.Tensor,
                      eps: float = 1e-5) -> torch.Tensor:
    """Mode seeking (Mao et al. 2019, MSGAN, arXiv:1903.05628): 1 / (|G(z1, y) - G(z2, y)| / |z1 - z2|), so that
    two noises of the same class give different pictures (lower is more diverse)."""
    ratio = (x1 - x2).abs().mean() / (z1 - z2).abs().mean()
    return 1.0 / (ratio + eps)


def kl_loss(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, sigma) || N(0, 1)) summed over dims, averaged over the batch (SPADE's encoder)."""
    return (-0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(1)).mean()


def l1(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """F.l1_loss(a, b) (the mean absolute difference), written as a sum over the elements divided by
    their count: its gradient then keeps a's memory layout (a channels-last network, training/engine.py),
    where mean()'s backward hands back the default layout, and the elementwise backwards it flows into
    (LeakyReLU's, tanh's) run several times slower over mixed layouts on a CPU. Computed in fp32 (a
    no-op for fp32 tensors), as autocast runs F.l1_loss."""
    return (a.float() - b.float()).abs().sum() / a.numel()


def feature_matching_loss(fake_feats, real_feats) -> torch.Tensor:
    """pix2pixHD/SPADE: L1 between discriminator features of fake and real (lists of tensors)."""
    terms = [l1(f, r.detach()) for f, r in zip(fake_feats, real_feats)]
    return sum(terms) / max(len(terms), 1)
