"""CycleGAN: the model, official-checkpoint import, picture loading, training step, the /translate endpoint."""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

import studio
from studio import hub, inference
from studio.models.cyclegan import (CycleGANConfig, DirectionUnavailableError, Discriminator, Generator,
                                    ResnetGenerator)

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = sorted((ROOT / "assets" / "cyclegan").glob("*.png"))
BUNDLED = ROOT / "pretrained" / "cyclegan-summer2winter"


def tiny_cfg(**kw) -> CycleGANConfig:
    return CycleGANConfig(**{"img_size": 32, "ngf": 4, "n_blocks": 2, "ndf": 8, **kw})


def randomise(module: torch.nn.Module, seed: int = 0) -> torch.nn.Module:
    """Non-trivial weights AND biases, so a wrongly mapped tensor would change the output."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.2)
    return module


# ------------------------------------------------------------------------------------------ model

def test_shapes_and_range():
    G, D = Generator(tiny_cfg()), Discriminator(tiny_cfg())
    x = torch.rand(2, 3, 32, 48) * 2 - 1
    for d in ("AtoB", "BtoA"):
        y = G(x, d)
        assert y.shape == x.shape and y.min() >= -1 and y.max() <= 1
    assert G(torch.rand(1, 3, 30, 26) * 2 - 1).shape == (1, 3, 30, 26)   # padded to multiples of 4, cropped back
    assert D(torch.rand(2, 3, 64, 64)).shape == (2, 1, 6, 6)              # 70x70 PatchGAN on 64 px: 6x6 patches
    with pytest.raises(ValueError, match="direction"):
        G(x, "sideways")


def official_keys(n_blocks: int) -> set[str]:
    """The key set of the official ResnetGenerator state dict, written down from its layer list."""
    convs = [1, 4, 7] + [10 + n_blocks, 13 + n_blocks, 17 + n_blocks]
    keys = {f"model.{i}.{t}" for i in convs for t in ("weight", "bias")}
    keys |= {f"model.{i}.conv_block.{j}.{t}" for i in range(10, 10 + n_blocks) for j in (1, 5)
             for t in ("weight", "bias")}
    return keys


@pytest.mark.parametrize("n_blocks", [6, 9])
def test_official_key_layout(n_blocks):
    net = ResnetGenerator(3, 3, ngf=8, n_blocks=n_blocks)
    sd = net.state_dict()
    assert set(sd) == official_keys(n_blocks)
    assert sd["model.1.weight"].shape == (8, 3, 7, 7)
    assert sd[f"model.{10 + n_blocks}.weight"].shape == (32, 16, 3, 3)      # ConvTranspose: (in, out, k, k)
    assert sd[f"model.{17 + n_blocks}.weight"].shape == (3, 8, 7, 7)
    layers = list(net.model)
    assert isinstance(layers[0], torch.nn.ReflectionPad2d) and isinstance(layers[-1], torch.nn.Tanh)
    assert isinstance(layers[2], torch.nn.InstanceNorm2d) and not layers[2].affine
    assert not layers[2].track_running_stats


def add_old_instance_norm_keys(sd: dict, n_blocks: int, ngf: int) -> dict:
    """What pre-0.4 PyTorch saved for InstanceNorm layers: running statistics the new code must drop."""
    sd = dict(sd)
    norms = {"model.2": ngf, "model.5": 2 * ngf, "model.8": 4 * ngf, f"model.{11 + n_blocks}": 2 * ngf,
             f"model.{14 + n_blocks}": ngf}
    norms.update({f"model.{i}.conv_block.{j}": 4 * ngf for i in range(10, 10 + n_blocks) for j in (2, 6)})
    for name, c in norms.items():
        sd[f"{name}.running_mean"] = torch.zeros(c)
        sd[f"{name}.running_var"] = torch.ones(c)
        sd[f"{name}.num_batches_tracked"] = torch.tensor(0)
    return sd


@pytest.mark.parametrize("n_blocks,filename,direction", [(6, "horse2zebra.pth", "AtoB"),
                                                          (9, "latest_net_G_B.pth", "BtoA")])
def test_official_checkpoint_import(tmp_path, n_blocks, filename, direction):
    ref = randomise(ResnetGenerator(3, 3, ngf=8, n_blocks=n_blocks)).eval()
    sd = add_old_instance_norm_keys(ref.state_dict(), n_blocks, ngf=8)
    assert any(k.endswith("running_mean") for k in sd)
    path = tmp_path / filename
    torch.save(sd, path)

    G = studio.load(path)
    assert G.family == "cyclegan" and G.name == Path(filename).stem
    assert G.config.ngf == 8 and G.config.n_blocks == n_blocks and G.config.directions == [direction]
    x = torch.rand(2, 3, 64, 48) * 2 - 1
    with torch.no_grad():
        assert torch.allclose(G(x, direction), ref(x), atol=1e-6)
        assert torch.allclose(G(x), ref(x), atol=1e-6)                       # the default: its own direction
    other = "BtoA" if direction == "AtoB" else "AtoB"
    with pytest.raises(DirectionUnavailableError, match="only translates"):
        G(x, other)
    if filename == "horse2zebra.pth":
        assert (G.config.domain_a, G.config.domain_b) == ("horse", "zebra")


def test_official_import_dataparallel_prefix_and_save_roundtrip(tmp_path):
    ref = randomise(ResnetGenerator(3, 3, ngf=4, n_blocks=3)).eval()
    torch.save({"module." + k: v for k, v in ref.state_dict().items()}, tmp_path / "x.pth")
    G = studio.load(tmp_path / "x.pth")
    hub.save(G, tmp_path / "saved")                 # an imported file becomes a studio model folder
    G2 = studio.load(tmp_path / "saved")
    x = torch.rand(1, 3, 32, 32) * 2 - 1
    with torch.no_grad():
        assert torch.allclose(G2(x), ref(x), atol=1e-6)
    assert G2.config.directions == ["AtoB"]


def test_official_bad_files(tmp_path):
    (tmp_path / "junk.pth").write_bytes(b"not a checkpoint at all")
    with pytest.raises(hub.ModelLoadError, match="not a readable PyTorch checkpoint"):
        studio.load(tmp_path / "junk.pth")
    torch.save({"model.model.0.weight": torch.zeros(8, 3, 4, 4)}, tmp_path / "unet.pth")   # a pix2pix U-Net
    with pytest.raises(hub.ModelLoadError, match="not a CycleGAN ResNet generator"):
        studio.load(tmp_path / "unet.pth")

    class Evil:
        def __reduce__(self):
            return (print, ("pickles must not run",))
    torch.save({"model.1.weight": Evil()}, tmp_path / "evil.pth")
    with pytest.raises(hub.ModelLoadError):                                            # weights_only=True
        studio.load(tmp_path / "evil.pth")


def test_official_missing_layer_is_refused(tmp_path):
    sd = ResnetGenerator(3, 3, ngf=4, n_blocks=2).state_dict()
    del sd["model.19.weight"]                                      # the final 7x7 conv of a 2-block net
    torch.save(sd, tmp_path / "broken.pth")
    with pytest.raises(hub.ModelLoadError, match="final layer"):
        studio.load(tmp_path / "broken.pth")


def test_both_directions_save_load(tmp_path):
    G = randomise(Generator(tiny_cfg(domain_a="summer", domain_b="winter")))
    hub.save(G, tmp_path / "m")
    G2 = studio.load(tmp_path / "m")
    x = torch.rand(1, 3, 32, 32) * 2 - 1
    with torch.no_grad():
        for d in ("AtoB", "BtoA"):
            assert torch.allclose(G.eval()(x, d), G2(x, d), atol=1e-6)
    assert G2.config.domain_b == "winter" and G2.has_cycle


# ------------------------------------------------------------------------------------------ training

def test_training_step_and_schedule():
    from training.steps.cyclegan import CycleGANTrainer, ImagePool

    tr = CycleGANTrainer(tiny_cfg(), total_steps=6, pool_size=2)
    batch = {"A": torch.rand(2, 3, 32, 32) * 2 - 1, "B": torch.rand(2, 3, 32, 32) * 2 - 1}
    before = {k: v.clone() for k, v in tr.nets["G"].state_dict().items()}
    lrs = [tr.step(batch)["lr"] for _ in range(6)]
    losses = tr.step(batch)
    assert set(losses) >= {"G", "D", "adv", "cycle", "identity"} and all(np.isfinite(list(losses.values())))
    assert lrs[:4] == [2e-4] * 4 and 0 < lrs[5] < lrs[4] < 2e-4          # linear decay over the second half
    assert any(not torch.equal(before[k], v) for k, v in tr.nets["G"].state_dict().items())
    s = tr.samples()
    assert s.shape == (6 * 8, 3, 32, 32)
    pool = ImagePool(3, seed=0)
    out = [pool.query(torch.full((1, 1, 2, 2), float(i))) for i in range(20)]
    assert len(pool.images) == 3 and all(o.shape == (1, 1, 2, 2) for o in out)


def test_unpaired_dataset_is_unpaired():
    from training.datasets import make_dataset

    ds = make_dataset("summer2winter", img_size=32, length=4)
    item = ds[0]
    assert set(item) == {"A", "B"} and item["A"].shape == (3, 32, 32)
    assert ds.a.seed != ds.b.seed
    assert ds.config_fields() == {"domain_a": "summer", "domain_b": "winter"}


# ------------------------------------------------------------------------------------------ pictures

def png_claiming(path: Path, w: int, h: int) -> Path:
    """A PNG whose header says w x h, without the pixels (a decompression bomb's shape, written instantly)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0)          # 1-bit greyscale
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
                     + chunk(b"IEND", b""))
    return path


