"""Every style preset of the bundled GauGAN model visibly differs from the others on every example map."""
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
        for a, b in itertools.combinations(presets, 2):
            assert np.abs(pics[a] - pics[b]).mean() > 10, (path.name, a, b)   # "winter" was 1.5-1.9 from "day"
