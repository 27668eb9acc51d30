"""The realism figures: Fréchet and kernel distance behave as their formulas say, on features whose answer is known."""
from __future__ import annotations

import pytest
import torch

from training.eval.feature_distance import frechet_distance, kernel_distance, segmenter_features
from training.eval.segmenter import UNet


def gaussian(n, d=8, shift=0.0, scale=1.0, seed=0):
    return torch.randn(n, d, generator=torch.Generator().manual_seed(seed), dtype=torch.float64) * scale + shift


def test_frechet_distance_of_a_shift_is_its_squared_length():
    a = gaussian(4000)
    assert frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)
    # same covariance, mean moved by 0.5 in each of 8 dims: |mu_a - mu_b|^2 = 8 * 0.25 = 2
    assert frechet_distance(a, a + 0.5) == pytest.approx(2.0, rel=1e-6)
    # a scaled copy: Tr(S + 4S - 2 * 2S) = Tr(S) ~ 8
    assert frechet_distance(a, 2 * a) == pytest.approx(8.0, rel=0.1)


def test_frechet_distance_is_symmetric_and_grows_with_the_gap():
    a, b = gaussian(2000, seed=1), gaussian(2000, seed=2)
    near, far = frechet_distance(a, b + 0.2), frechet_distance(a, b + 1.0)
    assert frechet_distance(a, b) == pytest.approx(frechet_distance(b, a), rel=1e-6)
    assert frechet_distance(a, b) < near < far


def test_kernel_distance_is_unbiased_near_zero_for_one_distribution():
    same = kernel_distance(gaussian(500, seed=3), gaussian(500, seed=4))
    apart = kernel_distance(gaussian(500, seed=3), gaussian(500, seed=4, shift=1.0))
    assert abs(same) < 0.05 * apart and apart > 0


def test_segmenter_features_pool_the_two_deepest_levels():
    net = UNet(num_classes=3, width=4)
    x = torch.rand(5, 3, 32, 32) * 2 - 1
    f = segmenter_features(net, x, batch=2)
    assert f.shape == (5, 4 * 4 + 4 * 4) and f.dtype == torch.float64
    torch.testing.assert_close(f[:2], segmenter_features(net, x[:2]))     # batching does not change it
