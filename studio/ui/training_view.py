"""The training tab's rendering of a job: status text, progress bar, loss-curve tables, data preview.

training.jobs records what a run does (JobView snapshots); turning a snapshot into what a page
shows happens here, in the reader, never in the training thread.
"""
from __future__ import annotations

import math

import torch
from torch.utils.data import default_collate

from training.jobs import JobView, batch_images

from ..images import grid

PLOT_EXCLUDE = ("lr",)        # scalars reported for the log, not curves


def is_probability(name: str) -> bool:
    return name.startswith("D(") or name.endswith("acc")


def curves(view: JobView, probabilities: bool = False):
    """Long-format table (step, value, term) of the loss curves, or of D(x)/D(G(z))-like terms."""
    import pandas as pd

    rows = [(step, float(v), k) for step, losses in view.history for k, v in losses.items()
            if k not in PLOT_EXCLUDE and is_probability(k) == probabilities and math.isfinite(v)]
    # explicit dtypes: an empty table of untyped columns made the page's plot axes nominal for good
    return pd.DataFrame(rows, columns=["step", "value", "term"]).astype({"step": "int64", "value": "float64",
                                                                         "term": "str"})


def plot_value(frame):
    """What a LinePlot is sent: the table, or nothing yet while it is empty."""
    import gradio as gr

    return frame if len(frame) else gr.skip()


def _duration(s: float) -> str:
    if not math.isfinite(s):
        return "?"
    s = int(s)
    return f"{s // 3600}h {s % 3600 // 60:02d}m" if s >= 3600 else f"{s // 60}m {s % 60:02d}s" if s >= 60 else f"{s}s"


def status_text(view: JobView | None) -> str:
    if view is None:
        return "idle: no training job yet"
    pct = 100 * view.step / max(view.total, 1)
    losses = ", ".join(f"{k} {v:.3f}" for k, v in view.losses.items())
    lines = [f"Job '{view.name}' ({view.family} on {view.dataset}, {view.device}): {view.state}, "
             f"step {view.step}/{view.total} ({pct:.0f}%)"]
    if view.state in ("running", "paused"):
        lines.append(f"{view.steps_per_s:.1f} steps/s, ETA {_duration(view.eta_s)}")
    elif view.train_steps_per_s:
        lines.append(f"{view.train_steps_per_s:.1f} steps/s on average")
    if losses:
        lines.append(f"losses: {losses}")
    if view.diversity is not None and view.real_diversity:
        lines.append(f"sample diversity {view.diversity / view.real_diversity:.2f}x the real data's")
    lines.append(view.message)
    lines += [f"WARNING: {w}" for w in view.warnings]
    return "\n".join(lines)


def progress_html(view: JobView | None) -> str:
    if view is None:
        return ""
    pct = 100 * view.step / max(view.total, 1)
    color = {"failed": "#c62828", "stopped": "#8d6e63", "paused": "#f9a825", "done": "#2e7d32"}.get(view.state,
                                                                                                    "#3949ab")
    eta = f" · ETA {_duration(view.eta_s)}" if view.state == "running" else ""
    return (f'<div style="border:1px solid #999;border-radius:6px;height:22px;overflow:hidden">'
            f'<div style="width:{pct:.1f}%;height:100%;background:{color}"></div></div>'
            f'<div>{view.state} · step {view.step}/{view.total} ({pct:.0f}%) · '
            f'{view.steps_per_s:.1f} steps/s{eta}</div>')


def dataset_preview(dataset: str, img_size: int = 32, n: int = 16, **kwargs):
    """A grid of the first n items of a dataset (what the model will be trained on)."""
    from training.datasets import make_dataset

    ds = make_dataset(dataset, img_size=img_size, **kwargs)
    idx = torch.linspace(0, len(ds) - 1, min(n, len(ds))).long().tolist()
    images = batch_images(default_collate([ds[i] for i in idx]))
    return grid(images, nrow=8, cell=64), getattr(ds, "description", dataset)


def warnings_md(view: JobView) -> str:
    return "\n\n".join(f"**Warning:** {w}" for w in view.warnings)
