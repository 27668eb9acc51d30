"""What every tab shares: the build context, friendly errors, model pickers, the explanation box."""
from __future__ import annotations

import base64
import functools
import io
import logging
import math
import random
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

import gradio as gr

from .. import hub, inference

log = logging.getLogger("studio.ui")

LATEX = [{"left": "$$", "right": "$$", "display": True}, {"left": "$", "right": "$", "display": False}]


@dataclass
class TabContext:
    """Handed to every tab's build(ctx): the app being built, and what tabs share.

    jobs: the app's training job manager (training.jobs.JobManager); the training tab makes one
    when the app was built without it. pickers: the model dropdowns (with the function that lists
    their choices); the app refreshes them all when the page loads and when a tab is opened, so
    models trained meanwhile appear.
    """
    demo: gr.Blocks
    jobs: Any = None
    key: Any = None            # this browser's key (gr.BrowserState, see page_key): it owns the jobs it starts
    pickers: list[tuple[gr.Dropdown, Callable[[], list[str]]]] = field(default_factory=list)
    shown: list = field(default_factory=list)      # the events after which the tab being built is on screen

    def on_show(self, fn, inputs, outputs, **kwargs):
        """Draw a tab's first pictures when it is on screen: the first tab when the page loads, the others
        when they are opened (all tabs at page load made ten requests compete for two cores)."""
        return gr.on(self.shown, fn, inputs, outputs, **kwargs)


EXPECTED = (ValueError, FileNotFoundError, hub.ModelLoadError)   # bad input, missing model: the user can act


def user_error(e: Exception, where: str, duration: float = 8) -> gr.Error:
    """The message a page shows for an exception. Expected errors are one log line; unexpected ones
    keep their traceback in the log (Gradio itself is told not to print one)."""
    if isinstance(e, gr.Error):
        return e
    if isinstance(e, EXPECTED):
        log.info("%s: %s", where, e)
        return gr.Error(str(e), duration=duration, print_exception=False)
    log.error("%s failed", where, exc_info=e)
    return gr.Error(f"Something went wrong: {type(e).__name__}: {e}", duration=duration, print_exception=False)


def friendly(fn):
    """Turn failures into a message in the UI instead of a crash (and one log line for expected ones).

    functools.wraps keeps the signature, so the API's parameter names stay those of `fn`.
    """
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as e:  # an unexpected failure still must not take the server down
            raise user_error(e, fn.__name__) from None
    return wrapper


# ------------------------------------------------------------------------------------ what a page may send
# A page (or any client posting to the queue) sends raw JSON. These components check it before a
# handler sees it, and say what is wrong in words: a model name must be one of the pickers' (or a Hub
# repo id), a number must be a finite number. `is_template` keeps Gradio's own widget in the page.


def page_error(e: Exception) -> gr.Error:
    return gr.Error(str(e), duration=8, print_exception=False)


def page_key(key: str) -> str:
    """The browser's key, made once (kept in its local storage, so it survives reloads): the training jobs
    a page starts belong to it (training.jobs.JobManager.check_owner)."""
    return key or uuid.uuid4().hex


def browser_key(demo: gr.Blocks) -> gr.BrowserState:
    """The page's key, outside every tab (a tab's components only exist in the page once it is opened)."""
    key = gr.BrowserState("", storage_key="gan-studio-page-key")
    demo.load(page_key, key, key, api_visibility="private", queue=False, show_progress="hidden")
    return key


class ModelPicker(gr.Dropdown):
    """A model dropdown whose value is checked by inference.page_model (never a server path)."""
    is_template = True

    def preprocess(self, payload):
        value = super().preprocess(payload)
        try:
            return inference.page_model(value)
        except hub.ModelLoadError as e:
            raise page_error(e) from None


def checked_number(payload, label: str | None):
    """A number field's raw value -> the same value if it is a finite number (numeric strings from scripts
    are read); anything else is a readable gr.Error instead of Gradio's "an exception was raised"."""
    what = f"{label}: " if label else ""
    if payload is None:
        return None
    if isinstance(payload, str):
        try:
            payload = float(payload.strip()) if payload.strip() else None
        except ValueError:
            raise gr.Error(f"{what}{payload[:40]!r} is not a number", print_exception=False) from None
        if payload is None:
            return None
    if isinstance(payload, bool) or not isinstance(payload, (int, float)):
        raise gr.Error(f"{what}{str(payload)[:40]!r} is not a number", print_exception=False)
    if isinstance(payload, float) and not math.isfinite(payload):
        raise gr.Error(f"{what}{payload} is not a finite number", print_exception=False)
    return payload


