"""The playground's measured claims (issue 16; the table: bench/playground_claims.py). Seeded; the
five-seed ones are slow (pytest -m slow)."""
from __future__ import annotations

import statistics

import pytest

from studio.inference.playground import playground_step, settings_for
from training.playground import Playground

SEEDS = range(5)
STEPS = 5000
SMALL_D = dict(d_depth=1, d_width=32)


def stalled_game(loss: str, seed: int, steps: int) -> tuple[float, float]:
    """D trained alone first (300 updates at 4x G's rate), G on SGD -> (G's mean gradient norm, JS at the end)."""
    pg = Playground(settings_for("ring8", loss, "none", seed, d_warmup=300, lr_d=4e-3, opt_g="sgd", lr_g=0.05))
    pg.train(steps)
    return statistics.mean(g for _, _, _, g in pg.history), pg.measure()["js"]


def test_minimax_stalls_g_when_d_has_won_and_nonsaturating_does_not():
    norm_mm, js_mm = stalled_game("minimax", 0, 100)
    norm_ns, js_ns = stalled_game("nonsaturating", 0, 100)
    assert norm_mm < 0.01 and norm_ns > 100 * norm_mm       # the saturating loss gives G (almost) nothing
    assert js_mm > 0.99 and js_ns < js_mm                    # so its points stay where D rejects them


@pytest.mark.slow
def test_minimax_stall_over_five_seeds():
    for seed in SEEDS:
        (norm_mm, js_mm), (norm_ns, _) = stalled_game("minimax", seed, 1000), stalled_game("nonsaturating", seed, 1000)
        assert norm_ns > 100 * norm_mm and js_mm > 0.99


@pytest.mark.slow
def test_nonsaturating_with_a_small_d_collapses_in_most_seeds():
    modes = [playground_step("ring8", "nonsaturating", "none", STEPS, seed, n_points=1, **SMALL_D)["modes_covered"]
             for seed in SEEDS]
    assert sum(m < 8 for m in modes) >= 3, modes


@pytest.mark.slow
def test_remedies_bring_back_the_modes_a_small_d_lost():
    """Same small D: minibatch std and unrolled D cover >= 7 of 8 modes in most seeds (measured 2026-11-30:
    5 of 5 each; PacGAN 3 of 5). Their high-quality share stays short of 70 % in most seeds (see the table)."""
    for remedy in ("mbstd", "unrolled"):
        modes = [playground_step("ring8", "nonsaturating", remedy, STEPS, seed, n_points=1, **SMALL_D)[
            "modes_covered"] for seed in SEEDS]
        assert sum(m >= 7 for m in modes) >= 4, (remedy, modes)


@pytest.mark.slow
def test_a_remedy_covers_the_ring_with_mostly_high_quality_points():
    """PacGAN with D of the default size (2 x 64): >= 7 of 8 modes and >= 70 % high-quality points in every
    seed. (The plain GAN with this D does too: the collapse needs the small D.)"""
    for seed in SEEDS:
        r = playground_step("ring8", "nonsaturating", "pacgan", STEPS, seed, n_points=1)
        assert r["modes_covered"] >= 7 and r["high_quality"] >= 0.7, (seed, r["modes_covered"], r["high_quality"])
