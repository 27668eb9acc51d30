"""Training checkpoints: every network and optimizer of a trainer, no pickles.

    <out>/checkpoint/state.safetensors   nets.<name>.<param>, opt.<name>.<idx>.<key>, rng (CPU, and CUDA's)
    <out>/checkpoint/state.json          step, optimizer hyper-parameters, trainer settings

Written to a temporary folder and swapped in (studio.files.atomic_folder), so a crash mid-write
never leaves a half checkpoint: the previous one stays until the new one is complete.
"""
from __future__ import annotations

import json
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


def read_meta(folder: str | os.PathLike) -> dict | None:
    path = Path(folder) / META
    return json.loads(path.read_text()) if path.is_file() else None


def _match_layouts(opt: torch.optim.Optimizer) -> None:
    """Give each state tensor (Adam's moments) its parameter's memory layout: checkpoints hold
    contiguous tensors, and the fused Adam kernel pairs elements by memory position, so a
    channels-last weight with a contiguous moment would be updated with the wrong moments."""
    for p, st in opt.state.items():
        for key, v in st.items():
            if torch.is_tensor(v) and v.shape == p.shape and v.stride() != p.stride():
                st[key] = torch.empty_like(p, dtype=v.dtype).copy_(v)


def load_checkpoint(trainer, folder: str | os.PathLike) -> dict:
    """Restore nets, optimizers and RNG in place; returns the metadata (with "step")."""
    folder = Path(folder)
    if not (folder / STATE).is_file() and old_copy(folder).is_dir():
        folder = old_copy(folder)  # a crash between the two renames
    meta = json.loads((folder / META).read_text())
    tensors = load_file(str(folder / STATE))
    for name, net in trainer.nets.items():
        prefix = f"nets.{name}."
        state = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
        net.load_state_dict(state, strict=True)
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
        for saved, live in zip(groups, opt.param_groups):   # kernel choices are this machine's (Engine)
            saved.update({k: live[k] for k in KERNEL_FLAGS if k in live})
        opt.load_state_dict({"state": state, "param_groups": groups})
        _match_layouts(opt)
    torch.set_rng_state(tensors["rng.torch"])
    if "rng.cuda" in tensors and torch.cuda.is_available():
        torch.cuda.set_rng_state(tensors["rng.cuda"])
    return meta
