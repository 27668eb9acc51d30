"""GAN playground tab: watch a tiny GAN learn a 2-D distribution, see mode collapse happen and get fixed.

After GAN Lab (Kahng et al., IEEE VIS 2018), with the loss variants and mode-collapse remedies of the
surveys. Each page holds its own game (a Session in gr.State) on the server; Play streams frames (point
arrays, D's heat map, G's gradients and manifold, curves) into a gr.HTML whose small canvas script
(playground_canvas.js) draws them, so the browser redraws at the server's frame rate without pictures.
"""
from __future__ import annotations

import functools
import json
import time
from pathlib import Path

import gradio as gr

from training.playground import LOSSES, NOISES, OPTIMIZERS, TARGETS, Playground, Settings

from ..inference import playground as infer
from .common import LATEX, TabContext, explain, friendly, user_error

TITLE = "Playground"

FPS = 25                 # frames a playing page is sent per second, at most
MAX_PLAY_S = 600         # a play loop pauses itself after 10 minutes (a forgotten tab does not train for ever)
TRAIN_BUDGET_S = 0.025   # training time per frame, at most (so slow settings still redraw >= 15 times a second)
MEASURE_EVERY_S = 0.2    # divergence and coverage (2000 points) five times a second while playing
STEP_PAUSE_S = 0.7       # "One step": how long the D update stays on screen before the G update
LRS = ["0.0001", "0.0002", "0.0005", "0.001", "0.002", "0.004", "0.01", "0.02", "0.05", "0.1"]
SPEEDS = [1, 2, 5, 10, 20, 50]

# the controls, in the order every handler receives them (names of Settings fields, and the speed)
CONTROLS = ("target", "loss", "noise_dim", "noise", "g_depth", "g_width", "d_depth", "d_width", "lr_g", "lr_d",
            "opt_g", "opt_d", "d_steps", "d_warmup", "spectral_norm", "pack", "mbstd", "unroll", "seed", "speed")

