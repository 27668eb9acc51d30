"""Synthetic landscapes: (label map, image) pairs for GauGAN (SPADE) and CycleGAN.

Scene model
-----------
Every sample is built from two independent random draws:

* a **layout** (from ``seed``): the horizon height, one or two mountain ranges
  (peaks as triangles plus a rugged 1-D noise profile), an optional band of small
  far-shore conifers sitting on the horizon, a lake or sea between the horizon and
  a wavy shoreline, a beach strip, grass in front, a few foreground trees (conifers
  or round trees, larger when nearer) and clouds (unions of circles with a flat
  base). Everything is stored in resolution-free coordinates (x, y in [0, 1],
  y downwards), so one layout renders at 64 or 128 pixels alike.
* a **style** (from ``seed`` too, or forced): time of day (``day``, ``sunset``,
  ``night``) and season (``summer``, ``winter``). The style only changes colours
  and which class covers the ground: in winter grass and most of the beach are
  snow, the snowline on the mountains drops, water turns icy and trees carry snow
  or lose their leaves. So ``make_landscape(s, season="summer")`` and
  ``make_landscape(s, season="winter")`` share their layout exactly.

Rendering paints back to front on a float (H, W, 3) canvas: sky gradient and
sun/moon/stars, clouds, mountains (a lit face and a shadow face per peak, gully
streaks, snow above a noisy snowline, haze at the base), the far treeline, then
everything below the horizon: the water gathers the already painted upper half
mirrored about the horizon (so sky, sun and mountains reflect faintly, with
ripples), the beach and the ground, then the trees with their shadows. Edges are
anti-aliased from signed distances in pixel units; the label map takes a class
wherever a layer's coverage passes 1/2, so labels stay crisp integers.

Textures are cut at a random offset from a few noise images cached per size, so
a 64x64 sample costs well under 2 ms on one core.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch
from torch.utils.data import Dataset

CLASSES: list[str] = ["sky", "cloud", "mountain", "water", "sand", "grass", "tree", "snow"]
SKY, CLOUD, MOUNTAIN, WATER, SAND, GRASS, TREE, SNOW = range(len(CLASSES))

# Display colours for painting label maps (distinct and readable).
PALETTE: list[tuple[int, int, int]] = [
    (135, 200, 240),  # sky: light blue
    (196, 200, 212),  # cloud: white-ish grey
    (140, 112, 88),   # mountain: brown-grey
    (32, 84, 176),    # water: deep blue
    (232, 206, 124),  # sand: yellow
    (104, 178, 64),   # grass: green
    (26, 98, 48),     # tree: dark green
    (250, 252, 255),  # snow: near white (brighter and bluer than cloud)
]

TIMES: list[str] = ["day", "sunset", "night"]
SEASONS: list[str] = ["summer", "winter"]
KINDS = ("lake", "meadow", "coast")


def palette_json() -> list[dict]:
    """The classes with their display colours: [{"name": "sky", "color": "#87c8f0"}, ...]."""
    return [{"name": n, "color": "#%02x%02x%02x" % c} for n, c in zip(CLASSES, PALETTE)]


def label_to_color(label: np.ndarray) -> np.ndarray:
    """(H, W) integer classes -> (H, W, 3) uint8 display colours."""
    return np.asarray(PALETTE, dtype=np.uint8)[np.asarray(label)]


# --------------------------------------------------------------------------------------
# Style: colours per time of day (RGB in [0, 1])
# --------------------------------------------------------------------------------------

def _c(*rgb: int) -> np.ndarray:
    return np.asarray(rgb, dtype=np.float32) / 255.0


_TIME = {
    "day": dict(
        name="day", sky=[(0.0, _c(52, 108, 196)), (0.55, _c(112, 164, 226)), (1.0, _c(196, 222, 244))],
        light=_c(255, 255, 255), shadow=_c(120, 132, 160), sun=_c(255, 250, 226), sun_r=0.05,
        glow=0.35, cloud_lit=_c(252, 252, 255), cloud_dark=_c(178, 190, 210), stars=0.0,
    ),
    "sunset": dict(
        name="sunset", sky=[(0.0, _c(46, 52, 112)), (0.45, _c(176, 96, 128)), (0.8, _c(242, 140, 92)), (1.0, _c(255, 196, 110))],
        light=_c(255, 196, 156), shadow=_c(96, 70, 110), sun=_c(255, 236, 170), sun_r=0.065,
        glow=0.75, cloud_lit=_c(255, 190, 150), cloud_dark=_c(128, 86, 126), stars=0.0,
    ),
    "night": dict(
        name="night", sky=[(0.0, _c(6, 9, 28)), (0.6, _c(16, 26, 62)), (1.0, _c(36, 54, 96))],
        light=_c(84, 100, 150), shadow=_c(26, 32, 62), sun=_c(238, 240, 225), sun_r=0.04,
        glow=0.25, cloud_lit=_c(78, 88, 122), cloud_dark=_c(34, 40, 70), stars=1.0,
    ),
}

_ROCKS = (_c(128, 110, 98), _c(112, 116, 130), _c(138, 116, 86), _c(120, 104, 110))
_GRASS = ((_c(92, 156, 58), _c(58, 118, 44)), (_c(118, 164, 62), _c(76, 128, 48)), (_c(84, 146, 72), _c(46, 104, 52)))
_SNOW_LIT, _SNOW_SHADE = _c(246, 249, 255), _c(178, 196, 226)
_SAND, _SAND_WET = _c(226, 202, 142), _c(170, 148, 108)
_WATER_DEEP, _WATER_SHALLOW, _ICE = _c(22, 62, 118), _c(48, 118, 148), _c(196, 214, 228)
_CONIFER, _LEAVES, _TRUNK, _TWIGS = _c(34, 86, 52), _c(62, 130, 50), _c(88, 62, 44), _c(96, 82, 74)


# --------------------------------------------------------------------------------------
# Layout (resolution free)
# --------------------------------------------------------------------------------------

def _profile(rng: np.random.Generator, octaves=(5, 9, 17, 33), gain: float = 0.5) -> np.ndarray:
    """Control points of a 1-D fractal noise in about [-1, 1]: (octaves, n) values at 0..1."""
    out = np.zeros((len(octaves), octaves[-1]), np.float32)
    amp = 1.0
    for k, n in enumerate(octaves):
        ctrl = rng.uniform(-1, 1, n) * amp
        out[k] = np.interp(np.linspace(0, 1, octaves[-1]), np.linspace(0, 1, n), ctrl)
        amp *= gain
    return out.sum(0) / 1.9


def _sample_layout(rng: np.random.Generator) -> dict:
    kind = KINDS[rng.choice(3, p=[0.45, 0.25, 0.30])]
    horizon = rng.uniform(0.5, 0.64) if kind != "coast" else rng.uniform(0.48, 0.6)
    L = dict(kind=kind, horizon=horizon, sun_x=rng.uniform(0.12, 0.88), sun_u=rng.uniform(0, 1),
             tex=rng.uniform(0, 1, 2), rock=int(rng.integers(len(_ROCKS))), grass=int(rng.integers(len(_GRASS))))

    # Mountain ranges, far to near: peak positions/heights (fractions of the image) and half-slopes.
    ranges = []
    n_ranges = {"lake": rng.choice([1, 2], p=[0.35, 0.65]), "meadow": 2, "coast": rng.choice([0, 1], p=[0.35, 0.65])}[kind]
    for r in range(n_ranges):
        far = r == 0 and n_ranges == 2
        top = horizon * (rng.uniform(0.45, 0.75) if far or n_ranges == 1 else rng.uniform(0.22, 0.42))
        if kind == "coast":
            top = horizon * rng.uniform(0.12, 0.35)
        n = int(rng.integers(2, 5))
        ranges.append(dict(
            x=rng.uniform(-0.1, 1.1, n), h=top * rng.uniform(0.55, 1.0, n), slope=rng.uniform(0.7, 1.6, n),
            skew=rng.uniform(-0.35, 0.35, n), rough=_profile(rng), haze=0.42 if far else (0.2 if n_ranges == 2 else 0.28),
            span=(rng.uniform(-0.3, 0.2), rng.uniform(0.8, 1.3)) if kind == "coast" else (-1.0, 2.0),
        ))
    L["ranges"] = ranges

    # Far-shore treeline on the horizon: tree spacing and heights.
    L["treeline"] = None
    if kind != "coast" and rng.uniform() < 0.7:
        n = int(rng.integers(30, 60))
        L["treeline"] = dict(n=n, h=rng.uniform(0.018, 0.045) * rng.uniform(0.55, 1.0, n + 1),
                             gaps=rng.uniform(0, 1, n + 1) < rng.uniform(0.0, 0.3))

    # Water and beach depth below the horizon (as functions of x).
    if kind == "meadow":
        L["shore"], L["beach"] = None, None
    else:
        depth = rng.uniform(0.08, 0.2) if kind == "lake" else rng.uniform(0.14, 0.3)
        L["shore"] = (depth, _profile(rng, (3, 5, 9)) * depth * 0.35)
        beach = rng.uniform(0.0, 0.05) if kind == "lake" else rng.uniform(0.1, 0.3)
        L["beach"] = (beach, _profile(rng, (3, 5, 9)) * max(beach, 0.02) * 0.5)

    # Foreground trees: (is_conifer, x, base y, height), sorted far to near.
    trees = []
    n_trees = {"lake": rng.integers(0, 6), "meadow": rng.integers(2, 9), "coast": rng.integers(0, 3)}[kind]
    conifer_bias = rng.uniform(0.2, 0.9)
    for _ in range(n_trees):
        x = rng.uniform(-0.05, 1.05)
        ground = horizon + 0.03 + _shore_and_beach(L, np.float32(x))
        y = rng.uniform(min(ground, 1.0), 1.12)
        near = (y - horizon) / (1.0 - horizon)
        h = (0.06 + 0.3 * near) * rng.uniform(0.7, 1.25)
        trees.append((rng.uniform() < conifer_bias, x, y, h, rng.uniform(0, 1, 4)))
    L["trees"] = sorted(trees, key=lambda t: t[2])

    # Clouds: circles (dx, dy, r) around a centre, cut flat at the base.
    clouds = []
    for _ in range(rng.choice(5, p=[0.15, 0.25, 0.3, 0.2, 0.1])):
        cx, cy = rng.uniform(-0.1, 1.1), rng.uniform(0.05, horizon * 0.62)
        w = rng.uniform(0.06, 0.2)
        k = int(rng.integers(3, 7))
        dx = rng.uniform(-1, 1, k) * w
        r = w * rng.uniform(0.28, 0.55, k) * (1.0 - 0.5 * np.abs(dx) / w)
        dy = -r * rng.uniform(0.2, 0.7, k)
        clouds.append((cx, cy, dx, dy, r))
    L["clouds"] = clouds
    return L


def _shore_and_beach(L: dict, x: np.ndarray) -> np.ndarray:
    """Depth below the horizon where the ground (grass) starts, at x."""
    if L["shore"] is None:
        return np.zeros_like(x)
    return _depth(L["shore"], x) + _depth(L["beach"], x)


def _depth(spec, x: np.ndarray) -> np.ndarray:
    base, ctrl = spec
    return np.maximum(base + np.interp(x, np.linspace(0, 1, len(ctrl)), ctrl), 0.0).astype(np.float32)


def _sample_style(rng: np.random.Generator, time: str | None, season: str | None) -> dict:
    t = TIMES[rng.choice(3, p=[0.5, 0.3, 0.2])]
    s = SEASONS[rng.integers(2)]
    if time is not None and time not in TIMES:
        raise ValueError(f"time must be one of {TIMES}, not {time!r}")
    if season is not None and season not in SEASONS:
        raise ValueError(f"season must be one of {SEASONS}, not {season!r}")
    return {"time": time or t, "season": season or s}


# --------------------------------------------------------------------------------------
# Cached per-size grids and textures
# --------------------------------------------------------------------------------------

def _upsample(grid: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Bilinear resize of a small 2-D array to ``shape`` (separable np.interp)."""
    gy, gx = grid.shape
    ys, xs = np.linspace(0, gy - 1, shape[0]), np.linspace(0, gx - 1, shape[1])
    rows = np.stack([np.interp(xs, np.arange(gx), g) for g in grid])          # (gy, W)
    return np.stack([np.interp(ys, np.arange(gy), c) for c in rows.T], 1)      # (H, W)


