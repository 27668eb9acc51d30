"""What every family's trainer shares: Adam optimizers, fixed sample noise, train/eval switching,
and the one way to update a network (through the run's Engine: device, precision, processes)."""
from __future__ import annotations

import contextlib

import torch
from torch import nn


def adam(params, lr: float, betas=(0.5, 0.999), eps: float = 1e-8) -> torch.optim.Optimizer:
    return torch.optim.Adam(params, lr=lr, betas=betas, eps=eps)


def linear_decay(step: int, total: int) -> float:
    """Learning-rate factor: 1 for the first half of a run of `total` steps, then linearly down to (almost) 0
    at its end (the schedule of the CycleGAN and SPADE papers' code)."""
    half = total // 2
    return 1.0 - max(0, step - half) / float(total - half + 1)


@contextlib.contextmanager
def frozen(*modules: nn.Module):
    """Parameters of `modules` need no gradient inside the block: G's update backpropagates through D
    to the images only, without computing D's weight gradients (which G's optimizer would discard).
    Restores each parameter's own flag afterwards."""
    params = [p for m in modules for p in m.parameters()]
    flags = [p.requires_grad for p in params]
    for p in params:
        p.requires_grad_(False)
    try:
        yield
    finally:
        for p, f in zip(params, flags):
            p.requires_grad_(f)


class GANTrainer:
    nets: dict[str, nn.Module]
    optimizers: dict[str, torch.optim.Optimizer]
    loss_names: tuple[str, ...] = ("G", "D")
    DEFAULTS: dict = {}
    channels_last: bool = True       # memory format of the images and conv weights (bench/train_throughput.py)
    memory_format: torch.memory_format = torch.contiguous_format   # the one in use (Engine.place sets it)
    total_steps: int = 0             # the run's length (build_run sets it), for learning-rate schedules

    def set_total_steps(self, steps: int) -> None:
        self.total_steps = int(steps)

    def steps_done(self, name: str = "G") -> int:
        """Updates optimizers[name] has taken so far, read from Adam's own state (so a resumed run knows it too)."""
        state = self.optimizers[name].state
        return int(float(next(iter(state.values()))["step"])) if state else 0

    def keep_initial_lrs(self) -> None:
        """Remember each parameter group's learning rate as its "initial_lr", the base of decay_lrs (and what a
        checkpoint compares when a resumed run changes the learning rates)."""
        for opt in self.optimizers.values():
            for group in opt.param_groups:
                group["initial_lr"] = group["lr"]

    def decay_lrs(self) -> float:
        """Set every learning rate to initial_lr x linear_decay(steps done, total_steps); -> G's learning rate.
        A trainer that was never told its run's length (total_steps 0) keeps its initial rates."""
        f = linear_decay(self.steps_done(), self.total_steps) if self.total_steps > 0 else 1.0
        for opt in self.optimizers.values():
            for group in opt.param_groups:
                group["lr"] = group["initial_lr"] * f
        return self.optimizers["G"].param_groups[0]["lr"]

    @property
    def engine(self):
        """The Engine that placed this trainer (training.loop.fit does), else one CPU process in fp32."""
        if "_engine" not in self.__dict__:
            from ..engine import Engine

            self._engine = Engine()
        return self._engine

    @engine.setter
    def engine(self, engine) -> None:
        self._engine = engine

    @property
    def device(self) -> torch.device:
        return self.engine.device

    def to_device(self, device: torch.device) -> None:
        """Move the trainer's own tensors (fixed noise, fixed pictures) to `device`; the nets are moved by the Engine."""
        for key, value in list(vars(self).items()):
            if torch.is_tensor(value):
                setattr(self, key, value.to(device))
            elif isinstance(value, dict) and value and all(torch.is_tensor(v) for v in value.values()):
                setattr(self, key, {k: v.to(device) for k, v in value.items()})

    def update(self, name: str, loss: torch.Tensor) -> None:
        """optimizers[name] takes one step down `loss` (zero grads, backward, step; see Engine.update)."""
        self.engine.update(self.optimizers[name], loss)

    def generator(self) -> nn.Module:
        return self.nets["G"]

    @torch.no_grad()
    def samples(self) -> torch.Tensor:
        G = self.generator()
        was_training = G.training
        G.eval()
        try:
            return self.sample_fn(G).clamp(-1, 1).float().cpu().contiguous()
        finally:
            G.train(was_training)

    def sample_fn(self, G: nn.Module) -> torch.Tensor:
        raise NotImplementedError

    def export(self) -> nn.Module:
        return self.generator()
