"""Synthetic cartoon faces with known attributes at three scales (for the StyleGAN demos).

Face model
----------
A face is a fixed list of shapes, each a signed distance function (SDF) evaluated
on pixel-centre coordinates, so it draws anti-aliased at any size (coverage =
clamp(1/2 - distance in pixels)). Shapes, back to front:

    background   vertical gradient and a soft halo, hue = ``bg_hue``
    shoulders    shirt in the complementary hue, neck with a shadow under the chin
    hair (back)  long hair falls behind the head to the shoulders
    ears, head   round / oval / square (rounded box), shaded toward the rim, outlined
    hair (front) a cap with a swept fringe; a bun on top for "bun"
    face         brows, eyes (sclera, iris, pupil, highlight; or closed lids),
                 nose shadow, mouth (open smile or neutral line), cheeks, glasses

Everything above the neck lives in the head's own frame, rotated by ``tilt``
degrees about the neck, so tilting moves hair, eyes and glasses together.

Attributes (``ATTRIBUTES``) come in three scales, the way StyleGAN's layers split
them: coarse (head shape, tilt, hair style), middle (eyes open, eye size, smile,
glasses) and fine (skin tone, hair colour, eye colour, background hue). All are
drawn from the seed in a fixed order, then ``overrides`` replace some, so fixing
one attribute leaves the others of that seed unchanged. Small nuisance jitters
(feature spacing, fringe shape, ...) also come from the seed.
"""
from __future__ import annotations

import colorsys
import math
from functools import lru_cache

import numpy as np
import torch
from torch.utils.data import Dataset

from studio.images import to_tensor

from .cache import RenderCache

HEAD_SHAPES = ["round", "oval", "square"]
HAIR_STYLES = ["bald", "short", "long", "bun"]
SKIN_TONES = {"porcelain": (255, 222, 198), "fair": (243, 196, 164), "beige": (226, 172, 130),
              "tan": (196, 138, 96), "brown": (150, 98, 66), "deep": (100, 64, 44)}
HAIR_COLORS = {"black": (34, 30, 34), "dark brown": (78, 50, 34), "chestnut": (132, 80, 44),
               "auburn": (170, 74, 38), "blonde": (226, 186, 110), "silver": (206, 206, 212)}
EYE_COLORS = {"brown": (96, 58, 32), "hazel": (134, 104, 46), "green": (64, 134, 80),
              "blue": (62, 120, 196), "grey": (116, 128, 140)}


def _hex(c) -> str:
    return "#%02x%02x%02x" % tuple(c)


ATTRIBUTES: list[dict] = [
    dict(name="head_shape", scale="coarse", kind="categorical", values=HEAD_SHAPES),
    dict(name="tilt", scale="coarse", kind="continuous", range=(-20.0, 20.0), unit="degrees"),
    dict(name="hair_style", scale="coarse", kind="categorical", values=HAIR_STYLES),
    dict(name="eyes_open", scale="middle", kind="bool"),
    dict(name="eye_size", scale="middle", kind="continuous", range=(0.75, 1.3)),
    dict(name="smile", scale="middle", kind="bool"),
    dict(name="glasses", scale="middle", kind="bool"),
    dict(name="skin_tone", scale="fine", kind="categorical", values=list(range(len(SKIN_TONES))),
         labels=list(SKIN_TONES), colors=[_hex(c) for c in SKIN_TONES.values()]),
    dict(name="hair_color", scale="fine", kind="categorical", values=list(range(len(HAIR_COLORS))),
         labels=list(HAIR_COLORS), colors=[_hex(c) for c in HAIR_COLORS.values()]),
    dict(name="eye_color", scale="fine", kind="categorical", values=list(range(len(EYE_COLORS))),
         labels=list(EYE_COLORS), colors=[_hex(c) for c in EYE_COLORS.values()]),
    dict(name="bg_hue", scale="fine", kind="continuous", range=(0.0, 1.0)),
]
ATTRIBUTE_NAMES = [a["name"] for a in ATTRIBUTES]
_BY_NAME = {a["name"]: a for a in ATTRIBUTES}

