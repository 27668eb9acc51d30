"""The InfoGAN tab's endpoints: /infogan and /infogan_grid, their errors, the bundled model."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from studio import hub, inference

from tests.helpers import save_tiny_infogan


@pytest.fixture(scope="module")
def tiny_model():
    return save_tiny_infogan()


def test_endpoint_infogan(client, tiny_model):
    path = client.predict(model=tiny_model, seed=5, category=3, c1=1.5, c2=-0.5, api_name="/infogan")
    img = Image.open(path)
    assert min(img.size) >= inference.DISPLAY
    ref = inference.infogan_image(tiny_model, 5, 3, (1.5, -0.5))
    assert np.array_equal(np.asarray(img.convert("RGB")), np.asarray(ref.convert("RGB")))
    path3 = client.predict(model=tiny_model, seed=5, category=3, c1=1.5, c2=-0.5, c3=2.0, api_name="/infogan")
    assert not np.array_equal(np.asarray(Image.open(path3)), np.asarray(img))   # c3 reaches the model


def test_endpoint_infogan_grid(client, tiny_model):
    img = Image.open(client.predict(model=tiny_model, vary="c2", seed=0, api_name="/infogan_grid"))
    cols = inference.INFOGAN_GRID_VALUES
    cell = 64 + 2                                  # 16 px upscaled to 64, plus the 2 px gap
    assert img.size == (cols * cell + 2, 10 * cell + 2)
    img = Image.open(client.predict(model=tiny_model, vary="category", seed=0, rows=3, api_name="/infogan_grid"))
    assert img.size == (10 * cell + 2, 3 * cell + 2)


def test_endpoints_give_clear_errors(client, tiny_model):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="category must be a whole number from 0 to 9"):
        client.predict(model=tiny_model, seed=0, category=12, c1=0, c2=0, api_name="/infogan")
    with pytest.raises(AppError, match="vary must be one of"):
        client.predict(model=tiny_model, vary="slant", seed=0, api_name="/infogan_grid")
    with pytest.raises(AppError, match="no model called"):
        client.predict(model="no-such-model", seed=0, category=0, c1=0, c2=0, api_name="/infogan")


def test_bundled_model_endpoint(client):
    if not (hub.pretrained_dir() / "infogan-mnist" / hub.WEIGHTS_NAME).is_file():
        pytest.skip("pretrained/infogan-mnist is not there (made by training/recipes/infogan-mnist.sh)")
    img = Image.open(client.predict(seed=0, category=0, c1=0, c2=0, api_name="/infogan"))   # default model
    assert min(img.size) >= inference.DISPLAY
    grid = Image.open(client.predict(vary="category", seed=0, api_name="/infogan_grid"))
    assert grid.size[0] > grid.size[1] * 0.9
