"""Latent inversion ("projection"): find the code from which a generator draws a given picture.

Optimisation, as in StyleGAN2's projector (Karras et al. 2020, "Analyzing and Improving the Image
Quality of StyleGAN", arXiv:1912.04958, Sec. 5): start from typical codes and run Adam on the code c to
minimise

    L(c) = mean (G(c) - x)^2  +  lambda_f * sum_l mean_pixels || u_l(G(c)) - u_l(x) ||^2  +  lambda_n * R_noise

u_l: the l-th conv block's features of the project's own evaluation network (the digit classifier for
one-channel pictures, the face-attribute net for colour ones; studio/models/evalnets.py), each pixel's
channel vector scaled to unit length as in LPIPS. StyleGAN2 uses LPIPS on an ImageNet VGG, which an offline
classroom does not have. As in the projector, the learning rate ramps up over the first 5% of the steps and
down (cosine) over the last 25%, and Gaussian noise added to the code fades out over the first 75%.

The code, per family (studio/inference/codes.py):
    dcgan     z. 16 random starts in one batch; after the first 20% of the steps the 3 best go on, and the
              best is kept. After every step z is put back on the sphere of radius sqrt(z_dim), where N(0, I)
              has its mass (and where slerp walks).
    cgan      z and the class: two starts per class, z optimised as for dcgan; the class of the best start
              is kept, so the projection also says which digit it found.
    stylegan  w, shared by every layer ("w", as in the paper), or one w per layer ("w+": closer fits, codes
              further from what the mapping network makes), started at w_avg; and the per-layer noise maps,
              with StyleGAN2's noise regularisation R_noise: the maps' correlation with themselves shifted
              by one pixel, summed over a pyramid of 2x-downsampled copies, is pushed to zero, and each map
              is renormalised to zero mean and unit variance after every step, so noise cannot paint the picture.
"""
from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass, field
from typing import Iterator

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch import nn

from ..models import evalnets
from ..paths import eval_dir
from . import codes as C
from . import get_model, whole
from .pictures import load_picture

DEFAULT_STEPS = 150
MAX_STEPS = 1000
PROGRESS_EVERY = 10          # a reconstruction is reported every this many steps
FEATURE_WEIGHT = 1.0         # lambda_f
NOISE_REG_WEIGHT = 1e5       # lambda_n (StyleGAN2's projector's value)
LR = 0.1                     # Adam's peak learning rate (the projector's)
CODE_NOISE = 0.05            # std of the noise added to the code at the start, in units of the code's std
STARTS = 16                  # dcgan: random starts of z; cgan: STARTS_PER_CLASS for every class
STARTS_PER_CLASS = 2
KEEP, PRUNE_AT = 3, 0.2      # after the first 20% of the steps only the 3 best starts go on
SPACES = ("auto", "z", "w", "w+")
FEATURE_NETS = {1: ("mnist-classifier", evalnets.DigitClassifier), 3: ("face-attrs", evalnets.FaceAttrNet)}


@dataclass
class Projection:
    code: dict                        # the found code (codes.py form)
    image: torch.Tensor               # (C, H, W) its picture, in [-1, 1]
    target: torch.Tensor              # (C, H, W) the picture as the generator sees it
    error: float                      # mean |G(c) - x| over the pixels, on a 0..1 scale
    step: int
    steps: int
    seconds: float
    space: str
    label: int | None = None          # cgan: the class of the best start
    feature_net: str | None = None    # the evaluation network whose features the loss used
    extra: dict = field(default_factory=dict)

    @property
    def done(self) -> bool:
        return self.step >= self.steps


# ----------------------------------------------------------------------------- the picture

