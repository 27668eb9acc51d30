"""StyleGAN tab: style mixing. Rows keep their own styles except the chosen layers, taken from the column seed."""
from __future__ import annotations

import gradio as gr

from .. import inference
from .common import TabContext, explain, friendly, model_picker

TITLE = "StyleGAN"

EXPLANATION = r"""
**What you see.** Every seed gives a code $z \sim \mathcal N(0, I)$. StyleGAN does not feed $z$ to the
image layers: a **mapping network** (a small MLP) turns it into $w = f(z)$, and every layer $i$ of the
**synthesis network** gets its own copy $w_i$ as a *style*. The image starts from a learned constant
$4\times4$ block, not from $z$. In the grid, the first row shows the column seeds, the first column the
row seeds, and cell $(r, c)$ is row seed $r$'s image with the chosen layers' styles $w_i$ replaced by
column seed $c$'s. Click a cell to see it large.

**Which layers do what.** Layers at low resolution (coarse, $4^2$–$8^2$) set pose and shape: take them from
a column seed and the head shape, hair style and tilt follow the column while the colours stay the
row's. Middle layers ($16^2$) set features; fine layers ($32^2$ and up) set the colours and texture.
That is the paper's 1024 px model; in the small bundled one (32 px) the background colour follows the
fine styles, skin tone the middle ones, and hair colour travels with the hair style in the coarse ones.

**How a style enters a layer.** StyleGAN (2019) used AdaIN:
$\mathrm{AdaIN}(x_i, y) = y_{s,i}\,\frac{x_i - \mu(x_i)}{\sigma(x_i)} + y_{b,i}$ with $y = A(w)$ an affine map.
StyleGAN2 (2020) moves the style into the convolution weights: *modulation* scales input channel $j$,
$w'_{ijk} = s_j\, w_{ijk}$, and *demodulation* renormalises each output channel,
$w''_{ijk} = w'_{ijk} \big/ \sqrt{\sum_{j,k} {w'_{ijk}}^2 + \epsilon}$. Per-pixel noise, scaled by a learned
strength per layer, adds stochastic detail ("const": a fixed noise map stored in the model; "random": new
noise every time; "none": no noise). AdaIN's normalisation is what confined each style to one layer:
trained with it, a small model of ours sent the colours to the fine layers but lost its coarse shapes
(the bundled model's card has the numbers).

**Style mixing in training.** With probability $p$ (0.9 here, as in the paper) a training image uses two
codes, $w_1$ before a random layer and $w_2$ after it, so neighbouring layers cannot rely on sharing a
style: that is what makes this grid work.

**Truncation.** $\bar w$ is the running mean of $w$ during training. $w' = \bar w + \psi\,(w - \bar w)$:
$\psi = 1$ leaves $w$ alone, $\psi < 1$ gives more typical, cleaner faces, $\psi = 0$ gives the "average
face" $\bar w$ for every seed.

Papers: Karras, Laine & Aila, *A Style-Based Generator Architecture for GANs*, CVPR 2019 (arXiv:1812.04948);
Karras et al., *Analyzing and Improving the Image Quality of StyleGAN*, CVPR 2020 (arXiv:1912.04958).
"""


def stylegan_models() -> list[str]:
    return inference.models_for("stylegan")


@friendly
def style_mix(model, row_seeds, col_seeds, styles, truncation, noise_mode):
    return inference.style_mix(model, row_seeds, col_seeds, styles, float(truncation), noise_mode)


def axes_caption(row_seeds, col_seeds, styles) -> str:
    rows, cols = inference.parse_seeds(row_seeds, "row seeds"), inference.parse_seeds(col_seeds, "column seeds")
    return (f"**Rows** (top to bottom, first column): seeds {', '.join(map(str, rows))}. "
            f"**Columns** (left to right, first row): seeds {', '.join(map(str, cols))}. "
            f"Each cell: the row seed's image with the **{styles}** styles of the column seed.")


@friendly
def style_mix_view(model, row_seeds, col_seeds, styles, truncation, noise_mode):
    """The grid and the caption saying which seed is which row and column."""
    return style_mix(model, row_seeds, col_seeds, styles, truncation, noise_mode), \
        axes_caption(row_seeds, col_seeds, styles)


