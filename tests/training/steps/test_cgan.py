"""The conditional GAN trainer: G learns to draw the class it is asked for (both variants), D is frozen in
G's step, fit/export round trip, the family fits labelled datasets only."""
from __future__ import annotations

import time

import pytest
import torch

from training.engine import Engine

from studio import hub
from studio.models.cgan import CGANConfig
from training.loop import fit
from training.setup import RunSpec, build_run
from training.steps.cgan import CGANTrainer

from tests.helpers import CGAN_TINY as TINY
from tests.helpers import LabelledBlobs, region_of


def train(conditioning: str, steps: int, **kw) -> CGANTrainer:
    """The papers' objectives (no mode-seeking term) on LabelledBlobs."""
    torch.manual_seed(0)
    tr = CGANTrainer(CGANConfig(**TINY, conditioning=conditioning), lr_g=2e-3, lr_d=2e-3, mode_seeking=0.0, **kw)
    data = torch.utils.data.DataLoader(LabelledBlobs(), batch_size=32, shuffle=True,
                                       generator=torch.Generator().manual_seed(0))
    done = 0
    while done < steps:
        for batch in data:
            tr.step(batch)
            done += 1
    return tr


@torch.no_grad()
def share_in_the_right_region(tr: CGANTrainer, n: int = 90) -> float:
    G = tr.generator().eval()
    y = torch.arange(n) % 3
    return (region_of(G(torch.randn(n, TINY["z_dim"]), y)) == y).float().mean().item()


@pytest.mark.parametrize("conditioning", ["cgan", "acgan"])
def test_the_generator_learns_to_draw_the_class_asked_for(one_thread, conditioning):
    """Each class of LabelledBlobs puts its square in its own region; an untrained G is at chance (1/3) and a
    trained one puts the ink where the asked class has it (50 steps, ~1 CPU-second each)."""
    untrained = share_in_the_right_region(train(conditioning, 0))
    trained = share_in_the_right_region(train(conditioning, 50))
    assert untrained < 0.6
    assert trained > 0.9, (untrained, trained)


def test_d_is_frozen_in_the_generator_step_and_unfrozen_after():
    tr = train("cgan", 0)
    D = tr.nets["D"]
    seen = []
    hook = D.head.register_forward_hook(lambda m, i, o: seen.append(any(p.requires_grad for p in D.parameters())))
    tr.step(next(iter(torch.utils.data.DataLoader(LabelledBlobs(), batch_size=8))))
    hook.remove()
    assert seen == [True, False]                  # D's pass on reals and fakes, then G's pass: frozen
    assert all(p.requires_grad for p in D.parameters())


def test_acgan_reports_its_classifier_and_wgan_gp_runs():
    tr = CGANTrainer(CGANConfig(**TINY, conditioning="acgan"), loss="wgan-gp")
    losses = tr.step(next(iter(torch.utils.data.DataLoader(LabelledBlobs(), batch_size=8))))
    assert {"G", "D", "D(x)", "D(G(z))", "C(x) acc", "C(G(z)) acc"} == set(losses)
    assert all(torch.isfinite(torch.tensor(v)) for v in losses.values())


def test_channels_last_gives_the_same_step():
    batch = next(iter(torch.utils.data.DataLoader(LabelledBlobs(), batch_size=8)))
    results = []
    for cl in (False, True):
        torch.manual_seed(0)
        tr = CGANTrainer(CGANConfig(**TINY), channels_last=cl)
        engine = Engine()
        engine.place(tr, local_batch=8)
        assert tr.memory_format == (torch.channels_last if cl else torch.contiguous_format)
        results.append({k: float(v) for k, v in tr.step(engine.batch(batch, tr.memory_format)).items()})
    for k in results[0]:
        assert results[0][k] == pytest.approx(results[1][k], rel=1e-4, abs=1e-5), k


