"""The studio's inference API: small, typed, no_grad, returning PIL images.

One module per demo, mirroring studio/ui/ (interpolation, infogan, gaugan, stylemix, cyclegan, conditional),
one for the pictures users hand in (pictures), and here the model cache they share. The UI
tabs and scripts call these; nothing here knows about Gradio. Models are cached by their folder
and the weights' modification time, so a model retrained under the same name is picked up, and
every user shares the read-only weights but no other state.
"""
from __future__ import annotations

import os
import re
from collections import OrderedDict
from pathlib import Path
from threading import Lock

from torch import nn

from .. import hub
from ..registry import FAMILIES

DISPLAY = 256          # min side of single images shown in the UI, in pixels
CELL = 96              # min side of each cell in strips and grids

DEFAULT_MODELS = {name: fam.default_model for name, fam in FAMILIES.items() if fam.default_model}


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
        raise hub.ModelLoadError(f"{name!r} is a model of the {getattr(model, 'family', '?')} family; this demo needs one of the {family} family")
    return model


HUB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}/[A-Za-z0-9][A-Za-z0-9_.-]{0,95}$")


def page_model(name) -> str:
    """A model name as a page (or an API client) sends it -> the name get_model loads.

    Accepted: the model pickers' names (bundled models and those trained here) and Hugging Face repo
    ids "user/name", which come back as "hf://user/name" so that they are fetched from the Hub and
    never read as a path on the server. Anything else is refused with the same words whether or not
    such a path exists; folders and .pth files on the server stay a Python-API and CLI feature.
    An empty name passes (get_model then takes the demo's bundled model)."""
    s = "" if name is None else str(name).strip()
    if not s or any(s in names for names in hub.list_models().values()):
        return s
    repo = s[len(hub.HUB_PREFIX):] if s.startswith(hub.HUB_PREFIX) else s
    if HUB_ID.match(repo) and ".." not in repo:
        return hub.HUB_PREFIX + repo
    raise hub.ModelLoadError(
        f"no model called {s[:80]!r} that this page can load: pick one from the list (the bundled models and "
        "those trained here) or type a Hugging Face repo id such as user/model. Folders and .pth files on the "
        "server load with the Python API or the CLI, not from the page.")


def models_for(family: str) -> list[str]:
    return hub.list_models().get(family, [])


def latent_models() -> list[str]:
    """Models that map a z vector to an image (what the interpolation demo can walk through)."""
    return [n for fam, f in FAMILIES.items() if f.latent for n in models_for(fam)]


def whole(x) -> int | None:
    """x as an int if it is a whole number (3, 3.0, "3"), else None. Ints stay exact (2**63 - 1 is not a float)."""
    if isinstance(x, bool):
        return None
    if isinstance(x, int):
        return x
    if isinstance(x, str) and re.fullmatch(r"\s*[+-]?[0-9]+\s*", x):
        return int(x)
    try:
        f = float(x)
        return int(f) if f == int(f) else None
    except (TypeError, ValueError, OverflowError):
        return None


MAX_SEED = 2 ** 63 - 1


def check_seed(seed, what: str = "seed") -> int:
    """One seed range for every input: whole numbers 0 .. 2**63 - 1 (what torch's generators take)."""
    if seed is None or (isinstance(seed, str) and not seed.strip()):
        raise ValueError(f"{what} is empty: type a whole number (0 or more)")
    s = whole(seed)
    if s is None or not 0 <= s <= MAX_SEED:
        raise ValueError(f"{what} must be a whole number >= 0 and at most {MAX_SEED}, got {seed}")
    return s


# The demos' functions, importable from here as before (studio.inference.paint, ...).
from .conditional import (class_walk, class_walk_sprite, class_walk_strip, conditional_grid,  # noqa: E402
                          conditional_images, conditional_models, every_class)
from .cyclegan import (CYCLEGAN_WORK_SCALE, NoCycleNote, cyclegan_domains, cyclegan_models,  # noqa: E402
                       translate, translate_views)
from .gaugan import (PAINT_DISPLAY, label_preset, labels_to_image, paint, paint_labels, palette,  # noqa: E402
                     spade_models, style_code)
from .gaugan import _downsample_labels  # noqa: E402,F401  (tests check the majority vote)
from .infogan import (INFOGAN_CODE_LIMIT, INFOGAN_GRID_VALUES, infogan_codes, infogan_grid, infogan_sweep,  # noqa: E402
                      infogan_grid_images, infogan_grid_values, infogan_image)
from .interpolation import frame_sprite, interpolate, interpolate_frame, interpolation_frames  # noqa: E402
from .pictures import (MAX_SIDE, MAX_UPLOAD_PIXELS, MIN_UPLOAD_SIDE, SNAP_FAR, LabelMap, load_picture,  # noqa: E402
                       parse_label_map)
from . import projection  # noqa: E402
from .projection import project, project_progress  # noqa: E402
from .stylemix import (MAX_MIX_SEEDS, grid_cell_at, parse_seeds, parse_styles, seed_ws, style_mix,  # noqa: E402
                       style_mix_cell, style_mix_images, style_presets)
