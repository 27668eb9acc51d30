"""InfoGAN: one image from a seed, a categorical code and continuous codes; the "vary one code" grid."""
from __future__ import annotations

import torch
from PIL import Image
from torch import nn

from ..images import grid, to_pil
from ..models.layers import seeded_normal
from . import DISPLAY, check_seed, get_model, whole

INFOGAN_CODE_LIMIT = 3.0      # |c| accepted for continuous codes (training used U(-1, 1); the sliders go to 2)
INFOGAN_GRID_VALUES = 9       # columns of a continuous-code grid: evenly spaced values in [-2, 2]


def infogan_codes(model: str) -> tuple[int, int]:
    """-> (values of the categorical code, number of continuous codes) of an InfoGAN model."""
    G = get_model(model, "infogan")
    return G.n_cat, G.n_cont



def _check_category(G: nn.Module, category) -> int:
    if G.n_cat == 0:
        return 0
    c = whole(category)
    if c is None or not 0 <= c < G.n_cat:
        raise ValueError(f"category must be a whole number from 0 to {G.n_cat - 1} (this model's categorical "
                         f"code has {G.n_cat} values), got {category}")
    return c


def _check_cont(G: nn.Module, codes) -> torch.Tensor:
    """Continuous codes c1, c2, ... -> (n_cont,): missing codes are 0, codes the model lacks are ignored."""
    values = [0.0 if c is None else float(c) for c in codes][:G.n_cont]
    for i, c in enumerate(values, start=1):
        if not -INFOGAN_CODE_LIMIT <= c <= INFOGAN_CODE_LIMIT:   # also refuses nan
            raise ValueError(f"c{i} must be between -{INFOGAN_CODE_LIMIT:g} and {INFOGAN_CODE_LIMIT:g} "
                             f"(training used -1..1), got {c}")
    return torch.tensor(values + [0.0] * (G.n_cont - len(values)))


@torch.no_grad()
def infogan_image(model: str, seed: int, category: int = 0, codes: tuple[float, ...] = (),
                  display: int = DISPLAY) -> Image.Image:
    """G(z(seed), category, c1, c2, ...) as one image (`display`: as in interpolate_frame)."""
    G = get_model(model, "infogan")
    z = seeded_normal(check_seed(seed), G.z_dim)[None]
    cat = torch.tensor([_check_category(G, category)])
    return to_pil(G(z, cat if G.n_cat else None, _check_cont(G, codes)[None])[0], display)


@torch.no_grad()
def infogan_sweep(model: str, seed: int, category: int, codes: tuple[float, ...], k: int,
                  values: list[float]) -> Image.Image:
    """G with continuous code c_{k+1} set to each of `values` (everything else as given), side by side at the
    generator's own size: (len(values) * W, H). A page holding it shows any slider value at once."""
    G = get_model(model, "infogan")
    if not 0 <= k < G.n_cont:
        raise ValueError(f"this model has {G.n_cont} continuous codes; there is no c{k + 1}")
    z = seeded_normal(check_seed(seed), G.z_dim)[None].expand(len(values), -1)
    cat = torch.full((len(values),), _check_category(G, category))
    cont = _check_cont(G, codes)[None].repeat(len(values), 1)
    cont[:, k] = torch.tensor(values, dtype=torch.float32)
    if not all(-INFOGAN_CODE_LIMIT <= float(v) <= INFOGAN_CODE_LIMIT for v in values):     # also refuses nan
        raise ValueError(f"c{k + 1} values must be between -{INFOGAN_CODE_LIMIT:g} and {INFOGAN_CODE_LIMIT:g}")
    frames = G(z, cat if G.n_cat else None, cont)                                          # (n, C, H, W)
    return to_pil(torch.cat(list(frames), dim=2))


def infogan_grid_values(G: nn.Module, vary: str) -> list:
    """The column values of a "vary one code" grid: every category, or 9 values in [-2, 2]."""
    names = (["category"] if G.n_cat else []) + [f"c{i}" for i in range(1, G.n_cont + 1)]
    if vary not in names:
        raise ValueError(f"vary must be one of {', '.join(names)} for this model, got {vary!r}")
    if vary == "category":
        return list(range(G.n_cat))
    return [round(v, 3) for v in torch.linspace(-2, 2, INFOGAN_GRID_VALUES).tolist()]


@torch.no_grad()
def infogan_grid_images(model: str, vary: str = "category", seed: int = 0, rows: int = 10) -> torch.Tensor:
    """(rows * cols, C, H, W): row r uses noise seed + r, column j sets the varied code to its j-th value.
    Rows of a continuous-code grid also step through the categories (row r: category r mod n_cat);
    all codes that are not varied are 0 (category 0 in a category-free row)."""
    G = get_model(model, "infogan")
    seed, rows = check_seed(seed), whole(rows)
    if rows is None or not 1 <= rows <= 20:
        raise ValueError(f"rows must be between 1 and 20, got {rows}")
    values = infogan_grid_values(G, vary)
    cols = len(values)
    z = torch.stack([seeded_normal(seed + r, G.z_dim) for r in range(rows)]).repeat_interleave(cols, 0)
    cat = torch.arange(rows).remainder(max(G.n_cat, 1)).repeat_interleave(cols)
    cont = torch.zeros(rows * cols, G.n_cont)
    if vary == "category":
        cat = torch.tensor(values).repeat(rows)
    else:
        cont[:, int(vary[1:]) - 1] = torch.tensor(values, dtype=torch.float32).repeat(rows)
    return G(z, cat if G.n_cat else None, cont)


def infogan_grid(model: str, vary: str = "category", seed: int = 0, rows: int = 10) -> Image.Image:
    """The paper's "varying one code" figure: rows = noise seeds, columns = values of the code."""
    G = get_model(model, "infogan")
    return grid(infogan_grid_images(model, vary, seed, rows), nrow=len(infogan_grid_values(G, vary)), cell=64)
