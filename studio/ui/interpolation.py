"""Latent interpolation tab: walk from seed A's code to seed B's, frame by frame."""
from __future__ import annotations

import functools

import gradio as gr

import torch

from .. import inference
from ..images import grid, to_pil
from ..paths import assets_dir
from . import drawing_pad
from .cyclegan import pick_example
from .common import TabContext, explain, friendly, model_picker, random_seed, sprite_div, sprite_js, user_error

TITLE = "Interpolation"

EXPLANATION = r"""
**What you see.** Each seed picks a point $z \sim \mathcal N(0, I)$ in the generator's latent space.
The strip shows $G(z_t)$ for points $z_t$ on a path from $z_A$ to $z_B$: if the generator has learned
a smooth map, the digits morph gradually instead of jumping. The $t$ slider draws one frame of the path.

**The objective.** The generator $G$ and the discriminator $D$ play the GAN game
(Goodfellow et al. 2014; the DCGAN architecture is Radford et al. 2016):
$$\min_G \max_D \; \mathbb E_{x\sim p_\text{data}}[\log D(x)] + \mathbb E_{z\sim\mathcal N(0,I)}[\log(1 - D(G(z)))]$$
(in practice $G$ maximises $\log D(G(z))$, the non-saturating loss).

**lerp or slerp?** lerp is $z_t = (1-t)z_A + t z_B$. A Gaussian in $d$ dimensions lives near the sphere of
radius $\sqrt d$, and the lerp midpoint has norm $\approx\sqrt{d/2}$: a region the generator never saw,
so middle frames go faint. slerp follows the arc,
$z_t = \frac{\sin((1-t)\Omega)}{\sin\Omega} z_A + \frac{\sin(t\Omega)}{\sin\Omega} z_B$ with
$\cos\Omega = \frac{z_A\cdot z_B}{|z_A||z_B|}$, and keeps the norm on the sphere (White 2016).

**Truncation $\psi$** scales the code, $z \to \psi z$: below 1 you trade variety for typical, cleaner samples.

**Start from a picture** (latent inversion). Draw a digit on the pad or upload a picture: the studio looks for the
code whose picture is closest to yours, with gradient descent on the code itself, as StyleGAN2's projector does
(Karras et al. 2020, arXiv:1912.04958):
$$z^* = \arg\min_z \; \lVert G(z) - x\rVert^2 + \lambda \sum_l \lVert \phi_l(G(z)) - \phi_l(x)\rVert^2$$
where $\phi_l$ are the feature maps of the studio's own digit classifier (StyleGAN2 uses a VGG trained on
ImageNet). The walk then starts (or ends) at $z^*$: from your digit to the generator's. A picture the generator
cannot draw is only approximated: the reconstruction shows what it can do. A conditional GAN also finds the
class; a StyleGAN searches its intermediate space $W$ (and optimises its noise inputs, kept noise-like by a
penalty on their spatial correlation). A walk from a projected code uses it as found: truncation applies to seeds.
With a conditional GAN the walk also goes from one class embedding to the other; seed $s$ asks for digit $s \bmod 10$.
"""


@friendly
def interpolate(model, seed_a, seed_b, steps, method, truncation):
    return inference.interpolate(model, seed_a, seed_b, int(steps), method, float(truncation))


@friendly
def interpolate_frame(model, seed_a, seed_b, t, method, truncation):
    return inference.interpolate_frame(model, seed_a, seed_b, float(t), method, float(truncation))


SPRITE_N = 101          # one frame per position of the t slider (0, 0.01, ..., 1)

# Dragging t shows the frame of each position at once: the page holds all 101 frames (computed by the
# generator when the seeds, path or truncation change) and moves to the one under the slider, so no
# request is made while dragging (a request per position reached only 4-7 frames per second here).
SHOW_T_JS = sprite_js("#interp-live .sprite", 0.0, 1 / (SPRITE_N - 1))


def _code(state, model):
    """A projected code kept for this model (None: the seed is used)."""
    return state["code"] if state and state.get("model") == model else None


