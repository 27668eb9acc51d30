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
