"""The playground's targets and measures: where the points are, and what the meters say about known sets."""
from __future__ import annotations

import pytest
import torch

from training.playground.metrics import js_divergence, js_floor, mode_stats
from training.playground.targets import EXTENT, NAMES, SIGMA, grid_modes, make_target, ring_modes


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("name", NAMES)
def test_every_target_samples_points_in_the_plane_repeatably_by_seed(name):
    t = make_target(name)
    a, b, c = t.sample(500, gen(1)), t.sample(500, gen(1)), t.sample(500, gen(2))
    assert a.shape == (500, 2) and torch.equal(a, b) and not torch.equal(a, c)
    assert (a.abs() < EXTENT).float().mean() > 0.99
    assert a.std(0).min() > 0.3                     # spread over the plane, not a dot


def test_mixtures_put_every_point_near_a_mode_and_use_every_mode():
    for name, modes in (("ring8", ring_modes()), ("grid25", grid_modes())):
        t = make_target(name)
        x = t.sample(5000, gen())
        d, k = torch.cdist(x, modes).min(1)
        assert (d < 5 * SIGMA).all()
        assert torch.bincount(k, minlength=len(modes)).min() > 0.5 * 5000 / len(modes)


def test_drawn_points_become_a_target_and_bad_ones_say_why():
    pts = [[0.0, 0.0], [1.0, 1.0], [-1.0, 2.0]]
    x = make_target("drawn", pts).sample(300, gen())
    assert torch.cdist(x, torch.tensor(pts)).min(1).values.max() < 0.5
    for bad, words in (([[0, 0], [1, 1]], "between 3 and"), ([[0, 0, 1]] * 3, "pairs"),
                       ([[0, 0], [9, 0], [1, 1]], "in the plane"), ("abc", "pairs"), ([[0, float("nan")]] * 3, "plane")):
        with pytest.raises(ValueError, match=words):
            make_target("drawn", bad)
    with pytest.raises(ValueError, match="unknown target"):
        make_target("circle")


def test_mode_stats_count_modes_and_quality():
    modes = ring_modes()
    exact = modes.repeat(10, 1)
    assert mode_stats(exact, modes, SIGMA) == (8, 1.0)
    one = modes[:1].repeat(80, 1)                                  # collapsed onto one mode
    assert mode_stats(one, modes, SIGMA) == (1, 1.0)
    between = (modes + modes.roll(1, 0)) / 2                       # halfway between neighbours: low quality
    assert mode_stats(between.repeat(10, 1), modes, SIGMA) == (0, 0.0)
    few = torch.cat([modes[:1].repeat(200, 1), modes[1:2]])        # one stray point does not cover a mode
    assert mode_stats(few, modes, SIGMA)[0] == 1


def test_js_divergence_is_zero_for_the_same_set_one_for_disjoint_sets_and_has_a_small_floor():
    a = torch.randn(1000, 2, generator=gen()) * 0.3 - 1.5
    b = torch.randn(1000, 2, generator=gen(1)) * 0.3 + 1.5
    assert js_divergence(a, a, EXTENT) == pytest.approx(0.0, abs=1e-6)
    assert js_divergence(a, b, EXTENT) == pytest.approx(1.0, abs=1e-3)
    floor = js_floor(make_target("ring8").sample, 2000, EXTENT, gen())
    assert 0 < floor < 0.05
