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

Rendering paints back to front on a float (3, H, W) canvas: sky gradient and
sun/moon/stars, clouds, mountains (a lit face and a shadow face per peak, gully
streaks, snow above a noisy snowline, haze at the base), the far treeline, then
everything below the horizon: the water gathers the already painted upper half
mirrored about the horizon (so sky, sun and mountains reflect faintly, with
ripples), the beach and the ground, then the trees with their shadows. Edges are
anti-aliased from signed distances in pixel units; the label map takes a class
wherever a layer's coverage passes 1/2, so labels stay crisp integers.

Textures are cut at a random offset from a few noise images cached per size,
circles are windows of a cached distance table and colours are premultiplied per
(time, season), so a 64x64 sample costs about 1.5 ms on one core
(bench/datasets_speed.py).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch
from torch.utils.data import Dataset

from studio.images import to_tensor

from .cache import RenderCache

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
# Style: colours per time of day (RGB in [0, 1], channel first)
# --------------------------------------------------------------------------------------

def _c(*rgb: int) -> np.ndarray:
    """A colour as a (3, 1, 1) float array in [0, 1], ready to broadcast over (3, H, W) images."""
    return (np.asarray(rgb, dtype=np.float32) / 255.0).reshape(3, 1, 1)


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
_WATER_DEEP, _WATER_SHALLOW, _ICE = _c(22, 62, 118), _c(48, 118, 148), _c(178, 202, 224)
_CONIFER, _LEAVES, _TRUNK, _TWIGS = _c(34, 86, 52), _c(62, 130, 50), _c(88, 62, 44), _c(96, 82, 74)


# --------------------------------------------------------------------------------------
# Layout (resolution free)
# --------------------------------------------------------------------------------------

class _Draws:
    """Uniform numbers drawn in one batch from a Generator and handed out in order.

    A Generator call costs microseconds, and a layout needs a few hundred numbers.
    """

    def __init__(self, rng: np.random.Generator, n: int = 1024):
        self.rng = rng
        self.a = rng.random(n)
        self.f = self.a.tolist()
        self.i = 0

    def uniform(self, lo: float = 0.0, hi: float = 1.0, n: int | None = None):
        i = self.i
        if i + (n or 1) > len(self.f):                                       # ran out: draw more
            self.a = np.concatenate([self.a, self.rng.random(len(self.f) + (n or 1))])
            self.f = self.a.tolist()
        if n is None:
            self.i += 1
            return lo + (hi - lo) * self.f[i]
        self.i += n
        return lo + (hi - lo) * self.a[i:i + n]

    def integers(self, lo: int, hi: int) -> int:
        return lo + int(self.uniform() * (hi - lo))

    def pick(self, p: list[float]) -> int:
        """An index drawn with probabilities p."""
        u, acc = self.uniform() * sum(p), 0.0
        for i, q in enumerate(p):
            acc += q
            if u < acc:
                return i
        return len(p) - 1


@lru_cache(maxsize=4)
def _interp_matrix(octaves: tuple[int, ...]) -> np.ndarray:
    """(octaves[-1], sum(octaves)) matrix: linear interpolation of each octave's control points."""
    n = octaves[-1]
    cols = []
    for i, k in enumerate(octaves):
        eye = np.eye(k)
        cols.append(np.stack([np.interp(np.linspace(0, 1, n), np.linspace(0, 1, k), e) for e in eye], 1) * 0.5 ** i)
    return (np.concatenate(cols, 1) / 1.9).astype(np.float32)


def _profile(rng: _Draws, octaves=(5, 9, 17, 33)) -> np.ndarray:
    """Control points (n,) of a 1-D fractal noise in about [-1, 1], at n evenly spaced x in [0, 1]."""
    m = _interp_matrix(tuple(octaves))                                       # amplitudes halve per octave
    return m @ rng.uniform(-1, 1, m.shape[1]).astype(np.float32)


