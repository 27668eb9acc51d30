"""`gan-studio eval <infogan model>`: does the model reproduce InfoGAN's MNIST result?

(a) Categorical code as a classifier (the paper reports ~5% error on MNIST). Generate n digits with
    the code values in equal numbers and everything else random (z ~ N(0, I), c_cont ~ U(-1, 1)),
    classify them with the project's digit classifier (training/eval/mnist_classifier.py, whose own
    held-out accuracy is reported alongside), map each code value to one digit by the best one-to-one
    assignment (Hungarian algorithm, scipy.optimize.linear_sum_assignment) and report the accuracy.
(b) Continuous codes. For each code c_k: m random (z, category, other codes) inputs, c_k swept over
    `values` points in [-1, 1] (the training range). On every image: slant from the ink's second
    moments (-mu11 / mu02, with y pointing down, so a digit leaning right is positive), ink area
    (pixels brighter than mid-grey) and stroke thickness (ink area / half the ink's boundary length).
    Reported: the Pearson correlation between the code value and each property over all images
    ("pooled"), and after subtracting each input's mean property ("within"), i.e. the effect of the
    code with the rest of the input held fixed.

    gan-studio eval infogan-mnist [--n 5000] [--json metrics.json] [--card]

--card writes the metrics and the code grids (samples.png = category grid, samples_c1.png, ...)
into the model folder's README.md (replacing an earlier evaluation section).
"""
from __future__ import annotations

import argparse
import json
import shlex
import time
from pathlib import Path

import numpy as np
import torch

from studio import hub
from studio.models.infogan import Generator

from . import mnist_classifier
from ..card import write_card_section
from ..evaluate import parse_eval_args



# ----------------------------------------------------------------------------- image properties

def ink(images: torch.Tensor) -> torch.Tensor:
    """(N, 1, H, W) in [-1, 1] -> (N, H, W) ink density in [0, 1]."""
    return ((images[:, 0] + 1) / 2).clamp(0, 1)


def slant(images: torch.Tensor) -> torch.Tensor:
    """(N,) -mu11/mu02 of the ink: horizontal shift per row going up; > 0 leans right."""
    w = ink(images)
    n, h, wd = w.shape
    ys = torch.arange(h, dtype=w.dtype)[None, :, None]
    xs = torch.arange(wd, dtype=w.dtype)[None, None, :]
    m = w.sum((1, 2)).clamp_min(1e-6)
    cy = (w * ys).sum((1, 2)) / m
    cx = (w * xs).sum((1, 2)) / m
    dy, dx = ys - cy[:, None, None], xs - cx[:, None, None]
    mu11 = (w * dx * dy).sum((1, 2)) / m
    mu02 = (w * dy * dy).sum((1, 2)) / m
    return -mu11 / mu02.clamp_min(1e-6)


def ink_area(images: torch.Tensor, threshold: float = 0.5) -> torch.Tensor:
    """(N,) number of ink pixels."""
    return (ink(images) > threshold).float().sum((1, 2))


def thickness(images: torch.Tensor, threshold: float = 0.5) -> torch.Tensor:
    """(N,) stroke thickness ~ area / (boundary length / 2): a stroke of length L and width t has area L t
    and about 2 L boundary pixels."""
    b = ink(images) > threshold
    p = torch.nn.functional.pad(b[:, None].float(), (1, 1, 1, 1))[:, 0]
    interior = (p[:, :-2, 1:-1] * p[:, 2:, 1:-1] * p[:, 1:-1, :-2] * p[:, 1:-1, 2:]).bool() & b
    boundary = (b & ~interior).float().sum((1, 2))
    return b.float().sum((1, 2)) / (boundary / 2).clamp_min(1.0)


PROPERTIES = {"slant": slant, "ink_area": ink_area, "thickness": thickness}


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    denom = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / denom) if denom > 0 else 0.0


# ----------------------------------------------------------------------------- the measurements

