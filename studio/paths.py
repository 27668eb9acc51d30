"""Where the studio finds its files.

Bundled models (pretrained/) and example inputs (assets/) sit at the top of the repository.
An installed wheel carries them inside the package (studio/pretrained, studio/assets: see
pyproject.toml); a checkout or an editable install reads them from the repository.
$GAN_STUDIO_PRETRAINED points at another folder of bundled models; the user's own models,
runs and uploads live under $GAN_STUDIO_HOME (default ~/.cache/gan-studio).
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE.parent


def _data(name: str) -> Path:
    packaged = PACKAGE / name                 # inside an installed wheel
    return packaged if packaged.is_dir() else REPO_ROOT / name


def pretrained_dir() -> Path:
    """Bundled models: $GAN_STUDIO_PRETRAINED, else the wheel's or the repository's pretrained/."""
    env = os.environ.get("GAN_STUDIO_PRETRAINED")
    return Path(env) if env else _data("pretrained")


def eval_dir() -> Path:
    """The small evaluation networks (classifiers, segmenter) that `gan-studio eval` uses."""
    return _data("pretrained") / "_eval"


def assets_dir() -> Path:
    """Example inputs for the tabs (label maps, pictures)."""
    return _data("assets")


def studio_home() -> Path:
    """The user's folder: $GAN_STUDIO_HOME (default ~/.cache/gan-studio)."""
    return Path(os.environ.get("GAN_STUDIO_HOME", Path.home() / ".cache" / "gan-studio"))


def user_models_dir() -> Path:
    """Models trained from the UI or CLI."""
    return studio_home() / "models"
