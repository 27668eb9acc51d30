"""The cgan evaluation (accuracy, within-class diversity, card) and the projection evaluation."""
from __future__ import annotations

import json

import pytest
import torch

from studio import hub
from studio.models.cgan import CGANConfig, Generator
from training.datasets import mnist
from training.eval import cgan as ev
from training.eval import projection as pev

needs_mnist = pytest.mark.skipif(not any(mnist.find_idx(r, "test") for r in mnist.default_roots()),
                                 reason="the MNIST idx files are not on this machine")


def test_mean_pairwise_distance():
    x = torch.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 0.0]])
    assert ev.mean_pairwise(x) == pytest.approx((5 + 5 + 0) * 2 / 6)
    assert ev.mean_pairwise(x[:1]) == 0.0


@needs_mnist
def test_evaluation_and_card(tmp_path):
    torch.manual_seed(0)
    folder = hub.save(Generator(CGANConfig()).eval(), tmp_path / "untrained-cgan")
    r = ev.evaluate(str(folder), n=100, per_class=10)
    assert 0 <= r["accuracy"] <= 0.5                    # an untrained generator draws no digit on request
    assert set(r["accuracy_per_class"]) == set(range(10)) and len(r["diversity_per_class"]) == 10
    real = r["diversity_mean"]["pixels"][1]
    assert 10 < real < 25                                # real digits of one class differ (in [-1, 1] pixels)
    assert r["diversity_ratio"]["pixels"] == pytest.approx(r["diversity_mean"]["pixels"][0] / real, abs=1e-3)
    ev.write_card(folder, r, "gan-studio eval untrained-cgan")
    card = (folder / "README.md").read_text()
    assert "cgan-eval:begin" in card and "target ≥ 0.97" in card
    assert (folder / "samples.png").is_file() and (folder / "class_walk.png").is_file()


@needs_mnist
def test_projection_evaluation(tmp_path):
    r = pev.evaluate("dcgan-mnist", n=3, steps=5, log=lambda *a: None)
    assert r["digits"] == 3 and 0 < r["reconstruction_error"] < r["random_sample_error"] + 0.1
    assert 0 <= r["classifier_agreement"] <= 1 and r["cpu_s_per_picture"] > 0
    json.dumps({k: v for k, v in r.items() if not k.startswith("_")})
    folder = hub.save(hub.load("dcgan-mnist"), tmp_path / "copy")
    pev.write_card(folder, r, "python -m training.eval.projection copy", "it trained on them")
    assert "Projection (latent inversion)" in (folder / "README.md").read_text()
    assert (folder / "projection.png").is_file()
