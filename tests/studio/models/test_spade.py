"""SPADE family: layers, generator API, save/load, trainer step, palette snapping, /palette and /paint."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from studio import hub, inference
from studio.models.spade import SPADE, Discriminator, Generator, SPADEConfig, SPADEResBlock, one_hot_labels

REPO = Path(__file__).resolve().parents[3]
BUNDLED = REPO / "pretrained" / "spade-landscapes"
EXAMPLES = sorted((REPO / "assets" / "gaugan").glob("*.png"))
PALETTE3 = ["#ff0000", "#00ff00", "#0000ff"]


def tiny(**kw) -> SPADEConfig:
    base = dict(img_size=16, z_dim=8, classes=["a", "b", "c"], palette=list(PALETTE3), g_width=4, g_max=16,
                spade_hidden=4, d_width=4, enc_width=4)
    return SPADEConfig(**{**base, **kw})


# ---------------------------------------------------------------------------------------------- layers

def test_spade_norm_shapes_and_label_resizing():
    norm = SPADE(6, 3, hidden=5)
    x = torch.randn(2, 6, 8, 8)
    seg = one_hot_labels(torch.randint(0, 3, (2, 32, 32)), 3)       # label map at 4x the resolution
    assert norm(x, seg).shape == (2, 6, 8, 8)


def test_spade_keeps_semantics_of_a_uniform_input():
    """A constant input normalises to zero; SPADE's output still differs between label regions."""
    torch.manual_seed(0)
    norm = SPADE(4, 2, hidden=4).train()
    x = torch.ones(1, 4, 16, 16)
    label = torch.zeros(1, 16, 16, dtype=torch.long)
    label[:, :, 8:] = 1
    out = norm(x, one_hot_labels(label, 2))[0]          # the 5x5 receptive field: compare interior pixels
    assert torch.allclose(out[:, 5, 3], out[:, 10, 4], atol=1e-5)          # same class, same output
    assert (out[:, 8, 3] - out[:, 8, 12]).abs().max() > 1e-3              # other class, other output


def test_spade_resblock_shapes():
    seg = one_hot_labels(torch.randint(0, 3, (2, 16, 16)), 3)
    assert SPADEResBlock(8, 4, 3, hidden=4)(torch.randn(2, 8, 8, 8), seg).shape == (2, 4, 8, 8)
    assert SPADEResBlock(4, 4, 3, hidden=4, sn=False)(torch.randn(2, 4, 8, 8), seg).shape == (2, 4, 8, 8)


def test_one_hot_rejects_bad_labels():
    with pytest.raises(ValueError, match="outside"):
        one_hot_labels(torch.full((1, 4, 4), 3), 3)
    with pytest.raises(ValueError, match="channels"):
        one_hot_labels(torch.zeros(1, 2, 4, 4), 3)


@pytest.mark.parametrize("arch", ["spade", "pix2pix"])
def test_generator_api(arch):
    G = Generator(tiny(arch=arch)).eval()
    label = torch.randint(0, 3, (2, 16, 16))
    z = torch.randn(2, 8)
    out = G(label, z)
    assert out.shape == (2, 3, 16, 16) and out.abs().max() <= 1
    assert torch.allclose(G(one_hot_labels(label, 3), z), out, atol=1e-6)    # one-hot input, same picture
    assert G(label).shape == (2, 3, 16, 16)                                   # z=None: the prior's mean
    assert G(torch.randint(0, 3, (1, 40, 40))).shape == (1, 3, 16, 16)        # other sizes are resized
    mu, logvar = G.encode(torch.rand(2, 3, 16, 16) * 2 - 1)
    assert mu.shape == logvar.shape == (2, 8)
    assert not torch.allclose(G(label, z), G(label, -z))                      # the style code matters


def test_discriminator_is_two_scale_with_features():
    cfg = tiny()
    outs = Discriminator(cfg)(torch.randn(2, 3, 16, 16), one_hot_labels(torch.randint(0, 3, (2, 16, 16)), 3))
    assert len(outs) == 2
    assert all(len(feats) == cfg.d_layers + 1 and feats[-1].shape[1] == 1 for feats in outs)
    assert outs[1][0].shape[-1] < outs[0][0].shape[-1]                       # second scale sees half resolution


def test_config_validation():
    with pytest.raises(ValueError, match="palette"):
        tiny(palette=["#ff0000"])
    with pytest.raises(ValueError, match="arch"):
        tiny(arch="unet")


