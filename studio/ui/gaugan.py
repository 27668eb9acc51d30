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
from .common import TabContext, explain, friendly, model_picker, random_seed

TITLE = "GauGAN"

CANVAS = 256           # side of the painting canvas, in pixels
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
landscapes of that style; an uploaded *style image* goes through the encoder (its mean $\mu$).

**Colours.** Painted colours snap to the nearest class colour: anti-aliased stroke edges blend two colours and
end up in the closer class. Colours far from every class colour are snapped too and counted in the note.
Erased (transparent) pixels take the class of the background underneath.
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


def _brush(entries: list[dict]) -> gr.Brush:
    if not entries:
        return gr.Brush(default_size=12)
    return gr.Brush(colors=[e["color"] for e in entries], default_color=entries[0]["color"], color_mode="fixed",
                    default_size=12)


# A class clicked in the list picks the same-numbered swatch of the editor's own colour popover, in the
# page (the brush's colours are the palette's, in the same order). Changing the editor's brush from the
# server instead re-creates its tools, and the next stroke draws nothing.
PICK_CLASS_JS = """
(name) => {
  const labels = [...document.querySelectorAll('#gaugan-classes label')].map(l => l.textContent.trim());
  const k = labels.indexOf(name);
  const editor = document.querySelector('#gaugan-editor');
  const open = editor && editor.querySelector('button[aria-label="Color"]');
  if (k < 0 || !open) return name;
  open.click();
  setTimeout(() => {
    const swatch = editor.querySelectorAll('button.color')[k];
    if (swatch) swatch.click();
    const brush = editor.querySelector('button[aria-label="Brush"]');
    if (brush) brush.click();
  }, 60);
  return name;
}
"""


def example_maps() -> list[str]:
    return sorted(str(p) for p in (assets_dir() / "gaugan").glob("*.png"))


def _editor_value(img: Image.Image) -> dict:
    rgba = np.asarray(img.convert("RGBA").resize((CANVAS, CANVAS), Image.NEAREST))
    return {"background": rgba, "layers": [], "composite": rgba}


def _hex(c: str) -> tuple[int, int, int]:
    c = c.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


# ---------------------------------------------------------------------------------------------- handlers

@friendly
def palette(model: str = inference.DEFAULT_MODELS["spade"]) -> list[dict]:
    """/palette: [{"name", "color": "#rrggbb"}] of the model's label classes."""
    return inference.palette(model)


@friendly
def paint(model, label_map, style_seed=0, style_image=None):
    """Public /paint: a label map image in palette colours -> the generated picture."""
    image, _ = inference.paint(model, label_map, 0 if style_seed is None else style_seed, style_image)
    return image


def _fallback_labels(model: str, background) -> np.ndarray | int:
    """Labels of the editor's background layer (for erased pixels); class 0 where it is transparent too."""
    if background is None:
        return 0
    colors = inference.get_model(model, "spade").palette_rgb().numpy()
    return inference.parse_label_map(background, colors, 0).labels


@friendly
def paint_editor(model, editor, style_seed, style_image, style_preset):
    if not editor or editor.get("composite") is None:
        raise gr.Error("The canvas is empty: paint something, or pick an example or a random map.")
    background = editor.get("background")
    if background is not None and np.asarray(background).shape[:2] != np.asarray(editor["composite"]).shape[:2]:
        background = None
    preset = None if style_preset in (None, "", STYLE_SEED) else style_preset
    image, note = inference.paint(model, editor["composite"], style_seed, style_image, preset,
                                  fallback=_fallback_labels(model, background))
    return image, (f"Note: {note}" if note else "")


def drop_style_image(image):
    """A preset or seed was picked: an uploaded style image would silently win over it, so it goes."""
    return None if image is not None else gr.skip()


@friendly
def fill(model, class_name):
    entries = inference.palette(model)
    names = [e["name"] for e in entries]
    if class_name not in names:
        raise gr.Error(f"unknown class {class_name!r}; this model has: {', '.join(names)}")
    color = _hex(entries[names.index(class_name)]["color"])
    return _editor_value(Image.new("RGB", (CANVAS, CANVAS), color))


def clear(model):
    """The whole canvas in the first class (sky)."""
    return fill(model, (_palette_or_empty(model) or [{"name": ""}])[0]["name"])


def seed_style() -> str:
    return STYLE_SEED


@friendly
def load_example(path):
    if not path:
        raise gr.Error("pick an example map")
    return _editor_value(Image.open(path))


@friendly
def random_map(model):
    """A label map from the synthetic landscape generator (the same one the bundled model was trained on)."""
    try:
        from training.datasets.landscapes import CLASSES, make_landscape
    except ImportError:
        paths = example_maps()
        if not paths:
            raise gr.Error("the landscape generator is not installed and there are no example maps") from None
        return _editor_value(Image.open(random.choice(paths)))
    entries = inference.palette(model)
    if [e["name"] for e in entries] != list(CLASSES):
        raise gr.Error("random maps come from the landscape generator, whose classes differ from this model's")
    labels, _, _ = make_landscape(random.randrange(10**9), CANVAS)
    return _editor_value(inference.labels_to_image(model, labels))


