"""Conditional GAN tab: ask for digits; one noise z across every class; slide from one class to another."""
from __future__ import annotations

import gradio as gr

from .. import inference
from .common import LATEX, TabContext, explain, friendly, model_picker, random_seed, sprite_div, sprite_js

TITLE = "Conditional GAN"

EXPLANATION = r"""
**What you see.** This generator gets two inputs: noise $z$ (64 numbers, fixed by a seed) and the label $y$,
the digit you ask for. In the grid each **row** keeps one $z$ and each **column** asks for another digit, so a row
is one "handwriting" (slant, width, stroke) writing different digits. *Same z, every class* shows that row for
all ten digits. The slider walks from digit A to digit B through the label embeddings,
$e_t = (1-t)\,e_A + t\,e_B$, with $z$ held fixed: in between, the network draws classes that do not exist.

**The objective.** A conditional GAN (Mirza & Osindero 2014, *Conditional Generative Adversarial Nets*,
arXiv:1411.1784) gives the label to both players:
$$\min_G \max_D\; \mathbb E_{x,y}\big[\log D(x, y)\big] + \mathbb E_{z,y}\big[\log\big(1 - D(G(z, y), y)\big)\big].$$
Here $G$ concatenates a learned embedding $e_y$ to $z$, and $D$ is a *projection discriminator*
(Miyato & Koyama 2018, *cGANs with Projection Discriminator*, arXiv:1802.05637):
$D(x, y) = \psi(\phi(x)) + \langle V e_y, \phi(x)\rangle$, a real/fake score plus the inner product of the
image's features with the class's row of $V$, trained with the hinge loss
$L_D = \mathbb E[\max(0, 1 - D(x, y))] + \mathbb E[\max(0, 1 + D(G(z, y), y))]$, $L_G = -\mathbb E[D(G(z, y), y)]$.

**ACGAN** (Odena et al. 2017, *Conditional Image Synthesis with Auxiliary Classifier GANs*, arXiv:1610.09585),
the other choice of the family's config, does not show $y$ to $D$; $D$ has a second head that names the class.
With
$$L_S = \mathbb E[\log P(S{=}\text{real} \mid x_\text{real})] + \mathbb E[\log P(S{=}\text{fake} \mid x_\text{fake})],
\quad L_C = \mathbb E[\log P(C{=}c \mid x_\text{real})] + \mathbb E[\log P(C{=}c \mid x_\text{fake})],$$
$D$ maximises $L_S + L_C$ and $G$ maximises $L_C - L_S$.

**One handwriting per digit?** Trained with these objectives alone, our generator learned to ignore $z$: each
digit came out in a single style (conditional mode collapse). The bundled model adds the *mode-seeking* term
of Mao et al. 2019 (arXiv:1903.05628) to $G$'s loss,
$\lambda \,\big/\, \big(\lVert G(z_1, y) - G(z_2, y)\rVert_1 / \lVert z_1 - z_2\rVert_1\big)$:
two noises asking for the same digit must give different pictures.
"""

SPRITE_N = 101          # one frame per position of the class slider (0, 0.01, ..., 1)
SHOW_T_JS = sprite_js("#cond-live .sprite", 0.0, 1 / (SPRITE_N - 1))


@friendly
def conditional(model, digits="0-9", seeds="1-8"):
    return inference.conditional_grid(model, digits, seeds)


def digits_text(digits) -> str:
    """The checked digits (a list) -> "3,5,8" for the grid."""
    if not digits:
        raise ValueError("pick at least one digit")
    return ",".join(str(int(d)) for d in sorted(digits, key=int))


@friendly
def grid_view(model, digits, seeds):
    if not digits:     # a passing state while the student re-ticks: say so, keep the last grid (no error badge)
        gr.Warning("Tick at least one digit: the grid has a column per ticked digit.")
        return gr.skip()
    return inference.conditional_grid(model, digits_text(digits), seeds)


@friendly
def row_view(model, seed):
    return inference.every_class(model, seed)


@friendly
def walk_view(model, seed, a, b, t):
    """The class walk's frame for every slider position, for the page to hold."""
    sprite = inference.class_walk_sprite(model, seed, a, b, SPRITE_N)
    return sprite_div(sprite, SPRITE_N, round(float(t) * (SPRITE_N - 1)))


