"""SPADE family: the SPADE norm and blocks, the generator's API, the two-scale discriminator, save/load."""
from __future__ import annotations

import pytest
import torch

from studio import hub
from studio.models.spade import SPADE, Discriminator, Generator, SPADEResBlock, one_hot_labels

from tests.helpers import SPADE_PALETTE as PALETTE3
from tests.helpers import spade_cfg


def test_spade_norm_shapes_and_label_resizing():
    norm = SPADE(6, 3, hidden=5)
    x = torch.randn(2, 6, 8, 8)
    seg = one_hot_labels(torch.randint(0, 3, (2, 32, 32)), 3)       # label map at 4x the resolution
    assert norm(x, seg).shape == (2, 6, 8, 8)


def test_decoder_resizing_the_labels_once_per_block_is_each_layer_resizing_them():
    """SPADEDecoder hands every block the label map at its resolution; a SPADE layer handed the full-size map
    resizes it itself: the same picture."""
    torch.manual_seed(0)
    dec = Generator(spade_cfg()).decoder.eval()          # (train mode: spectral norm steps its power iteration)
    seg = one_hot_labels(torch.randint(0, dec.head.norm_0.shared[0].in_channels, (2, 16, 16)),
                         dec.head.norm_0.shared[0].in_channels)
    z = torch.randn(2, dec.fc.in_features)
    x = dec.fc(z).view(2, dec.widths[0], 4, 4)
    x = dec.head(x, seg)
    for block in dec.ups:
        x = block(torch.nn.functional.interpolate(x, scale_factor=2, mode="nearest"), seg)
    ref = torch.tanh(dec.to_img(torch.nn.functional.leaky_relu(x, 0.2)))
    torch.testing.assert_close(dec(seg, z), ref, rtol=0, atol=1e-6)


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
    G = Generator(spade_cfg(arch=arch)).eval()
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
    cfg = spade_cfg()
    outs = Discriminator(cfg)(torch.randn(2, 3, 16, 16), one_hot_labels(torch.randint(0, 3, (2, 16, 16)), 3))
    assert len(outs) == 2
    assert all(len(feats) == cfg.d_layers + 1 and feats[-1].shape[1] == 1 for feats in outs)
    assert outs[1][0].shape[-1] < outs[0][0].shape[-1]                       # second scale sees half resolution


def test_config_validation():
    with pytest.raises(ValueError, match="palette"):
        spade_cfg(palette=["#ff0000"])
    with pytest.raises(ValueError, match="arch"):
        spade_cfg(arch="unet")


def test_save_load_roundtrip_keeps_encoder_classes_and_presets(tmp_path):
    G = Generator(spade_cfg()).eval()
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


def test_a_preset_can_relabel_the_map_before_painting():
    """The landscapes' winter: grass becomes snow, and so does sand except within px (at img_size) of water."""
    cfg = spade_cfg(classes=["grass", "sand", "water", "snow"], palette=["#00ff00", "#ffff00", "#0000ff", "#ffffff"],
                    preset_names=["day", "winter"], preset_codes=[[0.0] * 8, [0.0] * 8],
                    preset_relabel={"winter": {"grass": {"to": "snow"},
                                               "sand": {"to": "snow", "except_near": "water", "px": 1}}})
    G = Generator(cfg)
    label = torch.tensor([0] * 4 + [1] * 8 + [2] * 4).repeat(16, 1)[None]                     # (1, 16, 16)
    winter = G.preset_labels("winter", label)
    assert torch.equal(G.preset_labels("day", label), label) and torch.equal(G.preset_labels(None, label), label)
    row = winter[0, 0].tolist()
    assert row == [3] * 4 + [3] * 7 + [1] + [2] * 4           # the sand pixel touching the water stays sand
    big = G.preset_labels("winter", label.repeat_interleave(4, 1).repeat_interleave(4, 2))   # 64 px: px scales to 4
    assert big[0, 0].tolist() == [3] * 44 + [1] * 4 + [2] * 16
    with pytest.raises(ValueError, match="preset_relabel"):
        spade_cfg(classes=["grass", "snow", "c"], preset_names=["day"], preset_codes=[[0.0] * 8],
                  preset_relabel={"winter": {"grass": {"to": "snow"}}})
