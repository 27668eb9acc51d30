"""Blocks shared by the model families.

Every family file builds from these so that a student reading one file sees the
same vocabulary everywhere: up/down conv blocks, optional spectral norm, and the
latent helpers (seeded Gaussian codes, truncation). A block that only one family uses
lives in that family's file (SPADE in spade.py, modulated convolutions in stylegan.py).
"""
from __future__ import annotations

import torch
from torch import nn


def maybe_sn(module: nn.Module, enabled: bool) -> nn.Module:
    """Wrap a conv/linear in spectral normalisation (Miyato et al. 2018) when enabled."""
    return nn.utils.parametrizations.spectral_norm(module) if enabled else module


class UpBlock(nn.Sequential):
    """(N, cin, H, W) -> (N, cout, 2H, 2W): transposed conv 4x4 stride 2, BatchNorm, ReLU (DCGAN)."""

    def __init__(self, cin: int, cout: int):
        super().__init__(
            nn.ConvTranspose2d(cin, cout, 4, 2, 1, bias=False),
            nn.BatchNorm2d(cout),
            nn.ReLU(inplace=True),
        )


class DownBlock(nn.Sequential):
    """(N, cin, H, W) -> (N, cout, H/2, W/2): conv 4x4 stride 2, optional BatchNorm, LeakyReLU(0.2)."""

    def __init__(self, cin: int, cout: int, norm: bool = True, sn: bool = False):
        layers: list[nn.Module] = [maybe_sn(nn.Conv2d(cin, cout, 4, 2, 1, bias=not norm), sn)]
        if norm:
            layers.append(nn.BatchNorm2d(cout))
        layers.append(nn.LeakyReLU(0.2, inplace=True))
        super().__init__(*layers)


class Flatten(nn.Module):
    """(N, C, H, W) -> (N, C * H * W) in (C, H, W) order, like nn.Flatten, for any memory layout.

    Its backward hands the gradient back in the layout of the input: from a channels-last trunk
    (training/engine.py) the incoming gradient would otherwise be NCHW while the layer before kept
    its output channels-last, and an elementwise backward (LeakyReLU's) over mixed layouts runs
    several times slower than over matching ones on a CPU."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _FlattenKeepLayout.apply(x)


class _FlattenKeepLayout(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        ctx.shape = x.shape
        ctx.channels_last = x.dim() == 4 and not x.is_contiguous() and x.is_contiguous(
            memory_format=torch.channels_last)
        return x.reshape(x.shape[0], -1)

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:
        grad = grad.reshape(ctx.shape)
        return grad.contiguous(memory_format=torch.channels_last) if ctx.channels_last else grad


def dcgan_init(module: nn.Module) -> None:
    """Weight init from the DCGAN paper: N(0, 0.02) for convs, N(1, 0.02) for BatchNorm scales."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            w = m.parametrizations.weight.original if hasattr(m, "parametrizations") else m.weight
            nn.init.normal_(w, 0.0, 0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)


def seeded_normal(seed: int, dim: int) -> torch.Tensor:
    """The latent code of a seed: (dim,) standard normal, identical on every machine."""
    g = torch.Generator().manual_seed(int(seed))
    return torch.randn(dim, generator=g)


def truncate(z: torch.Tensor, psi: float, center: torch.Tensor | None = None) -> torch.Tensor:
    """Truncation trick: pull a latent towards the centre (0 for z, w_avg for StyleGAN's w)."""
    if center is None:
        return z * psi
    return center + psi * (z - center)