EXPLANATION = r"""
**What you see.** Green dots are samples of the real distribution $p_\text{data}$, purple dots are the
generator's points $G(z)$ for noise $z$ (1-D or 2-D, Gaussian or uniform). The background is the
discriminator's verdict over the plane: green where $D$ says "real", purple where it says "generated"
(for hinge and Wasserstein losses $D$ is a *critic* with an unbounded score, shown scaled to the plane's
range). The arrows are $-\partial \mathcal L_G / \partial x$ at each generated point: where $G$'s loss
pushes it (a fixed scale, so a stalled generator shows no arrows). *G's manifold* is a grid in noise space
mapped through $G$: watch the sheet fold onto the target.

**One step** is one update of $D$ (the background changes), then one update of $G$ (the points move along
the arrows). Play repeats $k$ updates of $D$ then one of $G$ ($k$ = the D:G ratio).

**The losses**, with $D(x) = \sigma(\text{logit})$ for the first two:
- minimax (Goodfellow et al. 2014): $\min_G\max_D\ \mathbb E_x[\log D(x)] + \mathbb E_z[\log(1 - D(G(z)))]$;
  $G$ minimises $\log(1-D(G(z)))$, which is flat where $D$ confidently rejects the fakes: it *saturates*.
- non-saturating (same paper): $G$ maximises $\log D(G(z))$ instead, steep exactly there.
- least squares (Mao et al. 2017): $\mathcal L_D = \tfrac12\mathbb E[(D(x)-1)^2] + \tfrac12\mathbb E[D(G(z))^2]$,
  $\mathcal L_G = \tfrac12\mathbb E[(D(G(z))-1)^2]$.
- hinge (Lim & Ye 2017): $\mathcal L_D = \mathbb E[\max(0, 1-D(x))] + \mathbb E[\max(0, 1+D(G(z)))]$,
  $\mathcal L_G = -\mathbb E[D(G(z))]$.
- WGAN (Arjovsky et al. 2017): $\min_G \max_{\lVert D\rVert_L \le 1} \mathbb E_x[D(x)] - \mathbb E_z[D(G(z))]$,
  the Lipschitz bound enforced by clipping every weight of $D$ to $[-0.01, 0.01]$;
  WGAN-GP (Gulrajani et al. 2017) adds $10\,\mathbb E_{\hat x}[(\lVert\nabla D(\hat x)\rVert - 1)^2]$ on points
  $\hat x$ between real and generated ones, instead of clipping.

**Remedies for mode collapse.** *Spectral norm* (Miyato et al. 2018) divides each weight of $D$ by its largest
singular value. *PacGAN* (Lin et al. 2018) lets $D$ judge $m$ samples at once: a pack of look-alikes gives a
collapsed $G$ away. *Minibatch std* (Karras et al. 2018) gives $D$ the batch's spread as one more feature.
*Unrolled D* (Metz et al. 2017) trains $G$ against $D$ as it will be after $k$ more updates,
$\mathcal L_G(\theta_G, \theta_D^{(k)}(\theta_G))$, so $G$ sees how $D$ would answer its move.
*Two learning rates* (TTUR, Heusel et al. 2017) for $G$ and $D$.

**The meters** (ring and grid): a generated point is *high quality* within $3\sigma$ of a mode; a mode is
*covered* when it gets at least a tenth of its fair share of them (the measure of the Unrolled GAN, VEEGAN
and PacGAN papers, on 2000 points). The divergence is the Jensen–Shannon divergence between histograms of
real and generated points (24 × 24 cells, in bits: 0 same, 1 disjoint; 2000 points of a perfect generator
still score about 0.02).

**Draw a target**: tick *Draw a target with the mouse* under the plane and drag on it; every stroke becomes
part of the target (each point a small Gaussian) and the game restarts on it.

**Measured** with `python bench/playground_claims.py` (2026-11-30), the same function as `/playground_step`:
the ring, 5 seeds (0–4), 5000 steps each; $G$ 2 × 64, batch 256, Adam at $10^{-3}$ for both players, unless
a row says otherwise; PacGAN packs 2 samples, unrolled $D$ looks 5 updates ahead. Each cell: modes covered /
share of high-quality points, per seed.

| loss | remedy, settings | D | modes covered / high-quality share, seeds 0–4 | mean modes | mean high quality | seeds with ≥ 7 modes and ≥ 70 % |
|---|---|---|---|---|---|---|
| nonsaturating | — | 1 × 32 | 1/0.02, 1/0.23, 0/0.00, 1/0.05, 1/0.09 | 0.8 | 8 % | 0 of 5 |
| nonsaturating | pacgan | 1 × 32 | 8/0.79, 8/0.28, 5/0.18, 6/0.30, 8/0.60 | 7.0 | 43 % | 1 of 5 |
| nonsaturating | mbstd | 1 × 32 | 8/0.47, 8/0.69, 8/0.42, 8/0.80, 8/0.72 | 8.0 | 62 % | 2 of 5 |
| nonsaturating | unrolled | 1 × 32 | 8/0.56, 8/0.79, 8/0.66, 8/0.66, 8/0.70 | 8.0 | 67 % | 2 of 5 |
| wgan-gp | 5 D updates per G | 1 × 32 | 0/0.00, 1/0.02, 1/0.03, 0/0.01, 0/0.01 | 0.4 | 2 % | 0 of 5 |
| nonsaturating | — | 2 × 64 | 8/0.89, 7/0.87, 8/0.87, 8/0.84, 8/0.89 | 7.8 | 87 % | 5 of 5 |
| wgan-gp | 5 D updates per G | 2 × 64 | 8/0.73, 8/0.82, 7/0.30, 8/0.70, 8/0.87 | 7.8 | 68 % | 3 of 5 |
| wgan-gp | 5 D updates per G, lr G 0.002, lr D 0.002 | 1 × 32 | 0/0.01, 0/0.00, 0/0.01, 0/0.00, 1/0.03 | 0.2 | 1 % | 0 of 5 |
| wgan-gp | 5 D updates per G, lr G 0.002, lr D 0.002 | 2 × 64 | 8/0.89, 8/0.89, 8/0.85, 8/0.88, 8/0.88 | 8.0 | 88 % | 5 of 5 |
| nonsaturating | pacgan | 2 × 64 | 8/0.89, 8/0.91, 8/0.79, 8/0.88, 8/0.91 | 8.0 | 88 % | 5 of 5 |
| nonsaturating | unrolled | 2 × 64 | 8/0.82, 8/0.92, 8/0.94, 8/0.89, 8/0.93 | 8.0 | 90 % | 5 of 5 |
| nonsaturating | 5 D updates per G, lr D 0.004, G 2 × 32 | 3 × 128 | 1/0.83, 2/0.93, 3/0.89, 1/0.94, 3/0.91 | 2.0 | 90 % | 0 of 5 |
| nonsaturating | lr G 0.01, lr D 0.0002 | 2 × 64 | 7/0.42, 3/0.29, 3/0.48, 8/0.70, 0/0.00 | 4.2 | 38 % | 1 of 5 |
| nonsaturating | lr G 0.001, lr D 0.004 | 2 × 64 | 8/0.92, 8/0.88, 6/0.91, 8/0.92, 8/0.94 | 7.6 | 91 % | 4 of 5 |

With the small $D$ (1 × 32) the non-saturating GAN collapses to 0–1 modes in every seed; PacGAN, minibatch
std and unrolled $D$ bring the modes back (7.0, 8.0, 8.0 on average) but keep only 43–67 % of the points
near a mode, and WGAN-GP with that $D$ never learns the ring. With the default $D$ (2 × 64), PacGAN,
unrolled $D$ and WGAN-GP (at $2\cdot 10^{-3}$) cover all 8 modes with 79–94 % high-quality points in every
seed, and so does the plain GAN: here the collapse needs the small $D$, or a $D$ much stronger than $G$
(3 × 128 with 5 updates per $G$ update against $G$ 2 × 32: 1–3 modes in every seed, 90 % high quality).

**Minimax stalls** when $D$ has won (300 $D$ updates first, at 4× $G$'s rate). $G$'s loss
$\log(1 - D(G(z)))$ has the gradient $-\sigma(\ell)\,\nabla\ell$ (with $D = \sigma(\ell)$), which vanishes as
$D(G(z)) \to 0$; the non-saturating $-\log D(G(z))$ has $-(1 - \sigma(\ell))\,\nabla\ell$, largest there. With
$G$ on SGD, $\lVert\nabla G\rVert$ over the first 200 steps: $6.5\cdot 10^{-4}$ (minimax) against 2.4
(non-saturating), and minimax's points have not moved after 1000 steps (JS divergence 1.00). With Adam the
ratio is only 5×: Adam divides each step by the gradient's running size.
"""

