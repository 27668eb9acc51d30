"""A drawing pad for digits: white ink on black, drawn with the mouse; its value is the drawing as a PNG data URL,
sent when the stroke ends (drawing_pad.js). decode() turns a value back into a picture, refusing anything that is
not a small PNG."""
from __future__ import annotations

import base64
import binascii
import io
from pathlib import Path

import gradio as gr
from PIL import Image

PREFIX = "data:image/png;base64,"
MAX_TEXT = 2_000_000        # characters of data URL accepted from the page
SIDE = 224                  # the pad's own pixels (the server scales the digit down to MNIST's size)

TEMPLATE = f"""<div class="drawing-pad"><canvas width="{SIDE}" height="{SIDE}"
aria-label="drawing pad: draw a digit with the mouse"></canvas></div>"""

CSS = """
.drawing-pad { width: 100%; max-width: 260px; margin: 0 auto; }
.drawing-pad canvas { width: 100%; aspect-ratio: 1 / 1; cursor: crosshair; touch-action: none; background: #000;
                      border: 1px solid var(--border-color-primary); border-radius: 4px; }
"""


def decode(text: str | None) -> Image.Image:
    """The pad's value -> a PIL image (not yet decoded: pictures.load_picture checks its size first)."""
    if not text:
        raise ValueError("the drawing pad is empty: draw a digit with the mouse")
    if len(text) > MAX_TEXT or not text.startswith(PREFIX):
        raise ValueError("not a drawing from the pad (a PNG data URL of at most 2 MB)")
    try:
        return Image.open(io.BytesIO(base64.b64decode(text[len(PREFIX):], validate=True)))
    except (binascii.Error, ValueError, OSError):
        raise ValueError("the drawing could not be read as a PNG") from None


def DrawingPad(**kwargs) -> gr.HTML:
    js = (Path(__file__).with_name("drawing_pad.js")).read_text()
    return gr.HTML("", html_template=TEMPLATE, css_template=CSS, js_on_load=js, **kwargs)
