"""Small files that ask for a lot: what a hostile or careless user can send the studio.

Each maker writes its file into `folder` (once) and returns the path; all are a few MB at most.
"""
from __future__ import annotations

import json
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np
from PIL import Image


def huge_png(folder: Path, side: int = 12000) -> Path:
    """A side x side one-colour PNG: a few hundred KB on disk, side**2 pixels once decoded."""
    path = Path(folder) / f"huge_{side}.png"
    if not path.exists():
        Image.new("1", (side, side), 1).save(path, optimize=True)   # bilevel: 18 MB in memory here, not 430
    return path


def small_png(folder: Path, color=(70, 130, 180), side: int = 64) -> Path:
    path = Path(folder) / f"small_{side}_{'-'.join(map(str, color))}.png"
    if not path.exists():
        Image.new("RGB", (side, side), color).save(path)
    return path


def not_a_picture(folder: Path, name: str = "notes.png") -> Path:
    path = Path(folder) / name
    path.write_bytes(b"this is not a picture at all\n" * 10)
    return path


def truncated_png(folder: Path) -> Path:
    path = Path(folder) / "truncated.png"
    if not path.exists():
        rng = np.random.default_rng(0)
        Image.fromarray(rng.integers(0, 255, (128, 128, 3), dtype=np.uint8)).save(path)
        path.write_bytes(path.read_bytes()[:3000])
    return path


def wide_pth(folder: Path, ngf: int = 2048) -> Path:
    """A CycleGAN-shaped .pth of ~1 MB whose first layer says ngf=2048: built as declared, its
    residual-free generator alone would hold billions of weights."""
    import torch

    path = Path(folder) / f"wide_ngf{ngf}.pth"
    if not path.exists():
        torch.save({"model.1.weight": torch.zeros(ngf, 3, 7, 7), "model.1.bias": torch.zeros(ngf),
                    "model.17.weight": torch.zeros(3, ngf, 7, 7)}, path)
    return path


def pickle_pth(folder: Path) -> Path:
    """A .pth whose pickle would run a command if loaded unsafely (it never is)."""
    class Evil:
        def __reduce__(self):
            import os
            return (os.system, ("echo pwned > /tmp/gan-studio-pwned",))

    import torch

    path = Path(folder) / "evil.pth"
    torch.save({"model.1.weight": Evil()}, path)          # a real .pth (zip) whose pickle names os.system
    return path


def wide_config_model(folder: Path, **config) -> Path:
    """A model folder: a 100-byte config.json (e.g. g_width=1024) and a tiny weights file."""
    from safetensors.torch import save_file
    import torch

    name = "cfg-" + "-".join(f"{k}{v}" for k, v in config.items()).replace("/", "_")[:60]
    path = Path(folder) / name
    path.mkdir(parents=True, exist_ok=True)
    (path / "config.json").write_text(json.dumps(config))
    save_file({"x": torch.zeros(1)}, str(path / "model.safetensors"))
    return path


def lying_zip(folder: Path, inflated: int = 2**30, declared: int = 1000, members: int = 1) -> Path:
    """A ~1 MB zip whose headers say a member holds `declared` bytes while it inflates to `inflated`.
    With members > 1, every entry of the directory points at the same compressed data (overlapping
    entries: the file stays ~1 MB however many there are)."""
    path = Path(folder) / f"lying_{inflated}_{members}.zip"
    if path.exists():
        return path
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk, parts, left = bytes(2**20), [], inflated
    while left > 0:
        parts.append(comp.compress(chunk[:min(left, len(chunk))]))
        left -= len(chunk)
    parts.append(comp.flush())
    data = b"".join(parts)
    out, central = bytearray(), bytearray()
    first = b"img_000.png"
    out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, 0, len(data), declared, len(first), 0)
    out += first + data
    for i in range(members):
        name, offset = f"img_{i:03d}.png".encode(), 0
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, 0, len(data), declared,
                               len(name), 0, 0, 0, 0, 0, offset) + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, members, members, len(central), len(out), 0)
    path.write_bytes(bytes(out + central + end))
    return path


def encrypted_zip(folder: Path) -> Path:
    """A zip whose members are flagged as encrypted (what `zip -e` writes)."""
    path = Path(folder) / "encrypted.zip"
    if path.exists():
        return path
    with zipfile.ZipFile(path, "w") as zf:
        for i in range(20):
            zf.writestr(f"img_{i:02d}.png", b"x" * 100)
    raw = bytearray(path.read_bytes())
    # set bit 0 (encrypted) of the flags in every local and central header
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = raw.find(sig)
        while i >= 0:
            raw[i + flag_at] |= 1
            i = raw.find(sig, i + 4)
    path.write_bytes(bytes(raw))
    return path


def images_zip(folder: Path, n: int = 20, side: int = 32) -> Path:
    path = Path(folder) / f"images_{n}.zip"
    if not path.exists():
        import io

        rng = np.random.default_rng(1)
        with zipfile.ZipFile(path, "w") as zf:
            for i in range(n):
                buf = io.BytesIO()
                Image.fromarray(rng.integers(0, 255, (side, side, 3), dtype=np.uint8)).save(buf, "PNG")
                zf.writestr(f"img_{i:03d}.png", buf.getvalue())
    return path