PRESETS = {
    "minimax saturates": dict(
        settings=dict(target="ring8", loss="minimax", d_warmup=300, lr_d="0.004", opt_g="sgd", lr_g="0.05"),
        story=r"""**Minimax saturates.** $D$ trains alone for 300 updates first, so it rejects the generated
points with confidence, $D(G(z)) \approx 10^{-4}$. $G$ minimises $\log(1 - D(G(z)))$, whose gradient
$-\frac{\nabla D(G(z))}{1 - D(G(z))}$, with $D = \sigma(\ell)$, is $-\sigma(\ell)\,\nabla\ell \to 0$: no arrows,
$G$'s gradient norm near $10^{-3}$, the points stall (G uses plain SGD here, whose step is the gradient).
Switch the loss to *non-saturating*, $\max_G \log D(G(z))$, steepest exactly there, and they move.
Measured over 5 seeds: $\lVert\nabla G\rVert$ $6.5\cdot 10^{-4}$ against 2.4 over the first 200 steps, and after
1000 steps minimax's points have not moved (JS divergence 1.00). With Adam for $G$ the gradient is only 5×
smaller and the points move at once: Adam divides each step by the gradient's running size."""),
    "mode collapse on the ring": dict(
        settings=dict(target="ring8", loss="nonsaturating", d_depth=1, d_width=32),
        story=r"""**Mode collapse.** With a small $D$ (one hidden layer of 32 units) the non-saturating GAN
$\max_G \mathbb E_z[\log D(G(z))]$ puts its points in one place at a time; $D$ learns to reject that place,
and $G$ hops to another instead of spreading out. Measured over 5 seeds, 5000 steps: 0 or 1 of the 8 modes
covered. Then set *PacGAN* to 2, tick *minibatch std*, or unroll $D$ 5 steps: 7.0, 8.0 and 8.0 modes on
average, though only 43–67 % of the points land within $3\sigma$ of a mode (the table under *What am I
looking at?*)."""),
    "WGAN-GP covers the ring": dict(
        settings=dict(target="ring8", loss="wgan-gp", d_steps=5, lr_g="0.002", lr_d="0.002"),
        story=r"""**WGAN-GP.** The critic estimates the Wasserstein-1 distance
$\max_{\lVert D\rVert_L\le 1} \mathbb E_x[D(x)] - \mathbb E_z[D(G(z))]$, kept 1-Lipschitz by the penalty
$10\,\mathbb E_{\hat x}[(\lVert\nabla_{\hat x} D\rVert - 1)^2]$, with 5 critic updates per $G$ update as in the
paper. Its slope stays informative far from the data, so every generated point is pulled towards some mode:
with seed 0 all 8 modes are covered after 1500 steps (41 % of the points high quality after 2000), and
after 5000 steps every one of 5 seeds covers 8 of 8 modes with 85–89 % high-quality points.
With one critic update per $G$ update it does not get there: try it."""),
    "D too strong": dict(
        settings=dict(target="ring8", loss="nonsaturating", d_depth=3, d_width=128, d_steps=5, lr_d="0.004",
                      g_depth=2, g_width=32),
        story=r"""**D too strong.** A big $D$ (3 × 128 units), 5 updates per $G$ update at 4× $G$'s learning
rate, against a small $G$ (2 × 32). $G$ minimises $\mathbb E_z[-\log D(G(z))]$ and finds one place $D$
rejects least: a single mode, where it stays (seed 0: 1 of 8 modes through 3000 steps, ~90 % of the points
high quality). Sharp samples, no variety: mode collapse. Set D's updates to 1 and its width to 32."""),
    "unequal learning rates": dict(
        settings=dict(target="ring8", loss="nonsaturating", lr_g="0.01", lr_d="0.0002"),
        story=r"""**Unequal learning rates.** $G$ learns 50× faster than $D$ ($\eta_G = 10^{-2}$,
$\eta_D = 2\cdot 10^{-4}$): $D$'s verdict lags behind, and $G$ overshoots wherever it is told to go; the points
leave the ring (5 seeds after 5000 steps: 0 to 8 modes, 4.2 on average, 38 % of the points high quality).
TTUR (Heusel et al. 2017) prescribes the opposite, a faster $D$: with $\eta_G = 10^{-3}$,
$\eta_D = 4\cdot 10^{-3}$ the same game $\min_G\max_D V(D, G)$ covered 7.6 of 8 modes on average with 91 %
high-quality points (at least 7 modes and 70 % in 4 of 5 seeds)."""),
}