def _sample_layout(rng: _Draws) -> dict:
    """A scene's geometry, independent of style and size (all lengths in image heights)."""
    kind = KINDS[rng.pick([0.45, 0.25, 0.30])]
    horizon = rng.uniform(0.5, 0.64) if kind != "coast" else rng.uniform(0.48, 0.6)
    L = dict(kind=kind, horizon=horizon, sun_x=rng.uniform(0.12, 0.88), sun_u=rng.uniform(0, 1),
             tex=(rng.uniform(), rng.uniform()), rock=rng.integers(0, len(_ROCKS)), grass=rng.integers(0, len(_GRASS)))

    # Mountain ranges, far to near: peak positions/heights (fractions of the image) and half-slopes.
    ranges = []
    n_ranges = {"lake": 1 + rng.pick([0.35, 0.65]), "meadow": 2, "coast": rng.pick([0.35, 0.65])}[kind]
    for r in range(n_ranges):
        far = r == 0 and n_ranges == 2
        top = horizon * (rng.uniform(0.45, 0.75) if far or n_ranges == 1 else rng.uniform(0.22, 0.42))
        if kind == "coast":
            top = horizon * rng.uniform(0.12, 0.35)
        n = int(rng.integers(2, 5))
        ranges.append(dict(
            x=rng.uniform(-0.1, 1.1, n), h=top * rng.uniform(0.55, 1.0, n), slope=rng.uniform(0.7, 1.6, n),
            skew=rng.uniform(-0.8, 0.8, n), rough=_profile(rng), haze=0.34 if far else (0.08 if n_ranges == 2 else 0.16),
            span=(rng.uniform(-0.3, 0.2), rng.uniform(0.8, 1.3)) if kind == "coast" else None,
        ))
        ranges[-1]["fall"] = ranges[-1]["h"] * ranges[-1]["slope"] * 2.2                # descent per unit x
    L["ranges"] = ranges
    L["hmax"] = max([float(r["h"].max()) for r in ranges] + [1e-3])              # highest peak (for the snowline)

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
        ground = horizon + 0.03 + _shore_and_beach(L, x)
        y = rng.uniform(min(ground, 1.0), 1.12)
        near = (y - horizon) / (1.0 - horizon)
        h = (0.06 + 0.3 * near) * rng.uniform(0.7, 1.25)
        trees.append((rng.uniform() < conifer_bias, x, y, h, [rng.uniform() for _ in range(4)]))
    L["trees"] = sorted(trees, key=lambda t: t[2])

    # Clouds: circles (dx, dy, r) around a centre, cut flat at the base.
    clouds = []
    for _ in range(rng.pick([0.15, 0.25, 0.3, 0.2, 0.1])):
        cx, cy = rng.uniform(-0.1, 1.1), rng.uniform(0.05, horizon * 0.62)
        w = rng.uniform(0.06, 0.2)
        k = int(rng.integers(3, 7))
        dx = rng.uniform(-1, 1, k) * w
        r = w * rng.uniform(0.28, 0.55, k) * (1.0 - 0.5 * np.abs(dx) / w)
        dy = -r * rng.uniform(0.2, 0.7, k)
        clouds.append(dict(cx=cx, cy=cy, circles=list(zip(dx.tolist(), dy.tolist(), r.tolist())),
                           left=cx + float((dx - r).min()), right=cx + float((dx + r).max()), top=cy + float((dy - r).min())))
    L["clouds"] = clouds
    return L


def _shore_and_beach(L: dict, x: float) -> float:
    """Depth below the horizon where the ground (grass) starts, at one x."""
    if L["shore"] is None:
        return 0.0
    total = 0.0
    for base, ctrl in (L["shore"], L["beach"]):
        k = min(max(x, 0.0), 1.0) * (len(ctrl) - 1)
        i = min(int(k), len(ctrl) - 2)
        total += max(base + float(ctrl[i]) + (k - i) * float(ctrl[i + 1] - ctrl[i]), 0.0)
    return total


@lru_cache(maxsize=8)
def _knots(n: int) -> np.ndarray:
    """n evenly spaced control-point positions in [0, 1]."""
    return np.linspace(0, 1, n)


def _depth(spec, x: np.ndarray) -> np.ndarray:
    base, ctrl = spec
    return np.maximum(base + np.interp(x, _knots(len(ctrl)), ctrl), 0.0).astype(np.float32)


def _sample_style(rng: _Draws, time: str | None, season: str | None) -> dict:
    t = TIMES[rng.pick([0.5, 0.3, 0.2])]
    s = SEASONS[rng.integers(0, 2)]
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
    ripple = fbm((40, 4), 2)
    stars = rng.uniform(0, 1, (2 * S, 2 * S))
    stars = np.where(stars > 1 - 1.2 / S * 16 / 64, rng.uniform(0.35, 1.0, stars.shape), 0).astype(np.float32)
    return dict(
        y=c[:, None], x=c[None, :],                 # (S, 1), (1, S)
        fbm=fbm((6, 6), 4),                         # blotches: clouds, grass, sand
        leaf=fbm((24, 24), 2, 0.7) * 0.6 + grain * 0.4,  # leafy texture for trees
        streak=fbm((3, 28), 3),                     # vertical gullies on mountains
        ripple=ripple,                              # horizontal ripples on water
        grain=grain, stars=stars,
        shift=np.round(ripple * (2.5 * S / 64)).astype(np.intp),           # ripple offsets of reflections (pixels)
        crest=np.clip((ripple - 0.35) * 3, 0, 1),                          # ripple crests that catch the light
        cols=np.arange(S)[None, :],
        radial=np.hypot(*np.meshgrid(np.arange(-2 * S, 2 * S + 1), np.arange(-2 * S, 2 * S + 1))).astype(np.float32) / S,
    )


