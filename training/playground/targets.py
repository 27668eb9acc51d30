"""The 2-D distributions the playground's GAN learns.

ring8 and grid25 are the mixtures of the mode-collapse papers (Metz et al. 2017, Unrolled GAN: a ring of
8 Gaussians; Srivastava et al. 2017, VEEGAN, and Lin et al. 2018, PacGAN: the ring and a 5 x 5 grid), here
with radius 2 / spacing 1 and sigma 0.05, so the spots stay visible on a projector; moons, spiral and line
are continuous shapes (no modes to count); "drawn" is a cloud of points the user drew.

Every target lives in the square [-EXTENT, EXTENT]^2, the plane the tab draws.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch

EXTENT = 3.0                    # the plane shown: [-3, 3] x [-3, 3]
SIGMA = 0.05                    # spread of each mixture component and of the shapes' noise
DRAWN_SIGMA = 0.06              # spread around each point the user drew
NAMES = ("ring8", "grid25", "moons", "spiral", "line")
MAX_DRAWN = 2000                # points of a drawn target
MIN_DRAWN = 3


@dataclass(frozen=True)
class Target:
    """A distribution on the plane. modes: (K, 2) centres of a Gaussian mixture with spread `sigma`,
    or None for continuous shapes (then mode coverage is not defined)."""
    name: str
    sigma: float
    modes: torch.Tensor | None = None
    points: torch.Tensor | None = None          # "drawn": (M, 2) the user's points

    def sample(self, n: int, gen: torch.Generator) -> torch.Tensor:
        """(n, 2) points, every draw from `gen` (a session's own generator, so runs repeat by seed)."""
        noise = self.sigma * torch.randn(n, 2, generator=gen)
        if self.modes is not None:
            return self.modes[torch.randint(len(self.modes), (n,), generator=gen)] + noise
        if self.points is not None:
            return self.points[torch.randint(len(self.points), (n,), generator=gen)] + noise
        return _SHAPES[self.name](torch.rand(n, generator=gen), gen) + noise


def _moons(u: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Two interleaved half circles (scikit-learn's make_moons), scaled and centred."""
    upper = torch.rand(len(u), generator=gen) < 0.5
    t = math.pi * u
    x = torch.where(upper, torch.cos(t), 1 - torch.cos(t))
    y = torch.where(upper, torch.sin(t), 0.5 - torch.sin(t))
    return 1.6 * torch.stack([x - 0.5, y - 0.25], 1)


def _spiral(u: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """An Archimedean spiral, 1.5 turns, radius 0.3 .. 2.5 (points evenly spread along its length)."""
    r = torch.sqrt(0.3 ** 2 + u * (2.5 ** 2 - 0.3 ** 2))        # uniform in arc length for r proportional to angle
    angle = r / 2.5 * 3 * math.pi
    return torch.stack([r * torch.cos(angle), r * torch.sin(angle)], 1)


def _line(u: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """A segment from (-2, -1) to (2, 1)."""
    return torch.stack([4 * u - 2, 2 * u - 1], 1)


_SHAPES = {"moons": _moons, "spiral": _spiral, "line": _line}


def ring_modes(k: int = 8, radius: float = 2.0) -> torch.Tensor:
    a = torch.arange(k) * 2 * math.pi / k
    return radius * torch.stack([torch.cos(a), torch.sin(a)], 1)


def grid_modes(side: int = 5, spacing: float = 1.0) -> torch.Tensor:
    c = (torch.arange(side) - (side - 1) / 2) * spacing
    return torch.cartesian_prod(c, c)


def make_target(name: str, points=None) -> Target:
    """A named target, or "drawn" with `points`: [[x, y], ...] in the plane's coordinates."""
    if name == "ring8":
        return Target(name, SIGMA, modes=ring_modes())
    if name == "grid25":
        return Target(name, SIGMA, modes=grid_modes())
    if name in _SHAPES:
        return Target(name, SIGMA)
    if name == "drawn":
        return Target(name, DRAWN_SIGMA, points=check_points(points))
    raise ValueError(f"unknown target {name!r}; choose one of {', '.join(NAMES)}, or draw points")


def check_points(points) -> torch.Tensor:
    """User points -> (M, 2) float tensor inside the plane; a clear message for anything else."""
    try:
        t = torch.as_tensor(points, dtype=torch.float32)
    except (TypeError, ValueError, RuntimeError):
        raise ValueError("drawn points must be a list of [x, y] pairs of numbers") from None
    if t.dim() != 2 or t.shape[1] != 2:
        raise ValueError(f"drawn points must be a list of [x, y] pairs, got an array of shape {tuple(t.shape)}")
    if not MIN_DRAWN <= len(t) <= MAX_DRAWN:
        raise ValueError(f"draw between {MIN_DRAWN} and {MAX_DRAWN} points, got {len(t)}")
    if not torch.isfinite(t).all() or t.abs().max() > EXTENT:
        raise ValueError(f"drawn points must lie in the plane [-{EXTENT:g}, {EXTENT:g}] x [-{EXTENT:g}, {EXTENT:g}]")
    return t