class Session:
    """One page's playground: the game, the play speed (steps per frame), and the play loop allowed to draw
    (a newer Play, a pause or one step replace it, and the old loop stops at its next frame)."""

    def __init__(self, settings: Settings):
        self.game = Playground(settings)
        self.speed = 5
        self.player = None


def _settings(session: Session | None, values) -> tuple[Settings, int]:
    """The controls' values -> (Settings, speed); a drawn target keeps the session's points."""
    v = dict(zip(CONTROLS, values))
    speed = int(v.pop("speed"))
    if v["target"] == "drawn":
        points = session.game.settings.points if session is not None and session.game.settings.target == "drawn" \
            else ()
        if not points:
            raise ValueError("draw a target first: tick 'Draw a target with the mouse' and drag on the plane")
        v["points"] = points
    for k in ("lr_g", "lr_d"):
        try:
            v[k] = float(v[k])
        except (TypeError, ValueError):
            raise ValueError(f"the learning rate must be a number like 0.001, got {v[k]!r}") from None
    v["seed"] = infer.check_seed(v["seed"])
    for k in ("noise_dim", "g_depth", "g_width", "d_depth", "d_width", "d_steps", "d_warmup", "pack", "unroll"):
        v[k] = int(v[k])
    return Settings(**v).check(), speed