def test_load_picture_modes(tmp_path):
    rgba = Image.new("RGBA", (40, 30), (255, 0, 0, 0))            # fully transparent red -> white
    rgba.putpixel((0, 0), (0, 0, 255, 255))
    rgba.save(tmp_path / "a.png")
    im = inference.load_picture(tmp_path / "a.png")
    assert im.mode == "RGB" and im.size == (40, 28)                # multiples of 4, cropped not stretched
    assert np.asarray(im)[10, 10].tolist() == [255, 255, 255]

    arr = np.full((32, 32), 65535, np.uint16)
    arr[:, :16] = 257 * 100
    Image.fromarray(arr).save(tmp_path / "g16.png")                # 16-bit greyscale PNG
    im = inference.load_picture(tmp_path / "g16.png")
    px = np.asarray(im)
    assert px[0, 20].tolist() == [255, 255, 255] and px[0, 0].tolist() == [100, 100, 100]

    Image.new("L", (20, 20), 77).save(tmp_path / "l.png")
    assert np.asarray(inference.load_picture(tmp_path / "l.png"))[3, 3].tolist() == [77, 77, 77]
    Image.new("RGB", (20, 20), (10, 200, 30)).convert("P", palette=Image.ADAPTIVE).save(tmp_path / "p.png")
    assert inference.load_picture(tmp_path / "p.png").mode == "RGB"

    big = Image.new("RGB", (1000, 250), (1, 2, 3))
    im = inference.load_picture(big, max_side=512)
    assert im.size == (512, 128)                                   # aspect ratio kept, long side capped


