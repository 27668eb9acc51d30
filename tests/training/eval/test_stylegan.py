"""StyleGAN evaluation: the mixing rates count agreement with the intended source of each style."""
from __future__ import annotations

import torch

from studio.models.stylegan import StyleGANConfig


class _SignGenerator(torch.nn.Module):
    """A stand-in generator whose image shows the sign of w in a coarse layer (channel 0) and in a
    fine layer (channel 1), so the mixing evaluation's bookkeeping can be checked exactly."""

    def __init__(self, swap: bool = False):
        super().__init__()
        self.config, self.z_dim, self.swap = StyleGANConfig(img_size=32), 4, swap
        self.num_ws = self.config.num_ws

    def map(self, z, psi=1.0):
        return z[:, None].repeat(1, self.config.num_ws, 1)

    def synthesis(self, ws, noise_mode="const"):
        coarse, fine = ws[:, 0, 0], ws[:, -1, 0]
        if self.swap:
            coarse, fine = fine, coarse
        img = torch.zeros(len(ws), 3, 32, 32)
        img[:, 0], img[:, 1] = coarse.sign()[:, None, None], fine.sign()[:, None, None]
        return img


class _SignClassifier:
    def predict(self, x):
        from training.eval.face_attrs import COARSE, FINE

        c, f = (x[:, 0].mean((1, 2)) > 0).long(), (x[:, 1].mean((1, 2)) > 0).long()
        out = {k: c for k in COARSE} | {k: f for k in FINE}
        out["hair_style"] = c + 1                                   # never "bald" (class 0)
        return out


def test_mixing_rates_count_agreement_with_the_intended_source():
    from training.eval.stylegan import mixing_rates

    good = mixing_rates(_SignGenerator(), _SignClassifier(), pairs=64)
    assert good["coarse_follow_rate"] == 1.0 and good["fine_follow_rate"] == 1.0
    assert good["mix_coarse"]["fine_follow"] == 1.0 and good["mix_fine"]["coarse_follow"] == 1.0
    assert 10 < good["mix_coarse"]["per_attribute"]["head_shape"]["n"] < 54     # only pairs that differ count
    bad = mixing_rates(_SignGenerator(swap=True), _SignClassifier(), pairs=64)  # shape from the fine layers
    assert bad["coarse_follow_rate"] == 0.0 and bad["fine_follow_rate"] == 0.0
