"""How close the generated points are to the target: mode coverage, sample quality, a divergence.

Mode coverage and high-quality share follow the protocol of the mode-collapse papers on the 2-D
mixtures (Srivastava et al. 2017, VEEGAN; Lin et al. 2018, PacGAN): a generated point is *high
quality* when it lies within 3 sigma of its nearest mode; a mode is *covered* when it gets at least
a tenth of its fair share of the high-quality points (n / K for K modes), so a few stray points do not
count as a mode.

The divergence is the Jensen-Shannon divergence between histograms of the two point sets over the
plane (in bits: 0 for identical histograms, 1 for disjoint ones), as GAN Lab estimates it (Kahng et al.
2018). Finite samples keep it above 0 even for a perfect generator: `js_floor` says by how much.
"""
from __future__ import annotations

import torch

COVER_SHARE = 0.1        # a covered mode gets >= 10 % of its fair share n / K of high-quality points
BINS = 24                # histogram cells per side for the divergence


def mode_stats(points: torch.Tensor, modes: torch.Tensor, sigma: float) -> tuple[int, float]:
    """(modes covered, share of high-quality points) of points (N, 2) for mixture centres (K, 2)."""
    dist = torch.cdist(points, modes)                       # (N, K)
    nearest_d, nearest = dist.min(1)
    good = nearest_d <= 3 * sigma
    counts = torch.bincount(nearest[good], minlength=len(modes))
    covered = int((counts >= COVER_SHARE * len(points) / len(modes)).sum())
    return covered, float(good.float().mean())


def histogram(points: torch.Tensor, extent: float, bins: int = BINS) -> torch.Tensor:
    """(bins, bins) probabilities of points in [-extent, extent]^2; points outside go to the border cells."""
    idx = ((points + extent) / (2 * extent) * bins).floor().long().clamp(0, bins - 1)
    flat = torch.bincount(idx[:, 0] * bins + idx[:, 1], minlength=bins * bins).float()
    return (flat / flat.sum().clamp(min=1)).reshape(bins, bins)


def js_divergence(p_points: torch.Tensor, q_points: torch.Tensor, extent: float, bins: int = BINS) -> float:
    """Jensen-Shannon divergence (bits) between the histograms of two point sets."""
    p, q = histogram(p_points, extent, bins), histogram(q_points, extent, bins)
    m = (p + q) / 2

    def kl(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        nz = a > 0
        return (a[nz] * torch.log2(a[nz] / b[nz])).sum()
    return float((kl(p, m) + kl(q, m)) / 2)


def js_floor(sample, n: int, extent: float, gen: torch.Generator, bins: int = BINS) -> float:
    """The divergence between two independent samples of n points of the target itself: what a perfect
    generator would score with this many points."""
    return js_divergence(sample(n, gen), sample(n, gen), extent, bins)
