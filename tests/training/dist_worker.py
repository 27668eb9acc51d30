"""One process of the two-process gloo runs of test_distributed.py (started there by torchrun).

    torchrun --standalone --nproc-per-node 2 tests/training/dist_worker.py OUT STEPS

Each process writes OUT/<family>/rank<r>.safetensors (all its weights, buffers and Adam moments
after training) and OUT/sync.json (how far its averaged gradients are from one process's on the
whole batch).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import torch
from safetensors.torch import save_file
from torch import nn

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from studio.models.dcgan import DCGANConfig  # noqa: E402
from studio.models.stylegan import StyleGANConfig  # noqa: E402
from training import distributed  # noqa: E402
from training.engine import Engine  # noqa: E402
from training.loop import fit  # noqa: E402
from training.steps.dcgan import DCGANTrainer  # noqa: E402
from training.steps.stylegan import StyleGANTrainer  # noqa: E402


class Blobs(torch.utils.data.Dataset):
    """The same 32 random pictures in every process."""

    def __init__(self, channels: int):
        self.x = torch.rand(32, channels, 16, 16, generator=torch.Generator().manual_seed(5)) * 2 - 1

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return {"image": self.x[i]}


def trainers():
    torch.manual_seed(0)
    yield "dcgan", DCGANTrainer(DCGANConfig(z_dim=8, img_size=16, g_width=4, d_width=4), n_samples=4), 1
    torch.manual_seed(0)
    cfg = StyleGANConfig(img_size=16, z_dim=8, w_dim=16, mapping_layers=2, channel_base=64, channel_max=16,
                         d_channel_base=64, d_channel_max=16)
    yield "stylegan", StyleGANTrainer(cfg, n_samples=4, r1_every=2, mixing_prob=0.5), 3


def state(trainer) -> dict[str, torch.Tensor]:
    out = {f"nets.{n}.{k}": v.detach().contiguous() for n, net in trainer.nets.items()
           for k, v in net.state_dict().items()}
    for n, opt in trainer.optimizers.items():
        for i, st in enumerate(opt.state.values()):
            out.update({f"opt.{n}.{i}.{k}": v.detach().contiguous().reshape(-1) for k, v in st.items()})
    return out


def sync_check(group: distributed.Group) -> float:
    """Max |difference| between the gradients averaged over 2 processes (SyncBatchNorm, each on its half of
    a batch) and the gradients of one process with plain BatchNorm on the whole batch."""
    def net():
        torch.manual_seed(1)
        return nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 36, 1),
                             nn.BatchNorm1d(1))
    x = torch.randn(8, 3, 8, 8, generator=torch.Generator().manual_seed(2))
    whole = net()
    (whole(x) ** 2).mean().backward()
    part = net()
    distributed.convert_batchnorm(part, group)
    half = x[group.rank * 4:(group.rank + 1) * 4]
    (part(half) ** 2).mean().backward()
    opt = torch.optim.SGD(part.parameters(), lr=0.0)
    distributed.average_grads(opt, group)
    grads = max(float((a.grad - b.grad).abs().max()) for a, b in zip(whole.parameters(), part.parameters()))
    stats = max(float((a - b).abs().max()) for a, b in zip(whole.buffers(), part.buffers()) if a.is_floating_point())
    return max(grads, stats)


def main(out: str, steps: int) -> None:
    group = distributed.init_from_env("cpu")
    assert group.world == 2, group
    engine = Engine(group=group)
    out = Path(out)
    for name, trainer, channels in trainers():
        for _ in fit(trainer, Blobs(channels), steps=steps, batch_size=8, out=out / name, engine=engine,
                     log_every=1, checkpoint_every=2, sample_every=2):
            pass
        save_file(state(trainer), str(out / name / f"rank{group.rank}.safetensors"))
    diff = sync_check(group)
    if group.rank == 0:
        (out / "sync.json").write_text(json.dumps({"max_diff": diff}))
    distributed.shutdown()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
