"""CycleGAN: translate a picture A -> B (or back) and show the cycle reconstruction."""
from __future__ import annotations

import torch
from PIL import Image

from ..images import heatmap, to_pil, to_tensor
from . import get_model, models_for
from .pictures import MAX_SIDE, load_picture

CYCLEGAN_WORK_SCALE = 4          # the generator sees at most this times the model's training size (64 -> 256 px)


class NoCycleNote(str):
    """A message shown instead of the cycle reconstruction (single-direction models)."""



def cyclegan_models() -> list[str]:
    return models_for("cyclegan")


def cyclegan_domains(model: str) -> tuple[str, str, list[str]]:
    """(name of domain A, name of domain B, the directions the model has)."""
    G = get_model(model, "cyclegan")
    return G.config.domain_a, G.config.domain_b, list(G.config.directions)


@torch.no_grad()
def translate_views(model: str, image, direction: str = "AtoB") -> dict:
    """Everything the CycleGAN tab shows: {"input", "translated", "reconstructed" (None without a cycle),
    "heatmap" (None without a cycle), "note", "cycle_l1"}."""
    if direction not in ("AtoB", "BtoA"):
        raise ValueError(f"direction must be 'AtoB' or 'BtoA', got {direction!r}")
    G = get_model(model, "cyclegan")
    G.direction_net(direction)                         # a clear error if the model lacks this direction
    side = min(MAX_SIDE, CYCLEGAN_WORK_SCALE * int(G.config.img_size))
    pic = load_picture(image, max_side=side)
    x = to_tensor(pic)[None]
    y = G(x, direction).clamp(-1, 1)
    out = {"input": pic, "translated": to_pil(y[0]), "reconstructed": None, "heatmap": None, "cycle_l1": None}
    back = "BtoA" if direction == "AtoB" else "AtoB"
    if back in G.config.directions:
        rec = G(y, back).clamp(-1, 1)
        diff = (rec[0] - x[0]).abs().mean(0)
        out.update(reconstructed=to_pil(rec[0]), heatmap=heatmap(diff), cycle_l1=float(diff.mean()))
        out["note"] = (f"Cycle L1 = {out['cycle_l1']:.3f} (mean |input − reconstruction| in [−1, 1] units). "
                       "Bright spots in the heat map are what the round trip could not bring back.")
    else:
        out["note"] = NoCycleNote(
            f"This model only has its {direction} generator ({G.config.source or G.config.domain_a}), so "
            "there is no way back and no cycle reconstruction to show: official CycleGAN files hold one "
            "direction each. Load the opposite file (e.g. zebra2horse.pth for horse2zebra.pth) to translate back.")
    return out


def translate(model: str, image, direction: str = "AtoB") -> tuple[Image.Image, Image.Image | None]:
    """-> (translation, cycle reconstruction). The reconstruction is None for a single-direction model."""
    v = translate_views(model, image, direction)
    return v["translated"], v["reconstructed"]
