"""Training checkpoints: every network and optimizer of a trainer, no pickles.

    <out>/checkpoint/state.safetensors   nets.<name>.<param>, opt.<name>.<idx>.<key>, rng (CPU, and CUDA's)
    <out>/checkpoint/state.json          step, optimizer hyper-parameters, trainer settings

Written to a temporary folder and swapped in (studio.files.atomic_folder), so a crash mid-write
never leaves a half checkpoint: the previous one stays until the new one is complete. A crash
between the swap's two renames leaves only <out>/checkpoint.old: every reader here (read_meta,
load_checkpoint, hence fit's resume) falls back to it, and the next save replaces it.

Learning rates are the one thing a resume may change: the optimizers keep the lr (and CycleGAN's
schedule base, initial_lr) they were built with from the current command, and load_checkpoint
reports the change ("lr_changes") so the caller can say so. Networks of another shape (e.g.
another --set g_width) are refused with CheckpointMismatch, naming the tensors that differ.
"""
from __future__ import annotations

import json
import math
import os
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from studio.files import atomic_folder, old_copy

KERNEL_FLAGS = ("fused", "foreach", "capturable")   # how an optimizer runs, not what it computes
STATE = "state.safetensors"
META = "state.json"


def _flatten(trainer) -> tuple[dict[str, torch.Tensor], dict]:
    tensors: dict[str, torch.Tensor] = {}
    meta: dict = {"optimizers": {}}
    for name, net in trainer.nets.items():
        for k, v in net.state_dict().items():
            tensors[f"nets.{name}.{k}"] = v.detach().cpu().contiguous()
    for name, opt in trainer.optimizers.items():
        sd = opt.state_dict()
        meta["optimizers"][name] = {"param_groups": sd["param_groups"], "scalars": {}}
        for idx, st in sd["state"].items():
            for key, val in st.items():
                if torch.is_tensor(val):
                    tensors[f"opt.{name}.{idx}.{key}"] = val.detach().cpu().contiguous()
                else:
                    meta["optimizers"][name]["scalars"][f"{idx}.{key}"] = val
    tensors["rng.torch"] = torch.get_rng_state()
    if torch.cuda.is_available() and torch.cuda.is_initialized():   # the noise of a run on a GPU
        tensors["rng.cuda"] = torch.cuda.get_rng_state()
    return tensors, meta


def save_checkpoint(trainer, folder: str | os.PathLike, step: int, extra: dict | None = None) -> Path:
    tensors, meta = _flatten(trainer)
    meta.update(step=step, **(extra or {}))
    with atomic_folder(folder) as tmp:
        save_file(tensors, str(tmp / STATE))
        (tmp / META).write_text(json.dumps(meta, indent=1))
    return Path(folder)


class CheckpointMismatch(ValueError):
    """The checkpoint's networks have another shape than the trainer's (other model settings)."""


def latest(folder: str | os.PathLike) -> Path | None:
    """The complete checkpoint: `folder`, else its old copy (a crash between the swap's renames), else None."""
    for candidate in (Path(folder), old_copy(Path(folder))):
        if (candidate / META).is_file() and (candidate / STATE).is_file():
            return candidate
    return None


def read_meta(folder: str | os.PathLike) -> dict | None:
    found = latest(folder)
    return json.loads((found / META).read_text()) if found is not None else None


def _check_shapes(trainer, tensors: dict[str, torch.Tensor], folder: Path) -> None:
    wrong = []
    for name, net in trainer.nets.items():
        for k, v in net.state_dict().items():
            saved = tensors.get(f"nets.{name}.{k}")
            if saved is None or saved.shape != v.shape:
                wrong.append(f"{name}.{k}: checkpoint {tuple(saved.shape) if saved is not None else 'none'}, "
                             f"now {tuple(v.shape)}")
    if wrong:
        raise CheckpointMismatch(f"the checkpoint in {folder} holds networks of another shape ({len(wrong)} tensors "
                                 f"differ, e.g. {'; '.join(wrong[:2])}): it was saved with other model settings")


def _match_layouts(opt: torch.optim.Optimizer) -> None:
    """Give each state tensor (Adam's moments) its parameter's memory layout: checkpoints hold
    contiguous tensors, and the fused Adam kernel pairs elements by memory position, so a
    channels-last weight with a contiguous moment would be updated with the wrong moments."""
    for p, st in opt.state.items():
        for key, v in st.items():
            if torch.is_tensor(v) and v.shape == p.shape and v.stride() != p.stride():
                st[key] = torch.empty_like(p, dtype=v.dtype).copy_(v)


def load_checkpoint(trainer, folder: str | os.PathLike) -> dict:
    """Restore nets, optimizers and RNG in place; returns the metadata (with "step", and "lr_changes":
    {optimizer: (checkpoint lr, lr now)} for each optimizer whose lr this run changes)."""
    found = latest(folder)
    if found is None:
        raise FileNotFoundError(f"no complete checkpoint in {folder}")
    folder = found
    meta = json.loads((folder / META).read_text())
    tensors = load_file(str(folder / STATE))
    _check_shapes(trainer, tensors, folder)
    for name, net in trainer.nets.items():
        prefix = f"nets.{name}."
        state = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
        net.load_state_dict(state, strict=True)
    meta["lr_changes"] = {}
    for name, opt in trainer.optimizers.items():
        om = meta["optimizers"][name]
        state: dict = {}
        prefix = f"opt.{name}."
        for k, v in tensors.items():
            if k.startswith(prefix):
                idx, key = k[len(prefix):].split(".", 1)
                state.setdefault(int(idx), {})[key] = v
        for k, v in om["scalars"].items():
            idx, key = k.split(".", 1)
            state.setdefault(int(idx), {})[key] = v
        groups = [{k: tuple(v) if isinstance(v, list) and k != "params" else v for k, v in g.items()}
                  for g in om["param_groups"]]  # JSON turned tuples (betas) into lists
        now = [{k: g[k] for k in ("lr", "initial_lr") if k in g} for g in opt.param_groups]
        for saved, live in zip(groups, opt.param_groups):   # kernel choices are this machine's (Engine)
            saved.update({k: live[k] for k in KERNEL_FLAGS if k in live})
        opt.load_state_dict({"state": state, "param_groups": groups})
        _match_layouts(opt)
        for group, mine, saved in zip(opt.param_groups, now, groups):
            base = "initial_lr" if "initial_lr" in mine else "lr"     # CycleGAN decays lr from initial_lr
            if not math.isclose(saved.get(base, mine[base]), mine[base], rel_tol=1e-9):
                meta["lr_changes"].setdefault(name, (saved.get(base), mine[base]))
            group.update(mine)                                      # this run's learning rates apply
    torch.set_rng_state(tensors["rng.torch"])
    if "rng.cuda" in tensors and torch.cuda.is_available():
        torch.cuda.set_rng_state(tensors["rng.cuda"])
    return meta
