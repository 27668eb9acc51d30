"""Adam (Kingma & Ba 2015) and plain SGD for the playground's players, written out in a few lines.

One update rule serves both the real step (in place, no graph) and the unrolled GAN's look-ahead (Metz
et al. 2017), which must differentiate through D's next updates. The denominator is sqrt(v_hat + eps^2)
instead of sqrt(v_hat) + eps: the same step for any gradient that is not tiny, and smooth at v = 0 (a
look-ahead differentiates through it). Writing it out also spares torch.optim's first-use import of its
compiler, several seconds on a busy 2-core machine, paid by the first page to press Play.
"""
from __future__ import annotations

import torch

OPTIMIZERS = ("adam", "sgd")
EPS = 1e-8


class Optimizer:
    """kind "adam" or "sgd" over `params`; lr and betas may change between steps (they are settings)."""

    def __init__(self, params, kind: str, lr: float, betas: tuple[float, float] = (0.9, 0.999)):
        if kind not in OPTIMIZERS:
            raise ValueError(f"unknown optimiser {kind!r}; choose adam or sgd")
        self.params = list(params)
        self.kind, self.lr, self.betas = kind, lr, betas
        self.m = [torch.zeros_like(p) for p in self.params]      # Adam's running mean of the gradient
        self.v = [torch.zeros_like(p) for p in self.params]      # ... and of its square
        self.t = 0                                                # Adam steps taken

    def updated(self, weights, grads, m, v, t: int):
        """-> (weights after one step at Adam step number t, new m, new v); differentiable, nothing in place."""
        if self.kind == "sgd":
            return [w - self.lr * g for w, g in zip(weights, grads)], m, v
        b1, b2 = self.betas
        m = [b1 * mi + (1 - b1) * g for mi, g in zip(m, grads)]
        v = [b2 * vi + (1 - b2) * g * g for vi, g in zip(v, grads)]
        weights = [w - self.lr * (mi / (1 - b1 ** t)) / torch.sqrt(vi / (1 - b2 ** t) + EPS ** 2)
                   for w, mi, vi in zip(weights, m, v)]
        return weights, m, v

    @torch.no_grad()
    def step(self, grads) -> None:
        """Apply one update with these gradients (one per parameter) to the parameters, in place."""
        self.t += 1
        new, self.m, self.v = self.updated(self.params, grads, self.m, self.v, self.t)
        for p, w in zip(self.params, new):
            p.copy_(w)