_SKIN = [np.asarray(c, np.float32).reshape(3, 1, 1) / 255 for c in SKIN_TONES.values()]
_HAIR = [np.asarray(c, np.float32).reshape(3, 1, 1) / 255 for c in HAIR_COLORS.values()]
_EYE = [np.asarray(c, np.float32).reshape(3, 1, 1) / 255 for c in EYE_COLORS.values()]


def _c(*rgb: int) -> np.ndarray:
    """A colour as a (3, 1, 1) float array in [0, 1]."""
    return (np.asarray(rgb, np.float32) / 255).reshape(3, 1, 1)


_WHITE, _INK, _LIPS, _MOUTH, _TEETH, _BLUSH = (_c(250, 250, 252), _c(40, 30, 34), _c(196, 90, 90), _c(110, 34, 42),
                                               _c(250, 248, 240), _c(240, 120, 120))
_FRAME = (_c(34, 32, 38), _c(120, 40, 40), _c(40, 60, 110), _c(150, 110, 60))


# --------------------------------------------------------------------------------------
# Attributes
# --------------------------------------------------------------------------------------

def sample_attributes(rng: np.random.Generator) -> dict:
    """Draw every attribute in a fixed order (so overriding one leaves the rest alone)."""
    u = rng.random(11).tolist()
    return {
        "head_shape": HEAD_SHAPES[min(int(u[0] * 3), 2)],
        "tilt": round(-20.0 + 40.0 * (u[1] + rng.random()) / 2, 3),          # triangular: mostly upright
        "hair_style": HAIR_STYLES[_pick(u[2], [0.14, 0.36, 0.32, 0.18])],
        "eyes_open": u[3] < 0.75,
        "eye_size": round(0.75 + 0.55 * u[4], 3),
        "smile": u[5] < 0.55,
        "glasses": u[6] < 0.3,
        "skin_tone": min(int(u[7] * len(_SKIN)), len(_SKIN) - 1),
        "hair_color": _pick(u[8], [0.2, 0.22, 0.18, 0.12, 0.18, 0.1]),
        "eye_color": _pick(u[9], [0.34, 0.18, 0.14, 0.22, 0.12]),
        "bg_hue": round(u[10], 4),
    }


def _pick(u: float, p: list[float]) -> int:
    acc = 0.0
    for i, q in enumerate(p):
        acc += q
        if u * sum(p) < acc:
            return i
    return len(p) - 1


def _check(attrs: dict) -> None:
    for k, v in attrs.items():
        a = _BY_NAME.get(k)
        if a is None:
            raise ValueError(f"unknown face attribute {k!r}: use {ATTRIBUTE_NAMES}")
        if a["kind"] == "categorical" and v not in a["values"]:
            raise ValueError(f"{k} must be one of {a['values']}, not {v!r}")
        if a["kind"] == "continuous" and not a["range"][0] <= float(v) <= a["range"][1]:
            raise ValueError(f"{k} must lie in {a['range']}, not {v!r}")


def encode_attributes(attrs: dict) -> dict:
    """Attributes as numbers: categorical -> index into values, bool -> 0/1, continuous -> float."""
    out = {}
    for a in ATTRIBUTES:
        v = attrs[a["name"]]
        out[a["name"]] = a["values"].index(v) if a["kind"] == "categorical" else (
            int(bool(v)) if a["kind"] == "bool" else float(v))
    return out


# --------------------------------------------------------------------------------------
# Cached grids and SDF helpers
# --------------------------------------------------------------------------------------

