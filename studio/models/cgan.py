"""Class-conditional GANs: ask the generator for a digit.

Conditional GAN: Mirza & Osindero, "Conditional Generative Adversarial Nets", 2014 (arXiv:1411.1784):
both networks see the label y, and the game becomes
    min_G max_D  E_{x,y}[log D(x, y)] + E_{z,y}[log(1 - D(G(z, y), y))].
Projection discriminator: Miyato & Koyama, "cGANs with Projection Discriminator", ICLR 2018
(arXiv:1802.05637): instead of concatenating y to D's input, D takes the inner product of a class
embedding with its features,
    D(x, y) = psi(phi(x)) + <V e_y, phi(x)>,
the form that follows when log p(y|x) is a softmax over phi(x) (their Sec. 3).
ACGAN: Odena, Olah & Shlens, "Conditional Image Synthesis with Auxiliary Classifier GANs", ICML 2017
(arXiv:1610.09585): D does not see y; it has two heads on one trunk, the source P(S|x) (real or fake)
and the class P(C|x). With L_S = E[log P(S=real|x_real)] + E[log P(S=fake|x_fake)] and
L_C = E[log P(C=c|x_real)] + E[log P(C=c|x_fake)], D maximises L_S + L_C and G maximises L_C - L_S.

The conditioning is a config choice:
    "cgan"   G: the label's embedding concatenated to z; D: the projection discriminator.
    "acgan"  G: the same; D: a real/fake head and a class head (the ACGAN losses are in the trainer).
The generator is the same in both, so a saved model of either variant draws digits the same way.

Generator: [z, e_y] -> FC to a 4x4 map (BatchNorm, ReLU) -> transposed-conv upsampling (BatchNorm,
ReLU) -> tanh. Discriminator: strided convs (LeakyReLU 0.2; spectral norm, as in the projection
paper, or BatchNorm) -> phi(x), the last feature map flattened -> the heads.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .layers import DownBlock, UpBlock, dcgan_init, maybe_sn, truncate

CONDITIONINGS = ("cgan", "acgan")


@dataclass
class CGANConfig:
    conditioning: str = "cgan"   # "cgan" (projection discriminator) or "acgan" (auxiliary classifier)
    n_classes: int = 10
    z_dim: int = 64
    embed_dim: int = 16          # the generator's class embedding e_y, concatenated to z
    img_size: int = 32           # a power of two >= 8
    channels: int = 1            # 1 for MNIST, 3 for colour
    g_width: int = 32            # channels of the last hidden generator layer
    d_width: int = 32            # channels of the first discriminator layer
    spectral_norm: bool = True   # on the discriminator (the projection paper's choice); False: BatchNorm

    def __post_init__(self):
        if self.conditioning not in CONDITIONINGS:
            raise ValueError(f"conditioning must be one of {', '.join(CONDITIONINGS)}, got {self.conditioning!r}")
        if self.img_size < 8 or self.img_size & (self.img_size - 1):
            raise ValueError(f"img_size must be a power of two >= 8, got {self.img_size}")
        if self.n_classes < 2:
            raise ValueError(f"a conditional GAN needs at least 2 classes, got {self.n_classes}")

    @property
    def n_up(self) -> int:
        return self.img_size.bit_length() - 1 - 2  # 4 -> img_size in n_up doublings


class Generator(nn.Module):
    family = "cgan"

    def __init__(self, cfg: CGANConfig):
        super().__init__()
        self.config = cfg
        self.z_dim, self.n_classes, self.embed_dim = cfg.z_dim, cfg.n_classes, cfg.embed_dim
        widths = [cfg.g_width * 2 ** i for i in reversed(range(cfg.n_up))]  # e.g. [128, 64, 32]
        self.embed = nn.Embedding(cfg.n_classes, cfg.embed_dim)             # y -> e_y (N, embed_dim)
        self.project = nn.Sequential(                                       # (N, z + embed) -> (N, widths[0] * 16)
            nn.Linear(cfg.z_dim + cfg.embed_dim, widths[0] * 16, bias=False),
            nn.BatchNorm1d(widths[0] * 16),
            nn.ReLU(inplace=True),
        )
        self.ups = nn.Sequential(*[UpBlock(a, b) for a, b in zip(widths[:-1], widths[1:])])
        self.to_img = nn.ConvTranspose2d(widths[-1], cfg.channels, 4, 2, 1)  # last doubling
        dcgan_init(self)

    def embedding(self, labels: torch.Tensor) -> torch.Tensor:
        """Class indices (N,) -> e_y (N, embed_dim); a clear error for a class the model does not have."""
        labels = torch.as_tensor(labels).long()
        if labels.numel() and (labels.min() < 0 or labels.max() >= self.n_classes):
            raise ValueError(f"class must be between 0 and {self.n_classes - 1}, got {labels.tolist()}")
        return self.embed(labels)

    def synthesize(self, z: torch.Tensor, e: torch.Tensor, truncation: float = 1.0) -> torch.Tensor:
        """z (N, z_dim) and any class embedding e (N, embed_dim), e.g. a mix of two classes'
        -> (N, channels, img_size, img_size) in [-1, 1]."""
        if truncation != 1.0:
            z = truncate(z, truncation)
        x = self.project(torch.cat([z, e.to(z)], dim=1)).view(z.shape[0], -1, 4, 4)  # (N, widths[0], 4, 4)
        return torch.tanh(self.to_img(self.ups(x)))

    def forward(self, z: torch.Tensor, labels: torch.Tensor, truncation: float = 1.0) -> torch.Tensor:
        """z (N, z_dim), labels (N,) class indices -> (N, channels, img_size, img_size) in [-1, 1]."""
        return self.synthesize(z, self.embedding(labels), truncation)


class Discriminator(nn.Module):
    """(x, y) -> (real/fake logits (N,), class logits (N, n_classes) for "acgan", else None)."""

    def __init__(self, cfg: CGANConfig):
        super().__init__()
        self.config = cfg
        sn = cfg.spectral_norm
        widths = [cfg.d_width * 2 ** i for i in range(cfg.n_up)]  # e.g. [32, 64, 128]
        blocks = [DownBlock(cfg.channels, widths[0], norm=False, sn=sn)]
        blocks += [DownBlock(a, b, norm=not sn, sn=sn) for a, b in zip(widths[:-1], widths[1:])]
        self.trunk = nn.Sequential(*blocks, nn.Flatten())      # phi: (N, C, S, S) -> (N, widths[-1] * 16)
        feat = widths[-1] * 16
        self.head = maybe_sn(nn.Linear(feat, 1), sn)           # psi(phi(x)) -> (N, 1)
        if cfg.conditioning == "cgan":                         # projection: <V e_y, phi(x)>, V e_y a row of V
            self.project = maybe_sn(nn.Embedding(cfg.n_classes, feat), sn)
        else:                                                  # ACGAN's class head P(C | x)
            self.classify = maybe_sn(nn.Linear(feat, cfg.n_classes), sn)
        dcgan_init(self)
        if cfg.conditioning == "cgan":
            w = self.project.parametrizations.weight.original if sn else self.project.weight
            nn.init.normal_(w, 0.0, 0.02)

    def forward(self, x: torch.Tensor, labels: torch.Tensor | None = None):
        h = self.trunk(x)                                      # (N, F)
        logits = self.head(h).flatten()                        # (N,)
        if self.config.conditioning == "acgan":
            return logits, self.classify(h)                    # (N,), (N, n_classes)
        if labels is None:
            raise ValueError("the projection discriminator needs the labels: D(x, y)")
        return logits + (self.project(labels) * h).sum(1), None
