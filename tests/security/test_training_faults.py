"""Issue 19, items 9-13: training's faults and bad input, through the page and API or the loop itself.

9  every family x dataset pair the page offers either trains or is refused before starting, naming what fits
10 a crash between a checkpoint swap's two renames: fit() resumes from checkpoint.old
11 a diverging run says what was kept, exports nothing, and the checkpoint interval is offered
13 a CLI resume with another --lr applies it and says so; another --set g_width is refused in words
(12, seeds, is in test_inputs.py with the other numbers.)
"""
from __future__ import annotations

import uuid

import pytest
import torch
from torch import nn

from studio.registry import FAMILIES
from training import cli
from training.datasets import DATASETS
from training.loop import CHECKPOINT_DIR, fit
from training.steps.base import GANTrainer

from . import hostile

PAGE_DATASETS = list(DATASETS) + ["upload"]
ANY = {"mnist", "mnist-train", "landscapes", "faces", "upload"}          # pictures are all these need
FITS = {"dcgan": ANY, "infogan": ANY, "stylegan": ANY, "cyclegan": {"summer2winter"}, "spade": {"landscapes"},
        "cgan": {"mnist", "mnist-train"}}                                  # class labels: the MNIST digits only


def test_the_table_above_is_every_pair():
    assert set(FITS) == set(FAMILIES)


def _start(live, files, family, dataset):
    """Start a 2-step run as the page does (uploads through the page's own upload), -> the final answer."""
    session = uuid.uuid4().hex
    if dataset == "upload":
        up = live.call("_train_upload_files", [[live.upload(hostile.images_zip(files))], family], session=session)
        assert up["ok"] and up["data"][1] == "upload", up
    form = [family, dataset, None, 2, 2, 2e-4, 2e-4, None, None, 0, 1, 500, f"fit-{family}-{dataset}-{session[:4]}",
            False, "auto", "auto", "key"]
    return live.call("_train_start_ui", form, session=session, timeout=300)


PAIRS = [pytest.param(f, d, marks=[pytest.mark.slow] if d in FITS[f] else [], id=f"{f}-{d}")
         for f in sorted(FITS) for d in PAGE_DATASETS]


def test_there_are_36_pairs():
    assert len(PAIRS) == 36 and sum(d in FITS[f] for f, d in ((p.values[0], p.values[1]) for p in PAIRS)) == 19


@pytest.mark.parametrize("family,dataset", PAIRS)
def test_every_family_and_dataset_pair_trains_or_is_refused_first(live, files, family, dataset):
    """The 17 pairs that do not fit are refused at once (fast); the 19 that fit train 2 steps (slow: -m slow)."""
    result = _start(live, files, family, dataset)
    if dataset in FITS[family]:
        assert result["ok"], (family, dataset, result)
        status = result["outputs"][-1][5]
        assert "done, step 2/2" in status, (family, dataset, status)
    else:
        assert not result["ok"] and f"Datasets that fit {family}:" in result["error"], (family, dataset, result)
        assert "KeyError" not in result["error"] and "Something went wrong" not in result["error"]
        assert not result["outputs"], "refused before anything started"
        for fit_name in FITS[family] - {"upload"}:
            assert fit_name in result["error"].split("Datasets that fit")[1]


# ------------------------------------------------------------------------------------------- a tiny trainer

class Tiny(GANTrainer):
    """The smallest trainer fit() accepts: one linear G and D; step() returns the losses it is told to."""
    loss = "nonsaturating"
    channels_last = False

    def __init__(self, losses=None):
        torch.manual_seed(0)
        self.nets = {"G": nn.Linear(2, 2), "D": nn.Linear(2, 1)}
        self.optimizers = {k: torch.optim.Adam(n.parameters(), lr=1e-3) for k, n in self.nets.items()}
        self.losses, self.calls = list(losses or []), 0

    def step(self, batch):
        self.calls += 1
        for opt in self.optimizers.values():
            opt.zero_grad()
        self.nets["G"](batch["image"]).sum().backward()
        for opt in self.optimizers.values():
            opt.step()
        return self.losses.pop(0) if self.losses else {"G": 1.0, "D": 1.0}

    def samples(self):
        return torch.zeros(1, 1, 2, 2)


DATA = [{"image": torch.randn(2)} for _ in range(8)]


def run(out, steps, trainer=None, **kwargs):
    return list(fit(trainer or Tiny(), DATA, steps=steps, batch_size=2, out=out, sample_every=0, **kwargs))


