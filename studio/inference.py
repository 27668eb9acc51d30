"""The studio's inference API: small, typed, no_grad, returning PIL images.

One function per demo. The UI tabs and scripts call these; nothing here knows about
Gradio. Models are cached by their folder and the weights' modification time, so a
model retrained under the same name is picked up, and every user shares the read-only
weights but no other state.
"""
from __future__ import annotations

import os
import tempfile
from collections import OrderedDict
from pathlib import Path
from threading import Lock

import torch
from PIL import Image
from torch import nn

from . import hub
from .images import grid, to_pil
from .latent import interpolate as interp
from .models.layers import seeded_normal

DISPLAY = 256          # min side of single images shown in the UI, in pixels
CELL = 96              # min side of each cell in strips and grids

DEFAULT_MODELS = {"dcgan": "dcgan-mnist", "infogan": "infogan-mnist", "spade": "spade-landscapes",
                  "stylegan": "stylegan-faces", "cyclegan": "cyclegan-summer2winter"}


class ModelCache:
    """At most `size` generators in memory, keyed by (folder, weights mtime)."""

    def __init__(self, size: int = 8):
        self.size, self._items, self._lock = size, OrderedDict(), Lock()

    def get(self, name: str) -> nn.Module:
        key = self._key(name)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        model = hub.load(name)
        with self._lock:
            self._items[key] = model
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return model

    @staticmethod
    def _key(name: str):
        s = str(name)
        if s.endswith((".pth", ".pt")) and Path(s).is_file():
            return (str(Path(s).resolve()), os.path.getmtime(s))
        folder = hub.resolve(s)
        w = folder / hub.WEIGHTS_NAME
        return (str(folder.resolve()), w.stat().st_mtime_ns if w.exists() else 0)


CACHE = ModelCache()


def get_model(name: str, family: str | None = None) -> nn.Module:
    model = CACHE.get(name or DEFAULT_MODELS.get(family or "", ""))
    if family and getattr(model, "family", None) != family:
        raise hub.ModelLoadError(f"{name!r} is a {getattr(model, 'family', '?')} model, this demo needs a {family} model")
    return model


def models_for(family: str) -> list[str]:
    return hub.list_models().get(family, [])


def latent_models() -> list[str]:
    """Models that map a z vector to an image (what the interpolation demo can walk through)."""
    return [n for fam in ("dcgan", "stylegan") for n in models_for(fam)]


# ----------------------------------------------------------------------------- interpolation

def _latents(G: nn.Module, seed_a: int, seed_b: int, t, method: str) -> torch.Tensor:
    a, b = seeded_normal(seed_a, G.z_dim), seeded_normal(seed_b, G.z_dim)
    z = interp(a, b, t, method)
    return z if z.dim() == 2 else z[None]


def _check(steps: int | None = None, t: float | None = None, truncation: float = 1.0) -> None:
    if steps is not None and not 2 <= int(steps) <= 64:
        raise ValueError(f"steps must be between 2 and 64, got {steps}")
    if t is not None and not 0.0 <= float(t) <= 1.0:
        raise ValueError(f"t must be between 0 and 1, got {t}")
    if not 0.0 <= float(truncation) <= 2.0:
        raise ValueError(f"truncation must be between 0 and 2, got {truncation}")


@torch.no_grad()
def interpolation_frames(model: str, seed_a: int, seed_b: int, steps: int = 8, method: str = "slerp",
                         truncation: float = 1.0) -> torch.Tensor:
    """(steps, C, H, W) in [-1, 1]: frame k is G(path(k / (steps - 1)))."""
    _check(steps=steps, truncation=truncation)
    G = get_model(model)
    t = torch.linspace(0, 1, int(steps))
    return G(_latents(G, int(seed_a), int(seed_b), t, method), truncation=float(truncation))


def interpolate(model: str, seed_a: int, seed_b: int, steps: int = 8, method: str = "slerp",
                truncation: float = 1.0, gif_dir: str | None = None) -> tuple[Image.Image, str]:
    """-> (frame strip, path of an animated GIF that walks A -> B -> A)."""
    frames = interpolation_frames(model, seed_a, seed_b, steps, method, truncation)
    strip = grid(frames, nrow=len(frames), cell=CELL)
    pics = [to_pil(f, DISPLAY) for f in frames]
    loop = pics + pics[-2:0:-1]          # there and back, so the GIF loops smoothly
    fd, path = tempfile.mkstemp(suffix=".gif", prefix=f"interp_{seed_a}_{seed_b}_", dir=gif_dir)
    os.close(fd)
    loop[0].save(path, save_all=True, append_images=loop[1:], duration=90, loop=0)
    return strip, path


@torch.no_grad()
def interpolate_frame(model: str, seed_a: int, seed_b: int, t: float = 0.5, method: str = "slerp",
                      truncation: float = 1.0) -> Image.Image:
    _check(t=t, truncation=truncation)
    G = get_model(model)
    return to_pil(G(_latents(G, int(seed_a), int(seed_b), float(t), method), truncation=float(truncation))[0],
                  DISPLAY)
