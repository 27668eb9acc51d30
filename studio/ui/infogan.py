"""InfoGAN tab: turn the latent codes of a GAN that learned digit, slant and width without labels."""
from __future__ import annotations

import gradio as gr

from .. import inference
from .common import TabContext, explain, friendly, model_picker, random_seed, sprite_div, sprite_js

TITLE = "InfoGAN"
MAX_SLIDERS = 4          # continuous codes with a slider; a model with more keeps the rest at 0

EXPLANATION = r"""
**What you see.** The generator's input is split in two: noise $z$ (62 numbers, fixed by the seed) and
*codes* $c$: one categorical code with 10 values and two continuous codes $c_1, c_2$. Nobody told the
network what the codes mean: no labels were used. Still, after training, the categorical code picks the
digit and the continuous codes control slant and stroke width (which code does what, and which code value
gives which digit, is up to the training run). In the bundled model each of the ten values draws one digit
(value 0 draws 8s, value 1 draws 5s, ...; a digit classifier reads the digit of the value 98.9% of the time, the
paper reports about 95%), and both continuous codes turn the slant: $c_1$ while thickening the stroke, $c_2$
while thinning it. The sliders go from $-2$ to $2$ although training only drew
$c_i \sim U(-1, 1)$: beyond $\pm 1$ you see the network *extrapolate*.
The grid is the paper's figure: each row is one noise seed, each column one value of the chosen code.

**The objective.** A plain GAN has no reason to use its inputs in an interpretable way. InfoGAN
(Chen et al. 2016, *InfoGAN: Interpretable Representation Learning by Information Maximizing Generative
Adversarial Nets*, arXiv:1606.03657) adds the mutual information between the codes and the image:
$$\min_{G,Q}\max_D \; V_\text{InfoGAN}(D, G, Q) = V(D, G) - \lambda\, L_I(G, Q)$$
where $V(D,G)$ is the usual GAN game and $L_I$ is a variational lower bound on $I(c; G(z, c))$:
$$L_I(G, Q) = \mathbb E_{c \sim P(c),\, x \sim G(z, c)}\big[\log Q(c \mid x)\big] + H(c) \;\le\; I(c; G(z, c)).$$
$Q(c \mid x)$ is a small head on the discriminator's trunk that tries to read the codes back from the
image: a softmax over the 10 categories, and a Gaussian (mean and standard deviation) for each continuous
code. Maximising $L_I$ means: make images from which the codes can be recovered. $\lambda = 1$ for the
categorical code and a smaller weight (here 0.1) for the continuous ones, as in the paper.
"""


@friendly
def infogan(model, seed, category, c1, c2, c3=0.0, c4=0.0):
    return inference.infogan_image(model, seed, category, (c1, c2, c3, c4))


SLIDER_LO, SLIDER_STEP, SLIDER_N = -2.0, 0.05, 81          # the code sliders' positions: -2, -1.95, ..., 2
SLIDER_VALUES = [round(SLIDER_LO + SLIDER_STEP * i, 2) for i in range(SLIDER_N)]


def code_index(v) -> int:
    return max(0, min(SLIDER_N - 1, round((float(v) - SLIDER_LO) / SLIDER_STEP)))


@friendly
def infogan_view(model, seed, category, c1, c2, c3=0.0, c4=0.0):
    """G(z, c) for every position of every code slider, for the page to hold: dragging a code then shows each
    picture at once, with no request per position (a request each reached only 6-10 pictures per second).
    Shown first: the picture at the current codes."""
    G = inference.get_model(model, "infogan")
    codes = (c1, c2, c3, c4)
    if G.n_cont == 0:
        return sprite_div(inference.infogan_image(model, seed, category, (), display=0), 1, 0, k=0)
    return "".join(sprite_div(inference.infogan_sweep(model, seed, category, codes, k, SLIDER_VALUES), SLIDER_N,
                              code_index(codes[k]), hidden=k > 0, k=k) for k in range(min(G.n_cont, MAX_SLIDERS)))


@friendly
def infogan_grid(model, vary, seed, rows=10):
    return inference.infogan_grid(model, vary, seed, rows)


@friendly
def grid_caption(model, vary):
    G = inference.get_model(model, "infogan")
    values = inference.infogan_grid_values(G, vary)
    if vary == "category":
        return f"Columns: category = {', '.join(map(str, values))}. Rows: noise seeds; the other codes are 0."
    return (f"Columns: {vary} = {', '.join(f'{v:g}' for v in values)} (training saw -1..1). "
            "Rows: noise seeds and categories 0, 1, 2, …; the other continuous codes are 0.")


