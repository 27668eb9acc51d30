"""The synthetic landscapes: deterministic, consistent labels and styles, in range."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from training.datasets import landscapes as L


SKY, CLOUD, MOUNTAIN, WATER, SAND, GRASS, TREE, SNOW = range(8)


def test_classes_palette_and_json():
    assert L.CLASSES == ["sky", "cloud", "mountain", "water", "sand", "grass", "tree", "snow"]
    assert len(L.PALETTE) == len(L.CLASSES) and len(set(L.PALETTE)) == len(L.PALETTE)
    pj = L.palette_json()
    assert [p["name"] for p in pj] == L.CLASSES
    for p, c in zip(pj, L.PALETTE):
        assert p["color"] == "#%02x%02x%02x" % c
    lab = np.array([[0, 7], [3, 6]])
    assert L.label_to_color(lab).shape == (2, 2, 3) and tuple(L.label_to_color(lab)[1, 0]) == L.PALETTE[3]


@pytest.mark.parametrize("size", [64, 128, 48])
def test_landscape_shapes_and_determinism(size):
    lab, img, style = L.make_landscape(123, size)
    assert lab.shape == (size, size) and lab.dtype == np.uint8 and lab.max() < len(L.CLASSES)
    assert img.shape == (size, size, 3) and img.dtype == np.uint8
    assert style["time"] in L.TIMES and style["season"] in L.SEASONS
    lab2, img2, style2 = L.make_landscape(123, size)
    assert lab.tobytes() == lab2.tobytes() and img.tobytes() == img2.tobytes() and style == style2
    lab3, img3, _ = L.make_landscape(124, size)
    assert img.tobytes() != img3.tobytes()


def test_images_are_textured_not_flat():
    _, img, _ = L.make_landscape(5, 64)
    assert len(np.unique(img.reshape(-1, 3), axis=0)) > 500


def test_sky_sits_on_top():
    for s in range(40):
        lab, _, _ = L.make_landscape(s, 64)
        rows = np.nonzero(lab == SKY)[0]
        assert rows.size > 0 and rows.max() < 0.66 * 64            # the horizon is at most 0.64 high
        ground = np.isin(lab, [WATER, SAND, GRASS])
        if ground.any():
            assert np.nonzero(ground)[0].mean() > rows.mean()


def test_sky_colour_follows_time_of_day():
    def mean_sky(time):
        cols = []
        for s in range(12):
            lab, img, _ = L.make_landscape(s, 64, time=time, season="summer")
            cols.append(img[lab == SKY].astype(float).mean(0))
        return np.mean(cols, 0)

    day, sunset, night = mean_sky("day"), mean_sky("sunset"), mean_sky("night")
    assert day.sum() > 2 * night.sum()                              # day is brighter
    assert day[2] > night[2] + 60 and day[2] > day[0]               # and bluer
    assert sunset[0] - sunset[2] > day[0] - day[2] + 40             # sunset is warmer


def test_every_class_appears():
    counts = np.zeros(len(L.CLASSES), np.int64)
    for s in range(300):
        lab, _, _ = L.make_landscape(s, 64)
        counts += np.bincount(lab.ravel(), minlength=len(L.CLASSES))
    assert (counts > 0).all(), dict(zip(L.CLASSES, counts))
    assert (counts / counts.sum() > 0.005).all(), dict(zip(L.CLASSES, counts))


def test_styles_are_all_drawn():
    styles = {tuple(L.make_landscape(s, 32)[2].values()) for s in range(100)}
    assert len(styles) == len(L.TIMES) * len(L.SEASONS)


def test_winter_has_snow_summer_has_grass_or_sand():
    for s in range(20):
        lab_w, img_w, st = L.make_landscape(s, 64, season="winter")
        assert st["season"] == "winter" and (lab_w == SNOW).mean() > 0.05
        assert not (lab_w == GRASS).any()
        lab_s, img_s, _ = L.make_landscape(s, 64, season="summer")
        assert np.isin(lab_s, [GRASS, SAND]).any()
        # snow ground is brighter than the summer ground it replaces (same time of day)
        ground = (lab_s == GRASS) & (lab_w == SNOW)
        if ground.sum() > 50:
            assert img_w[ground].mean() > img_s[ground].mean()


def test_forced_style_keeps_the_layout():
    for s in range(25):
        lab_s, _, _ = L.make_landscape(s, 64, season="summer")
        lab_w, _, _ = L.make_landscape(s, 64, season="winter")
        diff = lab_s != lab_w
        assert diff.mean() < 0.7
        # only ground and mountain pixels may turn to snow (or snowy peaks grow)
        assert np.isin(lab_s[diff], [GRASS, SAND, MOUNTAIN, SNOW]).all()
        assert np.isin(lab_w[diff], [SNOW, MOUNTAIN, SAND]).all()
        assert ((lab_s[diff] == SNOW) | (lab_w[diff] == SNOW)).all()
        # time of day never changes the labels
        for time in L.TIMES:
            assert (L.make_landscape(s, 64, time=time, season="summer")[0] == lab_s).all()


def test_same_scene_at_two_sizes():
    lab64, _, st64 = L.make_landscape(9, 64)
    lab128, _, st128 = L.make_landscape(9, 128)
    assert st64 == st128
    down = lab128[::2, ::2]
    assert (down == lab64).mean() > 0.9


def test_bad_style_is_refused():
    with pytest.raises(ValueError):
        L.make_landscape(0, 64, time="noon")
    with pytest.raises(ValueError):
        L.make_landscape(0, 64, season="autumn")


def test_landscape_dataset():
    ds = L.LandscapeDataset(size=64, length=5, seed=3, season="winter")
    assert len(ds) == 5
    item = ds[2]
    assert item["image"].shape == (3, 64, 64) and item["image"].dtype == torch.float32
    assert -1.0 <= item["image"].min() and item["image"].max() <= 1.0
    assert item["label"].shape == (64, 64) and item["label"].dtype == torch.long
    assert item["season"] == L.SEASONS.index("winter") and 0 <= item["time"] < len(L.TIMES)
    lab, img, _ = L.make_landscape(L.sample_seed(3, 2), 64, season="winter")
    assert (item["label"].numpy() == lab).all()
    assert torch.equal(item["image"], torch.from_numpy(img).permute(2, 0, 1).float() / 127.5 - 1)
    batch = torch.utils.data.default_collate([ds[0], ds[1]])
    assert batch["image"].shape == (2, 3, 64, 64) and batch["time"].shape == (2,)
    with pytest.raises(IndexError):
        ds[5]
