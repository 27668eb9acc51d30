"""/conditional and /project (../shared/design/api.md) through gradio_client on a live studio."""
from __future__ import annotations

import json

import pytest
from gradio_client import handle_file
from PIL import Image

from studio.ui.interpolation import examples


def test_conditional_grid_rows_are_seeds_columns_digits(client):
    path = client.predict("cgan-mnist", "3,5,8", "1-2", api_name="/conditional")
    with Image.open(path) as im:
        cols, rows = round(im.width / 98), round(im.height / 98)      # 96-px cells, 2-px gaps
    assert (cols, rows) == (3, 2)
    with pytest.raises(Exception, match="is not a digit"):
        client.predict(digits="three", api_name="/conditional")


def test_project_returns_the_picture_and_its_code(client):
    seven = [e for e in examples() if "seven" in e][0]
    image, info = client.predict("cgan-mnist", handle_file(seven), 60, api_name="/project")
    info = info if isinstance(info, dict) else json.loads(open(info).read())
    assert info["class"] in range(10) and info["space"] == "z" and len(info["code"]["z"]) == 64
    assert 0 <= info["reconstruction_error"] < 0.1 and info["steps"] == 60
    with Image.open(image) as im:
        assert min(im.size) >= 256
    with pytest.raises(Exception, match="no picture"):
        client.predict(model="dcgan-mnist", api_name="/project")
