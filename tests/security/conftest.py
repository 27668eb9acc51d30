"""A studio in its own process for the hostile requests (tests/security/server.py), and the files they send.

Its GAN_STUDIO_HOME holds, besides what the studio makes: a model "someone-trained" (another user's
trained model, a copy of the bundled dcgan-mnist), a model "cfg-wide" whose 100-byte config asks for
a huge generator, and a documented dataset folder (datasets/shapes) of 20 small images.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from studio.paths import pretrained_dir

from . import hostile
from .server import StudioProcess


def images_folder(folder: Path, n: int = 20, side: int = 24, seed: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for i in range(n):
        Image.fromarray(rng.integers(0, 255, (side, side, 3), dtype=np.uint8)).save(folder / f"{i:03d}.png")
    return folder


@pytest.fixture(scope="session")
def files(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hostile_files")


@pytest.fixture(scope="session")
def home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("security_home")
    models = home / "models"
    models.mkdir()
    shutil.copytree(pretrained_dir() / "dcgan-mnist", models / "someone-trained")
    wide = hostile.wide_config_model(models, family="dcgan", g_width=1024)
    wide.rename(models / "cfg-wide")
    images_folder(home / "datasets" / "shapes")
    return home


@pytest.fixture(scope="session")
def studio(home):
    server = StudioProcess(home).start()
    yield server
    server.stop()


@pytest.fixture
def live(studio):
    """The studio, restarted if an earlier test's request killed it (a memory regression)."""
    return studio.ensure()
