"""Tensor <-> picture conversions: images in [-1, 1] become crisp, projector-sized pictures, and back."""
from __future__ import annotations

import math

import numpy as np
import torch
from PIL import Image


def to_uint8(x: torch.Tensor) -> np.ndarray:
    """(C, H, W) in [-1, 1] -> (H, W, 3) uint8 (greyscale is repeated to RGB)."""
    x = ((x.detach().float().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
    if x.shape[0] == 1:
        x = x.expand(3, -1, -1)
    return x.permute(1, 2, 0).cpu().numpy()


def to_tensor(pic) -> torch.Tensor:
    """The reverse of to_pil: a PIL image or uint8 array, (H, W[, C]) or a stack (N, H, W, C),
    -> float (C, H, W) or (N, C, H, W) in [-1, 1]."""
    a = torch.from_numpy(np.asarray(pic, dtype=np.float32))
    if a.dim() == 2:
        a = a[..., None]
    return a.movedim(-1, -3).div(127.5).sub(1.0)


def upscale(img: Image.Image, min_side: int) -> Image.Image:
    """Integer nearest-neighbour upscaling so 32-px digits stay sharp on a big screen."""
    k = max(1, math.ceil(min_side / min(img.size)))
    return img if k == 1 else img.resize((img.width * k, img.height * k), Image.NEAREST)


def to_pil(x: torch.Tensor, min_side: int = 0) -> Image.Image:
    img = Image.fromarray(to_uint8(x))
    return upscale(img, min_side) if min_side else img


def grid(images: torch.Tensor, nrow: int | None = None, pad: int = 2, pad_value: float = 1.0,
         cell: int = 0) -> Image.Image:
    """(N, C, H, W) in [-1, 1] -> one image, `nrow` images per row, each upscaled to >= `cell` px."""
    n, c, h, w = images.shape
    nrow = nrow or math.ceil(math.sqrt(n))
    k = max(1, math.ceil(cell / min(h, w))) if cell else 1
    h, w = h * k, w * k
    ncol_rows = math.ceil(n / nrow)
    canvas = torch.full((3, ncol_rows * (h + pad) + pad, nrow * (w + pad) + pad), pad_value)
    for i in range(n):
        r, col = divmod(i, nrow)
        x = images[i].float()
        x = x.expand(3, -1, -1) if c == 1 else x
        if k > 1:
            x = x.repeat_interleave(k, 1).repeat_interleave(k, 2)
        canvas[:, pad + r * (h + pad):pad + r * (h + pad) + h, pad + col * (w + pad):pad + col * (w + pad) + w] = x
    return Image.fromarray(to_uint8(canvas))


def heatmap(diff: torch.Tensor, vmax: float = 0.5) -> Image.Image:
    """(H, W) absolute differences in [-1, 1] units -> colour-mapped picture (black, purple, red, yellow, white)."""
    stops = torch.tensor([[0, 0, 0], [80, 18, 123], [200, 50, 60], [250, 170, 30], [252, 255, 200]],
                         dtype=torch.float32)
    t = (diff / vmax).clamp(0, 1) * (len(stops) - 1)
    i = t.floor().long().clamp(max=len(stops) - 2)
    f = (t - i)[..., None]
    rgb = stops[i] * (1 - f) + stops[i + 1] * f
    return Image.fromarray(rgb.round().to(torch.uint8).numpy())

