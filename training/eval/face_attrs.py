"""A small multi-head CNN that reads the synthetic faces' attributes, the yardstick for style mixing.

Heads (the attributes of training/datasets/faces.py, grouped by the scale StyleGAN's layers split them):
    coarse: head_shape (3 classes), hair_style (4), tilt_sign (2: tilt < 0 leans left, >= 0 right)
    fine:   skin_tone (6), hair_color (6; not trained or scored on bald faces), bg_hue (6 hue bins)
Trained on freshly drawn faces (seeds disjoint from the GAN's training set) with a held-out part
whose per-head accuracy is reported. Weights ship under pretrained/_eval/face-attrs/:

    python -m training.eval.face_attrs --out pretrained/_eval/face-attrs --threads 1
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from studio.images import to_tensor

from studio.models.evalnets import FACE_HEADS as HEADS  # noqa: F401 (the network lives with the studio)
from studio.models.evalnets import FaceAttrNet

from .aux_models import METRICS, REPO, WEIGHTS, eval_dir, load_aux, rel, save_aux  # noqa: F401 (re-exported)

DEFAULT_DIR = eval_dir() / "face-attrs"
SEED_BASE = 900_000_000          # face seeds used here; far from FaceDataset's seed * 1_000_003 + i
HUE_BINS = 6
BALD = 0                         # index of "bald" in faces.HAIR_STYLES

COARSE, FINE = ("head_shape", "hair_style", "tilt_sign"), ("skin_tone", "hair_color", "bg_hue")


def labels_of(attrs: dict) -> dict[str, int]:
    """A face's attribute dict (faces.make_face) -> class index per head."""
    from ..datasets.faces import HAIR_STYLES, HEAD_SHAPES

    return {"head_shape": HEAD_SHAPES.index(attrs["head_shape"]), "hair_style": HAIR_STYLES.index(attrs["hair_style"]),
            "tilt_sign": int(attrs["tilt"] >= 0), "skin_tone": int(attrs["skin_tone"]),
            "hair_color": int(attrs["hair_color"]), "bg_hue": int(attrs["bg_hue"] * HUE_BINS) % HUE_BINS}


def faces(n: int, size: int, start: int) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """n faces drawn from seeds SEED_BASE + start + i -> (images (n, 3, S, S) in [-1, 1], {head: (n,) labels})."""
    from ..datasets.faces import make_face

    imgs, labs = [], {k: [] for k in HEADS}
    for i in range(n):
        img, attrs = make_face(SEED_BASE + start + i, size)
        imgs.append(img)
        for k, v in labels_of(attrs).items():
            labs[k].append(v)
    x = to_tensor(np.stack(imgs))
    return x, {k: torch.tensor(v) for k, v in labs.items()}


def loss_fn(out: dict[str, torch.Tensor], y: dict[str, torch.Tensor]) -> torch.Tensor:
    total = 0.0
    for k in HEADS:
        ce = F.cross_entropy(out[k], y[k], reduction="none")
        if k == "hair_color":                                   # invisible on bald faces
            ce = ce * (y["hair_style"] != BALD)
        total = total + ce.mean()
    return total


def accuracies(model: FaceAttrNet, x: torch.Tensor, y: dict[str, torch.Tensor]) -> dict[str, float]:
    pred = model.predict(x)
    acc = {}
    for k in HEADS:
        keep = (y["hair_style"] != BALD) if k == "hair_color" else torch.ones_like(y[k], dtype=torch.bool)
        acc[k] = round((pred[k][keep] == y[k][keep]).float().mean().item(), 4)
    return acc


def train(out: Path = DEFAULT_DIR, size: int = 32, n_train: int = 8000, n_heldout: int = 1000, epochs: int = 6,
          batch_size: int = 64, seed: int = 0, log=print) -> dict:
    t0 = time.perf_counter()
    torch.manual_seed(seed)
    x_tr, y_tr = faces(n_train, size, 0)
    x_ho, y_ho = faces(n_heldout, size, n_train)
    log(f"drew {n_train} + {n_heldout} faces at {size} px in {time.perf_counter() - t0:.0f} s")
    model = FaceAttrNet()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    steps = epochs * (n_train // batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps)
    gen = torch.Generator().manual_seed(seed)
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(n_train, generator=gen)
        for k in range(n_train // batch_size):
            idx = perm[k * batch_size:(k + 1) * batch_size]
            loss = loss_fn(model(x_tr[idx]), {h: v[idx] for h, v in y_tr.items()})
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
        log(f"epoch {epoch + 1}/{epochs}: loss {loss.item():.3f}, held-out {accuracies(model, x_ho, y_ho)}")
    metrics = {"heldout_accuracy": accuracies(model, x_ho, y_ho), "n_train": n_train, "n_heldout": n_heldout,
               "img_size": size, "epochs": epochs, "seed": seed, "wall_s": round(time.perf_counter() - t0, 1),
               "command": f"python -m training.eval.face_attrs --out {rel(out)} --size {size} "
                          f"--n-train {n_train} --epochs {epochs} --seed {seed}"}
    save_aux(model, out, metrics)
    return metrics



def load(folder: str | Path = DEFAULT_DIR) -> tuple[FaceAttrNet, dict]:
    """-> (classifier in eval mode, its metrics.json)."""
    return load_aux(FaceAttrNet(), folder, "face attribute classifier", "training.eval.face_attrs")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.eval.face_attrs", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=str(DEFAULT_DIR))
    p.add_argument("--size", type=int, default=32)
    p.add_argument("--n-train", type=int, default=8000)
    p.add_argument("--heldout", type=int, default=1000)
    p.add_argument("--epochs", type=int, default=6)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int)
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    m = train(Path(args.out), size=args.size, n_train=args.n_train, n_heldout=args.heldout, epochs=args.epochs,
              seed=args.seed)
    print(json.dumps(m, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
