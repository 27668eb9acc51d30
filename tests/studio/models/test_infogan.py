import math

import numpy as np
import pytest
import torch
from PIL import Image

from studio import hub, inference
from studio.models.infogan import Discriminator, Generator, InfoGANConfig
from studio.registry import FAMILIES
from training.eval import infogan as ev
from training.loop import fit
from training.families import TRAINERS
from training.steps.infogan import InfoGANTrainer

TINY = dict(z_dim=8, img_size=16, g_width=8, d_width=8, q_hidden=32)


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


@pytest.fixture
def one_thread():
    """Tiny nets train fastest on one thread (two threads on a busy machine mostly wait for each other)."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def test_registered():
    assert FAMILIES["infogan"].generator is Generator and TRAINERS["infogan"] is InfoGANTrainer


def test_shapes_and_code_formats():
    cfg = InfoGANConfig(n_cont=3)                      # more continuous codes than MNIST's two
    G, D = Generator(cfg).eval(), Discriminator(cfg)
    z, cat, cont = torch.randn(5, 62), torch.tensor([0, 3, 9, 1, 2]), torch.rand(5, 3) * 2 - 1
    x = G(z, cat, cont)
    assert x.shape == (5, 1, 32, 32) and x.min() >= -1 and x.max() <= 1
    assert torch.allclose(G(z, torch.nn.functional.one_hot(cat, 10), cont), x)   # one-hot == indices
    assert not torch.allclose(G(z, cat.flip(0), cont), x)                          # the code is used
    logits, cat_logits, mean, log_std = D(x, q=True)
    assert logits.shape == (5,) and cat_logits.shape == (5, 10) and mean.shape == log_std.shape == (5, 3)
    assert D(x).shape == (5,)


def test_generator_refuses_bad_codes():
    G = Generator(InfoGANConfig(**TINY)).eval()
    with pytest.raises(ValueError, match="category must be between 0 and 9"):
        G(torch.randn(2, 8), torch.tensor([1, 10]), torch.zeros(2, 2))
    with pytest.raises(ValueError, match="c_cont must have shape"):
        G(torch.randn(2, 8), torch.tensor([1, 2]), torch.zeros(2, 3))
    with pytest.raises(ValueError):
        InfoGANConfig(n_cat=0, n_cont=0)


def test_q_learns_to_recover_the_codes(one_thread):
    """The MI losses start at chance and fall far below it within ~100 steps: G learns to put the codes
    into its images and Q learns to read them back. (lambda_cont = 1 so the continuous codes are learned
    within this budget too; ~2 CPU-seconds.)"""
    torch.manual_seed(0)
    tr = InfoGANTrainer(InfoGANConfig(**TINY, lambda_cont=1.0))
    data = torch.utils.data.DataLoader(Blobs(), batch_size=32, shuffle=True,
                                       generator=torch.Generator().manual_seed(0))
    hist = []
    while len(hist) < 120:
        for batch in data:
            hist.append(tr.step(batch))
    cat = [h["MI_cat"] for h in hist]
    cont = [h["MI_cont"] for h in hist]
    first, last = np.mean(cat[:3]), np.mean(cat[-10:])
    assert abs(first - math.log(10)) < 0.3, first          # starts at chance: -log(1/10)
    assert last < 0.5 * math.log(10) and last < 0.5 * first, (first, last)
    assert np.mean([h["Q_acc"] for h in hist[-10:]]) > 0.9   # Q names the code of 9 fakes in 10 (chance: 1 in 10)
    # Continuous codes: the best Q that ignores the image predicts mean 0, std sqrt(1/3) for U(-1, 1),
    # a Gaussian NLL of log(sqrt(1/3)) + 1/2 = -0.05 per code; recovering them must do far better.
    chance_cont = 2 * (math.log(math.sqrt(1 / 3)) + 0.5)
    assert np.mean(cont[:3]) > chance_cont
    assert np.mean(cont[-10:]) < chance_cont - 1.0, (cont[:3], cont[-10:])


def test_fit_export_roundtrip(tmp_path):
    tr = InfoGANTrainer(InfoGANConfig(**TINY), n_noise=3)
    events = list(fit(tr, Blobs(), steps=4, batch_size=8, out=tmp_path / "run", sample_every=2))
    assert events[-1].kind == "done"
    assert events[-1].samples.shape == (10 * 3, 1, 16, 16)      # one row per category
    folder = hub.save(tr.export(), tmp_path / "m")
    G = hub.load(folder)
    z, cat, cont = torch.randn(4, 8), torch.tensor([0, 1, 2, 3]), torch.zeros(4, 2)
    ref = tr.export().eval()
    assert torch.allclose(G(z, cat, cont), ref(z, cat, cont), atol=1e-6)


# ----------------------------------------------------------------------------- inference + endpoints

@pytest.fixture(scope="module")
def tiny_model():
    """A tiny InfoGAN saved as a user model (the studio in the tests sees it through GAN_STUDIO_HOME)."""
    torch.manual_seed(0)
    tr = InfoGANTrainer(InfoGANConfig(**TINY, n_cont=3))
    data = torch.utils.data.DataLoader(Blobs(), batch_size=16)
    for batch in data:
        tr.step(batch)
    hub.save(tr.export(), hub.user_models_dir() / "tiny-infogan")
    return "tiny-infogan"


def test_inference_functions(tiny_model):
    img = inference.infogan_image(tiny_model, seed=3, category=2, codes=(0.5, -1.0))
    assert isinstance(img, Image.Image) and min(img.size) >= inference.DISPLAY
    same = inference.infogan_image(tiny_model, seed=3, category=2, codes=(0.5, -1.0, 0.0))   # c3 defaults to 0
    assert np.array_equal(np.asarray(img), np.asarray(same))
    other = inference.infogan_image(tiny_model, seed=3, category=7, codes=(0.5, -1.0))
    assert not np.array_equal(np.asarray(img), np.asarray(other))
    cells = inference.infogan_grid_images(tiny_model, "c3", seed=1, rows=4)
    assert cells.shape == (4 * inference.INFOGAN_GRID_VALUES, 1, 16, 16)
    assert inference.infogan_grid_images(tiny_model, "category", seed=1, rows=2).shape == (20, 1, 16, 16)
    assert inference.infogan_codes(tiny_model) == (10, 3)


@pytest.mark.parametrize("kwargs, message", [
    (dict(category=10), "category must be a whole number from 0 to 9"),
    (dict(category=-1), "category must be a whole number from 0 to 9"),
    (dict(category=2.5), "category must be a whole number"),
    (dict(codes=(9.0, 0.0)), "c1 must be between -3 and 3"),
    (dict(codes=(0.0, float("nan"))), "c2 must be between"),
    (dict(seed=-4), "seed must be a whole number >= 0"),
])
def test_inference_rejects_bad_input(tiny_model, kwargs, message):
    args = dict(seed=1, category=0, codes=(0.0, 0.0)) | kwargs
    with pytest.raises(ValueError, match=message):
        inference.infogan_image(tiny_model, **args)


def test_grid_rejects_unknown_code(tiny_model):
    with pytest.raises(ValueError, match="vary must be one of category, c1, c2, c3"):
        inference.infogan_grid(tiny_model, "c4", 0)
    with pytest.raises(hub.ModelLoadError, match="needs a infogan model|is a"):
        inference.infogan_image(str(_dcgan_model()), 0, 0, ())


def _dcgan_model():
    from studio.models.dcgan import DCGANConfig
    from studio.models.dcgan import Generator as DG

    folder = hub.user_models_dir() / "tiny-dcgan-for-infogan-test"
    if not folder.exists():
        hub.save(DG(DCGANConfig(z_dim=4, img_size=8, g_width=4)), folder)
    return folder


def test_endpoint_infogan(client, tiny_model):
    path = client.predict(model=tiny_model, seed=5, category=3, c1=1.5, c2=-0.5, api_name="/infogan")
    img = Image.open(path)
    assert min(img.size) >= inference.DISPLAY
    ref = inference.infogan_image(tiny_model, 5, 3, (1.5, -0.5))
    assert np.array_equal(np.asarray(img.convert("RGB")), np.asarray(ref.convert("RGB")))
    path3 = client.predict(model=tiny_model, seed=5, category=3, c1=1.5, c2=-0.5, c3=2.0, api_name="/infogan")
    assert not np.array_equal(np.asarray(Image.open(path3)), np.asarray(img))   # c3 reaches the model


def test_endpoint_infogan_grid(client, tiny_model):
    img = Image.open(client.predict(model=tiny_model, vary="c2", seed=0, api_name="/infogan_grid"))
    cols = inference.INFOGAN_GRID_VALUES
    cell = 64 + 2                                  # 16 px upscaled to 64, plus the 2 px gap
    assert img.size == (cols * cell + 2, 10 * cell + 2)
    img = Image.open(client.predict(model=tiny_model, vary="category", seed=0, rows=3, api_name="/infogan_grid"))
    assert img.size == (10 * cell + 2, 3 * cell + 2)


def test_endpoints_give_clear_errors(client, tiny_model):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="category must be a whole number from 0 to 9"):
        client.predict(model=tiny_model, seed=0, category=12, c1=0, c2=0, api_name="/infogan")
    with pytest.raises(AppError, match="vary must be one of"):
        client.predict(model=tiny_model, vary="slant", seed=0, api_name="/infogan_grid")
    with pytest.raises(AppError, match="no model called"):
        client.predict(model="no-such-model", seed=0, category=0, c1=0, c2=0, api_name="/infogan")


def test_bundled_model_endpoint(client):
    if not (hub.pretrained_dir() / "infogan-mnist" / hub.WEIGHTS_NAME).is_file():
        pytest.skip("pretrained/infogan-mnist is not there (made by training/recipes/infogan-mnist.sh)")
    img = Image.open(client.predict(seed=0, category=0, c1=0, c2=0, api_name="/infogan"))   # default model
    assert min(img.size) >= inference.DISPLAY
    grid = Image.open(client.predict(vary="category", seed=0, api_name="/infogan_grid"))
    assert grid.size[0] > grid.size[1] * 0.9


# ----------------------------------------------------------------------------- evaluation

def _line(slope: float, width: int) -> torch.Tensor:
    """A 32x32 vertical-ish stroke whose x moves by `slope` px per row going up."""
    x = torch.full((1, 32, 32), -1.0)
    for r in range(4, 28):
        c = int(round(16 + slope * (16 - r)))
        x[:, r, c:c + width] = 1.0
    return x


def test_image_properties():
    imgs = torch.stack([_line(0.4, 2), _line(-0.4, 2), _line(0.0, 2), _line(0.0, 5)])
    s = ev.slant(imgs)
    assert s[0] > 0.3 and s[1] < -0.3 and abs(s[2]) < 0.05
    t = ev.thickness(imgs)
    assert t[3] > 2 * t[2]
    assert ev.ink_area(imgs)[3] > 2 * ev.ink_area(imgs)[2]


class CodeStampG(torch.nn.Module):
    """A fake generator that writes its categorical code as a lit pixel, and c1 as the image's slant."""
    n_cat, n_cont, z_dim = 10, 2, 4

    def forward(self, z, cat, cont):
        out = torch.stack([_line(float(c[0]) * 0.5, 2) for c in cont])
        out[torch.arange(len(cat)), 0, 0, cat] = 1.0
        return out


