"""A label-map painting canvas for the GauGAN tab: the page keeps the map (one class per cell) and draws it.

Gradio's ImageEditor re-encodes and uploads its layers as PNG files after every stroke, which put ~1 s between
mouse-up and the new picture. This canvas sends the map itself, as runs of class indices (a few KB of JSON),
while the stroke is drawn and on release, so the picture follows the stroke. The value is a JSON string:
{"w": width, "h": height, "palette": ["#rrggbb", ...], "runs": [class, count, class, count, ...]} in row-major order.
"""
from __future__ import annotations

import json
from pathlib import Path

import gradio as gr
import numpy as np

MAX_SIDE = 1024            # cells per side a canvas value may have
MAX_TEXT = 4_000_000       # characters of JSON accepted from the page

TEMPLATE = """<div class="label-canvas" data-classes="{classes}" data-brush="{brush}">
<canvas width="1" height="1" aria-label="label map: paint with the mouse"></canvas></div>"""

CSS = """
.label-canvas { width: 100%; max-width: 460px; margin: 0 auto; }
.label-canvas canvas { width: 100%; aspect-ratio: 1 / 1; image-rendering: pixelated; cursor: crosshair;
                       touch-action: none; border: 1px solid var(--border-color-primary); border-radius: 4px; }
"""


def encode(labels: np.ndarray, palette: list[str]) -> str:
    """(H, W) class indices + the model's palette -> the canvas's JSON value."""
    flat = np.asarray(labels, dtype=np.int64).ravel()
    starts = np.r_[0, np.flatnonzero(np.diff(flat)) + 1]
    counts = np.diff(np.r_[starts, flat.size])
    runs = np.stack([flat[starts], counts], 1).ravel()
    h, w = np.asarray(labels).shape
    return json.dumps({"w": int(w), "h": int(h), "palette": list(palette), "runs": runs.tolist()},
                      separators=(",", ":"))


def decode(text: str | None, num_classes: int) -> np.ndarray:
    """The canvas's JSON value -> (H, W) int64 class indices; ValueError with a readable message if it is not one."""
    if not text:
        raise ValueError("The canvas is empty: paint something, or pick an example or a random map.")
    if len(text) > MAX_TEXT:
        raise ValueError(f"the label map is too large ({len(text):,} characters; the limit is {MAX_TEXT:,})")
    try:
        d = json.loads(text)
        w, h, runs = int(d["w"]), int(d["h"]), np.asarray(d["runs"], dtype=np.int64)
    except (ValueError, TypeError, KeyError, OverflowError) as e:
        raise ValueError(f"not a label map from the canvas ({type(e).__name__})") from None
    if not (0 < w <= MAX_SIDE and 0 < h <= MAX_SIDE) or runs.ndim != 1 or runs.size % 2:
        raise ValueError(f"not a label map from the canvas (size {w}x{h}, at most {MAX_SIDE} per side)")
    classes, counts = runs[0::2], runs[1::2]
    if counts.min(initial=1) < 1 or counts.max(initial=0) > w * h or counts.sum() != w * h:   # (no int64 wrap-around)
        raise ValueError(f"the label map's runs cover {counts.sum()} cells, not {w}x{h}")
    if classes.min(initial=0) < 0 or classes.max(initial=0) >= num_classes:
        raise ValueError(f"the label map uses classes outside 0..{num_classes - 1}: it was painted for another "
                         "model; pick an example or a random map")
    return np.repeat(classes, counts).reshape(h, w)


def LabelCanvas(value: str | None, classes_id: str, brush_id: str, **kwargs) -> gr.HTML:
    """The canvas; the brush's class is the checked one of the radio `#classes_id` (listed in palette order),
    its diameter (in cells) the slider `#brush_id`. Dispatching an `undo` event on its <canvas> undoes a stroke."""
    js = (Path(__file__).with_name("label_canvas.js")).read_text()
    return gr.HTML(value, html_template=TEMPLATE.format(classes=f"#{classes_id}", brush=f"#{brush_id}"),
                   css_template=CSS, js_on_load=js, **kwargs)
