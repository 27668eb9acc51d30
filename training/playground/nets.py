"""Tiny MLPs for the 2-D playground: a generator G: noise -> plane, a discriminator D: plane -> score.

D's forward takes its weights as an optional argument, so the unrolled-GAN look-ahead (Metz et al.
2017) can run D with weights that are themselves functions of G's output (and differentiate through
them). D's options are the playground's remedies for mode collapse:
  spectral norm  Miyato et al. 2018: each weight divided by its largest singular value (one power
                 iteration per D update, as in the paper)
  pack           PacGAN (Lin et al. 2018): D judges `pack` samples at once, all real or all generated
  mbstd          minibatch standard deviation (Karras et al. 2018, ProGAN; a simplification of Salimans
                 et al. 2016's minibatch discrimination): the batch's feature spread is one more feature
                 for D's last layer, so a batch of look-alikes is easy to spot
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def _linears(sizes: list[int], gen: torch.Generator) -> list[nn.Parameter]:
    """[W1, b1, W2, b2, ...] initialised like nn.Linear (uniform +-1/sqrt(fan_in)), from `gen`."""
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        bound = n_in ** -0.5
        params.append(nn.Parameter((torch.rand(n_out, n_in, generator=gen) * 2 - 1) * bound))
        params.append(nn.Parameter((torch.rand(n_out, generator=gen) * 2 - 1) * bound))
    return params


class Generator(nn.Module):
    """z (N, noise_dim) -> x (N, 2): `depth` hidden layers of `width` ReLU units."""

    def __init__(self, noise_dim: int, width: int, depth: int, gen: torch.Generator):
        super().__init__()
        self.noise_dim = noise_dim
        self.weights = nn.ParameterList(_linears([noise_dim] + [width] * depth + [2], gen))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = z
        n = len(self.weights) // 2
        for i in range(n):
            h = F.linear(h, self.weights[2 * i], self.weights[2 * i + 1])
            if i < n - 1:
                h = F.relu(h)
        return h


class Discriminator(nn.Module):
    """x (N, 2) -> logits (N // pack,): `depth` hidden layers of `width` LeakyReLU(0.2) units."""

    def __init__(self, width: int, depth: int, gen: torch.Generator, spectral_norm: bool = False,
                 pack: int = 1, mbstd: bool = False):
        super().__init__()
        self.spectral_norm, self.pack, self.mbstd = spectral_norm, pack, mbstd
        # hidden layers, then the last one (which also reads the batch's spread with mbstd)
        params = _linears([2 * pack] + [width] * depth, gen) + _linears([width + int(mbstd), 1], gen)
        self.weights = nn.ParameterList(params)
        if spectral_norm:                        # power-iteration vectors u, v of each weight
            for i, w in enumerate(params[0::2]):
                self.register_buffer(f"u{i}", F.normalize(torch.randn(w.shape[0], generator=gen), dim=0))
                self.register_buffer(f"v{i}", F.normalize(torch.randn(w.shape[1], generator=gen), dim=0))

    @torch.no_grad()
    def power_iteration(self) -> None:
        """One step of the power method per weight (called once per D update)."""
        if not self.spectral_norm:
            return
        for i, w in enumerate(self.weights[0::2]):
            u, v = getattr(self, f"u{i}"), getattr(self, f"v{i}")
            v.copy_(F.normalize(w.t() @ u, dim=0))
            u.copy_(F.normalize(w @ v, dim=0))

    def packed(self, x: torch.Tensor) -> torch.Tensor:
        """(N, 2) -> (N // pack, 2 * pack): consecutive samples side by side (N must be a multiple of pack)."""
        return x.reshape(-1, 2 * self.pack)

    def batch_spread(self, x: torch.Tensor, weights=None) -> torch.Tensor:
        """The minibatch-std feature of a batch of points x (N, 2): a scalar."""
        h = self._hidden(self.packed(x), list(weights or self.weights))
        return h.std(0).mean()

    def _hidden(self, h: torch.Tensor, w: list[torch.Tensor]) -> torch.Tensor:
        n = len(w) // 2
        for i in range(n - 1):
            h = F.leaky_relu(F.linear(h, self._sn(w[2 * i], i), w[2 * i + 1]), 0.2)
        return h

    def _sn(self, w: torch.Tensor, i: int) -> torch.Tensor:
        if not self.spectral_norm:
            return w
        u, v = getattr(self, f"u{i}"), getattr(self, f"v{i}")
        return w / (u @ w @ v)                   # sigma(W) ~ u^T W v, gradient flows through W

    def forward(self, x: torch.Tensor, weights=None, spread: torch.Tensor | None = None) -> torch.Tensor:
        """Logits of x (N, 2). weights: a list like self.weights to use instead (the look-ahead);
        spread: the minibatch-std feature to use instead of x's own (to draw D over the plane)."""
        w = list(weights or self.weights)
        h = self._hidden(self.packed(x), w)                                   # (N // pack, width)
        if self.mbstd:
            s = h.std(0).mean() if spread is None else spread
            h = torch.cat([h, s.expand(len(h), 1)], 1)                        # (N // pack, width + 1)
        n = len(w) // 2
        return F.linear(h, self._sn(w[-2], n - 1), w[-1]).flatten()
