"""StyleGAN (Karras, Laine & Aila, "A Style-Based Generator Architecture for Generative
Adversarial Networks", CVPR 2019, arXiv:1812.04948) with the StyleGAN2 generator
(Karras et al., "Analyzing and Improving the Image Quality of StyleGAN", CVPR 2020,
arXiv:1912.04958), scaled down for a CPU.

Generator = mapping network + synthesis network:
    z (N, z_dim) --mapping MLP (lr x0.01)--> w (N, w_dim) --broadcast--> ws (N, num_ws, w_dim)
    learned constant 4x4 --[StyledConv]--> 4x4 --[up StyledConv, StyledConv]--> 8x8 ... img_size
Each layer reads its own style ws[:, i] through a modulated/demodulated convolution. With
architecture="skip" (StyleGAN2's default) each resolution adds its ToRGB output to the upsampled
image so far; with "orig" (StyleGAN1's output, also an option in StyleGAN2's code) only the last
resolution has a ToRGB, so every colour passes through the finest layers and their styles.

ws index i feeds (for img_size 64, num_ws = 10):
    0: conv 4x4      1: toRGB 4x4 + conv-up 8x8      2: conv 8x8      3: toRGB 8 + conv-up 16
    4: conv 16x16    5: toRGB 16 + conv-up 32        6: conv 32x32    7: toRGB 32 + conv-up 64
    8: conv 64x64    9: toRGB 64
(with architecture="orig" the toRGBs of 4..32 px do not exist; ws 1, 3, 5, 7 feed only the conv-ups)
Style mixing replaces a range of these indices with another seed's w.

w_avg (a buffer) is the running mean of mapped w's during training; truncation pulls
w towards it: w' = w_avg + psi (w - w_avg).

Discriminator: residual blocks (StyleGAN2's "resnet" D) + minibatch standard deviation.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .layers import truncate

NOISE_MODES = ("const", "random", "none")


@dataclass
class StyleGANConfig:
    z_dim: int = 64
    w_dim: int = 128
    mapping_layers: int = 4
    mapping_lr_mul: float = 0.01
    img_size: int = 64           # a power of two >= 8
    channels: int = 3
    channel_base: int = 2048     # channels at resolution r: min(channel_max, channel_base // r)
    channel_max: int = 128
    channel_list: list[int] | None = None   # explicit G channels for 4, 8, ..., img_size px (overrides base/max)
    d_channel_base: int = 2048
    d_channel_max: int = 128
    w_avg_beta: float = 0.995    # EMA of the mapped w's (for truncation)
    architecture: str = "skip"   # generator output: "skip" (sum of every resolution's ToRGB) or "orig" (last only)
    adain: str = "none"          # StyleGAN1's instance norm + style bias (StyleNorm) before: "none", "all"
                                 # styled layers, or only the "torgb" layer(s)

    def __post_init__(self):
        if self.img_size < 8 or self.img_size & (self.img_size - 1):
            raise ValueError(f"img_size must be a power of two >= 8, got {self.img_size}")
        if self.architecture not in ("skip", "orig"):
            raise ValueError(f"architecture must be 'skip' or 'orig', got {self.architecture!r}")
        if self.adain not in ("none", "all", "torgb"):
            raise ValueError(f"adain must be 'none', 'all' or 'torgb', got {self.adain!r}")
        if self.channel_list is not None:
            self.channel_list = [int(c) for c in self.channel_list]
            if len(self.channel_list) != len(self.resolutions) or min(self.channel_list) < 1:
                raise ValueError(f"channel_list needs one positive width per resolution {self.resolutions}, "
                                 f"got {self.channel_list}")

    @property
    def resolutions(self) -> list[int]:
        return [2 ** i for i in range(2, self.img_size.bit_length())]   # [4, 8, ..., img_size]

    @property
    def num_ws(self) -> int:
        return 2 * len(self.resolutions)   # one conv at 4x4, two per later resolution, + the last toRGB

    def g_ch(self, res: int) -> int:
        if self.channel_list is not None:
            return self.channel_list[res.bit_length() - 3]   # 4 px -> [0], 8 px -> [1], ...
        return min(self.channel_max, self.channel_base // res)

    def d_ch(self, res: int) -> int:
        return min(self.d_channel_max, self.d_channel_base // res)


TRAINING_FIELDS = ("mixing_prob", "r1_gamma", "r1_every", "ema_kimg")   # in configs of format 1


def upgrade_config(data: dict, version: int) -> dict:
    """config.json of format 1 also held the trainer's settings; they are the trainer's options now
    (training/steps/stylegan.py), so an older folder loads with them dropped."""
    return {k: v for k, v in data.items() if k not in TRAINING_FIELDS}


def ws_resolution(cfg: StyleGANConfig, i: int) -> int:
    """The resolution whose convolutions read style index i (toRGB of the previous one shares it)."""
    return min(4 * 2 ** ((i + 1) // 2), cfg.img_size)


def style_groups(cfg: StyleGANConfig) -> dict[str, list[int]]:
    """Style-mixing presets: coarse = 4-8 px layers (pose, shape), middle = 16 px (features),
    fine = 32 px and up (colours, texture), after Karras et al. 2019 Sec. 3.1, scaled to small images."""
    res = [ws_resolution(cfg, i) for i in range(cfg.num_ws)]
    return {"coarse": [i for i, r in enumerate(res) if r <= 8],
            "middle": [i for i, r in enumerate(res) if r == 16],
            "fine": [i for i, r in enumerate(res) if r >= 32],
            "all": list(range(cfg.num_ws))}


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


# ----------------------------------------------------------------------------- networks

class MappingNetwork(nn.Module):
    """z (N, z_dim) -> w (N, w_dim): normalise z, then an MLP with 100x slower learning rate."""

    def __init__(self, cfg: StyleGANConfig):
        super().__init__()
        dims = [cfg.z_dim] + [cfg.w_dim] * cfg.mapping_layers
        self.net = nn.Sequential(*[EqualLinear(a, b, lr_mul=cfg.mapping_lr_mul, act=True)
                                   for a, b in zip(dims[:-1], dims[1:])])

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        z = z * torch.rsqrt(z.pow(2).mean(1, keepdim=True) + 1e-8)   # pixel norm of the code
        return self.net(z)


class SynthesisNetwork(nn.Module):
    """ws (N, num_ws, w_dim) -> image (N, channels, img_size, img_size), unbounded (about [-1, 1])."""

    def __init__(self, cfg: StyleGANConfig):
        super().__init__()
        self.num_ws, self.skip = cfg.num_ws, cfg.architecture == "skip"
        r0 = cfg.resolutions[0]
        self.const = nn.Parameter(torch.randn(1, cfg.g_ch(r0), r0, r0))      # learned constant input
        conv = functools.partial(StyledConv, w_dim=cfg.w_dim, adain=cfg.adain == "all")
        self.convs = nn.ModuleList([conv(cfg.g_ch(r0), cfg.g_ch(r0), resolution=r0)])
        # "skip": a ToRGB per resolution; "orig": only the last one (keyed by block, as the skip list was)
        self.torgbs = nn.ModuleDict()
        for b, res in enumerate(cfg.resolutions):
            if b:
                prev = cfg.resolutions[b - 1]
                self.convs.append(conv(cfg.g_ch(prev), cfg.g_ch(res), resolution=res, up=True))
                self.convs.append(conv(cfg.g_ch(res), cfg.g_ch(res), resolution=res))
            if self.skip or res == cfg.img_size:
                self.torgbs[str(b)] = ToRGB(cfg.g_ch(res), cfg.w_dim, cfg.channels, adain=cfg.adain != "none")
        self.n_blocks = len(cfg.resolutions)

    def forward(self, ws: torch.Tensor, noise_mode: str = "const") -> torch.Tensor:
        if noise_mode not in NOISE_MODES:
            raise ValueError(f"noise_mode must be one of {', '.join(NOISE_MODES)}, got {noise_mode!r}")
        if ws.dim() != 3 or ws.shape[1] != self.num_ws:
            raise ValueError(f"ws must be (N, {self.num_ws}, w_dim), got {tuple(ws.shape)}")
        x = self.const.expand(ws.shape[0], -1, -1, -1)
        x = self.convs[0](x, ws[:, 0], noise_mode)                   # 4x4
        img = self.torgbs["0"](x, ws[:, 1]) if self.skip else None
        for b in range(1, self.n_blocks):                            # block b: resolution 4 * 2**b
            i = 2 * b - 1
            x = self.convs[i](x, ws[:, i], noise_mode)               # upsampling conv
            x = self.convs[i + 1](x, ws[:, i + 1], noise_mode)
            if self.skip:                                            # skip: sum of toRGB outputs
                img = F.interpolate(img, scale_factor=2, mode="bilinear", align_corners=False)
                img = img + self.torgbs[str(b)](x, ws[:, i + 2])
        return img if self.skip else self.torgbs[str(self.n_blocks - 1)](x, ws[:, -1])


class Generator(nn.Module):
    family = "stylegan"

    def __init__(self, cfg: StyleGANConfig):
        super().__init__()
        self.config = cfg
        self.z_dim, self.w_dim, self.num_ws = cfg.z_dim, cfg.w_dim, cfg.num_ws
        self.mapping = MappingNetwork(cfg)
        self.synthesis = SynthesisNetwork(cfg)
        self.register_buffer("w_avg", torch.zeros(cfg.w_dim))        # running mean of w (truncation centre)

    def map(self, z: torch.Tensor, truncation: float = 1.0, update_w_avg: bool = False) -> torch.Tensor:
        """z (N, z_dim) -> ws (N, num_ws, w_dim), truncated towards w_avg when truncation != 1."""
        w = self.mapping(z)
        if update_w_avg:
            self.w_avg.copy_(w.detach().mean(0).to(self.w_avg.dtype).lerp(self.w_avg, self.config.w_avg_beta))
        if truncation != 1.0:
            w = truncate(w, truncation, self.w_avg)
        return w[:, None].repeat(1, self.num_ws, 1)

    def forward(self, z: torch.Tensor, truncation: float = 1.0, noise_mode: str = "const") -> torch.Tensor:
        """(N, z_dim) -> (N, channels, img_size, img_size) in [-1, 1]."""
        return self.synthesis(self.map(z, truncation), noise_mode).clamp(-1, 1)


class DBlock(nn.Module):
    """(N, cin, H, W) -> (N, cout, H/2, W/2): two 3x3 convs + a 1x1 residual path, averaged by 1/sqrt(2)."""

    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.conv0, self.conv1 = EqualConv2d(cin, cin), EqualConv2d(cin, cout)
        self.skip = EqualConv2d(cin, cout, kernel=1, act=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.avg_pool2d(self.conv1(self.conv0(x)), 2)
        return (y + self.skip(F.avg_pool2d(x, 2))) / math.sqrt(2)


class Discriminator(nn.Module):
    def __init__(self, cfg: StyleGANConfig):
        super().__init__()
        self.config = cfg
        res = cfg.resolutions[::-1]                                   # [img_size, ..., 4]
        self.from_rgb = EqualConv2d(cfg.channels, cfg.d_ch(res[0]), kernel=1)
        self.blocks = nn.Sequential(*[DBlock(cfg.d_ch(a), cfg.d_ch(b)) for a, b in zip(res[:-1], res[1:])])
        c4 = cfg.d_ch(4)
        self.conv = EqualConv2d(c4 + 1, c4)                           # +1: minibatch std channel
        self.fc = EqualLinear(c4 * 16, c4, act=True)
        self.out = EqualLinear(c4, 1)

    @staticmethod
    def minibatch_std(x: torch.Tensor, group: int = 4) -> torch.Tensor:
        """Append the mean std over groups of samples as a feature map (ProGAN): fights mode collapse."""
        n, c, h, w = x.shape
        g = min(group, n) if n % min(group, n) == 0 else 1
        y = x.reshape(g, -1, c, h, w).var(0, unbiased=False).add(1e-8).sqrt().mean(dim=(1, 2, 3))  # (n/g,)
        y = y.repeat(g)[:, None, None, None].expand(n, 1, h, w)
        return torch.cat([x, y], 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C, S, S) -> (N,) logits."""
        x = self.blocks(self.from_rgb(x))                              # (N, c4, 4, 4)
        x = self.conv(self.minibatch_std(x))
        return self.out(self.fc(x.flatten(1))).flatten()
