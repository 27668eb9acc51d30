"""InfoGAN: Chen, Duan, Houthooft, Schulman, Sutskever & Abbeel, "InfoGAN: Interpretable
Representation Learning by Information Maximizing Generative Adversarial Nets", NeurIPS 2016
(arXiv:1606.03657).

The generator's input is split into incompressible noise z and latent codes c: here one
categorical code (n_cat values, given as a one-hot vector) and n_cont continuous codes
(sampled from U(-1, 1) in training). InfoGAN maximises a variational lower bound L_I on the
mutual information I(c; G(z, c)) with an auxiliary distribution Q(c | x) that shares the
discriminator's convolutional trunk:

    min_{G,Q} max_D  V(D, G) - lambda * L_I(G, Q),
    L_I(G, Q) = E_{c ~ P(c), x ~ G(z, c)}[log Q(c | x)] + H(c)

Q outputs logits for the categorical code and a factored Gaussian (mean, log-std) for the
continuous codes. On MNIST the categorical code comes to pick the digit and the continuous
codes come to control slant and stroke width, without any labels.

Generator: [z, one-hot(c_cat), c_cont] -> FC to a 4x4 map (BatchNorm, ReLU) -> transposed-conv
upsampling (BatchNorm, ReLU) -> tanh. Discriminator: strided convs (LeakyReLU 0.2, BatchNorm
except the first) -> trunk features; a linear real/fake head and the Q head
(FC, BatchNorm, LeakyReLU, FC) on the same features.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .layers import DownBlock, Flatten, ToImage, UpBlock, dcgan_init


@dataclass
class InfoGANConfig:
    z_dim: int = 62             # incompressible noise, as in the paper's MNIST model
    n_cat: int = 10             # values of the categorical code (0 disables it)
    n_cont: int = 2             # continuous codes, U(-1, 1) in training
    img_size: int = 32          # a power of two >= 8
    channels: int = 1
    g_width: int = 32           # channels of the last hidden generator layer
    d_width: int = 32           # channels of the first discriminator layer
    q_hidden: int = 128         # hidden units of the Q head
    lambda_cat: float = 1.0     # training weight of the categorical MI term (paper: 1)
    lambda_cont: float = 0.1    # training weight of the continuous MI terms (paper: smaller than 1)
    mi_warmup: int = 0          # training: G gets no MI gradient for this many steps, then a linear ramp
                                # over as many again (Q always learns); 0 = the paper's schedule

    def __post_init__(self):
        if self.img_size < 8 or self.img_size & (self.img_size - 1):
            raise ValueError(f"img_size must be a power of two >= 8, got {self.img_size}")
        if self.n_cat < 0 or self.n_cont < 0 or self.n_cat == 1:
            raise ValueError(f"need n_cat = 0 or >= 2 and n_cont >= 0, got n_cat={self.n_cat}, n_cont={self.n_cont}")
        if self.n_cat + self.n_cont == 0:
            raise ValueError("an InfoGAN needs at least one latent code (n_cat or n_cont > 0)")

    @property
    def n_up(self) -> int:
        return self.img_size.bit_length() - 1 - 2  # 4 -> img_size in n_up doublings

    @property
    def input_dim(self) -> int:
        return self.z_dim + self.n_cat + self.n_cont


class Generator(nn.Module):
    family = "infogan"

    def __init__(self, cfg: InfoGANConfig):
        super().__init__()
        self.config = cfg
        self.z_dim, self.n_cat, self.n_cont = cfg.z_dim, cfg.n_cat, cfg.n_cont
        widths = [cfg.g_width * 2 ** i for i in reversed(range(cfg.n_up))]  # e.g. [256, 128, 64]
        self.project = nn.Sequential(  # (N, z + n_cat + n_cont) -> (N, widths[0] * 16)
            nn.Linear(cfg.input_dim, widths[0] * 16, bias=False),
            nn.BatchNorm1d(widths[0] * 16),
            nn.ReLU(inplace=True),
        )
        self.ups = nn.Sequential(*[UpBlock(a, b) for a, b in zip(widths[:-1], widths[1:])])
        self.to_img = ToImage(widths[-1], cfg.channels, 4, 2, 1)  # last doubling
        dcgan_init(self)

    def one_hot(self, c_cat: torch.Tensor | None, n: int) -> torch.Tensor:
        """Class indices (N,) or one-hot rows (N, n_cat) -> (N, n_cat) float."""
        if self.n_cat == 0:
            return torch.zeros(n, 0)
        if c_cat is None:
            raise ValueError(f"this model has a categorical code with {self.n_cat} values; pass c_cat")
        if c_cat.dim() == 2:
            if c_cat.shape[1] != self.n_cat:
                raise ValueError(f"one-hot c_cat must have {self.n_cat} columns, got {tuple(c_cat.shape)}")
            return c_cat.float()
        c_cat = c_cat.long()
        if c_cat.numel() and (c_cat.min() < 0 or c_cat.max() >= self.n_cat):
            raise ValueError(f"category must be between 0 and {self.n_cat - 1}, got {c_cat.tolist()}")
        return F.one_hot(c_cat, self.n_cat).float()

    def forward(self, z: torch.Tensor, c_cat: torch.Tensor | None = None,
                c_cont: torch.Tensor | None = None) -> torch.Tensor:
        """z (N, z_dim), c_cat (N,) long or (N, n_cat) one-hot, c_cont (N, n_cont)
        -> (N, channels, img_size, img_size) in [-1, 1]."""
        n = z.shape[0]
        if c_cont is None:
            c_cont = torch.zeros(n, self.n_cont, device=z.device)
        if c_cont.shape != (n, self.n_cont):
            raise ValueError(f"c_cont must have shape ({n}, {self.n_cont}), got {tuple(c_cont.shape)}")
        x = torch.cat([z, self.one_hot(c_cat, n).to(z), c_cont.to(z)], dim=1)   # (N, input_dim)
        x = self.project(x).view(n, -1, 4, 4)                                  # (N, widths[0], 4, 4)
        return torch.tanh(self.to_img(self.ups(x)))


class Discriminator(nn.Module):
    """D(x) -> real/fake logit; with q=True also Q(c|x): categorical logits, Gaussian mean and log-std."""

    def __init__(self, cfg: InfoGANConfig):
        super().__init__()
        self.config = cfg
        widths = [cfg.d_width * 2 ** i for i in range(cfg.n_up)]  # e.g. [64, 128, 256]
        blocks = [DownBlock(cfg.channels, widths[0], norm=False)]
        blocks += [DownBlock(a, b) for a, b in zip(widths[:-1], widths[1:])]
        self.trunk = nn.Sequential(*blocks, Flatten())        # (N, C, S, S) -> (N, widths[-1] * 16)
        feat = widths[-1] * 16
        self.head = nn.Linear(feat, 1)                        # -> (N, 1) real/fake logit
        self.q = nn.Sequential(                               # the Q head: -> (N, n_cat + 2 n_cont)
            nn.Linear(feat, cfg.q_hidden, bias=False),
            nn.BatchNorm1d(cfg.q_hidden),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(cfg.q_hidden, cfg.n_cat + 2 * cfg.n_cont),
        )
        dcgan_init(self)

    def q_outputs(self, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Trunk features (N, F) -> (cat logits (N, n_cat), mean (N, n_cont), log-std (N, n_cont))."""
        out = self.q(h)
        k, m = self.config.n_cat, self.config.n_cont
        log_std = out[:, k + m:].clamp(-4.0, 2.0)   # keeps the Gaussian likelihood finite early on
        return out[:, :k], out[:, k:k + m], log_std

    def forward(self, x: torch.Tensor, q: bool = False):
        """(N, C, S, S) -> (N,) logits; with q=True -> (logits, cat_logits, mean, log_std)."""
        h = self.trunk(x)
        logits = self.head(h).flatten()
        if not q:
            return logits
        return (logits, *self.q_outputs(h))
