"""`gan-studio eval spade-landscapes`: do the painted classes survive? (SPADE paper, Sec. 4)

Generate an image from each held-out label map (seeds the SPADE training never used),
segment it with the project's small U-Net (training/eval/segmenter.py, trained on real
synthetic pairs), and compare the predicted map with the input map: mIoU and pixel
accuracy. The segmenter's own scores on real held-out images are the ceiling.

    gan-studio eval spade-landscapes [--baseline runs/spade-landscapes-pix2pix/model] [--n 300] [--json out.json]

Styles: "random z" draws z ~ N(0, I) per map (seeded), as a student's style seed does;
"encoder" takes z = the encoder's mean of the real image of that map (reconstruction).
"""
from __future__ import annotations

import argparse
import json
import time

import torch

from . import segmenter as S
from .feature_distance import distances
from ..card import write_card_section
from ..evaluate import parse_eval_args

EVAL_SEED, EVAL_OFFSET = 99, 20_000    # LandscapeDataset(seed=99) items 20000.. : unseen by SPADE (seed 0) and
                                       # by the segmenter (seed 11 train, seed 99 items 10000.. test)


@torch.no_grad()
def evaluate_generator(G, seg_net, x: torch.Tensor, y: torch.Tensor, classes: list[str], z_seed: int = 0,
                       batch: int = 50, x_other: torch.Tensor | None = None) -> dict:
    """Metrics of one generator on held-out pairs (x real images, y label maps); with x_other (real images of
    other held-out maps, as many) also the feature distances of the random-z pictures to x, and their floor."""
    k = len(classes)
    out, fakes = {}, []
    g = torch.Generator().manual_seed(z_seed)
    z_rand = torch.randn(len(y), G.z_dim, generator=g)
    for mode in ("random z", "encoder"):
        conf = torch.zeros(k, k, dtype=torch.long)
        for i in range(0, len(y), batch):
            yb = y[i:i + batch]
            z = z_rand[i:i + batch] if mode == "random z" else G.encode(x[i:i + batch])[0]
            fake = G(yb, z)
            conf += S.confusion(S.segment(seg_net, fake), yb, k)
            if mode == "random z":
                fakes.append(fake.clamp(-1, 1))
        out[mode] = S.scores(conf, classes)
    if x_other is not None:
        out["feature distance"] = distances(seg_net, torch.cat(fakes), x, x_other)
    return out


def main(model: str, argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog=f"gan-studio eval {model}", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--baseline", help="a second spade-family model to compare (e.g. the pix2pix baseline)")
    p.add_argument("--n", type=int, default=300, help="held-out label maps")
    p.add_argument("--segmenter", default=str(S.DEFAULT_DIR), help="segmenter folder (trained and saved if absent)")
    args = parse_eval_args(p, argv)
    from pathlib import Path

    from studio import hub

    t0 = time.perf_counter()
    loaded = S.load(Path(args.segmenter))
    if loaded is None:
        print(f"no segmenter in {args.segmenter}: training one (a few CPU minutes)", flush=True)
        net, meta = S.train()
        S.save(net, meta, Path(args.segmenter))
    else:
        net, meta = loaded
    G = hub.load(model)
    classes = list(G.config.classes)
    x, y = S.landscape_pairs(EVAL_SEED, args.n, G.config.img_size, offset=EVAL_OFFSET)
    x_other, _ = S.landscape_pairs(EVAL_SEED, args.n, G.config.img_size, offset=EVAL_OFFSET + args.n)
    report = {"held_out": {"dataset_seed": EVAL_SEED, "items": [EVAL_OFFSET, EVAL_OFFSET + args.n]},
              "segmenter_on_real_test": meta["real_test"], "segmenter_on_real_eval_maps":
              S.scores(S.confusion(S.segment(net, x), y, len(classes)), classes)}
    models = {model: G}
    if args.baseline:
        models[args.baseline] = hub.load(args.baseline)
    for name, M in models.items():
        n_params = sum(p.numel() for p in M.decoder.parameters())
        report[name] = {"arch": M.config.arch, "generator_params": n_params,
                        **evaluate_generator(M, net, x, y, classes, x_other=x_other)}
    report["wall_s"] = round(time.perf_counter() - t0, 1)

    print(f"segmenter on real held-out images: mIoU {report['segmenter_on_real_eval_maps']['mIoU']:.3f}, "
          f"pixel accuracy {report['segmenter_on_real_eval_maps']['pixel_accuracy']:.3f}")
    for name in models:
        r = report[name]
        for mode in ("random z", "encoder"):
            print(f"{name} [{r['arch']}, {r['generator_params'] / 1e6:.2f}M params] z={mode}: "
                  f"mIoU {r[mode]['mIoU']:.3f}, pixel accuracy {r[mode]['pixel_accuracy']:.3f}")
        fd = r["feature distance"]
        print(f"{name}: feature distance to the real pictures (random z): FD {fd['FD']:.3f} (real-vs-real floor "
              f"{fd['FD floor']:.3f}), KD {fd['KD']:.4f} (floor {fd['KD floor']:.4f})")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1) + "\n")
    if args.card:
        samples_png(G, x, y).save(hub.resolve(model) / "samples.png")
        card = write_card_section(hub.resolve(model), "spade-eval", card_section(report, list(models), argv),
                                  legacy_header=CARD_HEADER)
        print(f"wrote the results into {card}")
    return 0