def test_load_picture_exif_rotation(tmp_path):
    im = Image.new("RGB", (64, 32), (0, 0, 0))
    im.paste((255, 255, 255), (0, 0, 32, 32))                      # left half white
    exif = Image.Exif()
    exif[0x0112] = 6                                               # "rotate 90 CW to display"
    im.save(tmp_path / "phone.jpg", exif=exif.tobytes(), quality=95)
    out = inference.load_picture(tmp_path / "phone.jpg")
    assert out.size == (32, 64)
    px = np.asarray(out).mean(2)
    assert px[:16].mean() > 200 and px[-16:].mean() < 50           # the white half is now on top


@pytest.mark.parametrize("maker,message", [
    (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 20) or p, "not a picture"),
    (lambda p: p.write_text("hello, I am a text file") or p, "not a picture"),
    (lambda p: Image.new("RGB", (1, 1)).save(p, format="PNG") or p, "at least"),
    (lambda p: png_claiming(p, 12000, 12000), "megapixels"),
])
def test_load_picture_refuses(tmp_path, maker, message):
    path = tmp_path / "upload.png"
    maker(path)
    with pytest.raises(ValueError, match=message):
        inference.load_picture(path)


def test_truncated_picture(tmp_path):
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)).save(tmp_path / "t.png")
    data = (tmp_path / "t.png").read_bytes()
    (tmp_path / "t.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="damaged|not a picture"):
        inference.load_picture(tmp_path / "t.png")


# ------------------------------------------------------------------------------------------ the studio

@pytest.fixture(scope="module")
def tiny_model():
    """A tiny two-direction model in the hermetic user folder (the app test must not need the bundled one)."""
    G = randomise(Generator(tiny_cfg(domain_a="summer", domain_b="winter")))
    hub.save(G, hub.user_models_dir() / "tiny-cyclegan-test")
    return "tiny-cyclegan-test"


def test_translate_views(tiny_model):
    v = inference.translate_views(tiny_model, str(EXAMPLES[0]), "AtoB")
    assert v["translated"].size == v["input"].size == v["reconstructed"].size == v["heatmap"].size
    assert max(v["input"].size) == 4 * 32 and v["cycle_l1"] > 0


def test_endpoint_translate(client, tiny_model):
    from gradio_client import handle_file

    translated, reconstructed = client.predict(tiny_model, handle_file(str(EXAMPLES[0])), "BtoA",
                                               api_name="/translate")
    a, b = Image.open(translated), Image.open(reconstructed)
    assert a.size == b.size == (128, 128) and a.mode == "RGB"


@pytest.mark.skipif(not BUNDLED.is_dir(), reason="pretrained/cyclegan-summer2winter not trained yet")
def test_endpoint_bundled_model(client):
    from gradio_client import handle_file

    summer = next(p for p in EXAMPLES if p.name.startswith("summer"))
    translated, reconstructed = client.predict("cyclegan-summer2winter", handle_file(str(summer)), "AtoB",
                                               api_name="/translate")
    t = np.asarray(Image.open(translated).convert("RGB"), dtype=np.float32)
    s = np.asarray(Image.open(summer).convert("RGB"), dtype=np.float32)
    assert t.shape == s.shape == (256, 256, 3)
    ground = slice(200, 256)                       # the foreground is grass in summer: it must turn snowy
    assert t[ground].mean() > s[ground].mean() + 40


def test_endpoint_single_direction_official(client, tmp_path):
    from gradio_client import handle_file

    ref = randomise(ResnetGenerator(3, 3, ngf=4, n_blocks=2))
    torch.save(ref.state_dict(), tmp_path / "horse2zebra.pth")
    translated, reconstructed = client.predict(str(tmp_path / "horse2zebra.pth"), handle_file(str(EXAMPLES[0])),
                                               "AtoB", api_name="/translate")
    assert Image.open(translated).size == (256, 256)
    assert reconstructed is None                   # no way back: no reconstruction (the tab shows a note)
    with pytest.raises(Exception, match="only translates"):
        client.predict(str(tmp_path / "horse2zebra.pth"), handle_file(str(EXAMPLES[0])), "BtoA",
                       api_name="/translate")


@pytest.mark.parametrize("name,maker,message", [
    ("corrupt.png", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 20), "not a picture"),
    ("notes.txt", lambda p: p.write_text("hello, I am a text file"), "not a picture"),
    ("dot.png", lambda p: Image.new("RGB", (1, 1)).save(p), "at least"),
    ("huge.png", lambda p: png_claiming(p, 12000, 12000), "megapixels"),
])
def test_endpoint_bad_uploads(client, tiny_model, tmp_path, name, maker, message):
    from gradio_client import handle_file

    path = tmp_path / name
    maker(path)
    with pytest.raises(Exception, match=message):
        client.predict(tiny_model, handle_file(str(path)), "AtoB", api_name="/translate")
    translated, _ = client.predict(tiny_model, handle_file(str(EXAMPLES[0])), "AtoB", api_name="/translate")
    assert Image.open(translated).size == (128, 128)           # the server still works


def test_tab_imports_official_file(tmp_path):
    import gradio as gr

    from studio.ui import cyclegan as tab

    ref = randomise(ResnetGenerator(3, 3, ngf=4, n_blocks=2))
    torch.save(ref.state_dict(), tmp_path / "apple2orange.pth")
    picker, radio, msg = tab.import_official(str(tmp_path / "apple2orange.pth"))
    assert "apple2orange" in inference.cyclegan_models() and "apple → orange" in msg
    assert inference.cyclegan_domains("apple2orange") == ("apple", "orange", ["AtoB"])
    (tmp_path / "bad.pth").write_bytes(b"\0" * 10)
    with pytest.raises(gr.Error, match="not a readable PyTorch checkpoint"):
        tab.import_official(str(tmp_path / "bad.pth"))
