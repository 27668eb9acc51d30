"""Exporting the synthetic datasets to folders of PNGs (and a preview grid) from the command line."""
from __future__ import annotations

import json

import numpy as np
from PIL import Image

from training.datasets import export as ex
from training.datasets import faces as F
from training.datasets import landscapes as L

from tests.helpers import valid_face_attrs


def test_export_landscapes_writes_palette_pngs(tmp_path):
    ex.export("landscapes", 6, tmp_path, size=32, seed=2)
    styles = [json.loads(line) for line in (tmp_path / "styles.jsonl").read_text().splitlines()]
    assert len(styles) == 6
    assert json.loads((tmp_path / "classes.json").read_text()) == L.palette_json()
    for i, meta in enumerate(styles):
        lab, img, style = L.make_landscape(L.sample_seed(2, i), 32)
        assert meta["file"] == f"{style['season']}_{style['time']}/{i:06d}.png"
        im = Image.open(tmp_path / "images" / meta["file"])
        assert im.mode == "RGB" and (np.asarray(im) == img).all()
        pm = Image.open(tmp_path / "labels" / meta["file"])
        assert pm.mode == "P" and (np.asarray(pm) == lab).all()
        pal = pm.getpalette()[:3 * len(L.PALETTE)]
        assert [tuple(pal[k:k + 3]) for k in range(0, len(pal), 3)] == L.PALETTE


def test_export_faces_and_cli(tmp_path):
    assert ex.main(["--dataset", "faces", "--n", "5", "--out", str(tmp_path / "f"), "--size", "32"]) == 0
    rows = [json.loads(line) for line in (tmp_path / "f" / "attributes.jsonl").read_text().splitlines()]
    assert len(rows) == 5
    for r in rows:
        assert r["file"].split("/")[0] == r["hair_style"]
        assert Image.open(tmp_path / "f" / r["file"]).size == (32, 32)
        valid_face_attrs({k: v for k, v in r.items() if k in F.ATTRIBUTE_NAMES})
    assert ex.main(["--dataset", "landscapes", "--n", "4", "--size", "16", "--grid", str(tmp_path / "g.png")]) == 0
    assert Image.open(tmp_path / "g.png").size == (2 * 18 + 2, 2 * 18 + 2)
