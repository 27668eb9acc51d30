"""`gan-studio eval dcgan-mnist`: do the samples look like digits, and are all ten digits there?

Classifies N generated digits with the project's MNIST classifier (training/eval/mnist_classifier.py)
and reports: the share classified with confidence > 0.9 (a proxy for "a person reads it as a
digit"), the mean top probability, and the share of each digit among the samples (mode coverage;
uniform is 0.10 each).
"""
from __future__ import annotations

import argparse
import json

import torch

from studio import hub

from ..evaluate import parse_eval_args

from . import mnist_classifier


@torch.no_grad()
def evaluate(model: str, n: int = 2000, seed: int = 0) -> dict:
    G = hub.load(model)
    clf, clf_metrics = mnist_classifier.load()
    z = torch.randn(n, G.z_dim, generator=torch.Generator().manual_seed(seed))
    probs = torch.cat([clf(G(z[i:i + 250])).softmax(1) for i in range(0, n, 250)])
    top, digit = probs.max(1)
    share = torch.bincount(digit, minlength=10).float() / n
    return {
        "samples": n,
        "confident (p>0.9)": round((top > 0.9).float().mean().item(), 3),
        "mean top probability": round(top.mean().item(), 3),
        "digit shares": [round(x, 3) for x in share.tolist()],
        "rarest digit share": round(share.min().item(), 3),
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
