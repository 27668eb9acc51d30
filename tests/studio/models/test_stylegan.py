"""StyleGAN family: modulated conv, generator, style mixing (inference + /style_mix endpoint), trainer."""
from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image

from studio import hub, inference
from studio.models.stylegan import Generator, ModulatedConv2d, StyleGANConfig, modulate_weight, style_groups

TINY = dict(z_dim=8, w_dim=16, mapping_layers=2, img_size=16, channel_base=64, channel_max=16,
            d_channel_base=64, d_channel_max=16)
NAME = "tiny-stylegan-test"


@pytest.fixture(scope="module")
def tiny_model():
    """A random tiny StyleGAN saved as a user model, with a non-zero w_avg and noise strengths."""
    torch.manual_seed(0)
    G = Generator(StyleGANConfig(**TINY))
    with torch.no_grad():
        G.w_avg.normal_()
        for name, p in G.named_parameters():
            if name.endswith("noise_strength"):
                p.fill_(0.3)
    hub.save(G, hub.user_models_dir() / NAME)
    return NAME


def cells(imgs: torch.Tensor, n_rows: int, n_cols: int) -> torch.Tensor:
    return imgs.reshape(n_rows + 1, n_cols + 1, *imgs.shape[1:])


# ----------------------------------------------------------------------------- layers

def test_modulated_conv_shapes_and_equals_per_sample_kernels():
    conv = ModulatedConv2d(6, 5, w_dim=7, kernel=3)
    x, w = torch.randn(4, 6, 8, 8), torch.randn(4, 7)
    y = conv(x, w)
    assert y.shape == (4, 5, 8, 8)
    # the batched path equals convolving each sample with its own (de)modulated kernel
    kernels = modulate_weight(conv.weight * conv.scale, conv.affine(w))       # (N, O, I, k, k)
    ref = torch.cat([F.conv2d(x[i:i + 1], kernels[i], padding=1) for i in range(4)])
    torch.testing.assert_close(y, ref, rtol=1e-4, atol=1e-5)
    assert ModulatedConv2d(6, 5, 7, up=True)(x, w).shape == (4, 5, 16, 16)


def test_demodulation_gives_unit_norm_kernels_and_unit_variance():
    weight, styles = torch.randn(8, 16, 3, 3), torch.rand(2, 16) * 5
    norms = modulate_weight(weight, styles).pow(2).sum(dim=(2, 3, 4)).sqrt()
    torch.testing.assert_close(norms, torch.ones(2, 8))
    assert not torch.allclose(modulate_weight(weight, styles, demodulate=False).pow(2).sum(dim=(2, 3, 4)),
                              torch.ones(2, 8), atol=0.5)
    # unit-variance inputs give (about) unit-variance outputs whatever the style scale
    conv = ModulatedConv2d(64, 32, w_dim=4, kernel=1)
    with torch.no_grad():
        conv.affine.bias.fill_(25.0)
    y = conv(torch.randn(8, 64, 16, 16), torch.zeros(8, 4))
    assert abs(y.std().item() - 1.0) < 0.1


# ----------------------------------------------------------------------------- generator

def test_generator_shapes_and_noise_modes():
    cfg = StyleGANConfig(**TINY)
    G = Generator(cfg).eval()
    with torch.no_grad():
        for name, p in G.named_parameters():
            if name.endswith("noise_strength"):
                p.fill_(0.5)
    assert cfg.num_ws == 6 and G.num_ws == 6
    z = torch.randn(3, 8)
    ws = G.map(z)
    assert ws.shape == (3, 6, 16) and torch.equal(ws[:, 0], ws[:, 5])
    img = G(z)
    assert img.shape == (3, 3, 16, 16) and img.abs().max() <= 1
    torch.testing.assert_close(G.synthesis(ws, "const"), G.synthesis(ws, "const"))
    assert not torch.allclose(G.synthesis(ws, "random"), G.synthesis(ws, "random"))
    assert not torch.allclose(G.synthesis(ws, "none"), G.synthesis(ws, "const"))
    with pytest.raises(ValueError, match="noise_mode"):
        G.synthesis(ws, "loud")
    with pytest.raises(ValueError, match="ws must be"):
        G.synthesis(ws[:, :4], "const")
    assert G(z, truncation=0.5).shape == (3, 3, 16, 16)


