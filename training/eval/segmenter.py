"""A small U-Net that segments synthetic landscapes, the judge of the SPADE evaluation.

As in the SPADE paper (Sec. 4: "we run a semantic segmentation model on the synthesized
images and compare how well the predicted segmentation mask matches the ground truth
input"), but with our own segmenter, trained here on real synthetic pairs in a few CPU
minutes. Its own accuracy on held-out real images is reported next to the numbers it gives.

    python -m training.eval.segmenter [--steps 600] [--out pretrained/_eval/landscape-segmenter]
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from torch import nn

from studio.images import to_tensor
from studio.paths import eval_dir

DEFAULT_DIR = eval_dir() / "landscape-segmenter"
TRAIN_SEED, TEST_SEED = 11, 99          # dataset seeds (LandscapeDataset(seed=...)); SPADE trains on seed 0


def _block(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(True),
                         nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(True))


class UNet(nn.Module):
    """(N, 3, S, S) in [-1, 1] -> (N, K, S, S) class logits. Three halvings, skip connections."""

    def __init__(self, num_classes: int, width: int = 16):
        super().__init__()
        w = [width, width * 2, width * 4, width * 4]
        self.enc = nn.ModuleList([_block(3, w[0]), _block(w[0], w[1]), _block(w[1], w[2]), _block(w[2], w[3])])
        self.dec = nn.ModuleList([_block(w[3] + w[2], w[2]), _block(w[2] + w[1], w[1]), _block(w[1] + w[0], w[0])])
        self.head = nn.Conv2d(w[0], num_classes, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = []
        for i, e in enumerate(self.enc):
            x = e(x if i == 0 else F.max_pool2d(x, 2))
            skips.append(x)
        for d, s in zip(self.dec, reversed(skips[:-1])):
            x = d(torch.cat([F.interpolate(x, scale_factor=2, mode="nearest"), s], 1))
        return self.head(x)


def landscape_pairs(seed: int, n: int, size: int = 64, offset: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """n (image (N, 3, S, S) in [-1, 1], label (N, S, S) long) pairs of LandscapeDataset(seed=seed) items."""
    from ..datasets.landscapes import make_landscape, sample_seed

    labs, imgs = [], []
    for i in range(offset, offset + n):
        lab, img, _ = make_landscape(sample_seed(seed, i), size)
        labs.append(lab)
        imgs.append(img)
    x = to_tensor(np.stack(imgs))
    return x, torch.from_numpy(np.stack(labs).astype(np.int64))


def confusion(pred: torch.Tensor, target: torch.Tensor, k: int) -> torch.Tensor:
    """(k, k) counts: rows = true class, columns = predicted class."""
    return torch.bincount(target.flatten() * k + pred.flatten(), minlength=k * k).view(k, k)


def scores(conf: torch.Tensor, classes: list[str]) -> dict:
    """Pixel accuracy, mIoU over the classes that occur (in truth or prediction), per-class IoU."""
    conf = conf.double()
    tp = conf.diag()
    union = conf.sum(0) + conf.sum(1) - tp
    iou = torch.where(union > 0, tp / union.clamp(min=1), torch.full_like(tp, float("nan")))
    present = union > 0
    return {"pixel_accuracy": float(tp.sum() / conf.sum()), "mIoU": float(iou[present].mean()),
            "per_class_IoU": {c: (None if not p else round(float(v), 4)) for c, v, p in zip(classes, iou, present)}}


@torch.no_grad()
def segment(net: nn.Module, images: torch.Tensor, batch: int = 64) -> torch.Tensor:
    net.eval()
    return torch.cat([net(images[i:i + batch]).argmax(1) for i in range(0, len(images), batch)])


def train(steps: int = 600, batch_size: int = 12, n_train: int = 3000, n_test: int = 300, size: int = 64,
          seed: int = 0, log=print) -> tuple[UNet, dict]:
    from ..datasets.landscapes import CLASSES

    torch.manual_seed(seed)
    t0 = time.perf_counter()
    x, y = landscape_pairs(TRAIN_SEED, n_train, size)
    net = UNet(len(CLASSES))
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    g = torch.Generator().manual_seed(seed)
    net.train()
    for step in range(1, steps + 1):
        idx = torch.randint(len(x), (batch_size,), generator=g)
        xb, yb = x[idx], y[idx]
        if step % 2:                                     # horizontal flips: labels flip with the image
            xb, yb = xb.flip(-1), yb.flip(-1)
        loss = F.cross_entropy(net(xb), yb)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        if step % 100 == 0:
            log(f"segmenter step {step}/{steps} loss {loss.item():.4f}")
    xt, yt = landscape_pairs(TEST_SEED, n_test, size, offset=10_000)
    res = scores(confusion(segment(net, xt), yt, len(CLASSES)), CLASSES)
    meta = {"steps": steps, "batch_size": batch_size, "n_train": n_train, "train_seed": TRAIN_SEED,
            "n_test": n_test, "test_seed": TEST_SEED, "test_offset": 10_000, "size": size,
            "wall_s": round(time.perf_counter() - t0, 1), "real_test": res}
    return net, meta


def save(net: UNet, meta: dict, folder: Path = DEFAULT_DIR) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in net.state_dict().items()}, str(folder / "model.safetensors"))
    (folder / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")


def load(folder: Path = DEFAULT_DIR) -> tuple[UNet, dict] | None:
    if not (folder / "model.safetensors").is_file():
        return None
    from ..datasets.landscapes import CLASSES

    net = UNet(len(CLASSES))
    net.load_state_dict(load_file(str(folder / "model.safetensors")))
    return net.eval(), json.loads((folder / "meta.json").read_text())


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.eval.segmenter", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, default=600)
    p.add_argument("--out", type=Path, default=DEFAULT_DIR)
    p.add_argument("--threads", type=int)
    args = p.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    net, meta = train(steps=args.steps)
    save(net, meta, args.out)
    print(json.dumps(meta, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
