"""The CycleGAN trainer: one step of every loss, the learning-rate schedule, samples, the image pool."""
from __future__ import annotations

import numpy as np
import torch

from tests.helpers import cyclegan_cfg


def test_training_step_and_schedule():
    from training.steps.cyclegan import CycleGANTrainer, ImagePool

    tr = CycleGANTrainer(cyclegan_cfg(), total_steps=6, pool_size=2)
    batch = {"A": torch.rand(2, 3, 32, 32) * 2 - 1, "B": torch.rand(2, 3, 32, 32) * 2 - 1}
    before = {k: v.clone() for k, v in tr.nets["G"].state_dict().items()}
    lrs = [tr.step(batch)["lr"] for _ in range(6)]
    losses = tr.step(batch)
    assert set(losses) >= {"G", "D", "adv", "cycle", "identity"} and all(np.isfinite(list(losses.values())))
    assert lrs[:4] == [2e-4] * 4 and 0 < lrs[5] < lrs[4] < 2e-4          # linear decay over the second half
    assert any(not torch.equal(before[k], v) for k, v in tr.nets["G"].state_dict().items())
    s = tr.samples()
    assert s.shape == (6 * 8, 3, 32, 32)
    pool = ImagePool(3, seed=0)
    out = [pool.query(torch.full((1, 1, 2, 2), float(i))) for i in range(20)]
    assert len(pool.images) == 3 and all(o.shape == (1, 1, 2, 2) for o in out)
