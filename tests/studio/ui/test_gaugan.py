"""The GauGAN tab's endpoints with the bundled model: /palette and /paint."""
from __future__ import annotations

import numpy as np
from PIL import Image

from studio import inference

from tests.helpers import SPADE_EXAMPLES as EXAMPLES
from tests.helpers import needs_bundled_spade as needs_bundled


@needs_bundled
def test_palette_endpoint(client):
    pal = client.predict("spade-landscapes", api_name="/palette")
    assert [p["name"] for p in pal][:4] == ["sky", "cloud", "mountain", "water"]
    assert all(p["color"].startswith("#") and len(p["color"]) == 7 for p in pal)


@needs_bundled
def test_paint_endpoint_with_an_example_map(client, tmp_path):
    from gradio_client import handle_file

    out = client.predict("spade-landscapes", handle_file(str(EXAMPLES[0])), 7, None, api_name="/paint")
    img = Image.open(out)
    assert img.size == (inference.PAINT_DISPLAY, inference.PAINT_DISPLAY)
    assert np.asarray(img.convert("RGB")).std() > 10                       # a picture, not a flat fill
    # Far-off colours (a photo-like gradient) are snapped, not an error.
    grad = np.dstack([*np.meshgrid(np.arange(64) * 4, np.arange(64) * 4), np.full((64, 64), 128)]).astype(np.uint8)
    Image.fromarray(grad).save(tmp_path / "grad.png")
    assert Image.open(client.predict("spade-landscapes", handle_file(str(tmp_path / "grad.png")), 0, None,
                                     api_name="/paint")).size == img.size
