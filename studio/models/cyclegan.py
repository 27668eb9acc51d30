"""CycleGAN: Zhu, Park, Isola & Efros, "Unpaired Image-to-Image Translation using
Cycle-Consistent Adversarial Networks", ICCV 2017 (arXiv:1703.10593).

Two generators, G: A -> B and F: B -> A, learn from two unpaired sets of pictures.
Each is trained against a discriminator of its target domain, and the cycle loss
||F(G(a)) - a||_1 + ||G(F(b)) - b||_1 makes them (approximately) inverse to each other,
so a translation keeps the content of its source.

Generator (one direction): the ResNet generator of the paper (after Johnson et al. 2016),
with the exact layer layout of the authors' code (junyanz/pytorch-CycleGAN-and-pix2pix,
`ResnetGenerator`), so their published generator files load 1:1:

    model.0  ReflectionPad2d(3)   model.1 Conv7x7(in, ngf)   model.2 InstanceNorm   model.3 ReLU
    model.4-9    2 x [Conv3x3 stride 2, InstanceNorm, ReLU]            (H, W) -> (H/4, W/4)
    model.10...  n_blocks x ResnetBlock(4 ngf): x + [pad, conv3x3, IN, ReLU, pad, conv3x3, IN](x)
    then         2 x [ConvTranspose3x3 stride 2, InstanceNorm, ReLU]   (H/4, W/4) -> (H, W)
                 ReflectionPad2d(3), Conv7x7(ngf, out), Tanh

InstanceNorm is affine=False without running statistics, so convs keep their biases.

Discriminator: the 70x70 PatchGAN (n_layers=3): one real/fake score per overlapping patch.

The studio's saved model is ONE `Generator` holding both directions (`G_AB`, `G_BA`);
`forward(x, direction)` picks one. An official single-direction file imports into the same
class with only its direction present (`Generator.from_official_checkpoint`).
"""
from __future__ import annotations

import os
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from ..errors import ModelLoadError, check_before_building, check_state_dict, plain

DIRECTIONS = ("AtoB", "BtoA")


@dataclass
class CycleGANConfig:
    img_size: int = 64           # training crop; the generator itself is fully convolutional
    channels: int = 3            # input and output channels
    ngf: int = 32                # width of the first generator layer (the paper: 64)
    n_blocks: int = 6            # residual blocks (the paper: 6 for 128 px, 9 for 256 px)
    ndf: int = 64                # width of the first discriminator layer
    n_layers_d: int = 3          # PatchGAN depth: 3 gives 70x70 receptive fields
    use_dropout: bool = False    # dropout in the residual blocks (official option, off for CycleGAN)
    directions: list[str] = field(default_factory=lambda: list(DIRECTIONS))  # which generators exist
    domain_a: str = "A"          # names of the two domains, for the UI ("summer", "horse", ...)
    domain_b: str = "B"
    source: str = ""             # where the weights came from (e.g. an official file's name)

    def __post_init__(self):
        bad = [d for d in self.directions if d not in DIRECTIONS]
        if bad or not self.directions:
            raise ValueError(f"directions must be a non-empty subset of {DIRECTIONS}, got {self.directions}")
        if self.ngf < 1 or self.n_blocks < 0 or self.channels < 1:
            raise ValueError("ngf and channels must be >= 1 and n_blocks >= 0")


class ResnetBlock(nn.Module):
    """(N, C, h, w) -> (N, C, h, w): x + conv_block(x); keys conv_block.{1,5} (or {1,6} with dropout)."""

    def __init__(self, dim: int, use_dropout: bool = False):
        super().__init__()
        layers: list[nn.Module] = [
            nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3, bias=True), nn.InstanceNorm2d(dim), nn.ReLU(True),
        ]
        if use_dropout:
            layers.append(nn.Dropout(0.5))
        layers += [nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3, bias=True), nn.InstanceNorm2d(dim)]
        self.conv_block = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conv_block(x)


