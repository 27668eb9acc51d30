"""What several test files share: tiny model configs and saved tiny models, small datasets, picture bytes,
the repository's path. Test files import these (`from tests.helpers import ...`); fixtures that every test
may use (the hermetic home, the live studio, its client) are in tests/conftest.py."""
from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from studio import hub

REPO = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------------------------------ pictures

def png_bytes(i: int, size=(40, 30), mode="RGB") -> bytes:
    rng = np.random.default_rng(i)
    shape = (size[1], size[0]) if mode == "L" else (size[1], size[0], len(mode))
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8), mode).save(buf, "PNG")
    return buf.getvalue()


def png_claiming(path: Path, w: int, h: int) -> Path:
    """A PNG whose header says w x h, without the pixels (a decompression bomb's shape, written instantly)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0)          # 1-bit greyscale
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
                     + chunk(b"IEND", b""))
    return path


def randomise(module: torch.nn.Module, seed: int = 0) -> torch.nn.Module:
    """Non-trivial weights AND biases, so a wrongly mapped tensor would change the output."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.2)
    return module


# ------------------------------------------------------------------------------------------ DCGAN

class Noise(torch.utils.data.Dataset):
    def __len__(self):
        return 40

    def __getitem__(self, i):
        g = torch.Generator().manual_seed(i)
        return {"image": torch.rand(1, 16, 16, generator=g) * 2 - 1}


def dcgan_trainer(loss="nonsaturating"):
    from studio.models.dcgan import DCGANConfig
    from training.steps.dcgan import DCGANTrainer

    return DCGANTrainer(DCGANConfig(z_dim=8, img_size=16, g_width=4, d_width=4), loss=loss, n_samples=4)


# ------------------------------------------------------------------------------------------ InfoGAN

INFOGAN_TINY = dict(z_dim=8, img_size=16, g_width=8, d_width=8, q_hidden=32)


class Blobs(torch.utils.data.Dataset):
    """Tiny synthetic 'real' images: a bright square somewhere on a dark 16x16 canvas."""

    def __len__(self):
        return 64

    def __getitem__(self, i):
        g = torch.Generator().manual_seed(i)
        x = torch.full((1, 16, 16), -1.0)
        r, c = torch.randint(0, 10, (2,), generator=g).tolist()
        x[:, r:r + 6, c:c + 6] = 1.0
        return {"image": x}


def save_tiny_infogan() -> str:
    """A tiny InfoGAN saved as a user model (the studio in the tests sees it through GAN_STUDIO_HOME)."""
    from studio.models.infogan import InfoGANConfig
    from training.steps.infogan import InfoGANTrainer

    torch.manual_seed(0)
    tr = InfoGANTrainer(InfoGANConfig(**INFOGAN_TINY, n_cont=3))
    data = torch.utils.data.DataLoader(Blobs(), batch_size=16)
    for batch in data:
        tr.step(batch)
    hub.save(tr.export(), hub.user_models_dir() / "tiny-infogan")
    return "tiny-infogan"


# ------------------------------------------------------------------------------------------ SPADE (GauGAN)

SPADE_PALETTE = ["#ff0000", "#00ff00", "#0000ff"]
SPADE_COLORS = np.array([[255, 0, 0], [0, 255, 0], [0, 0, 255]], np.uint8)
SPADE_EXAMPLES = sorted((REPO / "assets" / "gaugan").glob("*.png"))
SPADE_BUNDLED = REPO / "pretrained" / "spade-landscapes"

needs_bundled_spade = pytest.mark.skipif(not (SPADE_BUNDLED / "model.safetensors").is_file(),
                                         reason="pretrained/spade-landscapes not trained yet (training/recipes/spade-landscapes.sh)")


def spade_cfg(**kw):
    from studio.models.spade import SPADEConfig

    base = dict(img_size=16, z_dim=8, classes=["a", "b", "c"], palette=list(SPADE_PALETTE), g_width=4, g_max=16,
                spade_hidden=4, d_width=4, enc_width=4)
    return SPADEConfig(**{**base, **kw})


# ------------------------------------------------------------------------------------------ StyleGAN

