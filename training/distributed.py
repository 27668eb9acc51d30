"""Data-parallel training over several processes (torch.distributed: gloo on CPUs, NCCL on GPUs).

    torchrun --nproc-per-node 2 -m studio.cli train --family dcgan ...     (or: gan-studio train --nproc 2 ...)

torchrun starts the processes and sets RANK, LOCAL_RANK, WORLD_SIZE, MASTER_ADDR/PORT;
init_from_env() joins them into one group. Then, as in NVIDIA's StyleGAN2-ADA training loop
(training_loop.py: one flat all_reduce of the gradients per optimizer step), and with the same
result as DistributedDataParallel:
  - every process starts from rank 0's weights (broadcast_modules),
  - each draws its own shard of the global batch (training.loop.batches),
  - before every optimizer step the gradients are averaged over the processes (average_grads),
    so all processes take the same step and their weights stay identical,
  - BatchNorm computes its statistics over the global batch (SyncBatchNorm below), as one
    process would; other float buffers (running statistics, StyleGAN's w_avg) are averaged
    after each step (average_buffers).
The DistributedDataParallel wrapper is not used: GAN steps call sub-networks directly
(G.map, D.trunk, G.encode), freeze D during G's update and take double-backward penalties
(R1, WGAN-GP), all of which DDP's forward hooks do not follow; averaging at the optimizer
step is the same arithmetic without those limits. torch's own nn.SyncBatchNorm runs on GPUs
only, hence the small one here (gloo and NCCL alike).
"""
from __future__ import annotations

import datetime
import os
from dataclasses import dataclass

import torch
import torch.distributed as td
from torch import nn

TIMEOUT = datetime.timedelta(minutes=10)   # a process that waits this long for the others gives up


@dataclass(frozen=True)
class Group:
    rank: int = 0
    local_rank: int = 0
    world: int = 1


def launched_by_torchrun() -> bool:
    return "RANK" in os.environ and "WORLD_SIZE" in os.environ and "MASTER_ADDR" in os.environ


def init_from_env(device_type: str) -> Group:
    """Join the group torchrun started (gloo for CPU processes, NCCL for CUDA); Group() without torchrun."""
    if not launched_by_torchrun():
        return Group()
    group = Group(int(os.environ["RANK"]), int(os.environ.get("LOCAL_RANK", 0)), int(os.environ["WORLD_SIZE"]))
    if group.world > 1 and not td.is_initialized():
        if device_type == "mps":
            raise ValueError("training on several processes needs CPUs (gloo) or CUDA GPUs (NCCL), not MPS")
        if device_type == "cuda":
            torch.cuda.set_device(group.local_rank % torch.cuda.device_count())
        td.init_process_group("nccl" if device_type == "cuda" else "gloo", timeout=TIMEOUT)
    return group


def shutdown(together: bool = True) -> None:
    """Leave the group; together=True (the ranks all finished) waits for the others first: without the
    barrier a rank that tears gloo down while the other is still in its last collective can abort the
    other ("terminate called without an active exception", about one run in four under torch 2.14 on
    a 2-core machine, after all the work was written). A failing rank leaves at once (together=False):
    the others may never reach a barrier."""
    if td.is_initialized():
        if together:
            td.barrier()
        td.destroy_process_group()


# ----------------------------------------------------------------------------- collectives


def mean(values: torch.Tensor, group: Group) -> torch.Tensor:
    out = values.detach().clone()
    td.all_reduce(out)
    return out / group.world


def gather_ints(value: int, group: Group, device: torch.device) -> list[int]:
    """Every process's `value`, by rank (on every process)."""
    out = [torch.zeros((), dtype=torch.long, device=device) for _ in range(group.world)]
    td.all_gather(out, torch.tensor(value, dtype=torch.long, device=device))
    return [int(v) for v in out]


def _flat_all_reduce_mean(tensors: list[torch.Tensor], world: int) -> None:
    """Average `tensors` in place over the processes, in one collective per dtype."""
    by_dtype: dict[torch.dtype, list[torch.Tensor]] = {}
    for t in tensors:
        by_dtype.setdefault(t.dtype, []).append(t)
    for same in by_dtype.values():
        flat = torch.cat([t.reshape(-1) for t in same])
        td.all_reduce(flat)
        flat /= world
        for t, part in zip(same, flat.split([t.numel() for t in same])):
            t.copy_(part.view_as(t))


