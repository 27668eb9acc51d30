"""Training's family table: each family's trainer (training/steps/) and evaluation (training/eval/).

What a family *is* (config, networks, paper, default model, what its step reads from a dataset)
lives in studio/registry.py; this table only adds what it takes to train and measure one.
"""
from __future__ import annotations

from dataclasses import dataclass

from .steps.cgan import CGANTrainer
from .steps.cyclegan import CycleGANTrainer
from .steps.dcgan import DCGANTrainer
from .steps.infogan import InfoGANTrainer
from .steps.spade import SPADETrainer
from .steps.stylegan import StyleGANTrainer


@dataclass(frozen=True)
class Training:
    trainer: type            # a GANTrainer subclass (training/steps/base.py)
    evaluation: str          # module whose main(model, argv) is `gan-studio eval` for this family


TRAINING: dict[str, Training] = {
    "dcgan": Training(DCGANTrainer, "training.eval.dcgan"),
    "cyclegan": Training(CycleGANTrainer, "training.eval.cyclegan"),
    "infogan": Training(InfoGANTrainer, "training.eval.infogan"),
    "spade": Training(SPADETrainer, "training.eval.spade"),
    "stylegan": Training(StyleGANTrainer, "training.eval.stylegan"),
    "cgan": Training(CGANTrainer, "training.eval.cgan"),
}
TRAINERS = {name: t.trainer for name, t in TRAINING.items()}


def get_trainer_class(family: str):
    try:
        return TRAINERS[family]
    except KeyError:
        raise ValueError(f"no trainer for family {family!r}; known: {', '.join(sorted(TRAINERS))}") from None