def _dist(g: dict, S: int, cy: float, cx: float, y0: int, y1: int, x0: int, x1: int,
          table: np.ndarray | None = None) -> np.ndarray:
    """Distance (in image heights) from the pixel nearest (cy, cx) to each pixel of the box [y0:y1, x0:x1].

    A window of a cached radial table: one slice instead of six numpy calls; centres
    snap to pixel centres (a shift below half a pixel), radii stay continuous.
    ``table`` may be any function of that distance, tabulated the same way.
    """
    table = g["radial"] if table is None else table
    ci = min(max(int(cy * S), -S), 2 * S)
    cj = min(max(int(cx * S), -S), 2 * S)
    return table[2 * S + y0 - ci:2 * S + y1 - ci, 2 * S + x0 - cj:2 * S + x1 - cj]


def _tex(g: dict, name: str | None, off: tuple[int, int], S: int, tex: np.ndarray | None = None) -> np.ndarray:
    """An (S, S) window of a cached (2S, 2S) texture (or (C, S, S) of a (C, 2S, 2S) one) at a per-sample offset."""
    tex = g[name] if tex is None else tex
    return tex[..., off[0]:off[0] + S, off[1]:off[1] + S]


def _interp_stops(stops, t: np.ndarray) -> np.ndarray:
    """Colour gradient: stops [(pos, rgb)], t (N,) -> (3, N)."""
    pos = [p for p, _ in stops]
    return np.stack([np.interp(t, pos, [float(c[k, 0, 0]) for _, c in stops]) for k in range(3)]).astype(np.float32)


def _clip(a, lo, hi):
    """np.clip without its dispatch overhead (it matters on many small arrays)."""
    a = np.maximum(a, lo)
    return a if hi is None else np.minimum(a, hi)


def _cov(d: np.ndarray) -> np.ndarray:
    """Coverage of a pixel from a signed distance in pixels (negative inside)."""
    return _clip(0.5 - d, 0.0, 1.0)


def _box(v: np.ndarray, lo: float, hi: float, S: int) -> np.ndarray:
    """Anti-aliased coverage of the interval [lo, hi] along one axis (v: pixel-centre coordinates)."""
    h = 0.5 / S
    if hi - lo < 2 * h:                                                       # thinner than a pixel: fade
        return np.interp(v, (lo - h, (lo + hi) / 2, hi + h), (0.0, (hi - lo) * S, 0.0))
    return np.interp(v, (lo - h, lo + h, hi - h, hi + h), (0.0, 1.0, 1.0, 0.0))


def _over(img: np.ndarray, lab: np.ndarray, cov: np.ndarray, color, cls: int | None) -> None:
    """Composite ``color`` (3, 1, 1) or (3, H, W) over img (3, H, W) with coverage (H, W); label cov > 1/2."""
    img += cov * (color - img)
    if cls is not None:
        np.putmask(lab, cov > 0.5, cls)


# --------------------------------------------------------------------------------------
# Looks and materials (cached: per time/season, and per size)
# --------------------------------------------------------------------------------------

@lru_cache(maxsize=8)
def _look(time: str, winter: bool) -> dict:
    """Every colour one (time, season) needs, premultiplied by its light once: (3, 1, 1) arrays."""
    T = _TIME[time]
    light, shadow = T["light"], T["shadow"]
    sky = [(p, c + 0.22 * (c.mean() * 1.08 - c)) if winter else (p, c) for p, c in T["sky"]]
    tree_dark, rock_dark, snow_dark = (a * light + (1 - a) * shadow for a in (0.55, 0.5, 0.6))
    winter_green = _CONIFER + 0.25 * (_SNOW_SHADE - _CONIFER) if winter else _CONIFER
    sky_h = sky[-1][1]
    haze = _interp_stops(sky, np.array([0.85])).reshape(3, 1, 1)             # distance haze: sky just above the glow
    return dict(
        T, sky=sky, sky_h=sky_h, haze=haze, winter=winter, light=light,
        rock_lit=[r * 1.05 * light for r in _ROCKS], rock_dark=[r * rock_dark for r in _ROCKS],
        snow_lit=_SNOW_LIT * light, snow_dark=_SNOW_SHADE * snow_dark,
        treeline=[(winter_green * f * light) * 0.65 + 0.35 * haze for f in (0.75, 1.0)],
        trunk=_TRUNK * light, conifer_lit=_CONIFER * 1.3 * light, conifer_dark=_CONIFER * 0.8 * tree_dark,
        leaves_lit=_LEAVES * 1.15 * light, leaves_dark=_LEAVES * 0.6 * tree_dark,
        twigs_lit=_TWIGS * 1.1 * light, twigs_dark=_TWIGS * 0.7 * tree_dark,
        tree_snow=(_SNOW_LIT + _SNOW_SHADE) * 0.5 * light,
        water_deep=_WATER_DEEP * (0.55 * light + 0.45 * sky_h),
        water_shallow=_WATER_SHALLOW * (0.55 * light + 0.45 * sky_h),
        ice=0.7 * light + 0.3 * sky_h, foam=0.95 * light, sand_wet=_SAND_WET * light,
    )


