"""The dcgan evaluation: confidence, digit shares, and the feature distance to held-out digits with its floor."""
from __future__ import annotations

import pytest
import torch

from studio import hub
from studio.models.dcgan import DCGANConfig, Generator
from training.datasets import mnist
from training.eval import dcgan as ev
from training.eval import mnist_classifier

needs_mnist = pytest.mark.skipif(not any(mnist.find_idx(r, "test") for r in mnist.default_roots()),
                                 reason="the MNIST idx files are not on this machine")


def test_heldout_and_training_digits_are_disjoint_parts_of_the_split():
    if not any(mnist.find_idx(r, "test") for r in mnist.default_roots()):
        pytest.skip("the MNIST idx files are not on this machine")
    (train, _), (held, _) = mnist_classifier.split_digits()
    train = train[:500]
    assert held.shape == (2000, 1, 32, 32) and train.shape == (500, 1, 32, 32)
    assert torch.equal(mnist_classifier.heldout_digits()[0], held)
    assert not (held.flatten(1)[:, None] == train.flatten(1)[None]).all(-1).any()   # no digit in both


@needs_mnist
def test_feature_distance_tells_an_untrained_generator_from_the_bundled_one(tmp_path):
    torch.manual_seed(0)
    untrained = hub.save(Generator(DCGANConfig()).eval(), tmp_path / "untrained")
    bad, good = ev.evaluate(str(untrained), n=500), ev.evaluate("dcgan-mnist", n=500)
    assert bad["FD floor (real vs real)"] == good["FD floor (real vs real)"]      # the same real digits
    assert good["FD floor (real vs real)"] < good["FD to held-out digits"] < bad["FD to held-out digits"] / 3
    assert good["KD to held-out digits"] < bad["KD to held-out digits"]
    # confidence alone cannot tell them apart: the classifier reads an untrained G's blobs as one digit, surely
    assert bad["rarest digit share"] == 0 and max(bad["digit shares"]) > 0.9
    assert good["rarest digit share"] > 0.05 and sum(good["digit shares"]) == pytest.approx(1.0, abs=0.01)
