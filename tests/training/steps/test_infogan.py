"""The InfoGAN trainer: Q learns to read the codes back, fit/export round trip, the MI warm-up survives a resume."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from studio import hub
from studio.models.infogan import InfoGANConfig
from training.loop import fit
from training.steps.infogan import InfoGANTrainer

from tests.helpers import INFOGAN_TINY as TINY
from tests.helpers import Blobs


def test_q_learns_to_recover_the_codes(one_thread):
    """The MI losses start at chance and fall far below it within ~100 steps: G learns to put the codes
    into its images and Q learns to read them back. (lambda_cont = 1 so the continuous codes are learned
    within this budget too; ~2 CPU-seconds.)"""
    torch.manual_seed(0)
    tr = InfoGANTrainer(InfoGANConfig(**TINY, lambda_cont=1.0))
    data = torch.utils.data.DataLoader(Blobs(), batch_size=32, shuffle=True,
                                       generator=torch.Generator().manual_seed(0))
    hist = []
    while len(hist) < 120:
        for batch in data:
            hist.append(tr.step(batch))
    cat = [h["MI_cat"] for h in hist]
    cont = [h["MI_cont"] for h in hist]
    first, last = np.mean(cat[:3]), np.mean(cat[-10:])
    assert abs(first - math.log(10)) < 0.3, first          # starts at chance: -log(1/10)
    assert last < 0.5 * math.log(10) and last < 0.5 * first, (first, last)
    assert np.mean([h["Q_acc"] for h in hist[-10:]]) > 0.9   # Q names the code of 9 fakes in 10 (chance: 1 in 10)
    # Continuous codes: the best Q that ignores the image predicts mean 0, std sqrt(1/3) for U(-1, 1),
    # a Gaussian NLL of log(sqrt(1/3)) + 1/2 = -0.05 per code; recovering them must do far better.
    chance_cont = 2 * (math.log(math.sqrt(1 / 3)) + 0.5)
    assert np.mean(cont[:3]) > chance_cont
    assert np.mean(cont[-10:]) < chance_cont - 1.0, (cont[:3], cont[-10:])


def test_fit_export_roundtrip(tmp_path):
    tr = InfoGANTrainer(InfoGANConfig(**TINY), n_noise=3)
    events = list(fit(tr, Blobs(), steps=4, batch_size=8, out=tmp_path / "run", sample_every=2))
    assert events[-1].kind == "done"
    assert events[-1].samples.shape == (10 * 3, 1, 16, 16)      # one row per category
    folder = hub.save(tr.export(), tmp_path / "m")
    G = hub.load(folder)
    z, cat, cont = torch.randn(4, 8), torch.tensor([0, 1, 2, 3]), torch.zeros(4, 2)
    ref = tr.export().eval()
    assert torch.allclose(G(z, cat, cont), ref(z, cat, cont), atol=1e-6)


def test_mi_warmup_schedule_survives_resume(tmp_path):
    cfg = InfoGANConfig(**TINY, mi_warmup=2)
    tr = InfoGANTrainer(cfg)
    ramps = []
    for _ in range(5):
        ramps.append(tr.mi_ramp())
        tr.step(next(iter(torch.utils.data.DataLoader(Blobs(), batch_size=8))))
    assert ramps == [0.0, 0.0, 0.0, 0.5, 1.0]
    assert InfoGANTrainer(InfoGANConfig(**TINY)).mi_ramp() == 1.0           # default: the paper's schedule
    list(fit(InfoGANTrainer(cfg), Blobs(), steps=3, batch_size=8, out=tmp_path))
    resumed = InfoGANTrainer(cfg)
    from training.checkpoint import load_checkpoint
    load_checkpoint(resumed, tmp_path / "checkpoint")
    assert resumed.steps_done() == 3 and resumed.mi_ramp() == 0.5