def test_orig_architecture_has_one_torgb_and_every_style_still_matters():
    """architecture="orig": only the last resolution has a ToRGB; ws count and indexing are unchanged,
    and every ws index (including those that fed the dropped ToRGBs) still changes the image."""
    G = Generator(StyleGANConfig(**TINY, architecture="orig")).eval()
    assert list(G.synthesis.torgbs.keys()) == ["2"] and G.num_ws == 6
    skip = Generator(StyleGANConfig(**TINY))
    dropped = set(skip.state_dict()) - set(G.state_dict())
    assert set(G.state_dict()) < set(skip.state_dict()) and dropped
    assert all(k.startswith(("synthesis.torgbs.0.", "synthesis.torgbs.1.")) for k in dropped)
    ws = G.map(torch.randn(2, 8))
    base = G.synthesis(ws, "const")
    assert base.shape == (2, 3, 16, 16)
    for i in range(G.num_ws):
        other = ws.clone()
        other[:, i] = G.map(torch.randn(2, 8))[:, 0]
        assert not torch.allclose(G.synthesis(other, "const"), base), f"ws[{i}] has no effect"
    with pytest.raises(ValueError, match="architecture"):
        StyleGANConfig(**TINY, architecture="resnet")


def test_channel_list_sets_each_resolutions_width_and_survives_save_and_load(tmp_path):
    """channel_list gives the generator's width per resolution (4, 8, 16 px here), e.g. narrow coarse
    layers and wide fine ones; it is saved in config.json and the model reloads strictly."""
    cfg = dict(TINY, channel_list=[4, 6, 12], architecture="orig")
    G = Generator(StyleGANConfig(**cfg)).eval()
    assert G.synthesis.const.shape == (1, 4, 4, 4)
    assert [c.conv.weight.shape[:2] for c in G.synthesis.convs] == [(4, 4), (6, 4), (6, 6), (12, 6), (12, 12)]
    hub.save(G, tmp_path / "m")
    G2 = hub.load(tmp_path / "m")
    assert G2.config.channel_list == [4, 6, 12]
    ws = G.map(torch.randn(2, 8))
    assert torch.equal(G2.synthesis(ws, "const"), G.synthesis(ws, "const"))
    with pytest.raises(ValueError, match="channel_list"):
        StyleGANConfig(**dict(TINY, channel_list=[8, 8]))


def test_adain_option_normalises_each_styled_input_and_keeps_old_keys():
    """adain="all" puts StyleGAN1's AdaIN (instance norm + style bias) before every styled layer: a
    layer's output no longer depends on the per-channel scale and offset its input arrived with, so
    earlier styles cannot set them. "torgb" does so only before the ToRGB. "none" keeps the StyleGAN2
    state-dict keys exactly."""
    plain = Generator(StyleGANConfig(**TINY, architecture="orig"))
    G = Generator(StyleGANConfig(**TINY, architecture="orig", adain="all")).eval()
    added = set(G.state_dict()) - set(plain.state_dict())
    assert set(plain.state_dict()) < set(G.state_dict())
    assert added and all(".norm.affine." in k for k in added)
    torgb_only = Generator(StyleGANConfig(**TINY, architecture="orig", adain="torgb")).eval()
    assert {k for k in torgb_only.state_dict() if ".norm." in k} == {k for k in added if "torgbs" in k} != set()
    conv, torgb = G.synthesis.convs[2], torgb_only.synthesis.torgbs["2"]
    for layer, call in ((conv, lambda x, w: conv(x, w, "none")), (torgb, torgb)):
        cin, w = layer.conv.weight.shape[1], torch.randn(2, 16)
        x = torch.randn(2, cin, 8, 8)
        scale, shift = torch.rand(2, cin, 1, 1) + 0.5, torch.randn(2, cin, 1, 1)
        out = call(x, w)
        assert torch.allclose(call(x * scale + shift, w), out, atol=1e-4)
        assert not torch.allclose(call(x, torch.randn(2, 16)), out)
    ws = G.map(torch.randn(2, 8))
    for i in range(G.num_ws):                                         # every style still matters
        other = ws.clone()
        other[:, i] = G.map(torch.randn(2, 8))[:, 0]
        assert not torch.allclose(G.synthesis(other, "const"), G.synthesis(ws, "const")), f"ws[{i}]"
    with pytest.raises(ValueError, match="adain"):
        StyleGANConfig(**TINY, adain="some")


def test_style_groups_cover_every_layer_once():
    for size, num_ws in ((16, 6), (32, 8), (64, 10)):
        cfg = StyleGANConfig(img_size=size)
        g = style_groups(cfg)
        assert cfg.num_ws == num_ws
        assert sorted(g["coarse"] + g["middle"] + g["fine"]) == list(range(num_ws)) == g["all"]
        assert g["coarse"] == [0, 1, 2]


