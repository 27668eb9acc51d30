"""CycleGAN tab: translate a picture from one domain to the other and back again."""
from __future__ import annotations

import re
from pathlib import Path

import gradio as gr

from .. import hub, inference
from ..paths import assets_dir
from .common import TabContext, explain, friendly, model_picker, user_error

TITLE = "CycleGAN"

EXPLANATION = r"""
**What you see.** A CycleGAN has two generators: $G$ turns a picture of domain $A$ (summer) into domain $B$
(winter), $F$ goes back. Upload a picture or pick an example, choose a direction, and you see the
translation $G(a)$, the round trip $F(G(a))$ and where the round trip differs from the input (the heat map:
dark = identical, yellow/white = lost on the way).

**The objective** (Zhu, Park, Isola & Efros 2017). Nobody showed the model the *same* scene in summer and in
winter: the training sets are unpaired. Two discriminators $D_B$ and $D_A$ only judge whether a picture looks
like its domain, with the least-squares GAN loss, e.g. for $G$:
$$\mathcal L_\text{GAN}(G, D_B) = \mathbb E_b[(D_B(b) - 1)^2] + \mathbb E_a[D_B(G(a))^2].$$
That alone would let $G$ paint *any* winter scene. The **cycle-consistency loss** forces it to keep the
content, because $F$ must be able to undo it:
$$\mathcal L_\text{cyc} = \mathbb E_a\,\|F(G(a)) - a\|_1 + \mathbb E_b\,\|G(F(b)) - b\|_1,$$
$$\mathcal L = \mathcal L_\text{GAN}(G, D_B) + \mathcal L_\text{GAN}(F, D_A) + \lambda\,\mathcal L_\text{cyc}
 + \tfrac{\lambda}{2}\big(\mathbb E_b\|G(b) - b\|_1 + \mathbb E_a\|F(a) - a\|_1\big),\quad \lambda = 10.$$
The last (identity) term keeps colours that are already right. The generators are ResNets (two strided
convolutions down, residual blocks, two transposed convolutions up, instance norm); the discriminators are
70×70 **PatchGANs**: they score every overlapping 70×70 patch, so they judge texture, not layout.

**What the bundled model knows.** `cyclegan-summer2winter` learned from the studio's own synthetic landscapes
(64 px drawings of sky, mountains, water, beach, grass and trees; it works at 256 px here): it knows their
summer and winter, nothing else. A photograph is far from anything it saw, so expect a cold colour shift rather
than real snow. For photographs, use the authors' model trained on Yosemite photos: in their repository run
`bash ./scripts/download_cyclegan_model.sh summer2winter_yosemite` and load
`checkpoints/summer2winter_yosemite_pretrained/latest_net_G.pth` below.

**Official models.** Generator files of the authors' code (junyanz/pytorch-CycleGAN-and-pix2pix, e.g.
`horse2zebra.pth`) load below. Each file holds one direction, so there is no way back and no cycle to show:
load the opposite file (e.g. `zebra2horse.pth`) for the other direction.
"""

# The translate events run with preprocess=False: gr.Image would otherwise open the file with PIL
# before our handler runs, so a corrupt file, a non-image or a decompression bomb would fail inside
# Gradio with an unhelpful message. Gradio has already checked that the file is an upload of this
# studio and moved it to its cache; inference.load_picture takes the raw payload (a file or an inline
# data: URL), checks the size before decoding and says what is wrong. The other raw inputs are
# checked here: the model name (inference.page_model) and the direction (translate_views).


DIRECTION_LABELS = {"AtoB": "{a} → {b}", "BtoA": "{b} → {a}"}


def _direction_choices(model: str) -> tuple[list[tuple[str, str]], list[str]]:
    a, b, have = inference.cyclegan_domains(model)
    return [(DIRECTION_LABELS[d].format(a=a, b=b), d) for d in ("AtoB", "BtoA") if d in have], have


@friendly
def translate(model, image, direction):
    """/translate: (translated image, cycle-reconstructed image or None for a one-direction model)."""
    return inference.translate(inference.page_model(model), image, direction)


def translate_all(model, image, direction):
    """Everything the tab shows. A picture that cannot be translated clears the old results and says why
    in their place (a toast on top of the previous picture and its stale note misled students)."""
    try:
        v = inference.translate_views(inference.page_model(model), image, direction)
    except Exception as e:
        return None, None, None, f"**Cannot translate this picture.** {user_error(e, 'translate_all').message}"
    return v["translated"], v["reconstructed"], v["heatmap"], str(v["note"])


def pick_example(evt: gr.SelectData):
    """An example thumbnail was clicked: it becomes the picture."""
    return evt.value["image"]["path"]


@friendly
def directions_for(model, direction):
    choices, have = _direction_choices(model)
    return gr.Radio(choices=choices, value=direction if direction in have else have[0])


