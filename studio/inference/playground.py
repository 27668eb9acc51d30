"""The 2-D GAN playground for scripts and for the tab: train from scratch and report, or turn a running
game (training.playground.Playground, one per user) into the plain lists a page draws.

Nothing here keeps state: the tab holds each user's Playground in its gr.State.
"""
from __future__ import annotations

import base64
import json
import math

import numpy as np
import torch

from training.playground import REMEDIES, TARGETS, Playground, Settings
from training.playground.targets import EXTENT

from . import check_seed, whole

MAX_STEPS = 10_000        # one API call trains at most this many steps (a few seconds to a few minutes)
MAX_POINTS = 2000
CURVE_POINTS = 300        # curve points a frame carries


def parse_target(target) -> tuple[str, tuple]:
    """A target name, or drawn points given as a list of [x, y] (or its JSON text) -> (name, points)."""
    if isinstance(target, str):
        text = target.strip()
        if text.startswith("["):
            try:
                target = json.loads(text)
            except ValueError:
                raise ValueError("the target looks like a JSON list of points but does not parse: "
                                 "write it as [[x, y], [x, y], ...]") from None
        elif text in TARGETS:
            return text, ()
        else:
            raise ValueError(f"unknown target {target!r}; choose one of {', '.join(TARGETS)}, "
                             "or give a JSON list of [x, y] points")
    from training.playground.targets import check_points
    return "drawn", tuple(map(tuple, check_points(target).tolist()))


def settings_for(target="ring8", loss="nonsaturating", remedy="none", seed=0, **more) -> Settings:
    """Checked Settings from the API's names (remedy "pacgan" / "mbstd" / "unrolled" sets its options)."""
    name, points = parse_target(target)
    if remedy not in REMEDIES:
        raise ValueError(f"unknown remedy {remedy!r}; choose one of {', '.join(REMEDIES)}")
    s = Settings.from_dict(dict(more, target=name, points=points, loss=loss, seed=check_seed(seed)))
    return s.with_remedy(remedy).check()


def _r(x: float, nd: int = 4):
    return round(x, nd) if isinstance(x, float) and math.isfinite(x) else (None if isinstance(x, float) else x)


def _points(t: torch.Tensor, nd: int = 3) -> list:
    return np.round(t.detach().numpy().astype(np.float64), nd).tolist()


def curve_columns(pg: Playground, at_most: int | None = None) -> dict[str, np.ndarray]:
    """The loss curves and the measures so far as float columns (NaN: no value), evenly thinned to at_most."""
    h, m = pg.history, pg.measures
    if at_most:
        h, m = h[::-(-len(h) // at_most) or 1], m[::-(-len(m) // at_most) or 1]
    h = np.array(h, dtype=np.float64).reshape(-1, 4)
    m = np.array([[np.nan if v is None else v for v in row] for row in m], dtype=np.float64).reshape(-1, 4)
    return {"step": h[:, 0], "d": h[:, 1], "g": h[:, 2], "g_grad_norm": h[:, 3],
            "measure_step": m[:, 0], "js": m[:, 1], "modes_covered": m[:, 2], "high_quality": m[:, 3]}


def curves(pg: Playground, at_most: int | None = None) -> dict:
    """curve_columns as JSON lists (null: no value; steps and mode counts as whole numbers)."""
    out = {}
    for k, col in curve_columns(pg, at_most).items():
        whole_numbers = k in ("step", "measure_step", "modes_covered")
        out[k] = [None if not math.isfinite(v) else int(v) if whole_numbers else round(v, 4) for v in col.tolist()]
    return out


def playground_step(target="ring8", loss="nonsaturating", remedy="none", steps=1000, seed=0,
                    n_points=500, **more) -> dict:
    """Train a fresh 2-D GAN for `steps` steps (each: d_steps D updates, one G update) and report:
    {"fake": [[x, y], ...] n_points generated points, "losses": {"d", "g", "g_grad_norm", "history"},
     "modes_covered", "n_modes", "high_quality" (null for targets without modes), "js_divergence",
     "js_floor", "settings"}. `more`: any other field of training.playground.Settings."""
    n = whole(steps)
    if n is None or not 0 <= n <= MAX_STEPS:
        raise ValueError(f"steps must be a whole number from 0 to {MAX_STEPS}, got {steps}")
    k = whole(n_points)
    if k is None or not 1 <= k <= MAX_POINTS:
        raise ValueError(f"n_points must be a whole number from 1 to {MAX_POINTS}, got {n_points}")
    pg = Playground(settings_for(target, loss, remedy, seed, **more))
    pg.train(n)
    m = pg.measure()
    settings = pg.settings.as_dict()
    settings["points"] = len(settings["points"])
    return {"fake": _points(pg.sample(k)),
            "losses": {"d": _r(m["d_loss"]), "g": _r(m["g_loss"]), "g_grad_norm": _r(m["g_grad_norm"]),
                       "history": curves(pg)},
            "modes_covered": m["modes_covered"], "n_modes": m["n_modes"], "high_quality": _r(m["high_quality"]),
            "js_divergence": _r(m["js"]), "js_floor": _r(m["js_floor"]), "steps": pg.step, "settings": settings}


def _b64(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a).tobytes()).decode("ascii")


def _milli(t: torch.Tensor) -> str:
    """Points as little-endian int16 thousandths, base64: a tenth of the JSON text and no float printing."""
    return _b64(np.clip(np.round(t.detach().numpy() * 1000), -32767, 32767).astype("<i2"))


def _f32(values: np.ndarray) -> str:
    return _b64(values.astype("<f4"))


def view_json(pg: Playground, phase: str = "", playing: bool = False, fresh: bool = True) -> dict:
    """What the tab's canvas script draws. Point sets (real, fake, arrows, manifold) are base64 int16
    thousandths, x then y; D's heat map base64 bytes 0..255, row 0 at the top; curves base64 float32
    (NaN: no value). fresh=False reuses the last divergence and coverage (see Playground.measure)."""
    with pg.lock:
        v = pg.view(fresh)
        heat = (v["heat"] * 255).round().clamp(0, 255).to(torch.uint8).numpy()
        arrows = v["arrows"]
        arrows = arrows * (30 / arrows.norm(dim=1, keepdim=True).clamp(min=30))     # keep within int16
        lines = torch.stack(v["manifold"])                                            # (L, P, 2)
        h, m = curve_columns(pg, CURVE_POINTS), v["measures"]
        return {"extent": EXTENT, "phase": phase, "playing": playing, "loss": pg.settings.loss,
                "real": _milli(v["real"]), "fake": _milli(v["fake"]), "arrows": _milli(arrows),
                "heat": _b64(heat), "heat_res": int(heat.shape[0]),
                "manifold": _milli(lines), "manifold_shape": list(lines.shape[:2]),
                "measures": {k: _r(x) for k, x in m.items()},
                "curves": {k: _f32(col) for k, col in h.items()}}
