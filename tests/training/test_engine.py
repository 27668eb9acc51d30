"""The engine: devices and precisions by name, the speed levers keep the numbers, bf16 autocast on CPU for
every family, losses read in batches still stop a diverging run at its step, and the CLI and the training
tab build the same engine."""
from __future__ import annotations

import copy

import pytest
import torch
from torch import nn

from training import distributed
from training.engine import Engine, resolve_device, resolve_precision
from training.loop import fit
from training.setup import RunSpec, build_run

TINY = {   # (dataset, image size, batch, config overrides): every family's real data path, a few ms per step
    "dcgan": ("mnist", 16, 8, dict(g_width=4, d_width=4, z_dim=8)),
    "infogan": ("mnist", 16, 8, dict(g_width=4, d_width=4, z_dim=8, q_hidden=8)),
    "spade": ("landscapes", 16, 4, dict(g_width=4, g_max=8, spade_hidden=4, d_width=4, enc_width=4, z_dim=8)),
    "stylegan": ("faces", 16, 4, dict(z_dim=8, w_dim=16, mapping_layers=2, channel_base=64, channel_max=16,
                                      d_channel_base=64, d_channel_max=16)),
    "cyclegan": ("summer2winter", 32, 1, dict(ngf=4, ndf=8, n_blocks=2)),
}


def tiny_run(family: str, **spec):
    dataset, size, batch, model = TINY[family]
    trainer, data = build_run(RunSpec(family=family, dataset=dataset, img_size=size, batch_size=batch, steps=3,
                                      model=dict(model), **spec))
    return trainer, data, batch


def train(family: str, engine: Engine, tmp_path, steps: int = 3):
    trainer, data, batch = tiny_run(family)
    events = list(fit(trainer, data, steps=steps, batch_size=batch, out=tmp_path, sample_every=0, log_every=1,
                      engine=engine))
    return trainer, events


def test_devices_and_precisions_by_name():
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device("auto").type in ("cpu", "cuda", "mps")
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        resolve_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="no CUDA GPU"):
            resolve_device("cuda")
        assert resolve_device("auto") in (torch.device("cpu"), torch.device("mps"))
    cpu = torch.device("cpu")
    assert resolve_precision("auto", cpu) == "fp32"
    # fp32 on a GPU too: the recipes measured faster in it than under autocast (README, bench/recipe_speed.py)
    assert resolve_precision("auto", torch.device("cuda")) == "fp32"
    assert resolve_precision("bf16", cpu) == "bf16"
    with pytest.raises(ValueError, match="fp16 needs a GPU"):
        resolve_precision("fp16", cpu)
    with pytest.raises(ValueError, match="unknown precision"):
        resolve_precision("fp8", cpu)


@pytest.mark.parametrize("family", sorted(TINY))
def test_layout_and_fused_adam_keep_the_numbers(family, tmp_path):
    """channels-last + fused Adam (the defaults) and NCHW + Adam's for-loop: the same run, to float rounding.
    Weights (2-d and up) must take the same updates; biases only within Adam's step size, as a bias in
    front of a normalisation has a zero gradient up to rounding, which Adam's first steps turn into +-lr."""
    init, _, _ = tiny_run(family)
    fast, ev_fast = train(family, Engine(), tmp_path / "fast")
    slow, ev_slow = train(family, Engine(channels_last=False, fused=False), tmp_path / "slow")
    assert ev_fast[-1].kind == ev_slow[-1].kind == "done"
    assert fast.memory_format == (torch.channels_last if fast.channels_last else torch.contiguous_format)
    lr = max(g["lr"] for o in slow.optimizers.values() for g in o.param_groups)
    for name, net in fast.nets.items():
        for (k, a), b, p0 in zip(net.named_parameters(), slow.nets[name].parameters(), init.nets[name].parameters()):
            a, b, p0 = a.detach(), b.detach(), p0.detach()
            if a.dim() >= 2:
                assert (a - b).norm() <= 1e-2 * (b - p0).norm() + 1e-7, f"{family} {name}.{k}"
            else:
                assert (a - b).abs().max() <= 2 * lr * 3 + 1e-6, f"{family} {name}.{k}"
    for k in ev_fast[-1].losses:
        assert ev_fast[-1].losses[k] == pytest.approx(ev_slow[-1].losses[k], rel=1e-3, abs=1e-4), k


def test_batches_of_one_stay_in_the_default_layout():
    """torch's instance_norm backward is wrong for a channels-last gradient of one picture (see Engine.place)."""
    trainer, _, _ = tiny_run("spade")
    Engine().place(trainer, local_batch=1)
    assert trainer.memory_format == torch.contiguous_format
    assert next(trainer.nets["D"].parameters()).is_contiguous()
    other, _, _ = tiny_run("spade")
    Engine().place(other, local_batch=2)
    assert other.memory_format == torch.channels_last


