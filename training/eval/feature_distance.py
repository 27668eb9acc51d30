"""How far generated pictures are from real ones, in the feature space of the project's own landscape segmenter.

The usual realism figures, FID (Heusel et al. 2017, arXiv:1706.08500) and KID (Bińkowski et al. 2018,
"Demystifying MMD GANs", arXiv:1801.01401), compare Inception-v3 features of generated and real images. No
pretrained Inception is available offline, so the features here are the landscape segmenter's
(training/eval/segmenter.py, trained on real synthetic pairs only): its bottleneck and the level above it,
average-pooled over the picture -> 128 numbers per picture. The figures are only comparable between models
measured with the same segmenter, image size and number of pictures; the real-vs-real floor (two disjoint sets of
real pictures of the same size) says how close "as good as real" is.

    Fréchet distance  |mu_a - mu_b|^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2))     (biased for small n: the floor > 0)
    kernel distance   unbiased MMD^2 with the cubic kernel k(x, y) = (x.y / d + 1)^3   (floor ~ 0)
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


@torch.no_grad()
def segmenter_features(net, images: torch.Tensor, batch: int = 64) -> torch.Tensor:
    """(N, 3, S, S) pictures in [-1, 1] -> (N, D) features: the mean over the picture of the segmenter's two
    deepest encoder levels (D = 64 + 64 for the default width)."""
    net.eval()
    out = []
    for i in range(0, len(images), batch):
        x = images[i:i + batch].float()
        levels = []
        for j, e in enumerate(net.enc):
            x = e(x if j == 0 else F.max_pool2d(x, 2))
            levels.append(x)
        out.append(torch.cat([levels[-2].mean((2, 3)), levels[-1].mean((2, 3))], 1))   # (n, D)
    return torch.cat(out).double()


def _sqrtm_psd(m: np.ndarray) -> np.ndarray:
    w, v = np.linalg.eigh((m + m.T) / 2)
    return (v * np.sqrt(np.clip(w, 0, None))) @ v.T


def frechet_distance(a: torch.Tensor, b: torch.Tensor) -> float:
    """Fréchet distance between Gaussians fitted to feature sets a (N, D) and b (M, D)."""
    a, b = a.double().numpy(), b.double().numpy()
    mu_a, mu_b = a.mean(0), b.mean(0)
    s_a, s_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    r = _sqrtm_psd(s_a)                                   # Tr((S_a S_b)^1/2) = Tr((r S_b r)^1/2), r = S_a^1/2
    cross = np.trace(_sqrtm_psd(r @ s_b @ r))
    return float(((mu_a - mu_b) ** 2).sum() + np.trace(s_a) + np.trace(s_b) - 2 * cross)


def kernel_distance(a: torch.Tensor, b: torch.Tensor) -> float:
    """Unbiased squared MMD with the cubic polynomial kernel (KID), on feature sets a (N, D) and b (M, D)."""
    a, b = a.double(), b.double()
    d = a.shape[1]
    k = lambda x, y: (x @ y.T / d + 1) ** 3                # noqa: E731
    kaa, kbb, kab = k(a, a), k(b, b), k(a, b)
    n, m = len(a), len(b)
    return float((kaa.sum() - kaa.diagonal().sum()) / (n * (n - 1))
                 + (kbb.sum() - kbb.diagonal().sum()) / (m * (m - 1)) - 2 * kab.mean())


def distances(net, fake: torch.Tensor, real: torch.Tensor, real_other: torch.Tensor | None = None) -> dict:
    """{"FD", "KD"} between fake and real pictures, and with real_other (disjoint real pictures, same number)
    the floor: {"FD floor", "KD floor"} between real_other and real."""
    f_fake, f_real = segmenter_features(net, fake), segmenter_features(net, real)
    out = {"FD": frechet_distance(f_fake, f_real), "KD": kernel_distance(f_fake, f_real)}
    if real_other is not None:
        f_other = segmenter_features(net, real_other)
        out.update({"FD floor": frechet_distance(f_other, f_real), "KD floor": kernel_distance(f_other, f_real)})
    return out
