"""Points in a latent generator's input space, shared by the interpolation and the projection.

A code is a dict of tensors for one picture:
    dcgan     {"z": (z_dim,)}
    cgan      {"z": (z_dim,), "e": (embed_dim,)}      e: a class embedding e_y (or a mix of two classes')
    stylegan  {"z": (z_dim,)}                          a seed's code, drawn through the mapping network, or
              {"ws": (num_ws, w_dim), "noise": [(1, 1, r, r) per styled layer]}   what a projection finds
A seed gives z ~ N(0, I) (truncation scales it for dcgan/cgan; StyleGAN truncates in W when drawing);
a conditional model's seed s asks for class s mod n_classes. A walk between two codes interpolates
every entry: z by slerp or lerp, the others (embeddings, w's, noise maps) by lerp.
"""
from __future__ import annotations

import torch
from torch import nn

from ..latent import interpolate as interp
from ..models.layers import seeded_normal

Code = dict


def seed_code(G: nn.Module, seed: int, truncation: float = 1.0) -> Code:
    z = seeded_normal(int(seed), G.z_dim)
    if G.family == "stylegan":
        return {"z": z}
    code = {"z": z * float(truncation)}
    if G.family == "cgan":
        code["e"] = G.embedding(torch.tensor([int(seed) % G.n_classes]))[0]
    return code


def noise_buffers(G: nn.Module) -> dict[str, torch.Tensor]:
    """StyleGAN: the synthesis network's constant noise maps by buffer name ('convs.0.noise_const', ...)."""
    return {name: buf for name, buf in G.synthesis.named_buffers() if name.endswith("noise_const")}


@torch.no_grad()
def as_ws(G: nn.Module, code: Code, truncation: float = 1.0) -> Code:
    """A StyleGAN code in the projection's form: a seed's z mapped (and truncated) to w for every layer, with
    the model's own noise maps."""
    if "ws" in code:
        return code
    ws = G.map(code["z"][None], float(truncation))[0]                  # (num_ws, w_dim)
    return {"ws": ws, "noise": [b.clone() for b in noise_buffers(G).values()]}


def common_form(G: nn.Module, a: Code, b: Code, truncation: float = 1.0) -> tuple[Code, Code]:
    """Two codes with the same entries (a StyleGAN seed meets a projection in W+)."""
    if G.family == "stylegan" and ("ws" in a) != ("ws" in b):
        return as_ws(G, a, truncation), as_ws(G, b, truncation)
    return a, b


def _lerp(a: torch.Tensor, b: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """a, b (...), t (T,) -> (T, ...)."""
    tt = t.view(-1, *([1] * a.dim())).to(a)
    return a[None] + tt * (b - a)[None]


def walk(a: Code, b: Code, t: torch.Tensor, method: str = "slerp") -> Code:
    """Codes along the path from a to b at the positions t (T,): a batch (every entry gets a leading T)."""
    out: Code = {}
    for key in a:
        if key == "z":
            z = interp(a["z"], b["z"], t, method)
            out["z"] = z if z.dim() == 2 else z[None]
        elif key == "noise":
            out["noise"] = [_lerp(x, y, t)[:, 0] for x, y in zip(a["noise"], b["noise"])]   # (T, 1, r, r)
        else:
            out[key] = _lerp(a[key], b[key], t)
    return out


def batch(codes: list[Code]) -> Code:
    """One-picture codes -> a batch."""
    out: Code = {}
    for key in codes[0]:
        if key == "noise":
            out[key] = [torch.cat(maps) for maps in zip(*(c["noise"] for c in codes))]
        else:
            out[key] = torch.stack([c[key] for c in codes])
    return out


def render(G: nn.Module, codes: Code, truncation: float = 1.0) -> torch.Tensor:
    """A batch of codes -> (N, C, H, W) in [-1, 1]. `truncation` applies to StyleGAN's seed codes only (the
    others carry theirs)."""
    if "ws" in codes:
        names = list(noise_buffers(G))
        overrides = dict(zip(names, codes["noise"]))
        img = torch.func.functional_call(G.synthesis, overrides, (codes["ws"],), {"noise_mode": "const"})
        return img.clamp(-1, 1)
    if G.family == "stylegan":
        return G(codes["z"], truncation=float(truncation))
    if G.family == "cgan":
        return G.synthesize(codes["z"], codes["e"])
    return G(codes["z"])