def test_save_load_roundtrip_keeps_encoder_classes_and_presets(tmp_path):
    G = Generator(tiny()).eval()
    G.config.preset_names, G.config.preset_codes = ["day"], [[0.5] * 8]
    hub.save(G, tmp_path / "m")
    H = hub.load(tmp_path / "m")
    assert H.config.classes == ["a", "b", "c"] and H.config.palette == PALETTE3
    label, z = torch.randint(0, 3, (1, 16, 16)), torch.randn(1, 8)
    assert torch.allclose(G(label, z), H(label, z), atol=1e-6)
    x = torch.rand(1, 3, 16, 16)
    assert torch.allclose(G.encode(x)[0], H.encode(x)[0], atol=1e-6)
    assert torch.allclose(H.preset("day"), torch.full((8,), 0.5))
    with pytest.raises(ValueError, match="preset"):
        H.preset("dusk")


def test_trainer_step_and_samples():
    from training.steps.spade import SPADETrainer

    t = SPADETrainer(tiny(), n_samples=2)
    batch = {"image": torch.rand(4, 3, 16, 16) * 2 - 1, "label": torch.randint(0, 3, (4, 16, 16))}
    w0 = next(t.nets["G"].decoder.parameters()).clone()
    losses = t.step(batch)
    assert set(losses) == set(t.loss_names) and all(math.isfinite(v) for v in losses.values())
    assert not torch.equal(w0, next(t.nets["G"].decoder.parameters()))
    assert t.samples().shape == (6, 3, 16, 16)                                 # label maps, fakes, reals
    assert t.export() is t.nets["G"]                                           # not landscapes: no presets


# ---------------------------------------------------------------------------------------------- palette snapping

COLORS = np.array([[255, 0, 0], [0, 255, 0], [0, 0, 255]], np.uint8)


def test_exact_palette_colours_map_exactly():
    labels = np.random.default_rng(0).integers(0, 3, (9, 7))
    parsed = inference.parse_label_map(COLORS[labels], COLORS)
    assert np.array_equal(parsed.labels, labels) and parsed.far == 0 and parsed.message == ""


def test_antialiased_edges_go_to_the_nearest_class():
    red, blue = COLORS[0].astype(float), COLORS[2].astype(float)
    edge = np.stack([np.round(w * red + (1 - w) * blue) for w in (0.9, 0.7, 0.3, 0.1)])[None].astype(np.uint8)
    parsed = inference.parse_label_map(edge, COLORS)
    assert parsed.labels.tolist() == [[0, 0, 2, 2]]


def test_far_colours_are_snapped_and_counted():
    img = np.zeros((2, 2, 3), np.uint8)
    img[:] = COLORS[1]
    img[0, 0] = (200, 0, 200)            # magenta: far from red, green and blue
    parsed = inference.parse_label_map(img, COLORS)
    assert parsed.far == 1
    assert parsed.labels[0, 0] in (0, 2) and (parsed.labels.flatten()[1:] == 1).all()
    assert "1 pixels" in parsed.message and "snapped" in parsed.message


def test_transparent_pixels_take_the_fallback():
    img = np.zeros((2, 3, 4), np.uint8)
    img[..., :3] = COLORS[0]
    img[..., 3] = 255
    img[1, :, 3] = 0                     # erased row (colour under it is arbitrary)
    assert inference.parse_label_map(img, COLORS, fallback=2).labels[1].tolist() == [2, 2, 2]
    bg = np.array([[1, 1, 1], [0, 1, 2]])
    parsed = inference.parse_label_map(img, COLORS, fallback=bg)
    assert parsed.labels.tolist() == [[0, 0, 0], [0, 1, 2]] and parsed.transparent == 3


def test_parse_rejects_non_images():
    with pytest.raises(ValueError, match="RGB"):
        inference.parse_label_map(np.zeros((4, 4, 5), np.uint8), COLORS)


def test_paint_with_a_saved_tiny_model(tmp_path):
    G = Generator(tiny()).eval()
    hub.save(G, tmp_path / "tiny-spade")
    name = str(tmp_path / "tiny-spade")
    assert inference.palette(name) == [{"name": n, "color": c} for n, c in zip("abc", PALETTE3)]
    img, note = inference.paint(name, Image.fromarray(COLORS[np.zeros((40, 40), int)]), style_seed=3)
    assert img.size == (inference.PAINT_DISPLAY, inference.PAINT_DISPLAY) and note == ""
    with pytest.raises(ValueError, match="no label map"):
        inference.paint(name, None)


# ---------------------------------------------------------------------------------------------- bundled model + app

needs_bundled = pytest.mark.skipif(not (BUNDLED / "model.safetensors").is_file(),
                                   reason="pretrained/spade-landscapes not trained yet (training/recipes/spade-landscapes.sh)")


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