@friendly
def layer_info(model):
    """Markdown saying which ws indices each preset covers, and the sliders' range, for this model."""
    num_ws, presets = inference.style_presets(model)
    text = (f"This model has **{num_ws} style inputs** $w_0 \\dots w_{{{num_ws - 1}}}$. "
            + ", ".join(f"**{k}** = $w_{{{v[0]}}}$–$w_{{{v[-1]}}}$" for k, v in presets.items() if v and k != "all")
            + ". Or type a range like `0-3` (one layer: `5`; no layers: `none`).")
    return text, gr.Slider(maximum=num_ws - 1), gr.Slider(maximum=num_ws - 1)


@friendly
def show_cell(model, row_seeds, col_seeds, styles, truncation, noise_mode, evt: gr.SelectData):
    x, y = evt.index
    return inference.style_mix_cell(model, row_seeds, col_seeds, styles, float(truncation), noise_mode, x, y)


def layer_range(lo, hi) -> str:
    return f"{int(min(lo, hi))}-{int(max(lo, hi))}"


def build(ctx: TabContext) -> None:
    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=320):
            model = model_picker(ctx, stylegan_models, inference.DEFAULT_MODELS["stylegan"])
            row_seeds = gr.Textbox("1-4", label="Row seeds", elem_id="stylemix-rows",
                                   info="e.g. 1,2,3 or 1-3 (at most 8); applied on Enter or when you leave the box")
            col_seeds = gr.Textbox("10-14", label="Column seeds", elem_id="stylemix-cols",
                                   info="they give the chosen styles")
            styles = gr.Dropdown(["coarse", "middle", "fine", "all"], value="coarse", allow_custom_value=True,
                                 label="Styles taken from the column seeds",
                                 info="a preset, or a layer range typed like 0-3")
            info = gr.Markdown(latex_delimiters=[{"left": "$", "right": "$", "display": False}])
            with gr.Row():
                lo = gr.Slider(0, 9, 0, step=1, label="First layer")
                hi = gr.Slider(0, 9, 2, step=1, label="Last layer")
            truncation = gr.Slider(0.0, 1.5, 1.0, step=0.05, label="Truncation ψ",
                                   info="w' = w̄ + ψ(w − w̄); ψ = 0 shows the average face w̄ for every seed")
            noise_mode = gr.Radio(["const", "random", "none"], value="const", label="Noise",
                                  info="const: the stored noise maps; random: new noise each time; none: off")
        with gr.Column(scale=3):
            axes = gr.Markdown(elem_id="stylemix-axes")
            mix = gr.Image(label="Style-mixing grid (click a cell)", elem_classes=["pixelart"], type="pil",
                           format="png", interactive=False, buttons=["download", "fullscreen"], height=600,
                           elem_id="stylemix-grid")
            with gr.Row():
                big = gr.Image(label="Selected cell", elem_classes=["pixelart"], type="pil", format="png", interactive=False, height=300)
                caption = gr.Markdown("Click an image in the grid to see it large.")
    explain(EXPLANATION)

    inputs = [model, row_seeds, col_seeds, styles, truncation, noise_mode]

    gr.on([model.change, row_seeds.submit, col_seeds.submit, row_seeds.blur, col_seeds.blur, styles.change,
           truncation.release, noise_mode.change], style_mix_view, inputs, [mix, axes], api_name="_style_mix_live",
          api_visibility="private", trigger_mode="always_last")
    gr.on([lo.release, hi.release], layer_range, [lo, hi], styles,
          api_visibility="private")
    mix.select(show_cell, inputs, [big, caption], api_visibility="private")
    model.change(layer_info, model, [info, lo, hi], api_visibility="private")

    # Named API endpoint (api.md): the same function, its exact parameter names.
    hidden = gr.Button(visible=False)
    hidden.click(style_mix, inputs, mix, api_name="style_mix")

    ctx.on_show(layer_info, model, [info, lo, hi], api_visibility="private")
    ctx.on_show(style_mix_view, inputs, [mix, axes], api_name="_style_mix_load", api_visibility="private")
