"""One Trainer per family: networks, optimizers, a step that returns named losses.

A Trainer has:
    nets: dict[str, nn.Module]        everything the checkpoint must hold
    optimizers: dict[str, Optimizer]
    loss_names: tuple[str, ...]       the curves the training tab draws
    step(batch) -> dict[str, float]   one optimisation step
    samples() -> (N, C, H, W)         images from fixed noise, in [-1, 1]
    export() -> nn.Module             the generator that the studio saves and loads
    DEFAULTS                          per-family settings that show something in a minute or two on a CPU
"""
from __future__ import annotations

from .cyclegan import CycleGANTrainer
from .dcgan import DCGANTrainer
from .infogan import InfoGANTrainer
from .spade import SPADETrainer
from .stylegan import StyleGANTrainer

TRAINERS = {
    "dcgan": DCGANTrainer,
    "cyclegan": CycleGANTrainer,
    "infogan": InfoGANTrainer,
    "spade": SPADETrainer,
    "stylegan": StyleGANTrainer,
}


def get_trainer_class(family: str):
    try:
        return TRAINERS[family]
    except KeyError:
        raise ValueError(f"no trainer for family {family!r}; known: {', '.join(sorted(TRAINERS))}") from None
