"""Write a synthetic dataset to disk as PNG files, for a teacher to look at or reuse.

Layouts (ImageFolder style, one folder per class of picture):

    landscapes:  OUT/images/<season>_<time>/000000.png       RGB picture
                 OUT/labels/<season>_<time>/000000.png       label map, palette ("P") PNG:
                                                             pixel value = class index, colours = PALETTE
                 OUT/classes.json                             [{"name", "color"}] in index order
                 OUT/styles.jsonl                             {"file", "seed", "time", "season"} per sample
    faces:       OUT/<hair_style>/000000.png                 RGB picture
                 OUT/attributes.jsonl                         {"file", "seed", <every attribute>} per sample
                 OUT/attributes.json                          the attribute schema (ATTRIBUTES)

Sample i of ``seed`` is the same picture the training datasets show
(``LandscapeDataset(seed=seed)[i]``, ``FaceDataset(seed=seed)[i]``).

    python -m training.datasets.export --dataset landscapes --n 200 --out landscapes64
    python -m training.datasets.export --dataset faces --n 64 --grid faces.png   # one 8x8 contact sheet
"""
from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import numpy as np
from PIL import Image

DATASETS = ("landscapes", "faces")


def _palette_image(labels: np.ndarray) -> Image.Image:
    """(H, W) class indices -> a palette-mode PNG image whose palette holds the class colours."""
    from .landscapes import PALETTE

    im = Image.fromarray(labels.astype(np.uint8), mode="P")
    flat = [v for c in PALETTE for v in c]
    im.putpalette(flat + [0] * (768 - len(flat)))
    return im


def export(dataset: str, n: int, out_dir, size: int = 64, seed: int = 0) -> Path:
    """Write ``n`` samples of ``dataset`` ("landscapes" or "faces") under ``out_dir``; returns the folder."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if dataset == "landscapes":
        from .landscapes import make_landscape, palette_json, sample_seed

        (out / "classes.json").write_text(json.dumps(palette_json(), indent=1) + "\n")
        with open(out / "styles.jsonl", "w") as meta:
            for i in range(n):
                s = sample_seed(seed, i)
                labels, image, style = make_landscape(s, size)
                group = f"{style['season']}_{style['time']}"
                name = f"{i:06d}.png"
                for sub, im in (("images", Image.fromarray(image)), ("labels", _palette_image(labels))):
                    (out / sub / group).mkdir(parents=True, exist_ok=True)
                    im.save(out / sub / group / name)
                meta.write(json.dumps({"file": f"{group}/{name}", "seed": s, **style}) + "\n")
    elif dataset == "faces":
        from .faces import ATTRIBUTES, make_face, sample_seed

        (out / "attributes.json").write_text(json.dumps(ATTRIBUTES, indent=1) + "\n")
        with open(out / "attributes.jsonl", "w") as meta:
            for i in range(n):
                s = sample_seed(seed, i)
                image, attrs = make_face(s, size)
                group, name = attrs["hair_style"], f"{i:06d}.png"
                (out / group).mkdir(parents=True, exist_ok=True)
                Image.fromarray(image).save(out / group / name)
                meta.write(json.dumps({"file": f"{group}/{name}", "seed": s, **attrs}) + "\n")
    else:
        raise ValueError(f"unknown dataset {dataset!r}: use one of {DATASETS}")
    return out


def grid(dataset: str, n: int = 64, size: int = 64, seed: int = 0, labels: bool = False, pad: int = 2) -> Image.Image:
    """A contact sheet of the first ``n`` samples (label maps in their display colours if ``labels``)."""
    if dataset == "landscapes":
        from .landscapes import label_to_color, make_landscape, sample_seed

        def one(i):
            lab, img, _ = make_landscape(sample_seed(seed, i), size)
            return label_to_color(lab) if labels else img
    elif dataset == "faces":
        from .faces import make_face, sample_seed

        def one(i):
            return make_face(sample_seed(seed, i), size)[0]
    else:
        raise ValueError(f"unknown dataset {dataset!r}: use one of {DATASETS}")
    cols = math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    step = size + pad
    sheet = np.full((rows * step + pad, cols * step + pad, 3), 255, np.uint8)
    for i in range(n):
        r, c = divmod(i, cols)
        sheet[pad + r * step:pad + r * step + size, pad + c * step:pad + c * step + size] = one(i)
    return Image.fromarray(sheet)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="gan-studio export-dataset", description=__doc__.split("\n\n")[0])
    p.add_argument("--dataset", choices=DATASETS, required=True)
    p.add_argument("--n", type=int, default=100, help="number of samples (default 100)")
    p.add_argument("--out", help="output folder (ImageFolder layout)")
    p.add_argument("--size", type=int, default=64, help="picture size in pixels (default 64)")
    p.add_argument("--seed", type=int, default=0, help="dataset seed (default 0)")
    p.add_argument("--grid", help="write one contact sheet PNG here instead of a folder")
    p.add_argument("--labels", action="store_true", help="with --grid and landscapes: show the label maps")
    a = p.parse_args(argv)
    if a.grid:
        grid(a.dataset, a.n, a.size, a.seed, labels=a.labels).save(a.grid, optimize=True)
        print(f"wrote {a.grid}")
    elif a.out:
        out = export(a.dataset, a.n, a.out, a.size, a.seed)
        print(f"wrote {a.n} {a.dataset} samples ({a.size}x{a.size}) to {out}")
    else:
        p.error("give --out (a folder) or --grid (one PNG)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