def test_w_avg_tracks_mapped_w_in_training():
    G = Generator(StyleGANConfig(**TINY))
    assert torch.all(G.w_avg == 0)
    for _ in range(1000):                        # beta 0.995: 1 - 0.995**1000 > 0.99 of the way
        G.map(torch.randn(64, 8), update_w_avg=True)
    mean_w = G.mapping(torch.randn(4096, 8)).mean(0)
    assert (G.w_avg - mean_w).norm() < 0.1 * mean_w.norm()


# ----------------------------------------------------------------------------- style mixing

def test_mix_all_styles_gives_the_column_seed_and_none_the_row_seed(tiny_model):
    rows, cols = "1,2", "5-7"
    everything = cells(inference.style_mix_images(tiny_model, rows, cols, "all"), 2, 3)
    nothing = cells(inference.style_mix_images(tiny_model, rows, cols, "none"), 2, 3)
    assert torch.all(everything[0, 0] == 1)                                  # blank corner
    for r in range(1, 3):
        for c in range(1, 4):
            torch.testing.assert_close(everything[r, c], everything[0, c])   # = column seed c
            torch.testing.assert_close(nothing[r, c], nothing[r, 0])        # = row seed r
    assert not torch.allclose(everything[1, 0], everything[0, 1])


def test_mix_row_seed_with_itself_and_partial_mix(tiny_model):
    same = cells(inference.style_mix_images(tiny_model, "3", "3", "coarse"), 1, 1)
    torch.testing.assert_close(same[1, 1], same[1, 0])
    mixed = cells(inference.style_mix_images(tiny_model, "1", "2", "0-2"), 1, 1)
    assert not torch.allclose(mixed[1, 1], mixed[1, 0]) and not torch.allclose(mixed[1, 1], mixed[0, 1])
    torch.testing.assert_close(mixed, cells(inference.style_mix_images(tiny_model, "1", "2", "coarse"), 1, 1))


def test_truncation_zero_gives_the_w_avg_image_for_every_seed(tiny_model):
    imgs = cells(inference.style_mix_images(tiny_model, "1-3", "4,9", "fine", truncation=0.0), 3, 2)
    G = inference.get_model(tiny_model, "stylegan")
    avg = G.synthesis(G.w_avg[None, None].repeat(1, G.num_ws, 1), "const")[0].clamp(-1, 1)
    for r, c in [(0, 1), (0, 2), (1, 0), (2, 1), (3, 2)]:
        torch.testing.assert_close(imgs[r, c], avg)


def test_grid_picture_and_cell_lookup(tiny_model):
    pic = inference.style_mix(tiny_model, "1,2", "3-5", "middle")
    side = inference.CELL                        # 16 px cells upscaled 6x = 96 px, 2 px gaps
    assert pic.size == (4 * (side + 2) + 2, 3 * (side + 2) + 2)
    assert inference.grid_cell_at(1, 1, 16) is None
    assert inference.grid_cell_at(2 + 2 * (side + 2) + 5, 2 + (side + 2) + 5, 16) == (1, 2)
    img, caption = inference.style_mix_cell(tiny_model, "1,2", "3-5", "all", 1.0, "const",
                                            2 + 3 * (side + 2) + 5, 2 + 2 * (side + 2) + 5)
    assert isinstance(img, Image.Image) and "Row seed 2" in caption and "column seed 5" in caption
    col = inference.style_mix_cell(tiny_model, "1,2", "3-5", "all", 1.0, "const", 2 + 3 * (side + 2) + 5, 5)[0]
    assert np.array_equal(np.asarray(img), np.asarray(col))   # all styles from seed 5 = seed 5's image
    assert inference.style_mix_cell(tiny_model, "1,2", "3-5", "all", 1.0, "const", 5, 5)[0] is None


@pytest.mark.parametrize("args, message", [
    (("1-x", "1", "coarse"), "not a seed"),
    (("0-8", "1", "coarse"), "at most 8"),
    (("1", "1,2,3,4,5,6,7,8,9", "coarse"), "at most 8"),
    (("1", "", "coarse"), "at least one seed"),
    (("1", "2", "3-99"), "out of bounds"),
    (("1", "2", "4-2"), "out of bounds"),
    (("1", "2", "colours"), "layer range"),
])
def test_bad_input_is_refused_clearly(tiny_model, args, message):
    with pytest.raises(ValueError, match=message):
        inference.style_mix_images(tiny_model, *args)


def test_bad_truncation_noise_and_family(tiny_model):
    with pytest.raises(ValueError, match="truncation"):
        inference.style_mix_images(tiny_model, "1", "2", "coarse", truncation=float("nan"))
    with pytest.raises(ValueError, match="noise_mode"):
        inference.style_mix_images(tiny_model, "1", "2", "coarse", noise_mode="loud")


