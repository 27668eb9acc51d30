"""What loading a model can find wrong. Below both hub.py and the model families' importers,
so neither has to import the other."""
from __future__ import annotations

import re
from typing import Callable

import torch
from torch import nn

MAX_PARAMETERS = 50_000_000      # weights and buffers of one generator (200 MB as float32; the official CycleGAN: 11 M)


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


def check_before_building(make: Callable[[], nn.Module], shapes: dict[str, tuple[int, ...]], source: str) -> None:
    """Build the network on the meta device (no memory), then refuse it if it is too large or if the file's
    tensor shapes (read from its header) do not fit it. Only then is it worth building for real: a small
    file that declares a huge network costs nothing."""
    try:
        with torch.device("meta"):
            model = make()
    except ModelLoadError:
        raise
    except Exception as e:  # a config that describes no network (sizes of 0, odd combinations) ends here
        raise ModelLoadError(f"{source}: its config does not describe a network that can be built "
                             f"({type(e).__name__}: {plain(e)})") from None
    expected = model.state_dict()
    n = sum(t.numel() for t in expected.values())
    if n > MAX_PARAMETERS:
        raise ModelLoadError(f"{source} describes a generator of {n / 1e6:.0f} million weights; "
                             f"the studio loads at most {MAX_PARAMETERS / 1e6:.0f} million")
    check_state_dict(model, {k: torch.empty(s, device="meta") for k, s in shapes.items()}, source)


ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def plain(e: BaseException, limit: int = 200) -> str:
    """An exception's first line without terminal colour codes, shortened."""
    text = ANSI.sub("", str(e)).strip().splitlines()
    return (text[0] if text else type(e).__name__)[:limit]
