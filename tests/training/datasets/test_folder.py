"""The folder dataset: corrupt files, zips, limits."""
from __future__ import annotations

import io
import zipfile

import pytest
import torch
from PIL import Image

from training.datasets import folder as F
from training.datasets import make_dataset

from tests.helpers import png_bytes


def image_folder(tmp_path, n=20, corrupt=2):
    d = tmp_path / "imgs"
    (d / "sub").mkdir(parents=True)
    for i in range(n):
        (d / ("sub" if i % 2 else "") / f"img{i:02d}.png").write_bytes(png_bytes(i))
    for i in range(corrupt):
        (d / f"broken{i}.png").write_bytes(b"\x89PNG\r\n\x1a\nthis is not really a png" + bytes([i]) * 50)
    (d / "notes.txt").write_text("not an image, ignored")
    (d / "._img00.png").write_bytes(b"macOS resource fork, ignored")
    return d


def test_folder_skips_corrupt_files_and_counts_them(tmp_path):
    ds = F.ImageFolderDataset(image_folder(tmp_path), img_size=16, channels=3)
    assert len(ds) == 20
    assert ds.skipped["corrupt"] == 2
    assert "20 images" in ds.description and "2 corrupt" in ds.description
    x = ds[3]["image"]
    assert x.shape == (3, 16, 16) and x.dtype == torch.float32
    assert -1.0 <= float(x.min()) and float(x.max()) <= 1.0


def test_folder_greyscale_alpha_and_non_square(tmp_path):
    d = tmp_path / "mixed"
    d.mkdir()
    for i in range(16):
        mode = ("RGBA", "L", "P")[i % 3]
        img = Image.open(io.BytesIO(png_bytes(i, (50, 20), "RGBA" if mode == "P" else mode)))
        (img.convert("P") if mode == "P" else img).save(d / f"{i}.png")
    ds = F.ImageFolderDataset(d, img_size=8, channels=1)
    assert len(ds) == 16 and ds[0]["image"].shape == (1, 8, 8)


def test_zip_dataset_and_make_dataset_routes_paths(tmp_path):
    z = tmp_path / "imgs.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for i in range(17):
            zf.writestr(f"data/{i}.png", png_bytes(i))
        zf.writestr("data/bad.jpg", b"garbage")
        zf.writestr("__MACOSX/data/._0.png", b"ignored")
    ds = make_dataset(str(z), img_size=16)
    assert isinstance(ds, F.ImageFolderDataset)
    assert len(ds) == 17 and ds.skipped["corrupt"] == 1
    assert ds[0]["image"].shape == (3, 16, 16)


def test_too_few_images_is_a_clear_error(tmp_path):
    with pytest.raises(F.DatasetError, match=r"found 3 usable images, need at least 16.*2 corrupt"):
        F.ImageFolderDataset(image_folder(tmp_path, n=3), img_size=16)


def test_zip_bomb_is_refused(tmp_path):
    z = tmp_path / "bomb.zip"
    with zipfile.ZipFile(z, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.png", b"\0" * (8 * 2**20))           # 8 MB of zeros: ~1000x compression
    with pytest.raises(F.DatasetError, match="zip bomb"):
        F.ImageFolderDataset(z, img_size=16)


def test_zip_too_big_unpacked_is_refused(tmp_path, monkeypatch):
    z = tmp_path / "big.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for i in range(20):
            zf.writestr(f"{i}.png", png_bytes(i))
    monkeypatch.setattr(F, "MAX_ZIP_BYTES", 1000)
    with pytest.raises(F.DatasetError, match="MB unpacked"):
        F.ImageFolderDataset(z, img_size=16)


def test_huge_files_are_skipped_and_counted(tmp_path, monkeypatch):
    d = image_folder(tmp_path, n=18, corrupt=0)
    (d / "huge.png").write_bytes(png_bytes(99, (400, 400)))
    monkeypatch.setattr(F, "MAX_FILE_BYTES", 50_000)
    ds = F.ImageFolderDataset(d, img_size=16)
    assert len(ds) == 18 and ds.skipped["too large"] == 1 and "too large" in ds.description


def test_not_a_dataset(tmp_path):
    (tmp_path / "x.txt").write_text("hello")
    with pytest.raises(F.DatasetError, match="expected a folder"):
        F.ImageFolderDataset(tmp_path / "x.txt")
    with pytest.raises(F.DatasetError, match="no such"):
        F.ImageFolderDataset(tmp_path / "missing")
