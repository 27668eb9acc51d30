"""SPADE / GauGAN: Park, Liu, Wang & Zhu, "Semantic Image Synthesis with Spatially-Adaptive
Normalization", CVPR 2019 (arXiv:1903.07291).

A label map (one class per pixel) becomes a picture. Normalisation layers (BatchNorm,
InstanceNorm) subtract each channel's mean: fed a label map with a big uniform region, a
plain encoder-decoder loses "which class is here" after the first norm layer. SPADE
instead normalises without an affine and then *modulates* every pixel with a scale
gamma(m) and bias beta(m) predicted from the label map m (studio.models.layers.SPADE).
The generator starts from a style code z (4x4 features) and upsamples through SPADE
residual blocks; the label map enters every block.

Style: a VAE encoder maps a real image to (mu, logvar); training draws
z = mu + sigma * eps and adds KL(q(z|x) || N(0, I)) (weight 0.05), so at test time z can
come from a seed (z ~ N(0, I)), from an uploaded picture (the encoder's mean), or from a
preset (the mean code of a few real images of one style, stored in the config).

Discriminator: multi-scale PatchGAN (pix2pixHD): the same conditional patch classifier
on the image + label map at full and half resolution; its intermediate features also give
the feature-matching loss. Hinge loss, spectral norm everywhere.

arch = "pix2pix" builds the baseline instead: a pix2pixHD-style encoder-decoder with
BatchNorm that sees the label map only at its input (same encoder, discriminator, losses),
so the two can be compared at the same training budget.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from .layers import Flatten, InstanceNorm2d, maybe_sn

DEFAULT_CLASSES = [f"class {i}" for i in range(8)]
DEFAULT_PALETTE = ["#%02x%02x%02x" % tuple(int(255 * (0.5 + 0.5 * math.sin(2.4 * i + k))) for k in (0, 2, 4))
                   for i in range(8)]
ARCHS = ("spade", "pix2pix")


@dataclass
class SPADEConfig:
    z_dim: int = 64
    img_size: int = 64                  # a power of two >= 16
    classes: list[str] = field(default_factory=lambda: list(DEFAULT_CLASSES))
    palette: list[str] = field(default_factory=lambda: list(DEFAULT_PALETTE))   # "#rrggbb", one per class
    channels: int = 3
    arch: str = "spade"                 # "spade" | "pix2pix" (the baseline)
    g_width: int = 12                   # generator channels at full resolution (doubling per halving)
    g_max: int = 96                     # cap on generator channels
    spade_hidden: int = 12              # channels of the conv net predicting gamma, beta
    d_width: int = 16
    d_layers: int = 3
    d_scales: int = 2
    enc_width: int = 8
    spectral_norm: bool = True
    preset_names: list[str] = field(default_factory=list)          # style presets: names ...
    preset_codes: list[list[float]] = field(default_factory=list)  # ... and their z codes (encoder means)
    # What a preset also changes in the label map, when the training data says a style is partly in the labels
    # (the landscapes' winter covers grass, and sand away from the water, with snow): {preset: {class: rule}},
    # rule = {"to": class, optionally "except_near": class, "px": pixels at img_size}.
    preset_relabel: dict[str, dict[str, dict]] = field(default_factory=dict)

    def __post_init__(self):
        if self.img_size < 16 or self.img_size & (self.img_size - 1):
            raise ValueError(f"img_size must be a power of two >= 16, got {self.img_size}")
        if len(self.classes) < 2 or len(self.palette) != len(self.classes):
            raise ValueError(f"need >= 2 classes and one palette colour per class "
                             f"(got {len(self.classes)} classes, {len(self.palette)} colours)")
        if self.arch not in ARCHS:
            raise ValueError(f"arch must be one of {ARCHS}, got {self.arch!r}")
        if len(self.preset_codes) != len(self.preset_names) or any(len(c) != self.z_dim for c in self.preset_codes):
            raise ValueError("preset_codes must hold one z_dim-long code per preset name")
        for name, rules in self.preset_relabel.items():
            named = {c for rule in rules.values() for c in (rule.get("to"), rule.get("except_near")) if c}
            if name not in self.preset_names or not set(rules) | named <= set(self.classes):
                raise ValueError(f"preset_relabel[{name!r}] must name a preset and this model's classes")

    @property
    def num_classes(self) -> int:
        return len(self.classes)

    @property
    def n_up(self) -> int:
        return int(math.log2(self.img_size)) - 2      # 4x4 -> img_size


def hex_to_rgb(color: str) -> tuple[int, int, int]:
    c = color.lstrip("#")
    if len(c) != 6:
        raise ValueError(f"palette colours must be #rrggbb, got {color!r}")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


# ---------------------------------------------------------------------------- SPADE blocks

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
        if seg.shape[2:] != x.shape[2:]:                # SPADEDecoder hands it over resized already
            seg = F.interpolate(seg, size=x.shape[2:], mode="nearest")                 # (N, K, H, W)
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


# ---------------------------------------------------------------------------- networks

class StyleEncoder(nn.Module):
    """VAE encoder: (N, 3, H, W) in [-1, 1] -> (mu, logvar), each (N, z_dim)."""

    def __init__(self, cfg: SPADEConfig):
        super().__init__()
        self.size = cfg.img_size
        widths = [min(cfg.enc_width * 2 ** i, 8 * cfg.enc_width) for i in range(cfg.n_up)]
        layers, cin = [], cfg.channels
        for w in widths:                                   # img_size -> 4x4
            layers += [maybe_sn(nn.Conv2d(cin, w, 3, 2, 1), cfg.spectral_norm), InstanceNorm2d(w, affine=True),
                       nn.LeakyReLU(0.2)]
            cin = w
        self.trunk = nn.Sequential(*layers)
        self.mu = nn.Linear(cin * 16, cfg.z_dim)
        self.logvar = nn.Linear(cin * 16, cfg.z_dim)

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if image.shape[-2:] != (self.size, self.size):
            image = F.interpolate(image, size=(self.size, self.size), mode="bilinear", align_corners=False,
                                  antialias=True)
        h = Flatten()(self.trunk(image))                   # (N, C * 16), gradient in the trunk's layout
        return self.mu(h), self.logvar(h)


class SPADEDecoder(nn.Module):
    """z (N, z_dim) -> 4x4 features -> SPADE residual blocks with 2x upsampling -> (N, 3, S, S)."""

    def __init__(self, cfg: SPADEConfig):
        super().__init__()
        sn, k, hid = cfg.spectral_norm, cfg.num_classes, cfg.spade_hidden
        self.widths = [min(cfg.g_width * 2 ** (cfg.n_up - i), cfg.g_max) for i in range(cfg.n_up + 1)]
        self.fc = nn.Linear(cfg.z_dim, self.widths[0] * 16)
        self.head = SPADEResBlock(self.widths[0], self.widths[0], k, hid, sn)                    # at 4x4
        self.ups = nn.ModuleList(SPADEResBlock(a, b, k, hid, sn) for a, b in zip(self.widths[:-1], self.widths[1:]))
        self.to_img = nn.Conv2d(self.widths[-1], cfg.channels, 3, 1, 1)

    def forward(self, seg: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        x = self.fc(z).view(z.shape[0], self.widths[0], 4, 4)          # (N, C0, 4, 4)
        if self.to_img.weight.is_contiguous(memory_format=torch.channels_last):   # a channels-last net (the
            x = x.contiguous(memory_format=torch.channels_last)        # training engine's): its convs convert else
        x = self.head(x, _resized(seg, 4))
        for block in self.ups:                                         # 4 -> 8 -> ... -> S
            x = F.interpolate(x, scale_factor=2, mode="nearest")
            x = block(x, _resized(seg, x.shape[-1]))                   # the label map resized once per block
        return torch.tanh(self.to_img(F.leaky_relu(x, 0.2)))           # (N, 3, S, S)


def _resized(seg: torch.Tensor, size: int) -> torch.Tensor:
    """(N, K, S, S) -> (N, K, size, size), nearest: what each SPADE layer of a block would compute itself."""
    return seg if seg.shape[-1] == size else F.interpolate(seg, size=(size, size), mode="nearest")


class _ResBN(nn.Module):
    def __init__(self, c: int):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(c, c, 3, 1, 1, bias=False), nn.BatchNorm2d(c), nn.ReLU(inplace=True),
                                  nn.Conv2d(c, c, 3, 1, 1, bias=False), nn.BatchNorm2d(c))

    def forward(self, x):
        return x + self.body(x)


class Pix2PixDecoder(nn.Module):
    """The baseline: one-hot label map at the input only -> conv-BN-ReLU encoder (3 halvings),
    z joined at the bottleneck, 3 residual blocks, conv-BN-ReLU decoder (3 doublings) -> (N, 3, S, S)."""

    def __init__(self, cfg: SPADEConfig, n_down: int = 3, n_res: int = 3):
        super().__init__()
        w = [min(cfg.g_width * 2 ** i, cfg.g_max) for i in range(n_down + 1)]   # e.g. 12, 24, 48, 96
        layers = [nn.Conv2d(cfg.num_classes, w[0], 7, 1, 3, bias=False), nn.BatchNorm2d(w[0]), nn.ReLU(True)]
        for a, b in zip(w[:-1], w[1:]):
            layers += [nn.Conv2d(a, b, 3, 2, 1, bias=False), nn.BatchNorm2d(b), nn.ReLU(True)]
        self.down = nn.Sequential(*layers)
        self.fuse = nn.Sequential(nn.Conv2d(w[-1] + cfg.z_dim, w[-1], 1, bias=False), nn.BatchNorm2d(w[-1]),
                                  nn.ReLU(True))
        self.res = nn.Sequential(*[_ResBN(w[-1]) for _ in range(n_res)])
        layers = []
        for a, b in zip(w[:0:-1], w[-2::-1]):
            layers += [nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(a, b, 3, 1, 1, bias=False),
                       nn.BatchNorm2d(b), nn.ReLU(True)]
        layers += [nn.Conv2d(w[0], cfg.channels, 7, 1, 3), nn.Tanh()]
        self.up = nn.Sequential(*layers)

    def forward(self, seg: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        h = self.down(seg)                                              # (N, C, S/8, S/8)
        zz = z[:, :, None, None].expand(-1, -1, *h.shape[2:])
        return self.up(self.res(self.fuse(torch.cat([h, zz], 1))))


class Generator(nn.Module):
    """label map (+ style code z) -> image. Holds the style encoder, so one folder = one model."""
    family = "spade"

    def __init__(self, cfg: SPADEConfig):
        super().__init__()
        self.config = cfg
        self.z_dim, self.num_classes = cfg.z_dim, cfg.num_classes
        self.decoder = SPADEDecoder(cfg) if cfg.arch == "spade" else Pix2PixDecoder(cfg)
        self.encoder = StyleEncoder(cfg)

    def forward(self, label: torch.Tensor, z: torch.Tensor | None = None) -> torch.Tensor:
        """label (N, H, W) long or one-hot (N, K, H, W); z (N, z_dim) or None (the prior's mean, 0)
        -> (N, 3, img_size, img_size) in [-1, 1]. Label maps of another size are resized (nearest)."""
        seg = one_hot_labels(label, self.num_classes)                   # (N, K, H, W)
        s = self.config.img_size
        if seg.shape[-2:] != (s, s):
            seg = F.interpolate(seg, size=(s, s), mode="nearest")
        if z is None:
            z = seg.new_zeros(seg.shape[0], self.z_dim)
        return self.decoder(seg, z)

    def encode(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(N, 3, H, W) in [-1, 1] -> (mu, logvar), each (N, z_dim)."""
        return self.encoder(image)

    def palette_rgb(self) -> torch.Tensor:
        """(K, 3) uint8 display colours of the classes."""
        return torch.tensor([hex_to_rgb(c) for c in self.config.palette], dtype=torch.uint8)

    def colorize(self, label: torch.Tensor) -> torch.Tensor:
        """(N, H, W) classes -> (N, 3, H, W) palette colours in [-1, 1] (for sample grids)."""
        rgb = self.palette_rgb().float().div(127.5).sub(1)[label.long()]     # (N, H, W, 3)
        return rgb.permute(0, 3, 1, 2)

    def preset(self, name: str) -> torch.Tensor:
        """(z_dim,) style code of a named preset (e.g. "sunset")."""
        names = self.config.preset_names
        if name not in names:
            raise ValueError(f"unknown style preset {name!r}; this model has: {', '.join(names) or 'none'}")
        return torch.tensor(self.config.preset_codes[names.index(name)])

    def preset_labels(self, name: str | None, label: torch.Tensor) -> torch.Tensor:
        """label (..., H, W) class indices as the preset `name` sees them (config.preset_relabel); unchanged
        for presets without rules."""
        rules = self.config.preset_relabel.get(name or "", {})
        if not rules:
            return label
        classes = list(self.config.classes)
        out = label.clone()
        for src, rule in rules.items():
            hit = label == classes.index(src)
            if "except_near" in rule:             # keep the pixels within rule["px"] (at img_size) of that class
                near = (label == classes.index(rule["except_near"])).float()
                r = max(1, round(rule.get("px", 1) * label.shape[-1] / self.config.img_size))
                flat = near.reshape(-1, 1, *label.shape[-2:])
                near = F.max_pool2d(flat, 2 * r + 1, stride=1, padding=r).reshape(label.shape) > 0
                hit &= ~near
            out[hit] = classes.index(rule["to"])
        return out


class NLayerDiscriminator(nn.Module):
    """PatchGAN (pix2pix): (N, 3 + K, S, S) -> list of features, the last one (N, 1, s, s) patch logits."""

    def __init__(self, cin: int, width: int, n_layers: int, sn: bool):
        super().__init__()
        blocks = [nn.Sequential(maybe_sn(nn.Conv2d(cin, width, 4, 2, 2), sn), nn.LeakyReLU(0.2))]
        w = width
        for n in range(1, n_layers):
            w_next = min(w * 2, 512)
            stride = 2 if n < n_layers - 1 else 1
            blocks.append(nn.Sequential(maybe_sn(nn.Conv2d(w, w_next, 4, stride, 2), sn),
                                        InstanceNorm2d(w_next), nn.LeakyReLU(0.2)))
            w = w_next
        blocks.append(maybe_sn(nn.Conv2d(w, 1, 4, 1, 2), sn))
        self.blocks = nn.ModuleList(blocks)

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        feats = []
        for b in self.blocks:
            x = b(x)
            feats.append(x)
        return feats


class Discriminator(nn.Module):
    """Multi-scale conditional PatchGAN: D(image, label) -> [features per scale], each list ending in logits."""

    def __init__(self, cfg: SPADEConfig):
        super().__init__()
        self.config = cfg
        cin = cfg.channels + cfg.num_classes
        self.scales = nn.ModuleList(NLayerDiscriminator(cin, cfg.d_width, cfg.d_layers, cfg.spectral_norm)
                                    for _ in range(cfg.d_scales))

    def forward(self, image: torch.Tensor, seg: torch.Tensor) -> list[list[torch.Tensor]]:
        x = torch.cat([image, seg], 1)                                   # (N, 3 + K, S, S)
        out = []
        for i, d in enumerate(self.scales):
            if i:
                x = F.avg_pool2d(x, 3, 2, 1, count_include_pad=False)    # half resolution
            out.append(d(x))
        return out
