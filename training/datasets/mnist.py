"""MNIST from the official idx files, or through torchvision when the full set is there.

These machines only have the 10,000-digit test split (../shared/datasets/mnist); a
machine with internet access or a torchvision MNIST folder gets the 60,000 training
digits. Digits are padded from 28x28 to 32x32 (the original pixels are kept) and
scaled to [-1, 1].
"""
from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

# md5 of the official files (the same ones torchvision checks).
MD5 = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaceb2f72e1c0b9b9b8d9b",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}

_REPO = Path(__file__).resolve().parents[2]


def default_roots() -> list[Path]:
    """Where to look for MNIST: $GAN_STUDIO_MNIST, the shared folder beside the repo, the studio's own folder
    ($GAN_STUDIO_HOME/mnist, where a download goes: the last one)."""
    from studio.paths import studio_home

    roots = []
    if os.environ.get("GAN_STUDIO_MNIST"):
        roots.append(Path(os.environ["GAN_STUDIO_MNIST"]))
    roots += [_REPO.parent / "shared" / "datasets" / "mnist", studio_home() / "mnist"]
    return roots


EVAL_HELDOUT, EVAL_SEED = 2000, 0   # the digits every MNIST evaluation holds out (the digit classifier's)


def eval_split(n: int, heldout: int = EVAL_HELDOUT, seed: int = EVAL_SEED) -> tuple[torch.Tensor, torch.Tensor]:
    """(training indices, held-out indices) of n digits: a fixed random `heldout` of them are held out."""
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    return perm[heldout:], perm[:heldout]


def md5(path: Path) -> str:
    return hashlib.md5(Path(path).read_bytes()).hexdigest()


def read_idx(path: Path) -> np.ndarray:
    """Parse an idx file (optionally gzipped): magic, dims (big-endian int32), then uint8 data."""
    raw = Path(path).read_bytes()
    if str(path).endswith(".gz"):
        raw = gzip.decompress(raw)
    if raw[0:2] != b"\x00\x00" or raw[2] != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte idx file")
    ndim = raw[3]
    dims = np.frombuffer(raw, dtype=">i4", count=ndim, offset=4)
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise ValueError(f"{path}: expected {int(np.prod(dims))} values, found {data.size}")
    return data.reshape(tuple(int(d) for d in dims))


def find_idx(root: Path, split: str) -> tuple[Path, Path] | None:
    prefix = "train" if split == "train" else "t10k"
    for sub in (root, root / "MNIST" / "raw", root / "raw"):
        img, lab = sub / f"{prefix}-images-idx3-ubyte.gz", sub / f"{prefix}-labels-idx1-ubyte.gz"
        if img.is_file() and lab.is_file():
            return img, lab
    return None


def load_arrays(root: Path | None = None, verify: bool = True, download: bool = False) -> tuple[np.ndarray, np.ndarray, str]:
    """(images (N,28,28) uint8, labels (N,) uint8, description). Prefers the 60k training split."""
    roots = [Path(root)] if root else default_roots()
    for split in ("train", "test"):
        for r in roots:
            found = find_idx(r, split)
            if found:
                if verify:
                    for f in found:
                        if md5(f) != MD5[f.name]:
                            raise ValueError(f"{f}: md5 {md5(f)} does not match the official {MD5[f.name]}")
                imgs, labels = read_idx(found[0]), read_idx(found[1])
                return imgs, labels, f"MNIST {split} split ({len(labels)} digits) from {found[0].parent}"
    if download:
        return _torchvision_download(roots[-1])
    raise FileNotFoundError(
        "MNIST idx files not found in " + ", ".join(map(str, roots)) +
        " (set GAN_STUDIO_MNIST to a folder holding t10k-images-idx3-ubyte.gz, or pass download=True)"
    )


def _torchvision_download(root: Path):
    from torchvision.datasets import MNIST

    ds = MNIST(str(root), train=True, download=True)
    return ds.data.numpy(), ds.targets.numpy().astype(np.uint8), f"MNIST train split ({len(ds)} digits), torchvision"


class MNISTDataset(Dataset):
    """Items: {"image": (1, 32, 32) float in [-1, 1], "label": int}.

    exclude_heldout: leave out the digits the evaluations hold out (eval_split), so a model trained on the
    rest can be measured on digits it never saw."""

    def __init__(self, root: str | Path | None = None, img_size: int = 32, download: bool = False,
                 exclude_heldout: bool = False):
        imgs, labels, self.description = load_arrays(root, download=download)
        if exclude_heldout:
            keep = eval_split(len(labels))[0].sort().values.numpy()
            imgs, labels = imgs[keep], labels[keep]
            self.description += f", without the {EVAL_HELDOUT} digits held out for evaluation"
        x = torch.from_numpy(imgs.copy()).float().div(127.5).sub(1.0)[:, None]  # (N,1,28,28)
        pad = (img_size - 28) // 2
        if pad > 0:
            x = torch.nn.functional.pad(x, (pad, img_size - 28 - pad, pad, img_size - 28 - pad), value=-1.0)
        elif img_size != 28:
            x = torch.nn.functional.interpolate(x, size=(img_size, img_size), mode="bilinear", antialias=True)
        self.images = x.contiguous()
        self.labels = torch.from_numpy(labels.astype(np.int64))

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int) -> dict:
        return {"image": self.images[i], "label": self.labels[i]}

    def take(self, idx) -> dict:
        """Items idx as one batch (a slice of the tensors, as default_collate would stack them)."""
        idx = torch.as_tensor(idx, dtype=torch.long)
        return {"image": self.images[idx], "label": self.labels[idx]}
