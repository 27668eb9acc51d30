"""Datasets by name, as the CLI and the training tab name them.

    mnist        MNIST digits (idx files: the 10k split shipped here, or the full set)
    mnist-train  the same without the 2,000 digits the evaluations hold out (the digit classifier's held-out split)
    landscapes   synthetic landscapes with label maps (training.datasets.landscapes)
    faces        synthetic cartoon faces with attributes (training.datasets.faces)
    summer2winter  unpaired summer/winter landscapes for CycleGAN (training.datasets.unpaired)
    <folder>     a folder (or .zip) of images
"""
from __future__ import annotations

from pathlib import Path

from torch.utils.data import Dataset

DATASETS = ("mnist", "mnist-train", "landscapes", "faces", "summer2winter")

# What each dataset's items carry (a family's step declares what it reads: studio.registry, `needs`).
PROVIDES = {"mnist": ("image", "label"), "mnist-train": ("image", "label"), "landscapes": ("image", "label_map"), "faces": ("image", "attrs"),
            "summer2winter": ("A", "B")}
FOLDER_PROVIDES = ("image",)          # a folder or zip of your images
KIND_WORDS = {"image": "images", "label": "class labels", "label_map": "label maps", "attrs": "attributes",
              "A": "unpaired domain-A images", "B": "domain-B images"}


def provides(name: str) -> tuple[str, ...]:
    return PROVIDES.get(name, FOLDER_PROVIDES)


def check_fits(family: str, needs: tuple[str, ...], dataset: str) -> None:
    """Refuse a family + dataset whose items lack what the family's step reads, naming what fits."""
    if set(needs) <= set(provides(dataset)):
        return
    fits = [n for n in DATASETS if set(needs) <= set(PROVIDES[n])]
    if set(needs) <= set(FOLDER_PROVIDES):
        fits.append("a folder or zip of your images")
    words = lambda kinds: " and ".join(KIND_WORDS.get(k, k) for k in kinds)  # noqa: E731
    shown = dataset if dataset in PROVIDES else "a folder or zip of images"
    raise ValueError(f"the {family} family trains on {words(needs)}, but {shown} has {words(provides(dataset))}. "
                     f"Datasets that fit {family}: {', '.join(fits) or 'none here'}.")


def make_dataset(name: str, img_size: int = 32, channels: int | None = None, **kwargs) -> Dataset:
    if name == "mnist":
        from .mnist import MNISTDataset

        return MNISTDataset(img_size=img_size, **kwargs)
    if name == "mnist-train":
        from .mnist import MNISTDataset

        return MNISTDataset(img_size=img_size, exclude_heldout=True, **kwargs)
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
