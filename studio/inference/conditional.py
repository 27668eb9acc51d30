"""Class-conditional generation (cgan family): ask for digits, keep the style while the class changes,
and walk between two classes' embeddings with the noise held fixed."""
from __future__ import annotations

import torch
from PIL import Image
from torch import nn

from ..images import grid, to_pil
from ..models.layers import seeded_normal
from . import CELL, check_seed, get_model, models_for, whole
from .stylemix import parse_seeds

MAX_SEEDS = 16           # rows of a digit x seed grid


def conditional_models() -> list[str]:
    return models_for("cgan")


def class_names(model: str) -> list[str]:
    """The model's classes as the tab shows them (digits for MNIST models)."""
    return [str(i) for i in range(get_model(model, "cgan").n_classes)]


def parse_classes(text, n_classes: int, what: str = "digits") -> list[int]:
    """"0-9", "3,5,8" or a mix -> class indices, each below n_classes."""
    classes = parse_seeds(text, what, max_n=64, noun="digit")
    bad = [c for c in classes if c >= n_classes]
    if bad:
        raise ValueError(f"{what}: this model draws classes 0 to {n_classes - 1}, not {', '.join(map(str, bad))}")
    return classes


def _check_class(G: nn.Module, c, what: str) -> int:
    k = whole(c)
    if k is None or not 0 <= k < G.n_classes:
        raise ValueError(f"{what} must be a whole number from 0 to {G.n_classes - 1}, got {c}")
    return k


def _check_truncation(truncation) -> float:
    if not 0.0 <= float(truncation) <= 2.0:      # also refuses nan
        raise ValueError(f"truncation must be between 0 and 2, got {truncation}")
    return float(truncation)


@torch.no_grad()
def conditional_images(model: str, digits="0-9", seeds="1-8", truncation: float = 1.0) -> torch.Tensor:
    """(len(seeds) * len(digits), C, H, W): row r = seed r's noise z, column j = digit j."""
    G = get_model(model, "cgan")
    classes = parse_classes(digits, G.n_classes)
    rows = parse_seeds(seeds, "seeds", max_n=MAX_SEEDS)
    z = torch.stack([seeded_normal(s, G.z_dim) for s in rows]).repeat_interleave(len(classes), 0)  # (R*K, z)
    y = torch.tensor(classes).repeat(len(rows))                                                    # (R*K,)
    return G(z, y, truncation=_check_truncation(truncation))


def conditional_grid(model: str, digits="0-9", seeds="1-8", truncation: float = 1.0) -> Image.Image:
    """The /conditional picture: rows = seeds, columns = digits; each row keeps one z (one handwriting)."""
    G = get_model(model, "cgan")
    n_cols = len(parse_classes(digits, G.n_classes))
    return grid(conditional_images(model, digits, seeds, truncation), nrow=n_cols, cell=CELL)


def every_class(model: str, seed: int = 0, truncation: float = 1.0) -> Image.Image:
    """One z, every class: what stays (slant, width, stroke) is the noise's, what changes is the label's."""
    G = get_model(model, "cgan")
    return conditional_grid(model, f"0-{G.n_classes - 1}", str(check_seed(seed)), truncation)


@torch.no_grad()
def class_walk(model: str, seed: int, a: int, b: int, n: int = 101, truncation: float = 1.0) -> torch.Tensor:
    """(n, C, H, W): G(z, e_t) with e_t = (1 - t) e_a + t e_b for t = 0, 1/(n-1), ..., 1 and one z."""
    G = get_model(model, "cgan")
    if not 2 <= int(n) <= 256:
        raise ValueError(f"n must be between 2 and 256, got {n}")
    a, b = _check_class(G, a, "class A"), _check_class(G, b, "class B")
    e = G.embedding(torch.tensor([a, b]))                                  # (2, embed_dim)
    t = torch.linspace(0, 1, int(n))[:, None]
    e_t = (1 - t) * e[0] + t * e[1]                                         # (n, embed_dim)
    z = seeded_normal(check_seed(seed), G.z_dim)[None].expand(int(n), -1)
    return G.synthesize(z, e_t, truncation=_check_truncation(truncation))


def class_walk_sprite(model: str, seed: int, a: int, b: int, n: int = 101, truncation: float = 1.0) -> Image.Image:
    """The walk's frames side by side at the generator's size, (n * W, H), for a page to hold (see sprite_div)."""
    return to_pil(torch.cat(list(class_walk(model, seed, a, b, n, truncation)), dim=2))


def class_walk_strip(model: str, seeds="1-4", a: int = 3, b: int = 8, steps: int = 9) -> Image.Image:
    """A figure: one row per seed, columns from class a to class b in `steps` embedding steps."""
    rows = parse_seeds(seeds, "seeds", max_n=MAX_SEEDS)
    frames = torch.cat([class_walk(model, s, a, b, steps) for s in rows])
    return grid(frames, nrow=int(steps), cell=CELL)