@torch.no_grad()
def samples_png(G, x: torch.Tensor, y: torch.Tensor, n: int = 8):
    """Rows: held-out label maps / generated (z ~ N(0, I), seeds 0..n-1) / the real images of those maps."""
    from studio.images import grid
    from studio.models.layers import seeded_normal

    z = torch.stack([seeded_normal(i, G.z_dim) for i in range(n)])
    return grid(torch.cat([G.colorize(y[:n]), G(y[:n], z), x[:n]]), nrow=n, cell=128)


CARD_HEADER = "## Evaluation: do the painted classes survive?"


def card_section(report: dict, names: list[str], argv: list[str]) -> str:
    seg = report["segmenter_on_real_eval_maps"]
    segt = report["segmenter_on_real_test"]
    lines = [CARD_HEADER, "",
             f"`gan-studio eval {names[0]} {' '.join(a for a in argv if a != '--card')}` "
             f"({report['wall_s']:.0f} s). {report['held_out']['items'][1] - report['held_out']['items'][0]} "
             f"held-out label maps (LandscapeDataset seed {report['held_out']['dataset_seed']}, items "
             f"{report['held_out']['items'][0]}..{report['held_out']['items'][1] - 1}; training used seed 0) go through "
             "each generator; a small U-Net segmenter (training/eval/segmenter.py, trained on other real synthetic "
             "pairs) segments the generated images, and the result is compared with the input map (SPADE paper, Sec. 4).",
             "",
             "| generator | arch | params (decoder) | style z | mIoU | pixel accuracy |",
             "|---|---|---|---|---|---|",
             f"| (real images: segmenter ceiling) | – | – | – | {seg['mIoU']:.3f} | {seg['pixel_accuracy']:.3f} |"]
    for n in names:
        r = report[n]
        for mode in ("random z", "encoder"):
            lines.append(f"| {n} | {r['arch']} | {r['generator_params'] / 1e6:.2f}M | {mode} | "
                         f"{r[mode]['mIoU']:.3f} | {r[mode]['pixel_accuracy']:.3f} |")
    lines += ["", f"Segmenter on its own real test split: mIoU {segt['mIoU']:.3f}, pixel accuracy "
              f"{segt['pixel_accuracy']:.3f}. \"random z\": z ~ N(0, I) per map; \"encoder\": z = the encoder's "
              "mean of the real image of that map.", ""]
    n_maps = report["held_out"]["items"][1] - report["held_out"]["items"][0]
    lines += ["Realism: distance between the generated pictures (random z) and the real pictures of the same "
              "maps in the segmenter's features (its two deepest levels, pooled; training/eval/feature_distance.py: "
              "FID's and KID's formulas, with the segmenter in place of Inception, which is not available offline). "
              f"The floor compares {n_maps} real pictures of other held-out maps with the same real pictures.", "",
              "| generator | Fréchet distance | kernel distance (x1000) |", "|---|---|---|",
              f"| (real vs real: floor) | {report[names[0]]['feature distance']['FD floor']:.3f} | "
              f"{1000 * report[names[0]]['feature distance']['KD floor']:.2f} |"]
    for n in names:
        fd = report[n]["feature distance"]
        lines.append(f"| {n} | {fd['FD']:.3f} | {1000 * fd['KD']:.2f} |")
    lines.append("")
    per = report[names[0]]["random z"]["per_class_IoU"]
    lines += ["Per-class IoU (" + names[0] + ", random z): "
              + ", ".join(f"{k} {v:.2f}" for k, v in per.items() if v is not None) + ".", ""]
    return "\n".join(lines)