@friendly
def frames_view(model, seed_a, seed_b, t, method, truncation, code_a=None, code_b=None):
    """Every frame the t slider can show, for the page to hold (projected ends replace the seeds)."""
    sprite = inference.frame_sprite(model, seed_a, seed_b, SPRITE_N, method, float(truncation),
                                    code_a=_code(code_a, model), code_b=_code(code_b, model))
    return sprite_div(sprite, SPRITE_N, round(float(t) * (SPRITE_N - 1)))


@friendly
def interpolate_views(model, seed_a, seed_b, steps, method, truncation, code_a=None, code_b=None):
    """The strip, the GIF to show and the same GIF to download."""
    image, path = inference.interpolate(model, seed_a, seed_b, int(steps), method, float(truncation),
                                        code_a=_code(code_a, model), code_b=_code(code_b, model))
    return image, path, path


def ends_text(model, seed_a, seed_b, code_a, code_b) -> str:
    """Where the walk starts and ends, in words (a conditional model's seed also asks for a digit)."""
    try:
        G = inference.get_model(model)
    except Exception:               # the views already said what is wrong with the model
        G = None
    n = getattr(G, "n_classes", None) if getattr(G, "family", None) == "cgan" else None

    def end(name, seed, state):
        if _code(state, model) is not None:
            return f"**{name}**: {state['what']}"
        digit = inference.whole(seed)
        return f"**{name}**: seed {seed}" + (f" (digit {digit % n})" if n and digit is not None else "")
    return " · ".join([end("A", seed_a, code_a), end("B", seed_b, code_b)])


# ----------------------------------------------------------------------------- start from a picture

PROJECT_STEPS = None          # the family's default (inference.projection.default_steps)


def progress_picture(p):
    """Your picture as the generator sees it, beside the reconstruction so far."""
    return grid(torch.stack([p.target, p.image]), nrow=2, cell=128)


def project_view(model, picture, which, code_a, code_b, source="upload"):
    """Project a picture, showing the reconstruction every few steps; at the end it becomes end A or B."""
    try:
        model = inference.page_model(model)            # these events run with preprocess=False: check it here
        if which not in ("A", "B"):
            raise ValueError(f"the projection becomes end A or B of the walk, not {which!r}")
        picture = drawing_pad.decode(picture) if source == "drawing" else picture
        for p in inference.project_progress(model, picture, PROJECT_STEPS):
            read = f", reads as {p.label}" if p.label is not None else ""
            caption = (f"Step {p.step}/{p.steps}: reconstruction error {p.error:.3f} "
                       f"(mean pixel difference){read}, {p.seconds:.1f} s")
            if not p.done:
                yield progress_picture(p), caption, gr.skip(), gr.skip()
                continue
            state = {"model": model, "code": p.code,
                     "what": f"your {'drawing' if source == 'drawing' else 'picture'}{read} (error {p.error:.3f})"}
            yield (progress_picture(p), caption + f". It is now end {which} of the walk.",
                   state if which == "A" else gr.skip(), state if which == "B" else gr.skip())
    except Exception as e:
        raise user_error(e, "project_view") from None


def project_drawing(model, drawing, which, code_a, code_b):
    yield from project_view(model, drawing, which, code_a, code_b, source="drawing")


@friendly
def project(model="dcgan-mnist", image=None, steps=None):
    """/project: (the projected picture, JSON with the code and the reconstruction error)."""
    p = inference.project(inference.page_model(model), image, steps)
    return to_pil(p.image, inference.DISPLAY), inference.projection.code_json(p, model)


def forget():
    return None


def back_to_seed(end: str) -> str:
    """The projection caption once end A or B is back to its seed (its projected code dropped)."""
    return f"End {end} is back to its seed: the walk starts from the seed's code again."


def examples() -> list[str]:
    return [str(p) for p in sorted((assets_dir() / "projection").glob("*.png"))]