class Number(gr.Number):
    is_template = True

    def preprocess(self, payload):
        value = checked_number(payload, self.label)
        if self.precision == 0 and isinstance(value, float) and not value.is_integer():   # seeds, steps, sizes
            what = f"{self.label}: " if self.label else ""
            raise gr.Error(f"{what}{value:g} is not a whole number: type one like {math.floor(value)}",
                           print_exception=False)    # Gradio would round it silently, the box still showing it
        return super().preprocess(value)


class Slider(gr.Slider):
    is_template = True

    def preprocess(self, payload):
        value = checked_number(payload, self.label)
        return super().preprocess(self.value if value is None else value)


def guard_numbers(demo: gr.Blocks) -> None:
    """Every number field and slider of the app, whichever tab made it, checks its value (checked_number):
    the plain Gradio ones become the classes above (the same widgets; only preprocess differs)."""
    for block in demo.blocks.values():
        if type(block) is gr.Number:
            block.__class__ = Number
        elif type(block) is gr.Slider:
            block.__class__ = Slider


def model_picker(ctx: TabContext, choices_fn: Callable[[], list[str]], default: str,
                 label: str = "Model") -> gr.Dropdown:
    """A dropdown of models (bundled and trained here) that also accepts a Hugging Face repo id typed in;
    registered with the app so that it is refreshed with the others."""
    choices = choices_fn()
    value = default if default in choices else (choices[0] if choices else default)
    dropdown = ModelPicker(choices=choices, value=value, label=label, allow_custom_value=True,
                           info="bundled and your trained models; a Hugging Face repo id (user/model) works too")
    ctx.pickers.append((dropdown, choices_fn))
    return dropdown


def refresh_pickers(choices_fns: tuple[Callable[[], list[str]], ...], *current: str):
    """Re-read every picker's model list, keeping each one's current value."""
    updates = []
    for fn, value in zip(choices_fns, current):
        choices = fn()
        updates.append(gr.Dropdown(choices=choices, value=value if value else (choices[0] if choices else None)))
    return updates[0] if len(updates) == 1 else tuple(updates)


def wire_pickers(ctx: TabContext, tabs: gr.Tabs) -> None:
    """One refresh of all model pickers when the page loads and whenever a tab is opened."""
    if not ctx.pickers:
        return
    dropdowns = [d for d, _ in ctx.pickers]
    handler = functools.partial(refresh_pickers, tuple(fn for _, fn in ctx.pickers))
    for event in (ctx.demo.load, tabs.select):
        event(handler, dropdowns, dropdowns, api_visibility="private", show_progress="hidden", queue=False)


def sprite_div(sprite, n: int, index: int, hidden: bool = False, **data) -> str:
    """n frames side by side (one picture, `sprite`) shown one at a time: frame `index` now. The page's JS
    (see interpolation.py, infogan.py) moves the picture to another frame without asking the server."""
    buf = io.BytesIO()
    sprite.save(buf, format="PNG")
    w, h = sprite.width // n, sprite.height
    attrs = "".join(f' data-{k}="{v}"' for k, v in data.items())
    pos = 100 * index / (n - 1) if n > 1 else 0
    return (f'<div class="sprite" data-n="{n}" data-i="{index}"{attrs} role="img" '
            f'style="{"display:none;" if hidden else ""}background-image:url(data:image/png;base64,{base64.b64encode(buf.getvalue()).decode()});'
            f'background-size:{n * 100}% 100%;background-position:{pos:.4f}% 0;aspect-ratio:{w}/{h}"></div>')


# Moves sprite `sel` to the frame of slider value v, given the slider's lo and step; shows only that sprite
# among its siblings. Returns v (the event's input), so it can stand as an event's js.
SPRITE_JS = """
(v) => {
  const d = document.querySelector(SEL);
  if (!d) return v;
  for (const s of d.parentElement.querySelectorAll('.sprite')) s.style.display = (s === d) ? '' : 'none';
  const n = +d.dataset.n, i = Math.max(0, Math.min(n - 1, Math.round((v - LO) / STEP)));
  d.style.backgroundPosition = (n > 1 ? 100 * i / (n - 1) : 0) + '% 0';
  d.dataset.i = i;
  return v;
}
"""


def sprite_js(selector: str, lo: float, step: float) -> str:
    return SPRITE_JS.replace("SEL", repr(selector)).replace("LO", repr(lo)).replace("STEP", repr(step))


def random_seed() -> int:
    return random.randrange(0, 100_000)


def explain(md: str) -> gr.Accordion:
    with gr.Accordion("What am I looking at?", open=False) as acc:
        gr.Markdown(md, latex_delimiters=LATEX, elem_classes=["explain"])
    return acc
