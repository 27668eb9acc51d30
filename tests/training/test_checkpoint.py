"""Checkpoints keep the optimizers' state."""
from __future__ import annotations

import torch

from training.checkpoint import load_checkpoint, save_checkpoint

from tests.helpers import dcgan_trainer


def test_checkpoint_round_trip_optimizer_state(tmp_path):
    tr = dcgan_trainer()
    tr.step({"image": torch.rand(4, 1, 16, 16)})
    save_checkpoint(tr, tmp_path / "ck", step=1)
    other = dcgan_trainer()
    load_checkpoint(other, tmp_path / "ck")
    s1, s2 = tr.optimizers["D"].state_dict(), other.optimizers["D"].state_dict()
    assert s1["param_groups"] == s2["param_groups"]
    for k in s1["state"]:
        assert torch.equal(s1["state"][k]["exp_avg"], s2["state"][k]["exp_avg"])
