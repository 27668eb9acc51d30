"""The playground's measured claims (issue 16), from the same function as the /playground_step endpoint:

1. On the ring of 8 Gaussians, the non-saturating GAN with a small D (one hidden layer of 32 units)
   collapses to fewer than 8 modes in most seeds, and at least one remedy (PacGAN, unrolled D or
   WGAN-GP) covers >= 7 of 8 modes with >= 70 % high-quality samples within a few thousand steps.
2. The saturating minimax loss stalls G early when D wins: G's gradient norm against the
   non-saturating loss's, in the same game (D trained alone for 300 updates first, at 4x G's learning
   rate), with G on SGD and on Adam.

    python bench/playground_claims.py [--steps 5000] [--seeds 5] [--only coverage|stall]

Prints a table of loss x remedy x D size (small 1 x 32, default 2 x 64, big 3 x 128): modes covered and
high-quality share per seed, and how many seeds reach >= 7 modes with >= 70 % high quality (the last
three rows are the presets "D too strong" and "unequal learning rates", and TTUR's faster D); then the
gradient norms. Takes about an hour on one
core (the unrolled and WGAN-GP rows are ~5x slower than the others; --rows picks some). Numbers are
what they are: every row is G 2 x 64, batch 256, Adam at 1e-3 for both players, noise N(0, I) in 2-D,
except the settings a row names (WGAN-GP: 5 critic updates per G update, as in its paper, at 1e-3
and at 2e-3).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from studio.inference.playground import playground_step, settings_for  # noqa: E402
from training.playground import Playground  # noqa: E402

D_SIZES = {"small": dict(d_depth=1, d_width=32), "default": dict(d_depth=2, d_width=64),
           "big": dict(d_depth=3, d_width=128)}
ROWS = [  # (loss, remedy, D, extra settings)
    ("nonsaturating", "none", "small", {}),
    ("nonsaturating", "pacgan", "small", {}),
    ("nonsaturating", "mbstd", "small", {}),
    ("nonsaturating", "unrolled", "small", {}),
    ("wgan-gp", "none", "small", {"d_steps": 5}),
    ("nonsaturating", "none", "default", {}),
    ("wgan-gp", "none", "default", {"d_steps": 5}),
    ("wgan-gp", "none", "small", {"d_steps": 5, "lr_g": 2e-3, "lr_d": 2e-3}),
    ("wgan-gp", "none", "default", {"d_steps": 5, "lr_g": 2e-3, "lr_d": 2e-3}),
    ("nonsaturating", "pacgan", "default", {}),
    ("nonsaturating", "unrolled", "default", {}),
    # the presets "D too strong", "unequal learning rates", and TTUR's advice (a faster D)
    ("nonsaturating", "none", "big", {"d_steps": 5, "lr_d": 4e-3, "g_width": 32}),
    ("nonsaturating", "none", "default", {"lr_g": 1e-2, "lr_d": 2e-4}),
    ("nonsaturating", "none", "default", {"lr_g": 1e-3, "lr_d": 4e-3}),
]


def good(modes, quality) -> bool:
    return modes >= 7 and quality >= 0.7


def coverage(steps: int, seeds: int, rows=ROWS) -> list[dict]:
    print(f"ring8, {steps} steps, seeds 0..{seeds - 1}: modes covered / high-quality share per seed")
    print(f"{'loss':<14} {'remedy and settings':<36} {'D':<8} {'per seed (modes/hq)':<36} {'mean modes':>10} "
          f"{'mean hq':>8} {'>=7 & >=70%':>11} {'s/run':>6}")
    out = []
    for loss, remedy, d, extra in rows:
        t0 = time.perf_counter()
        runs = [playground_step("ring8", loss, remedy, steps, seed, n_points=1, **D_SIZES[d], **extra)
                for seed in range(seeds)]
        per = [(r["modes_covered"], r["high_quality"]) for r in runs]
        row = dict(loss=loss, remedy=remedy, d=d, extra=extra, per_seed=per,
                   mean_modes=statistics.mean(m for m, _ in per), mean_hq=statistics.mean(q for _, q in per),
                   n_good=sum(good(m, q) for m, q in per), s_per_run=(time.perf_counter() - t0) / seeds)
        out.append(row)
        label = remedy + ("" if not extra else " " + ",".join(f"{k}={v:g}" for k, v in extra.items()))
        print(f"{loss:<14} {label:<36} {d:<8} {' '.join(f'{m}/{q:.2f}' for m, q in per):<36} "
              f"{row['mean_modes']:>10.1f} {row['mean_hq']:>8.2f} {row['n_good']:>7}/{seeds:<3} "
              f"{row['s_per_run']:>6.0f}", flush=True)
    return out


def stall(seeds: int, steps: int = 1000, window: tuple[int, int] = (1, 200)) -> dict:
    """G's gradient norm (mean over steps window[0]..window[1]) for minimax against non-saturating when D has
    won: 300 D updates before the game, D at 4x G's learning rate; G with SGD (the gradient is the step) and
    with Adam (the step is divided by the gradient's running size)."""
    print(f"\nD wins (300 D updates first, D: Adam at 4e-3): G's gradient norm, mean over steps "
          f"{window[0]}..{window[1]}, and where G is after {steps} steps")
    print(f"{'G optimiser':<16} {'loss':<14} {'per seed':<44} {'mean':>8} {'D(G(z))':>8} {'JS':>5} {'modes':>6} "
          f"{'hq':>5}")
    out = {}
    for opt, lr in (("sgd", 0.05), ("adam", 1e-3)):
        for loss in ("minimax", "nonsaturating"):
            norms, ends = [], []
            for seed in range(seeds):
                pg = Playground(settings_for("ring8", loss, "none", seed, d_warmup=300, lr_d=4e-3, opt_g=opt,
                                             lr_g=lr))
                pg.train(steps)
                norms.append(statistics.mean(g for s, _, _, g in pg.history if window[0] <= s <= window[1]))
                with torch.no_grad():
                    d_fake = float(torch.sigmoid(pg.D(pg.sample(480))).mean())
                m = pg.measure()
                ends.append((d_fake, m["js"], m["modes_covered"], m["high_quality"]))
            out[(opt, loss)] = dict(per_seed=norms, mean=statistics.mean(norms), ends=ends)
            mean = [statistics.mean(e[i] for e in ends) for i in range(4)]
            print(f"{opt + f' lr {lr:g}':<16} {loss:<14} {' '.join(f'{n:.2g}' for n in norms):<44} "
                  f"{out[(opt, loss)]['mean']:>8.3g} {mean[0]:>8.2g} {mean[1]:>5.2f} {mean[2]:>6.1f} {mean[3]:>5.2f}",
                  flush=True)
        ratio = out[(opt, "nonsaturating")]["mean"] / max(out[(opt, "minimax")]["mean"], 1e-12)
        print(f"{'':<16} non-saturating / minimax gradient norm: {ratio:.0f}x")
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, default=5000)
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--only", choices=["coverage", "stall"])
    p.add_argument("--rows", help="comma-separated row numbers of the coverage table (0-based), default all")
    args = p.parse_args()
    torch.set_num_threads(1)
    if args.only != "stall":
        coverage(args.steps, args.seeds, [ROWS[int(i)] for i in args.rows.split(",")] if args.rows else ROWS)
    if args.only != "coverage":
        stall(args.seeds)


if __name__ == "__main__":
    main()
