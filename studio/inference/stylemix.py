"""StyleGAN style mixing: rows x columns of seeds, chosen layers' styles taken from the column seed."""
from __future__ import annotations

import torch
from PIL import Image
from torch import nn

from ..images import grid, to_pil
from ..models.layers import seeded_normal
from ..models.stylegan import NOISE_MODES, style_groups
from . import CELL, DISPLAY, check_seed, get_model, whole

MAX_MIX_SEEDS = 8      # seeds per side of the mixing grid


def parse_seeds(text, what: str = "seeds", max_n: int = MAX_MIX_SEEDS, noun: str = "seed") -> list[int]:
    """"1,2,3", "1-3" or a mix ("1-3, 7") -> [1, 2, 3, 7]; at most max_n seeds (or other numbered things:
    `noun`), each >= 0."""
    items = [p.strip() for p in str(text if text is not None else "").split(",") if p.strip()]
    if not items:
        raise ValueError(f"{what}: give at least one {noun}, e.g. 1,2,3 or 1-3")
    seeds: list[int] = []
    for item in items:
        lo, sep, hi = item.partition("-")
        a, b = whole(lo.strip()), whole(hi.strip()) if sep else whole(lo.strip())
        if a is None or b is None or a < 0 or b < 0:
            raise ValueError(f"{what}: {item!r} is not a {noun} or a range of {noun}s (whole numbers >= 0, like 5 or 1-3)")
        if noun == "seed":
            check_seed(a, what), check_seed(b, what)              # the studio's one seed range
        if b < a:
            raise ValueError(f"{what}: the range {item!r} goes down; write it as {b}-{a}")
        if b - a >= max_n or len(seeds) + b - a + 1 > max_n:
            raise ValueError(f"{what}: at most {max_n} {noun}s, got more from {text!r}")
        seeds += list(range(a, b + 1))
    return seeds


def style_presets(model: str) -> tuple[int, dict[str, list[int]]]:
    """-> (number of style inputs ws, {"coarse"|"middle"|"fine"|"all": ws indices}) of a StyleGAN model."""
    G = get_model(model, "stylegan")
    return G.num_ws, style_groups(G.config)


def parse_styles(styles, num_ws: int, presets: dict[str, list[int]]) -> list[int]:
    """A preset name, a layer range "a-b" (inclusive), one layer "a", or "" / "none" (no layers)."""
    s = str(styles if styles is not None else "").strip().lower()
    if s in presets:
        return presets[s]
    if s in ("", "none"):
        return []
    lo, sep, hi = s.partition("-")
    a, b = whole(lo.strip()), whole(hi.strip()) if sep else whole(lo.strip())
    if a is None or b is None:
        raise ValueError(f"styles must be {', '.join(presets)} or a layer range like 0-3, got {styles!r}")
    if not 0 <= a <= b < num_ws:
        raise ValueError(f"layer range {styles!r} is out of bounds: this model has {num_ws} style inputs, "
                         f"numbered 0 to {num_ws - 1}, and the range must go up (e.g. 0-3)")
    return list(range(a, b + 1))


def _check_mix(truncation: float, noise_mode: str) -> None:
    if not 0.0 <= float(truncation) <= 2.0:   # also refuses nan
        raise ValueError(f"truncation must be between 0 and 2, got {truncation}")
    if noise_mode not in NOISE_MODES:
        raise ValueError(f"noise_mode must be one of {', '.join(NOISE_MODES)}, got {noise_mode!r}")


@torch.no_grad()
def seed_ws(G: nn.Module, seeds: list[int], truncation: float = 1.0) -> torch.Tensor:
    """(len(seeds), num_ws, w_dim): each seed's z mapped to w, truncated, broadcast to every layer."""
    return G.map(torch.stack([seeded_normal(s, G.z_dim) for s in seeds]), float(truncation))


