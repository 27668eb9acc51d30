"""Batches sliced at once (take) and synthetic pictures read back from the render cache are exactly
the batches that default_collate builds from freshly drawn items."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.utils.data import default_collate

from training.datasets import cache as C
from training.datasets.faces import FaceDataset
from training.datasets.landscapes import LandscapeDataset
from training.datasets.unpaired import UnpairedLandscapes
from training.loop import batch_indices, batches


def same(a, b):
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            same(a[k], b[k])
    else:
        assert a.dtype == b.dtype and a.shape == b.shape and torch.equal(a, b)


@pytest.mark.parametrize("make", [
    lambda cache: LandscapeDataset(size=16, length=12, seed=3, cache=cache),
    lambda cache: FaceDataset(size=16, length=12, seed=3, cache=cache, glasses=True),
    lambda cache: UnpairedLandscapes(size=16, length=12, seed=1, cache=cache),
], ids=["landscapes", "faces", "unpaired"])
def test_cached_take_equals_collated_fresh_items(make):
    fresh, cached = make(False), make(True)
    idx = [5, 0, 11, 5, 2]
    expected = default_collate([fresh[i] for i in idx])
    same(cached.take(idx), expected)           # drawn now (5 twice: once)
    same(cached.take(idx), expected)           # read back
    same(make(True).take(idx), expected)       # another instance reads the same files
    same(default_collate([cached[i] for i in idx]), expected)
    with pytest.raises(IndexError):
        cached.take([12])


def test_cache_draws_each_item_once_and_knows_its_renderer(monkeypatch):
    ds = LandscapeDataset(size=8, length=6, seed=9)
    calls = []
    render = ds._render
    monkeypatch.setattr(ds.cache, "render", lambda i: calls.append(i) or render(i))
    ds.take([1, 2, 1])
    ds.take([2, 3])
    assert sorted(calls) == [1, 2, 3]
    assert np.asarray(np.load(ds.cache.folder / "done.npy")).tolist() == [0, 1, 1, 1, 0, 0]
    other = LandscapeDataset(size=8, length=6, seed=10)          # other parameters: another cache
    assert other.cache.folder != ds.cache.folder


def test_cache_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("GAN_STUDIO_DATA_CACHE", "0")
    ds = FaceDataset(size=8, length=4, seed=123)
    ds.take([0, 1])
    assert not ds.cache.folder.exists()


def test_batch_order_is_a_function_of_seed_and_step_and_shards_split_it():
    class Items(torch.utils.data.Dataset):
        def __len__(self):
            return 10

        def __getitem__(self, i):
            return {"i": torch.tensor(i)}
    whole = batches(Items(), 4, seed=7)
    ranks = [batches(Items(), 4, seed=7, rank=r, world=2) for r in range(2)]
    for step in range(6):                                 # past the end of an epoch (2 batches of 4 in 10)
        b = next(whole)["i"]
        assert torch.equal(b, batch_indices(10, 4, 7, step))
        assert torch.equal(torch.cat([next(r)["i"] for r in ranks]), b)
    resumed = batches(Items(), 4, seed=7, start_step=3)
    assert torch.equal(next(resumed)["i"], batch_indices(10, 4, 7, 3))
    with pytest.raises(ValueError, match="split evenly over 3 processes"):
        next(batches(Items(), 4, seed=7, world=3))