@lru_cache(maxsize=4)
def _materials(size: int) -> dict:
    """Colour textures (3, 2S, 2S) in daylight, cut at the same offsets as the noise textures."""
    g = _grids(size)
    fbm, grain = g["fbm"], g["grain"]
    grass = [a + _clip(0.5 + 0.7 * fbm + 0.2 * grain, 0, 1) * (b - a) for a, b in _GRASS]
    return dict(
        grass=grass,
        snow=_SNOW_LIT + _clip(0.35 + 0.45 * fbm + 0.07 * grain, 0, 0.8) * (_SNOW_SHADE - _SNOW_LIT),
        sand=_SAND * (0.92 + 0.08 * fbm + 0.05 * grain),
        ice=_ICE * (0.9 + 0.1 * g["ripple"] + 0.05 * fbm),
    )


@lru_cache(maxsize=16)
def _sun_table(time: str, winter: bool, size: int) -> np.ndarray:
    """Sun/moon disc plus glow as a function of the cached radial distance: (4S+1, 4S+1) in [0, 1]."""
    T, d = _TIME[time], _grids(size)["radial"]
    glow = T["glow"] * (0.7 if winter else 1.0) * np.exp(-d / (T["sun_r"] * 2.2))
    return np.maximum(glow, _cov((d - T["sun_r"]) * size)).astype(np.float32)


# --------------------------------------------------------------------------------------
# Rendering (images are channel first, (3, H, W) float32 in [0, 1], until the very end)
# --------------------------------------------------------------------------------------
# Small arrays make every numpy call cost about the same, so the painters below keep
# the number of calls low: row-only or column-only factors stay (n, 1) or (1, m), and
# colours come premultiplied from _look().

def _render(L: dict, style: dict, S: int) -> tuple[np.ndarray, np.ndarray]:
    """Paint a layout in a style at S x S: labels (S, S) uint8 and image (S, S, 3) uint8."""
    g = _grids(S)
    K = _look(style["time"], style["season"] == "winter")
    off = (int(L["tex"][0] * S), int(L["tex"][1] * S))
    img = np.empty((3, S, S), np.float32)
    lab = np.full((S, S), SKY, np.uint8)

    sun = _paint_sky(img, L, K, g, off, S)
    for cloud in L["clouds"]:
        _paint_cloud(img, lab, cloud, K, g, off, S)
    for rg in L["ranges"]:
        _paint_range(img, lab, rg, L, K, g, off, S)
    if L["treeline"] is not None:
        _paint_treeline(img, lab, L, K, g, S)
    _paint_below_horizon(img, lab, L, K, g, off, S, sun)
    for tree in L["trees"]:
        _paint_tree(img, lab, tree, L, K, g, off, S)
    np.clip(img, 0.0, 1.0, out=img)
    img = (img * 255.0 + 0.5).astype(np.uint8)
    return lab, np.ascontiguousarray(img.transpose(1, 2, 0))


def _paint_sky(img, L, K, g, off, S) -> tuple[float, float]:
    """Vertical gradient to the horizon, sun or moon with a glow, stars at night. Returns the sun centre."""
    h = L["horizon"]
    img[:] = _interp_stops(K["sky"], g["y"][:, 0] / h)[:, :, None]             # (3, S, 1) gradient
    u, sx = L["sun_u"], L["sun_x"]
    sy = {"day": 0.08 + 0.18 * u, "sunset": h - 0.05 - 0.12 * u, "night": 0.08 + 0.2 * u}[K["name"]]
    sun = _dist(g, S, sy, sx, 0, S, 0, S, _sun_table(K["name"], K["winter"], S))  # (S, S)
    img += sun * (K["sun"] - img)
    if K["stars"]:
        st = _tex(g, "stars", off, S) * (1 - sun) * _clip(1.2 - g["y"] / h, 0, 1)
        img += st * (0.9 - img)
    return sx, sy


