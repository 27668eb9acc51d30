"""Save a trained run as a studio model: shared by `gan-studio train` and the training tab.

A run exports to a model folder (config.json, model.safetensors, README.md model card,
samples.png); saved under studio.hub.user_models_dir() it shows up in every demo's model
picker and in `/models`.
"""
from __future__ import annotations

import json
import shlex
from pathlib import Path

import torch

from studio import hub
from studio.images import grid
from studio.registry import get_family

from .card import model_card
from .setup import RunSpec


def cli_command(spec: RunSpec, out: str | Path, export: str | Path | None = None, name: str | None = None) -> str:
    """The `gan-studio train …` command that reproduces a (resolved) spec."""
    args = ["--family", spec.family, "--dataset", str(spec.dataset), "--steps", str(spec.steps),
            "--batch-size", str(spec.batch_size), "--lr-g", f"{spec.lr_g:g}", "--lr-d", f"{spec.lr_d:g}",
            "--loss", str(spec.loss), "--spectral-norm" if spec.spectral_norm else "--no-spectral-norm",
            "--img-size", str(spec.img_size), "--seed", str(spec.seed), "--sample-every", str(spec.sample_every),
            "--checkpoint-every", str(spec.checkpoint_every)]
    for key, value in {**spec.model, **spec.trainer}.items():
        args += ["--set", f"{key}={value if isinstance(value, str) else json.dumps(value)}"]
    for flag, value in (("--device", spec.device), ("--precision", spec.precision)):
        if value != "auto":
            args += [flag, value]
    args += ["--out", str(out)]
    if export:
        args += ["--export", str(export)]
    if name:
        args += ["--name", name]
    return "gan-studio train " + " ".join(shlex.quote(a) for a in args)


def export_run(trainer, folder: str | Path, *, name: str, spec: RunSpec, dataset: str, command: str, steps: int,
               wall_s: float, final_losses: dict[str, float], samples: torch.Tensor | None = None,
               notes: str = "") -> Path:
    """Write trainer.export() with its model card and a samples.png grid to `folder`; returns the folder."""
    card = model_card(name=name, family=spec.family, paper=get_family(spec.family).paper, dataset=dataset,
                      command=command, steps=steps, wall_s=wall_s, final_losses=final_losses, notes=notes)
    folder = hub.save(trainer.export(), folder, card=card)
    if samples is None:
        samples = trainer.samples()
    grid(samples, nrow=8, cell=64).save(folder / "samples.png")
    return folder
