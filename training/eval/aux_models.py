"""Saving and loading the small evaluation networks (classifiers, segmenters) under pretrained/_eval/.

Each is a folder with model.safetensors and metrics.json (its own held-out accuracy and the
command that trained it).
"""
from __future__ import annotations

import json
from pathlib import Path

from safetensors.torch import save_file
from torch import nn

from studio.models.evalnets import load_weights
from studio.paths import REPO_ROOT as REPO
from studio.paths import eval_dir  # noqa: F401 (re-exported)
WEIGHTS, METRICS = "model.safetensors", "metrics.json"


def rel(path: Path) -> str:
    """A path as the repo-relative string used in recorded commands."""
    path = Path(path).resolve()
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def save_aux(model: nn.Module, out: str | Path, metrics: dict) -> None:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(out / WEIGHTS))
    (out / METRICS).write_text(json.dumps(metrics, indent=2) + "\n")


def load_aux(model: nn.Module, folder: str | Path, what: str, module: str) -> tuple[nn.Module, dict]:
    """Strictly load weights into `model`; -> (model in eval mode, its metrics.json)."""
    folder = Path(folder)
    if not (folder / WEIGHTS).is_file():
        raise FileNotFoundError(f"no {what} in {folder}: train it with `python -m {module} --out {folder}`")
    load_weights(model, folder)
    metrics = json.loads((folder / METRICS).read_text()) if (folder / METRICS).is_file() else {}
    return model, metrics