def _paint_cloud(img, lab, cloud, K, g, off, S) -> None:
    """A cloud: union of circles with a flat base, lit on top and darker underneath."""
    cx, cy, top = cloud["cx"], cloud["cy"], cloud["top"]
    x0, x1 = int(max(cloud["left"] * S - 1, 0)), int(min(cloud["right"] * S + 2, S))
    y0, y1 = int(max(top * S - 1, 0)), int(min(cy * S + 2, S))
    if x1 <= x0 or y1 <= y0:
        return
    ys = g["y"][y0:y1]                                                         # (n, 1)
    d = None
    for dx, dy, r in cloud["circles"]:
        di = _dist(g, S, cy + dy, cx + dx, y0, y1, x0, x1) - r
        d = di if d is None else np.minimum(d, di)
    n = _tex(g, "fbm", off, S)[y0:y1, x0:x1]
    d = np.maximum(d + 0.012 * n, ys - cy)                                     # fluffy edge, flat base
    t = _clip((ys - top) * (1.0 / max(cy - top, 1e-3)), 0, 1) ** 1.5 + 0.25 * n  # 0 at the top, 1 at the base
    col = K["cloud_lit"] + t * (K["cloud_dark"] - K["cloud_lit"])
    _over(img[:, y0:y1, x0:x1], lab[y0:y1, x0:x1], _cov(d * S) * 0.96, col, CLOUD)


