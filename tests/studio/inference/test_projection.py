"""Latent projection: it finds codes that redraw a picture, frames pictures as MNIST does, regularises
StyleGAN's noise, reports progress, and its codes start interpolations."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

from studio import hub, inference
from studio.images import to_pil
from studio.inference import codes as C
from studio.inference import projection as P
from studio.models.cgan import CGANConfig
from studio.models.cgan import Generator as CGenerator
from studio.models.dcgan import DCGANConfig
from studio.models.dcgan import Generator as DGenerator
from studio.models.stylegan import Generator as SGenerator
from studio.models.stylegan import StyleGANConfig

from tests.helpers import CGAN_TINY, STYLEGAN_TINY, randomise


@pytest.fixture(autouse=True)
def _one_thread(one_thread):
    pass


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    root = tmp_path_factory.mktemp("proj")
    torch.manual_seed(0)
    out = {}
    for name, G in {"dcgan": randomise(DGenerator(DCGANConfig(z_dim=8, img_size=16, g_width=8)), 2),
                    "cgan": CGenerator(CGANConfig(**CGAN_TINY)),
                    "stylegan": randomise(SGenerator(StyleGANConfig(**STYLEGAN_TINY, channels=1)), 1)}.items():
        out[name] = str(hub.save(G.eval(), root / name))
    return out


def drawn(G, code) -> Image.Image:
    """The generator's own picture of a code, as a file a user would upload (RGB, enlarged)."""
    with torch.no_grad():
        return to_pil(C.render(G, C.batch([code]))[0], 64)


def seed_pictures(G, seeds) -> torch.Tensor:
    with torch.no_grad():
        return C.render(G, C.batch([C.as_ws(G, C.seed_code(G, s)) if G.family == "stylegan" else C.seed_code(G, s)
                                    for s in seeds]))


@pytest.mark.parametrize("model", ["dcgan-mnist", "stylegan-faces"])
def test_a_generated_picture_is_found_again(model):
    """Projecting the bundled generator's own picture of seed 123 lands far closer to it than other seeds'
    pictures are (on a generated picture the MNIST framing is skipped: it would move the ink)."""
    G = inference.get_model(model)
    target = seed_pictures(G, [123])[0]
    others = (seed_pictures(G, range(16)) - target).abs().mean((1, 2, 3)) / 2      # errors of random codes
    steps = list(P.project_progress(model, to_pil(target, 64), steps=50, every=25, frame=False))
    assert [p.step for p in steps] == [25, 50] and steps[-1].done
    assert steps[-1].error <= steps[0].error + 1e-3
    assert steps[-1].error < 0.4 * others.median(), (steps[-1].error, others.median())


def test_cgan_projection_names_the_digit():
    G = inference.get_model("cgan-mnist")
    found = []
    for k in range(G.n_classes):
        code = {"z": C.seed_code(G, 7)["z"], "e": G.embedding(torch.tensor([k]))[0]}
        found.append(P.project("cgan-mnist", drawn(G, code), steps=30, frame=False).label)
    assert found == list(range(10))


@pytest.mark.parametrize("space", ["w", "w+"])
def test_stylegan_projects_in_w_with_regularised_noise(models, space):
    G = inference.get_model(models["stylegan"])
    p = P.project(models["stylegan"], drawn(G, C.as_ws(G, C.seed_code(G, 5))), steps=20, space=space, frame=False)
    assert p.space == space and p.code["ws"].shape == (G.num_ws, G.w_dim)
    if space == "w":
        assert torch.allclose(p.code["ws"], p.code["ws"][:1].expand_as(p.code["ws"]))   # one w for all layers
    for m in p.code["noise"]:                                                  # renormalised after every step
        assert abs(m.mean().item()) < 1e-4 and abs(m.pow(2).mean().item() - 1) < 1e-3


def test_noise_regularisation_sees_smooth_noise():
    white = [torch.randn(1, 1, 32, 32, generator=torch.Generator().manual_seed(0))]
    smooth = [torch.nn.functional.interpolate(torch.randn(1, 1, 8, 8), size=32, mode="bilinear")]
    assert P.noise_regularisation(smooth) > 100 * P.noise_regularisation(white)


