"""A run is built the same way by the CLI and the training tab; what does not fit is refused first."""
from __future__ import annotations

import itertools

import pytest

from studio.registry import FAMILIES
from training.datasets import DATASETS, PROVIDES
from training.setup import RunSpec, build_run, split_settings

FITS = {("dcgan", d) for d in ("mnist", "landscapes", "faces", "folder")} | \
       {("infogan", d) for d in ("mnist", "landscapes", "faces", "folder")} | \
       {("stylegan", d) for d in ("mnist", "landscapes", "faces", "folder")} | \
       {("spade", "landscapes"), ("cyclegan", "summer2winter")} | \
       {(f, "mnist-train") for f in ("dcgan", "infogan", "stylegan")} | {("cgan", "mnist"), ("cgan", "mnist-train")}


@pytest.mark.parametrize("family,dataset", list(itertools.product(sorted(FAMILIES), [*DATASETS, "folder"])))
def test_every_family_and_dataset_either_fits_or_is_refused_with_what_fits(family, dataset, tmp_path):
    name = str(tmp_path) if dataset == "folder" else dataset
    fits = set(FAMILIES[family].needs) <= set(PROVIDES.get(dataset, ("image",)))
    assert fits == ((family, dataset) in FITS)
    if fits:
        return                       # building one is the families' own tests' business (and slow for some)
    with pytest.raises(ValueError) as e:
        build_run(RunSpec(family=family, dataset=name, steps=1))
    msg = str(e.value)
    assert f"the {family} family trains on" in msg
    assert all(d in msg for f, d in FITS if f == family and d != "folder")


def test_set_routes_config_fields_and_trainer_options():
    model, trainer = split_settings("stylegan", {"w_dim": 16, "r1_gamma": 0.1, "mixing_prob": 0.5})
    assert model == {"w_dim": 16} and trainer == {"r1_gamma": 0.1, "mixing_prob": 0.5}
    with pytest.raises(ValueError, match="no setting nope.*trainer's options"):
        split_settings("stylegan", {"nope": 1})
    with pytest.raises(ValueError, match="no setting r1_gamma"):
        split_settings("dcgan", {"r1_gamma": 0.1})              # dcgan's trainer has no such option


def test_trainer_options_reach_the_trainer():
    trainer, _ = build_run(RunSpec(family="stylegan", dataset="faces", img_size=16, steps=1,
                                   model={"z_dim": 8, "w_dim": 16, "mapping_layers": 2, "channel_base": 64,
                                          "channel_max": 16, "d_channel_base": 64, "d_channel_max": 16},
                                   trainer={"r1_gamma": 0.0, "mixing_prob": 0.25}))
    assert trainer.train_cfg.r1_gamma == 0.0 and trainer.train_cfg.mixing_prob == 0.25
