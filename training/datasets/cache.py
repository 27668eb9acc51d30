"""Synthetic pictures rendered once: item i of a seeded dataset is the same every time, so it is
drawn the first time it is asked for and read back afterwards (this run's later epochs, the next
run on the same data, the other processes of a data-parallel run on this machine).

    <studio home>/cache/datasets/<name>-<hash>/<field>.npy    one array per field, (length, ...)
                                              /done.npy       1 where item i is rendered

The arrays are memory-mapped .npy files (no pickles): reading a batch is one fancy-index slice,
and rendered items reach the file without a separate save. The hash covers the dataset's
parameters and the source of its renderer, so a changed renderer never reads old pictures.
GAN_STUDIO_DATA_CACHE=0 turns caching off; datasets too big for it (MAX_BYTES) render every time.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

import numpy as np

from studio.paths import studio_home

MAX_BYTES = 2 << 30          # a cache larger than this is not written (render on the fly instead)


def cache_root() -> Path:
    return studio_home() / "cache" / "datasets"


def enabled() -> bool:
    return os.environ.get("GAN_STUDIO_DATA_CACHE", "1").lower() not in ("0", "false", "no")


class RenderCache:
    """fields: name -> (shape of one item, numpy dtype); render(i) -> {name: array of that shape}.
    use=False (or a cache too big, or no writable disk): every get() renders its items."""

    def __init__(self, name: str, params: dict, source: str | Path, length: int,
                 fields: dict[str, tuple[tuple[int, ...], np.dtype]], render: Callable[[int], dict],
                 use: bool = True):
        self.length, self.fields, self.render = int(length), fields, render
        digest = hashlib.sha1(json.dumps(params, sort_keys=True).encode() + Path(source).read_bytes()).hexdigest()
        self.folder = cache_root() / f"{name}-{digest[:16]}"
        size = sum(int(np.prod(shape)) * np.dtype(dt).itemsize for shape, dt in fields.values()) * self.length
        self.on = use and enabled() and size <= MAX_BYTES
        self._arrays: dict[str, np.ndarray] | None = None

    def _open(self) -> dict[str, np.ndarray] | None:
        if self._arrays is None and self.on:
            try:
                if not (self.folder / "done.npy").is_file():
                    self._create()
                self._arrays = {f: np.load(self.folder / f"{f}.npy", mmap_mode="r+", allow_pickle=False)
                                for f in [*self.fields, "done"]}
            except OSError:          # a read-only or full disk: render every time
                self.on = False
        return self._arrays

    def _create(self) -> None:
        """Empty arrays in a new folder, moved into place at once (another process may be doing the same)."""
        self.folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=self.folder.name + ".tmp-", dir=self.folder.parent))
        try:
            for f, (shape, dt) in {**self.fields, "done": ((), np.uint8)}.items():
                arr = np.lib.format.open_memmap(tmp / f"{f}.npy", mode="w+", dtype=dt, shape=(self.length, *shape))
                del arr
            os.rename(tmp, self.folder)
        except OSError:
            if not (self.folder / "done.npy").is_file():
                raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def get(self, idx) -> dict[str, np.ndarray]:
        """Items idx (a sequence of ints) -> {field: (len(idx), ...) array}, rendering those not yet drawn."""
        idx = np.asarray(idx, dtype=np.int64).reshape(-1)
        if idx.size and (idx.min() < 0 or idx.max() >= self.length):
            raise IndexError(f"index out of range 0..{self.length - 1}")
        arrays = self._open()
        if arrays is None:
            items = [self.render(int(i)) for i in idx]
            return {f: np.stack([it[f] for it in items]).astype(dt, copy=False).reshape(len(idx), *shape)
                    for f, (shape, dt) in self.fields.items()}
        done = arrays["done"]
        for i in np.unique(idx[done[idx] == 0]):
            item = self.render(int(i))
            for f in self.fields:
                arrays[f][i] = item[f]
            done[i] = 1                  # after the item: a reader that sees the flag sees the picture
        return {f: np.asarray(arrays[f][idx]) for f in self.fields}