@friendly
def adapt(model):
    """Widgets for the model's codes: its categories, one slider per continuous code, the grid's choices."""
    n_cat, n_cont = inference.infogan_codes(model)
    cats = list(range(n_cat)) or [0]
    varies = (["category"] if n_cat else []) + [f"c{i}" for i in range(1, n_cont + 1)]
    sliders = [gr.Slider(visible=i < n_cont, value=0.0) for i in range(MAX_SLIDERS)]
    return (gr.Radio(choices=cats, value=0, visible=n_cat > 0), *sliders,
            gr.Radio(choices=varies, value=varies[0]))


def infogan_models() -> list[str]:
    return inference.models_for("infogan")


def draw_grid(model, vary, seed):
    return infogan_grid(model, vary, seed), grid_caption(model, vary)


def build(ctx: TabContext) -> None:
    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=320):
            model = model_picker(ctx, infogan_models, inference.DEFAULT_MODELS["infogan"])
            category = gr.Radio(list(range(10)), value=0, label="Categorical code",
                                info="10 values; training decided which digit each one draws")
            sliders = [gr.Slider(-2, 2, 0.0, step=0.05, label=f"c{i + 1} (continuous code {i + 1})",
                                 visible=i < 2, info="training used -1..1; beyond that the net extrapolates",
                                 elem_id=f"infogan-c{i + 1}") for i in range(MAX_SLIDERS)]
            with gr.Row():
                seed = gr.Number(0, label="Noise seed", precision=0, minimum=0, scale=3)
                rand = gr.Button("Random", scale=1, min_width=60)
        with gr.Column(scale=1, min_width=320):
            gr.Markdown("**G(z, c)**")
            live = gr.HTML(elem_id="infogan-live")
            image = gr.Image(label="G(z, c)", elem_classes=["pixelart"], elem_id="infogan-image", type="pil",
                             format="png", interactive=False, height=340, visible=False)      # /infogan
    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=320):
            vary = gr.Radio(["category", "c1", "c2"], value="category", label="Vary one code",
                            info="rows: noise seeds; columns: values of this code")
            caption = gr.Markdown()
        with gr.Column(scale=3):
            grid_image = gr.Image(label="Varying one code", elem_classes=["pixelart"], type="pil", format="png",
                                  interactive=False, buttons=["download", "fullscreen"])
    explain(EXPLANATION)

    inputs = [model, seed, category, *sliders]
    grid_inputs = [model, vary, seed]

    for i, s in enumerate(sliders):   # redraw while dragging; only the newest value is drawn
        s.input(None, s, None, js=sprite_js(f'#infogan-live .sprite[data-k="{i}"]', SLIDER_LO, SLIDER_STEP),
                api_visibility="private")                              # in the page: no request per position
        s.release(infogan_view, inputs, live, api_name=f"_infogan_c{i + 1}", api_visibility="private",
                  trigger_mode="always_last", show_progress="hidden")   # the other codes' frames follow
    gr.on([category.change, seed.change], infogan_view, inputs, live, api_name="_infogan_live",
          api_visibility="private", trigger_mode="always_last", show_progress="hidden")
    gr.on([vary.change, seed.change], draw_grid, grid_inputs, [grid_image, caption], api_name="_infogan_grid_live",
          api_visibility="private", trigger_mode="always_last")
    model.change(adapt, model, [category, *sliders, vary], api_name="_infogan_adapt", api_visibility="private") \
        .success(infogan_view, inputs, live, api_name="_infogan_adapted", api_visibility="private") \
        .success(draw_grid, grid_inputs, [grid_image, caption], api_name="_infogan_grid_adapted",
                 api_visibility="private")
    rand.click(random_seed, None, seed, api_name="_infogan_random_seed", api_visibility="private")

    # Named API endpoints (api.md). Hidden inputs, so the API checks values itself (any category of any
    # model, codes up to ±3) instead of being bound to the widgets' current choices and ranges.
    with gr.Row(visible=False):
        api_seed = gr.Number(0, precision=None)
        api_category = gr.Number(0, precision=None)
        api_codes = [gr.Number(0.0, precision=None) for _ in range(MAX_SLIDERS)]
        api_vary = gr.Textbox("category")
        api_rows = gr.Number(10, precision=None)
        hidden, hidden_grid = gr.Button(), gr.Button()
    hidden.click(infogan, [model, api_seed, api_category, *api_codes], image, api_name="infogan")
    hidden_grid.click(infogan_grid, [model, api_vary, api_seed, api_rows], grid_image, api_name="infogan_grid")

    ctx.on_show(infogan_view, inputs, live, api_name="_infogan_load", api_visibility="private")
    ctx.on_show(draw_grid, grid_inputs, [grid_image, caption], api_name="_infogan_grid_load",
              api_visibility="private")
