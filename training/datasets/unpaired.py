"""Unpaired two-domain datasets for CycleGAN.

    summer2winter   domain A = summer landscapes, domain B = winter landscapes

Item i is {"A": (3, H, W) in [-1, 1], "B": (3, H, W) in [-1, 1]}: the A picture and the
B picture come from DIFFERENT layout seeds (two independent LandscapeDatasets with
different base seeds), so no pair ever shows the same scene. That is the unpaired
setting CycleGAN was made for: the model never sees what a given summer scene looks
like in winter, only what summer and winter look like in general. The time of day
(day, sunset, night) is drawn per picture in both domains.
"""
from __future__ import annotations

import torch
from torch.utils.data import Dataset

# Base seeds of the two domains (far apart, so the layout streams never coincide), and
# of the held-out pictures used by the evaluation (different from both).
SEED_A, SEED_B, SEED_EVAL = 101, 202, 909


class UnpairedLandscapes(Dataset):
    """Summer (A) and winter (B) synthetic landscapes from different seeds: {"A", "B"}."""

    def __init__(self, size: int = 64, length: int = 10000, seed: int = 0, domain_a: str = "summer",
                 domain_b: str = "winter", cache: bool = True):
        from .landscapes import SEASONS, LandscapeDataset

        for d in (domain_a, domain_b):
            if d not in SEASONS:
                raise ValueError(f"unknown season {d!r}; choose from {SEASONS}")
        self.size, self.domain_a, self.domain_b = int(size), domain_a, domain_b
        self.a = LandscapeDataset(size=size, length=length, seed=SEED_A + 1000 * seed, season=domain_a, cache=cache)
        self.b = LandscapeDataset(size=size, length=length, seed=SEED_B + 1000 * seed, season=domain_b, cache=cache)
        self.description = (f"unpaired synthetic landscapes ({len(self.a)} {domain_a} and {len(self.b)} {domain_b} "
                            f"pictures from different layout seeds, {self.size} px)")

    def __len__(self) -> int:
        return len(self.a)

    def __getitem__(self, i: int) -> dict:
        return {"A": self.a[i]["image"], "B": self.b[i]["image"]}

    def take(self, idx) -> dict:
        return {"A": self.a.take(idx)["image"], "B": self.b.take(idx)["image"]}

    def config_fields(self) -> dict:
        return {"domain_a": self.domain_a, "domain_b": self.domain_b}


def stack(dataset: Dataset, n: int, start: int = 0) -> dict[str, torch.Tensor]:
    """The first n items as one batch (for fixed sample pictures)."""
    items = [dataset[start + i] for i in range(n)]
    return {k: torch.stack([it[k] for it in items]) for k in items[0]}


# The example pictures of the CycleGAN tab (assets/cyclegan/): held-out layouts, 256 px.
EXAMPLES = [(900, "summer", "day"), (909, "summer", "sunset"), (907, "summer", "night"),
            (902, "winter", "day"), (906, "winter", "sunset"), (903, "winter", "night")]


def write_examples(out_dir: str = "assets/cyclegan", size: int = 256) -> list[str]:
    """python -c "from training.datasets.unpaired import write_examples; write_examples()" """
    from pathlib import Path

    from PIL import Image

    from .landscapes import make_landscape

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for seed, season, time in EXAMPLES:
        _, image, _ = make_landscape(seed, size, time=time, season=season)
        path = out / f"{season}_{time}_{seed}.png"
        Image.fromarray(image).save(path, optimize=True)
        paths.append(str(path))
    return paths
