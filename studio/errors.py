"""What loading a model can find wrong. Below both hub.py and the model families' importers,
so neither has to import the other."""
from __future__ import annotations

import torch
from torch import nn


class ModelLoadError(RuntimeError):
    """A model could not be loaded; the message says why in words a user can act on."""


def check_state_dict(model: nn.Module, state: dict[str, torch.Tensor], source: str) -> None:
    """Strict loading with a message that names what differs."""
    expected = model.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    mismatched = [
        f"{k}: file {tuple(state[k].shape)} vs model {tuple(expected[k].shape)}"
        for k in expected
        if k in state and state[k].shape != expected[k].shape
    ]
    problems = []
    if missing:
        problems.append(f"missing {len(missing)} tensors (e.g. {missing[:3]})")
    if unexpected:
        problems.append(f"{len(unexpected)} unexpected tensors (e.g. {unexpected[:3]})")
    if mismatched:
        problems.append(f"{len(mismatched)} shape mismatches (e.g. {mismatched[:3]})")
    if problems:
        raise ModelLoadError(f"weights in {source} do not fit its config: " + "; ".join(problems))