def build(ctx: TabContext) -> None:
    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=300):
            model = model_picker(ctx, inference.latent_models, inference.DEFAULT_MODELS["dcgan"])
            with gr.Row():
                # default ends: a walk 0 -> 7 -> 9 -> 4 with dcgan-mnist (every frame read as a digit with p > 0.99)
                seed_a = gr.Number(25, label="Seed A", precision=0, minimum=0, scale=3, elem_id="interp-seed-a")
                rand_a = gr.Button("Random", scale=1, min_width=60)
            with gr.Row():
                seed_b = gr.Number(38, label="Seed B", precision=0, minimum=0, scale=3, elem_id="interp-seed-b")
                rand_b = gr.Button("Random", scale=1, min_width=60)
            steps = gr.Slider(2, 32, 10, step=1, label="Steps (frames)", elem_id="interp-steps")
            method = gr.Radio(["slerp", "lerp"], value="slerp", label="Path",
                              info="slerp stays on the Gaussian's shell, where the generator was trained; "
                                   "lerp cuts through the middle, where codes are atypically short")
            truncation = gr.Slider(0.0, 1.5, 1.0, step=0.05, label="Truncation ψ",
                                   info="ψ < 1 pulls codes to the centre: cleaner, less varied")
        with gr.Column(scale=3):
            ends = gr.Markdown("**A**: seed 25 · **B**: seed 38", elem_id="interp-ends")
            strip = gr.Image(label="Frames from A to B", elem_classes=["pixelart"], elem_id="interp-strip", type="pil",
                             format="png", interactive=False,
                             buttons=["download", "fullscreen"])
            with gr.Row():
                with gr.Column():
                    t = gr.Slider(0, 1, 0.5, step=0.01, label="t (drag me)", elem_id="interp-t")
                    gr.Markdown("**Frame at t**")
                    live = gr.HTML(elem_id="interp-live")
                    frame = gr.Image(label="Frame at t", elem_classes=["pixelart"], elem_id="interp-frame", type="pil",
                                     format="png", interactive=False, height=320, visible=False)   # /interpolate_frame
                with gr.Column():
                    gif = gr.Image(label="Animated GIF (A → B → A)", elem_classes=["pixelart"], type="filepath", interactive=False, height=320)
                    gif_file = gr.File(label="Download the GIF", interactive=False)
    with gr.Accordion("Start from a picture: draw or upload a digit, and walk from it", open=True,
                      elem_id="interp-project"):
        with gr.Row(equal_height=False):
            with gr.Column(scale=1, min_width=240):
                gr.Markdown("**Draw a digit** (white on black); it is projected when you let go.")
                pad = drawing_pad.DrawingPad(elem_id="interp-pad")
                clear = gr.Button("Clear the pad", size="sm")
            with gr.Column(scale=1, min_width=240):
                upload = gr.Image(label="…or upload a picture", type="filepath", sources=["upload", "clipboard"],
                                  height=200, elem_id="interp-upload")
                gallery = gr.Gallery(examples(), label="Examples: click one", columns=3, height=160,
                                     allow_preview=False, buttons=[], interactive=False, object_fit="contain",
                                     elem_id="interp-examples")
                which = gr.Radio(["A", "B"], value="A", label="Your picture becomes end", elem_id="interp-which")
                with gr.Row():
                    back_a = gr.Button("A: back to its seed", size="sm")
                    back_b = gr.Button("B: back to its seed", size="sm")
            with gr.Column(scale=2, min_width=300):
                progress = gr.Image(label="Your picture (left) and the generator's closest picture (right)",
                                    elem_classes=["pixelart"], elem_id="interp-projection", type="pil", format="png",
                                    interactive=False, height=280)
                caption = gr.Markdown(elem_id="interp-projection-caption")
    explain(EXPLANATION)

    code_a, code_b = gr.State(None), gr.State(None)       # per page: a projected code for end A / end B
    inputs = [model, seed_a, seed_b, steps, method, truncation, code_a, code_b]
    frame_inputs = [model, seed_a, seed_b, t, method, truncation, code_a, code_b]
    ends_inputs = [model, seed_a, seed_b, code_a, code_b]

    def redraw(event):
        """After `event`: the strip and GIF, the frames the t slider shows, and the ends' names (-> the last step)."""
        return event.then(interpolate_views, inputs, [strip, gif, gif_file], api_visibility="private") \
                    .then(frames_view, frame_inputs, live, api_visibility="private", show_progress="hidden") \
                    .then(ends_text, ends_inputs, ends, api_visibility="private", show_progress="hidden")

    gr.on([steps.release, method.change, truncation.release], interpolate_views, inputs, [strip, gif, gif_file],
          api_name="_interpolate_live", api_visibility="private", trigger_mode="always_last")
    gr.on([method.change, truncation.release], frames_view, frame_inputs, live, api_name="_frames_live",
          api_visibility="private", show_progress="hidden", trigger_mode="always_last")
    # A new seed drops the projected code of its end (a new model: of both ends), then everything is redrawn.
    redraw(seed_a.change(forget, None, code_a, api_visibility="private", queue=False))
    redraw(seed_b.change(forget, None, code_b, api_visibility="private", queue=False))
    redraw(model.change(lambda: (None, None), None, [code_a, code_b], api_visibility="private", queue=False))
    t.input(None, t, None, js=SHOW_T_JS, api_visibility="private")      # in the page: no request per position
    rand_a.click(random_seed, None, seed_a, api_visibility="private")
    rand_b.click(random_seed, None, seed_b, api_visibility="private")

    # Start from a picture: the reconstruction every few steps, then the walk from (or to) it.
    projections = [pad.input(project_drawing, [model, pad, which, code_a, code_b], [progress, caption, code_a, code_b],
                             api_name="_project_drawing", api_visibility="private", trigger_mode="always_last")]
    project_upload = dict(fn=project_view, inputs=[model, upload, which, code_a, code_b],
                          outputs=[progress, caption, code_a, code_b], api_visibility="private", preprocess=False)
    projections.append(upload.upload(api_name="_project_upload", trigger_mode="always_last", **project_upload))
    projections.append(gallery.select(pick_example, None, upload, api_visibility="private", show_progress="hidden")
                       .then(**project_upload))
    for event in projections:
        redraw(event)
    # "Back to its seed" also stops a projection still running (its end would otherwise come back when it ends).
    # The caption says so at the end of the redraw: a frame the stopped projection had already sent lands before.
    for button, end, code in ((back_a, "A", code_a), (back_b, "B", code_b)):
        redraw(button.click(forget, None, code, api_visibility="private", queue=False, cancels=projections)) \
            .then(functools.partial(back_to_seed, end), None, caption, api_visibility="private",
                  show_progress="hidden")
    clear.click(lambda: "", None, pad, api_visibility="private", queue=False)

    # Named API endpoints (api.md): the same functions, their exact parameter names.
    with gr.Row(visible=False):
        api_image = gr.Image(type="filepath")
        api_steps = gr.Number(None, precision=0)     # None: the family's default steps
        api_json = gr.JSON()
        hidden, hidden_frame, hidden_project = gr.Button(), gr.Button(), gr.Button()
    hidden.click(interpolate, inputs[:6], [strip, gif_file], api_name="interpolate")
    hidden_frame.click(interpolate_frame, frame_inputs[:6], frame, api_name="interpolate_frame", concurrency_limit=4)
    hidden_project.click(project, [model, api_image, api_steps], [progress, api_json], api_name="project",
                         preprocess=False)

    ctx.on_show(interpolate_views, inputs, [strip, gif, gif_file], api_name="_interpolate_load",
                api_visibility="private")
    ctx.on_show(frames_view, frame_inputs, live, api_name="_frame_load", api_visibility="private")
    ctx.on_show(ends_text, ends_inputs, ends, api_name="_ends_load", api_visibility="private", show_progress="hidden",
                queue=False)
