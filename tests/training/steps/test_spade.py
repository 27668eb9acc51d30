"""The SPADE trainer: one step moves the weights, samples show label maps, fakes and reals."""
from __future__ import annotations

import math

import torch

from tests.helpers import spade_cfg


def test_trainer_step_and_samples():
    from training.steps.spade import SPADETrainer

    t = SPADETrainer(spade_cfg(), n_samples=2)
    batch = {"image": torch.rand(4, 3, 16, 16) * 2 - 1, "label": torch.randint(0, 3, (4, 16, 16))}
    w0 = next(t.nets["G"].decoder.parameters()).clone()
    losses = t.step(batch)
    assert set(losses) == set(t.loss_names) and all(math.isfinite(v) for v in losses.values())
    assert not torch.equal(w0, next(t.nets["G"].decoder.parameters()))
    assert t.samples().shape == (6, 3, 16, 16)                                 # label maps, fakes, reals
    assert t.export() is t.nets["G"]                                           # not landscapes: no presets
