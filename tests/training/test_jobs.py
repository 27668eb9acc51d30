"""The JobManager's lifecycle (start, pause, resume, stop, export, resume from a checkpoint), without the UI."""
from __future__ import annotations

import math
import time

import pytest
import torch
from PIL import Image

from training import jobs as J
from training.loop import Event

from studio.ui import uploads
from studio.ui.training_view import curves, status_text


def tiny_spec(steps=40, **kw):
    spec = J.make_spec("dcgan", "mnist", steps, 4, 2e-4, 2e-4, "nonsaturating", kw.pop("sample_every", 10), 0)
    spec.model = {"g_width": 8, "d_width": 8, "z_dim": 16}
    spec.checkpoint_every = 20
    for k, v in kw.items():
        setattr(spec, k, v)
    return spec


@pytest.fixture
def manager(tmp_path):
    m = J.JobManager(runs_dir=tmp_path / "runs", models_dir=tmp_path / "models", poll_s=0.05)
    yield m
    m.stop(wait_s=30)


def wait_for(pred, timeout=60.0):
    t0 = time.time()
    while not pred():
        if time.time() - t0 > timeout:
            raise AssertionError("timed out")
        time.sleep(0.05)


def test_lifecycle_pause_resume_stop_exports(manager, tmp_path):
    assert status_text(manager.view()).startswith("idle")
    job = manager.start(tiny_spec(steps=100_000), name="life")
    assert job.state == "running"
    wait_for(lambda: job.view().step >= 10)
    with pytest.raises(J.JobBusy, match="already running"):
        manager.start(tiny_spec(), name="other")
    manager.pause()
    assert job.state == "paused"
    time.sleep(0.5)                                   # let an in-flight step finish
    frozen = job.view().step
    time.sleep(0.6)
    assert job.view().step == frozen                  # nothing happens while paused
    manager.resume()
    assert job.state == "running"
    wait_for(lambda: job.view().step >= frozen + 10)
    text = status_text(manager.stop())
    view = job.view()
    assert view.state == "stopped" and "stopped" in text and 'model saved as "life"' in text
    model = tmp_path / "models" / "life"
    for f in ("config.json", "model.safetensors", "README.md", "samples.png"):
        assert (model / f).is_file(), f
    assert "gan-studio train --family dcgan" in (model / "README.md").read_text()
    assert (tmp_path / "runs" / "life" / "checkpoint" / "state.json").is_file()
    with pytest.raises(RuntimeError, match="cannot go from stopped to running"):
        job._set_state("running")
    # a stopped job frees the slot, and resuming continues from its checkpoint
    job2 = manager.start(tiny_spec(steps=view.step + 20), name="life", resume=True)
    wait_for(lambda: job2.state in J.TERMINAL)
    assert job2.state == "done" and job2._first_step == view.step


def test_watch_streams_until_done_and_history_is_bounded(manager):
    job = manager.start(tiny_spec(steps=60, sample_every=10), name="watched")
    views = list(manager.watch(job))
    assert views[-1].state == "done" and views[-1].step == 60
    assert len({v.version for v in views}) == len(views)          # only changes are streamed
    assert views[-1].history and views[-1].model == "watched"
    png = job.samples_file()
    assert png == job.samples_file() and Image.open(png).size == (8 * 34 + 2, 8 * 34 + 2)   # once per step
    frame = curves(views[-1])
    assert set(frame["term"]) == {"G", "D"} and set(curves(views[-1], probabilities=True)["term"]) == {
        "D(x)", "D(G(z))"}
    h = J.LossHistory(max_points=10)
    for s in range(1000):
        h.add(s, {"G": 1.0})
    steps = [r[0] for r in h.rows]
    assert len(steps) <= 11 and steps[0] == 0 and steps[-1] == 999          # bounded, spans the run, ends now
    assert len({b - a for a, b in zip(steps[:-2], steps[1:-1])}) == 1       # evenly spaced


def test_resume_refuses_a_different_model(manager):
    manager.start(tiny_spec(steps=20), name="shape")
    wait_for(lambda: manager.current.state in J.TERMINAL)
    spec = tiny_spec(steps=40)
    spec.model["g_width"] = 16
    with pytest.raises(ValueError, match="different model"):
        manager.start(spec, name="shape", resume=True)
    assert not manager.busy()


def test_nan_loss_fails_the_job_with_an_explanation(manager, monkeypatch):
    real_build = J.build_run

    def build(spec, **kw):
        trainer, ds = real_build(spec, **kw)
        step = trainer.step
        trainer.step = lambda batch: {**step(batch), "G": float("nan")}
        return trainer, ds
    monkeypatch.setattr(J, "build_run", build)
    job = manager.start(tiny_spec(steps=50), name="nan")
    wait_for(lambda: job.state in J.TERMINAL)
    assert job.state == "failed"
    assert "diverged" in job.view().message and "no checkpoint" in job.view().message.lower()
    assert job.view().model is None


def test_bad_inputs_are_clear(manager, tmp_path):
    with pytest.raises(ValueError, match="run name"):
        manager.start(tiny_spec(), name="../escape")
    with pytest.raises(ValueError, match="steps must be"):
        J.make_spec("dcgan", "mnist", -5, 4, 2e-4, 2e-4, "hinge", 10, 0)
    with pytest.raises(ValueError, match="no trainer"):
        J.make_spec("nope", "mnist", 5, 4, 2e-4, 2e-4, "hinge", 10, 0)
    with pytest.raises(ValueError, match="unknown dataset"):
        uploads.dataset_source("imagenet")
    with pytest.raises(ValueError, match="only trains on uploaded"):
        uploads.dataset_source("/etc")
    assert uploads.dataset_source("mnist") == ("mnist", {})
    assert not manager.busy()


def test_warnings_d_collapse_and_mode_collapse(tmp_path):
    spec = tiny_spec(steps=1000, sample_every=10)
    job = J.Job(1, "w", spec, tmp_path, tmp_path / "m", trainer=None, dataset=None)
    job.real_diversity = 1.0
    for s in range(10, 200, 10):
        job.on_event(Event("step", s, 1000, {"G": 6.0, "D": 0.01}))
    assert not job.view().warnings                                 # D wins early in every run
    for s in range(200, 300, 10):
        job.on_event(Event("step", s, 1000, {"G": 6.0, "D": 0.01}))
    assert any("D loss has stayed below" in w for w in job.view().warnings)
    job.on_event(Event("step", 310, 1000, {"G": 1.0, "D": 0.9}))
    assert not job.view().warnings
    diverse = torch.rand(16, 1, 8, 8) * 2 - 1
    same = diverse[:1].expand(16, -1, -1, -1)
    assert job.warmup == 200                                       # a fifth of the run, here
    for s, x in ((20, same), (30, same), (200, diverse), (210, same)):
        job.on_event(Event("samples", s, 1000, {}, x))
    assert not job.view().warnings                                 # alike early on, or only once: no alarm
    job.on_event(Event("samples", 220, 1000, {}, same))
    assert job.view().diversity == 0.0
    assert any("Mode collapse" in w for w in job.view().warnings)
    job.on_event(Event("samples", 230, 1000, {}, diverse))
    assert not job.view().warnings
    assert math.isclose(J.mean_pairwise_distance(same), 0.0)
