"""`gan-studio eval <stylegan model>`: do mixed images take their shape and their colours
from the seeds that gave the coarse and the fine styles?

For n pairs of seeds (A, B) the model draws A, B (noise const, truncation --psi) and mixes:
    "coarse"  B's ws with the coarse styles (4-8 px layers) from A
              -> coarse attributes should follow A, colours (fine attributes) should stay B's
    "fine"    A's ws with the fine styles (32 px and up) from B
              -> coarse attributes should stay A's, colours should follow B
The project's face attribute classifier (training/eval/face_attrs.py; its own held-out accuracy is
reported alongside) reads every source and mixed image. For each attribute, over the pairs whose two
sources the classifier tells apart, the rate is how often the mixed image's class equals the intended
source's. Coarse attributes: head shape, hair style, tilt sign; fine: skin tone, hair colour (scored
only where no image is classified bald), background hue bin.

    gan-studio eval stylegan-faces [--pairs 400] [--psi 1.0] [--json metrics.json] [--card]

--card writes the metrics and two mixing grids (mixing_coarse.png, mixing_fine.png) into the model
folder's README.md (replacing an earlier evaluation section).
"""
from __future__ import annotations

import argparse
import json
import shlex
import time
from pathlib import Path

import torch

from studio import hub
from studio.models.layers import seeded_normal
from studio.models.stylegan import style_groups

from . import face_attrs
from .face_attrs import BALD, COARSE, FINE
from ..card import write_card_section
from ..evaluate import parse_eval_args



@torch.no_grad()
def mixing_rates(G, clf, pairs: int = 400, psi: float = 1.0, seed: int = 10_000) -> dict:
    groups = style_groups(G.config)
    seeds_a = [seed + 2 * i for i in range(pairs)]
    seeds_b = [seed + 2 * i + 1 for i in range(pairs)]
    ws_a = G.map(torch.stack([seeded_normal(s, G.z_dim) for s in seeds_a]), psi)
    ws_b = G.map(torch.stack([seeded_normal(s, G.z_dim) for s in seeds_b]), psi)
    mix_coarse, mix_fine = ws_b.clone(), ws_a.clone()
    mix_coarse[:, groups["coarse"]] = ws_a[:, groups["coarse"]]
    mix_fine[:, groups["fine"]] = ws_b[:, groups["fine"]]

    def classify(ws):
        imgs = torch.cat([G.synthesis(ws[i:i + 100], "const").clamp(-1, 1) for i in range(0, len(ws), 100)])
        return clf.predict(imgs)

    pa, pb, pc, pf = classify(ws_a), classify(ws_b), classify(mix_coarse), classify(mix_fine)
    result: dict = {"pairs": pairs, "psi": psi, "img_size": G.config.img_size, "styles": {k: v for k, v in groups.items() if k != "all"}}
    for mix_name, pm, coarse_src, fine_src in (("coarse", pc, pa, pb), ("fine", pf, pa, pb)):
        per_attr = {}
        for attrs, src in ((COARSE, coarse_src), (FINE, fine_src)):
            for k in attrs:
                differ = pa[k] != pb[k]
                if k == "hair_color":
                    differ &= (pa["hair_style"] != BALD) & (pb["hair_style"] != BALD) & (pm["hair_style"] != BALD)
                n = int(differ.sum())
                per_attr[k] = {"rate": round((pm[k][differ] == src[k][differ]).float().mean().item(), 4) if n else None,
                               "n": n}
        rate = {}
        for group, attrs in (("coarse", COARSE), ("fine", FINE)):
            hits = sum(per_attr[k]["rate"] * per_attr[k]["n"] for k in attrs if per_attr[k]["n"])
            n = sum(per_attr[k]["n"] for k in attrs)
            rate[group] = round(hits / n, 4) if n else None
        result[f"mix_{mix_name}"] = {"coarse_follow": rate["coarse"], "fine_follow": rate["fine"],
                                     "per_attribute": per_attr}
    # diagnostic: which single layer carries which attribute (B's w in layer i only, into A's ws)
    result["per_layer_follow"] = {}
    for i in range(G.num_ws):
        ws = ws_a.clone()
        ws[:, i] = ws_b[:, i]
        pm = classify(ws)
        result["per_layer_follow"][i] = {
            k: round((pm[k][pa[k] != pb[k]] == pb[k][pa[k] != pb[k]]).float().mean().item(), 3)
            for k in COARSE + FINE if (pa[k] != pb[k]).any()}
    # headline: coarse attributes follow the coarse-style seed in the "coarse" mix, colours follow
    # the fine-style seed in the "fine" mix
    result["coarse_follow_rate"] = result["mix_coarse"]["coarse_follow"]
    result["fine_follow_rate"] = result["mix_fine"]["fine_follow"]
    return result