def test_learning_rate_ramps_up_and_down():
    assert P.lr_at(0.0) == 0.0 and P.lr_at(0.5) == pytest.approx(P.LR) and P.lr_at(1.0) == pytest.approx(0.0)
    assert 0 < P.lr_at(0.02) < P.LR and 0 < P.lr_at(0.9) < P.LR


def test_a_drawing_is_framed_like_mnist():
    """Dark ink on white paper, off-centre and large: inverted, the ink's box scaled to 20 of 32 pixels, centred."""
    pic = Image.new("RGB", (200, 150), "white")
    ImageDraw.Draw(pic).line([(20, 10), (60, 140)], fill="black", width=12)
    x = P.digit_like(pic, 32)[0].numpy()
    assert x.shape == (32, 32) and x[0].max() == -1 and x.max() > 0.9          # white ink on black
    ys, xs = np.nonzero(x > -0.6)
    assert 19 <= max(np.ptp(ys), np.ptp(xs)) + 1 <= 21
    w = (x + 1) / 2
    cy, cx = (w.sum(1) * np.arange(32)).sum() / w.sum(), (w.sum(0) * np.arange(32)).sum() / w.sum()
    assert abs(cy - 15.5) < 1 and abs(cx - 15.5) < 1
    with pytest.raises(ValueError, match="empty"):
        P.digit_like(Image.new("RGB", (64, 64), "black"), 32)


def test_refusals(models, tmp_path):
    pic = Image.new("RGB", (32, 32))
    ImageDraw.Draw(pic).ellipse([8, 8, 24, 24], outline="white", width=3)
    with pytest.raises(ValueError, match="steps must be"):
        P.project(models["dcgan"], pic, steps=0)
    with pytest.raises(ValueError, match="W or W\\+"):
        P.project(models["stylegan"], pic, space="z")
    with pytest.raises(ValueError, match="z only"):
        P.project(models["dcgan"], pic, space="w+")
    from studio.models.infogan import Generator as IGenerator
    from studio.models.infogan import InfoGANConfig
    other = str(hub.save(IGenerator(InfoGANConfig(z_dim=8, img_size=16)).eval(), tmp_path / "info"))
    with pytest.raises(ValueError, match="needs a latent model"):
        P.project(other, pic)
    with pytest.raises(ValueError, match="not a picture"):
        (tmp_path / "x.png").write_bytes(b"no")
        P.project(models["dcgan"], str(tmp_path / "x.png"))


def test_a_projected_code_starts_an_interpolation(models):
    for family in ("dcgan", "cgan", "stylegan"):
        G = inference.get_model(models[family])
        code = C.seed_code(G, 11)
        picture = drawn(G, C.as_ws(G, code) if family == "stylegan" else code)
        p = P.project(models[family], picture, steps=10, frame=False)
        frames = inference.interpolation_frames(models[family], 0, 3, steps=3, code_a=p.code)
        torch.testing.assert_close(frames[0], p.image, atol=1e-5, rtol=0)     # the walk starts at the projection
        seeds_only = inference.interpolation_frames(models[family], 0, 3, steps=3)
        torch.testing.assert_close(frames[-1], seeds_only[-1], atol=1e-5, rtol=0)   # and ends at seed B's picture


def test_code_json_is_plain(models):
    import json
    pic = Image.new("RGB", (32, 32))
    ImageDraw.Draw(pic).line([(16, 4), (16, 28)], fill="white", width=4)
    for family in ("cgan", "stylegan"):
        p = P.project(models[family], pic, steps=5)
        torch.testing.assert_close(P.project(models[family], pic, steps=5).image, p.image)   # seeded: the same answer
        out = P.code_json(p, family)
        json.dumps(out)
        assert out["steps"] == 5 and 0 <= out["reconstruction_error"] <= 1
        assert ("class" in out) == (family == "cgan") and ("noise_maps" in out) == (family == "stylegan")
