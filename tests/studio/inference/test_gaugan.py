"""GauGAN inference: painting with a tiny saved model; the bundled model paints the classes where they were painted."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from studio import hub, inference
from studio.models.spade import Generator

from tests.helpers import SPADE_COLORS as COLORS
from tests.helpers import SPADE_EXAMPLES as EXAMPLES
from tests.helpers import SPADE_PALETTE as PALETTE3
from tests.helpers import needs_bundled_spade as needs_bundled
from tests.helpers import spade_cfg


def test_paint_with_a_saved_tiny_model(tmp_path):
    G = Generator(spade_cfg()).eval()
    hub.save(G, tmp_path / "tiny-spade")
    name = str(tmp_path / "tiny-spade")
    assert inference.palette(name) == [{"name": n, "color": c} for n, c in zip("abc", PALETTE3)]
    img, note = inference.paint(name, Image.fromarray(COLORS[np.zeros((40, 40), int)]), style_seed=3)
    assert img.size == (inference.PAINT_DISPLAY, inference.PAINT_DISPLAY) and note == ""
    with pytest.raises(ValueError, match="no label map"):
        inference.paint(name, None)


@needs_bundled
def test_bundled_model_paints_the_classes_where_they_were_painted():
    """Segment the picture generated from each example map: most pixels keep their painted class."""
    from training.eval import segmenter as S

    loaded = S.load()
    if loaded is None:
        pytest.skip("no landscape segmenter in pretrained/_eval")
    net, _ = loaded
    G = inference.get_model("spade-landscapes", "spade")
    for path in EXAMPLES:
        labels = inference.parse_label_map(Image.open(path), G.palette_rgb().numpy()).labels
        y = inference._downsample_labels(labels, G.config.img_size)
        fake = G(y, G.preset("day")[None])
        acc = (S.segment(net, fake) == y).float().mean().item()
        assert acc > 0.7, f"{path.name}: only {acc:.2f} of the pixels kept their class"
