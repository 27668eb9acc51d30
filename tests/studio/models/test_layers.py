"""Layers every family shares: seeded latent vectors."""
from __future__ import annotations

import torch

from studio.models.layers import seeded_normal


def test_seeded_normal_is_deterministic():
    assert torch.equal(seeded_normal(7, 64), seeded_normal(7, 64))
    assert not torch.equal(seeded_normal(7, 64), seeded_normal(8, 64))