def _session(session: Session | None, values) -> Session:
    """The page's session with the controls applied (made on first use)."""
    settings, speed = _settings(session, values)
    if session is None:
        session = Session(settings)
    else:
        session.game.configure(settings)
    session.speed = speed
    return session


def frame(session: Session, phase: str = "", fresh: bool = True) -> str:
    return json.dumps(infer.view_json(session.game, phase, session.player is not None, fresh), separators=(",", ":"))


# ---------------------------------------------------------------------------------------------- handlers

@friendly
def show(session, *values):
    """Apply the controls (made on first use) and draw; an already-playing loop is left to draw."""
    session = _session(session, values)
    return session, gr.skip() if session.player is not None else frame(session, "paused")


@friendly
def reset(session, *values):
    session = _session(session, values)
    session.game.reset()
    return session, frame(session, "reset" if session.player is None else "")


@friendly
def pause(session, *values):
    if session is None:
        return show(session, *values)
    session.player = None
    return session, frame(session, "paused")


def play(session, *values):
    """Train and stream frames (at most FPS a second, `speed` steps each) until paused or replaced."""
    try:
        session = _session(session, values)
    except Exception as e:
        raise user_error(e, "play") from None
    token = object()
    session.player = token
    first, t0, measured = True, time.monotonic(), 0.0
    due = t0
    while session.player is token:
        if time.monotonic() - t0 > MAX_PLAY_S:
            session.player = None
            yield session, frame(session, f"paused after {MAX_PLAY_S // 60} minutes: press Play to go on")
            return
        with session.game.lock:
            t, n = time.monotonic(), 0         # `speed` steps, or fewer when they take long (WGAN-GP, unrolled)
            while n < session.speed and (n == 0 or time.monotonic() - t < TRAIN_BUDGET_S):
                session.game.train(1)
                n += 1
            fresh = time.monotonic() - measured > MEASURE_EVERY_S
            measured = time.monotonic() if fresh else measured
            out = frame(session, fresh=fresh)
        if session.player is not token:
            return
        yield (session if first else gr.skip()), out
        first = False
        due = max(due + 1 / FPS, time.monotonic())
        time.sleep(max(0.0, due - time.monotonic()))


def one_step(session, *values):
    """One D update, shown; then one G update, shown (playing stops)."""
    try:
        session = _session(session, values)
    except Exception as e:
        raise user_error(e, "one step") from None
    session.player = None
    game = session.game
    with game.lock:
        game.d_update()
        out = frame(session, f"D update {game.step + 1}: D's verdict moved")
    yield session, out
    time.sleep(STEP_PAUSE_S)
    with game.lock:
        game.g_update()
        out = frame(session, f"G update {game.step}: the points moved along the arrows")
    yield session, out


@friendly
def drawn(evt: gr.EventData, session, *values):
    """A stroke on the plane: the drawn points become the target (the game restarts on it). "Clear drawing"
    sends no points: the drawn target goes and the default one comes back."""
    data = getattr(evt, "_data", None) or {}
    if data.get("points") == []:
        if session is None or session.game.settings.target != "drawn":
            return session, gr.skip(), gr.skip()          # the target is not a drawn one: nothing to clear
        name, points = Settings().target, ()
    else:
        name, points = infer.parse_target(data.get("points"))
    settings, speed = _settings(session, ("ring8",) + values[1:])
    settings = Settings(**dict(settings.as_dict(), target=name, points=points)).check()
    if session is None:
        session = Session(settings)
    else:
        session.game.configure(settings)
    session.speed = speed
    return session, gr.Radio(value=name), (gr.skip() if session.player is not None else frame(session, name))


INTRO = "Pick a preset, or press **Play**."
CHANGED = "*You have changed the settings since this preset: the story below is the preset's.*\n\n"


def changed_since_story(story: str) -> str:
    """A control moved by hand: the preset's story stays, marked as no longer describing what plays."""
    return story if not story or story.startswith((CHANGED, INTRO)) else CHANGED + story


