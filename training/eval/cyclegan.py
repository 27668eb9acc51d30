"""`gan-studio eval <cyclegan model>`: does the translation reach the other season and keep the scene?

Measured on held-out synthetic landscapes (layout seeds never used in training), at the model's
training size:

* domain accuracy: a small season classifier (a CNN trained on real summer/winter landscapes,
  shipped in pretrained/_eval/season-classifier, retrained in ~30 s if absent) labels G(summer)
  as winter and F(winter) as summer how often? Its accuracy on real held-out pictures is printed too.
* structure: the synthetic generator can render the SAME layout in both seasons, so each translation
  has a ground truth. Edge F1 (Sobel edges, 1-pixel tolerance) of the translation against the true
  other-season picture, next to two references: the untranslated source (everything right but the
  season) and a random other scene of the target season (right season, wrong scene). Also the edge F1
  against the source itself, and the L1 distance to the ground truth.
* cycle L1: mean |F(G(a)) - a| and |G(F(b)) - b| in [-1, 1] units.

Also the domain accuracy at 4x the training size (what the studio's tab uses), on fewer pictures.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from studio import hub
from studio.images import to_tensor
from studio.paths import eval_dir

from ..datasets.landscapes import make_landscape
from ..card import write_card_section
from ..datasets.unpaired import SEED_EVAL
from ..evaluate import parse_eval_args

CLASSIFIER_DIR = eval_dir() / "season-classifier"
CLF_SIZE = 64
CLF_TRAIN_SEED = 5_000_000        # layout seeds of the classifier's own training pictures
EVAL_SEED_BASE = 7_000_000        # layout seeds of the evaluation pictures (+ SEED_EVAL)


class SeasonClassifier(nn.Module):
    """(N, 3, 64, 64) in [-1, 1] -> (N, 2) logits (0 = summer, 1 = winter)."""

    def __init__(self, width: int = 16):
        super().__init__()
        w = width
        self.net = nn.Sequential(
            nn.Conv2d(3, w, 3, 2, 1), nn.ReLU(True),            # 32
            nn.Conv2d(w, 2 * w, 3, 2, 1), nn.ReLU(True),        # 16
            nn.Conv2d(2 * w, 4 * w, 3, 2, 1), nn.ReLU(True),    # 8
            nn.Conv2d(4 * w, 4 * w, 3, 2, 1), nn.ReLU(True),    # 4
            nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4 * w, 2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[-1] != CLF_SIZE or x.shape[-2] != CLF_SIZE:
            x = F.interpolate(x, size=(CLF_SIZE, CLF_SIZE), mode="bilinear", align_corners=False, antialias=True)
        return self.net(x)


def _img(seed: int, size: int, season: str, time_: str | None = None) -> torch.Tensor:
    _, image, _ = make_landscape(seed, size, time=time_, season=season)
    return to_tensor(image)


def _season_batch(seeds, size: int) -> tuple[torch.Tensor, torch.Tensor]:
    xs, ys = [], []
    for s in seeds:
        season = "winter" if s % 2 else "summer"
        xs.append(_img(s, size, season))
        ys.append(int(s % 2))
    return torch.stack(xs), torch.tensor(ys)


@torch.enable_grad()
def train_classifier(n: int = 3000, epochs: int = 4, seed: int = 0, log=print) -> SeasonClassifier:
    """A season classifier on real synthetic landscapes (all times of day), ~30 s on one core."""
    torch.manual_seed(seed)
    x, y = _season_batch(range(CLF_TRAIN_SEED, CLF_TRAIN_SEED + n), CLF_SIZE)
    clf = SeasonClassifier()
    opt = torch.optim.Adam(clf.parameters(), 2e-3)
    g = torch.Generator().manual_seed(seed)
    for ep in range(epochs):
        perm = torch.randperm(n, generator=g)
        for i in range(0, n, 64):
            idx = perm[i:i + 64]
            xb = x[idx]
            flip = torch.rand(len(idx), generator=g) < 0.5        # mirrored scenes are scenes too
            xb = torch.where(flip[:, None, None, None], xb.flip(-1), xb)
            loss = F.cross_entropy(clf(xb), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        log(f"  season classifier epoch {ep + 1}/{epochs}: loss {loss.item():.4f}")
    return clf.eval().requires_grad_(False)


def load_classifier(retrain: bool = False, log=print) -> SeasonClassifier:
    from safetensors.torch import load_file, save_file

    weights = CLASSIFIER_DIR / "model.safetensors"
    clf = SeasonClassifier()
    if weights.is_file() and not retrain:
        clf.load_state_dict(load_file(str(weights)))
        return clf.eval().requires_grad_(False)
    log("training the season classifier (no shipped weights)...")
    clf = train_classifier(log=log)
    CLASSIFIER_DIR.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in clf.state_dict().items()}, str(weights))
    (CLASSIFIER_DIR / "README.md").write_text(
        "# season-classifier\n\nA small CNN (4 strided convs, 16-64 channels) that tells summer from winter "
        "synthetic landscapes at 64 px; used by `gan-studio eval` for CycleGAN models "
        "(training/eval/cyclegan.py: train_classifier, 3000 pictures, 4 epochs, seed 0).\n")
    return clf


# ------------------------------------------------------------------------------------------ metrics

def edges(x: torch.Tensor, thr: float = 0.08) -> torch.Tensor:
    """(N, 3, H, W) in [-1, 1] -> (N, 1, H, W) bool: Sobel gradient magnitude of the luminance > thr."""
    lum = (0.299 * x[:, 0] + 0.587 * x[:, 1] + 0.114 * x[:, 2])[:, None].add(1).div(2)
    kx = torch.tensor([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]]) / 8
    k = torch.stack([kx, kx.t()])[:, None]
    g = F.conv2d(F.pad(lum, (1, 1, 1, 1), mode="replicate"), k)
    return g.pow(2).sum(1, keepdim=True).sqrt() > thr


def edge_f1(pred: torch.Tensor, ref: torch.Tensor, tol: int = 1) -> float:
    """F1 of edge maps (N, 1, H, W) bool, an edge counting as matched within `tol` pixels."""
    pe, re_ = edges(pred), edges(ref)
    grow = lambda e: F.max_pool2d(e.float(), 2 * tol + 1, 1, tol) > 0  # noqa: E731
    precision = (pe & grow(re_)).sum().item() / max(pe.sum().item(), 1)
    recall = (re_ & grow(pe)).sum().item() / max(re_.sum().item(), 1)
    return 2 * precision * recall / max(precision + recall, 1e-9)


@torch.no_grad()
def _batched(G, x: torch.Tensor, direction: str, bs: int = 16) -> torch.Tensor:
    return torch.cat([G(x[i:i + bs], direction).clamp(-1, 1) for i in range(0, len(x), bs)])


@torch.no_grad()
def evaluate(model: str, n: int = 200, n_hires: int = 24, log=print) -> dict:
    G = hub.load(model)
    if sorted(G.config.directions) != ["AtoB", "BtoA"]:
        raise SystemExit("this evaluation needs a model with both directions")
    size = int(G.config.img_size)
    clf = load_classifier(log=log)
    t0 = time.perf_counter()
    seeds = [EVAL_SEED_BASE + SEED_EVAL + i for i in range(n)]
    # The same layouts in both seasons (same seed, same time of day): summer[i] and winter[i] are a true pair.
    summer = torch.stack([_img(s, size, "summer") for s in seeds])
    winter = torch.stack([_img(s, size, "winter") for s in seeds])
    other = winter.roll(1, 0), summer.roll(1, 0)                    # the right season, the wrong scene

    real_acc = ((clf(summer).argmax(1) == 0).float().mean().item()
                + (clf(winter).argmax(1) == 1).float().mean().item()) / 2
    fake_w = _batched(G, summer, "AtoB")
    fake_s = _batched(G, winter, "BtoA")
    rec_s = _batched(G, fake_w, "BtoA")
    rec_w = _batched(G, fake_s, "AtoB")
    acc_ab = (clf(fake_w).argmax(1) == 1).float().mean().item()
    acc_ba = (clf(fake_s).argmax(1) == 0).float().mean().item()
    m = {
        "images per direction": n,
        "resolution": size,
        "season classifier accuracy on real held-out pictures": round(real_acc, 4),
        "domain accuracy summer->winter": round(acc_ab, 4),
        "domain accuracy winter->summer": round(acc_ba, 4),
        "domain accuracy (mean)": round((acc_ab + acc_ba) / 2, 4),
        "untranslated sources classified as target season (floor)": round(
            ((clf(summer).argmax(1) == 1).float().mean().item() + (clf(winter).argmax(1) == 0).float().mean().item())
            / 2, 4),
        "edge F1 translation vs true target (summer->winter)": round(edge_f1(fake_w, winter), 4),
        "edge F1 translation vs true target (winter->summer)": round(edge_f1(fake_s, summer), 4),
        "edge F1 reference: untranslated source vs true target": round(
            (edge_f1(summer, winter) + edge_f1(winter, summer)) / 2, 4),
        "edge F1 reference: other scene of target season vs true target": round(
            (edge_f1(other[0], winter) + edge_f1(other[1], summer)) / 2, 4),
        "edge F1 translation vs its source (mean of both directions)": round(
            (edge_f1(fake_w, summer) + edge_f1(fake_s, winter)) / 2, 4),
        "L1 to true target, translation (mean of both directions)": round(
            ((fake_w - winter).abs().mean().item() + (fake_s - summer).abs().mean().item()) / 2, 4),
        "L1 to true target, untranslated source": round((summer - winter).abs().mean().item(), 4),
        "cycle L1 summer->winter->summer": round((rec_s - summer).abs().mean().item(), 4),
        "cycle L1 winter->summer->winter": round((rec_w - winter).abs().mean().item(), 4),
    }
    m.update(realism(fake_w, fake_s, seeds, size, log=log))
    if n_hires:
        big = 4 * size                                              # the studio tab's working size
        hs = torch.stack([_img(s, big, "summer") for s in seeds[:n_hires]])
        hw = torch.stack([_img(s, big, "winter") for s in seeds[:n_hires]])
        a = (clf(_batched(G, hs, "AtoB", 4)).argmax(1) == 1).float().mean().item()
        b = (clf(_batched(G, hw, "BtoA", 4)).argmax(1) == 0).float().mean().item()
        m[f"domain accuracy at {big} px (mean of both directions, {n_hires} images each)"] = round((a + b) / 2, 4)
    m["eval wall time (s)"] = round(time.perf_counter() - t0, 1)
    return m


def realism(fake_w: torch.Tensor, fake_s: torch.Tensor, seeds: list[int], size: int, log=print) -> dict:
    """Feature distance (training/eval/feature_distance.py: FID's and KID's formulas in the landscape segmenter's
    features) between each direction's translations and the real pictures of the target season, with the floor:
    as many real pictures of other held-out scenes against the same real pictures."""
    from . import segmenter as S
    from .feature_distance import distances

    loaded = S.load()
    if loaded is None:
        log("no landscape segmenter in pretrained/_eval: skipping the feature distance (run training/eval/segmenter.py)")
        return {}
    net, n = loaded[0], len(seeds)
    others = [seeds[-1] + 1 + i for i in range(n)]
    out = {}
    for name, fake, season in (("summer->winter", fake_w, "winter"), ("winter->summer", fake_s, "summer")):
        real = torch.stack([_img(s, size, season) for s in seeds])
        other = torch.stack([_img(s, size, season) for s in others])
        d = distances(net, fake, real, other)
        out[f"segmenter-feature Fréchet distance {name}"] = round(d["FD"], 3)
        out[f"segmenter-feature Fréchet distance {name}, real-vs-real floor"] = round(d["FD floor"], 3)
        out[f"segmenter-feature kernel distance x1000 {name}"] = round(1000 * d["KD"], 2)
        out[f"segmenter-feature kernel distance x1000 {name}, real-vs-real floor"] = round(1000 * d["KD floor"], 2)
    return out


def card_section(metrics: dict) -> str:
    lines = ["## Evaluation", "", "`gan-studio eval %s` (training/eval/cyclegan.py; held-out layouts):" % "MODEL",
             "", "| metric | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in metrics.items()]
    return "\n".join(lines) + "\n"


SAMPLES_NOTE = """## Samples

samples.png shows 8 held-out scenes per row (64 px, layouts never seen in training), rows from the top:
summer input, its winter translation G(a), the reconstruction F(G(a)); winter input, its summer
translation F(b), the reconstruction G(F(b)).
"""


def update_card(model: str, metrics: dict) -> Path:
    folder = hub.resolve(model)
    return write_card_section(folder, "cyclegan-eval", card_section(metrics).replace("MODEL", folder.name) + "\n"
                              + SAMPLES_NOTE, legacy_header="\n## Evaluation\n")


def main(model: str, argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog=f"gan-studio eval {model}", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=200, help="held-out pictures per direction")
    p.add_argument("--hires", type=int, default=24, help="pictures per direction at 4x the size (0: skip)")
    args = parse_eval_args(p, argv)
    metrics = evaluate(model, n=args.n, n_hires=args.hires)
    for k, v in metrics.items():
        print(f"{k}: {v}")
    if args.json:
        Path(args.json).write_text(json.dumps(metrics, indent=2) + "\n")
    if args.card:
        print(f"updated {update_card(model, metrics)}")
    return 0
