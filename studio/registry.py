"""The family table: everything the studio knows about a model family, in one place.

Explicit on purpose: adding a family means adding one entry here (training keeps its own
table of trainers and evaluations in training/families.py). The generator is what the
studio saves and loads; the discriminator is only needed to train.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Callable

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
    return family.config(**data)
