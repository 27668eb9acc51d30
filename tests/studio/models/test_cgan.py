"""Conditional GAN model: shapes, the label is used, the projection discriminator's form, ACGAN's heads."""
from __future__ import annotations

import pytest
import torch

from studio import hub
from studio.models.cgan import CGANConfig, Discriminator, Generator

from tests.helpers import CGAN_TINY as TINY


@pytest.mark.parametrize("conditioning", ["cgan", "acgan"])
def test_shapes_and_the_label_is_used(conditioning):
    cfg = CGANConfig(conditioning=conditioning)                      # the MNIST size: 32x32, 10 classes
    G, D = Generator(cfg).eval(), Discriminator(cfg)
    z, y = torch.randn(5, 64), torch.tensor([0, 3, 9, 1, 2])
    x = G(z, y)
    assert x.shape == (5, 1, 32, 32) and x.min() >= -1 and x.max() <= 1
    assert not torch.allclose(G(z, y.flip(0)), x)                    # another label, another picture
    torch.testing.assert_close(G.synthesize(z, G.embedding(y)), x)    # forward = synthesize(z, e_y)
    logits, classes = D(x, y)
    assert logits.shape == (5,)
    assert (classes is None) == (conditioning == "cgan")
    if conditioning == "acgan":
        assert classes.shape == (5, 10)


def test_projection_discriminator_adds_the_class_projection():
    """D(x, y) - D(x, y') = <V e_y - V e_y', phi(x)>: the label enters only through the inner product."""
    D = Discriminator(CGANConfig(**TINY, spectral_norm=False)).eval()
    x = torch.randn(4, 1, 16, 16)
    y, y2 = torch.tensor([0, 1, 2, 0]), torch.tensor([1, 2, 0, 2])
    h = D.trunk(x)
    expected = ((D.project(y) - D.project(y2)) * h).sum(1)
    torch.testing.assert_close(D(x, y)[0] - D(x, y2)[0], expected)
    assert expected.abs().min() > 0                                  # and it does change the score


def test_refusals():
    G = Generator(CGANConfig(**TINY)).eval()
    with pytest.raises(ValueError, match="class must be between 0 and 2"):
        G(torch.randn(2, 8), torch.tensor([1, 3]))
    with pytest.raises(ValueError, match="needs the labels"):
        Discriminator(CGANConfig(**TINY))(torch.randn(2, 1, 16, 16))
    with pytest.raises(ValueError, match="conditioning must be one of cgan, acgan"):
        CGANConfig(conditioning="infogan")
    with pytest.raises(ValueError, match="at least 2 classes"):
        CGANConfig(n_classes=1)


@pytest.mark.parametrize("conditioning", ["cgan", "acgan"])
def test_save_load_roundtrip(tmp_path, conditioning):
    G = Generator(CGANConfig(**TINY, conditioning=conditioning)).eval()
    folder = hub.save(G, tmp_path / "m")
    loaded = hub.load(folder)
    assert loaded.family == "cgan" and loaded.config.conditioning == conditioning
    z, y = torch.randn(3, 8), torch.tensor([0, 1, 2])
    torch.testing.assert_close(loaded(z, y), G(z, y))
