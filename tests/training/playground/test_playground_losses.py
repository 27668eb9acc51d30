"""The losses the playground adds to training/losses.py: minimax (saturating) and WGAN with clipping."""
from __future__ import annotations

import pytest
import torch
from torch import nn

from training import losses as L


def test_minimax_generator_loss_is_log_one_minus_d_and_saturates_where_d_rejects():
    logits = torch.tensor([-12.0, -3.0, 0.0, 3.0], requires_grad=True)
    loss = L.g_loss("minimax", logits)
    assert loss.item() == pytest.approx(torch.log(1 - torch.sigmoid(logits)).mean().item(), rel=1e-5)
    (g_mm,) = torch.autograd.grad(loss, logits)
    (g_ns,) = torch.autograd.grad(L.g_loss("nonsaturating", logits), logits)
    assert abs(g_mm[0]) < 1e-5 and abs(g_ns[0]) > 0.2       # rejected fakes: no gradient vs. a steep one
    assert abs(g_mm[3]) > abs(g_ns[3])                      # accepted fakes: the other way round


def test_minimax_and_wgan_discriminators_share_their_papers_objectives():
    real, fake = torch.randn(16), torch.randn(16)
    assert torch.equal(L.d_loss("minimax", real, fake), L.d_loss("nonsaturating", real, fake))
    assert torch.equal(L.d_loss("wgan", real, fake), fake.mean() - real.mean())
    assert torch.equal(L.g_loss("wgan", fake), -fake.mean())
    assert set(L.LOSSES) < set(L.ALL_LOSSES)                  # the trainer's list is unchanged
    with pytest.raises(ValueError):
        L.check_loss("minimax")


def test_clip_weights_clamps_every_parameter():
    net = nn.Linear(4, 3)
    with torch.no_grad():
        net.weight.mul_(100)
    L.clip_weights(net, 0.01)
    assert all(p.abs().max() <= 0.01 for p in net.parameters())


def test_gradient_penalty_draws_from_the_generator_given():
    D = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
    real, fake = torch.randn(32, 2), torch.randn(32, 2)
    a = L.gradient_penalty(D, real, fake, torch.Generator().manual_seed(3))
    b = L.gradient_penalty(D, real, fake, torch.Generator().manual_seed(3))
    assert torch.equal(a, b) and a.item() > 0
