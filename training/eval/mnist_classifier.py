"""A small CNN digit classifier, the yardstick for InfoGAN's categorical code.

Trained on the MNIST split this machine has (the 10k digits), with a fixed held-out part
whose accuracy is reported, so "the categorical code matches the digit 93% of the time"
rests on a classifier whose own error is known. Its weights ship under
pretrained/_eval/mnist-classifier/ (model.safetensors + metrics.json, ~0.6 MB):

    python -m training.eval.mnist_classifier --out pretrained/_eval/mnist-classifier --threads 1
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from studio.models.evalnets import DigitClassifier  # noqa: F401 (the network lives with the studio)

from .aux_models import METRICS, REPO, WEIGHTS, eval_dir, load_aux, rel, save_aux  # noqa: F401 (re-exported)

DEFAULT_DIR = eval_dir() / "mnist-classifier"


def split(n: int, heldout: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    from ..datasets.mnist import eval_split

    return eval_split(n, heldout, seed)


def shift(x: torch.Tensor, max_px: int, gen: torch.Generator) -> torch.Tensor:
    """Random translations by up to max_px pixels (background -1 fills in), per image."""
    n, _, h, w = x.shape
    padded = F.pad(x, (max_px,) * 4, value=-1.0)
    dx, dy = (torch.randint(0, 2 * max_px + 1, (n,), generator=gen) for _ in range(2))
    return torch.stack([padded[i, :, dy[i]:dy[i] + h, dx[i]:dx[i] + w] for i in range(n)])


@torch.no_grad()
def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor, batch: int = 500) -> float:
    model.eval()
    correct = sum((model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum().item() for i in range(0, len(y), batch))
    return correct / len(y)


def train(out: Path = DEFAULT_DIR, epochs: int = 6, heldout: int = 2000, batch_size: int = 64, seed: int = 0,
          log=print) -> dict:
    """Train on the local MNIST split minus `heldout` digits; save weights and metrics; return the metrics."""
    from ..datasets.mnist import MNISTDataset

    t0 = time.perf_counter()
    torch.manual_seed(seed)
    data = MNISTDataset(img_size=32)
    tr_idx, ho_idx = split(len(data), heldout, seed)
    x_tr, y_tr = data.images[tr_idx], data.labels[tr_idx]
    x_ho, y_ho = data.images[ho_idx], data.labels[ho_idx]
    model = DigitClassifier()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    steps_per_epoch = len(y_tr) // batch_size
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=epochs * steps_per_epoch)
    gen = torch.Generator().manual_seed(seed)
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(len(y_tr), generator=gen)
        for k in range(steps_per_epoch):
            idx = perm[k * batch_size:(k + 1) * batch_size]
            loss = F.cross_entropy(model(shift(x_tr[idx], 2, gen)), y_tr[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
        log(f"epoch {epoch + 1}/{epochs}: loss {loss.item():.3f}, held-out accuracy {accuracy(model, x_ho, y_ho):.4f}")
    metrics = {"heldout_accuracy": round(accuracy(model, x_ho, y_ho), 4), "n_train": len(y_tr),
               "n_heldout": len(y_ho), "epochs": epochs, "seed": seed, "data": data.description,
               "wall_s": round(time.perf_counter() - t0, 1),
               "command": f"python -m training.eval.mnist_classifier --out {rel(out)} --epochs {epochs} --seed {seed}"}
    save_aux(model, out, metrics)
    return metrics



def load(folder: str | Path = DEFAULT_DIR) -> tuple[DigitClassifier, dict]:
    """-> (classifier in eval mode, its metrics.json)."""
    return load_aux(DigitClassifier(), folder, "digit classifier", "training.eval.mnist_classifier")


@torch.no_grad()
def features(clf: DigitClassifier, x: torch.Tensor, batch: int = 500) -> torch.Tensor:
    """(N, 1, 32, 32) -> (N, 128): the classifier's penultimate layer (after its hidden ReLU)."""
    return torch.cat([clf.head[:4](clf.features(x[i:i + batch])) for i in range(0, len(x), batch)])


def heldout_digits() -> tuple[torch.Tensor, torch.Tensor]:
    """The 2,000 MNIST digits no bundled MNIST evaluation network (nor an `mnist-train` run) trained on:
    (images (2000, 1, 32, 32) in [-1, 1], labels (2000,))."""
    return split_digits()[1]


def split_digits() -> tuple[tuple[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]]:
    """The split, read once: ((the other 8,000 digits: the classifier's training part, `mnist-train`),
    (the 2,000 held-out digits)), each as (images in [-1, 1], labels)."""
    from ..datasets.mnist import MNISTDataset, eval_split

    data = MNISTDataset(img_size=32)
    return tuple((data.images[idx], data.labels[idx]) for idx in eval_split(len(data)))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.eval.mnist_classifier", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=str(DEFAULT_DIR))
    p.add_argument("--epochs", type=int, default=6)
    p.add_argument("--heldout", type=int, default=2000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int)
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    m = train(Path(args.out), epochs=args.epochs, heldout=args.heldout, seed=args.seed)
    print(json.dumps(m, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
