"""Small helpers every tab uses: friendly errors, model pickers, the explanation box."""
from __future__ import annotations

import functools
import random

import gradio as gr

from .. import inference

LATEX = [{"left": "$$", "right": "$$", "display": True}, {"left": "$", "right": "$", "display": False}]


def friendly(fn):
    """Turn expected failures (bad input, missing model) into a message in the UI instead of a crash.

    functools.wraps keeps the signature, so the API's parameter names stay those of `fn`.
    """
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except (ValueError, FileNotFoundError, inference.hub.ModelLoadError) as e:
            raise gr.Error(str(e), duration=8) from None
        except Exception as e:  # an unexpected failure still must not take the server down
            raise gr.Error(f"Something went wrong: {type(e).__name__}: {e}", duration=8) from None
    return wrapper


def model_picker(choices: list[str], default: str, label: str = "Model") -> gr.Dropdown:
    """A dropdown that also accepts names not listed (freshly trained models, folders, Hub ids)."""
    value = default if default in choices else (choices[0] if choices else default)
    return gr.Dropdown(choices=choices, value=value, label=label, allow_custom_value=True,
                       info="bundled and your trained models; a folder or Hugging Face repo id works too")


def refresh(choices_fn):
    """An event handler that re-reads the model list (models trained meanwhile appear)."""
    def _refresh(current):
        choices = choices_fn()
        return gr.Dropdown(choices=choices, value=current if current else (choices[0] if choices else None))
    _refresh.refreshes_models = True     # app.py also runs it when a tab is opened (freshly trained models)
    return _refresh


def random_seed() -> int:
    return random.randrange(0, 100_000)


def explain(md: str) -> gr.Accordion:
    with gr.Accordion("What am I looking at?", open=False) as acc:
        gr.Markdown(md, latex_delimiters=LATEX, elem_classes=["explain"])
    return acc
