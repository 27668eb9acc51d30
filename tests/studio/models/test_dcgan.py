import pytest
import torch

from studio.models.dcgan import DCGANConfig, Discriminator, Generator


@pytest.mark.parametrize("size,channels", [(32, 1), (64, 3), (16, 3)])
def test_shapes(size, channels):
    cfg = DCGANConfig(z_dim=8, img_size=size, channels=channels, g_width=4, d_width=4)
    G, D = Generator(cfg), Discriminator(cfg)
    x = G(torch.randn(5, 8))
    assert x.shape == (5, channels, size, size)
    assert x.min() >= -1 and x.max() <= 1
    assert D(x).shape == (5,)


def test_truncation_zero_gives_one_image():
    G = Generator(DCGANConfig(z_dim=8, g_width=4)).eval()
    with torch.no_grad():
        x = G(torch.randn(3, 8), truncation=0.0)
    assert torch.allclose(x[0], x[1]) and torch.allclose(x[1], x[2])


def test_spectral_norm_discriminator():
    D = Discriminator(DCGANConfig(g_width=4, d_width=4, spectral_norm=True))
    assert any("parametrizations" in k for k in D.state_dict())
    assert D(torch.randn(2, 1, 32, 32)).shape == (2,)


def test_bad_size():
    with pytest.raises(ValueError, match="power of two"):
        DCGANConfig(img_size=30)