def test_fit_resumes_from_the_old_copy_of_an_interrupted_swap(tmp_path):
    run(tmp_path, 4, checkpoint_every=2)
    ckpt = tmp_path / CHECKPOINT_DIR
    ckpt.rename(tmp_path / f"{CHECKPOINT_DIR}.old")        # killed between the two renames of the next save
    events = run(tmp_path, 6, checkpoint_every=2)
    assert events[0].message == "resumed at step 4" and events[-1].kind == "done" and events[-1].step == 6
    assert (ckpt / "state.json").is_file() and not (tmp_path / f"{CHECKPOINT_DIR}.old").exists()


def test_a_diverged_run_says_that_nothing_was_kept(tmp_path):
    events = run(tmp_path, 10, Tiny([{"G": 1.0, "D": float("nan")}]), checkpoint_every=5)
    assert events[-1].kind == "error"
    assert "No checkpoint had been saved yet (the first was due at step 5)" in events[-1].message
    assert "kept (" not in events[-1].message and not (tmp_path / CHECKPOINT_DIR).exists()


def test_a_diverged_run_names_the_checkpoint_it_kept(tmp_path):
    losses = [{"G": 1.0, "D": 1.0}] * 5 + [{"G": 1.0, "D": float("inf")}]
    events = run(tmp_path, 10, Tiny(losses), checkpoint_every=2)
    assert events[-1].kind == "error" and "The checkpoint of step 4 is kept" in events[-1].message


def test_a_lost_nonsaturating_generator_is_a_diverged_run(tmp_path):
    events = run(tmp_path, 10, Tiny([{"G": 2194.0, "D": 0.0}]), checkpoint_every=5)
    assert events[-1].kind == "error" and "loss G exploded to 2.19e+03 at step 1" in events[-1].message


def test_dcgan_at_lr_1_is_not_exported_as_done(live):
    name = f"lr1-{uuid.uuid4().hex[:6]}"
    form = ["dcgan", "mnist", None, 60, 32, 1.0, 1.0, "nonsaturating", False, 0, 1000, 500, name, False, "auto",
            "auto", "k"]
    result = live.call("_train_start_ui", form, timeout=300)
    status = result["outputs"][-1][5]
    assert "failed" in status and "exploded" in status and "no model was exported" in status, status
    assert name not in live.call("models", [])["data"][0].get("dcgan", [])


def test_the_checkpoint_interval_is_offered(live, home):
    labels = [c["props"].get("label") for c in live.config["components"]]
    assert "Checkpoint every N steps" in labels
    from gradio_client import Client

    client = Client(live.url, verbose=False)
    api = client.view_api(return_format="dict", print_info=False)["named_endpoints"]["/train_start"]
    assert [p["parameter_name"] for p in api["parameters"]][-1] == "checkpoint_every"
    outs = list(client.submit("dcgan", "mnist", 4, 2, 2e-4, "hinge", 10, 0, 3, api_name="/train_start"))
    assert "done, step 4/4" in outs[-1][2]
    run_dir = max((home / "runs").iterdir(), key=lambda p: p.stat().st_mtime)
    assert '"checkpoint_every": 3' in (run_dir / CHECKPOINT_DIR / "state.json").read_text()


# ------------------------------------------------------------------------------------------- 13: CLI resume

ARGS = ["--family", "dcgan", "--dataset", "mnist", "--batch-size", "4", "--sample-every", "100"]


def test_cli_resume_with_another_lr_applies_it_and_says_so(tmp_path, capsys):
    out = str(tmp_path / "run")
    assert cli.main(ARGS + ["--steps", "2", "--lr", "2e-4", "--out", out]) == 0
    capsys.readouterr()
    assert cli.main(ARGS + ["--steps", "4", "--lr", "1e-3", "--out", out]) == 0
    said = capsys.readouterr().out
    assert "resumed at step 2; lr G 0.0002 -> 0.001 (this run's); lr D 0.0002 -> 0.001 (this run's)" in said
    from training.checkpoint import read_meta
    meta = read_meta(tmp_path / "run" / CHECKPOINT_DIR)
    assert [g["lr"] for g in meta["optimizers"]["G"]["param_groups"]] == [1e-3]
    assert meta["spec"]["lr_g"] == 1e-3


def test_cli_resume_with_other_networks_is_refused_in_words(tmp_path, capsys):
    out = str(tmp_path / "run")
    assert cli.main(ARGS + ["--steps", "2", "--out", out]) == 0
    capsys.readouterr()
    assert cli.main(ARGS + ["--steps", "4", "--set", "g_width=16", "--out", out]) == 2
    err = capsys.readouterr().err
    assert "cannot resume" in err and "It was trained with g_width=default; this command asks for g_width=16" in err
    assert "--no-resume" in err and "Traceback" not in err and "size mismatch" not in err