def preset(name):
    """The preset's controls (everything else back to its default) and its story."""
    p = PRESETS[name]
    d = dict(Settings().as_dict(), speed=5, **p["settings"])
    d["lr_g"], d["lr_d"] = str(d["lr_g"]), str(d["lr_d"])
    d["seed"] = 0
    return tuple(d[k] for k in CONTROLS) + (p["story"],)


def playground_step(target: str = "ring8", loss: str = "nonsaturating", remedy: str = "none", steps: int = 1000,
                    seed: int = 0, noise_dim: int = Settings.noise_dim, noise: str = Settings.noise,
                    g_depth: int = Settings.g_depth, g_width: int = Settings.g_width,
                    d_depth: int = Settings.d_depth, d_width: int = Settings.d_width,
                    lr_g: float = Settings.lr_g, lr_d: float = Settings.lr_d, d_steps: int = Settings.d_steps,
                    spectral_norm: bool = Settings.spectral_norm, batch: int = Settings.batch,
                    opt_g: str = Settings.opt_g, opt_d: str = Settings.opt_d, d_warmup: int = Settings.d_warmup,
                    n_points: int = 500) -> dict:
    """/playground_step: train a fresh 2-D GAN for `steps` steps and report the generated points, losses
    and coverage (see studio.inference.playground.playground_step)."""
    try:
        return infer.playground_step(target, loss, remedy, steps, seed, n_points, noise_dim=int(noise_dim),
                                     noise=noise, g_depth=int(g_depth), g_width=int(g_width), d_depth=int(d_depth),
                                     d_width=int(d_width), lr_g=float(lr_g), lr_d=float(lr_d),
                                     d_steps=int(d_steps), spectral_norm=bool(spectral_norm), batch=int(batch),
                                     opt_g=opt_g, opt_d=opt_d, d_warmup=int(d_warmup))
    except Exception as e:
        raise user_error(e, "playground_step") from None


# ---------------------------------------------------------------------------------------------- layout

TEMPLATE = """
<div class="pg-wrap">
  <div class="pg-left">
    <canvas class="pg-plane" width="520" height="520" role="img" aria-label="the plane: real and generated points"></canvas>
    <div class="pg-layers">
      <label><input type="checkbox" data-layer="heat" checked> D's verdict</label>
      <label><input type="checkbox" data-layer="real" checked> real</label>
      <label><input type="checkbox" data-layer="fake" checked> generated</label>
      <label><input type="checkbox" data-layer="arrows" checked> G's gradients</label>
      <label><input type="checkbox" data-layer="manifold"> G's manifold</label>
    </div>
    <div class="pg-layers">
      <label><input type="checkbox" data-draw> Draw a target with the mouse</label>
      <button type="button" class="pg-clear">Clear drawing</button>
    </div>
  </div>
  <div class="pg-right">
    <div class="pg-phase">press Play</div>
    <div class="pg-bar pg-modes"><div class="pg-fill"></div><span class="pg-val"></span></div>
    <div class="pg-bar pg-quality"><div class="pg-fill"></div><span class="pg-val"></span></div>
    <div class="pg-bar pg-js"><div class="pg-fill"></div><span class="pg-val"></span></div>
    <canvas class="pg-curves" width="460" height="420" role="img" aria-label="loss curves"></canvas>
  </div>
</div>
"""