@lru_cache(maxsize=8)
def _grids(size: int) -> dict:
    """Pixel-centre coordinates and noise textures for one size (textures are 2S x 2S)."""
    S = size
    rng = np.random.default_rng(20240601 + S)
    c = (np.arange(S, dtype=np.float32) + 0.5) / S

    def fbm(base: tuple[int, int], octaves: int, gain: float = 0.55) -> np.ndarray:
        out, amp = np.zeros((2 * S, 2 * S)), 1.0
        for o in range(octaves):
            g = (base[0] * 2 ** o + 1, base[1] * 2 ** o + 1)
            out += amp * _upsample(rng.uniform(-1, 1, g), (2 * S, 2 * S))
            amp *= gain
        return (out / np.abs(out).max()).astype(np.float32)

    grain = rng.uniform(-1, 1, (2 * S, 2 * S)).astype(np.float32)
    stars = rng.uniform(0, 1, (2 * S, 2 * S))
    stars = np.where(stars > 1 - 1.2 / S * 16 / 64, rng.uniform(0.35, 1.0, stars.shape), 0).astype(np.float32)
    return dict(
        y=c[:, None], x=c[None, :],                 # (S, 1), (1, S)
        fbm=fbm((6, 6), 4),                         # blotches: clouds, grass, sand
        leaf=fbm((24, 24), 2, 0.7) * 0.6 + grain * 0.4,  # leafy texture for trees
        streak=fbm((3, 28), 3),                     # vertical gullies on mountains
        ripple=fbm((40, 4), 2),                     # horizontal ripples on water
        grain=grain, stars=stars,
        rows=np.arange(S)[:, None], cols=np.arange(S)[None, :],
    )


