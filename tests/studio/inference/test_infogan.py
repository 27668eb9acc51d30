"""InfoGAN inference: single pictures and code grids, clear refusals of bad codes and of other families."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from studio import hub, inference

from tests.helpers import save_tiny_infogan


@pytest.fixture(scope="module")
def tiny_model():
    return save_tiny_infogan()


def test_inference_functions(tiny_model):
    img = inference.infogan_image(tiny_model, seed=3, category=2, codes=(0.5, -1.0))
    assert isinstance(img, Image.Image) and min(img.size) >= inference.DISPLAY
    same = inference.infogan_image(tiny_model, seed=3, category=2, codes=(0.5, -1.0, 0.0))   # c3 defaults to 0
    assert np.array_equal(np.asarray(img), np.asarray(same))
    other = inference.infogan_image(tiny_model, seed=3, category=7, codes=(0.5, -1.0))
    assert not np.array_equal(np.asarray(img), np.asarray(other))
    cells = inference.infogan_grid_images(tiny_model, "c3", seed=1, rows=4)
    assert cells.shape == (4 * inference.INFOGAN_GRID_VALUES, 1, 16, 16)
    assert inference.infogan_grid_images(tiny_model, "category", seed=1, rows=2).shape == (20, 1, 16, 16)
    assert inference.infogan_codes(tiny_model) == (10, 3)


@pytest.mark.parametrize("kwargs, message", [
    (dict(category=10), "category must be a whole number from 0 to 9"),
    (dict(category=-1), "category must be a whole number from 0 to 9"),
    (dict(category=2.5), "category must be a whole number"),
    (dict(codes=(9.0, 0.0)), "c1 must be between -3 and 3"),
    (dict(codes=(0.0, float("nan"))), "c2 must be between"),
    (dict(seed=-4), "seed must be a whole number >= 0"),
])
def test_inference_rejects_bad_input(tiny_model, kwargs, message):
    args = dict(seed=1, category=0, codes=(0.0, 0.0)) | kwargs
    with pytest.raises(ValueError, match=message):
        inference.infogan_image(tiny_model, **args)


def test_grid_rejects_unknown_code(tiny_model):
    with pytest.raises(ValueError, match="vary must be one of category, c1, c2, c3"):
        inference.infogan_grid(tiny_model, "c4", 0)
    with pytest.raises(hub.ModelLoadError, match="needs a infogan model|is a"):
        inference.infogan_image(str(_dcgan_model()), 0, 0, ())


def _dcgan_model():
    from studio.models.dcgan import DCGANConfig
    from studio.models.dcgan import Generator as DG

    folder = hub.user_models_dir() / "tiny-dcgan-for-infogan-test"
    if not folder.exists():
        hub.save(DG(DCGANConfig(z_dim=4, img_size=8, g_width=4)), folder)
    return folder
