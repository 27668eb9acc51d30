"""InfoGAN model: shapes, code formats (indices or one-hot), Q's outputs, refused codes."""
from __future__ import annotations

import pytest
import torch

from studio.models.infogan import Discriminator, Generator, InfoGANConfig

from tests.helpers import INFOGAN_TINY as TINY


def test_shapes_and_code_formats():
    cfg = InfoGANConfig(n_cont=3)                      # more continuous codes than MNIST's two
    G, D = Generator(cfg).eval(), Discriminator(cfg)
    z, cat, cont = torch.randn(5, 62), torch.tensor([0, 3, 9, 1, 2]), torch.rand(5, 3) * 2 - 1
    x = G(z, cat, cont)
    assert x.shape == (5, 1, 32, 32) and x.min() >= -1 and x.max() <= 1
    assert torch.allclose(G(z, torch.nn.functional.one_hot(cat, 10), cont), x)   # one-hot == indices
    assert not torch.allclose(G(z, cat.flip(0), cont), x)                          # the code is used
    logits, cat_logits, mean, log_std = D(x, q=True)
    assert logits.shape == (5,) and cat_logits.shape == (5, 10) and mean.shape == log_std.shape == (5, 3)
    assert D(x).shape == (5,)


def test_generator_refuses_bad_codes():
    G = Generator(InfoGANConfig(**TINY)).eval()
    with pytest.raises(ValueError, match="category must be between 0 and 9"):
        G(torch.randn(2, 8), torch.tensor([1, 10]), torch.zeros(2, 2))
    with pytest.raises(ValueError, match="c_cont must have shape"):
        G(torch.randn(2, 8), torch.tensor([1, 2]), torch.zeros(2, 3))
    with pytest.raises(ValueError):
        InfoGANConfig(n_cat=0, n_cont=0)