def build(ctx: TabContext) -> None:
    d = Settings()
    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=300):
            with gr.Row():
                play_btn = gr.Button("Play", variant="primary", elem_id="pg-play", min_width=60)
                pause_btn = gr.Button("Pause", elem_id="pg-pause", min_width=60)
                step_btn = gr.Button("One step", elem_id="pg-step", min_width=60)
                reset_btn = gr.Button("Reset", elem_id="pg-reset", min_width=60)
            speed = gr.Radio(SPEEDS, value=5, label="Speed: steps per frame", elem_id="pg-speed")
            gr.Markdown("**Presets**: a story in one click")
            with gr.Row(elem_id="pg-presets"):
                presets = [gr.Button(name, size="sm", min_width=120) for name in PRESETS]
            target = gr.Radio(list(TARGETS) + ["drawn"], value=d.target, label="Target", elem_id="pg-target")
            loss = gr.Dropdown(list(LOSSES), value=d.loss, label="Loss", elem_id="pg-loss")
            with gr.Row():
                lr_g = gr.Dropdown(LRS, value=str(d.lr_g), label="G learning rate", allow_custom_value=True,
                                   min_width=100)
                lr_d = gr.Dropdown(LRS, value=str(d.lr_d), label="D learning rate", allow_custom_value=True,
                                   min_width=100)
            with gr.Row():
                opt_g = gr.Radio(list(OPTIMIZERS), value=d.opt_g, label="G's optimiser", min_width=100)
                opt_d = gr.Radio(list(OPTIMIZERS), value=d.opt_d, label="D's optimiser", min_width=100)
            d_steps = gr.Slider(1, 10, d.d_steps, step=1, label="D updates per G update")
            d_warmup = gr.Slider(0, 1000, d.d_warmup, step=50, label="D's head start: D updates before the game")
            with gr.Accordion("Remedies for mode collapse", open=True):
                spectral = gr.Checkbox(d.spectral_norm, label="Spectral norm on D")
                pack = gr.Slider(1, 4, d.pack, step=1, label="PacGAN: samples per pack (1 = off)")
                mbstd = gr.Checkbox(d.mbstd, label="Minibatch standard deviation in D")
                unroll = gr.Slider(0, 10, d.unroll, step=1, label="Unrolled D: look-ahead steps (0 = off)")
            with gr.Accordion("Networks and noise", open=False):
                with gr.Row():
                    g_depth = gr.Slider(1, 4, d.g_depth, step=1, label="G hidden layers")
                    g_width = gr.Slider(4, 256, d.g_width, step=4, label="G width")
                with gr.Row():
                    d_depth = gr.Slider(1, 4, d.d_depth, step=1, label="D hidden layers")
                    d_width = gr.Slider(4, 256, d.d_width, step=4, label="D width")
                noise_dim = gr.Radio([1, 2], value=d.noise_dim, label="Noise dimension")
                noise = gr.Radio(list(NOISES), value=d.noise, label="Noise distribution")
                seed = gr.Number(d.seed, label="Seed", precision=0, minimum=0)
        with gr.Column(scale=3, min_width=600):
            canvas = gr.HTML("", html_template=TEMPLATE, js_on_load=_canvas_js(), elem_id="pg-canvas", padding=False)
            story = gr.Markdown(INTRO, latex_delimiters=LATEX, elem_id="pg-story")
    explain(EXPLANATION)

    session = gr.State(None)
    controls = [target, loss, noise_dim, noise, g_depth, g_width, d_depth, d_width, lr_g, lr_d, opt_g, opt_d, d_steps,
                d_warmup, spectral, pack, mbstd, unroll, seed, speed]
    inputs = [session] + controls
    out = [session, canvas]
    quiet = dict(api_visibility="private", show_progress="hidden")

    play_btn.click(play, inputs, out, concurrency_limit=None, **quiet)
    pause_btn.click(pause, inputs, out, concurrency_limit=None, **quiet)
    step_btn.click(one_step, inputs, out, concurrency_limit=None, **quiet)
    reset_btn.click(reset, inputs, out, concurrency_limit=None, **quiet)
    gr.on([c.input for c in controls], show, inputs, out, concurrency_limit=None, trigger_mode="always_last",
          **quiet)
    gr.on([c.input for c in controls], changed_since_story, story, story, queue=False, **quiet)
    canvas.drawn(drawn, inputs, [session, target, canvas], concurrency_limit=None, **quiet)
    for name, btn in zip(PRESETS, presets):
        btn.click(functools.partial(preset, name), None, controls + [story], **quiet).then(
            reset, inputs, out, concurrency_limit=None, **quiet).then(play, inputs, out, concurrency_limit=None,
                                                                       **quiet)
    ctx.on_show(show, inputs, out, concurrency_limit=None, **quiet)

    gr.api(playground_step, api_name="playground_step")


def _canvas_js() -> str:
    return (Path(__file__).with_name("playground_canvas.js")).read_text()

