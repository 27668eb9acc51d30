"""Layers every family shares: seeded latent vectors, a Flatten that keeps the gradient's layout, the picture's
conv with its own input gradient, the picture's transposed conv,
the score conv, an instance norm that keeps the layout."""
from __future__ import annotations

import copy

import pytest
import torch
from torch import nn

from studio.models.layers import Flatten, ImageConv2d, InstanceNorm2d, ScoreConv2d, ToImage, maybe_sn, seeded_normal


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


@pytest.mark.parametrize("layout", [torch.contiguous_format, torch.channels_last])
@pytest.mark.parametrize("bias", [True, False])
def test_image_conv_is_conv2d(layout, bias):
    """Same values, input and weight gradients as nn.Conv2d, also through a gradient penalty (WGAN-GP's
    second derivative), for a 1-channel picture that needs its gradient (G's update) and one that does not."""
    torch.manual_seed(0)
    ours = ImageConv2d(1, 8, 4, 2, 1, bias=bias).to(memory_format=layout)
    ref = nn.Conv2d(1, 8, 4, 2, 1, bias=bias).to(memory_format=layout)
    ref.load_state_dict(ours.state_dict())
    x = torch.randn(5, 1, 16, 16).contiguous(memory_format=layout)
    for needs_grad in (True, False):
        got = []
        for m in (ours, ref):
            xi = x.clone().requires_grad_(needs_grad)
            y = m(xi)
            if needs_grad:
                (gx,) = torch.autograd.grad(y.tanh().sum(), xi, create_graph=True)
                loss = y.sum() + gx.pow(2).sum()
            else:
                gx, loss = torch.zeros(()), y.pow(2).sum()
            got.append((y, gx, torch.autograd.grad(loss, list(m.parameters()))))
        (y1, gx1, gw1), (y2, gx2, gw2) = got
        assert torch.allclose(y1, y2, atol=1e-6) and torch.allclose(gx1, gx2, atol=1e-6)
        for a, b in zip(gw1, gw2):
            assert torch.allclose(a, b, rtol=1e-5, atol=1e-5 * b.abs().max().item())


@pytest.mark.parametrize("layout", [torch.contiguous_format, torch.channels_last])
@pytest.mark.parametrize("channels", [1, 3])
def test_to_image_is_conv_transpose2d(layout, channels):
    """Same values and gradients (input, weight, bias) as nn.ConvTranspose2d with the same weights."""
    torch.manual_seed(0)
    ours = ToImage(8, channels, 4, 2, 1).to(memory_format=layout)
    ref = nn.ConvTranspose2d(8, channels, 4, 2, 1).to(memory_format=layout)
    ref.load_state_dict(ours.state_dict())
    x = torch.randn(5, 8, 6, 6).contiguous(memory_format=layout)
    got = []
    for m in (ours, ref):
        xi = x.clone().requires_grad_(True)
        y = m(xi)
        got.append((y, *torch.autograd.grad(y.tanh().pow(2).sum(), [xi, *m.parameters()])))
    assert got[0][0].shape == (5, channels, 12, 12)
    for a, b in zip(*got):
        assert torch.allclose(a, b, atol=1e-5), (a - b).abs().max()


@pytest.mark.parametrize("layout", [torch.contiguous_format, torch.channels_last])
@pytest.mark.parametrize("sn", [False, True])
def test_score_conv_is_conv2d(layout, sn):
    """A kernel as large as the input: same values and gradients as nn.Conv2d (also spectrally normalised);
    on a larger input it is an ordinary conv."""
    torch.manual_seed(0)
    ours = maybe_sn(ScoreConv2d(8, 1, 4, 1, 0), sn).to(memory_format=layout)
    ref = maybe_sn(nn.Conv2d(8, 1, 4, 1, 0), sn).to(memory_format=layout)
    ref.load_state_dict(ours.state_dict())
    for size in (4, 6):
        x = torch.randn(5, 8, size, size).contiguous(memory_format=layout)
        got = []
        for m in (ours, ref):
            xi = x.clone().requires_grad_(True)
            y = m(xi)
            got.append((y, *torch.autograd.grad(y.tanh().sum(), [xi, *m.parameters()])))
        assert got[0][0].shape == (5, 1, size - 3, size - 3)
        for a, b in zip(*got):
            assert torch.allclose(a, b, atol=1e-5), (a - b).abs().max()


@pytest.mark.parametrize("batch", [1, 8])
@pytest.mark.parametrize("affine", [False, True])
@pytest.mark.parametrize("sn", [False, True])
def test_instance_norm_is_nn_instance_norm_in_any_layout(batch, affine, sn):
    """conv -> InstanceNorm -> LeakyReLU -> conv: channels-last with layers.InstanceNorm2d gives the values and
    gradients of the fp32 default-layout nn.InstanceNorm2d (also at batch 1, where torch's instance_norm
    backward goes wrong for a channels-last gradient: training/engine.py), and the output and input
    gradient stay channels-last. Same state-dict names."""
    torch.manual_seed(0)
    net = nn.Sequential(maybe_sn(nn.Conv2d(5, 16, 3, 2, 1), sn), InstanceNorm2d(16, affine=affine), nn.LeakyReLU(0.2),
                        maybe_sn(nn.Conv2d(16, 8, 3, 1, 1), sn))
    if affine:
        with torch.no_grad():
            net[1].weight.uniform_(0.5, 1.5), net[1].bias.uniform_(-0.5, 0.5)
    ref = copy.deepcopy(net)
    ref[1] = nn.InstanceNorm2d(16, affine=affine)
    ref.load_state_dict(net.state_dict())               # strict: the same names
    x = torch.randn(batch, 5, 16, 16)
    cl = torch.channels_last
    net = copy.deepcopy(net).to(memory_format=cl)
    xs = [x.clone().requires_grad_(True), x.clone().contiguous(memory_format=cl).requires_grad_(True)]
    mid, outs = [], []
    for m, xx in zip((ref, net), xs):
        h = m[1](m[0](xx))
        mid.append(h)
        y = m[3](m[2](h))
        (y * torch.linspace(-1, 1, y.numel()).view(y.shape)).sum().backward()
        outs.append(y)
    assert mid[1].is_contiguous(memory_format=cl) and xs[1].grad.is_contiguous(memory_format=cl)
    torch.testing.assert_close(outs[1], outs[0], rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(xs[1].grad, xs[0].grad, rtol=1e-4, atol=1e-5)
    scale = max(p.grad.abs().max().item() for p in ref.parameters())
    for (name, p), p_ref in zip(net.named_parameters(), ref.parameters()):   # (the first conv's bias: a zero
        torch.testing.assert_close(p.grad, p_ref.grad, rtol=1e-4, atol=1e-6 * scale, msg=name)   # gradient + noise)
