import numpy as np
import pytest
import torch
from PIL import Image

from studio import hub, inference
from studio.models.dcgan import DCGANConfig, Generator


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("m") / "tiny-dcgan"
    hub.save(Generator(DCGANConfig(z_dim=8, g_width=4)), folder)
    return str(folder)


def test_strip_and_gif(tiny_model):
    strip, gif = inference.interpolate(tiny_model, 1, 2, steps=5, method="slerp")
    assert strip.width > 4 * strip.height                    # one row of 5 frames
    with Image.open(gif) as im:
        assert im.n_frames == 5 + 3                           # A -> B -> back
        assert min(im.size) >= inference.DISPLAY


def test_frame_endpoints_match_the_strip(tiny_model):
    frames = inference.interpolation_frames(tiny_model, 3, 4, steps=3)
    first = np.asarray(inference.interpolate_frame(tiny_model, 3, 4, t=0.0))
    last = np.asarray(inference.interpolate_frame(tiny_model, 3, 4, t=1.0))
    G = inference.get_model(tiny_model)
    from studio.models.layers import seeded_normal
    with torch.no_grad():
        a = G(seeded_normal(3, 8)[None])[0]
    assert torch.allclose(frames[0], a, atol=1e-5)
    assert first.shape[0] >= inference.DISPLAY and not np.array_equal(first, last)


def test_bad_inputs_are_clear(tiny_model):
    with pytest.raises(ValueError, match="steps"):
        inference.interpolate(tiny_model, 1, 2, steps=500)
    with pytest.raises(ValueError, match="t must be"):
        inference.interpolate_frame(tiny_model, 1, 2, t=3)
    with pytest.raises(ValueError, match="method"):
        inference.interpolate_frame(tiny_model, 1, 2, t=0.5, method="cubic")
    with pytest.raises(hub.ModelLoadError):
        inference.interpolate_frame("no-such-model", 1, 2)


def test_cache_picks_up_a_retrained_model(tmp_path):
    folder = tmp_path / "m"
    hub.save(Generator(DCGANConfig(z_dim=8, g_width=4)), folder)
    a = inference.get_model(str(folder))
    assert inference.get_model(str(folder)) is a
    import os, time
    hub.save(Generator(DCGANConfig(z_dim=8, g_width=4)), folder)
    os.utime(folder / "model.safetensors", (time.time() + 5, time.time() + 5))
    assert inference.get_model(str(folder)) is not a
