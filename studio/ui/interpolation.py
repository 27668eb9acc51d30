"""Latent interpolation tab: walk from seed A's code to seed B's, frame by frame."""
from __future__ import annotations

import gradio as gr

from .. import inference
from .common import TabContext, explain, friendly, model_picker, random_seed, sprite_div, sprite_js

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


@friendly
def frame_view(model, seed_a, seed_b, t, method, truncation):
    """Every frame the t slider can show, for the page to hold."""
    sprite = inference.frame_sprite(model, seed_a, seed_b, SPRITE_N, method, float(truncation))
    return sprite_div(sprite, SPRITE_N, round(float(t) * (SPRITE_N - 1)))


def interpolate_views(model, seed_a, seed_b, steps, method, truncation):
    """The strip, the GIF to show and the same GIF to download."""
    image, path = interpolate(model, seed_a, seed_b, steps, method, truncation)
    return image, path, path


def build(ctx: TabContext) -> None:
    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=300):
            model = model_picker(ctx, inference.latent_models, inference.DEFAULT_MODELS["dcgan"])
            with gr.Row():
                seed_a = gr.Number(19, label="Seed A", precision=0, minimum=0, scale=3, elem_id="interp-seed-a")
                rand_a = gr.Button("Random", scale=1, min_width=60)
            with gr.Row():
                seed_b = gr.Number(4, label="Seed B", precision=0, minimum=0, scale=3)
                rand_b = gr.Button("Random", scale=1, min_width=60)
            steps = gr.Slider(2, 32, 10, step=1, label="Steps (frames)", elem_id="interp-steps")
            method = gr.Radio(["slerp", "lerp"], value="slerp", label="Path",
                              info="slerp stays on the Gaussian's shell, where the generator was trained; "
                                   "lerp cuts through the middle, where codes are atypically short")
            truncation = gr.Slider(0.0, 1.5, 1.0, step=0.05, label="Truncation ψ",
                                   info="ψ < 1 pulls codes to the centre: cleaner, less varied")
        with gr.Column(scale=3):
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
    explain(EXPLANATION)

    inputs = [model, seed_a, seed_b, steps, method, truncation]
    frame_inputs = [model, seed_a, seed_b, t, method, truncation]

    gr.on([model.change, seed_a.change, seed_b.change, steps.release, method.change, truncation.release],
          interpolate_views, inputs, [strip, gif, gif_file], api_name="_interpolate_live", api_visibility="private",
          trigger_mode="always_last")
    gr.on([model.change, seed_a.change, seed_b.change, method.change, truncation.release],
          frame_view, frame_inputs, live, api_name="_frames_live", api_visibility="private",
          show_progress="hidden", trigger_mode="always_last")
    t.input(None, t, None, js=SHOW_T_JS, api_visibility="private")      # in the page: no request per position
    rand_a.click(random_seed, None, seed_a, api_visibility="private")
    rand_b.click(random_seed, None, seed_b, api_visibility="private")

    # Named API endpoint (api.md): the same function, its exact parameter names.
    hidden, hidden_frame = gr.Button(visible=False), gr.Button(visible=False)
    hidden.click(interpolate, inputs, [strip, gif_file], api_name="interpolate")
    hidden_frame.click(interpolate_frame, frame_inputs, frame, api_name="interpolate_frame", concurrency_limit=4)

    ctx.on_show(interpolate_views, inputs, [strip, gif, gif_file], api_name="_interpolate_load",
                  api_visibility="private")
    ctx.on_show(frame_view, frame_inputs, live, api_name="_frame_load", api_visibility="private")
