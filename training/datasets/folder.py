"""Your own images: a folder (searched recursively) or a .zip of PNG/JPEG/... files.

Everything is decoded once, up front, so problems show before training starts:
unreadable or corrupt files are skipped and counted, oversized files are skipped and
counted, a zip that would inflate to too much (a "zip bomb") is refused as a whole,
and too few usable images is an error. Each image is centre-cropped to a square and
resized to img_size; the set is kept in memory as uint8 (N, C, S, S).

Pictures are decoded like every other upload (studio.inference.pictures.open_picture: one
pixel limit), and zip members are inflated by read_zip_member, which stops at MAX_FILE_BYTES
of real output whatever the member's header claims; the whole zip stops at MAX_ZIP_BYTES of
real output. An encrypted zip is refused in words.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch.utils.data import Dataset

from studio.inference.pictures import MAX_UPLOAD_PIXELS, PictureTooLarge, check_zip_member, open_picture, read_zip_member

EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")
MIN_IMAGES = 16                    # fewer than this cannot teach a GAN anything
MAX_IMAGES = 20_000                # more are ignored (memory: 20k x 3 x 64 x 64 bytes = 245 MB)
MAX_FILE_BYTES = 20 * 2**20        # one image file
MAX_PIXELS = MAX_UPLOAD_PIXELS     # one decoded image: the studio's one limit for every picture
MAX_ZIP_BYTES = 1 * 2**30          # everything read from a zip, uncompressed (counted, not declared)
MAX_ZIP_RATIO = 200                # uncompressed / compressed, for members over 1 MB


class DatasetError(ValueError):
    """The folder or zip cannot be used; the message says why in words a user can act on."""


def _is_image_name(name: str) -> bool:
    parts = Path(name).parts
    hidden = any(p.startswith(".") or p == "__MACOSX" for p in parts)   # ._x.png: macOS resource forks
    return not hidden and name.lower().endswith(EXTENSIONS)


def _zip_members(zf: zipfile.ZipFile, label: str) -> list[zipfile.ZipInfo]:
    members = [m for m in zf.infolist() if not m.is_dir() and _is_image_name(m.filename)]
    for m in members:
        try:
            check_zip_member(m, label)
        except ValueError as e:
            raise DatasetError(str(e)) from None
    total = sum(m.file_size for m in members)            # what the headers claim; reading counts what is real
    if total > MAX_ZIP_BYTES:
        raise DatasetError(f"{label}: its images would take {total / 2**20:.0f} MB unpacked, over the "
                           f"{MAX_ZIP_BYTES / 2**20:.0f} MB limit; refusing it (a zip bomb, or simply too big)")
    for m in members:
        if m.file_size > 2**20 and m.file_size > MAX_ZIP_RATIO * max(m.compress_size, 1):
            raise DatasetError(f"{label}: {m.filename} inflates {m.file_size / max(m.compress_size, 1):.0f}x "
                               f"(over {MAX_ZIP_RATIO}x): that is how zip bombs look, so the zip is refused")
    return sorted(members, key=lambda m: m.filename)


def _square(img: Image.Image, size: int, channels: int) -> np.ndarray:
    if img.mode in ("RGBA", "LA", "P"):
        img = img.convert("RGBA")
        flat = Image.new("RGBA", img.size, (255, 255, 255, 255))  # transparent areas become white
        img = Image.alpha_composite(flat, img)
    img = img.convert("L" if channels == 1 else "RGB")
    w, h = img.size
    s = min(w, h)
    img = img.crop(((w - s) // 2, (h - s) // 2, (w - s) // 2 + s, (h - s) // 2 + s))
    img = img.resize((size, size), Image.LANCZOS)
    a = np.asarray(img, dtype=np.uint8)
    return a[None] if channels == 1 else a.transpose(2, 0, 1)


class ImageFolderDataset(Dataset):
    """Items: {"image": (channels, img_size, img_size) float in [-1, 1]}.

    `skipped` counts what was left out: {"corrupt": n, "too large": n, "over the limit": n}.
    """

    def __init__(self, path_or_zip: str | Path, img_size: int = 32, channels: int = 3,
                 min_images: int = MIN_IMAGES, max_images: int = MAX_IMAGES):
        if channels not in (1, 3):
            raise DatasetError(f"channels must be 1 or 3, got {channels}")
        path = Path(path_or_zip).expanduser()
        self.skipped = {"corrupt": 0, "too large": 0, "over the limit": 0}
        self.corrupt_examples: list[str] = []
        arrays: list[np.ndarray] = []
        for name, read in self._sources(path):
            if len(arrays) >= max_images:
                self.skipped["over the limit"] += 1
                continue
            data = read()
            if data is None:
                self.skipped["too large"] += 1
                continue
            try:
                with open_picture(data, name, MAX_PIXELS) as img:
                    arrays.append(_square(img, img_size, channels))
            except PictureTooLarge:
                self.skipped["too large"] += 1
            except (OSError, ValueError, SyntaxError, EOFError):
                self.skipped["corrupt"] += 1
                if len(self.corrupt_examples) < 3:
                    self.corrupt_examples.append(name)
        if len(arrays) < min_images:
            raise DatasetError(f"{path.name}: found {len(arrays)} usable images, need at least {min_images}"
                               + self._skipped_note())
        self.images = torch.from_numpy(np.stack(arrays))        # (N, C, S, S) uint8
        self.description = f"{len(arrays)} images from {path.name}{self._skipped_note()}"

    def _skipped_note(self) -> str:
        parts = [f"{n} {why}" for why, n in self.skipped.items() if n]
        if not parts:
            return ""
        eg = f", e.g. {', '.join(self.corrupt_examples)}" if self.corrupt_examples else ""
        return f" (skipped: {', '.join(parts)}{eg})"

    @staticmethod
    def _sources(path: Path):
        """(name, read) pairs; read() -> bytes, or None when the file is too large to read."""
        if path.is_file() and zipfile.is_zipfile(path):
            try:
                zf = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError) as e:
                raise DatasetError(f"{path.name}: not a readable zip file ({e})") from None
            with zf:
                inflated = 0
                for m in _zip_members(zf, path.name):
                    def read(m=m):
                        nonlocal inflated
                        if m.file_size > MAX_FILE_BYTES:
                            return None
                        limit = min(MAX_FILE_BYTES, MAX_ZIP_BYTES - inflated)
                        try:
                            data = read_zip_member(zf, m, limit)
                        except (zipfile.BadZipFile, OSError, EOFError):
                            return b""           # decoding fails below: counted as corrupt
                        inflated += len(data) if data is not None else limit + 1   # the work done, kept or not
                        if data is None and inflated > MAX_ZIP_BYTES:
                            raise DatasetError(f"{path.name}: its images inflate to more than "
                                               f"{MAX_ZIP_BYTES / 2**20:.0f} MB; refusing it (a zip bomb, or simply "
                                               "too big)")
                        return data
                    yield m.filename, read
        elif path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and _is_image_name(str(p.relative_to(path))))
            for p in files:
                yield p.name, (lambda p=p: None if p.stat().st_size > MAX_FILE_BYTES else p.read_bytes())
        elif path.is_file():
            raise DatasetError(f"{path.name}: expected a folder of images or a .zip file")
        else:
            raise DatasetError(f"{path}: no such folder or zip file")

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, i: int) -> dict:
        return {"image": self.images[i].float().div(127.5).sub(1.0)}

    def take(self, idx) -> dict:
        """Items idx as one batch (N, C, S, S)."""
        return {"image": self.images[torch.as_tensor(idx, dtype=torch.long)].float().div(127.5).sub(1.0)}
