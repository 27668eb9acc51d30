"""Walking between latent codes.

lerp: the straight line (1-t)a + tb.
slerp: the great-circle arc between a and b (Shoemake 1985; White 2016, "Sampling
Generative Networks"). A d-dimensional standard Gaussian puts almost all its mass
near the sphere of radius sqrt(d); the lerp midpoint of two independent samples has
norm about sqrt(d/2), a region the generator never saw in training, so lerp frames
go dull in the middle. slerp keeps the norm on the shell.
"""
from __future__ import annotations

import torch

METHODS = ("slerp", "lerp")


def lerp(a: torch.Tensor, b: torch.Tensor, t: torch.Tensor | float) -> torch.Tensor:
    """a, b: (D,); t: scalar or (T,) -> (D,) or (T, D)."""
    t = torch.as_tensor(t, dtype=a.dtype)
    return a + t[..., None] * (b - a) if t.dim() else a + t * (b - a)


def slerp(a: torch.Tensor, b: torch.Tensor, t: torch.Tensor | float, eps: float = 1e-7) -> torch.Tensor:
    """Spherical interpolation; exact at t=0 and t=1; falls back to lerp for (anti)parallel codes."""
    t = torch.as_tensor(t, dtype=a.dtype)
    tt = t[..., None] if t.dim() else t
    cos = (a @ b / (a.norm() * b.norm()).clamp_min(eps)).clamp(-1.0, 1.0)
    omega = torch.arccos(cos)
    so = torch.sin(omega)
    if so.abs() < 1e-4:
        return lerp(a, b, t)
    return (torch.sin((1 - tt) * omega) / so) * a + (torch.sin(tt * omega) / so) * b


def interpolate(a: torch.Tensor, b: torch.Tensor, t, method: str = "slerp") -> torch.Tensor:
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    return slerp(a, b, t) if method == "slerp" else lerp(a, b, t)
