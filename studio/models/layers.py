"""Blocks shared by the model families.

Every family file builds from these so that a student reading one file sees the
same vocabulary everywhere: up/down conv blocks, optional spectral norm, and the
latent helpers (seeded Gaussian codes, truncation).
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
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


# ---------------------------------------------------------------------------- SPADE (Park et al. 2019)

def one_hot_labels(label: torch.Tensor, num_classes: int) -> torch.Tensor:
    """(N, H, W) integer classes -> (N, K, H, W) float one-hot; a (N, K, H, W) input passes through."""
    if label.dim() == 4:
        if label.shape[1] != num_classes:
            raise ValueError(f"one-hot label map has {label.shape[1]} channels, the model has {num_classes} classes")
        return label.float()
    if label.dim() != 3:
        raise ValueError(f"label map must be (N, H, W) class indices or (N, K, H, W) one-hot, got {tuple(label.shape)}")
    label = label.long()
    if label.numel() and (int(label.min()) < 0 or int(label.max()) >= num_classes):
        raise ValueError(f"label map has classes outside 0..{num_classes - 1}")
    return torch.nn.functional.one_hot(label, num_classes).permute(0, 3, 1, 2).float()


class SPADE(nn.Module):
    """Spatially-adaptive (de)normalisation: (N, C, H, W), seg (N, K, h, w) -> (N, C, H, W).

    The activations are normalised without a learned affine (BatchNorm), then modulated per
    pixel: norm(x) * (1 + gamma(seg)) + beta(seg), where gamma and beta are predicted by a
    small conv net from the label map resized (nearest) to x's resolution. A uniform label
    region thus keeps its meaning after normalisation, which a norm layer with one scale and
    bias per channel would wash away.
    """

    def __init__(self, channels: int, label_nc: int, hidden: int = 32, kernel: int = 3):
        super().__init__()
        pad = kernel // 2
        self.norm = nn.BatchNorm2d(channels, affine=False)
        self.shared = nn.Sequential(nn.Conv2d(label_nc, hidden, kernel, 1, pad), nn.ReLU(inplace=True))
        self.gamma = nn.Conv2d(hidden, channels, kernel, 1, pad)
        self.beta = nn.Conv2d(hidden, channels, kernel, 1, pad)

    def forward(self, x: torch.Tensor, seg: torch.Tensor) -> torch.Tensor:
        seg = torch.nn.functional.interpolate(seg, size=x.shape[2:], mode="nearest")   # (N, K, H, W)
        a = self.shared(seg)                                                          # (N, hidden, H, W)
        return self.norm(x) * (1 + self.gamma(a)) + self.beta(a)


class SPADEResBlock(nn.Module):
    """SPADE residual block: (N, cin, H, W), seg -> (N, cout, H, W).

    main path  SPADE -> LeakyReLU(0.2) -> conv3x3 -> SPADE -> LeakyReLU -> conv3x3
    shortcut   identity, or SPADE -> conv1x1 when cin != cout. Convs optionally spectral-normed.
    """

    def __init__(self, cin: int, cout: int, label_nc: int, hidden: int = 32, sn: bool = True):
        super().__init__()
        mid = min(cin, cout)
        self.learned_shortcut = cin != cout
        self.norm_0, self.conv_0 = SPADE(cin, label_nc, hidden), maybe_sn(nn.Conv2d(cin, mid, 3, 1, 1), sn)
        self.norm_1, self.conv_1 = SPADE(mid, label_nc, hidden), maybe_sn(nn.Conv2d(mid, cout, 3, 1, 1), sn)
        if self.learned_shortcut:
            self.norm_s = SPADE(cin, label_nc, hidden)
            self.conv_s = maybe_sn(nn.Conv2d(cin, cout, 1, bias=False), sn)
        self.act = nn.LeakyReLU(0.2)

    def forward(self, x: torch.Tensor, seg: torch.Tensor) -> torch.Tensor:
        skip = self.conv_s(self.norm_s(x, seg)) if self.learned_shortcut else x
        dx = self.conv_0(self.act(self.norm_0(x, seg)))
        dx = self.conv_1(self.act(self.norm_1(dx, seg)))
        return skip + dx


# ----------------------------------------------------------------------------- StyleGAN2 blocks
# Equalized learning rate (Karras et al. 2018, ProGAN): weights are stored ~N(0, 1/lr_mul) and
# scaled at runtime by lr_mul/sqrt(fan_in), so Adam's step size is the same for every layer.

class EqualLinear(nn.Module):
    """(N, cin) -> (N, cout); equalized lr; `lr_mul` < 1 slows a layer down (StyleGAN's mapping: 0.01)."""

    def __init__(self, cin: int, cout: int, bias_init: float = 0.0, lr_mul: float = 1.0, act: bool = False):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(cout, cin) / lr_mul)
        self.bias = nn.Parameter(torch.full((cout,), float(bias_init) / lr_mul))
        self.scale, self.lr_mul, self.act = lr_mul / math.sqrt(cin), lr_mul, act

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.linear(x, self.weight * self.scale, self.bias * self.lr_mul)
        return F.leaky_relu(x, 0.2) * math.sqrt(2) if self.act else x


