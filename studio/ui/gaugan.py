"""GauGAN tab: paint a label map with the class colours, get a landscape (SPADE)."""
from __future__ import annotations

import html
import random
from pathlib import Path

import gradio as gr
import numpy as np
from PIL import Image

from .. import inference
from ..paths import assets_dir
from . import label_canvas
from .common import TabContext, explain, friendly, model_picker, random_seed

TITLE = "GauGAN"

CANVAS = 256           # side of the painting canvas, in label cells
STYLE_SEED = "seed (z ~ N(0, I))"

EXPLANATION = r"""
**What you see.** You paint a *label map* $m$: every pixel gets a class (sky, water, mountain, …) by its colour.
The generator turns it into a picture, $x = G(m, z)$; the style code $z$ picks *how* it looks
(daylight, sunset or night) while $m$ fixes *what is where*. Winter is in the map: paint snow.

**Why SPADE.** A normalisation layer subtracts each channel's mean and divides by its spread. Feed a plain
encoder-decoder a label map with one big uniform region (all sky) and after the first normalisation the
activations are the same whatever the class was: the semantics are washed away. SPADE (Park et al. 2019,
*Semantic Image Synthesis with Spatially-Adaptive Normalization*) normalises without a learned affine and then
puts the label map back in at every layer, with a scale and a bias predicted per pixel from $m$:
$$h' = \gamma_{c,y,x}(m)\,\frac{h_{c,y,x} - \mu_c}{\sigma_c} + \beta_{c,y,x}(m).$$

**Training.** A multi-scale PatchGAN discriminator $D(x, m)$ judges image patches together with their labels,
with the hinge loss, plus feature matching (the generated image's discriminator features should match the real
one's) and a VAE style encoder $E(x) = (\mu, \log\sigma^2)$:
$$\mathcal L_G = -\mathbb E[D(G(m, z), m)] + \lambda_{FM}\,\mathcal L_{FM}
 + 0.05\,\mathrm{KL}\big(\mathcal N(\mu, \sigma^2)\,\|\,\mathcal N(0, I)\big) + \lambda_{1}\lVert G(m, z) - x\rVert_1,
 \quad z = \mu + \sigma\varepsilon$$
$$\mathcal L_D = \mathbb E[\max(0, 1 - D(x, m))] + \mathbb E[\max(0, 1 + D(G(m, z), m))]$$
(the paper's VGG perceptual term is replaced by the pixel L1 term: no pretrained VGG offline).
The KL term keeps the encoder's codes close to $\mathcal N(0, I)$, so a random seed gives a plausible style too.

**Style.** A *seed* draws $z \sim \mathcal N(0, I)$; a *preset* is the encoder's mean code of a few synthetic
landscapes of that style; an uploaded *style image* goes through the encoder (its mean $\mu$). In these
landscapes winter is mostly in the label map (snow lies on the grass and on the beach away from the water), so the
model learned it from the map, not from the code: the *winter* preset also covers your grass and dry sand with
snow before painting (your canvas keeps its classes).

**Colours.** The canvas paints classes, not colours: every cell holds a class, drawn in that class's colour.
A label map opened from a PNG is snapped pixel by pixel to the nearest class colour; colours far from every
class colour are snapped too and counted in the note.
"""


def _palette_or_empty(model: str) -> list[dict]:
    try:
        return inference.palette(model)
    except Exception:       # the bundled model may be missing in a fresh checkout: the tab still builds
        return []


def swatch_css(entries: list[dict]) -> str:
    """A colour swatch (with a border: snow is white) before each class of the brush picker."""
    rules = "".join(
        f'#gaugan-classes label:nth-of-type({i}) span::before {{background:{html.escape(e["color"])}}}'
        for i, e in enumerate(entries, start=1))
    return ('<style>#gaugan-classes label span::before {content:"";display:inline-block;width:20px;height:20px;'
            'border:2px solid #444;border-radius:4px;margin-right:8px;vertical-align:-4px}' + rules + "</style>")


def example_maps() -> list[str]:
    return sorted(str(p) for p in (assets_dir() / "gaugan").glob("*.png"))


def _canvas_value(model: str, labels) -> str:
    return label_canvas.encode(labels, [e["color"] for e in inference.palette(model)])


def _picture_value(model: str, picture) -> tuple[str, str]:
    """A picture painted in the palette colours -> (canvas value, note about snapped pixels)."""
    im = inference.load_picture(picture, max_side=4096).resize((CANVAS, CANVAS), Image.NEAREST)
    parsed = inference.parse_label_map(im, inference.get_model(model, "spade").palette_rgb().numpy())
    return _canvas_value(model, parsed.labels), parsed.message


# ---------------------------------------------------------------------------------------------- handlers

@friendly
def palette(model: str = inference.DEFAULT_MODELS["spade"]) -> list[dict]:
    """/palette: [{"name", "color": "#rrggbb"}] of the model's label classes."""
    return inference.palette(inference.page_model(model))


