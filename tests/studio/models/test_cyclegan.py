"""CycleGAN model: shapes, the official checkpoint's layout and its import, saving both directions."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

import studio
from studio import hub
from studio.models.cyclegan import DirectionUnavailableError, Discriminator, Generator, ResnetGenerator

from tests.helpers import cyclegan_cfg, randomise


def test_shapes_and_range():
    G, D = Generator(cyclegan_cfg()), Discriminator(cyclegan_cfg())
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
    torch.save({"model.1.weight": torch.zeros(64, 3, 7, 7)}, tmp_path / "full.pth")
    data = (tmp_path / "full.pth").read_bytes()
    (tmp_path / "cut.pth").write_bytes(data[:len(data) // 2])               # an interrupted download
    with pytest.raises(hub.ModelLoadError, match=r"damaged or incomplete \(an interrupted download\?\)") as e:
        studio.load(tmp_path / "cut.pth")
    assert "miniz" not in str(e.value)
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
    G = randomise(Generator(cyclegan_cfg(domain_a="summer", domain_b="winter")))
    hub.save(G, tmp_path / "m")
    G2 = studio.load(tmp_path / "m")
    x = torch.rand(1, 3, 32, 32) * 2 - 1
    with torch.no_grad():
        for d in ("AtoB", "BtoA"):
            assert torch.allclose(G.eval()(x, d), G2(x, d), atol=1e-6)
    assert G2.config.domain_b == "winter" and G2.has_cycle
