"""The family table: defaults, importers and config formats come from one place."""
from __future__ import annotations

import json

import pytest
import torch

import studio
from studio import hub, inference, registry
from studio.models.stylegan import TRAINING_FIELDS, Generator, StyleGANConfig

from tests.helpers import STYLEGAN_TINY as TINY


def test_every_family_states_its_facts():
    for name, fam in registry.FAMILIES.items():
        assert fam.name == name and "arXiv:" in fam.paper and fam.needs
        assert (hub.pretrained_dir() / fam.default_model / "config.json").is_file()
    assert inference.DEFAULT_MODELS == {n: f.default_model for n, f in registry.FAMILIES.items()}
    assert [f.name for f in registry.importers()] == ["cyclegan"]
    assert {"dcgan-mnist", "stylegan-faces"} <= set(inference.latent_models()) <= set(
        n for f, ns in studio.list_models().items() if registry.FAMILIES[f].latent for n in ns)


def test_saved_config_carries_its_format(tmp_path):
    folder = studio.save(Generator(StyleGANConfig(**TINY)), tmp_path / "m")
    config = json.loads((folder / "config.json").read_text())
    assert config["family"] == "stylegan" and config["format"] == registry.CONFIG_FORMAT
    assert not set(TRAINING_FIELDS) & set(config)         # a model config holds the network's shape only


def test_a_format_1_folder_still_loads(tmp_path):
    """Before format 2 a StyleGAN config.json also held the trainer's settings; such folders load as before."""
    G = Generator(StyleGANConfig(**TINY))
    folder = studio.save(G, tmp_path / "old")
    config = json.loads((folder / "config.json").read_text())
    del config["format"]
    config.update(mixing_prob=0.9, r1_gamma=0.05, r1_every=16, ema_kimg=5.0)
    (folder / "config.json").write_text(json.dumps(config))
    loaded = studio.load(folder)
    z = torch.randn(2, TINY["z_dim"])
    torch.testing.assert_close(loaded(z), G.eval()(z))
    config["format"] = 2                                   # ...but a format-2 file may not carry them
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(hub.ModelLoadError, match="does not know.*mixing_prob"):
        studio.load(folder)
    config["format"] = 99
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(hub.ModelLoadError, match="newer GAN Studio"):
        studio.load(folder)
