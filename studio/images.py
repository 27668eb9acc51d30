"""Tensor <-> PIL helpers: images in [-1, 1] become crisp, projector-sized pictures."""
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
