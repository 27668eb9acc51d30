"""CycleGAN inference: the views the tab shows (input, translation, reconstruction, heat map)."""
from __future__ import annotations

import pytest

from studio import inference

from tests.helpers import CYCLEGAN_EXAMPLES as EXAMPLES
from tests.helpers import save_tiny_cyclegan


@pytest.fixture(scope="module")
def tiny_model():
    return save_tiny_cyclegan()


def test_translate_views(tiny_model):
    v = inference.translate_views(tiny_model, str(EXAMPLES[0]), "AtoB")
    assert v["translated"].size == v["input"].size == v["reconstructed"].size == v["heatmap"].size
    assert max(v["input"].size) == 4 * 32 and v["cycle_l1"] > 0