# ----------------------------------------------------------------------------- endpoint

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


# ----------------------------------------------------------------------------- training

def test_trainer_steps_mixing_r1_and_ema(tmp_path):
    from training.checkpoint import load_checkpoint, save_checkpoint
    from training.steps.stylegan import StyleGANTrainer

    cfg, opts = StyleGANConfig(**TINY), dict(mixing_prob=1.0, r1_every=2)
    tr = StyleGANTrainer(cfg, **opts)
    batch = {"image": torch.rand(8, 3, 16, 16) * 2 - 1}
    logs = [tr.step(batch) for _ in range(3)]
    assert logs[0]["R1"] > 0 and logs[1]["R1"] == 0 and logs[2]["R1"] > 0      # lazy R1 every 2 steps
    G, E = tr.nets["G"], tr.nets["G_ema"]
    assert tr.export() is E and not torch.allclose(G.synthesis.const, E.synthesis.const)
    torch.testing.assert_close(E.w_avg, G.w_avg)
    assert tr.samples().shape == (64, 3, 16, 16)
    save_checkpoint(tr, tmp_path / "ck", 3)
    tr2 = StyleGANTrainer(cfg, **opts)
    load_checkpoint(tr2, tmp_path / "ck")
    torch.testing.assert_close(tr2.nets["G_ema"].synthesis.const, E.synthesis.const)
    assert tr2._steps_done("D") == 3


# ----------------------------------------------------------------------------- evaluation

class _SignGenerator(torch.nn.Module):
    """A stand-in generator whose image shows the sign of w in a coarse layer (channel 0) and in a
    fine layer (channel 1), so the mixing evaluation's bookkeeping can be checked exactly."""

    def __init__(self, swap: bool = False):
        super().__init__()
        self.config, self.z_dim, self.swap = StyleGANConfig(img_size=32), 4, swap
        self.num_ws = self.config.num_ws

    def map(self, z, psi=1.0):
        return z[:, None].repeat(1, self.config.num_ws, 1)

    def synthesis(self, ws, noise_mode="const"):
        coarse, fine = ws[:, 0, 0], ws[:, -1, 0]
        if self.swap:
            coarse, fine = fine, coarse
        img = torch.zeros(len(ws), 3, 32, 32)
        img[:, 0], img[:, 1] = coarse.sign()[:, None, None], fine.sign()[:, None, None]
        return img


class _SignClassifier:
    def predict(self, x):
        from training.eval.face_attrs import COARSE, FINE

        c, f = (x[:, 0].mean((1, 2)) > 0).long(), (x[:, 1].mean((1, 2)) > 0).long()
        out = {k: c for k in COARSE} | {k: f for k in FINE}
        out["hair_style"] = c + 1                                   # never "bald" (class 0)
        return out


def test_mixing_rates_count_agreement_with_the_intended_source():
    from training.eval.stylegan import mixing_rates

    good = mixing_rates(_SignGenerator(), _SignClassifier(), pairs=64)
    assert good["coarse_follow_rate"] == 1.0 and good["fine_follow_rate"] == 1.0
    assert good["mix_coarse"]["fine_follow"] == 1.0 and good["mix_fine"]["coarse_follow"] == 1.0
    assert 10 < good["mix_coarse"]["per_attribute"]["head_shape"]["n"] < 54     # only pairs that differ count
    bad = mixing_rates(_SignGenerator(swap=True), _SignClassifier(), pairs=64)  # shape from the fine layers
    assert bad["coarse_follow_rate"] == 0.0 and bad["fine_follow_rate"] == 0.0


def test_bundled_stylegan_faces():
    if not (hub.pretrained_dir() / "stylegan-faces" / hub.WEIGHTS_NAME).is_file():
        pytest.skip("pretrained/stylegan-faces not present (made by training/recipes/stylegan-faces.sh)")
    G = inference.get_model("stylegan-faces", "stylegan")
    assert G.config.img_size in (32, 64) and G.w_avg.norm() > 0          # w_avg was tracked in training
    imgs = cells(inference.style_mix_images("stylegan-faces", "1,2", "3", "all", truncation=0.0), 2, 1)
    torch.testing.assert_close(imgs[1, 0], imgs[2, 0])
    assert imgs[1:].std() > 0.05                                          # not a blank picture
    assert G(torch.randn(2, G.z_dim), truncation=0.7).shape == (2, 3, G.config.img_size, G.config.img_size)