# The painting events run with preprocess=False, like CycleGAN's: Gradio would decode the label map and the
# style image itself, with no pixel limit and a generic error for a file that is not a picture. The handlers
# get the raw payloads (uploaded files, unopened) and decode them the one checked way
# (inference.pictures.open_picture); they check the other raw values themselves (model name, seed).


def _style(style_seed, style_image):
    """Raw seed and style image -> (seed, style image or None)."""
    return inference.check_seed(0 if style_seed in (None, "") else style_seed, "style seed"), style_image or None


@friendly
def paint(model, label_map, style_seed=0, style_image=None):
    """Public /paint: a label map image in palette colours -> the generated picture."""
    seed, style_image = _style(style_seed, style_image)
    image, _ = inference.paint(inference.page_model(model), label_map or None, seed, style_image)
    return image


@friendly
def paint_canvas(model, canvas, style_seed, style_image, style_preset):
    """The canvas's label map + the style -> the picture."""
    model = inference.page_model(model)
    labels = label_canvas.decode(canvas, len(inference.palette(model)))
    seed, style_image = _style(style_seed, style_image)
    preset = None if style_preset in (None, "", STYLE_SEED) else str(style_preset)
    z = inference.style_code(model, seed, style_image, preset)
    return inference.paint_labels(model, labels, z, preset=inference.label_preset(style_image, preset))


def drop_style_image(image):
    """A preset or seed was picked: an uploaded style image would silently win over it, so it goes."""
    return None if image is not None else gr.skip()


@friendly
def fill(model, class_name):
    names = [e["name"] for e in inference.palette(model)]
    if class_name not in names:
        raise gr.Error(f"unknown class {class_name!r}; this model has: {', '.join(names)}")
    return _canvas_value(model, np.full((CANVAS, CANVAS), names.index(class_name)))


def clear(model):
    """The whole canvas in the first class (sky)."""
    return fill(model, (_palette_or_empty(model) or [{"name": ""}])[0]["name"])


def seed_style() -> str:
    return STYLE_SEED


@friendly
def load_example(model, path):
    if not path:
        raise gr.Error("pick an example map")
    return _picture_value(model, path)[0]


@friendly
def upload_map(model, file):
    """A label-map picture from the user's disk (PNG in the class colours) onto the canvas."""
    value, note = _picture_value(model, file)
    return value, (f"Note: {note}" if note else "")


@friendly
def random_map(model):
    """A label map from the synthetic landscape generator (the same one the bundled model was trained on)."""
    try:
        from training.datasets.landscapes import CLASSES, make_landscape
    except ImportError:
        paths = example_maps()
        if not paths:
            raise gr.Error("the landscape generator is not installed and there are no example maps") from None
        return _picture_value(model, random.choice(paths))[0]
    entries = inference.palette(model)
    if [e["name"] for e in entries] != list(CLASSES):
        raise gr.Error("random maps come from the landscape generator, whose classes differ from this model's")
    labels, _, _ = make_landscape(random.randrange(10**9), CANVAS)
    return _canvas_value(model, labels)


def adapt(model):
    """Model changed: new legend, fill choices and presets, and the first example map in its colours."""
    entries = _palette_or_empty(model)
    names = [e["name"] for e in entries]
    try:
        presets = list(inference.get_model(model, "spade").config.preset_names)
    except Exception:
        presets = []
    examples = example_maps()
    try:
        canvas = _picture_value(model, examples[0])[0] if examples else fill(model, names[0])
    except Exception:
        canvas = gr.skip()
    return (canvas, swatch_css(entries),
            gr.Radio(choices=names, value=names[0] if names else None),
            gr.Dropdown(choices=names, value=names[0] if names else None),
            gr.Radio(choices=presets + [STYLE_SEED], value=presets[0] if presets else STYLE_SEED))


UNDO_JS = "() => { document.querySelector('#gaugan-canvas canvas').dispatchEvent(new Event('undo')); }"


# ---------------------------------------------------------------------------------------------- layout

