"""The training loop: checkpoints and exact resumes, a diverged loss stops the run, stop keeps the checkpoint."""
from __future__ import annotations

import torch

from training.checkpoint import load_checkpoint
from training.loop import Control, fit

from tests.helpers import Noise, dcgan_trainer


def test_fit_checkpoints_and_resumes_exactly(tmp_path):
    torch.manual_seed(0)
    a = dcgan_trainer()
    events = list(fit(a, Noise(), steps=6, batch_size=4, out=tmp_path / "a", sample_every=3, log_every=1))
    assert [e.kind for e in events][0] == "start" and events[-1].kind == "done"
    assert any(e.kind == "samples" for e in events)

    torch.manual_seed(0)
    b = dcgan_trainer()  # same initial weights as a
    list(fit(b, Noise(), steps=3, batch_size=4, out=tmp_path / "b", checkpoint_every=0))
    c = dcgan_trainer()  # a fresh process picking up the run
    ev = list(fit(c, Noise(), steps=6, batch_size=4, out=tmp_path / "b"))
    assert ev[0].message == "resumed at step 3"
    for p, q in zip(a.nets["G"].parameters(), c.nets["G"].parameters()):
        assert torch.allclose(p, q, atol=1e-6)


def test_nan_loss_stops_and_keeps_checkpoint(tmp_path):
    tr = dcgan_trainer()
    list(fit(tr, Noise(), steps=2, batch_size=4, out=tmp_path))
    real_step = tr.step
    tr.step = lambda batch: {**real_step(batch), "G": float("nan")}
    events = list(fit(tr, Noise(), steps=5, batch_size=4, out=tmp_path))
    assert events[-1].kind == "error" and "diverged" in events[-1].message
    fresh = dcgan_trainer()
    assert load_checkpoint(fresh, tmp_path / "checkpoint")["step"] == 2


def test_stop_keeps_checkpoint(tmp_path):
    ctl = Control()
    tr = dcgan_trainer()
    it = fit(tr, Noise(), steps=1000, batch_size=4, out=tmp_path, control=ctl, log_every=1)
    for ev in it:
        if ev.kind == "step" and ev.step == 3:
            ctl.stop.set()
    assert ev.kind == "stopped" and ev.step == 3
    assert load_checkpoint(dcgan_trainer(), tmp_path / "checkpoint")["step"] == 3