class PermutedReader(torch.nn.Module):
    """A fake classifier: reads the lit pixel and calls code k digit perm[k]."""
    perm = torch.tensor([3, 1, 4, 0, 5, 9, 2, 6, 8, 7])

    def forward(self, x):
        return torch.nn.functional.one_hot(self.perm[x[:, 0, 0, :10].argmax(1)], 10).float()


def test_categorical_accuracy_finds_the_assignment():
    res = ev.categorical_accuracy(CodeStampG(), PermutedReader(), n=200)
    assert res["accuracy"] == 1.0 and res["code_to_digit"] == {k: int(v) for k, v in enumerate(PermutedReader.perm)}


def test_continuous_correlation_sees_slant():
    res = ev.continuous_correlations(CodeStampG(), m=5, values=9)
    assert res["c1"]["slant"]["pooled"] > 0.95 and abs(res["c2"]["slant"]["pooled"]) < 0.2


def test_shipped_digit_classifier_is_accurate():
    from training.datasets.mnist import MNISTDataset
    from training.eval import mnist_classifier as mc

    if not (mc.DEFAULT_DIR / mc.WEIGHTS).is_file():
        pytest.skip("pretrained/_eval/mnist-classifier is not there")
    try:
        data = MNISTDataset()
    except FileNotFoundError:
        pytest.skip("no MNIST files on this machine")
    clf, metrics = mc.load()
    _, held = mc.split(len(data), metrics["n_heldout"], metrics["seed"])
    held = held[:500]
    assert mc.accuracy(clf, data.images[held], data.labels[held]) > 0.95


def test_mi_warmup_schedule_survives_resume(tmp_path):
    cfg = InfoGANConfig(**TINY, mi_warmup=2)
    tr = InfoGANTrainer(cfg)
    ramps = []
    for _ in range(5):
        ramps.append(tr.mi_ramp())
        tr.step(next(iter(torch.utils.data.DataLoader(Blobs(), batch_size=8))))
    assert ramps == [0.0, 0.0, 0.0, 0.5, 1.0]
    assert InfoGANTrainer(InfoGANConfig(**TINY)).mi_ramp() == 1.0           # default: the paper's schedule
    list(fit(InfoGANTrainer(cfg), Blobs(), steps=3, batch_size=8, out=tmp_path))
    resumed = InfoGANTrainer(cfg)
    from training.checkpoint import load_checkpoint
    load_checkpoint(resumed, tmp_path / "checkpoint")
    assert resumed.steps_done() == 3 and resumed.mi_ramp() == 0.5