@lru_cache(maxsize=8)
def _grids(size: int) -> dict:
    """Pixel-centre coordinates, background shading and a hair-strand texture for one size."""
    S = size
    c = (np.arange(S, dtype=np.float32) + 0.5) / S
    y, x = c[:, None], c[None, :]
    rng = np.random.default_rng(7000 + S)
    # Hair strands: noise stretched along y, blurred across x a little.
    k = max(S // 8, 2)
    strands = rng.uniform(-1, 1, (S // k + 2, S))
    t = np.linspace(0, S // k, S)                                            # smooth along y
    i = t.astype(int)
    strands = strands[i] + (t - i)[:, None] * (strands[i + 1] - strands[i])
    blur = max(S // 64, 1)                                                    # strands a pixel or two wide
    strands = sum(np.roll(strands, o, 1) for o in range(-blur, blur + 1)) / (2 * blur + 1)
    strands = strands / np.abs(strands).max()
    halo = np.sqrt((x - 0.5) ** 2 + (y - 0.42) ** 2)
    return dict(
        y=y, x=x,
        bg_t=(0.65 * y + 0.5 * np.clip(halo * 1.6, 0, 1) - 0.15).astype(np.float32),  # 0 light .. 1 dark
        strands=strands.astype(np.float32),
        grain=rng.uniform(-1, 1, (S, S)).astype(np.float32),
    )


def _clip(a, lo, hi):
    return np.minimum(np.maximum(a, lo), hi)


def _cov(d: np.ndarray, S: int) -> np.ndarray:
    """Coverage from a signed distance in image units (negative inside), anti-aliased over a pixel."""
    return _clip(0.5 - d * S, 0.0, 1.0)


class _Frame:
    """The head's rotated frame: local coordinates (u, v) of every pixel, cut to boxes on demand.

    u = c (x - px) + s (y - py) + px,  v = -s (x - px) + c (y - py) + py   (pivot p at the neck)
    """

    def __init__(self, g: dict, S: int, tilt_deg: float, pivot=(0.5, 0.8)):
        t = math.radians(tilt_deg)
        self.c, self.s, self.p, self.S = math.cos(t), math.sin(t), pivot, S
        px, py = pivot
        x, y = g["x"], g["y"]
        self.u = (self.c * (x - px) + px) + self.s * (y - py)                  # (S, S)
        self.v = (-self.s * (x - px)) + (self.c * (y - py) + py)

    def to_image(self, u: float, v: float) -> tuple[float, float]:
        px, py = self.p
        du, dv = u - px, v - py
        return px + self.c * du - self.s * dv, py + self.s * du + self.c * dv

    def box(self, u: float, v: float, r: float) -> tuple[slice, slice]:
        """Rows and columns covering a disc of radius r (local units) around local (u, v)."""
        x, y = self.to_image(u, v)
        S = self.S
        return (slice(max(int((y - r) * S) - 1, 0), min(int((y + r) * S) + 2, S)),
                slice(max(int((x - r) * S) - 1, 0), min(int((x + r) * S) + 2, S)))


def _ellipse(u, v, cu, cv, ru, rv):
    """Approximate SDF of an axis-aligned ellipse (exact for circles)."""
    return (np.sqrt(((u - cu) * (1 / ru)) ** 2 + ((v - cv) * (1 / rv)) ** 2) - 1) * min(ru, rv)


def _rounded_box(u, v, cu, cv, hu, hv, r):
    """SDF of a box with half sizes (hu, hv) and corner radius r."""
    qu = np.abs(u - cu) - (hu - r)
    qv = np.abs(v - cv) - (hv - r)
    out = np.sqrt(np.maximum(qu, 0) ** 2 + np.maximum(qv, 0) ** 2)
    return out + np.minimum(np.maximum(qu, qv), 0) - r


def _paint(img, cov, color) -> None:
    """img (3, h, w) <- color over img with coverage (h, w)."""
    img += cov * (color - img)


# --------------------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------------------

def _hsv(h: float, s: float, v: float) -> np.ndarray:
    return np.asarray(colorsys.hsv_to_rgb(h % 1.0, s, v), np.float32).reshape(3, 1, 1)


def _head_sdf(u, v, shape: str, cu: float, cv: float, j: list[float]):
    """Head outline: round, oval or a rounded square, with a slightly narrower chin."""
    if shape == "round":
        return _ellipse(u, v, cu, cv, 0.235 + 0.01 * j[0], 0.25)
    if shape == "oval":
        return _ellipse(u, v, cu, cv, 0.2 + 0.01 * j[0], 0.275)
    return _rounded_box(u, v, cu, cv, 0.215 + 0.01 * j[0], 0.255, 0.085)


def _draw(attrs: dict, nuis: list[float], S: int) -> np.ndarray:
    """Render one face: (3, S, S) float32 in [0, 1]."""
    g = _grids(S)
    skin, hair_c, eye_c = _SKIN[attrs["skin_tone"]], _HAIR[attrs["hair_color"]], _EYE[attrs["eye_color"]]
    hue = attrs["bg_hue"]
    j = nuis

    # Background: light at the top and behind the head, darker toward the corners.
    top, bottom = _hsv(hue, 0.28, 0.95), _hsv(hue + 0.03, 0.5, 0.62)
    img = top + g["bg_t"] * (bottom - top) + 0.008 * g["grain"]                  # (3, S, S)

    # Shoulders and neck (not tilted).
    y, x = g["y"], g["x"]
    rows = slice(int(0.6 * S), S)
    ys, sub = y[rows], img[:, rows]
    shirt = _hsv(hue + 0.5 + 0.1 * (j[1] - 0.5), 0.45 + 0.2 * j[2], 0.55 + 0.2 * j[3])
    d_sh = _ellipse(x, ys, 0.5, 1.1, 0.4 + 0.03 * j[4], 0.26)
    _paint(sub, _cov(d_sh, S), shirt * (1.05 - 0.25 * _clip((ys - 0.86) * 4, 0, 1)))
    neck_w = 0.075 + 0.01 * j[5]
    d_collar = _ellipse(x, ys, 0.5, 0.82, neck_w + 0.03, 0.085)                  # crew neckline
    _paint(sub, _cov(np.maximum(d_collar, d_sh - 0.02), S), shirt * 0.7)
    d_neck = np.maximum(np.abs(x - 0.5) - neck_w, np.maximum(_ellipse(x, ys, 0.5, 0.8, neck_w + 0.02, 0.08), 0.6 - ys))
    _paint(sub, _cov(d_neck, S), skin * (0.72 + 0.14 * _clip((ys - 0.72) * 8, 0, 1)))
    # Head frame.
    F = _Frame(g, S, attrs["tilt"])
    u, v = F.u, F.v
    cu, cv = 0.5, 0.46
    style, shape = attrs["hair_style"], attrs["head_shape"]
    d_head = _head_sdf(u, v, shape, cu, cv, j)                                 # (S, S)
    hw = {"round": 0.235, "oval": 0.2, "square": 0.215}[shape] + 0.01 * j[0]
    head_top = cv - (0.275 if shape == "oval" else 0.25 if shape == "round" else 0.255)

    # Hair behind the head: long hair to the shoulders.
    hair_dark = hair_c * 0.62
    strands = g["strands"]
    if style == "long":
        d_back = _rounded_box(u, v, cu, cv + 0.1, hw + 0.07, 0.36, 0.2)
        d_back = np.maximum(d_back, v - (0.84 + 0.03 * j[6] + 0.012 * np.cos((u - cu) * 40)))  # wavy ends
        shade = 0.75 + 0.12 * strands - 0.25 * _clip((v - 0.55) * 3, 0, 1)
        _paint(img, _cov(d_back, S), hair_c * shade)

    # Ears.
    ear_v = cv + 0.03
    for side in (-1, 1):
        rs, cs = F.box(cu + side * hw, ear_v, 0.07)
        d_ear = _ellipse(u[rs, cs], v[rs, cs], cu + side * (hw + 0.005), ear_v, 0.045, 0.065)
        _paint(img[:, rs, cs], _cov(d_ear, S), skin * 0.9)
        _paint(img[:, rs, cs], _cov(np.abs(d_ear) - 0.004, S) * 0.5, skin * 0.55)

    # Head: skin shaded toward the rim and lit from the upper left, with an outline.
    light = _clip(-d_head * 9, 0, 1) * 0.16 + (0.5 - u) * 0.12 + (cv - v) * 0.1
    _paint(img, _cov(d_head, S), skin * (0.86 + light))
    _paint(img, _cov(np.abs(d_head) - 0.005, S) * 0.55, skin * 0.5)

    # Hair in front: a cap over the top of the head with a swept fringe.
    if style != "bald":
        tight = style == "bun"
        d_cap = d_head - (0.012 if tight else 0.028)                          # a little outside the head
        du = (u - cu) * (1 / hw)
        sweep = (j[7] - 0.5) * 0.12
        fringe = (cv - (0.14 if tight else 0.115) - 0.04 * j[8]) + (0.1 + 0.04 * j[9]) * (du - sweep) ** 2
        fringe = fringe + 0.012 * np.sin(du * (9 + 4 * j[10]))               # wavy edge
        if style == "long":                                                  # locks falling beside the face
            fringe = fringe + 0.3 * _clip(np.abs(du) - 0.78, 0, 1) * 3
        d_front = np.maximum(d_cap, v - fringe)
        shade = 0.9 + 0.16 * strands + 0.18 * _clip((cv - 0.12 - v) * 6, -1, 1)
        _paint(img, _cov(d_front, S), hair_c * shade)
        _paint(img, _cov(np.maximum(np.abs(d_front) - 0.004, d_front - 0.01), S) * 0.45, hair_dark * 0.7)
        if style == "bun":
            rs, cs = F.box(cu, head_top - 0.03, 0.12)
            d_bun = _ellipse(u[rs, cs], v[rs, cs], cu, head_top - 0.035, 0.1, 0.085)
            bshade = 0.85 + 0.2 * strands[rs, cs] + 0.15 * _clip((head_top - 0.04 - v[rs, cs]) * 12, -1, 1)
            _paint(img[:, rs, cs], _cov(d_bun, S), hair_c * bshade)
            _paint(img[:, rs, cs], _cov(np.abs(d_bun) - 0.004, S) * 0.5, hair_dark * 0.7)
    else:                                                                    # a shine on the bald head
        rs, cs = F.box(cu - 0.07, head_top + 0.07, 0.06)
        d_shine = _ellipse(u[rs, cs], v[rs, cs], cu - 0.07, head_top + 0.07, 0.05, 0.03)
        _paint(img[:, rs, cs], _clip(-d_shine * 40, 0, 1) * 0.25, _WHITE)

    _draw_features(img, F, attrs, j, skin, hair_c, eye_c, cu, cv, S)
    return img


def _draw_features(img, F, attrs, j, skin, hair_c, eye_c, cu, cv, S) -> None:
    """Brows, eyes, nose, mouth, cheeks and glasses, all in the head frame."""
    u, v = F.u, F.v
    es = attrs["eye_size"]
    gap = 0.085 + 0.012 * j[11]
    ev = cv + 0.02 + 0.015 * j[12]
    for side in (-1, 1):
        eu = cu + side * gap
        rs, cs = F.box(eu, ev - 0.02, 0.075 * es + 0.03)
        uu, vv, sub = u[rs, cs], v[rs, cs], img[:, rs, cs]
        if attrs["eyes_open"]:
            d_white = _ellipse(uu, vv, eu, ev, 0.043 * es, 0.034 * es)
            _paint(sub, _cov(d_white, S), _WHITE)
            look = (j[13] - 0.5) * 0.012
            d_iris = np.maximum(_ellipse(uu, vv, eu + look, ev + 0.002, 0.026 * es, 0.026 * es), d_white)
            _paint(sub, _cov(d_iris, S), eye_c * (1.05 - 0.5 * _clip((ev - vv) * 40 + 0.5, 0, 1)))
            d_pupil = _ellipse(uu, vv, eu + look, ev + 0.002, 0.012 * es, 0.012 * es)
            _paint(sub, _cov(d_pupil, S), _INK)
            d_hl = _ellipse(uu, vv, eu + look - 0.009 * es, ev - 0.008 * es, 0.0065 * es, 0.0065 * es)
            _paint(sub, _cov(d_hl, S), _WHITE)
            lid = np.maximum(np.abs(d_white) - 0.004, vv - ev)                 # upper lid line
            _paint(sub, _cov(lid, S), _INK)
        else:                                                                # closed: a curved lash line
            w = 0.042 * es
            curve = vv - (ev + 0.006 - 0.014 * (1 - ((uu - eu) / w) ** 2))
            d_lid = np.maximum(np.abs(curve) - 0.0045, np.abs(uu - eu) - w)
            _paint(sub, _cov(d_lid, S), _INK)
        # Brow: a thick arc above the eye.
        bw = 0.048
        bv = ev - 0.052 * es - 0.018 - 0.01 * j[14]
        arch = bv + 0.012 * ((uu - eu - side * 0.005) / bw) ** 2 + side * (uu - eu) * 0.08 * (j[15] - 0.5)
        d_brow = np.maximum(np.abs(vv - arch) - 0.008, np.abs(uu - eu - side * 0.006) - bw)
        _paint(sub, _cov(d_brow, S), hair_c * 0.7 if attrs["hair_color"] != 5 else hair_c * 0.55)

    # Nose: a soft shadow with a small highlight.
    nv = cv + 0.1 + 0.01 * j[16]
    rs, cs = F.box(cu, nv, 0.05)
    uu, vv, sub = u[rs, cs], v[rs, cs], img[:, rs, cs]
    d_nose = _ellipse(uu, vv, cu + 0.006, nv, 0.022, 0.016)
    _paint(sub, _clip(-d_nose * S * 0.5 + 0.5, 0, 1) * 0.35, skin * 0.6)

    # Mouth.
    mv = cv + 0.17 + 0.015 * j[17]
    mw = (0.068 if attrs["smile"] else 0.06) + 0.02 * j[18]
    rs, cs = F.box(cu, mv + 0.02, 0.1)
    uu, vv, sub = u[rs, cs], v[rs, cs], img[:, rs, cs]
    t = ((uu - cu) / mw) ** 2
    if attrs["smile"]:                                                       # open smile: flat top, round bottom
        upper = mv - 0.014 * t
        lower = mv + (0.03 + 0.015 * j[19]) * (1 - t) - 0.014 * t
        d_m = np.maximum(np.maximum(upper - vv, vv - lower), np.abs(uu - cu) - mw)
        _paint(sub, _cov(d_m, S), _MOUTH)
        d_teeth = np.maximum(d_m, vv - (upper + 0.012))
        _paint(sub, _cov(d_teeth, S), _TEETH)
        _paint(sub, _cov(np.abs(d_m) - 0.003, S) * 0.8, _LIPS * 0.6)
        for side in (-1, 1):                                                 # cheeks
            cheek = _ellipse(uu, vv, cu + side * (mw + 0.045), mv - 0.035, 0.035, 0.025)
            _paint(sub, _clip(-cheek * 25, 0, 1) * 0.3, _BLUSH)
    else:                                                                    # neutral: a slightly curved line
        line = vv - (mv + 0.008 * (t - 0.5) * (j[19] - 0.3))
        d_m = np.maximum(np.abs(line) - 0.006, np.abs(uu - cu) - mw * 0.75)
        _paint(sub, _cov(d_m, S), _LIPS * 0.55)

    # Glasses: two round or squarish rims, a bridge and arms toward the ears.
    if attrs["glasses"]:
        frame = _FRAME[int(j[20] * len(_FRAME)) % len(_FRAME)]
        es = attrs["eye_size"]
        r = 0.05 + 0.012 * es
        square = j[21] < 0.5
        rs, cs = F.box(cu, ev, 2 * gap + r + 0.06)
        uu, vv, sub = u[rs, cs], v[rs, cs], img[:, rs, cs]
        d = None
        for side in (-1, 1):
            eu = cu + side * gap
            rim = _rounded_box(uu, vv, eu, ev, r * 1.05, r * 0.85, r * 0.4) if square else _ellipse(uu, vv, eu, ev, r, r)
            _paint(sub, _cov(rim, S) * 0.18, _WHITE)                        # lens glint
            ring = np.abs(rim) - 0.006
            d = ring if d is None else np.minimum(d, ring)
        bridge = np.maximum(np.abs(vv - (ev - 0.01)) - 0.005, np.abs(uu - cu) - (gap - r * 0.95))
        arms = np.maximum(np.abs(vv - (ev - 0.015)) - 0.005, np.abs(np.abs(uu - cu) - (gap + r + 0.03)) - 0.035)
        _paint(sub, _cov(np.minimum(np.minimum(d, bridge), arms), S), frame)


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------

def make_face(seed: int, size: int = 64, **overrides) -> tuple[np.ndarray, dict]:
    """One face: (image (H, W, 3) uint8, attributes dict). ``overrides`` fix attributes by name."""
    _check(overrides)
    rng = np.random.default_rng([int(seed), 3])
    attrs = sample_attributes(rng)
    nuis = rng.random(24).tolist()
    attrs.update({k: (type(attrs[k])(v) if not isinstance(attrs[k], bool) else bool(v)) for k, v in overrides.items()})
    img = _draw(attrs, nuis, int(size))
    np.clip(img, 0.0, 1.0, out=img)
    out = (img * 255.0 + 0.5).astype(np.uint8)
    return np.ascontiguousarray(out.transpose(1, 2, 0)), attrs


def sample_seed(seed: int, i: int) -> int:
    """The seed of sample ``i`` of a dataset with ``seed``."""
    return int(seed) * 1_000_003 + int(i)


class FaceDataset(Dataset):
    """Cartoon faces: {"image": (3, H, W) float in [-1, 1], "attrs": {name: int or float tensor}}.

    Categorical attributes are indices into ``ATTRIBUTES[k]["values"]``, bools 0/1,
    continuous ones floats. ``overrides`` fix attributes for every sample. Items are drawn once
    and read back afterwards (training.datasets.cache; cache=False: draw every time); take(idx)
    returns the batch of items idx at once, as default_collate would stack them.
    """

    def __init__(self, size: int = 64, length: int = 10000, seed: int = 0, cache: bool = True, **overrides):
        _check(overrides)
        self.size, self.length, self.seed, self.overrides = int(size), int(length), int(seed), overrides
        fields = {"image": ((self.size, self.size, 3), np.uint8)}
        fields.update({a["name"]: ((), np.float32 if a["kind"] == "continuous" else np.int64) for a in ATTRIBUTES})
        params = dict(size=self.size, length=self.length, seed=self.seed, overrides=overrides)
        self.cache = RenderCache("faces", params, __file__, self.length, fields, self._render, use=cache)

    def __len__(self) -> int:
        return self.length

    def _render(self, i: int) -> dict:
        image, attrs = make_face(sample_seed(self.seed, i), self.size, **self.overrides)
        return {"image": image, **encode_attributes(attrs)}

    def take(self, idx) -> dict:
        """Items idx as one batch: image (N, 3, H, W), attrs {name: (N,) long or float}."""
        a = self.cache.get(idx)
        return {"image": to_tensor(a["image"]),
                "attrs": {n: torch.from_numpy(np.asarray(a[n])) for n in ATTRIBUTE_NAMES}}

    def __getitem__(self, i: int) -> dict:
        if not 0 <= i < self.length:
            raise IndexError(i)
        b = self.take([i])
        return {"image": b["image"][0], "attrs": {k: v[0] for k, v in b["attrs"].items()}}
