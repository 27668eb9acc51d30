"""What every family's trainer shares: Adam optimizers, fixed sample noise, train/eval switching."""
from __future__ import annotations

import torch
from torch import nn


def adam(params, lr: float, betas=(0.5, 0.999)) -> torch.optim.Optimizer:
    return torch.optim.Adam(params, lr=lr, betas=betas)


class GANTrainer:
    nets: dict[str, nn.Module]
    optimizers: dict[str, torch.optim.Optimizer]
    loss_names: tuple[str, ...] = ("G", "D")
    DEFAULTS: dict = {}

    def generator(self) -> nn.Module:
        return self.nets["G"]

    @torch.no_grad()
    def samples(self) -> torch.Tensor:
        G = self.generator()
        was_training = G.training
        G.eval()
        try:
            return self.sample_fn(G).clamp(-1, 1).cpu()
        finally:
            G.train(was_training)

    def sample_fn(self, G: nn.Module) -> torch.Tensor:
        raise NotImplementedError

    def export(self) -> nn.Module:
        return self.generator()
