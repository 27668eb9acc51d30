import pytest
import torch

from studio.models.dcgan import DCGANConfig
from training import losses as L
from training.checkpoint import load_checkpoint, save_checkpoint
from training.loop import Control, fit
from training.steps.dcgan import DCGANTrainer


class Noise(torch.utils.data.Dataset):
    def __len__(self):
        return 40

    def __getitem__(self, i):
        g = torch.Generator().manual_seed(i)
        return {"image": torch.rand(1, 16, 16, generator=g) * 2 - 1}


def trainer(loss="nonsaturating"):
    return DCGANTrainer(DCGANConfig(z_dim=8, img_size=16, g_width=4, d_width=4), loss=loss, n_samples=4)


@pytest.mark.parametrize("loss", L.LOSSES)
def test_one_step_finite_and_moves_weights(loss):
    tr = trainer(loss)
    before = {k: [p.detach().clone() for p in n.parameters()] for k, n in tr.nets.items()}
    batch = {"image": torch.rand(8, 1, 16, 16) * 2 - 1}
    out = tr.step(batch)
    assert set(out) == set(tr.loss_names)
    assert all(torch.isfinite(torch.tensor(v)) for v in out.values())
    for k, net in tr.nets.items():
        assert any(not torch.equal(a, b) for a, b in zip(before[k], net.parameters())), k


def test_losses_have_the_right_sign():
    hi, lo = torch.full((4,), 5.0), torch.full((4,), -5.0)
    for name in L.LOSSES:   # a D that separates well has a lower loss than one that is fooled
        assert L.d_loss(name, hi, lo) < L.d_loss(name, lo, hi), name
        assert L.g_loss(name, hi) < L.g_loss(name, lo), name
    with pytest.raises(ValueError):
        L.check_loss("nope")


def test_fit_checkpoints_and_resumes_exactly(tmp_path):
    torch.manual_seed(0)
    a = trainer()
    events = list(fit(a, Noise(), steps=6, batch_size=4, out=tmp_path / "a", sample_every=3, log_every=1))
    assert [e.kind for e in events][0] == "start" and events[-1].kind == "done"
    assert any(e.kind == "samples" for e in events)

    torch.manual_seed(0)
    b = trainer()  # same initial weights as a
    list(fit(b, Noise(), steps=3, batch_size=4, out=tmp_path / "b", checkpoint_every=0))
    c = trainer()  # a fresh process picking up the run
    ev = list(fit(c, Noise(), steps=6, batch_size=4, out=tmp_path / "b"))
    assert ev[0].message == "resumed at step 3"
    for p, q in zip(a.nets["G"].parameters(), c.nets["G"].parameters()):
        assert torch.allclose(p, q, atol=1e-6)


def test_nan_loss_stops_and_keeps_checkpoint(tmp_path):
    tr = trainer()
    list(fit(tr, Noise(), steps=2, batch_size=4, out=tmp_path))
    real_step = tr.step
    tr.step = lambda batch: {**real_step(batch), "G": float("nan")}
    events = list(fit(tr, Noise(), steps=5, batch_size=4, out=tmp_path))
    assert events[-1].kind == "error" and "diverged" in events[-1].message
    fresh = trainer()
    assert load_checkpoint(fresh, tmp_path / "checkpoint")["step"] == 2


def test_stop_keeps_checkpoint(tmp_path):
    ctl = Control()
    tr = trainer()
    it = fit(tr, Noise(), steps=1000, batch_size=4, out=tmp_path, control=ctl, log_every=1)
    for ev in it:
        if ev.kind == "step" and ev.step == 3:
            ctl.stop.set()
    assert ev.kind == "stopped" and ev.step == 3
    assert load_checkpoint(trainer(), tmp_path / "checkpoint")["step"] == 3


def test_checkpoint_round_trip_optimizer_state(tmp_path):
    tr = trainer()
    tr.step({"image": torch.rand(4, 1, 16, 16)})
    save_checkpoint(tr, tmp_path / "ck", step=1)
    other = trainer()
    load_checkpoint(other, tmp_path / "ck")
    s1, s2 = tr.optimizers["D"].state_dict(), other.optimizers["D"].state_dict()
    assert s1["param_groups"] == s2["param_groups"]
    for k in s1["state"]:
        assert torch.equal(s1["state"][k]["exp_avg"], s2["state"][k]["exp_avg"])
