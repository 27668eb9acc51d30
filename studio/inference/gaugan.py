"""GauGAN (SPADE): a label map painted in the palette colours + a style -> a picture."""
from __future__ import annotations

import numpy as np
import torch
from PIL import Image

from ..images import to_pil, to_tensor
from ..models.layers import seeded_normal
from . import check_seed, get_model, models_for
from .pictures import MAX_SIDE, load_picture, parse_label_map

PAINT_DISPLAY = 384    # side of the displayed GauGAN picture, in pixels


def spade_models() -> list[str]:
    return models_for("spade")


def palette(model: str) -> list[dict]:
    """[{"name": class name, "color": "#rrggbb"}] of a spade model's label classes."""
    G = get_model(model, "spade")
    return [{"name": n, "color": c} for n, c in zip(G.config.classes, G.config.palette)]



def labels_to_image(model: str, labels) -> Image.Image:
    """(H, W) class indices -> RGB picture in the model's palette colours."""
    G = get_model(model, "spade")
    return Image.fromarray(G.palette_rgb().numpy()[np.asarray(labels, dtype=np.int64)])


def _downsample_labels(labels, size: int) -> torch.Tensor:
    """(H, W) -> (1, size, size) by majority vote over each cell (thin strokes and AA edges behave)."""
    t = torch.as_tensor(labels, dtype=torch.long)
    k = int(t.max()) + 1
    onehot = torch.nn.functional.one_hot(t, k).permute(2, 0, 1)[None].float()
    return torch.nn.functional.interpolate(onehot, size=(size, size), mode="area").argmax(1)


def label_preset(style_image, preset: str | None) -> str | None:
    """The preset whose label rules apply (SPADEConfig.preset_relabel): none when an uploaded style image
    sets the style, as it wins over the preset in style_code."""
    return None if style_image is not None else preset


@torch.no_grad()
def style_code(model: str, style_seed: int = 0, style_image=None, preset: str | None = None) -> torch.Tensor:
    """(z_dim,) style: the encoder's mean of style_image if given, else the named preset, else z ~ N(0, I) of the seed."""
    G = get_model(model, "spade")
    if style_image is not None:          # decoded like every upload (pixel limit), at most MAX_SIDE for the encoder
        x = load_picture(style_image, max_side=MAX_SIDE, multiple=1, what="style image")
        return G.encode(to_tensor(x)[None])[0][0]
    if preset:
        return G.preset(preset)
    return seeded_normal(check_seed(style_seed, "style seed"), G.z_dim)


@torch.no_grad()
def paint_labels(model: str, labels, z: torch.Tensor, display: int = PAINT_DISPLAY,
                 preset: str | None = None) -> Image.Image:
    """Class indices (H, W) + style code -> the generated picture, upscaled (bicubic) for display. A preset
    with label rules (the landscapes' winter: snow on grass and dry sand) applies them to the map first."""
    G = get_model(model, "spade")
    labels = torch.as_tensor(labels, dtype=torch.long)
    if int(labels.min()) < 0 or int(labels.max()) >= G.num_classes:
        raise ValueError(f"labels must be classes 0..{G.num_classes - 1}")
    if preset:
        labels = G.preset_labels(preset, labels)
    y = _downsample_labels(labels, G.config.img_size)
    img = to_pil(G(y, z[None])[0])
    return img.resize((display, display), Image.BICUBIC) if display else img


def paint(model: str, label_map, style_seed: int = 0, style_image=None, preset: str | None = None,
          fallback=0) -> tuple[Image.Image, str]:
    """A label map painted in the palette colours -> (picture, note about snapped/transparent pixels)."""
    G = get_model(model, "spade")
    if label_map is None:
        raise ValueError("no label map: paint one, pick an example, or upload a picture in the palette colours")
    parsed = parse_label_map(label_map, G.palette_rgb().numpy(), fallback)
    z = style_code(model, style_seed, style_image, preset)
    return paint_labels(model, parsed.labels, z, preset=label_preset(style_image, preset)), parsed.message
