"""The style mixing tab's /style_mix endpoint: a deterministic grid, clear errors."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from studio import inference

from tests.helpers import save_tiny_stylegan


@pytest.fixture(scope="module")
def tiny_model():
    return save_tiny_stylegan()


def test_style_mix_endpoint(client, tiny_model):
    path = client.predict(tiny_model, "1-3", "4,5", "fine", 0.7, "const", api_name="/style_mix")
    side = inference.CELL
    assert Image.open(path).size == (3 * (side + 2) + 2, 4 * (side + 2) + 2)
    again = client.predict(tiny_model, "1-3", "4,5", "fine", 0.7, "const", api_name="/style_mix")
    assert np.array_equal(np.asarray(Image.open(path)), np.asarray(Image.open(again)))


def test_style_mix_endpoint_bad_input(client, tiny_model):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="not a seed"):
        client.predict(tiny_model, "1-x", "4", "coarse", 1.0, "const", api_name="/style_mix")
    with pytest.raises(AppError, match="out of bounds"):
        client.predict(tiny_model, "1", "4", "2-40", 1.0, "const", api_name="/style_mix")
