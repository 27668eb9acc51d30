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
