"""Data-parallel training on CPU (gloo): two processes under torchrun.

- the ranks end with identical weights, buffers and Adam moments (DCGAN with synced BatchNorm;
  StyleGAN with lazy R1, w_avg and its EMA generator), and the averaged gradients equal one
  process's on the whole batch;
- the checkpoint of a two-process run resumes in one process;
- `gan-studio train --nproc 2`: a process killed mid-run stops the whole run with a clear message
  and the last good checkpoint, which the same command resumes (in one process here, then in two).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("dist_worker.py")


def env() -> dict:
    e = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(ROOT))
    e.pop("RANK", None)
    return e


def torchrun(*args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node=2", *args]
    return subprocess.run(cmd, cwd=ROOT, env=env(), capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def two_process_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("ddp")
    run = torchrun(str(WORKER), str(out), "4")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return out


@pytest.mark.parametrize("family", ["dcgan", "stylegan"])
def test_ranks_end_with_identical_weights(two_process_run, family):
    a = load_file(str(two_process_run / family / "rank0.safetensors"))
    b = load_file(str(two_process_run / family / "rank1.safetensors"))
    assert a.keys() == b.keys() and any(k.startswith("opt.D.") for k in a)
    differ = [k for k in a if not torch.equal(a[k], b[k])]
    assert not differ, differ[:5]
    assert json.loads((two_process_run / "sync.json").read_text())["max_diff"] < 1e-5


def test_averaged_run_learns_and_checkpoints_once(two_process_run):
    """Only rank 0 writes the checkpoint; the trained weights moved away from the initial ones."""
    from studio.models.dcgan import DCGANConfig
    from training.steps.dcgan import DCGANTrainer

    meta = json.loads((two_process_run / "dcgan" / "checkpoint" / "state.json").read_text())
    assert meta["step"] == 4 and meta["batch_size"] == 8
    torch.manual_seed(0)
    fresh = DCGANTrainer(DCGANConfig(z_dim=8, img_size=16, g_width=4, d_width=4), n_samples=4)
    trained = load_file(str(two_process_run / "dcgan" / "rank0.safetensors"))
    w = "nets.G.project.0.weight"
    assert not torch.equal(trained[w], fresh.nets["G"].state_dict()["project.0.weight"])


def test_two_process_checkpoint_resumes_in_one_process(two_process_run, tmp_path):
    import shutil

    sys.path.insert(0, str(WORKER.parent))
    import dist_worker

    from training.loop import fit

    name, trainer, channels = next(dist_worker.trainers())
    shutil.copytree(two_process_run / name / "checkpoint", tmp_path / "checkpoint")
    events = list(fit(trainer, dist_worker.Blobs(channels), steps=6, batch_size=8, out=tmp_path, log_every=1))
    assert events[0].message == "resumed at step 4" and events[-1].kind == "done" and events[-1].step == 6
    rank0 = load_file(str(two_process_run / name / "rank0.safetensors"))
    moved = trainer.nets["G"].state_dict()["project.0.weight"]
    assert not torch.equal(moved, rank0["nets.G.project.0.weight"])       # it trained on from there


def rank_pid(parent: int, rank: int) -> int | None:
    """The pid of the training process with RANK=rank below `parent` (the torchrun agent's children)."""
    children = {}
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                ppid = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(p.name))
            except (OSError, IndexError, ValueError):
                pass
    todo, found = [parent], []
    while todo:
        pid = todo.pop()
        for c in children.get(pid, []):
            found.append(c)
            todo.append(c)
    for pid in found:
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"RANK={rank}".encode() in environ and b"LOCAL_RANK=" + str(rank).encode() in environ:
            return pid
    return None


@pytest.mark.slow          # three launches of two processes: ~30 s on a quiet 2-core machine
def test_a_failing_process_stops_the_run_and_keeps_the_last_good_checkpoint(tmp_path):
    out = tmp_path / "run"
    args = ["--family", "dcgan", "--dataset", "mnist", "--batch-size", "8", "--img-size", "16", "--set", "g_width=4",
            "--set", "d_width=4", "--set", "z_dim=8", "--checkpoint-every", "5", "--sample-every", "1000",
            "--threads", "1", "--out", str(out)]
    launcher = subprocess.Popen([sys.executable, "-m", "studio.cli", "train", *args, "--steps", "100000",
                                 "--nproc", "2"], cwd=ROOT, env=env(), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
    try:
        t0 = time.time()
        while not (out / "checkpoint" / "state.json").is_file():
            assert launcher.poll() is None, launcher.communicate()
            assert time.time() - t0 < 180, "no checkpoint within 3 minutes"
            time.sleep(0.2)
        victim = rank_pid(launcher.pid, 1)
        assert victim is not None
        os.kill(victim, signal.SIGKILL)                   # a process dies (out of memory, a lost machine...)
        stdout, stderr = launcher.communicate(timeout=120)
    finally:
        if launcher.poll() is None:
            launcher.kill()
    assert launcher.returncode != 0
    assert "a process failed" in stderr and "last good checkpoint (step" in stderr, stderr[-2000:]
    assert "[done]" not in stdout
    step = json.loads((out / "checkpoint" / "state.json").read_text())["step"]
    assert step >= 5 and step % 5 == 0
    resumed = subprocess.run([sys.executable, "-m", "studio.cli", "train", *args, "--steps", str(step + 3)],
                             cwd=ROOT, env=env(), capture_output=True, text=True, timeout=240)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert f"resumed at step {step}" in resumed.stdout and (out / "model" / "model.safetensors").is_file()
    again = subprocess.run([sys.executable, "-m", "studio.cli", "train", *args, "--steps", str(step + 6),
                            "--nproc", "2"], cwd=ROOT, env=env(), capture_output=True, text=True, timeout=240)
    assert again.returncode == 0, again.stderr[-2000:]                    # and back to two processes
    assert f"resumed at step {step + 3}" in again.stdout and "[done] step" in again.stdout
    assert json.loads((out / "checkpoint" / "state.json").read_text())["step"] == step + 6

