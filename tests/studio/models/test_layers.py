"""Layers every family shares: seeded latent vectors, a Flatten that keeps the gradient's layout."""
from __future__ import annotations

import pytest
import torch
from torch import nn

from studio.models.layers import Flatten, seeded_normal


def test_seeded_normal_is_deterministic():
    assert torch.equal(seeded_normal(7, 64), seeded_normal(7, 64))
    assert not torch.equal(seeded_normal(7, 64), seeded_normal(8, 64))


@pytest.mark.parametrize("layout", [torch.contiguous_format, torch.channels_last])
def test_flatten_is_nn_flatten_with_the_gradient_in_the_input_layout(layout):
    """Same values and gradients as nn.Flatten (also the second derivative WGAN-GP needs), in (C, H, W)
    order; the gradient comes back in the input's layout (channels-last stays channels-last)."""
    torch.manual_seed(0)
    x = torch.randn(3, 4, 2, 2).contiguous(memory_format=layout).requires_grad_(True)
    w = torch.randn(16, 1)
    out, ref = Flatten()(x), nn.Flatten()(x)
    assert torch.equal(out, ref)
    (g,) = torch.autograd.grad((out @ w).tanh().sum(), x, create_graph=True)
    (g_ref,) = torch.autograd.grad((ref @ w).tanh().sum(), x, create_graph=True)
    assert torch.allclose(g, g_ref)
    assert g.is_contiguous(memory_format=layout)
    (gg,) = torch.autograd.grad(g.pow(2).sum(), x)
    (gg_ref,) = torch.autograd.grad(g_ref.pow(2).sum(), x)
    assert torch.allclose(gg, gg_ref)
