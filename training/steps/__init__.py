"""One Trainer per family: networks, optimizers, a step that returns named losses.

A Trainer has:
    nets: dict[str, nn.Module]        everything the checkpoint must hold
    optimizers: dict[str, Optimizer]
    loss_names: tuple[str, ...]       the curves the training tab draws
    step(batch) -> dict[str, Tensor | float]   one optimisation step; losses as detached 0-d tensors
                                      (the loop reads them every log_every steps) or floats
    update(name, loss)                how a step updates optimizers[name] (through the run's Engine)
    samples() -> (N, C, H, W)         images from fixed noise, in [-1, 1]
    export() -> nn.Module             the generator that the studio saves and loads
    DEFAULTS                          per-family settings that show something in a minute or two on a CPU
    OPTIONS                           the trainer's own settings (`--set key=value`), if it has any

The table of trainers is training/families.py.
"""
from __future__ import annotations