def main(model: str, argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog=f"gan-studio eval {model}", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pairs", type=int, default=400)
    p.add_argument("--psi", type=float, default=1.0)
    p.add_argument("--classifier", default=str(face_attrs.DEFAULT_DIR))
    args = parse_eval_args(p, argv)
    t0 = time.perf_counter()
    G = hub.load(model)
    clf, clf_metrics = face_attrs.load(args.classifier)
    if clf_metrics.get("img_size") not in (None, G.config.img_size):
        print(f"note: classifier trained at {clf_metrics['img_size']} px, model makes {G.config.img_size} px; "
              "images are resized")
        clf.predict = _resizing(clf.predict, clf_metrics["img_size"])
    metrics = mixing_rates(G, clf, args.pairs, args.psi)
    metrics["classifier_heldout_accuracy"] = clf_metrics.get("heldout_accuracy")
    metrics["wall_s"] = round(time.perf_counter() - t0, 1)
    print(f"classifier held-out accuracy: {metrics['classifier_heldout_accuracy']}")
    for mix in ("coarse", "fine"):
        m = metrics[f"mix_{mix}"]
        print(f"mix {mix!r}: coarse attrs follow coarse source {m['coarse_follow']}, "
              f"colours follow fine source {m['fine_follow']}")
        for k, v in m["per_attribute"].items():
            print(f"    {k:12s} {v['rate']} (n={v['n']})")
    print("single layer i from B into A: rate each attribute becomes B's")
    for i, rates in metrics["per_layer_follow"].items():
        print(f"    w{i}: " + "  ".join(f"{k} {v:.2f}" for k, v in rates.items()))
    print(f"coarse_follow_rate {metrics['coarse_follow_rate']}  fine_follow_rate {metrics['fine_follow_rate']}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(metrics, f, indent=2)
    if args.card:
        write_card(hub.resolve(model), metrics, "gan-studio eval " + " ".join(shlex.quote(a) for a in [model, *argv]))
    return 0


def write_card(folder: Path, result: dict, command: str) -> None:
    from studio.inference import style_mix

    grids = []
    for styles in ("coarse", "fine"):
        style_mix(str(folder), "1-6", "11-16", styles).save(folder / f"mixing_{styles}.png")
        grids.append((styles, result["styles"][styles], f"mixing_{styles}.png"))
    clf = result["classifier_heldout_accuracy"] or {}
    lines = ["## Evaluation: style mixing", "", f"`{command}` ({result['wall_s']:.0f} s)", "",
             "| metric | value |", "|---|---|",
             f"| resolution | {result['img_size']}×{result['img_size']} px, {len(result['per_layer_follow'])} style "
             f"inputs; presets coarse ws {result['styles']['coarse']}, middle {result['styles']['middle']}, "
             f"fine {result['styles']['fine']} |",
             f"| coarse attributes follow the coarse-style seed (head shape, hair style, tilt sign) | "
             f"{result['coarse_follow_rate']} |",
             f"| colours follow the fine-style seed (skin tone, hair colour, background hue bin) | "
             f"{result['fine_follow_rate']} |",
             f"| attribute classifier held-out accuracy | {', '.join(f'{k} {v}' for k, v in clf.items())} |",
             "", f"Over {result['pairs']} seed pairs (A, B), psi {result['psi']}, noise const. Coarse rate: in B's ws "
             "with A's coarse styles, how often each coarse attribute is A's; fine rate: in A's ws with B's fine "
             "styles, how often each colour attribute is B's; counted over pairs whose sources the classifier "
             "tells apart (training/eval/stylegan.py).", ""]
    for styles, idx, name in grids:
        lines += [f"**Rows: seeds 1-6; columns: seeds 11-16; {styles} styles (ws {idx[0]}-{idx[-1]}) from the "
                  "column seed**", "", f"![{name}]({name})", ""]
    lines += ["```json", json.dumps(result, indent=1), "```"]
    write_card_section(folder, "stylegan-eval", "\n".join(lines))


def _resizing(predict, size: int):
    import torch.nn.functional as F

    return lambda x, **kw: predict(F.interpolate(x, size=(size, size), mode="bilinear", antialias=True,
                                                 align_corners=False), **kw)