@friendly
def import_official(file):
    """Load an official generator .pth with studio.load and keep it as a model of this studio."""
    if file is None:
        raise ValueError("no file: choose an official CycleGAN generator .pth file")
    path = Path(file)
    if path.suffix.lower() not in (".pth", ".pt"):
        raise ValueError(f"{path.name}: expected a PyTorch .pth generator file such as horse2zebra.pth")
    G = hub.load(path)                                # reads it with weights_only=True; clear errors if unfit
    wanted = re.sub(r"[^A-Za-z0-9_.-]+", "-", path.stem).strip("-.")[:60] or "official"
    name = hub.free_name(wanted)                      # never replace a bundled or anybody's trained model
    card = (f"# {name}\n\nImported from the official CycleGAN generator file `{path.name}` "
            f"(junyanz/pytorch-CycleGAN-and-pix2pix): ResNet generator, ngf={G.config.ngf}, "
            f"{G.config.n_blocks} residual blocks, direction {G.config.directions[0]} only.\n")
    hub.save(G, hub.user_models_dir() / name, card=card)
    a, b = G.config.domain_a, G.config.domain_b
    taken = f"; a model called `{wanted}` already exists" if name != wanted else ""
    msg = (f"Loaded **{path.name}**: {G.config.n_blocks} residual blocks, ngf={G.config.ngf}, "
           f"translates {a} → {b} only (saved as model `{name}`{taken}).")
    return msg, name


def show_imported(name):
    """The imported model in the picker, with its one direction (a second step, so that a file that fails to
    load marks only the message as failed and leaves the picker and the direction usable)."""
    choices, have = _direction_choices(name)
    return gr.Dropdown(choices=inference.cyclegan_models(), value=name), gr.Radio(choices=choices, value=have[0])


def examples() -> list[str]:
    return [str(p) for p in sorted((assets_dir() / "cyclegan").glob("*.png"))]


def build(ctx: TabContext) -> None:
    default = inference.DEFAULT_MODELS["cyclegan"]
    pics = examples()
    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=300):
            model = model_picker(ctx, inference.cyclegan_models, default)
            direction = gr.Radio([("summer → winter", "AtoB"), ("winter → summer", "BtoA")], value="AtoB",
                                 label="Direction", elem_id="cyclegan-direction")
            image = gr.Image(value=pics[0] if pics else None, type="filepath", image_mode=None, elem_id="cyclegan-input",
                             label="Your picture (any size)", sources=["upload", "clipboard"], height=300)
            gallery = gr.Gallery(pics, label="Examples (synthetic landscapes): click one", columns=3, height=330,
                                 allow_preview=False, buttons=[], interactive=False, elem_id="cyclegan-examples")
            with gr.Accordion("Load an official CycleGAN generator (.pth)", open=False):
                official = gr.File(label="e.g. horse2zebra.pth or latest_net_G.pth", file_types=[".pth", ".pt"],
                                   type="filepath", elem_id="cyclegan-official")
                official_msg = gr.Markdown()
        with gr.Column(scale=3):
            with gr.Row():
                translated = gr.Image(label="Translation G(x)", elem_id="cyclegan-translated", type="pil", format="png", interactive=False,
                                      height=320, buttons=["download", "fullscreen"])
                reconstructed = gr.Image(label="Round trip F(G(x))", type="pil", format="png", interactive=False,
                                         height=320, buttons=["download", "fullscreen"])
            with gr.Row():
                heat = gr.Image(label="|x − F(G(x))| (dark = same, bright = lost)", type="pil", format="png",
                                interactive=False, height=320)
                note = gr.Markdown(elem_id="cyclegan-note")
    explain(EXPLANATION)

    inputs = [model, image, direction]
    outputs = [translated, reconstructed, heat, note]
    raw = dict(preprocess=False)        # the handlers get the upload's file unopened (see above)
    # `input` fires once per upload, paste or clear (`change` fired twice per upload); examples set the picture
    # from the server and translate after it.
    gr.on([image.input, direction.change], translate_all, inputs, outputs, api_name="_translate_live",
          api_visibility="private", trigger_mode="always_last", **raw)
    gallery.select(pick_example, None, image, api_visibility="private", show_progress="hidden") \
        .then(translate_all, inputs, outputs, api_visibility="private", **raw)
    model.change(directions_for, [model, direction], direction, api_name="_cyclegan_directions",
                 api_visibility="private").then(translate_all, inputs, outputs, api_visibility="private", **raw)
    imported = gr.State()
    official.upload(import_official, official, [official_msg, imported], api_name="_cyclegan_import",
                    api_visibility="private") \
        .success(show_imported, imported, [model, direction], api_visibility="private") \
        .then(translate_all, inputs, outputs, api_visibility="private", **raw)

    # Named API endpoint (api.md): (model, image, direction) -> (translated, reconstructed).
    hidden = gr.Button(visible=False)
    hidden.click(translate, inputs, [translated, reconstructed], api_name="translate", **raw)

    ctx.on_show(translate_all, inputs, outputs, api_name="_translate_load", api_visibility="private", **raw)
