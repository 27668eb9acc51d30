"""Family name -> (Config dataclass, Generator, Discriminator).

Explicit on purpose: adding a family means adding one line here. The generator is
what the studio saves and loads; the discriminator is only needed to train.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from torch import nn

from .models import cyclegan, dcgan, infogan, spade, stylegan


@dataclass(frozen=True)
class Family:
    name: str
    config: type
    generator: type[nn.Module]
    discriminator: type[nn.Module]


FAMILIES: dict[str, Family] = {
    "dcgan": Family("dcgan", dcgan.DCGANConfig, dcgan.Generator, dcgan.Discriminator),
    "infogan": Family("infogan", infogan.InfoGANConfig, infogan.Generator, infogan.Discriminator),
    "cyclegan": Family("cyclegan", cyclegan.CycleGANConfig, cyclegan.Generator, cyclegan.Discriminator),
    "spade": Family("spade", spade.SPADEConfig, spade.Generator, spade.Discriminator),
    "stylegan": Family("stylegan", stylegan.StyleGANConfig, stylegan.Generator, stylegan.Discriminator),
}


class UnknownFamilyError(ValueError):
    pass


def get_family(name: str) -> Family:
    try:
        return FAMILIES[name]
    except KeyError:
        raise UnknownFamilyError(
            f"unknown model family {name!r}; known families: {', '.join(sorted(FAMILIES))}"
        ) from None


def config_from_dict(family: Family, data: dict[str, Any]):
    """Build a family's config dataclass from a dict, refusing keys it does not know."""
    known = {f.name for f in fields(family.config)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"config.json has keys the {family.name} family does not know: {unknown}")
    return family.config(**data)