@pytest.mark.parametrize("family", sorted(TINY))
def test_every_family_trains_under_bf16_autocast_on_cpu(family, tmp_path):
    before, _, _ = tiny_run(family)
    trainer, events = train(family, Engine(precision="bf16"), tmp_path)
    assert [e.kind for e in events][-1] == "done"
    assert all(torch.isfinite(torch.tensor(v)) for v in events[-1].losses.values())
    moved = False
    for name, net in trainer.nets.items():
        for (k, p), q in zip(net.named_parameters(), before.nets[name].parameters()):
            assert p.dtype == torch.float32, (name, k)             # weights and Adam state stay fp32
            moved |= not torch.equal(p.detach(), q)
    assert moved
    s = events[-1].samples
    assert s.dtype == torch.float32 and s.dim() == 4 and s.abs().max() <= 1


def test_losses_are_read_in_batches_but_checked_every_step(tmp_path):
    trainer, data, batch = tiny_run("dcgan")
    real_step, calls = trainer.step, []

    def step(b):
        calls.append(1)
        out = real_step(b)
        if len(calls) == 3:
            out["G"] = out["G"] * float("nan")          # a tensor, read only at the next log step
        return out
    trainer.step = step
    events = list(fit(trainer, data, steps=20, batch_size=batch, out=tmp_path, log_every=10, sample_every=0))
    assert events[-1].kind == "error" and "at step 3" in events[-1].message
    assert len(calls) == 10                              # found at the first read, after step 10


def test_sync_batchnorm_is_batchnorm_alone_and_keeps_the_state_dict():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.Flatten(), nn.Linear(4 * 36, 2), nn.BatchNorm1d(2))
    keys = list(net.state_dict())
    synced = copy.deepcopy(net)
    assert distributed.convert_batchnorm(synced, distributed.Group()) == ["1", "4"]
    assert list(synced.state_dict()) == keys
    x = torch.randn(6, 3, 8, 8)
    torch.testing.assert_close(synced(x), net(x))        # no process group: plain BatchNorm


def test_cli_and_training_tab_use_the_same_engine(tmp_path):
    from training import cli, jobs as J

    with pytest.raises(SystemExit):                      # argparse-style error, not a traceback
        cli.main(["--family", "dcgan", "--device", "tpu", "--out", str(tmp_path / "x")])
    spec = J.make_spec("dcgan", "mnist", 4, 4, 2e-4, 2e-4, "nonsaturating", 10, 0, device="cpu", precision="bf16")
    spec.model = dict(TINY["dcgan"][3])
    manager = J.JobManager(runs_dir=tmp_path / "runs", models_dir=tmp_path / "models", poll_s=0.05)
    job = manager.start(spec, name="bf16")
    views = list(manager.watch(job))
    assert views[-1].state == "done" and views[-1].device == "cpu bf16"
    assert "--device cpu --precision bf16" in (tmp_path / "models" / "bf16" / "README.md").read_text()
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="no CUDA GPU"):
            manager.start(J.make_spec("dcgan", "mnist", 4, 4, 2e-4, 2e-4, "hinge", 10, 0, device="cuda"))


def test_one_call_on_stacked_batches_equals_separate_calls():
    """CycleGAN's generators and PatchGANs and SPADE's discriminator treat each picture alone (InstanceNorm),
    so the trainers run several batches through them in one call."""
    from training.steps.cyclegan import _each
    from training.steps.spade import SPADETrainer

    trainer, _, _ = tiny_run("cyclegan")
    torch.manual_seed(3)
    a, b, c = (torch.rand(n, 3, 32, 32) * 2 - 1 for n in (1, 1, 2))
    for net in (trainer.nets["G"].G_AB, trainer.nets["D_A"]):
        together = _each(net, a, None, b, c)
        assert together[1] is None
        for x, y in zip((a, b, c), (together[0], together[2], together[3])):
            torch.testing.assert_close(y, net(x), rtol=1e-5, atol=1e-5)
    spade, _, _ = tiny_run("spade")
    D = spade.nets["D"].eval()                      # eval: spectral norm's power iteration stays put
    fake, real = torch.rand(2, 3, 16, 16), torch.rand(2, 3, 16, 16)
    seg = torch.nn.functional.one_hot(torch.randint(0, spade.cfg.num_classes, (2, 16, 16)),
                                      spade.cfg.num_classes).permute(0, 3, 1, 2).float()
    on_fake, on_real = SPADETrainer.discriminate(D, fake, real, seg)
    for got, x in ((on_fake, fake), (on_real, real)):
        for scale_got, scale_ref in zip(got, D(x, seg)):
            for f, r in zip(scale_got, scale_ref):
                torch.testing.assert_close(f, r, rtol=1e-5, atol=1e-5)
