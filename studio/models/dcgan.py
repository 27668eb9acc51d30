"""DCGAN: Radford, Metz & Chintala, "Unsupervised Representation Learning with Deep
Convolutional Generative Adversarial Networks", ICLR 2016 (arXiv:1511.06434).

Generator: z -> 4x4 feature map -> transposed-conv upsampling (BatchNorm, ReLU) -> tanh.
Discriminator: strided convs (LeakyReLU 0.2, BatchNorm except the first) -> one logit.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .layers import DownBlock, ScoreConv2d, ToImage, UpBlock, dcgan_init, maybe_sn, truncate


@dataclass
class DCGANConfig:
    z_dim: int = 64
    img_size: int = 32          # a power of two >= 8
    channels: int = 1           # 1 for MNIST, 3 for colour
    g_width: int = 32           # channels of the last hidden generator layer
    d_width: int = 32           # channels of the first discriminator layer
    spectral_norm: bool = False  # on the discriminator only

    def __post_init__(self):
        if self.img_size < 8 or self.img_size & (self.img_size - 1):
            raise ValueError(f"img_size must be a power of two >= 8, got {self.img_size}")

    @property
    def n_up(self) -> int:
        return self.img_size.bit_length() - 1 - 2  # 4 -> img_size in n_up doublings


class Generator(nn.Module):
    family = "dcgan"

    def __init__(self, cfg: DCGANConfig):
        super().__init__()
        self.config = cfg
        self.z_dim = cfg.z_dim
        widths = [cfg.g_width * 2 ** i for i in reversed(range(cfg.n_up))]  # e.g. [256, 128, 64]
        self.project = nn.Sequential(  # (N, z) -> (N, widths[0], 4, 4)
            nn.ConvTranspose2d(cfg.z_dim, widths[0], 4, 1, 0, bias=False),
            nn.BatchNorm2d(widths[0]),
            nn.ReLU(inplace=True),
        )
        self.ups = nn.Sequential(*[UpBlock(a, b) for a, b in zip(widths[:-1], widths[1:])])
        self.to_img = ToImage(widths[-1], cfg.channels, 4, 2, 1)  # last doubling
        dcgan_init(self)

    def forward(self, z: torch.Tensor, truncation: float = 1.0) -> torch.Tensor:
        """(N, z_dim) -> (N, channels, img_size, img_size) in [-1, 1]."""
        if truncation != 1.0:
            z = truncate(z, truncation)
        x = self.project(z[:, :, None, None])
        return torch.tanh(self.to_img(self.ups(x)))


class Discriminator(nn.Module):
    def __init__(self, cfg: DCGANConfig):
        super().__init__()
        self.config = cfg
        sn = cfg.spectral_norm
        widths = [cfg.d_width * 2 ** i for i in range(cfg.n_up)]  # e.g. [64, 128, 256]
        blocks = [DownBlock(cfg.channels, widths[0], norm=False, sn=sn)]
        blocks += [DownBlock(a, b, norm=not sn, sn=sn) for a, b in zip(widths[:-1], widths[1:])]
        self.trunk = nn.Sequential(*blocks)  # (N, C, S, S) -> (N, widths[-1], 4, 4)
        self.head = maybe_sn(ScoreConv2d(widths[-1], 1, 4, 1, 0), sn)  # -> (N, 1, 1, 1)
        dcgan_init(self)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C, S, S) -> (N,) logits."""
        return self.head(self.trunk(x)).flatten()
