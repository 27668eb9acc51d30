"""StyleGAN model: modulated conv and demodulation, the generator (noise, architectures, widths, AdaIN), style groups, w_avg."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from studio import hub
from studio.models.stylegan import Generator, ModulatedConv2d, StyleGANConfig, modulate_weight, style_groups

from tests.helpers import STYLEGAN_TINY as TINY


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
