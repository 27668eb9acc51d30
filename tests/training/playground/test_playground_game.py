"""The playground's game: settings, D and G updates, remedies, what the tab draws; tiny and seeded."""
from __future__ import annotations

import dataclasses

import pytest
import torch

from training.playground import LOSSES, Playground, Settings
from training.playground.game import HEAT, SHOW_N

TINY = dict(g_width=16, d_width=16, batch=64)


def params(net):
    return [p.detach().clone() for p in net.parameters()]


def same(a, b):
    return all(torch.equal(x, y) for x, y in zip(a, b))


def test_a_seed_repeats_a_run_exactly_and_another_seed_does_not():
    runs = []
    for seed in (0, 0, 1):
        pg = Playground(Settings(seed=seed, loss="wgan-gp", **TINY))
        pg.train(5)
        runs.append(pg.sample(50))
    assert torch.equal(runs[0], runs[1]) and not torch.equal(runs[0], runs[2])


@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("remedy", ["none", "pacgan", "mbstd", "unrolled", "spectral"])
def test_every_loss_with_every_remedy_trains_and_draws(loss, remedy):
    s = Settings(loss=loss, unroll=2, **TINY) if remedy == "unrolled" else \
        Settings(loss=loss, spectral_norm=True, **TINY) if remedy == "spectral" else \
        Settings(loss=loss, **TINY).with_remedy(remedy)
    pg = Playground(s)
    before = params(pg.G)
    pg.train(3)
    assert pg.step == 3 and not same(before, params(pg.G))
    v = pg.view()
    assert v["fake"].shape == v["arrows"].shape == (SHOW_N, 2)
    assert v["heat"].shape == (HEAT, HEAT) and 0 <= v["heat"].min() and v["heat"].max() <= 1
    assert torch.isfinite(v["arrows"]).all()
    m = v["measures"]
    assert m["n_modes"] == 8 and 0 <= m["modes_covered"] <= 8 and 0 <= m["high_quality"] <= 1
    assert all(torch.isfinite(torch.tensor(m[k])) for k in ("d_loss", "g_loss", "g_grad_norm", "js"))


def test_one_d_update_moves_only_d_and_one_g_update_only_g():
    pg = Playground(Settings(**TINY))
    g0, d0 = params(pg.G), params(pg.D)
    pg.d_update()
    g1, d1 = params(pg.G), params(pg.D)
    assert same(g0, g1) and not same(d0, d1) and pg.step == 0
    pg.g_update()
    assert not same(g1, params(pg.G)) and same(d1, params(pg.D)) and pg.step == 1


def test_d_steps_per_g_step_and_head_start():
    pg = Playground(Settings(d_steps=3, **TINY))
    n = []
    pg.d_update = (lambda f: lambda: n.append(1) or f())(pg.d_update)
    pg.train(2)
    assert len(n) == 6
    fresh, ahead = Playground(Settings(**TINY)), Playground(Settings(d_warmup=20, **TINY))
    assert ahead.step == 0 and same(params(fresh.G), params(ahead.G)) and not same(params(fresh.D), params(ahead.D))


def test_learning_rates_apply_to_the_running_game_and_shapes_restart_it():
    pg = Playground(Settings(**TINY))
    pg.train(4)
    assert pg.configure(dataclasses.replace(pg.settings, lr_g=0.01, lr_d=0.002, loss="hinge", d_steps=2)) is False
    assert pg.step == 4 and pg.opt_g.lr == 0.01 and pg.opt_d.lr == 0.002 and pg.opt_d.betas == (0.5, 0.999)
    assert pg.configure(dataclasses.replace(pg.settings, d_width=8)) is True
    assert pg.step == 0 and pg.history == []


@pytest.mark.parametrize("bad, words", [
    (dict(loss="softmax"), "unknown loss"), (dict(noise_dim=3), "noise_dim"), (dict(d_width=0), "d_width"),
    (dict(lr_g=0.0), "lr_g"), (dict(lr_d=float("nan")), "lr_d"), (dict(noise="poisson"), "noise"),
    (dict(target="circle"), "unknown target"), (dict(opt_g="rmsprop"), "optimiser"), (dict(pack=6, batch=8), "pack"),
])
def test_bad_settings_say_what_is_wrong(bad, words):
    with pytest.raises(ValueError, match=words):
        Settings(**bad).check()
    with pytest.raises(ValueError, match="unknown remedy"):
        Settings().with_remedy("dropout")


def test_spectral_norm_makes_each_layer_1_lipschitz():
    pg = Playground(Settings(spectral_norm=True, **TINY))
    for _ in range(30):
        pg.D.power_iteration()
    for i, w in enumerate(pg.D.weights[0::2]):
        assert torch.linalg.matrix_norm(pg.D._sn(w, i), ord=2).item() == pytest.approx(1.0, abs=0.02)


