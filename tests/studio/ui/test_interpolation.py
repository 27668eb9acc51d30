"""The interpolation tab's endpoints (../shared/design/api.md) through gradio_client on a live studio."""
import pytest
from PIL import Image

from studio import hub


pytestmark = pytest.mark.skipif(not (hub.pretrained_dir() / "dcgan-mnist").is_dir(),
                                reason="bundled dcgan-mnist not present")


def test_interpolate(client):
    strip, gif = client.predict("dcgan-mnist", 5, 6, 6, "slerp", 1.0, api_name="/interpolate")
    with Image.open(strip) as s:
        assert s.width > 5 * s.height
    with Image.open(gif) as g:
        assert g.format == "GIF" and g.n_frames == 6 + 4


def test_interpolate_defaults(client):
    strip, gif = client.predict(api_name="/interpolate")   # every parameter has a default
    assert Image.open(strip).size[0] > 0


def test_interpolate_frame(client):
    a = client.predict(model="dcgan-mnist", seed_a=1, seed_b=2, t=0.0, api_name="/interpolate_frame")
    b = client.predict(model="dcgan-mnist", seed_a=1, seed_b=2, t=1.0, method="lerp", api_name="/interpolate_frame")
    with Image.open(a) as ia, Image.open(b) as ib:
        assert ia.size == ib.size and min(ia.size) >= 256
        assert list(ia.getdata()) != list(ib.getdata())


def test_bad_model_gives_message_and_server_survives(client):
    with pytest.raises(Exception, match="no model called"):
        client.predict(model="not-a-model", api_name="/interpolate_frame")
    assert client.predict(api_name="/models")