class ResnetGenerator(nn.Module):
    """One direction: (N, in, H, W) in [-1, 1] -> (N, out, H, W) in [-1, 1], for H, W multiples of 4.

    State-dict keys are those of the official `ResnetGenerator` (`model.<index>.…`).
    """

    def __init__(self, input_nc: int = 3, output_nc: int = 3, ngf: int = 64, n_blocks: int = 9,
                 use_dropout: bool = False):
        super().__init__()
        layers: list[nn.Module] = [
            nn.ReflectionPad2d(3), nn.Conv2d(input_nc, ngf, 7, bias=True), nn.InstanceNorm2d(ngf), nn.ReLU(True),
        ]
        for i in range(2):                                   # downsampling: ngf -> 2 ngf -> 4 ngf
            c = ngf * 2 ** i
            layers += [nn.Conv2d(c, 2 * c, 3, stride=2, padding=1, bias=True), nn.InstanceNorm2d(2 * c),
                       nn.ReLU(True)]
        layers += [ResnetBlock(4 * ngf, use_dropout) for _ in range(n_blocks)]
        for i in range(2):                                   # upsampling: 4 ngf -> 2 ngf -> ngf
            c = ngf * 2 ** (2 - i)
            layers += [nn.ConvTranspose2d(c, c // 2, 3, stride=2, padding=1, output_padding=1, bias=True),
                       nn.InstanceNorm2d(c // 2), nn.ReLU(True)]
        layers += [nn.ReflectionPad2d(3), nn.Conv2d(ngf, output_nc, 7), nn.Tanh()]
        self.model = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x)


class DirectionUnavailableError(ValueError):
    """A single-direction model was asked for the direction it does not have."""


class Generator(nn.Module):
    """Both directions of a CycleGAN: `G_AB` (A -> B) and `G_BA` (B -> A); either may be absent."""

    family = "cyclegan"

    def __init__(self, cfg: CycleGANConfig):
        super().__init__()
        self.config = cfg
        make = lambda: ResnetGenerator(cfg.channels, cfg.channels, cfg.ngf, cfg.n_blocks, cfg.use_dropout)  # noqa: E731
        if "AtoB" in cfg.directions:
            self.G_AB = make()
        if "BtoA" in cfg.directions:
            self.G_BA = make()

    @property
    def directions(self) -> list[str]:
        return list(self.config.directions)

    @property
    def has_cycle(self) -> bool:
        return len(self.config.directions) == 2

    def direction_net(self, direction: str) -> ResnetGenerator:
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be 'AtoB' or 'BtoA', got {direction!r}")
        if direction not in self.config.directions:
            have = self.config.directions[0]
            raise DirectionUnavailableError(
                f"this model only translates {have} ({self._domains(have)}); it has no {direction} generator. "
                "Official CycleGAN files hold one direction each: load the file of the other direction "
                "(e.g. zebra2horse.pth for horse2zebra.pth) to go back.")
        return self.G_AB if direction == "AtoB" else self.G_BA

    def _domains(self, direction: str) -> str:
        a, b = self.config.domain_a, self.config.domain_b
        return f"{a} -> {b}" if direction == "AtoB" else f"{b} -> {a}"

    def forward(self, x: torch.Tensor, direction: str | None = None) -> torch.Tensor:
        """(N, C, H, W) in [-1, 1] -> (N, C, H, W) in [-1, 1]; direction None: the first one it has.

        Sizes that are not multiples of 4 are reflection-padded up and cropped back, so the
        output always has the input's size (for multiples of 4 this is the official computation).
        """
        net = self.direction_net(direction or self.config.directions[0])
        h, w = x.shape[-2:]
        ph, pw = (-h) % 4, (-w) % 4
        if ph or pw:
            x = F.pad(x, (0, pw, 0, ph), mode="reflect" if min(h, w) > 4 else "replicate")
        return net(x)[..., :h, :w]

    # ------------------------------------------------------------------ official checkpoints

    @classmethod
    def from_official_checkpoint(cls, path: str | os.PathLike, direction: str | None = None) -> "Generator":
        """Load a generator file of junyanz/pytorch-CycleGAN-and-pix2pix (e.g. horse2zebra.pth).

        The architecture is read from the tensors: ngf from model.1.weight, the number of residual
        blocks from the `model.N.conv_block` keys. Pre-0.4 InstanceNorm running statistics are dropped.
        `direction` defaults to AtoB, or BtoA for files named like `*net_G_B*`.
        """
        path = Path(path)
        try:
            state = torch.load(str(path), map_location="cpu", weights_only=True)
        except pickle.UnpicklingError as e:
            if not re.search(r"\bglobal\b|\bclass\b", str(e), re.IGNORECASE):   # torch names what it blocked
                raise ModelLoadError(f"{path.name} is not a readable PyTorch checkpoint (not a pickle of "
                                     "tensors)") from None
            raise ModelLoadError(f"{path.name} holds Python objects besides tensors, which could run code when "
                                 "loaded; GAN Studio reads only plain tensors from .pth files and refused it") from None
        except Exception as e:
            with open(path, "rb") as f:
                zipped = f.read(4) == b"PK\x03\x04"          # torch.save's format since 1.6: a zip archive
            if zipped:                                    # that does not read: cut short or damaged
                raise ModelLoadError(f"{path.name} is damaged or incomplete (an interrupted download?): PyTorch "
                                     "cannot read it as a checkpoint. Download it again.") from None
            raise ModelLoadError(f"{path.name} is not a readable PyTorch checkpoint ({type(e).__name__}: "
                                 f"{plain(e)})") from None
        if isinstance(state, dict) and isinstance(state.get("state_dict"), dict):
            state = state["state_dict"]
        if not isinstance(state, dict) or not all(torch.is_tensor(v) for v in state.values()):
            raise ModelLoadError(f"{path.name} does not hold a state dict of tensors")
        state = {k[len("module."):] if k.startswith("module.") else k: v for k, v in state.items()}
        state = {k: v for k, v in state.items()
                 if not k.endswith(("running_mean", "running_var", "num_batches_tracked"))}
        if "model.1.weight" not in state or state["model.1.weight"].dim() != 4 or \
                tuple(state["model.1.weight"].shape[2:]) != (7, 7):
            raise ModelLoadError(
                f"{path.name} is not a CycleGAN ResNet generator (no 7x7 'model.1.weight'); "
                "GAN Studio loads the resnet_6blocks / resnet_9blocks generators of "
                "junyanz/pytorch-CycleGAN-and-pix2pix (pix2pix U-Nets are not supported)")
        if "model.2.weight" in state:
            raise ModelLoadError(f"{path.name} uses an affine/batch norm generator (norm=batch); "
                                 "only the CycleGAN default norm=instance is supported")
        w1 = state["model.1.weight"]
        ngf, input_nc = int(w1.shape[0]), int(w1.shape[1])
        blocks = {int(m.group(1)) for k in state if (m := re.match(r"model\.(\d+)\.conv_block\.", k))}
        n_blocks = len(blocks)
        if blocks != set(range(10, 10 + n_blocks)):
            raise ModelLoadError(f"{path.name}: residual blocks at unexpected positions {sorted(blocks)}")
        use_dropout = any(re.match(r"model\.\d+\.conv_block\.6\.weight", k) for k in state)
        last = f"model.{10 + n_blocks + 7}.weight"
        if last not in state:
            raise ModelLoadError(f"{path.name}: no final layer {last!r}; not a ResnetGenerator state dict")
        output_nc = int(state[last].shape[0])
        if output_nc != input_nc:
            raise ModelLoadError(f"{path.name}: {input_nc} input but {output_nc} output channels; "
                                 "GAN Studio needs a generator that maps images to images of the same kind")
        if direction is None:
            direction = "BtoA" if re.search(r"G_B(?![A-Za-z0-9])", path.name) else "AtoB"
        m = re.search(r"([A-Za-z]+)2([A-Za-z]+)", path.stem)      # horse2zebra -> ("horse", "zebra")
        dom_a, dom_b = (m.group(1), m.group(2)) if m else ("A", "B")
        cfg = CycleGANConfig(img_size=256, channels=input_nc, ngf=ngf, n_blocks=n_blocks, use_dropout=use_dropout,
                             directions=[direction], domain_a=dom_a, domain_b=dom_b, source=path.name)
        prefix = "G_AB." if direction == "AtoB" else "G_BA."
        mapped = {prefix + k: v for k, v in state.items()}
        check_before_building(lambda: cls(cfg), {k: tuple(v.shape) for k, v in mapped.items()}, path.name)
        model = cls(cfg)
        check_state_dict(model, mapped, path.name)
        model.load_state_dict(mapped, strict=True)
        model.name = path.stem
        return model


class Discriminator(nn.Module):
    """70x70 PatchGAN: (N, C, H, W) -> (N, 1, H/8 - 2, W/8 - 2) scores, one per overlapping patch."""

    def __init__(self, cfg: CycleGANConfig):
        super().__init__()
        self.config = cfg
        ndf, n = cfg.ndf, cfg.n_layers_d
        layers: list[nn.Module] = [nn.Conv2d(cfg.channels, ndf, 4, 2, 1), nn.LeakyReLU(0.2, True)]
        c = ndf
        for i in range(1, n):                         # stride-2 convs: ndf -> 2 ndf -> 4 ndf (capped at 8 ndf)
            c_next = ndf * min(2 ** i, 8)
            layers += [nn.Conv2d(c, c_next, 4, 2, 1, bias=True), nn.InstanceNorm2d(c_next), nn.LeakyReLU(0.2, True)]
            c = c_next
        c_next = ndf * min(2 ** n, 8)
        layers += [nn.Conv2d(c, c_next, 4, 1, 1, bias=True), nn.InstanceNorm2d(c_next), nn.LeakyReLU(0.2, True),
                   nn.Conv2d(c_next, 1, 4, 1, 1)]
        self.model = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x)


def init_weights(module: nn.Module, gain: float = 0.02) -> None:
    """The official init: N(0, 0.02) conv weights, zero biases."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(m.weight, 0.0, gain)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