def average_grads(opt: torch.optim.Optimizer, group: Group) -> None:
    """Average the gradients of the optimizer's parameters over the processes (before opt.step).
    Every process runs the same step code, so the same parameters have gradients everywhere."""
    grads = [p.grad for g in opt.param_groups for p in g["params"] if p.grad is not None]
    if grads:
        _flat_all_reduce_mean(grads, group.world)


def average_buffers(nets, group: Group) -> None:
    bufs = [b for net in nets for b in net.buffers() if b.is_floating_point()]
    if bufs:
        _flat_all_reduce_mean(bufs, group.world)


@torch.no_grad()
def broadcast_modules(nets, group: Group) -> None:
    """Every process takes rank 0's parameters and buffers."""
    for net in nets:
        for t in list(net.parameters()) + list(net.buffers()):
            td.broadcast(t.data, src=0)


# ----------------------------------------------------------------------------- BatchNorm over the global batch


class _SumOverProcesses(torch.autograd.Function):
    """y = sum over processes of x; its gradient is the sum over processes of the incoming gradients."""

    @staticmethod
    def forward(ctx, x):
        y = x.clone()
        td.all_reduce(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        grad = grad.clone()
        td.all_reduce(grad)
        return grad


class SyncBatchNorm(nn.modules.batchnorm._BatchNorm):
    """BatchNorm (1d or 2d) whose training statistics cover the batches of all processes.

    Per channel c over the N_total values of the global batch:
        mean_c = sum x / N_total,  var_c = sum x^2 / N_total - mean_c^2
    (sums exchanged in one differentiable all_reduce), then the usual normalisation and affine
    map; running statistics get the unbiased variance, as nn.BatchNorm does. The state dict is
    nn.BatchNorm's, so checkpoints and exported models do not change. In eval mode, or alone, it
    is plain BatchNorm."""

    def _check_input_dim(self, x):
        if x.dim() < 2:
            raise ValueError(f"expected at least 2-d input, got {x.dim()}-d")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not (self.training and td.is_initialized() and td.get_world_size() > 1):
            return super().forward(x)
        self._check_input_dim(x)
        dims = [0] + list(range(2, x.dim()))
        xf = x.float()
        n_local = x.numel() // x.shape[1]
        sums = torch.cat([xf.sum(dims), (xf * xf).sum(dims), xf.new_full((1,), float(n_local))])
        sums = _SumOverProcesses.apply(sums)
        c = x.shape[1]
        n = sums[-1].detach()
        mean, sq = sums[:c] / n, sums[c:2 * c] / n
        var = (sq - mean * mean).clamp_min(0.0)
        if self.track_running_stats:
            with torch.no_grad():
                self.num_batches_tracked += 1
                m = self.momentum if self.momentum is not None else 1.0 / float(self.num_batches_tracked)
                self.running_mean.lerp_(mean.detach().to(self.running_mean.dtype), m)
                unbiased = var.detach() * (n / (n - 1).clamp_min(1.0))
                self.running_var.lerp_(unbiased.to(self.running_var.dtype), m)
        shape = [1, c] + [1] * (x.dim() - 2)
        y = (xf - mean.view(shape)) * torch.rsqrt(var.view(shape) + self.eps)
        if self.affine:
            y = y * self.weight.view(shape) + self.bias.view(shape)
        return y.to(x.dtype)


def convert_batchnorm(module: nn.Module, group: Group) -> list[str]:
    """Replace every BatchNorm of `module` (in place) by SyncBatchNorm with the same weights and statistics;
    returns the names of the layers replaced (empty: the network has no BatchNorm, nothing to sync)."""
    replaced = []
    for name, child in list(module.named_children()):
        if isinstance(child, nn.modules.batchnorm._BatchNorm) and not isinstance(child, SyncBatchNorm):
            sync = SyncBatchNorm(child.num_features, child.eps, child.momentum, child.affine,
                                 child.track_running_stats)
            sync.load_state_dict(child.state_dict())
            sync.train(child.training)
            setattr(module, name, sync)
            replaced.append(name)
        else:
            replaced += [f"{name}.{n}" for n in convert_batchnorm(child, group)]
    return replaced
