"""The family table: everything the studio knows about a model family, in one place.

Explicit on purpose: adding a family means adding one entry here (training keeps its own
table of trainers and evaluations in training/families.py). The generator is what the
studio saves and loads; the discriminator is only needed to train.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields
from types import UnionType
from typing import Any, Callable, Union, get_args, get_origin, get_type_hints

from torch import nn

from .models import cgan, cyclegan, dcgan, infogan, spade, stylegan

CONFIG_FORMAT = 2      # config.json's "format": 2 moved StyleGAN's training settings out of its config


@dataclass(frozen=True)
class Family:
    name: str
    config: type
    generator: type[nn.Module]
    discriminator: type[nn.Module]
    paper: str                                   # where the family comes from (model cards, tabs)
    default_model: str | None = None             # the bundled model each demo opens with
    needs: tuple[str, ...] = ("image",)          # what its training step reads from a dataset's items
    latent: bool = False                         # maps a z vector to an image (interpolation, inversion)
    importer: Callable[..., nn.Module] | None = None   # loads a foreign checkpoint file (.pth / .pt)
    upgrade: Callable[[dict, int], dict] | None = None  # config.json of an older format -> current fields


FAMILIES: dict[str, Family] = {f.name: f for f in [
    Family("dcgan", dcgan.DCGANConfig, dcgan.Generator, dcgan.Discriminator,
           paper="Radford et al. 2016, arXiv:1511.06434", default_model="dcgan-mnist", latent=True),
    Family("infogan", infogan.InfoGANConfig, infogan.Generator, infogan.Discriminator,
           paper="Chen et al. 2016, arXiv:1606.03657", default_model="infogan-mnist"),
    Family("cyclegan", cyclegan.CycleGANConfig, cyclegan.Generator, cyclegan.Discriminator,
           paper="Zhu et al. 2017, arXiv:1703.10593", default_model="cyclegan-summer2winter", needs=("A", "B"),
           importer=cyclegan.Generator.from_official_checkpoint),
    Family("spade", spade.SPADEConfig, spade.Generator, spade.Discriminator,
           paper="Park et al. 2019, arXiv:1903.07291", default_model="spade-landscapes",
           needs=("image", "label_map")),
    Family("stylegan", stylegan.StyleGANConfig, stylegan.Generator, stylegan.Discriminator,
           paper="Karras et al. 2019/2020, arXiv:1812.04948, arXiv:1912.04958", default_model="stylegan-faces",
           latent=True, upgrade=stylegan.upgrade_config),
    Family("cgan", cgan.CGANConfig, cgan.Generator, cgan.Discriminator,
           paper="Mirza & Osindero 2014, arXiv:1411.1784; Miyato & Koyama 2018, arXiv:1802.05637; "
                 "Odena et al. 2017, arXiv:1610.09585", default_model="cgan-mnist", needs=("image", "label"),
           latent=True),
]}


class UnknownFamilyError(ValueError):
    pass


def get_family(name: str) -> Family:
    try:
        return FAMILIES[name]
    except KeyError:
        raise UnknownFamilyError(
            f"unknown model family {name!r}; known families: {', '.join(sorted(FAMILIES))}"
        ) from None


def importers() -> list[Family]:
    """Families that can load a foreign checkpoint file."""
    return [f for f in FAMILIES.values() if f.importer is not None]


def config_from_dict(family: Family, data: dict[str, Any], version: int = CONFIG_FORMAT):
    """Build a family's config dataclass from a dict (of config.json format `version`), refusing keys it does not know."""
    if version < CONFIG_FORMAT and family.upgrade is not None:
        data = family.upgrade(dict(data), version)
    known = {f.name for f in fields(family.config)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"config.json has keys the {family.name} family does not know: {unknown}")
    hints = get_type_hints(family.config)
    for key, value in data.items():
        check_value(key, value, hints[key])
    return family.config(**data)


def _fits(value, kind) -> bool:
    """Does a JSON value have the type a config field declares (int, float, bool, str, lists of them, X | None)?"""
    origin, args = get_origin(kind), get_args(kind)
    if origin in (Union, UnionType):
        return any(_fits(value, a) for a in args)
    if kind is type(None):
        return value is None
    if origin is list:
        return isinstance(value, list) and all(_fits(v, args[0]) for v in value) if args else isinstance(value, list)
    if kind is bool:
        return isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    return isinstance(value, kind) if isinstance(kind, type) else True


def check_value(key: str, value, kind) -> None:
    """Refuse a config value of the wrong type, or a negative size, in words (before any network is built)."""
    if not _fits(value, kind):
        shown = json.dumps(value)[:60] if _jsonable(value) else repr(value)[:60]
        raise ValueError(f"config field {key} must be {_describe(kind)}, got {shown}")
    numbers = value if isinstance(value, list) else [value]
    if any(isinstance(v, int) and not isinstance(v, bool) and v < 0 for v in numbers):
        raise ValueError(f"config field {key} must not be negative, got {value}")


def _describe(kind) -> str:
    origin, args = get_origin(kind), get_args(kind)
    if origin in (Union, UnionType):
        return " or ".join(_describe(a) for a in args)
    if origin is list:
        return f"a list of {_describe(args[0])}" if args else "a list"
    return {int: "a whole number", float: "a number", bool: "true or false", str: "a string",
            type(None): "null"}.get(kind, getattr(kind, "__name__", str(kind)))


def _jsonable(value) -> bool:
    try:
        json.dumps(value)
        return True
    except (TypeError, ValueError):
        return False
