"""Training's family table: each family of the studio's registry has its trainer."""
from __future__ import annotations

from studio.models.infogan import Generator
from studio.registry import FAMILIES
from training.families import TRAINERS
from training.steps.infogan import InfoGANTrainer


def test_registered():
    assert FAMILIES["infogan"].generator is Generator and TRAINERS["infogan"] is InfoGANTrainer
