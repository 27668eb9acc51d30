"""The DCGAN trainer: one step with every loss is finite and moves every network's weights."""
from __future__ import annotations

import pytest
import torch

from training import losses as L

from tests.helpers import dcgan_trainer


@pytest.mark.parametrize("loss", L.LOSSES)
def test_one_step_finite_and_moves_weights(loss):
    tr = dcgan_trainer(loss)
    before = {k: [p.detach().clone() for p in n.parameters()] for k, n in tr.nets.items()}
    batch = {"image": torch.rand(8, 1, 16, 16) * 2 - 1}
    out = tr.step(batch)
    assert set(out) == set(tr.loss_names)
    assert all(torch.isfinite(torch.tensor(v)) for v in out.values())
    for k, net in tr.nets.items():
        assert any(not torch.equal(a, b) for a, b in zip(before[k], net.parameters())), k
