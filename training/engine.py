"""How a run uses the machine: device, precision, memory layout, optimizer kernels, processes.

The loop (training/loop.py) knows no model and the trainers (training/steps/) know no device:
an Engine places a trainer's networks, moves each batch, runs a step under autocast, and
performs every optimizer update (trainer.update -> Engine.update):

    zero the grads -> backward (loss scaled for fp16) -> average the grads over the processes
    -> optimizer step (fused kernel where the device has one)

Choices, as `gan-studio train --device/--precision` and the training tab name them:
    device     auto (a CUDA GPU, else Apple's MPS, else the CPU) | cpu | cuda[:i] | mps
    precision  auto (fp32: the studio's small networks run faster in it, also on a GPU) | fp32 | bf16 | fp16
Mixed precision (Micikevicius et al. 2018) runs convolutions and matmuls in 16 bits under
torch.autocast; weights, optimizer state and losses stay fp32. fp16 also scales the loss
(torch.amp.GradScaler) so small gradients do not underflow; bf16 needs no scaling.

Several processes (training/distributed.py) are plain data parallelism: every process holds
the same weights, computes gradients on its shard of the global batch, and the gradients are
averaged before each optimizer step, so every process takes the same step as one process
on the whole batch would.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import torch

from . import distributed as dist

DEVICES = ("auto", "cpu", "cuda", "mps")
PRECISIONS = ("auto", "fp32", "bf16", "fp16")
DTYPES = {"fp32": None, "bf16": torch.bfloat16, "fp16": torch.float16}


def _mps_available() -> bool:
    return bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available())


def resolve_device(name: str | torch.device = "auto", local_rank: int = 0) -> torch.device:
    """'auto' -> cuda:<local_rank> if there is a GPU, else mps, else cpu; an unavailable device is a clear error."""
    name = str(name or "auto")
    kind = name.split(":")[0]
    if kind not in DEVICES:
        raise ValueError(f"unknown device {name!r}: use one of {', '.join(DEVICES)} (or cuda:N)")
    if kind == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda", local_rank % torch.cuda.device_count())
        return torch.device("mps") if _mps_available() else torch.device("cpu")
    if kind == "cuda":
        if not torch.cuda.is_available():
            raise ValueError("--device cuda: this PyTorch sees no CUDA GPU (none installed, no driver, or a CPU-only "
                             "build of torch); use --device cpu or auto")
        index = int(name.split(":")[1]) if ":" in name else local_rank
        if index >= torch.cuda.device_count():
            raise ValueError(f"--device {name}: only {torch.cuda.device_count()} CUDA GPU(s) here")
        return torch.device("cuda", index)
    if kind == "mps" and not _mps_available():
        raise ValueError("--device mps: Apple's Metal backend is not available here (it needs a Mac with "
                         "Apple silicon and a torch built with MPS); use --device cpu or auto")
    return torch.device(kind)


def available_devices() -> list[str]:
    """The choices that can work here: auto, cpu, and cuda / mps where present."""
    return ["auto", "cpu"] + (["cuda"] if torch.cuda.is_available() else []) + (["mps"] if _mps_available() else [])


def bf16_supported(device: torch.device) -> bool:
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    if device.type == "cpu":     # oneDNN runs bf16 convolutions natively with AVX512-BF16 or AMX; else emulated (slow)
        return _cpu_has("avx512_bf16", "amx_bf16")
    return device.type == "mps"


def _cpu_has(*flags: str) -> bool:
    try:
        with open("/proc/cpuinfo") as f:
            words = set(next((line for line in f if line.startswith("flags")), "").split())
    except OSError:
        return False
    return any(fl in words for fl in flags)


def resolve_precision(name: str = "auto", device: torch.device = torch.device("cpu")) -> str:
    """'auto' -> fp32, on every device; bf16 and fp16 are opt-in.

    On a CPU, bf16 is ~1.5-2x faster where the CPU has bf16 instructions (AMX, AVX512-BF16) and
    slower elsewhere. On a GPU the studio's networks are too small for 16-bit arithmetic to pay:
    a step is bound by kernel launches, and autocast adds cast kernels. Measured with
    bench/recipe_speed.py on an NVIDIA H200 (torch 2.11): every recipe measured in both precisions ran
    faster in fp32 (dcgan 148 vs 87 steps/s, infogan 86 vs 66, stylegan 36 vs 20, cgan 92 vs 70)."""
    name = str(name or "auto")
    if name not in PRECISIONS:
        raise ValueError(f"unknown precision {name!r}: use one of {', '.join(PRECISIONS)}")
    if name == "auto":
        return "fp32"
    if name == "fp16" and device.type == "cpu":
        raise ValueError("--precision fp16 needs a GPU; on a CPU use bf16 (fast where the CPU has AMX/AVX512-BF16) "
                         "or fp32")
    if name == "bf16" and device.type == "cuda" and not bf16_supported(device):
        raise ValueError(f"--precision bf16: {torch.cuda.get_device_name(device)} has no bf16; use fp16 or fp32")
    return name


def _fused_adam_ok(device: torch.device) -> bool:
    return device.type in ("cpu", "cuda")


@dataclass
class Engine:
    """Where and how one process trains. Engine() is one CPU process in fp32 (the tests' default)."""
    device: torch.device = field(default_factory=lambda: torch.device("cpu"))
    precision: str = "fp32"
    channels_last: bool | None = None    # None: what the trainer prefers (GANTrainer.channels_last)
    fused: bool = True                   # fused Adam kernel where the device has one (same update rule)
    group: dist.Group = field(default_factory=dist.Group)   # the processes of a data-parallel run

    def __post_init__(self):
        self.device = torch.device(self.device)
        if self.precision not in DTYPES:
            raise ValueError(f"precision must be one of {', '.join(DTYPES)}, got {self.precision!r}")
        self._scalers: dict[int, torch.amp.GradScaler] = {}

    @classmethod
    def create(cls, device: str = "auto", precision: str = "auto", group: dist.Group | None = None,
               **kwargs) -> "Engine":
        """From the user's words ('auto', 'cuda', 'bf16', ...): resolved, checked, with clear errors."""
        group = group or dist.Group()
        dev = resolve_device(device, group.local_rank)
        return cls(device=dev, precision=resolve_precision(precision, dev), group=group, **kwargs)

    @property
    def is_main(self) -> bool:
        """Only the main process samples, checkpoints, exports and prints."""
        return self.group.rank == 0

    def describe(self) -> str:
        text = f"{self.device.type if self.device.type != 'cuda' else self.device} {self.precision}"
        return text + (f", {self.group.world} processes" if self.group.world > 1 else "")

    # ------------------------------------------------------------------ placing a trainer

    def place(self, trainer, local_batch: int | None = None) -> None:
        """Move the trainer's networks (and its fixed noise/pictures) to the device, in its memory format;
        set up its optimizers; with several processes, sync BatchNorm and start from rank 0's weights.

        Batches of one picture stay in the default layout: torch 2.14's CPU instance_norm backward returns
        a wrong input gradient for a channels-last gradient of batch size 1 (conv -> InstanceNorm -> conv
        then gets weight gradients off by more than 100%; tests/training/test_engine.py)."""
        if getattr(trainer, "_placed_by", None) is self:
            return
        cl = trainer.channels_last if self.channels_last is None else self.channels_last
        cl = cl and (local_batch is None or local_batch > 1)
        trainer.memory_format = torch.channels_last if cl else torch.contiguous_format
        trainer.engine = self
        if self.device.type == "cuda":
            torch.backends.cudnn.benchmark = True      # a GAN's shapes do not change: pick the fastest kernels once
        if self.group.world > 1:
            trainer.synced_batchnorm = {name: dist.convert_batchnorm(net, self.group)
                                        for name, net in trainer.nets.items()}
        for net in trainer.nets.values():
            net.to(self.device, memory_format=trainer.memory_format)
        trainer.to_device(self.device)
        self.tune_optimizers(trainer)
        if self.group.world > 1:
            dist.broadcast_modules(trainer.nets.values(), self.group)
        trainer._placed_by = self

    def tune_optimizers(self, trainer) -> None:
        """Kernel choices (not hyper-parameters): fused Adam where possible. Checkpoints keep the run's
        hyper-parameters, and load_checkpoint keeps these flags of the machine that resumes."""
        fused = self.fused and _fused_adam_ok(self.device)
        for opt in trainer.optimizers.values():
            if isinstance(opt, torch.optim.Adam) and not opt.state:
                for group in opt.param_groups:
                    group["fused"], group["foreach"] = (True, False) if fused else (None, None)

    # ------------------------------------------------------------------ per step

    def batch(self, batch, memory_format: torch.memory_format = torch.contiguous_format):
        """A batch (nested dicts of tensors) on the device; images (4-d float) in `memory_format`
        (the trainer's: trainer.memory_format, set by place)."""
        if torch.is_tensor(batch):
            batch = batch.to(self.device, non_blocking=True)
            if batch.dim() == 4 and batch.is_floating_point():
                batch = batch.contiguous(memory_format=memory_format)
            return batch
        if isinstance(batch, dict):
            return {k: self.batch(v, memory_format) for k, v in batch.items()}
        if isinstance(batch, (list, tuple)):
            return type(batch)(self.batch(v, memory_format) for v in batch)
        return batch

    def autocast(self):
        dtype = DTYPES[self.precision]
        if dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=dtype)

    def update(self, opt: torch.optim.Optimizer, loss: torch.Tensor) -> None:
        """One optimizer update from `loss`: zero grads, backward (outside autocast; scaled in fp16),
        average the grads over the processes, step."""
        opt.zero_grad(set_to_none=True)
        scaler = self._scaler(opt)
        with torch.autocast(self.device.type, enabled=False):
            (scaler.scale(loss) if scaler else loss).backward()
        if self.group.world > 1:
            dist.average_grads(opt, self.group)
        if scaler:
            scaler.step(opt)
            scaler.update()
        else:
            opt.step()

    def _scaler(self, opt) -> torch.amp.GradScaler | None:
        if self.precision != "fp16":
            return None
        if id(opt) not in self._scalers:
            self._scalers[id(opt)] = torch.amp.GradScaler(self.device.type)
        return self._scalers[id(opt)]

    def after_step(self, trainer) -> None:
        """With several processes: average the float buffers (BatchNorm statistics, StyleGAN's w_avg)."""
        if self.group.world > 1:
            dist.average_buffers(trainer.nets.values(), self.group)

    def mean_over_processes(self, values: torch.Tensor) -> torch.Tensor:
        return dist.mean(values, self.group) if self.group.world > 1 else values

    def check_same_everywhere(self, value: int, what: str) -> None:
        """Refuse to go on when the processes disagree on `value` (e.g. one of them found no checkpoint)."""
        if self.group.world > 1:
            values = dist.gather_ints(value, self.group, self.device)
            if len(set(values)) > 1:
                raise RuntimeError(f"the processes disagree on {what}: {values} (by rank)")
