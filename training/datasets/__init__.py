"""Datasets by name, as the CLI and the training tab name them.

    mnist        MNIST digits (idx files: the 10k split shipped here, or the full set)
    landscapes   synthetic landscapes with label maps (training.datasets.landscapes)
    faces        synthetic cartoon faces with attributes (training.datasets.faces)
    summer2winter  unpaired summer/winter landscapes for CycleGAN (training.datasets.unpaired)
    <folder>     a folder (or .zip) of images
"""
from __future__ import annotations

from pathlib import Path

from torch.utils.data import Dataset

DATASETS = ("mnist", "landscapes", "faces", "summer2winter")


def make_dataset(name: str, img_size: int = 32, channels: int | None = None, **kwargs) -> Dataset:
    if name == "mnist":
        from .mnist import MNISTDataset

        return MNISTDataset(img_size=img_size, **kwargs)
    if name == "landscapes":
        from .landscapes import LandscapeDataset

        return LandscapeDataset(size=img_size, **kwargs)
    if name == "summer2winter":          # unpaired summer (A) / winter (B) landscapes, for CycleGAN
        from .unpaired import UnpairedLandscapes

        return UnpairedLandscapes(size=img_size, **kwargs)
    if name == "faces":
        from .faces import FaceDataset

        return FaceDataset(size=img_size, **kwargs)
    if Path(name).exists():
        from .folder import ImageFolderDataset

        return ImageFolderDataset(name, img_size=img_size, channels=channels or 3)
    raise ValueError(f"unknown dataset {name!r}: use one of {', '.join(DATASETS)} or a folder/zip of images")