def digit_like(pic: Image.Image, size: int) -> torch.Tensor:
    """A drawn or photographed digit -> (1, size, size) in [-1, 1], framed as MNIST frames its digits: white ink
    on black (a light background is inverted), the ink's box scaled to 20/32 of the side, centred on the ink's
    centre of mass."""
    a = np.asarray(pic.convert("L"), dtype=np.float32) / 255.0
    border = lambda im: np.concatenate([im[0], im[-1], im[:, 0], im[:, -1]])  # noqa: E731
    if border(a).mean() > 0.5:                                 # dark ink on light paper
        a = 1.0 - a
    bg = float(np.median(border(a)))
    a = np.clip((a - bg) / max(float(a.max()) - bg, 1e-6), 0, 1)
    ys, xs = np.nonzero(a > 0.2)
    if len(ys) < 3:
        raise ValueError("the picture is empty: draw a digit (white on black, or dark on light paper)")
    a = a[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    box = max(1, round(size * 20 / 32))
    scale = box / max(a.shape)
    h, w = max(1, round(a.shape[0] * scale)), max(1, round(a.shape[1] * scale))
    small = np.asarray(Image.fromarray((a * 255).astype(np.uint8)).resize((w, h), Image.LANCZOS), np.float32) / 255
    mass = small.sum()
    cy = (small.sum(1) * np.arange(h)).sum() / mass if mass else h / 2
    cx = (small.sum(0) * np.arange(w)).sum() / mass if mass else w / 2
    top = int(np.clip(round(size / 2 - cy - 0.5), 0, size - h))
    left = int(np.clip(round(size / 2 - cx - 0.5), 0, size - w))
    out = np.zeros((size, size), np.float32)
    out[top:top + h, left:left + w] = small
    return torch.from_numpy(out)[None] * 2 - 1


def square(pic: Image.Image, size: int) -> torch.Tensor:
    """A colour picture -> (3, size, size) in [-1, 1]: the central square, resized."""
    w, h = pic.size
    s = min(w, h)
    pic = pic.crop(((w - s) // 2, (h - s) // 2, (w - s) // 2 + s, (h - s) // 2 + s)).resize((size, size), Image.LANCZOS)
    return torch.from_numpy(np.asarray(pic, np.float32) / 127.5 - 1).permute(2, 0, 1)


def prepare_target(G: nn.Module, picture, frame: bool = True) -> torch.Tensor:
    """A picture as the generator draws it: (C, S, S) in [-1, 1]. `picture`: a path or PIL image (checked by
    pictures.load_picture; one-channel models frame it as MNIST does unless frame=False, then it is only
    resized), or a tensor already of that shape."""
    size, channels = G.config.img_size, G.config.channels
    if isinstance(picture, torch.Tensor):
        if tuple(picture.shape) != (channels, size, size):
            raise ValueError(f"a target tensor must be ({channels}, {size}, {size}), got {tuple(picture.shape)}")
        return picture.float().clamp(-1, 1)
    pic = load_picture(picture)
    if channels == 3:
        return square(pic, size)
    if frame:
        return digit_like(pic, size)
    grey = pic.convert("L").resize((size, size), Image.LANCZOS)
    return torch.from_numpy(np.asarray(grey, np.float32) / 127.5 - 1)[None]


# ----------------------------------------------------------------------------- the loss

@functools.lru_cache(maxsize=4)
def feature_net(channels: int) -> tuple[nn.Module | None, str | None]:
    """The evaluation network for pictures with this many channels (None when its weights are missing)."""
    if channels not in FEATURE_NETS:
        return None, None
    name, cls = FEATURE_NETS[channels]
    folder = eval_dir() / name
    if not (folder / evalnets.WEIGHTS).is_file():
        return None, None
    return evalnets.load_weights(cls(), folder), name


def unit(f: torch.Tensor) -> torch.Tensor:
    return f / (f.pow(2).sum(1, keepdim=True).sqrt() + 1e-8)


def feature_distance(net: nn.Module | None, x: torch.Tensor, target_feats: list[torch.Tensor]) -> torch.Tensor:
    """(N,) sum over blocks of the mean squared distance of unit-length feature vectors."""
    if net is None:
        return x.new_zeros(x.shape[0])
    return sum((unit(f) - t).pow(2).sum(1).mean((1, 2)) for f, t in zip(evalnets.feature_maps(net, x), target_feats))


def noise_regularisation(maps: list[torch.Tensor]) -> torch.Tensor:
    """StyleGAN2's R_noise: squared one-pixel-shift autocorrelations of each map, over a 2x pyramid down to 8 px."""
    reg = maps[0].new_zeros(())
    for m in maps:
        while True:
            reg = reg + (m * m.roll(1, dims=3)).mean() ** 2 + (m * m.roll(1, dims=2)).mean() ** 2
            if m.shape[2] <= 8:
                break
            m = F.avg_pool2d(m, 2)
    return reg


def lr_at(progress: float) -> float:
    """The projector's schedule: linear ramp-up over the first 5%, cosine ramp-down over the last 25%."""
    ramp = min(1.0, (1.0 - progress) / 0.25)
    ramp = 0.5 - 0.5 * math.cos(ramp * math.pi)
    return LR * ramp * min(1.0, progress / 0.05)


class Adam:
    """Adam (Kingma & Ba 2015) on a list of tensors, written out: torch.optim's first step imports
    torch._dynamo, 10-20 s that the studio's first projection would wait for."""

    def __init__(self, params: list[torch.Tensor], betas=(0.9, 0.999), eps: float = 1e-8):
        self.params, self.betas, self.eps, self.t = params, betas, eps, 0
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]

    @torch.no_grad()
    def step(self, lr: float) -> None:
        b1, b2 = self.betas
        self.t += 1
        for p, m, v in zip(self.params, self.m, self.v):
            m.mul_(b1).add_(p.grad, alpha=1 - b1)
            v.mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
            p -= lr * (m / (1 - b1 ** self.t)) / ((v / (1 - b2 ** self.t)).sqrt() + self.eps)
            p.grad = None


# ----------------------------------------------------------------------------- the search

class _Search:
    """One family's parameters, starts and rendering for the optimisation (K starts in a batch)."""

    def __init__(self, G: nn.Module, space: str, gen: torch.Generator):
        self.G, self.space, self.gen = G, space, gen
        if G.family == "stylegan":
            with torch.no_grad():
                w = G.mapping(torch.randn(1000, G.z_dim, generator=gen))
            self.std = float((w - G.w_avg).pow(2).sum(1).mean().sqrt())           # the projector's w_std
            n = 1 if space == "w" else G.num_ws
            self.w = G.w_avg.detach().clone()[None, None].repeat(1, n, 1).requires_grad_(True)  # (1, n, w_dim)
            self.noise = [b.detach().clone().requires_grad_(True) for b in C.noise_buffers(G).values()]
            self.params = [self.w, *self.noise]
        else:
            if G.family == "cgan":
                self.labels = torch.arange(G.n_classes).repeat(STARTS_PER_CLASS)    # every class
            k = len(self.labels) if G.family == "cgan" else STARTS
            self.z = torch.randn(k, G.z_dim, generator=gen).requires_grad_(True)    # (K, z_dim)
            self.std = 1.0
            self.params = [self.z]

    def render(self, noise_scale: float) -> torch.Tensor:
        """(K, C, H, W), not clamped (so the gradient flows everywhere)."""
        G = self.G
        if G.family == "stylegan":
            w = self.w + noise_scale * torch.randn(self.w.shape, generator=self.gen)
            ws = w.expand(-1, G.num_ws, -1)
            names = list(C.noise_buffers(G))
            return torch.func.functional_call(G.synthesis, dict(zip(names, self.noise)), (ws,), {"noise_mode": "const"})
        z = self.z + noise_scale * torch.randn(self.z.shape, generator=self.gen)
        if G.family == "cgan":
            return G.synthesize(z, G.embedding(self.labels))
        return G(z)

    def keep(self, best: torch.Tensor) -> None:
        """Go on with the starts `best` (indices) only."""
        if self.G.family != "stylegan":
            self.z = self.z.detach()[best].requires_grad_(True)
            self.params = [self.z]
            if self.G.family == "cgan":
                self.labels = self.labels[best]

    def regulariser(self) -> torch.Tensor:
        return NOISE_REG_WEIGHT * noise_regularisation(self.noise) if self.G.family == "stylegan" else 0.0

    @torch.no_grad()
    def after_step(self) -> None:
        if self.G.family == "stylegan":               # each noise map back to zero mean, unit variance
            for m in self.noise:
                m -= m.mean()
                m *= m.pow(2).mean().rsqrt()
        else:                                          # z back on the sphere of radius sqrt(z_dim)
            self.z *= math.sqrt(self.G.z_dim) / self.z.norm(dim=1, keepdim=True)

    @torch.no_grad()
    def code(self, k: int) -> dict:
        if self.G.family == "stylegan":
            return {"ws": self.w[0].expand(self.G.num_ws, -1).clone(), "noise": [m.clone() for m in self.noise]}
        code = {"z": self.z[k].clone()}
        if self.G.family == "cgan":
            code["e"] = self.G.embedding(self.labels[k:k + 1])[0]
        return code


def _space(G: nn.Module, space: str) -> str:
    if space not in SPACES:
        raise ValueError(f"space must be one of {', '.join(SPACES)}, got {space!r}")
    if G.family == "stylegan":
        if space == "z":
            raise ValueError("a StyleGAN projects into W or W+ (space 'w' or 'w+'), not z")
        return "w" if space == "auto" else space
    if space not in ("auto", "z"):
        raise ValueError(f"a {G.family} model projects into z only, not {space!r}")
    return "z"


def project_progress(model: str, picture, steps: int = DEFAULT_STEPS, space: str = "auto", seed: int = 0,
                     every: int = PROGRESS_EVERY, frame: bool = True) -> Iterator[Projection]:
    """Project a picture, yielding the best reconstruction so far every `every` steps; the last one is the result."""
    G = get_model(model)
    if not getattr(getattr(G, "config", None), "img_size", None) or G.family not in ("dcgan", "cgan", "stylegan"):
        raise ValueError(f"{model!r} is a {getattr(G, 'family', '?')} model: projection needs a latent model "
                         "(dcgan, cgan or stylegan)")
    n = whole(steps)
    if n is None or not 1 <= n <= MAX_STEPS:
        raise ValueError(f"steps must be a whole number from 1 to {MAX_STEPS}, got {steps}")
    space = _space(G, space)
    target = prepare_target(G, picture, frame)                            # (C, S, S)
    t0 = time.perf_counter()
    net, net_name = feature_net(G.config.channels)
    with torch.no_grad():
        target_feats = [unit(f) for f in evalnets.feature_maps(net, target[None])] if net is not None else []
    search = _Search(G, space, torch.Generator().manual_seed(int(seed)))
    opt = Adam(search.params)
    prune_step = max(1, round(PRUNE_AT * n))
    with torch.enable_grad():
        for step in range(1, n + 1):
            progress = (step - 1) / n
            scale = search.std * CODE_NOISE * max(0.0, 1.0 - progress / 0.75) ** 2
            images = search.render(scale)                                 # (K, C, S, S)
            per_start = (images - target[None]).pow(2).mean((1, 2, 3)) \
                + FEATURE_WEIGHT * feature_distance(net, images, target_feats)
            loss = per_start.sum() + search.regulariser()
            loss.backward()
            opt.step(lr_at(progress))
            search.after_step()
            if step == prune_step and len(per_start) > KEEP:
                search.keep(per_start.detach().argsort()[:KEEP])
                opt = Adam(search.params)
                per_start = per_start.detach().sort().values[:KEEP]
            if step % every == 0 or step == n:
                yield _result(G, search, target, per_start.detach(), step, n, time.perf_counter() - t0, space, net_name)


@torch.no_grad()
def _result(G, search: _Search, target, per_start, step, steps, seconds, space, net_name) -> Projection:
    k = int(per_start.argmin())
    code = search.code(k)
    image = C.render(G, C.batch([code]))[0]
    label = int(search.labels[k]) if G.family == "cgan" else None
    error = float((image - target).abs().mean() / 2)
    return Projection(code, image, target, error, step, steps, seconds, space, label, net_name)


def project(model: str, picture, steps: int = DEFAULT_STEPS, space: str = "auto", seed: int = 0,
            frame: bool = True) -> Projection:
    """The projection of one picture (see project_progress)."""
    result = None
    for result in project_progress(model, picture, steps, space, seed, every=max(int(whole(steps) or 1), 1),
                                   frame=frame):
        pass
    return result


def code_json(p: Projection, model: str) -> dict:
    """What /project returns beside the picture: the code (as lists) and the reconstruction error."""
    code = {k: v.tolist() for k, v in p.code.items() if k != "noise"}
    out = {"model": model, "space": p.space, "code": code, "reconstruction_error": round(p.error, 4),
           "error_measure": "mean absolute pixel difference, 0..1 scale", "steps": p.steps,
           "seconds": round(p.seconds, 2), "feature_network": p.feature_net}
    if p.label is not None:
        out["class"] = p.label
    if "noise" in p.code:
        out["noise_maps"] = f"{len(p.code['noise'])} optimised noise maps (not listed)"
    return out
