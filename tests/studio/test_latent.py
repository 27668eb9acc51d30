import torch

from studio.latent import interpolate, lerp, slerp
from studio.models.layers import seeded_normal


def test_exact_endpoints():
    a, b = seeded_normal(1, 128), seeded_normal(2, 128)
    for method in ("slerp", "lerp"):
        path = interpolate(a, b, torch.linspace(0, 1, 9), method)
        assert torch.allclose(path[0], a, atol=1e-5) and torch.allclose(path[-1], b, atol=1e-5)


def test_slerp_keeps_norms_smooth_and_lerp_sags():
    a, b = seeded_normal(1, 512), seeded_normal(2, 512)
    t = torch.linspace(0, 1, 33)
    s_norms = slerp(a, b, t).norm(dim=1)
    l_norms = lerp(a, b, t).norm(dim=1)
    lo, hi = min(a.norm(), b.norm()), max(a.norm(), b.norm())
    assert (s_norms >= lo - 1e-3).all() and (s_norms <= hi + 1e-3).all()      # on the shell
    assert (s_norms.diff().abs() < 0.05 * hi).all()                             # smooth
    assert l_norms[16] < 0.8 * lo                                               # lerp midpoint ~ sqrt(1/2)


def test_slerp_constant_angular_speed_on_the_sphere():
    a, b = seeded_normal(3, 64), seeded_normal(4, 64)
    a, b = a / a.norm(), b / b.norm()
    p = slerp(a, b, torch.linspace(0, 1, 11))
    cos = torch.nn.functional.cosine_similarity(p[:-1], p[1:])
    assert torch.allclose(cos, cos[0].expand_as(cos), atol=1e-4)


def test_slerp_parallel_falls_back():
    a = seeded_normal(5, 16)
    assert torch.allclose(slerp(a, 2 * a, 0.5), 1.5 * a, atol=1e-5)