@friendly
def adapt(model, digits, a, b):
    """The model's classes in the digit pickers (the picked ones kept where the model has them)."""
    names = inference.class_names(model)
    choices, n = [(name, i) for i, name in enumerate(names)], len(names)
    keep = [d for d in digits or [] if int(d) < n] or [0]
    return (gr.CheckboxGroup(choices=choices, value=keep), gr.Dropdown(choices=choices, value=min(int(a), n - 1)),
            gr.Dropdown(choices=choices, value=min(int(b), n - 1)))


def build(ctx: TabContext) -> None:
    digit_choices = [(str(i), i) for i in range(10)]
    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=300):
            model = model_picker(ctx, inference.conditional_models, inference.DEFAULT_MODELS["cgan"])
            digits = gr.CheckboxGroup(digit_choices, value=[0, 1, 2, 3], label="Digits (columns)",
                                      elem_id="cond-digits")
            seeds = gr.Textbox("1-6", label="Seeds (rows)", info="one noise z per row: 1-6 or 3,7,42",
                               elem_id="cond-seeds")
        with gr.Column(scale=3):
            grid_image = gr.Image(label="Digit × seed (rows: seeds, columns: digits)", elem_classes=["pixelart"],
                                  elem_id="cond-grid", type="pil", format="png", interactive=False, height=460,
                                  buttons=["download", "fullscreen"])
    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=300):
            with gr.Row():
                seed = gr.Number(7, label="Seed (one z)", precision=0, minimum=0, scale=3, elem_id="cond-seed")
                rand = gr.Button("Random", scale=1, min_width=60)
            with gr.Row():
                a = gr.Dropdown(digit_choices, value=3, label="From digit A", elem_id="cond-a")
                b = gr.Dropdown(digit_choices, value=8, label="to digit B", elem_id="cond-b")
        with gr.Column(scale=3):
            row = gr.Image(label="Same z, every class: the style stays, the digit changes", elem_classes=["pixelart"],
                           elem_id="cond-row", type="pil", format="png", interactive=False, height=150)
            with gr.Row():
                with gr.Column():
                    t = gr.Slider(0, 1, 0.5, step=0.01, label="t: drag from digit A (t = 0) to digit B (t = 1)",
                                  elem_id="cond-t")
                    gr.Markdown("$G\\big(z,\\ (1-t)\\,e_A + t\\,e_B\\big)$", latex_delimiters=LATEX,
                                elem_id="cond-formula")
                with gr.Column():
                    live = gr.HTML(elem_id="cond-live")
    explain(EXPLANATION)

    gr.on([digits.change, seeds.submit, seeds.blur], grid_view, [model, digits, seeds], grid_image,
          api_name="_cond_grid", api_visibility="private", trigger_mode="always_last")
    gr.on([seed.change], row_view, [model, seed], row, api_name="_cond_row", api_visibility="private",
          trigger_mode="always_last")
    gr.on([seed.change, a.change, b.change], walk_view, [model, seed, a, b, t], live, api_name="_cond_walk",
          api_visibility="private", trigger_mode="always_last", show_progress="hidden")
    t.input(None, t, None, js=SHOW_T_JS, api_visibility="private")      # in the page: no request per position
    rand.click(random_seed, None, seed, api_visibility="private")
    model.change(adapt, [model, digits, a, b], [digits, a, b], api_name="_cond_adapt", api_visibility="private") \
        .success(grid_view, [model, digits, seeds], grid_image, api_visibility="private") \
        .success(row_view, [model, seed], row, api_visibility="private") \
        .success(walk_view, [model, seed, a, b, t], live, api_visibility="private")

    # Named API endpoint (api.md): hidden text inputs, so a script passes "0-9" / "3,5,8" and "1-8".
    with gr.Row(visible=False):
        api_digits, api_seeds = gr.Textbox("0-9"), gr.Textbox("1-8")
        hidden = gr.Button()
    hidden.click(conditional, [model, api_digits, api_seeds], grid_image, api_name="conditional")

    ctx.on_show(grid_view, [model, digits, seeds], grid_image, api_name="_cond_grid_load", api_visibility="private")
    ctx.on_show(row_view, [model, seed], row, api_name="_cond_row_load", api_visibility="private")
    ctx.on_show(walk_view, [model, seed, a, b, t], live, api_name="_cond_walk_load", api_visibility="private")