def test_packing_judges_packs_and_minibatch_std_reads_the_batch_spread():
    packed = Playground(Settings(pack=3, **TINY))
    x = torch.randn(12, 2)
    assert packed.D(x).shape == (4,)
    mb = Playground(Settings(mbstd=True, **TINY)).D
    tight, loose = torch.randn(8, 2) * 0.01, torch.randn(8, 2) * 3
    assert mb(tight).shape == (8,)
    same_point = tight[:1]
    # the same point is judged differently in a tight and in a loose batch
    assert mb(same_point, spread=mb.batch_spread(tight)) != mb(same_point, spread=mb.batch_spread(loose))


def test_unrolled_g_sees_d_after_its_look_ahead():
    pg = Playground(Settings(unroll=3, **TINY))
    pg.train(2)
    fake, real = pg.sample(64), pg.target.sample(64, torch.Generator().manual_seed(0))
    assert all(torch.equal(a, b) for a, b in zip(pg.lookahead(fake, real, 0), pg.D.weights))
    ahead = pg.lookahead(fake, real, 3)
    assert not all(torch.equal(a, b) for a, b in zip(ahead, pg.D.weights))
    x = fake.clone().requires_grad_(True)
    (g_unrolled,) = torch.autograd.grad(pg.g_loss_of(x, real), x)
    pg.settings = dataclasses.replace(pg.settings, unroll=0)
    (g_plain,) = torch.autograd.grad(pg.g_loss_of(x, real), x)
    assert not torch.allclose(g_unrolled, g_plain)


def test_the_manifold_is_a_curve_for_1d_noise_and_a_grid_for_2d():
    assert len(Playground(Settings(noise_dim=1, **TINY)).manifold()) == 1
    lines = Playground(Settings(noise_dim=2, noise="uniform", **TINY)).manifold(n_lines=5, n_points=7)
    assert len(lines) == 10 and lines[0].shape == (7, 2)


def test_the_heat_map_is_ds_probability_for_log_losses():
    pg = Playground(Settings(**TINY))
    pg.train(5)
    heat = pg.heat(pg.sample(SHOW_N), res=8)
    xs = torch.linspace(-3, 3, 8)
    corner = torch.sigmoid(pg.D(torch.tensor([[xs[0], xs[-1]]])))         # top-left cell: x = -3, y = +3
    assert heat[0, 0].item() == pytest.approx(corner.item(), abs=1e-5)


def test_history_stays_bounded():
    pg = Playground(Settings(**TINY))
    pg.history = [(i, 0.0, 0.0, 0.0) for i in range(1200)]
    pg.train(1)
    assert len(pg.history) <= 1200 // 2 + 1


@pytest.mark.parametrize("kind, betas", [("adam", (0.5, 0.999)), ("adam", (0.0, 0.9)), ("sgd", None)])
def test_the_written_out_optimiser_takes_torchs_steps_on_a_tiny_net(kind, betas):
    from training.playground.optim import Optimizer

    torch.manual_seed(0)
    mine = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    theirs = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    theirs.load_state_dict(mine.state_dict())
    start = params(mine)
    ours = Optimizer(mine.parameters(), kind, 0.01, betas or (0.9, 0.999))
    ref = (torch.optim.Adam(theirs.parameters(), lr=0.01, betas=betas) if kind == "adam"
           else torch.optim.SGD(theirs.parameters(), lr=0.01))
    for _ in range(20):
        x, y = torch.randn(32, 2), torch.randn(32, 1)
        ours.step(torch.autograd.grad(((mine(x) - y) ** 2).mean(), ours.params))
        ref.zero_grad()
        ((theirs(x) - y) ** 2).mean().backward()
        ref.step()
    for a, b in zip(mine.parameters(), theirs.parameters()):
        assert torch.allclose(a, b, atol=1e-6), kind
    assert not same(params(mine), start)      # the steps moved the weights
    with pytest.raises(ValueError, match="optimiser"):
        Optimizer(mine.parameters(), "rmsprop", 0.1)


def test_playing_never_imports_torchs_compiler():
    """torch.optim's first step imports torch._dynamo (1.25 s in a fresh server here, more when busy):
    the playground's own optimiser must keep the first Play free of it."""
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys; from training.playground import Playground, Settings; "
            "Playground(Settings(g_width=8, d_width=8, batch=16, unroll=1)).train(2); "
            "print('torch._dynamo' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True,
                         cwd=Path(__file__).resolve().parents[3])
    assert out.stdout.strip() == "False"
