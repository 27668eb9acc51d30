"""The StyleGAN trainer: style mixing, lazy R1, the EMA generator, checkpoints."""
from __future__ import annotations

import torch

from studio.models.stylegan import StyleGANConfig

from tests.helpers import STYLEGAN_TINY as TINY


def test_trainer_steps_mixing_r1_and_ema(tmp_path):
    from training.checkpoint import load_checkpoint, save_checkpoint
    from training.steps.stylegan import StyleGANTrainer

    cfg, opts = StyleGANConfig(**TINY), dict(mixing_prob=1.0, r1_every=2)
    tr = StyleGANTrainer(cfg, **opts)
    batch = {"image": torch.rand(8, 3, 16, 16) * 2 - 1}
    logs = [tr.step(batch) for _ in range(3)]
    assert logs[0]["R1"] > 0 and logs[1]["R1"] == 0 and logs[2]["R1"] > 0      # lazy R1 every 2 steps
    G, E = tr.nets["G"], tr.nets["G_ema"]
    assert tr.export() is E and not torch.allclose(G.synthesis.const, E.synthesis.const)
    torch.testing.assert_close(E.w_avg, G.w_avg)
    assert tr.samples().shape == (64, 3, 16, 16)
    save_checkpoint(tr, tmp_path / "ck", 3)
    tr2 = StyleGANTrainer(cfg, **opts)
    load_checkpoint(tr2, tmp_path / "ck")
    torch.testing.assert_close(tr2.nets["G_ema"].synthesis.const, E.synthesis.const)
    assert tr2.steps_done("D") == 3
