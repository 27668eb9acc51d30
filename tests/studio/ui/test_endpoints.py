"""Every endpoint of the contract (api.md) can be called with only its required parameters."""
from __future__ import annotations

from pathlib import Path

import pytest
from gradio_client import handle_file

from studio.paths import assets_dir

REQUIRED = {"/paint": {"label_map"}}          # every other parameter of every endpoint has a default
CALLS = {
    "/models": {}, "/interpolate": {}, "/interpolate_frame": {}, "/infogan": {}, "/infogan_grid": {},
    "/palette": {}, "/style_mix": {}, "/translate": {}, "/train_status": {}, "/playground_step": {},
    "/conditional": {},
    "/project": {"image": lambda: handle_file(str(sorted((assets_dir() / "projection").glob("*.png"))[0]))},
    "/paint": {"label_map": lambda: handle_file(str(sorted((assets_dir() / "gaugan").glob("*.png"))[0]))},
}


def test_only_the_documented_parameters_are_required(client):
    api = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    for name, ep in api.items():
        required = {p["parameter_name"] for p in ep["parameters"] if not p["parameter_has_default"]}
        assert required == REQUIRED.get(name, set()), name
    assert set(CALLS) <= set(api)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_call_with_only_the_required_parameters(client, name):
    kwargs = {k: v() for k, v in CALLS[name].items()}
    result = client.predict(api_name=name, **kwargs)
    if name == "/palette":
        assert result[0]["color"].startswith("#")
        return
    first = result[0] if isinstance(result, tuple) else result
    assert first not in (None, "", {})
    if isinstance(first, str) and first.endswith((".png", ".webp", ".gif")):
        assert Path(first).stat().st_size > 100
