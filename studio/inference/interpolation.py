"""Latent interpolation: the generator's images along a lerp / slerp path between two seeds' codes."""
from __future__ import annotations

import os
import tempfile

import torch
from PIL import Image
from torch import nn

from ..images import grid, to_pil
from ..latent import METHODS
from . import CELL, DISPLAY, check_seed, get_model
from . import codes as C


def _codes(G: nn.Module, seed_a, seed_b, t, method: str, truncation: float, code_a=None, code_b=None) -> dict:
    """The batch of codes along the path (codes.py): each end is a seed's code or a given one (a projection's)."""
    a = code_a if code_a is not None else C.seed_code(G, check_seed(seed_a, "seed A"), truncation)
    b = code_b if code_b is not None else C.seed_code(G, check_seed(seed_b, "seed B"), truncation)
    a, b = C.common_form(G, a, b, truncation)
    return C.walk(a, b, torch.as_tensor(t, dtype=torch.float32).reshape(-1), method)


def _check(steps: int | None = None, t: float | None = None, truncation: float = 1.0, method: str = "slerp") -> None:
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if steps is not None and not 2 <= int(steps) <= 64:
        raise ValueError(f"steps must be between 2 and 64, got {steps}")
    if t is not None and not 0.0 <= float(t) <= 1.0:
        raise ValueError(f"t must be between 0 and 1, got {t}")
    if not 0.0 <= float(truncation) <= 2.0:
        raise ValueError(f"truncation must be between 0 and 2, got {truncation}")


STRIP_MAX_COLUMNS = 10   # longer walks wrap onto more rows, so frames stay large on a projector


def strip_columns(n: int) -> int:
    """Frames per row of the strip: one row up to 10 frames, then evenly filled rows (32 -> 4 rows of 8)."""
    rows = -(-n // STRIP_MAX_COLUMNS)
    return -(-n // rows)


@torch.no_grad()
def interpolation_frames(model: str, seed_a: int, seed_b: int, steps: int = 8, method: str = "slerp",
                         truncation: float = 1.0, code_a: dict | None = None,
                         code_b: dict | None = None) -> torch.Tensor:
    """(steps, C, H, W) in [-1, 1]: frame k is G(path(k / (steps - 1))). code_a / code_b (codes.py, e.g. a
    projection's) replace the seeds' codes; truncation applies to seeds only."""
    _check(steps=steps, truncation=truncation, method=method)
    G = get_model(model)
    t = torch.linspace(0, 1, int(steps))
    return C.render(G, _codes(G, seed_a, seed_b, t, method, float(truncation), code_a, code_b), float(truncation))


@torch.no_grad()
def frame_sprite(model: str, seed_a: int, seed_b: int, n: int = 101, method: str = "slerp",
                 truncation: float = 1.0, code_a: dict | None = None, code_b: dict | None = None) -> Image.Image:
    """The frames at t = 0, 1/(n-1), ..., 1 side by side at the generator's own size: (n * W, H).

    A page that holds them shows the frame of any slider position at once (101 positions for a
    slider of step 0.01), with no request per position while t is dragged."""
    _check(truncation=truncation, method=method)
    if not 2 <= int(n) <= 256:
        raise ValueError(f"n must be between 2 and 256, got {n}")
    G = get_model(model)
    t = torch.linspace(0, 1, int(n))
    frames = torch.cat([C.render(G, _codes(G, seed_a, seed_b, part, method, float(truncation), code_a, code_b),
                                 float(truncation)) for part in t.split(64)])            # (n, C, H, W)
    return to_pil(torch.cat(list(frames), dim=2))                                        # (C, H, n * W)


def interpolate(model: str, seed_a: int, seed_b: int, steps: int = 8, method: str = "slerp",
                truncation: float = 1.0, gif_dir: str | None = None, code_a: dict | None = None,
                code_b: dict | None = None) -> tuple[Image.Image, str]:
    """-> (frame strip, path of an animated GIF that walks A -> B -> A)."""
    frames = interpolation_frames(model, seed_a, seed_b, steps, method, truncation, code_a, code_b)
    strip = grid(frames, nrow=strip_columns(len(frames)), cell=CELL)
    pics = [to_pil(f, DISPLAY) for f in frames]
    loop = pics + pics[-2:0:-1]          # there and back, so the GIF loops smoothly
    fd, path = tempfile.mkstemp(suffix=".gif", prefix=f"interp_{seed_a}_{seed_b}_", dir=gif_dir)
    os.close(fd)
    loop[0].save(path, save_all=True, append_images=loop[1:], duration=90, loop=0)
    return strip, path


@torch.no_grad()
def interpolate_frame(model: str, seed_a: int, seed_b: int, t: float = 0.5, method: str = "slerp",
                      truncation: float = 1.0, display: int = DISPLAY, code_a: dict | None = None,
                      code_b: dict | None = None) -> Image.Image:
    """One frame; `display` is its smallest side after nearest upscaling (0: the generator's own size, which a
    page enlarges itself: a 32-px PNG travels far faster than a 256-px one while a slider is dragged)."""
    _check(t=t, truncation=truncation, method=method)
    G = get_model(model)
    codes = _codes(G, seed_a, seed_b, float(t), method, float(truncation), code_a, code_b)
    return to_pil(C.render(G, codes, float(truncation))[0], display)