@torch.no_grad()
def generate(G: Generator, z: torch.Tensor, cat: torch.Tensor, cont: torch.Tensor, batch: int = 500) -> torch.Tensor:
    return torch.cat([G(z[i:i + batch], cat[i:i + batch] if G.n_cat else None, cont[i:i + batch])
                      for i in range(0, len(z), batch)])


@torch.no_grad()
def categorical_accuracy(G: Generator, classifier, n: int = 5000, seed: int = 0) -> dict:
    from scipy.optimize import linear_sum_assignment

    gen = torch.Generator().manual_seed(seed)
    cat = torch.arange(n) % G.n_cat
    z = torch.randn(n, G.z_dim, generator=gen)
    cont = torch.rand(n, G.n_cont, generator=gen) * 2 - 1
    images = generate(G, z, cat, cont)
    digits = torch.cat([classifier(images[i:i + 500]).argmax(1) for i in range(0, n, 500)])
    counts = np.zeros((G.n_cat, 10), dtype=np.int64)             # counts[code, digit]
    np.add.at(counts, (cat.numpy(), digits.numpy()), 1)
    rows, cols = linear_sum_assignment(-counts)                   # best one-to-one code -> digit map
    mapping = {int(r): int(c) for r, c in zip(rows, cols)}
    accuracy = counts[rows, cols].sum() / n
    return {"accuracy": round(float(accuracy), 4),
            "majority_accuracy": round(float(counts.max(1).sum() / n), 4),   # many-to-one, for diagnosis
            "code_to_digit": mapping,
            "purity_per_code": {int(k): round(float(counts[k].max() / max(counts[k].sum(), 1)), 3)
                                for k in range(G.n_cat)},
            "digits_covered": int(len({int(d) for d in counts.argmax(1)})),
            "n": n}


@torch.no_grad()
def continuous_correlations(G: Generator, m: int = 500, values: int = 9, seed: int = 1) -> dict:
    gen = torch.Generator().manual_seed(seed)
    sweep = torch.linspace(-1, 1, values)
    out = {}
    for k in range(G.n_cont):
        z = torch.randn(m, G.z_dim, generator=gen).repeat_interleave(values, 0)
        cat = torch.randint(max(G.n_cat, 1), (m,), generator=gen).repeat_interleave(values)
        cont = (torch.rand(m, G.n_cont, generator=gen) * 2 - 1).repeat_interleave(values, 0)
        cont[:, k] = sweep.repeat(m)
        images = generate(G, z, cat, cont)
        code = cont[:, k].numpy()
        res = {}
        for name, fn in PROPERTIES.items():
            prop = fn(images).numpy().astype(np.float64)
            within = (prop.reshape(m, values) - prop.reshape(m, values).mean(1, keepdims=True)).ravel()
            res[name] = {"pooled": round(pearson(code, prop), 3), "within": round(pearson(code, within), 3)}
        out[f"c{k + 1}"] = res
    return out


def evaluate(model: str, n: int = 5000, m: int = 500, values: int = 9, seed: int = 0,
             classifier_dir: str | Path = mnist_classifier.DEFAULT_DIR, log=print) -> dict:
    G = hub.load(model)
    if getattr(G, "family", None) != "infogan":
        raise SystemExit(f"{model} is a {getattr(G, 'family', '?')} model, not an InfoGAN")
    t0 = time.perf_counter()
    result: dict = {"model": str(model)}
    if G.n_cat:
        try:
            clf, clf_metrics = mnist_classifier.load(classifier_dir)
        except FileNotFoundError:
            log(f"no digit classifier in {classifier_dir}; training it first (a few minutes on one CPU thread)")
            mnist_classifier.train(Path(classifier_dir), log=log)
            clf, clf_metrics = mnist_classifier.load(classifier_dir)
        result["classifier_heldout_accuracy"] = clf_metrics.get("heldout_accuracy")
        result["classifier_n_heldout"] = clf_metrics.get("n_heldout")
        result["categorical"] = categorical_accuracy(G, clf, n=n, seed=seed)
    if G.n_cont:
        result["continuous"] = continuous_correlations(G, m=m, values=values, seed=seed + 1)
    result["wall_s"] = round(time.perf_counter() - t0, 1)
    return result


