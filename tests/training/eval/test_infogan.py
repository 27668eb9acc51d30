"""InfoGAN evaluation: image properties (slant, thickness, ink), code-to-digit accuracy, code correlations."""
from __future__ import annotations

import torch

from training.eval import infogan as ev


def _line(slope: float, width: int) -> torch.Tensor:
    """A 32x32 vertical-ish stroke whose x moves by `slope` px per row going up."""
    x = torch.full((1, 32, 32), -1.0)
    for r in range(4, 28):
        c = int(round(16 + slope * (16 - r)))
        x[:, r, c:c + width] = 1.0
    return x


def test_image_properties():
    imgs = torch.stack([_line(0.4, 2), _line(-0.4, 2), _line(0.0, 2), _line(0.0, 5)])
    s = ev.slant(imgs)
    assert s[0] > 0.3 and s[1] < -0.3 and abs(s[2]) < 0.05
    t = ev.thickness(imgs)
    assert t[3] > 2 * t[2]
    assert ev.ink_area(imgs)[3] > 2 * ev.ink_area(imgs)[2]


class CodeStampG(torch.nn.Module):
    """A fake generator that writes its categorical code as a lit pixel, and c1 as the image's slant."""
    n_cat, n_cont, z_dim = 10, 2, 4

    def forward(self, z, cat, cont):
        out = torch.stack([_line(float(c[0]) * 0.5, 2) for c in cont])
        out[torch.arange(len(cat)), 0, 0, cat] = 1.0
        return out


class PermutedReader(torch.nn.Module):
    """A fake classifier: reads the lit pixel and calls code k digit perm[k]."""
    perm = torch.tensor([3, 1, 4, 0, 5, 9, 2, 6, 8, 7])

    def forward(self, x):
        return torch.nn.functional.one_hot(self.perm[x[:, 0, 0, :10].argmax(1)], 10).float()


def test_categorical_accuracy_finds_the_assignment():
    res = ev.categorical_accuracy(CodeStampG(), PermutedReader(), n=200)
    assert res["accuracy"] == 1.0 and res["code_to_digit"] == {k: int(v) for k, v in enumerate(PermutedReader.perm)}


def test_continuous_correlation_sees_slant():
    res = ev.continuous_correlations(CodeStampG(), m=5, values=9)
    assert res["c1"]["slant"]["pooled"] > 0.95 and abs(res["c2"]["slant"]["pooled"]) < 0.2