class EqualConv2d(nn.Module):
    """(N, cin, H, W) -> (N, cout, H, W), 'same' padding, equalized lr, optional LeakyReLU(0.2)*sqrt(2)."""

    def __init__(self, cin: int, cout: int, kernel: int = 3, act: bool = True):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(cout, cin, kernel, kernel))
        self.bias = nn.Parameter(torch.zeros(cout))
        self.scale, self.act = 1 / math.sqrt(cin * kernel * kernel), act

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.conv2d(x, self.weight * self.scale, self.bias, padding=self.weight.shape[-1] // 2)
        return F.leaky_relu(x, 0.2) * math.sqrt(2) if self.act else x


def modulate_weight(weight: torch.Tensor, styles: torch.Tensor, demodulate: bool = True,
                    eps: float = 1e-8) -> torch.Tensor:
    """StyleGAN2 weight (de)modulation, written out for reading and testing.

    weight (O, I, k, k), styles (N, I) -> per-sample weights (N, O, I, k, k):
        w'_{oik} = s_i w_{oik};   w''_{oik} = w'_{oik} / sqrt(sum_{i,k} w'_{oik}^2 + eps)
    Demodulation makes each output channel unit-variance for unit-variance inputs, which
    replaces StyleGAN1's AdaIN (instance norm + style scale) without its droplet artefacts.
    """
    w = weight[None] * styles[:, None, :, None, None]
    if demodulate:
        w = w * torch.rsqrt(w.pow(2).sum(dim=(2, 3, 4), keepdim=True) + eps)
    return w


class ModulatedConv2d(nn.Module):
    """StyleGAN2's modulated convolution (Karras et al. 2020, arXiv:1912.04958, Sec. 2.2).

    x (N, cin, H, W), w (N, w_dim) -> (N, cout, H', W') with H' = 2H if up else H.
    The style s = A(w) (an affine layer, bias 1) scales the input channels of the kernel,
    demodulation renormalises each output channel. Computed without per-sample kernels:
    conv(x * s) * d equals conv with the (de)modulated kernel, and shares one conv for the batch.
    """

    def __init__(self, cin: int, cout: int, w_dim: int, kernel: int = 3, demodulate: bool = True,
                 up: bool = False):
        super().__init__()
        self.affine = EqualLinear(w_dim, cin, bias_init=1.0)
        self.weight = nn.Parameter(torch.randn(cout, cin, kernel, kernel))
        self.scale = 1 / math.sqrt(cin * kernel * kernel)
        self.demodulate, self.up = demodulate, up

    def forward(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        s = self.affine(w)                                        # (N, cin)
        weight = self.weight * self.scale                          # (cout, cin, k, k)
        if self.up:
            x = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
        x = F.conv2d(x * s[:, :, None, None], weight, padding=weight.shape[-1] // 2)
        if self.demodulate:                                        # d_o = 1/sqrt(sum_{i,k} (w_oik s_i)^2)
            d = torch.rsqrt((weight.pow(2).sum(dim=(2, 3))[None] * s[:, None, :].pow(2)).sum(2) + 1e-8)
            x = x * d[:, :, None, None]                            # (N, cout)
        return x


class StyleNorm(nn.Module):
    """StyleGAN1's AdaIN (arXiv:1812.04948 eq. 1) in front of a modulated conv: normalise each feature
    map of each image, then add a per-channel bias from w; the style's scale is the modulation of the
    conv that follows. The normalisation wipes the statistics earlier styles gave each channel, so
    "each style controls only one convolution" (StyleGAN1 Sec. 3.1), colours included."""

    def __init__(self, cin: int, w_dim: int):
        super().__init__()
        self.affine = EqualLinear(w_dim, cin)                        # w (N, w_dim) -> bias (N, cin)

    def forward(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        return F.instance_norm(x, eps=1e-5) + self.affine(w)[:, :, None, None]


class StyledConv(nn.Module):
    """[AdaIN] + modulated conv + per-pixel noise (learned strength) + bias + LeakyReLU: one StyleGAN2
    layer (with adain=True the input is first normalised as in StyleGAN1, see StyleNorm)."""

    def __init__(self, cin: int, cout: int, w_dim: int, resolution: int, up: bool = False, adain: bool = False):
        super().__init__()
        self.norm = StyleNorm(cin, w_dim) if adain else None
        self.conv = ModulatedConv2d(cin, cout, w_dim, 3, up=up)
        self.noise_strength = nn.Parameter(torch.zeros(()))
        self.register_buffer("noise_const", torch.randn(1, 1, resolution, resolution))
        self.bias = nn.Parameter(torch.zeros(cout))

    def forward(self, x: torch.Tensor, w: torch.Tensor, noise_mode: str = "random") -> torch.Tensor:
        if self.norm is not None:
            x = self.norm(x, w)
        x = self.conv(x, w)
        if noise_mode == "random":
            x = x + self.noise_strength * torch.randn(x.shape[0], 1, *x.shape[2:], device=x.device)
        elif noise_mode == "const":
            x = x + self.noise_strength * self.noise_const
        elif noise_mode != "none":
            raise ValueError(f"noise_mode must be 'const', 'random' or 'none', got {noise_mode!r}")
        return F.leaky_relu(x + self.bias[None, :, None, None], 0.2) * math.sqrt(2)


class ToRGB(nn.Module):
    """[AdaIN] + 1x1 modulated conv without demodulation: features -> an RGB contribution, styled by w."""

    def __init__(self, cin: int, w_dim: int, channels: int = 3, adain: bool = False):
        super().__init__()
        self.norm = StyleNorm(cin, w_dim) if adain else None
        self.conv = ModulatedConv2d(cin, channels, w_dim, kernel=1, demodulate=False)
        self.bias = nn.Parameter(torch.zeros(channels))

    def forward(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        if self.norm is not None:
            x = self.norm(x, w)
        return self.conv(x, w) + self.bias[None, :, None, None]