# ----------------------------------------------------------------------------- reporting

def best_code(result: dict, prop: str) -> tuple[str, float] | None:
    """The continuous code with the largest |pooled correlation| to a property."""
    cont = result.get("continuous") or {}
    if not cont:
        return None
    k = max(cont, key=lambda c: abs(cont[c][prop]["pooled"]))
    return k, cont[k][prop]["pooled"]


def summary_rows(result: dict) -> list[tuple[str, str]]:
    rows = []
    cat = result.get("categorical")
    if cat:
        rows.append(("categorical code accuracy (best 1-to-1 code→digit map, "
                     f"{cat['n']} samples)", f"{cat['accuracy']:.3f} (paper: ≈0.95)"))
        rows.append(("code → digit", ", ".join(f"{k}→{v}" for k, v in cat["code_to_digit"].items())))
        rows.append(("many-to-one accuracy / digits covered", f"{cat['majority_accuracy']:.3f} / {cat['digits_covered']} of 10"))
        rows.append(("digit classifier's own held-out accuracy",
                     f"{result['classifier_heldout_accuracy']} ({result['classifier_n_heldout']} held-out digits)"))
    for k, props in (result.get("continuous") or {}).items():
        rows.append((f"{k}: Pearson r with slant / ink area / thickness (pooled; within-input)",
                     " / ".join(f"{props[p]['pooled']:+.2f}" for p in PROPERTIES) + "; " +
                     " / ".join(f"{props[p]['within']:+.2f}" for p in PROPERTIES)))
    return rows


def write_card(folder: Path, result: dict, command: str) -> None:
    from studio.inference import infogan_grid

    G = hub.load(folder)
    grids = []
    if G.n_cat:
        infogan_grid(str(folder), "category", 0).save(folder / "samples.png")
        grids.append(("category (columns: the 10 code values; rows: noise seeds)", "samples.png"))
    for k in range(1, G.n_cont + 1):
        infogan_grid(str(folder), f"c{k}", 0).save(folder / f"samples_c{k}.png")
        grids.append((f"c{k} (columns: -2 … 2, training range -1 … 1; rows: noise seeds and categories)",
                      f"samples_c{k}.png"))
    lines = ["## Evaluation", "", f"`{command}` ({result['wall_s']:.0f} s)", "", "| metric | value |",
             "|---|---|"]
    lines += [f"| {a} | {b} |" for a, b in summary_rows(result)]
    lines += ["", "Pooled: correlation over all images (other inputs random); within-input: after subtracting "
              "each input's mean, i.e. the code's effect with everything else fixed. Slant is -mu11/mu02 of "
              "the ink (> 0 leans right); thickness is ink area / half the ink boundary length.", ""]
    for title, name in grids:
        lines += [f"**Varying {title}**", "", f"![{name}]({name})", ""]
    lines += ["```json", json.dumps(result, indent=1), "```"]
    write_card_section(folder, "infogan-eval", "\n".join(lines))


def main(model: str, argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog=f"gan-studio eval {model}", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=5000, help="samples for the categorical-code accuracy")
    p.add_argument("--m", type=int, default=500, help="random inputs per continuous-code sweep")
    p.add_argument("--values", type=int, default=9, help="code values per sweep, evenly in [-1, 1]")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--classifier", default=str(mnist_classifier.DEFAULT_DIR), help="digit classifier folder")
    args = parse_eval_args(p, argv)
    result = evaluate(model, n=args.n, m=args.m, values=args.values, seed=args.seed, classifier_dir=args.classifier)
    for a, b in summary_rows(result):
        print(f"{a}: {b}")
    for prop in ("slant", "thickness"):
        best = best_code(result, prop)
        if best:
            print(f"best code for {prop}: {best[0]} (pooled r = {best[1]:+.3f})")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    if args.card:
        folder = hub.resolve(model)
        write_card(folder, result, "gan-studio eval " + " ".join(shlex.quote(a) for a in [model, *argv]))
        print(f"wrote the evaluation into {folder / hub.CARD_NAME}")
    return 0
