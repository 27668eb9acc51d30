"""The CycleGAN tab: the /translate endpoint (tiny, bundled and official models, bad uploads), importing a file."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from studio import inference
from studio.models.cyclegan import ResnetGenerator

from tests.helpers import CYCLEGAN_EXAMPLES as EXAMPLES
from tests.helpers import REPO, png_claiming, randomise, save_tiny_cyclegan

BUNDLED = REPO / "pretrained" / "cyclegan-summer2winter"


@pytest.fixture(scope="module")
def tiny_model():
    return save_tiny_cyclegan()


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
    """An official generator file is imported as the page does it, then translated by its model name (a server
    path is not a model name the page may send: tests/security)."""
    from gradio_client import handle_file

    from studio.ui import cyclegan as tab

    ref = randomise(ResnetGenerator(3, 3, ngf=4, n_blocks=2))
    torch.save(ref.state_dict(), tmp_path / "horse2zebra.pth")
    name = tab.import_official(str(tmp_path / "horse2zebra.pth"))[1]
    translated, reconstructed = client.predict(name, handle_file(str(EXAMPLES[0])), "AtoB", api_name="/translate")
    assert Image.open(translated).size == (256, 256)
    assert reconstructed is None                   # no way back: no reconstruction (the tab shows a note)
    with pytest.raises(Exception, match="only translates"):
        client.predict(name, handle_file(str(EXAMPLES[0])), "BtoA", api_name="/translate")


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
    msg, name = tab.import_official(str(tmp_path / "apple2orange.pth"))
    picker, radio = tab.show_imported(name)
    assert picker.value == name == "apple2orange" and radio.value == "AtoB"
    assert "apple2orange" in inference.cyclegan_models() and "apple → orange" in msg
    assert inference.cyclegan_domains("apple2orange") == ("apple", "orange", ["AtoB"])
    (tmp_path / "bad.pth").write_bytes(b"\0" * 10)
    with pytest.raises(gr.Error, match="not a readable PyTorch checkpoint"):
        tab.import_official(str(tmp_path / "bad.pth"))
