"""Every style preset of the bundled GauGAN model visibly differs from the others on every example map (except
winter against day on a map that is already snowy: the landscapes' winter is in the label map)."""
from __future__ import annotations

import itertools

import numpy as np

from studio import inference
from studio.paths import assets_dir


def test_every_preset_changes_the_picture():
    model = inference.DEFAULT_MODELS["spade"]
    presets = inference.get_model(model, "spade").config.preset_names
    assert len(presets) >= 2
    for path in sorted((assets_dir() / "gaugan").glob("*.png")):
        pics = {p: np.asarray(inference.paint(model, str(path), preset=p)[0], dtype=np.float64) for p in presets}
        snowy = path.name.startswith("winter")
        for a, b in itertools.combinations(presets, 2):
            if snowy and {a, b} == {"day", "winter"}:
                continue                  # nothing left to cover with snow: the map already says winter
            assert np.abs(pics[a] - pics[b]).mean() > 10, (path.name, a, b)   # "winter" was 1.5-1.9 from "day"
