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


def test_lr_decay_option_decays_over_the_second_half_and_resumes_on_schedule(tmp_path):
    """--set lr_decay=true: the learning rates follow linear_decay of the steps Adam has taken (so a resumed run
    continues the schedule); without it they stay put."""
    from training.steps.base import linear_decay
    from training.steps.spade import SPADETrainer

    batch = {"image": torch.rand(2, 3, 16, 16) * 2 - 1, "label": torch.randint(0, 3, (2, 16, 16))}
    lrs = {}
    for decay in (False, True):
        t = SPADETrainer(spade_cfg(), lr_g=1e-4, lr_d=4e-4, lr_decay=decay)
        t.set_total_steps(6)
        lrs[decay] = []
        for _ in range(6):
            t.step(batch)
            lrs[decay].append((t.optimizers["G"].param_groups[0]["lr"], t.optimizers["D"].param_groups[0]["lr"]))
    assert lrs[False] == [(1e-4, 4e-4)] * 6
    # the lr of the step that has just run: step k (0-based) ran with linear_decay(k, 6)
    assert [g for g, _ in lrs[True]] == [1e-4 * linear_decay(k, 6) for k in range(6)]
    assert [d for _, d in lrs[True]] == [4e-4 * linear_decay(k, 6) for k in range(6)]
    assert lrs[True][3][0] == 1e-4 and 0 < lrs[True][5][0] < lrs[True][4][0] < 1e-4
    assert linear_decay(0, 10) == linear_decay(5, 10) == 1.0 and 0 < linear_decay(10, 10) < 0.2


def test_lr_decay_is_a_setting_of_the_command_line():
    from training.setup import split_settings

    assert split_settings("spade", {"lr_decay": True, "g_width": 8}) == ({"g_width": 8}, {"lr_decay": True})


def test_lr_decay_without_a_run_length_keeps_the_initial_rates():
    from training.steps.spade import SPADETrainer

    t = SPADETrainer(spade_cfg(), lr_g=1e-4, lr_d=4e-4, lr_decay=True)      # not built by build_run: no length
    batch = {"image": torch.rand(2, 3, 16, 16) * 2 - 1, "label": torch.randint(0, 3, (2, 16, 16))}
    for _ in range(3):
        t.step(batch)
    assert [g["lr"] for o in t.optimizers.values() for g in o.param_groups] == [1e-4, 4e-4]