STYLEGAN_TINY = dict(z_dim=8, w_dim=16, mapping_layers=2, img_size=16, channel_base=64, channel_max=16,
                     d_channel_base=64, d_channel_max=16)


def save_tiny_stylegan() -> str:
    """A random tiny StyleGAN saved as a user model, with a non-zero w_avg and noise strengths."""
    from studio.models.stylegan import Generator, StyleGANConfig

    name = "tiny-stylegan-test"
    torch.manual_seed(0)
    G = Generator(StyleGANConfig(**STYLEGAN_TINY))
    with torch.no_grad():
        G.w_avg.normal_()
        for pname, p in G.named_parameters():
            if pname.endswith("noise_strength"):
                p.fill_(0.3)
    hub.save(G, hub.user_models_dir() / name)
    return name


# ------------------------------------------------------------------------------------------ CycleGAN

CYCLEGAN_EXAMPLES = sorted((REPO / "assets" / "cyclegan").glob("*.png"))


def cyclegan_cfg(**kw):
    from studio.models.cyclegan import CycleGANConfig

    return CycleGANConfig(**{"img_size": 32, "ngf": 4, "n_blocks": 2, "ndf": 8, **kw})


def save_tiny_cyclegan() -> str:
    """A tiny two-direction model in the hermetic user folder (the app test must not need the bundled one)."""
    from studio.models.cyclegan import Generator

    G = randomise(Generator(cyclegan_cfg(domain_a="summer", domain_b="winter")))
    hub.save(G, hub.user_models_dir() / "tiny-cyclegan-test")
    return "tiny-cyclegan-test"


# ------------------------------------------------------------------------------------------ synthetic faces

def valid_face_attrs(attrs: dict) -> None:
    from training.datasets import faces as F

    assert set(attrs) == set(F.ATTRIBUTE_NAMES)
    for a in F.ATTRIBUTES:
        v = attrs[a["name"]]
        if a["kind"] == "categorical":
            assert v in a["values"], (a["name"], v)
        elif a["kind"] == "bool":
            assert isinstance(v, bool), (a["name"], v)
        else:
            lo, hi = a["range"]
            assert lo <= v <= hi, (a["name"], v)


# ------------------------------------------------------------------------------------------ conditional GAN

CGAN_TINY = dict(n_classes=3, z_dim=8, embed_dim=4, img_size=16, g_width=8, d_width=8)
CGAN_REGIONS = ((slice(0, 8), slice(0, 8)), (slice(0, 8), slice(8, 16)), (slice(8, 16), slice(0, 16)))


class LabelledBlobs(torch.utils.data.Dataset):
    """Tiny labelled 'real' images: class k puts a bright square somewhere in its region of a 16x16 canvas
    (0: top left, 1: top right, 2: bottom half), so a picture's class can be read from where its ink is."""

    def __len__(self):
        return 96

    def __getitem__(self, i):
        g = torch.Generator().manual_seed(i)
        k = i % 3
        rows, cols = CGAN_REGIONS[k]
        x = torch.full((1, 16, 16), -1.0)
        r = rows.start + int(torch.randint(0, rows.stop - rows.start - 4, (), generator=g))
        c = cols.start + int(torch.randint(0, cols.stop - cols.start - 4, (), generator=g))
        x[:, r:r + 5, c:c + 5] = 1.0
        return {"image": x, "label": torch.tensor(k)}


def region_of(images: torch.Tensor) -> torch.Tensor:
    """(N, 1, 16, 16) -> (N,) the LabelledBlobs region holding the most ink, per pixel of the region."""
    ink = (images[:, 0] + 1) / 2
    return torch.stack([ink[:, r, c].mean((1, 2)) for r, c in CGAN_REGIONS], 1).argmax(1)


def save_tiny_cgan(name: str = "tiny-cgan") -> str:
    """A tiny conditional GAN saved as a user model (random weights: for wiring, not for looks)."""
    from studio.models.cgan import CGANConfig, Generator

    torch.manual_seed(0)
    hub.save(Generator(CGANConfig(**CGAN_TINY)).eval(), hub.user_models_dir() / name)
    return name
