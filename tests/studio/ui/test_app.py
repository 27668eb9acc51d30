"""The app's own endpoint (../shared/design/api.md): /models lists the bundled models."""
import pytest

from studio import hub


pytestmark = pytest.mark.skipif(not (hub.pretrained_dir() / "dcgan-mnist").is_dir(),
                                reason="bundled dcgan-mnist not present")


def test_models_lists_bundled(client):
    models = client.predict(api_name="/models")
    assert "dcgan-mnist" in models["dcgan"]