def adapt(model):
    """Model changed: new palette for the brush, legend, fill choices and presets."""
    entries = _palette_or_empty(model)
    names = [e["name"] for e in entries]
    try:
        presets = list(inference.get_model(model, "spade").config.preset_names)
    except Exception:
        presets = []
    return (gr.ImageEditor(brush=_brush(entries)), swatch_css(entries),
            gr.Radio(choices=names, value=names[0] if names else None),
            gr.Dropdown(choices=names, value=names[0] if names else None),
            gr.Radio(choices=presets + [STYLE_SEED], value=presets[0] if presets else STYLE_SEED))


# ---------------------------------------------------------------------------------------------- layout

def build(ctx: TabContext) -> None:
    default = inference.DEFAULT_MODELS["spade"]
    entries = _palette_or_empty(default)
    names = [e["name"] for e in entries]
    examples = example_maps()
    try:
        presets = list(inference.get_model(default, "spade").config.preset_names)
    except Exception:
        presets = []
    first = _editor_value(Image.open(examples[0])) if examples else None

    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=300):
            model = model_picker(ctx, inference.spade_models, default)
            swatches = gr.HTML(swatch_css(entries), padding=False)
            brush_class = gr.Radio(names, value=names[0] if names else None, elem_id="gaugan-classes",
                                   label="Brush: click a class to paint with it")
            with gr.Row():
                fill_class = gr.Dropdown(names, value=names[0] if names else None, label="Fill everything with",
                                         scale=3)
                fill_btn = gr.Button("Fill", scale=1, min_width=60)
            with gr.Row():
                clear_btn = gr.Button("Clear (all sky)")
                random_btn = gr.Button("Random map")
            example = gr.Dropdown([(Path(p).stem.replace("_", " "), p) for p in examples], elem_id="gaugan-examples",
                                  value=examples[0] if examples else None, label="Example maps")
            style_preset = gr.Radio(presets + [STYLE_SEED], value=presets[0] if presets else STYLE_SEED,
                                    label="Style", info="a preset, or a random style from the seed below",
                                    elem_id="gaugan-preset")
            with gr.Row():
                style_seed = gr.Number(0, label="Style seed", precision=0, minimum=0, scale=3)
                rand_seed = gr.Button("Random", scale=1, min_width=60)
            style_image = gr.Image(label="Style image (optional: overrides preset and seed until you pick one)",
                                   type="numpy", image_mode="RGB", sources=["upload", "clipboard"], height=160,
                                   elem_id="gaugan-style")
        with gr.Column(scale=2, min_width=300):
            # the editor's own label hid behind its toolbar at 1024 px: a heading above it instead
            gr.Markdown("**Label map**: paint with the mouse; the picture follows", elem_id="gaugan-editor-title")
            editor = gr.ImageEditor(value=first, label="Label map", show_label=False, elem_id="gaugan-editor",
                                    type="numpy", image_mode="RGBA", format="png", canvas_size=(CANVAS, CANVAS),
                                    sources=["upload", "clipboard"], transforms=(), layers=False,
                                    brush=_brush(entries), eraser=gr.Eraser(default_size=16), height=460)
        with gr.Column(scale=2, min_width=300):
            output = gr.Image(label="Picture G(label map, z)", elem_id="gaugan-output", type="pil", format="png", interactive=False, height=400,
                              buttons=["download", "fullscreen"])
            note = gr.Markdown()
    explain(EXPLANATION)

    live_inputs = [model, editor, style_seed, style_image, style_preset]
    repaint = dict(fn=paint_editor, inputs=live_inputs, outputs=[output, note], api_visibility="private",
                   trigger_mode="always_last", show_progress="hidden")
    # The editor's `input` fires for every stroke (its `change` skipped the first stroke after a page load);
    # buttons that replace the canvas repaint explicitly (a canvas set by the server fires no event).
    gr.on([editor.input, style_seed.change, style_image.change, style_preset.change], api_name="_paint_live",
          **repaint)
    model.change(adapt, model, [editor, swatches, brush_class, fill_class, style_preset], api_name="_gaugan_adapt",
                 api_visibility="private").success(**repaint)
    brush_class.input(None, brush_class, None, js=PICK_CLASS_JS, api_visibility="private", show_progress="hidden")
    fill_btn.click(fill, [model, fill_class], editor, api_name="_gaugan_fill", api_visibility="private") \
        .success(**repaint)
    gr.on([clear_btn.click, editor.clear], clear, model, editor, api_name="_gaugan_clear",
          api_visibility="private").success(**repaint)
    random_btn.click(random_map, model, editor, api_name="_gaugan_random", api_visibility="private") \
        .success(**repaint)
    example.input(load_example, example, editor, api_name="_gaugan_example", api_visibility="private") \
        .success(**repaint)
    gr.on([style_preset.input, style_seed.input], drop_style_image, style_image, style_image,
          api_visibility="private", show_progress="hidden")
    rand_seed.click(random_seed, None, style_seed, api_visibility="private").then(
        seed_style, None, style_preset, api_visibility="private").then(drop_style_image, style_image, style_image,
                                                                       api_visibility="private")

    # Named API endpoints (api.md): hidden inputs so scripts send a plain image file.
    with gr.Row(visible=False):
        api_map = gr.Image(type="numpy", image_mode="RGBA", format="png")
        api_style = gr.Image(type="numpy", image_mode="RGB")
        api_seed = gr.Number(0, precision=0)
        hidden_paint = gr.Button()
    hidden_paint.click(paint, [model, api_map, api_seed, api_style], output, api_name="paint")
    gr.api(palette, api_name="palette")

    if first is not None and entries:
        ctx.on_show(paint_editor, live_inputs, [output, note], api_name="_paint_load", api_visibility="private")
