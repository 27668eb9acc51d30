import gzip
import hashlib

import numpy as np
import pytest
import torch

from training.datasets import make_dataset
from training.datasets import mnist


@pytest.fixture(scope="module")
def root():
    for r in mnist.default_roots():
        if mnist.find_idx(r, "test"):
            return r
    pytest.skip("the MNIST idx files are not on this machine (set GAN_STUDIO_MNIST)")


def test_files_match_official_md5(root):
    img, lab = mnist.find_idx(root, "test")
    assert hashlib.md5(img.read_bytes()).hexdigest() == "9fb629c4189551a2d022fa330f9573f3"
    assert hashlib.md5(lab.read_bytes()).hexdigest() == "ec29112dd5afa0611ce80d1b7f02629c"


def test_read_idx(root):
    imgs, labels, desc = mnist.load_arrays(root)
    assert imgs.shape == (10000, 28, 28) and imgs.dtype == np.uint8
    assert labels.shape == (10000,) and set(np.unique(labels)) == set(range(10))
    assert np.bincount(labels).min() > 800            # every digit is well represented
    assert labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]  # the well-known first test labels
    assert imgs[0, :4].max() == 0 and imgs[0].max() == 255   # black border, white ink
    assert "10000" in desc


def test_dataset_items(root):
    ds = make_dataset("mnist", img_size=32, root=root)
    item = ds[0]
    assert item["image"].shape == (1, 32, 32) and int(item["label"]) == 7
    assert item["image"].min() == -1.0 and item["image"].max() == 1.0
    assert (item["image"][:, :2] == -1).all()   # the 2-pixel pad is background


def test_md5_mismatch_is_refused(tmp_path, root):
    img, lab = mnist.find_idx(root, "test")
    raw = bytearray(gzip.decompress(img.read_bytes()))
    raw[100] ^= 0xFF
    (tmp_path / img.name).write_bytes(gzip.compress(bytes(raw)))
    (tmp_path / lab.name).write_bytes(lab.read_bytes())
    with pytest.raises(ValueError, match="md5"):
        mnist.load_arrays(tmp_path)
    imgs, _, _ = mnist.load_arrays(tmp_path, verify=False)   # still readable when asked
    assert imgs.shape == (10000, 28, 28)


def test_truncated_file(tmp_path):
    data = b"\x00\x00\x08\x03" + np.array([5, 28, 28], ">i4").tobytes() + bytes(100)
    (tmp_path / "x-idx3-ubyte").write_bytes(data)
    with pytest.raises(ValueError, match="expected"):
        mnist.read_idx(tmp_path / "x-idx3-ubyte")


def test_missing_folder_message(tmp_path):
    with pytest.raises(FileNotFoundError, match="GAN_STUDIO_MNIST"):
        mnist.load_arrays(tmp_path)


def test_torchvision_path_used_for_full_set(tmp_path, monkeypatch):
    """With no idx files and download=True, torchvision.datasets.MNIST does the work."""
    calls = []

    class FakeMNIST:
        def __init__(self, root, train, download):
            import torch
            calls.append((root, train, download))
            self.data = torch.zeros(3, 28, 28, dtype=torch.uint8)
            self.targets = torch.tensor([1, 2, 3])

        def __len__(self):
            return 3

    import torchvision.datasets
    monkeypatch.setattr(torchvision.datasets, "MNIST", FakeMNIST)
    imgs, labels, desc = mnist.load_arrays(tmp_path, download=True)
    assert calls == [(str(tmp_path), True, True)] and imgs.shape == (3, 28, 28) and "torchvision" in desc


def test_mnist_train_leaves_out_the_evaluation_digits(root):
    """mnist-train is the rest of the split once the 2,000 digits every MNIST evaluation holds out (the digit
    classifier's held-out digits) are removed, so a model trained on it can be measured on digits it never saw."""
    from training.eval import mnist_classifier

    full, part = make_dataset("mnist", root=root), make_dataset("mnist-train", root=root)
    train_idx, held_idx = mnist.eval_split(len(full))
    assert [t.tolist() for t in mnist_classifier.split(len(full), 2000, 0)] == [train_idx.tolist(), held_idx.tolist()]
    assert len(part) == len(full) - 2000 and "held out" in part.description
    torch.testing.assert_close(part.images, full.images[train_idx.sort().values])
    torch.testing.assert_close(part.labels, full.labels[train_idx.sort().values])
