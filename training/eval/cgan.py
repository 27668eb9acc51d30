"""`gan-studio eval <cgan model>`: does the generator draw the digit it is asked for, with real variety?

(a) Accuracy. n samples, the classes asked for in equal numbers, z ~ N(0, I); the project's digit
    classifier (training/eval/mnist_classifier.py, its own held-out accuracy reported beside) reads each
    one. Reported: the share read as the requested digit (overall and per class) and the most common
    confusions.
(b) Diversity within a class. Mean pairwise distance between the samples of one class, in the
    classifier's 128-d penultimate features (how differently the digits are drawn, as the classifier
    sees them) and in pixels (L2 over the 32x32 image, [-1, 1] scale), beside the same measure on the
    real held-out digits of that class (the 2,000 digits no bundled MNIST evaluation network trained on;
    training/datasets/mnist.py eval_split). A ratio near 1 is real-like variety; well below 1 means the
    generator draws each class in fewer ways than people write it (partial mode collapse).

    gan-studio eval cgan-mnist [--n 5000] [--json metrics.json] [--card]

--card writes the metrics and the figures (samples.png: digit x seed, class_walk.png) into the model's
README.md, replacing an earlier evaluation section.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from studio import hub

from ..card import write_card_section
from ..evaluate import parse_eval_args, report
from . import mnist_classifier


def mean_pairwise(x: torch.Tensor) -> float:
    """Mean L2 distance over all pairs i != j of the rows of x (N, D)."""
    d = torch.cdist(x.flatten(1).double(), x.flatten(1).double())
    n = len(x)
    return float(d.sum() / (n * (n - 1))) if n > 1 else 0.0


@torch.no_grad()
def generate(G, n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """n images with the classes asked for in turn (0, 1, ..., 9, 0, ...) -> (images, classes asked)."""
    gen = torch.Generator().manual_seed(seed)
    y = torch.arange(n) % G.n_classes
    z = torch.randn(n, G.z_dim, generator=gen)
    return torch.cat([G(z[i:i + 500], y[i:i + 500]) for i in range(0, n, 500)]), y


@torch.no_grad()
def evaluate(model: str, n: int = 5000, per_class: int = 200, seed: int = 0) -> dict:
    t0 = time.perf_counter()
    G = hub.load(model)
    if getattr(G, "family", None) != "cgan":
        raise SystemExit(f"{model} is a {getattr(G, 'family', '?')} model, not a cgan")
    clf, clf_metrics = mnist_classifier.load()
    images, asked = generate(G, n, seed)
    probs = torch.cat([clf(images[i:i + 500]).softmax(1) for i in range(0, n, 500)])
    read = probs.argmax(1)
    ok = read == asked
    per = {int(c): round(ok[asked == c].float().mean().item(), 4) for c in range(G.n_classes)}
    pairs = torch.stack([asked[~ok], read[~ok]], 1).tolist()
    confusions = sorted({tuple(p): pairs.count(p) for p in pairs}.items(), key=lambda kv: -kv[1])[:5]

    real_x, real_y = mnist_classifier.heldout_digits()
    gen_f, real_f = mnist_classifier.features(clf, images), mnist_classifier.features(clf, real_x)
    diversity = {}
    for c in range(G.n_classes):
        g_idx = (asked == c).nonzero().flatten()[:per_class]
        r_idx = (real_y == c).nonzero().flatten()[:per_class]
        diversity[c] = {"features": [round(mean_pairwise(gen_f[g_idx]), 3), round(mean_pairwise(real_f[r_idx]), 3)],
                        "pixels": [round(mean_pairwise(images[g_idx]), 3), round(mean_pairwise(real_x[r_idx]), 3)]}
    mean = {k: [round(sum(d[k][i] for d in diversity.values()) / len(diversity), 3) for i in (0, 1)]
            for k in ("features", "pixels")}
    return {
        "model": str(model), "conditioning": G.config.conditioning, "samples": n,
        "accuracy": round(ok.float().mean().item(), 4),
        "accuracy_per_class": per,
        "mean_probability_of_the_asked_digit": round(probs[torch.arange(n), asked].mean().item(), 4),
        "top_confusions": [{"asked": a, "read": r, "count": k} for (a, r), k in confusions],
        "diversity_per_class": {str(c): d for c, d in diversity.items()},   # [generated, real]
        "diversity_mean": mean,                                               # [generated, real]
        "diversity_ratio": {k: round(v[0] / v[1], 3) for k, v in mean.items()},
        "real_digits": f"{len(real_y)} held-out MNIST digits, up to {per_class} per class",
        "classifier_heldout_accuracy": clf_metrics.get("heldout_accuracy"),
        "wall_s": round(time.perf_counter() - t0, 1),
    }


def summary_rows(r: dict) -> list[tuple[str, str]]:
    per = " ".join(f"{v:.3f}" for v in r["accuracy_per_class"].values())
    conf = ", ".join(f"{c['asked']}→{c['read']} ×{c['count']}" for c in r["top_confusions"]) or "none"
    return [
        (f"read as the requested digit ({r['samples']} samples, all classes; target ≥ 0.97)", f"{r['accuracy']:.3f}"),
        ("per requested digit 0-9", per),
        ("classifier's mean probability of the requested digit", f"{r['mean_probability_of_the_asked_digit']:.3f}"),
        ("most common confusions (asked→read)", conf),
        ("within-class diversity, classifier features: generated / real (ratio)",
         f"{r['diversity_mean']['features'][0]:.2f} / {r['diversity_mean']['features'][1]:.2f} "
         f"({r['diversity_ratio']['features']:.2f})"),
        ("within-class diversity, pixels: generated / real (ratio)",
         f"{r['diversity_mean']['pixels'][0]:.2f} / {r['diversity_mean']['pixels'][1]:.2f} "
         f"({r['diversity_ratio']['pixels']:.2f})"),
        ("digit classifier's own held-out accuracy", f"{r['classifier_heldout_accuracy']}"),
    ]


def write_card(folder: Path, result: dict, command: str) -> None:
    from studio.inference import class_walk_strip, conditional_grid

    conditional_grid(str(folder), "0-9", "1-8").save(folder / "samples.png")
    class_walk_strip(str(folder), "1-4", 3, 8, 9).save(folder / "class_walk.png")
    lines = ["## Evaluation", "", f"`{command}` ({result['wall_s']:.0f} s)", "", "| metric | value |", "|---|---|"]
    lines += [f"| {a} | {b} |" for a, b in summary_rows(result)]
    lines += ["", "Diversity is the mean pairwise distance between samples of one class (generated: the first "
              "200 of each class; real: the held-out digits of that class), averaged over the classes.", "",
              "**Digit × seed** (rows: seeds 1-8, one noise z each; columns: the digit asked for): a row keeps its "
              "handwriting while the class changes.", "", "![samples.png](samples.png)", "",
              "**From 3 to 8 through the class embeddings** (rows: seeds 1-4; columns: e = (1-t) e_3 + t e_8, "
              "t = 0 … 1)", "", "![class_walk.png](class_walk.png)", "",
              "```json", json.dumps(result, indent=1), "```"]
    write_card_section(folder, "cgan-eval", "\n".join(lines))


def main(model: str, argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog=f"gan-studio eval {model}", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=5000, help="generated samples (the classes in equal numbers)")
    p.add_argument("--per-class", type=int, default=200, help="samples per class for the diversity")
    p.add_argument("--seed", type=int, default=0)
    args = parse_eval_args(p, argv)
    result = evaluate(model, n=args.n, per_class=args.per_class, seed=args.seed)
    return report(model, argv, args, result, summary_rows(result), write_card)