def build(ctx: TabContext) -> None:
    default = inference.DEFAULT_MODELS["spade"]
    entries = _palette_or_empty(default)
    names = [e["name"] for e in entries]
    examples = example_maps()
    try:
        presets = list(inference.get_model(default, "spade").config.preset_names)
        first = _picture_value(default, examples[0])[0] if examples else None
    except Exception:      # the bundled model may be missing in a fresh checkout: the tab still builds
        presets, first = [], None

    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=300):
            model = model_picker(ctx, inference.spade_models, default)
            swatches = gr.HTML(swatch_css(entries), padding=False)
            brush_class = gr.Radio(names, value=names[0] if names else None, elem_id="gaugan-classes",
                                   label="Brush: click a class to paint with it", interactive=True)
            brush_size = gr.Slider(2, 64, value=16, step=1, label="Brush size", elem_id="gaugan-brush",
                                   interactive=True)    # read only by the canvas script: no event makes it interactive
            with gr.Row():
                fill_class = gr.Dropdown(names, value=names[0] if names else None, label="Fill everything with",
                                         scale=3)
                fill_btn = gr.Button("Fill", scale=1, min_width=60)
            with gr.Row():
                clear_btn = gr.Button("Clear (all sky)")
                random_btn = gr.Button("Random map")
            example = gr.Dropdown([(Path(p).stem.replace("_", " "), p) for p in examples], elem_id="gaugan-examples",
                                  value=examples[0] if examples else None, label="Example maps")
        with gr.Column(scale=2, min_width=300):
            gr.Markdown("**Label map**: paint with the mouse; the picture follows", elem_id="gaugan-editor-title")
            canvas = label_canvas.LabelCanvas(first, classes_id="gaugan-classes", brush_id="gaugan-brush",
                                              elem_id="gaugan-canvas")
            with gr.Row():
                undo_btn = gr.Button("Undo stroke", size="sm")
                upload_btn = gr.UploadButton("Open a label map (PNG)", file_types=["image"], size="sm",
                                             elem_id="gaugan-upload")
        with gr.Column(scale=2, min_width=300):
            output = gr.Image(label="Picture G(label map, z)", elem_id="gaugan-output", type="pil", format="png",
                              interactive=False, height=400, buttons=["download", "fullscreen"])
            note = gr.Markdown()
            # the style under the picture it changes (on a projector, a control out of sight of its effect is lost)
            style_preset = gr.Radio(presets + [STYLE_SEED], value=presets[0] if presets else STYLE_SEED,
                                    label="Style", info="a preset, or a random style from the seed below",
                                    elem_id="gaugan-preset")
            with gr.Row():
                style_seed = gr.Number(0, label="Style seed", precision=0, minimum=0, scale=3,
                                       elem_id="gaugan-style-seed")
                rand_seed = gr.Button("Random", scale=1, min_width=60)
            style_image = gr.Image(label="Style image (optional: overrides preset and seed until you pick one)",
                                   type="numpy", image_mode="RGB", sources=["upload", "clipboard"], height=160,
                                   elem_id="gaugan-style")
    explain(EXPLANATION)

    live_inputs = [model, canvas, style_seed, style_image, style_preset]
    repaint = dict(fn=paint_canvas, inputs=live_inputs, outputs=output, api_visibility="private",
                   trigger_mode="always_last", show_progress="hidden", preprocess=False)   # raw: see above
    # The canvas sends its map while a stroke is drawn and on release; buttons that replace the map repaint
    # after it is set (a value set by the server fires no event).
    gr.on([canvas.input, style_seed.change, style_image.change, style_preset.change], api_name="_paint_live",
          **repaint)
    model.change(adapt, model, [canvas, swatches, brush_class, fill_class, style_preset], api_name="_gaugan_adapt",
                 api_visibility="private").success(**repaint)
    undo_btn.click(None, js=UNDO_JS, api_visibility="private")
    fill_btn.click(fill, [model, fill_class], canvas, api_name="_gaugan_fill", api_visibility="private") \
        .success(**repaint)
    clear_btn.click(clear, model, canvas, api_name="_gaugan_clear", api_visibility="private").success(**repaint)
    random_btn.click(random_map, model, canvas, api_name="_gaugan_random", api_visibility="private") \
        .success(**repaint)
    example.input(load_example, [model, example], canvas, api_name="_gaugan_example", api_visibility="private") \
        .success(**repaint)
    upload_btn.upload(upload_map, [model, upload_btn], [canvas, note], api_name="_gaugan_upload",
                      api_visibility="private").success(**repaint)
    gr.on([style_preset.input, style_seed.input], drop_style_image, style_image, style_image,
          api_visibility="private", show_progress="hidden")
    # a seed typed in while a preset is picked: the seed is what the student asks for (it did nothing before)
    style_seed.input(seed_style, None, style_preset, api_visibility="private", show_progress="hidden")
    rand_seed.click(random_seed, None, style_seed, api_visibility="private").then(
        seed_style, None, style_preset, api_visibility="private").then(drop_style_image, style_image, style_image,
                                                                       api_visibility="private")

    # Named API endpoints (api.md): hidden inputs so scripts send a plain image file.
    with gr.Row(visible=False):
        api_map = gr.Image(type="numpy", image_mode="RGBA", format="png")
        api_style = gr.Image(type="numpy", image_mode="RGB")
        api_seed = gr.Number(0, precision=0)
        hidden_paint = gr.Button()
    hidden_paint.click(paint, [model, api_map, api_seed, api_style], output, api_name="paint", preprocess=False)
    gr.api(palette, api_name="palette")

    if first is not None:
        ctx.on_show(paint_canvas, live_inputs, output, api_name="_paint_load", api_visibility="private",
                    preprocess=False)