def test_fit_export_roundtrip(tmp_path):
    tr = CGANTrainer(CGANConfig(**TINY), n_noise=4)
    events = list(fit(tr, LabelledBlobs(), steps=4, batch_size=8, out=tmp_path / "run", sample_every=2))
    assert events[-1].kind == "done"
    assert events[-1].samples.shape == (3 * 4, 1, 16, 16)          # one row of 4 per class
    G = hub.load(hub.save(tr.export(), tmp_path / "m"))
    z, y = torch.randn(3, 8), torch.tensor([0, 1, 2])
    torch.testing.assert_close(G(z, y), tr.export().eval()(z, y))


def test_the_family_trains_on_labelled_mnist_only(tmp_path):
    with pytest.raises(ValueError, match="cgan family trains on images and class labels.*mnist, mnist-train"):
        build_run(RunSpec(family="cgan", dataset="faces", steps=1))
    with pytest.raises(ValueError, match="cgan family trains on images and class labels"):
        build_run(RunSpec(family="cgan", dataset=str(tmp_path), steps=1))


def test_mode_seeking_asks_for_the_same_classes_in_both_halves(monkeypatch):
    asked = []
    tr = CGANTrainer(CGANConfig(**TINY), mode_seeking=0.3)
    G = tr.nets["G"]
    real_forward = G.forward
    monkeypatch.setattr(G, "forward", lambda z, y, *a: asked.append(y.clone()) or real_forward(z, y, *a))
    losses = tr.step(next(iter(torch.utils.data.DataLoader(LabelledBlobs(), batch_size=8))))
    assert torch.equal(asked[0][:4], asked[0][4:]) and all(torch.isfinite(torch.tensor(v)) for v in losses.values())


def test_a_training_tab_job_trains_a_conditional_model(tmp_path):
    """The training tab's path (jobs.make_spec with the family's defaults, mnist) trains a cgan to the end, and the
    exported model draws the digits asked for through the conditional demo's inference."""
    from studio import inference
    from training import jobs as J

    manager = J.JobManager(runs_dir=tmp_path / "runs", models_dir=tmp_path / "models", poll_s=0.05)
    spec = J.make_spec("cgan", "", 3, 8, "", "", "", 2, 0)
    assert (spec.dataset, spec.loss, spec.spectral_norm) == ("mnist", "hinge", True)
    spec.model = {"g_width": 4, "d_width": 4, "z_dim": 8, "embed_dim": 4}
    try:
        job = manager.start(spec, name="tiny-cgan-job")
        t0 = time.time()
        while job.state not in J.TERMINAL and time.time() - t0 < 120:
            time.sleep(0.1)
        assert job.state == "done", job.view()
    finally:
        manager.stop(wait_s=30)
    model = str(tmp_path / "models" / "tiny-cgan-job")
    assert inference.conditional_grid(model, "0-9", "1-2").size[0] > 0


@pytest.mark.parametrize("conditioning,sn", [("cgan", True), ("acgan", True), ("acgan", False)])
def test_d_on_reals_and_fakes_in_one_call_is_the_same_function(conditioning, sn):
    """With spectral norm (no BatchNorm) D sees reals and fakes in one call; with BatchNorm in two, so that the
    batch statistics stay each half's. Either way the same logits as two calls (eval mode: no power iteration)."""
    torch.manual_seed(0)
    tr = CGANTrainer(CGANConfig(**TINY, conditioning=conditioning, spectral_norm=sn))
    D = tr.nets["D"]
    calls = []
    D.register_forward_hook(lambda m, i, o: calls.append(len(i[0])))
    D.train(not sn)                       # BatchNorm in training mode uses the batch's statistics
    real, fake = torch.randn(6, 1, 16, 16), torch.randn(6, 1, 16, 16)
    y, y_fake = torch.randint(3, (6,)), torch.randint(3, (6,))
    got = tr.discriminate(D, real, y, fake, y_fake)
    assert calls == ([12] if sn else [6, 6])
    want = (*D(real, y), *D(fake, y_fake))
    for a, b in zip(got, want):
        assert (a is None) == (b is None)
        if a is not None:
            torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-5)   # batch-size-dependent float sums
