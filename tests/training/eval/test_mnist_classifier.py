"""The shipped digit classifier the InfoGAN evaluation reads digits with."""
from __future__ import annotations

import pytest


def test_shipped_digit_classifier_is_accurate():
    from training.datasets.mnist import MNISTDataset
    from training.eval import mnist_classifier as mc

    if not (mc.DEFAULT_DIR / mc.WEIGHTS).is_file():
        pytest.skip("pretrained/_eval/mnist-classifier is not there")
    try:
        data = MNISTDataset()
    except FileNotFoundError:
        pytest.skip("no MNIST files on this machine")
    clf, metrics = mc.load()
    _, held = mc.split(len(data), metrics["n_heldout"], metrics["seed"])
    held = held[:500]
    assert mc.accuracy(clf, data.images[held], data.labels[held]) > 0.95
