"""How well does latent projection (studio/inference/projection.py) find a digit's code?

For the first n of the 2,000 held-out MNIST digits (training/datasets/mnist.py eval_split; the digit
classifier never trained on them, and neither did a model trained on mnist-train), project each digit
onto the generator and report:
    reconstruction error   mean |G(c) - x| over the pixels, 0..1 scale (and, for scale, the same error for a
                           random sample of the generator)
    agreement              the share of digits that the classifier reads as the same digit in the input and in
                           its projection (and the share of projections read as the true label)
    class found            cgan: the share of projections whose class is the digit's label
    time                   per picture: CPU seconds of the process (what one free core would take) and wall seconds

    python -m training.eval.projection dcgan-mnist [--n 200] [--steps 150] [--json out.json] [--card]

--card writes the numbers and a figure (projection.png: input above, projection below) into the model's README.md.
"""
from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from pathlib import Path

import torch

from studio import hub
from studio.images import grid
from studio.inference import projection as P

from ..card import write_card_section
from ..evaluate import parse_eval_args
from . import mnist_classifier


def evaluate(model: str, n: int = 200, steps: int = P.DEFAULT_STEPS, seed: int = 0, log=print) -> dict:
    clf, clf_metrics = mnist_classifier.load()
    G = hub.load(model)
    x, y = mnist_classifier.heldout_digits()
    x, y = x[:n], y[:n]
    errors, agree, right, found, cpu, wall, recon = [], [], [], [], [], [], []
    for i in range(n):
        c0, t0 = time.process_time(), time.perf_counter()
        p = P.project(model, x[i], steps=steps, seed=seed)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - t0)
        with torch.no_grad():
            read_in, read_out = clf(torch.stack([x[i], p.image])).argmax(1).tolist()
        errors.append(p.error)
        agree.append(read_in == read_out)
        right.append(read_out == int(y[i]))
        if p.label is not None:
            found.append(p.label == int(y[i]))
        recon.append(p.image)
        if (i + 1) % 50 == 0:
            log(f"{i + 1}/{n}: error {sum(errors) / len(errors):.4f}, agreement {sum(agree) / len(agree):.3f}")
    with torch.no_grad():
        z = torch.randn(n, G.z_dim, generator=torch.Generator().manual_seed(seed))
        random = G(z, torch.randint(G.n_classes, (n,))) if G.family == "cgan" else G(z)
    mean = lambda v: sum(v) / len(v)  # noqa: E731
    result = {
        "model": str(model), "digits": n, "steps": steps,
        "digits_source": "the first n of the 2000 held-out MNIST test digits (eval_split)",
        "reconstruction_error": round(mean(errors), 4),
        "random_sample_error": round(float((random - x).abs().mean() / 2), 4),
        "classifier_agreement": round(mean(agree), 4),
        "projection_read_as_label": round(mean(right), 4),
        "input_read_as_label": round(float((clf(x).argmax(1) == y).float().mean()), 4),
        "cpu_s_per_picture": round(mean(cpu), 2), "wall_s_per_picture": round(mean(wall), 2),
        "max_cpu_s": round(max(cpu), 2),
        "feature_network": p.feature_net, "classifier_heldout_accuracy": clf_metrics.get("heldout_accuracy"),
        "torch_threads": torch.get_num_threads(),
    }
    if found:
        result["class_found"] = round(mean(found), 4)
    first = [int((y == k).nonzero()[0]) for k in range(10) if (y == k).any()]
    result["_figure"] = torch.cat([x[first], torch.stack([recon[i] for i in first])])
    return result


def summary_rows(r: dict) -> list[tuple[str, str]]:
    rows = [
        (f"reconstruction error (mean pixel difference, 0..1; {r['digits']} of the 2000 held-out digits, "
         f"{r['steps']} steps)",
         f"{r['reconstruction_error']:.4f} (a random sample: {r['random_sample_error']:.4f})"),
        ("classifier reads the same digit in input and projection", f"{r['classifier_agreement']:.3f}"),
        ("projection read as the true label (input: {:.3f})".format(r["input_read_as_label"]),
         f"{r['projection_read_as_label']:.3f}"),
    ]
    if "class_found" in r:
        rows.append(("class found by the projection = the digit's label", f"{r['class_found']:.3f}"))
    rows.append(("time per picture: CPU / wall seconds (one thread)",
                 f"{r['cpu_s_per_picture']:.2f} / {r['wall_s_per_picture']:.2f} (max CPU {r['max_cpu_s']:.2f})"))
    return rows


def write_card(folder: Path, result: dict, command: str, trained_on: str) -> None:
    grid(result["_figure"], nrow=len(result["_figure"]) // 2, cell=64).save(folder / "projection.png")
    lines = ["## Projection (latent inversion)", "", f"`{command}`", "", "| metric | value |", "|---|---|"]
    lines += [f"| {a} | {b} |" for a, b in summary_rows(result)]
    lines += ["", f"The digits: {result['digits_source']}; {trained_on}. Adam on the code minimises the pixel "
              f"error plus the distance in the digit classifier's conv features (studio/inference/projection.py).",
              ""]
    if "class_found" in result:
        lines += [f"The projection's class is not the digit's label for {1 - result['class_found']:.1%} of the digits, "
                  f"while its picture is read as the label for {result['projection_read_as_label']:.1%}: from another "
                  "class's embedding, an unusual z still draws the digit.", ""]
    lines += ["**Held-out digits (top) and their projections (bottom)**", "", "![projection.png](projection.png)", "",
             "```json", json.dumps({k: v for k, v in result.items() if not k.startswith("_")}, indent=1), "```"]
    write_card_section(folder, "projection", "\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    p = argparse.ArgumentParser(prog="python -m training.eval.projection", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model")
    p.add_argument("--n", type=int, default=200)
    p.add_argument("--steps", type=int, default=P.DEFAULT_STEPS)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--trained-on", default="", help="for the card: whether the model trained on these digits")
    args = parse_eval_args(p, argv)
    result = evaluate(args.model, args.n, args.steps, args.seed)
    for a, b in summary_rows(result):
        print(f"{a}: {b}")
    clean = {k: v for k, v in result.items() if not k.startswith("_")}
    if args.json:
        Path(args.json).write_text(json.dumps(clean, indent=2) + "\n")
    if args.card:
        folder = hub.resolve(args.model)
        cmd = "python -m training.eval.projection " + " ".join(shlex.quote(a) for a in argv)
        write_card(folder, result, cmd, args.trained_on or "see the model's training data above")
        print(f"wrote the projection section into {folder / hub.CARD_NAME}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