def _tex(g: dict, name: str, off: tuple[int, int], S: int) -> np.ndarray:
    """An (S, S) window of a cached texture at a per-sample offset."""
    return g[name][off[0]:off[0] + S, off[1]:off[1] + S]


def _interp_stops(stops, t: np.ndarray) -> np.ndarray:
    """Colour gradient: stops [(pos, rgb)], t (N,) -> (N, 3)."""
    pos = [p for p, _ in stops]
    return np.stack([np.interp(t, pos, [c[k] for _, c in stops]) for k in range(3)], -1).astype(np.float32)


def _cov(d: np.ndarray) -> np.ndarray:
    """Coverage of a pixel from a signed distance in pixels (negative inside)."""
    return np.clip(0.5 - d, 0.0, 1.0)


def _over(img: np.ndarray, lab: np.ndarray, cov: np.ndarray, color, cls: int | None) -> None:
    """Composite ``color`` (3,) or (H, W, 3) with coverage (H, W) and write ``cls`` where cov > 1/2."""
    img += cov[..., None] * (color - img)
    if cls is not None:
        lab[cov > 0.5] = cls


# --------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------

def _render(L: dict, style: dict, S: int) -> tuple[np.ndarray, np.ndarray]:
    g = _grids(S)
    T = _TIME[style["time"]]
    winter = style["season"] == "winter"
    off = (int(L["tex"][0] * S), int(L["tex"][1] * S))
    img = np.empty((S, S, 3), np.float32)
    lab = np.full((S, S), SKY, np.uint8)

    sun = _paint_sky(img, L, T, winter, g, off, S)
    for cloud in L["clouds"]:
        _paint_cloud(img, lab, cloud, T, g, off, S)
    for rg in L["ranges"]:
        _paint_range(img, lab, rg, L, T, winter, g, off, S)
    if L["treeline"] is not None:
        _paint_treeline(img, lab, L, T, winter, S)
    _paint_below_horizon(img, lab, L, T, winter, g, off, S, sun)
    for tree in L["trees"]:
        _paint_tree(img, lab, tree, L, T, winter, g, off, S)
    out = (np.clip(img, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    return lab, out


def _paint_sky(img, L, T, winter, g, off, S) -> tuple[float, float]:
    """Vertical gradient to the horizon, sun or moon with a glow, stars at night. Returns the sun centre."""
    h = L["horizon"]
    col = _interp_stops(T["sky"], np.clip(g["y"][:, 0] / h, 0, 1))        # (S, 3)
    if winter:                                                             # paler, greyer winter sky
        col = col + 0.22 * (col.mean(1, keepdims=True) * 1.08 - col)
    img[:] = col[:, None, :]
    # Sun (day high, sunset just above the horizon) or moon (night).
    u = L["sun_u"]
    sy = {"day": 0.08 + 0.18 * u, "sunset": h - 0.05 - 0.12 * u, "night": 0.08 + 0.2 * u}[T["name"]]
    sx = L["sun_x"]
    d = np.sqrt((g["x"] - sx) ** 2 + (g["y"] - sy) ** 2)                 # (S, S)
    glow = T["glow"] * np.exp(-d / (T["sun_r"] * 2.2))
    img += glow[..., None] * (T["sun"] - img) * (0.7 if winter else 1.0)
    img += _cov((d - T["sun_r"]) * S)[..., None] * (T["sun"] - img)
    if T["stars"]:
        st = _tex(g, "stars", off, S) * np.clip(1.2 - g["y"] / h, 0, 1)
        img += st[..., None] * (np.float32(0.9) - img) * (d > T["sun_r"] * 1.6)[..., None]
    return sx, sy


def _paint_cloud(img, lab, cloud, T, g, off, S) -> None:
    cx, cy, dx, dy, r = cloud
    x0, x1 = int(max((cx + dx.min() - r.max()) * S - 1, 0)), int(min((cx + dx.max() + r.max()) * S + 2, S))
    y0, y1 = int(max((cy + (dy - r).min()) * S - 1, 0)), int(min(cy * S + 2, S))
    if x1 <= x0 or y1 <= y0:
        return
    ys, xs = g["y"][y0:y1], g["x"][:, x0:x1]
    d = np.full((y1 - y0, x1 - x0), 9.0, np.float32)
    for ddx, ddy, rr in zip(dx, dy, r):
        d = np.minimum(d, np.sqrt((xs - cx - ddx) ** 2 + (ys - cy - ddy) ** 2) - rr)
    n = _tex(g, "fbm", off, S)[y0:y1, x0:x1]
    d = np.maximum(d + 0.012 * n, ys - cy) * S                                   # flat base, fluffy edge
    top = cy + (dy - r).min()
    t = np.clip((ys - top) / max(cy - top, 1e-3), 0, 1) ** 1.5                   # 0 at the top, 1 at the base
    col = T["cloud_lit"] + (t + 0.25 * n)[..., None] * (T["cloud_dark"] - T["cloud_lit"])
    cov = _cov(d) * 0.96
    _over(img[y0:y1, x0:x1], lab[y0:y1, x0:x1], cov, col, CLOUD)


def _range_elevation(rg: dict, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Elevation above the horizon along x (N,) and the index of the peak that owns each x."""
    tri = rg["h"][:, None] - np.abs(x[None, :] - rg["x"][:, None]) * rg["slope"][:, None] * rg["h"][:, None] * 2.2
    owner = tri.argmax(0)
    rough = np.interp(x, np.linspace(0, 1, len(rg["rough"])), rg["rough"])
    elev = tri.max(0) + 0.035 * rough * np.sqrt(np.maximum(tri.max(0), 0) / (rg["h"].max() + 1e-6) + 0.05)
    lo, hi = rg["span"]
    fade = np.clip(np.minimum(x - lo, hi - x) * 4, 0, 1)                     # coast islands end
    return elev * fade - (1 - fade) * 0.05, owner


def _paint_range(img, lab, rg, L, T, winter, g, off, S):
    """One mountain range: lit and shadow faces, gullies, snow above a noisy snowline, haze."""
    h = L["horizon"]
    x = g["x"][0]
    elev, owner = _range_elevation(rg, x)                                    # (S,), (S,)
    top = h - elev
    y0 = int(max(top.min() * S - 1, 0))
    y1 = int(min(h * S + 2, S))
    if y1 <= y0:
        return top
    ys = g["y"][y0:y1]                                                       # (n, 1)
    cov = _cov((top[None, :] - ys) * S)                                      # (n, S)
    streak = _tex(g, "streak", off, S)[y0:y1]
    # Which face: left or right of a jagged ridge line running down from the owner peak.
    px = rg["x"][owner][None, :] + rg["skew"][owner][None, :] * (ys - top[None, :]) + 0.025 * streak
    sun_right = 1.0 if L["sun_x"] > 0.5 else -1.0
    lit = ((x[None, :] - px) * sun_right > 0).astype(np.float32)
    depth = np.clip((ys - top[None, :]) / np.maximum(elev[None, :], 0.02), 0, 1)  # 0 at the ridge, 1 at the base
    shade = lit * (1.05 - 0.15 * depth) + (1 - lit) * (0.5 + 0.1 * depth) + 0.12 * streak
    rock = _ROCKS[L["rock"]]
    col = rock[None, None, :] * shade[..., None]
    col = col * (lit[..., None] * T["light"] + (1 - lit[..., None]) * (0.5 * T["light"] + 0.5 * T["shadow"]))
    # Snow above the snowline (lower in winter); gullies pull it down.
    hmax = max(max(r["h"].max() for r in L["ranges"]), 1e-3)
    line = (0.4 if winter else 0.8) * hmax
    snow = ((h - ys) > line - 0.06 * hmax * streak - 0.04 * hmax * _tex(g, "fbm", off, S)[y0:y1]) & (cov > 0.5)
    if not winter and hmax < 0.22:
        snow[:] = False
    snow_col = (lit[..., None] * _SNOW_LIT * (0.95 + 0.05 * streak[..., None]) + (1 - lit[..., None]) * _SNOW_SHADE) * (
        lit[..., None] * T["light"] + (1 - lit[..., None]) * (0.6 * T["light"] + 0.4 * T["shadow"]))
    col = np.where(snow[..., None], snow_col, col)
    # Haze toward the sky colour near the horizon (and more for the far range).
    haze = rg["haze"] + (1 - rg["haze"]) * 0.45 * depth ** 2
    col += haze[..., None] * (_interp_stops(T["sky"], np.ones(1))[0] - col)
    sub_img, sub_lab = img[y0:y1], lab[y0:y1]
    _over(sub_img, sub_lab, cov, col, MOUNTAIN)
    sub_lab[snow & (cov > 0.5)] = SNOW
    return top


def _paint_treeline(img, lab, L, T, winter, S) -> None:
    """A band of small conifer silhouettes on the far shore (sawtooth profile on the horizon)."""
    tl, h = L["treeline"], L["horizon"]
    x = (np.arange(S, dtype=np.float32) + 0.5) / S
    n = tl["n"]
    k = np.minimum((x * n).astype(int), n)
    f = x * n - k                                                           # position inside a tree cell
    height = tl["h"][k] * (1 - 2 * np.abs(f - 0.5)) * ~tl["gaps"][k] + 0.006
    top = h - height
    y0, y1 = int(max(top.min() * S - 1, 0)), int(min(h * S + 2, S))
    ys = (np.arange(y0, y1, dtype=np.float32)[:, None] + 0.5) / S
    cov = _cov((top[None, :] - ys) * S) * (ys < h + 1.0 / S)
    col = _CONIFER * (0.75 + 0.25 * (f < 0.5))[None, :, None] * T["light"]
    if winter:
        col = col + 0.25 * (_SNOW_SHADE * T["light"] - col)
    col = col + 0.35 * (_interp_stops(T["sky"], np.ones(1))[0] - col)      # distance haze
    _over(img[y0:y1], lab[y0:y1], cov, col, TREE)


def _paint_below_horizon(img, lab, L, T, winter, g, off, S, sun) -> None:
    """Water with reflections, beach and ground, in one pass over the rows below the horizon."""
    h = L["horizon"]
    y0 = int(max(h * S - 1, 0))
    ys = g["y"][y0:]                                                        # (n, 1)
    x = g["x"][0]
    t = np.clip((ys - h) / (1 - h), 0, 1)                                   # 0 at the horizon, 1 at the bottom
    fbm = _tex(g, "fbm", off, S)[y0:]
    grain = _tex(g, "grain", off, S)[y0:]
    sky_h = _interp_stops(T["sky"], np.ones(1))[0]
    light = T["light"]
    below = _cov((h - ys) * S) * np.ones((1, S), np.float32)                # (n, S)

    # Ground: grass (summer) or snow (winter).
    if winter:
        shade = np.clip(0.5 + 0.6 * fbm + 0.1 * grain, 0, 1)[..., None]
        ground = (_SNOW_LIT + shade * (_SNOW_SHADE - _SNOW_LIT) * 0.7) * light
        ground_cls = SNOW
    else:
        a, b = _GRASS[L["grass"]]
        mix = np.clip(0.5 + 0.7 * fbm + 0.25 * grain * t, 0, 1)[..., None]
        ground = (a + mix * (b - a)) * (0.9 + 0.2 * t[..., None]) * light
        ground_cls = GRASS
    ground = ground + (0.4 * (1 - t) ** 3)[..., None] * (sky_h - ground)    # aerial haze far away
    _over(img[y0:], lab[y0:], below, ground, ground_cls)
    if L["shore"] is None:
        return

    shore = h + _depth(L["shore"], x)                                       # (S,)
    beach_end = shore + _depth(L["beach"], x)
    # Beach: sand, with a darker wet strip along the water; in winter, snow past the wet strip.
    beach_cov = _cov((ys - beach_end[None, :]) * S) * below
    wet = np.clip((ys - shore[None, :]) / np.maximum(beach_end - shore, 1e-3)[None, :], 0, 1)
    sand = _SAND * (0.92 + 0.08 * fbm + 0.05 * grain)[..., None]
    sand = (sand + (1 - np.clip(wet * 4, 0, 1))[..., None] * (_SAND_WET - sand)) * light
    _over(img[y0:], lab[y0:], beach_cov, sand, SAND)
    if winter:
        snowy = beach_cov * np.clip((wet - 0.4) * 6 + 0.5 * fbm, 0, 1)
        _over(img[y0:], lab[y0:], snowy, ground, SNOW)

    # Water: mirror of the painted upper half about the horizon, with ripples.
    ripple = _tex(g, "ripple", off, S)[y0:]
    water_cov = _cov((ys - shore[None, :]) * S) * below
    my = np.clip(((2 * h - ys) * S).astype(int), 0, S - 1)                  # mirrored row (n, 1)
    mx = np.clip(g["cols"] + np.round(ripple * (1 + 3 * t) * S / 64).astype(int), 0, S - 1)
    refl = img[my, mx]                                                      # (n, S, 3)
    base = _WATER_DEEP + np.clip(1 - (shore[None, :] - ys) * 12, 0, 1)[..., None] * (
        _WATER_SHALLOW - _WATER_DEEP)
    base = base * (0.6 * light + 0.4 * sky_h)
    k = (0.72 - 0.45 * np.clip((ys - h) / max(shore.max() - h, 0.05), 0, 1))[..., None]  # reflection strength
    water = base + k * (refl * 0.9 - base)
    water = water + (0.06 * ripple)[..., None] * (1 - t[..., None])
    if winter:                                                              # frozen-ish: pale, matte, streaky ice
        ice = _ICE * (0.9 + 0.1 * ripple + 0.05 * fbm)[..., None] * (0.7 * light + 0.3 * sky_h)
        water = water + 0.65 * (ice - water)
    _over(img[y0:], lab[y0:], water_cov, water, WATER)


def _paint_tree(img, lab, tree, L, T, winter, g, off, S) -> None:
    """A conifer (stacked triangles) or a round tree (union of circles) with trunk and ground shadow."""
    conifer, cx, base, hgt, jit = tree
    w = hgt * (0.26 + 0.08 * jit[0]) if conifer else hgt * (0.36 + 0.1 * jit[0])
    x0, x1 = int(max((cx - w * 1.6) * S - 1, 0)), int(min((cx + w * 1.6) * S + 2, S))
    y0, y1 = int(max((base - hgt) * S - 1, 0)), int(min((base + 0.02) * S + 2, S))
    if x1 <= x0 or y1 <= y0:
        return
    ys, xs = g["y"][y0:y1], g["x"][:, x0:x1]
    sub_img, sub_lab = img[y0:y1, x0:x1], lab[y0:y1, x0:x1]
    light, shadow = T["light"], T["shadow"]
    side = 1.0 if L["sun_x"] > 0.5 else -1.0
    leaf = _tex(g, "leaf", off, S)[y0:y1, x0:x1]

    # Shadow on the ground, away from the sun (not at night).
    if T["stars"] == 0:
        sd = np.sqrt(((xs - cx + side * w * 0.5) / (w * 1.1)) ** 2 + ((ys - base) / (0.018 + 0.03 * hgt)) ** 2)
        sub_img *= (1 - 0.28 * np.clip(1.2 - sd, 0, 1) ** 0.7)[..., None]

    trunk_h = hgt * (0.14 if conifer else 0.38)
    tw = max(w * (0.12 if conifer else 0.13), 0.6 / S)
    d = np.maximum(np.abs(xs - cx) - tw, np.abs(ys - base + trunk_h * 0.5) - trunk_h * 0.5) * S
    tcol = _TRUNK * (0.8 + 0.3 * ((xs - cx) * side > 0))[..., None] * light
    _over(sub_img, sub_lab, _cov(d), tcol, TREE)

    top, bottom = base - hgt, base - trunk_h
    if conifer:
        d = np.full(sub_lab.shape, 9.0, np.float32)
        tier = np.zeros(sub_lab.shape, np.float32)                          # 0 at a tier's apex, 1 at its base
        n = 3 if hgt * S > 12 else 2
        for i in range(n):
            t_top = top + (bottom - top) * i / (n + 0.6)
            t_bot = top + (bottom - top) * (i + 1.6) / (n + 0.6)
            ww = w * (0.55 + 0.45 * (i + 1) / n)
            f = np.clip((ys - t_top) / (t_bot - t_top), 0, None)
            di = np.maximum(np.abs(xs - cx) - ww * f, np.maximum(ys - t_bot, t_top - ys)) * S * 0.9
            tier = np.where(di < d, f, tier)
            d = np.minimum(d, di)
        lit = np.clip(0.5 + 1.6 * (xs - cx) * side / w, 0, 1)
        col = _CONIFER * (0.7 + 0.5 * lit + 0.25 * leaf + 0.15 * jit[1])[..., None]
        col = col * (lit[..., None] * light + (1 - lit[..., None]) * (0.55 * light + 0.45 * shadow))
        if winter:                                                          # snow lying on each tier
            sn = np.clip((0.45 - tier + 0.25 * leaf) * 5, 0, 1)[..., None]
            col = col + sn * ((_SNOW_LIT * 0.5 + _SNOW_SHADE * 0.5) * (0.7 + 0.3 * lit[..., None]) * light - col)
    else:
        r = w * 0.62
        cy = top + r
        d = np.full(sub_lab.shape, 9.0, np.float32)
        for ddx, ddy, rr in ((0, 0, 1.0), (-0.55, 0.45, 0.72), (0.55, 0.45, 0.72), (0.0, 0.6, 0.8)):
            d = np.minimum(d, np.sqrt((xs - cx - ddx * r) ** 2 + (ys - cy - ddy * r) ** 2) - rr * r)
        d = (d + 0.02 * hgt * leaf) * S
        nx, ny = (xs - cx) / (1.4 * r), (ys - cy) / (1.6 * r)
        lit = np.clip(0.55 + 0.8 * (nx * side - ny * 0.7), 0, 1)
        if winter:                                                          # bare crown: twigs, sky shows through
            col = _TWIGS * (0.7 + 0.4 * lit)[..., None] * light
            cov = _cov(d) * np.clip(0.55 + 0.9 * leaf, 0, 1)
            sub_img += cov[..., None] * (col - sub_img)
            sub_lab[_cov(d) > 0.5] = TREE
            sn = np.clip((-ny - 0.1 + 0.5 * leaf) * 3, 0, 1) * cov
            sub_img += (0.7 * sn)[..., None] * (_SNOW_LIT * light - sub_img)
            return
        col = (_LEAVES * (1 + 0.25 * (jit[1] - 0.5))) * (0.6 + 0.55 * lit + 0.3 * leaf)[..., None]
        col = col * (lit[..., None] * light + (1 - lit[..., None]) * (0.55 * light + 0.45 * shadow))
    _over(sub_img, sub_lab, _cov(d), col, TREE)


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------

def make_landscape(seed: int, size: int = 64, time: str | None = None, season: str | None = None,
                   ) -> tuple[np.ndarray, np.ndarray, dict]:
    """One sample: (labels (H, W) uint8 class indices, image (H, W, 3) uint8, style dict).

    ``time``/``season`` None are drawn from the seed; forcing them keeps the layout
    (it comes from its own random stream), so summer and winter share their labels
    apart from the ground and snow classes.
    """
    layout = _sample_layout(np.random.default_rng([int(seed), 1]))
    style = _sample_style(np.random.default_rng([int(seed), 2]), time, season)
    labels, image = _render(layout, style, int(size))
    return labels, image, style


def sample_seed(seed: int, i: int) -> int:
    """The seed of sample ``i`` of a dataset with ``seed``."""
    return int(seed) * 1_000_003 + int(i)


class LandscapeDataset(Dataset):
    """Procedural landscapes: {"image": (3, H, W) float in [-1, 1], "label": (H, W) long, "time": int, "season": int}."""

    def __init__(self, size: int = 64, length: int = 10000, seed: int = 0, time: str | None = None,
                 season: str | None = None):
        self.size, self.length, self.seed, self.time, self.season = int(size), int(length), int(seed), time, season

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, i: int) -> dict:
        if not 0 <= i < self.length:
            raise IndexError(i)
        labels, image, style = make_landscape(sample_seed(self.seed, i), self.size, self.time, self.season)
        x = torch.from_numpy(image).permute(2, 0, 1).float().div_(127.5).sub_(1.0)
        return {"image": x, "label": torch.from_numpy(labels.astype(np.int64)),
                "time": TIMES.index(style["time"]), "season": SEASONS.index(style["season"])}
