"""`gan-studio eval dcgan-mnist`: do the samples look like digits, and are all ten digits there?

Classifies N generated digits with the project's MNIST classifier (training/eval/mnist_classifier.py)
and reports: the share classified with confidence > 0.9 (a proxy for "a person reads it as a
digit"), the mean top probability, the share of each digit among the samples (mode coverage;
uniform is 0.10 each), and how far the samples lie from real digits as a whole: the Fréchet and kernel
distances (FID's and KID's formulas, training/eval/feature_distance.py) between the samples and the
2,000 held-out digits in the classifier's 128-d penultimate features (Inception is not available
offline), beside the floor: as many real digits of the other 8,000 against the same held-out ones.
Confidence alone proves little: an untrained generator's blobs are all read as an 8 with confidence
> 0.9 (tests/training/eval/test_dcgan.py); the shares and the distance expose it (FD ~750 against ~3).
"""
from __future__ import annotations

import argparse
import json

import torch

from studio import hub

from ..evaluate import parse_eval_args

from . import mnist_classifier
from .feature_distance import frechet_distance, kernel_distance


@torch.no_grad()
def evaluate(model: str, n: int = 2000, seed: int = 0) -> dict:
    G = hub.load(model)
    clf, clf_metrics = mnist_classifier.load()
    z = torch.randn(n, G.z_dim, generator=torch.Generator().manual_seed(seed))
    images = torch.cat([G(z[i:i + 250]) for i in range(0, n, 250)])          # (n, 1, 32, 32)
    probs = torch.cat([clf(images[i:i + 250]).softmax(1) for i in range(0, n, 250)])
    top, digit = probs.max(1)
    share = torch.bincount(digit, minlength=10).float() / n
    (train_x, _), (held_x, _) = mnist_classifier.split_digits()
    held = mnist_classifier.features(clf, held_x)
    fake = mnist_classifier.features(clf, images)
    other = mnist_classifier.features(clf, train_x[:len(held_x)])
    return {
        "samples": n,
        "confident (p>0.9)": round((top > 0.9).float().mean().item(), 3),
        "mean top probability": round(top.mean().item(), 3),
        "digit shares": [round(x, 3) for x in share.tolist()],
        "rarest digit share": round(share.min().item(), 3),
        "FD to held-out digits": round(frechet_distance(fake, held), 2),
        "FD floor (real vs real)": round(frechet_distance(other, held), 2),
        "KD to held-out digits": round(kernel_distance(fake, held), 3),
        "KD floor (real vs real)": round(kernel_distance(other, held), 3),
        "classifier held-out accuracy": clf_metrics.get("heldout_accuracy"),
    }


def main(model: str, argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="gan-studio eval MODEL")
    p.add_argument("--n", type=int, default=2000)
    p.add_argument("--seed", type=int, default=0)
    args = parse_eval_args(p, argv)
    metrics = evaluate(model, args.n, args.seed)
    for k, v in metrics.items():
        print(f"{k}: {v}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(metrics, f, indent=2)
    return 0
