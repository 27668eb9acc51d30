"""The synthetic faces: attributes in range and varied, overrides, deterministic pictures, the dataset."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from training.datasets import faces as F

from tests.helpers import valid_face_attrs


def test_attribute_schema():
    assert {a["scale"] for a in F.ATTRIBUTES} == {"coarse", "middle", "fine"}
    for a in F.ATTRIBUTES:
        assert a["kind"] in ("categorical", "continuous", "bool")
    names = F.ATTRIBUTE_NAMES
    for n in ("head_shape", "tilt", "hair_style", "eyes_open", "eye_size", "smile", "glasses",
              "skin_tone", "hair_color", "eye_color", "bg_hue"):
        assert n in names


@pytest.mark.parametrize("size", [64, 128])
def test_face_shapes_and_determinism(size):
    img, attrs = F.make_face(7, size)
    assert img.shape == (size, size, 3) and img.dtype == np.uint8
    img2, attrs2 = F.make_face(7, size)
    assert img.tobytes() == img2.tobytes() and attrs == attrs2
    assert F.make_face(8, size)[0].tobytes() != img.tobytes()
    assert len(np.unique(img.reshape(-1, 3), axis=0)) > 200          # shaded, anti-aliased


def test_attributes_in_range_and_varied():
    seen = {n: set() for n in F.ATTRIBUTE_NAMES}
    for s in range(200):
        _, attrs = F.make_face(s, 16)
        valid_face_attrs(attrs)
        for k, v in attrs.items():
            seen[k].add(v if not isinstance(v, float) else round(v, 1))
    for a in F.ATTRIBUTES:
        want = len(a["values"]) if a["kind"] == "categorical" else (2 if a["kind"] == "bool" else 5)
        assert len(seen[a["name"]]) >= want, a["name"]


def test_overrides_fix_one_attribute_and_keep_the_rest():
    _, base = F.make_face(11, 32)
    for k, v in [("glasses", not base["glasses"]), ("hair_style", "bun" if base["hair_style"] != "bun" else "long"),
                 ("tilt", 15.0), ("skin_tone", (base["skin_tone"] + 1) % 6), ("eyes_open", not base["eyes_open"]),
                 ("bg_hue", 0.25)]:
        img, attrs = F.make_face(11, 32, **{k: v})
        assert attrs[k] == v
        assert {n: x for n, x in attrs.items() if n != k} == {n: x for n, x in base.items() if n != k}
        assert img.tobytes() != F.make_face(11, 32)[0].tobytes()
    with pytest.raises(ValueError):
        F.make_face(0, 32, hair_style="mohawk")
    with pytest.raises(ValueError):
        F.make_face(0, 32, tilt=90.0)
    with pytest.raises(ValueError):
        F.make_face(0, 32, nose="big")


def test_face_dataset():
    ds = F.FaceDataset(size=64, length=4, seed=1, glasses=True)
    item = ds[3]
    assert item["image"].shape == (3, 64, 64) and item["image"].dtype == torch.float32
    assert -1.0 <= item["image"].min() and item["image"].max() <= 1.0
    a = item["attrs"]
    assert set(a) == set(F.ATTRIBUTE_NAMES)
    assert a["glasses"].item() == 1 and a["hair_style"].dtype == torch.long and a["tilt"].dtype == torch.float32
    img, attrs = F.make_face(F.sample_seed(1, 3), 64, glasses=True)
    assert a["hair_style"].item() == F.HAIR_STYLES.index(attrs["hair_style"])
    batch = torch.utils.data.default_collate([ds[0], ds[1]])
    assert batch["attrs"]["eye_size"].shape == (2,)
