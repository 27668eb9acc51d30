"""Buttons say what they do in plain text: symbol glyphs (dice, play/pause) render as empty boxes with stock fonts."""
from __future__ import annotations

import gradio as gr

from studio.ui.app import build_app


def test_button_labels_need_no_emoji_font():
    demo = build_app()
    labels = [b.value for b in demo.blocks.values() if isinstance(b, gr.Button) and b.visible and b.value]
    assert labels and all(str(v).isascii() for v in labels), [v for v in labels if not str(v).isascii()]
