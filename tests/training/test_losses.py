"""The GAN losses: each one rewards a discriminator that separates and a generator that fools."""
from __future__ import annotations

import pytest
import torch

from training import losses as L


def test_losses_have_the_right_sign():
    hi, lo = torch.full((4,), 5.0), torch.full((4,), -5.0)
    for name in L.LOSSES:   # a D that separates well has a lower loss than one that is fooled
        assert L.d_loss(name, hi, lo) < L.d_loss(name, lo, hi), name
        assert L.g_loss(name, hi) < L.g_loss(name, lo), name
    with pytest.raises(ValueError):
        L.check_loss("nope")


def test_class_and_mode_seeking_losses():
    logits, labels = torch.tensor([[4.0, 0.0], [0.0, 4.0]]), torch.tensor([0, 1])
    assert L.class_loss(logits, labels) < L.class_loss(logits, labels.flip(0))     # naming the class is rewarded
    z1, z2 = torch.zeros(2, 4), torch.ones(2, 4)
    same, apart = torch.zeros(2, 1, 4, 4), torch.ones(2, 1, 4, 4)
    assert L.mode_seeking_loss(same, apart, z1, z2) < L.mode_seeking_loss(same, same + 0.1, z1, z2)
    assert L.mode_seeking_loss(same, same, z1, z2) > 1e4                          # two z's, one picture: penalised


def test_feature_matching_is_l1_and_keeps_the_gradient_layout():
    torch.manual_seed(0)
    cl = torch.channels_last
    fake = [torch.randn(2, 8, 5, 5).contiguous(memory_format=cl) for _ in range(2)]
    real = [torch.randn(2, 8, 5, 5).contiguous(memory_format=cl) for _ in range(2)]
    feats = [f.clone().requires_grad_() for f in fake]
    leaky = [torch.nn.functional.leaky_relu(f, 0.2) for f in feats]     # a non-leaf, as D's features are
    grads = []
    for y in leaky:
        y.register_hook(grads.append)
    loss = L.feature_matching_loss(leaky, real)
    ref_feats = [f.clone().requires_grad_() for f in fake]
    ref = sum(torch.nn.functional.l1_loss(torch.nn.functional.leaky_relu(f, 0.2), r)
              for f, r in zip(ref_feats, real)) / 2
    ref.backward()
    loss.backward()
    torch.testing.assert_close(loss, ref)
    for f, r in zip(feats, ref_feats):
        torch.testing.assert_close(f.grad, r.grad)
    assert all(g.is_contiguous(memory_format=cl) and not g.is_contiguous() for g in grads)


def test_l1_is_f_l1_loss_with_the_gradient_in_the_input_layout():
    torch.manual_seed(0)
    cl = torch.channels_last
    a = torch.randn(2, 3, 6, 6).contiguous(memory_format=cl).requires_grad_()
    b = torch.randn(2, 3, 6, 6).contiguous(memory_format=cl)
    a_ref = a.detach().clone().requires_grad_()
    y, y_ref = torch.tanh(a), torch.tanh(a_ref)           # non-leaves, as G's output is
    grads = []
    y.register_hook(grads.append)
    loss, ref = L.l1(y, b), torch.nn.functional.l1_loss(y_ref, b)
    torch.testing.assert_close(loss, ref)
    (g,) = torch.autograd.grad(loss, a)
    torch.testing.assert_close(g, torch.autograd.grad(ref, a_ref)[0])
    assert grads[0].is_contiguous(memory_format=cl) and not grads[0].is_contiguous()