@torch.no_grad()
def style_mix_images(model: str, row_seeds: str, col_seeds: str, styles: str = "coarse", truncation: float = 1.0,
                     noise_mode: str = "const") -> torch.Tensor:
    """((R+1)(C+1), C, H, W) in [-1, 1], row-major like StyleGAN's style_mixing.py: [0] blank (white),
    row 0 the column seeds, column 0 the row seeds, cell (r, c) = row seed r's ws with the chosen
    layers taken from column seed c."""
    _check_mix(truncation, noise_mode)
    rows, cols = parse_seeds(row_seeds, "row seeds"), parse_seeds(col_seeds, "column seeds")
    G = get_model(model, "stylegan")
    layers = parse_styles(styles, *style_presets(model))
    ws_r, ws_c = seed_ws(G, rows, truncation), seed_ws(G, cols, truncation)
    mixed = ws_r[:, None].repeat(1, len(cols), 1, 1)                # (R, C, num_ws, w_dim)
    mixed[:, :, layers] = ws_c[None, :, layers]
    ws = torch.cat([ws_c, ws_r, mixed.flatten(0, 1)])
    imgs = G.synthesis(ws, noise_mode).clamp(-1, 1)
    blank = torch.ones(1, *imgs.shape[1:])
    top = torch.cat([blank, imgs[:len(cols)]])
    body = [torch.cat([imgs[len(cols) + r][None], imgs[len(cols) + len(rows) + r * len(cols):][:len(cols)]])
            for r in range(len(rows))]
    return torch.cat([top, *body])


def style_mix(model: str, row_seeds: str, col_seeds: str, styles: str = "coarse", truncation: float = 1.0,
              noise_mode: str = "const") -> Image.Image:
    """The style-mixing grid as one picture (cells CELL px, 2 px white gaps)."""
    imgs = style_mix_images(model, row_seeds, col_seeds, styles, truncation, noise_mode)
    return grid(imgs, nrow=len(parse_seeds(col_seeds)) + 1, cell=CELL)


def grid_cell_at(x: float, y: float, img_size: int, cell: int = CELL, pad: int = 2) -> tuple[int, int] | None:
    """Pixel (x, y) of a grid() picture -> (row, col) of the cell under it, None on a gap."""
    side = img_size * max(1, -(-cell // img_size))              # the upscaled cell side grid() used
    (r, ry), (c, cx) = divmod(int(y) - pad, side + pad), divmod(int(x) - pad, side + pad)
    return (r, c) if min(r, c) >= 0 and ry < side and cx < side else None


@torch.no_grad()
def style_mix_cell(model: str, row_seeds: str, col_seeds: str, styles: str, truncation: float, noise_mode: str,
                   x: float, y: float) -> tuple[Image.Image | None, str]:
    """The grid cell under pixel (x, y) of the style_mix() picture, computed alone and shown large,
    with a caption saying what it is."""
    _check_mix(truncation, noise_mode)
    rows, cols = parse_seeds(row_seeds, "row seeds"), parse_seeds(col_seeds, "column seeds")
    G = get_model(model, "stylegan")
    at = grid_cell_at(x, y, G.config.img_size)
    if at is None or at == (0, 0) or at[0] > len(rows) or at[1] > len(cols):
        return None, "Click an image in the grid to see it large."
    row, col = (rows[at[0] - 1] if at[0] else None), (cols[at[1] - 1] if at[1] else None)
    ws = seed_ws(G, [col if row is None else row], truncation)
    caption = f"Row seed {row}" if col is None else f"Column seed {col}"
    if row is not None and col is not None:
        layers = parse_styles(styles, *style_presets(model))
        ws[:, layers] = seed_ws(G, [col], truncation)[:, layers]
        caption = f"Row seed {row} with styles {styles!r} (ws {layers[0]}-{layers[-1]}) from column seed {col}" \
            if layers else f"Row seed {row} (no styles taken from column seed {col})"
    return to_pil(G.synthesis(ws, noise_mode)[0].clamp(-1, 1), DISPLAY), caption