def _range_elevation(rg: dict, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Elevation above the horizon at x (N,) and the index of the peak owning each x."""
    tri = rg["h"][:, None] - np.abs(x - rg["x"][:, None]) * rg["fall"][:, None]   # (peaks, N) triangles
    owner = tri.argmax(0)
    elev = tri.max(0) + 0.03 * np.interp(x, _knots(len(rg["rough"])), rg["rough"])
    if rg["span"] is not None:                                                   # coastal islands end
        lo, hi = rg["span"]
        fade = _clip(np.minimum(x - lo, hi - x) * 4, 0, 1)
        elev = elev * fade - (1 - fade) * 0.05
    return elev.astype(np.float32), owner


def _paint_range(img, lab, rg, L, K, g, off, S) -> None:
    """One mountain range: lit and shadow faces, gullies, snow above a noisy snowline, haze at the base."""
    h = L["horizon"]
    x = g["x"][0]
    elev, owner = _range_elevation(rg, x)                                      # (S,), (S,)
    top = h - elev
    y0, y1 = int(max(top.min() * S - 1, 0)), int(min(h * S + 2, S))
    if y1 <= y0:
        return
    ys = g["y"][y0:y1]                                                         # (n, 1)
    below_top = ys - top                                                       # (n, S)
    cov = _cov(below_top * -S)
    streak = _tex(g, "streak", off, S)[y0:y1]
    # Lit or shadow face: which side of a jagged ridge line running down from the owner peak.
    ridge = rg["skew"][owner] * below_top + (rg["x"][owner] - x) + 0.025 * streak  # ridge minus x
    lit = (ridge < 0) if L["sun_x"] > 0.5 else (ridge > 0)
    litf = lit.astype(np.float32)
    depth = _clip(below_top * (1.0 / np.maximum(elev, 0.02)), 0, 1)             # 0 at the ridge, 1 at the base
    shade = (0.55 + 0.12 * streak) + litf * (0.5 - 0.25 * depth)
    dark = K["rock_dark"][L["rock"]]
    col = (dark + litf * (K["rock_lit"][L["rock"]] - dark)) * shade
    # Snow above the snowline (lower in winter); gullies pull it down.
    hmax = L["hmax"]
    if K["winter"] or hmax >= 0.22:
        line = (0.4 if K["winter"] else 0.8) * hmax
        snow = (streak * (0.08 * hmax) + (h - line - ys) > 0) & (cov > 0.5)
        col = np.where(snow, K["snow_dark"] + litf * (K["snow_lit"] - K["snow_dark"]), col)
    else:
        snow = None
    haze = rg["haze"] + (1 - rg["haze"]) * 0.35 * depth * depth              # toward the sky colour
    col += haze * (K["haze"] - col)
    _over(img[:, y0:y1], lab[y0:y1], cov, col, MOUNTAIN)
    if snow is not None:
        np.putmask(lab[y0:y1], snow, SNOW)


def _paint_treeline(img, lab, L, K, g, S) -> None:
    """A band of small conifer silhouettes on the far shore (a sawtooth profile on the horizon)."""
    tl, h = L["treeline"], L["horizon"]
    x = g["x"][0]
    n = tl["n"]
    k = np.minimum((x * n).astype(int), n)
    f = x * n - k                                                              # position inside a tree cell
    top = h - (tl["h"][k] * (1 - 2 * np.abs(f - 0.5)) * ~tl["gaps"][k] + 0.006)
    y0, y1 = int(max(top.min() * S - 1, 0)), int(min(h * S + 2, S))
    ys = g["y"][y0:y1]
    cov = _cov((top - ys) * S) * (ys < h + 1.0 / S)
    dark, lit = K["treeline"]
    _over(img[:, y0:y1], lab[y0:y1], cov, np.where(f < 0.5, lit, dark), TREE)


def _paint_below_horizon(img, lab, L, K, g, off, S, sun) -> None:
    """Ground, beach and water (reflecting the painted upper half), all rows below the horizon."""
    h = L["horizon"]
    y0 = int(max(h * S - 1, 0))
    ys = g["y"][y0:]                                                           # (n, 1)
    t = _clip((ys - h) * (1 / (1 - h)), 0, 1)                                  # 0 at the horizon, 1 at the bottom
    below = _cov((h - ys) * S)                                                 # (n, 1)
    sub_img, sub_lab = img[:, y0:], lab[y0:]
    mat = _materials(S)
    light, sky_h = K["light"], K["sky_h"]

    # Ground: grass (summer) or snow (winter), brighter in front, hazier far away.
    tex = mat["snow"] if K["winter"] else mat["grass"][L["grass"]]
    ground = _tex(g, None, off, S, tex)[:, y0:] * (light * (0.9 + 0.2 * t))
    ground += (0.4 * (1 - t) ** 3) * (K["haze"] - ground)
    sub_img += below * (ground - sub_img)
    sub_lab[int(np.searchsorted(ys[:, 0], h, side="right")):] = SNOW if K["winter"] else GRASS  # rows below h
    if L["shore"] is None:
        return

    x = g["x"][0]
    shore = h + _depth(L["shore"], x)                                          # (S,)
    beach = _depth(L["beach"], x)
    from_shore = ys - shore                                                    # (n, S), < 0 in the water
    # Beach: sand with a darker wet strip along the water; in winter, snow past the wet strip.
    beach_cov = _cov((from_shore - beach) * S) * below
    sand = _tex(g, None, off, S, mat["sand"])[:, y0:] * light
    sand += _clip(1.0 - from_shore * (1.0 / np.maximum(beach * 0.3, 0.008)), 0, 1) * (K["sand_wet"] - sand)
    _over(sub_img, sub_lab, beach_cov, sand, SAND)
    if K["winter"]:
        fbm = _tex(g, "fbm", off, S)[y0:]
        snowy = _clip((from_shore - 0.035) * 40 + 0.6 * fbm, 0, 1) * beach_cov    # snow past a wet strip
        _over(sub_img, sub_lab, snowy, ground, SNOW)

    # Water: the painted upper half mirrored about the horizon, shifted by ripples.
    ripple = _tex(g, "ripple", off, S)[y0:]
    my = np.minimum(np.maximum(((2 * h - ys) * S).astype(np.intp), 0), S - 1)  # mirrored row (n, 1)
    mx = np.minimum(np.maximum(g["cols"] + _tex(g, "shift", off, S)[y0:], 0), S - 1)
    refl = np.take(img.reshape(3, S * S), my * S + mx, axis=1)                 # (3, n, S); faster than img[:, my, mx]
    near = _clip(1.0 + from_shore * 14, 0, 1)                                  # 1 at the shoreline
    water = K["water_deep"] + near * (K["water_shallow"] - K["water_deep"])
    k = 0.6 - 0.4 * _clip((ys - h) * (1 / max(float(shore.max()) - h, 0.05)), 0, 1)  # reflection strength (n, 1)
    water += k * (refl * 0.92 - water)
    # Glints: ripple crests catch the light, most along the path below the sun or moon.
    path = np.exp(np.abs(x - sun[0]) * (-1 / (0.05 + 0.25 * t)))             # (n, S)
    glint = _tex(g, "crest", off, S)[y0:] * (0.12 + 0.7 * path)
    water += (glint * (0.4 if K["winter"] else 1.0) + 0.05 * ripple) * (K["sun"] - water)
    if K["winter"]:                                                            # frozen-ish: pale, matte ice
        water += 0.5 * (_tex(g, None, off, S, mat["ice"])[:, y0:] * K["ice"] - water)
    foam = _clip(1.5 + from_shore * (S * 0.7), 0, 1) * 0.45                   # a bright line at the shore
    water += foam * (K["foam"] - water)
    _over(sub_img, sub_lab, _cov(from_shore * S) * below, water, WATER)


def _paint_tree(img, lab, tree, L, K, g, off, S) -> None:
    """A conifer (stacked triangles) or a round tree (union of circles), with trunk and ground shadow."""
    conifer, cx, base, hgt, jit = tree
    w = hgt * ((0.26 + 0.08 * jit[0]) if conifer else (0.36 + 0.1 * jit[0]))
    x0, x1 = int(max((cx - w * 1.6) * S - 1, 0)), int(min((cx + w * 1.6) * S + 2, S))
    y0, y1 = int(max((base - hgt) * S - 1, 0)), int(min((base + 0.02) * S + 2, S))
    if x1 <= x0 or y1 <= y0:
        return
    ys, xs = g["y"][y0:y1], g["x"][:, x0:x1]                                   # (n, 1), (1, m)
    sub_img, sub_lab = img[:, y0:y1, x0:x1], lab[y0:y1, x0:x1]
    leaf = _tex(g, "leaf", off, S)[y0:y1, x0:x1]
    u = (xs - cx) * ((1.0 if L["sun_x"] > 0.5 else -1.0) / w)                  # toward the sun, in crown widths

    if not K["stars"] and hgt * S > 6:                                         # soft shadow on the ground, away from the sun
        sr = 0.018 + 0.03 * hgt
        sub_img *= 1 - np.maximum(1 - np.abs(u + 0.5) * (1 / 1.1), 0) * np.maximum(0.28 - np.abs(ys - base) * (0.28 / sr), 0)
    trunk_h = hgt * (0.14 if conifer else 0.38)
    tw = max(w * (0.12 if conifer else 0.13), 0.6 / S)
    _over(sub_img, sub_lab, _box(xs, cx - tw, cx + tw, S) * _box(ys, base - trunk_h, base, S), K["trunk"], TREE)

    top, bottom = base - hgt, base - trunk_h
    if conifer:
        # Stacked tiers: the half-width of the crown as a function of the row only, (n, 1).
        n = 3 if hgt * S > 12 else 2
        width = tier = None                                                    # tier: 0 at a tier's apex, 1 at its base
        for i in range(n):
            t_top = top + (bottom - top) * i / (n + 0.6)
            t_bot = top + (bottom - top) * (i + 1.6) / (n + 0.6)
            wi = np.interp(ys, (t_top, t_bot, t_bot + 1e-6), (0.0, w * (0.55 + 0.45 * (i + 1) / n), -1.0), -1.0, -1.0)
            if K["winter"]:
                f = (ys - t_top) * (1 / (t_bot - t_top))
                tier = f if tier is None else np.where(wi > width, f, tier)
            width = wi if width is None else np.maximum(width, wi)
        lit = _clip(0.5 + 1.6 * u, 0, 1)                                       # (1, m)
        col = (K["conifer_dark"] + lit * (K["conifer_lit"] - K["conifer_dark"])) * (0.9 + 0.15 * jit[1] + 0.25 * leaf)
        if K["winter"]:                                                        # snow lying on each tier
            col += _clip((0.45 + 0.25 * leaf - tier) * 5, 0, 1) * ((0.7 + 0.3 * lit) * K["tree_snow"] - col)
        _over(sub_img, sub_lab, _cov((np.abs(xs - cx) - width) * S), col, TREE)
        return

    # Round crown: a big circle and two lower side lobes, with a leafy edge.
    r = w * 0.62
    cy = top + r
    d = np.minimum(_dist(g, S, cy + 0.5 * r, cx - 0.5 * r, y0, y1, x0, x1),
                   _dist(g, S, cy + 0.5 * r, cx + 0.5 * r, y0, y1, x0, x1)) + 0.25 * r
    d = np.minimum(d, _dist(g, S, cy, cx, y0, y1, x0, x1)) + (0.02 * hgt) * leaf
    cov = _cov((d - r) * S)
    lit = _clip((0.55 + 0.8 * w / (1.4 * r) * u) - (ys - cy) * (0.7 / (1.6 * r)), 0, 1)
    if K["winter"]:                                                            # bare crown: branches and twigs
        np.putmask(sub_lab, cov > 0.5, TREE)
        _paint_bare_crown(sub_img, cov, lit, leaf, cx, bottom, r, hgt, jit, K, g, S, (y0, y1, x0, x1))
        return
    col = (K["leaves_dark"] + lit * (K["leaves_lit"] - K["leaves_dark"])) * (0.8 + 0.25 * jit[1] + 0.3 * leaf)
    _over(sub_img, sub_lab, cov, col, TREE)


def _paint_bare_crown(sub_img, cov, lit, leaf, cx, fork, r, hgt, jit, K, g, S, box) -> None:
    """Winter crown: branches radiating from the top of the trunk, a haze of twigs, snow on top.

    A point at angle theta (from vertical) and distance rad from the fork is
    about rad * |sin(k theta + phase)| / k from the nearest of k radial branches.
    """
    y0, y1, x0, x1 = box
    rad = _dist(g, S, fork, cx, y0, y1, x0, x1)                               # (n, m) from the fork
    theta = np.arctan2(g["x"][:, x0:x1] - cx, fork - g["y"][y0:y1])           # 0 = straight up
    k = 5 + int(3 * jit[2])
    reach = 2.4 * r
    d = rad * np.abs(np.sin(theta * k + 6.3 * jit[3])) * (1 / k) - (0.035 * hgt) * np.maximum(1 - rad * (1 / reach), 0)
    branches = _cov(d * S - 0.3) * (np.abs(theta) < 1.25) * _clip(1.6 - rad * (1.6 / reach), 0, 1)
    twigs = K["twigs_dark"] + lit * (K["twigs_lit"] - K["twigs_dark"])
    sub_img += (cov * _clip(0.25 + 0.5 * leaf, 0, 0.55)) * (twigs - sub_img)  # fine twigs: see-through
    sub_img += np.maximum(branches, 0) * (K["twigs_dark"] * 0.8 - sub_img)
    snow = _clip((lit - 0.45 + 0.6 * leaf) * 3, 0, 0.8) * cov * (leaf > 0)  # snow caught on the upper twigs
    sub_img += snow * (K["tree_snow"] - sub_img)


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
    layout = _sample_layout(_Draws(np.random.default_rng([int(seed), 1])))
    style = _sample_style(_Draws(np.random.default_rng([int(seed), 2]), 4), time, season)
    labels, image = _render(layout, style, int(size))
    return labels, image, style


def sample_seed(seed: int, i: int) -> int:
    """The seed of sample ``i`` of a dataset with ``seed``."""
    return int(seed) * 1_000_003 + int(i)


class LandscapeDataset(Dataset):
    """Procedural landscapes: {"image": (3, H, W) float in [-1, 1], "label": (H, W) long, "time": int, "season": int}.

    Items are drawn once and read back afterwards (training.datasets.cache; cache=False: draw every time).
    take(idx) returns the batch of items idx at once, as default_collate would stack them."""

    def __init__(self, size: int = 64, length: int = 10000, seed: int = 0, time: str | None = None,
                 season: str | None = None, cache: bool = True):
        self.size, self.length, self.seed, self.time, self.season = int(size), int(length), int(seed), time, season
        S = self.size
        fields = {"image": ((S, S, 3), np.uint8), "label": ((S, S), np.uint8), "time": ((), np.uint8),
                  "season": ((), np.uint8)}
        params = dict(size=S, length=self.length, seed=self.seed, time=time, season=season)
        self.cache = RenderCache("landscapes", params, __file__, self.length, fields, self._render, use=cache)

    def __len__(self) -> int:
        return self.length

    def config_fields(self) -> dict:
        """Merged into a model's config by training.setup (class names and display colours)."""
        return {"classes": list(CLASSES), "palette": [c["color"] for c in palette_json()]}

    def _render(self, i: int) -> dict:
        labels, image, style = make_landscape(sample_seed(self.seed, i), self.size, self.time, self.season)
        return {"image": image, "label": labels, "time": TIMES.index(style["time"]),
                "season": SEASONS.index(style["season"])}

    def take(self, idx) -> dict:
        """Items idx as one batch: image (N, 3, H, W), label (N, H, W), time (N,), season (N,)."""
        a = self.cache.get(idx)
        return {"image": to_tensor(a["image"]), "label": torch.from_numpy(a["label"]).long(),
                "time": torch.from_numpy(np.asarray(a["time"])).long(),
                "season": torch.from_numpy(np.asarray(a["season"])).long()}

    def __getitem__(self, i: int) -> dict:
        if not 0 <= i < self.length:
            raise IndexError(i)
        b = self.take([i])
        return {"image": b["image"][0], "label": b["label"][0], "time": int(b["time"][0]),
                "season": int(b["season"][0])}
