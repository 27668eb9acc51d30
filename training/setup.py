"""Turn user-level choices (family, dataset, loss, learning rates) into a trainer and a dataset.

Shared by the CLI and the training tab so both build exactly the same run.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields

import torch

from studio.registry import get_family

from .datasets import check_fits, make_dataset
from .families import get_trainer_class

CHANNELS = {"mnist": 1, "mnist-train": 1}


@dataclass
class RunSpec:
    family: str = "dcgan"
    dataset: str | None = None          # None: the family's default
    steps: int | None = None
    batch_size: int | None = None
    lr_g: float | None = None
    lr_d: float | None = None
    loss: str | None = None
    spectral_norm: bool | None = None
    img_size: int | None = None
    seed: int = 0
    sample_every: int | None = None
    checkpoint_every: int = 500
    model: dict = field(default_factory=dict)   # overrides of the family's config fields
    trainer: dict = field(default_factory=dict)  # the trainer's own options (e.g. StyleGAN's r1_gamma)
    device: str = "auto"                # where to train (training.engine): auto | cpu | cuda[:i] | mps
    precision: str = "auto"             # auto | fp32 | bf16 | fp16 (auto: fp32)

    def resolved(self) -> "RunSpec":
        """Fill every None with the family's default."""
        d = get_trainer_class(self.family).DEFAULTS
        out = RunSpec(**{f.name: getattr(self, f.name) for f in fields(self)})
        for key in ("dataset", "steps", "batch_size", "lr_g", "lr_d", "loss", "img_size", "sample_every"):
            if getattr(out, key) is None:
                setattr(out, key, d.get(key))
        if out.spectral_norm is None:
            out.spectral_norm = d.get("spectral_norm", False)
        return out


def split_settings(family: str, settings: dict) -> tuple[dict, dict]:
    """`--set key=value` settings -> (model config overrides, trainer options); unknown keys are refused."""
    cfg_fields = {f.name for f in fields(get_family(family).config)}
    options = getattr(get_trainer_class(family), "OPTIONS", None)
    opt_fields = {f.name for f in fields(options)} if options else set()
    unknown = sorted(set(settings) - cfg_fields - opt_fields)
    if unknown:
        raise ValueError(f"{family} has no setting {', '.join(unknown)}: its config fields are "
                         f"{', '.join(sorted(cfg_fields))}" + (f"; its trainer's options {', '.join(sorted(opt_fields))}"
                                                               if opt_fields else ""))
    return ({k: v for k, v in settings.items() if k in cfg_fields},
            {k: v for k, v in settings.items() if k not in cfg_fields})


def make_engine(spec: RunSpec, group=None):
    """The Engine of a spec's device and precision (with several processes: this one's GPU), checked."""
    from .engine import Engine

    return Engine.create(spec.device, spec.precision, group=group)


def build_run(spec: RunSpec, **dataset_kwargs):
    """-> (trainer, dataset) for a resolved spec; a dataset that does not fit the family is refused first."""
    spec = spec.resolved()
    family = get_family(spec.family)
    check_fits(spec.family, family.needs, str(spec.dataset))
    dataset = make_dataset(spec.dataset, img_size=spec.img_size, **dataset_kwargs)
    cfg_fields = {f.name for f in fields(family.config)}
    overrides = dict(spec.model)
    for key, value in (("img_size", spec.img_size), ("channels", CHANNELS.get(spec.dataset, 3)),
                       ("spectral_norm", spec.spectral_norm)):
        if key in cfg_fields:
            overrides.setdefault(key, value)
    if hasattr(dataset, "config_fields"):          # e.g. class names and palette of a labelled dataset
        overrides.update({k: v for k, v in dataset.config_fields().items() if k in cfg_fields})
    cfg = family.config(**overrides)
    torch.manual_seed(spec.seed)                    # the same --seed gives the same initial weights
    trainer = get_trainer_class(spec.family)(cfg, loss=spec.loss, lr_g=spec.lr_g, lr_d=spec.lr_d, **spec.trainer)
    if hasattr(trainer, "set_total_steps"):      # e.g. CycleGAN's linear learning-rate decay
        trainer.set_total_steps(spec.steps)
    return trainer, dataset
