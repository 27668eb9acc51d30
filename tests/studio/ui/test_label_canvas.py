import json

import numpy as np
import pytest

from studio.ui import label_canvas

PALETTE = ["#000000", "#ff0000", "#00ff00"]


def test_runs_round_trip_and_are_compact():
    labels = np.zeros((256, 256), np.int64)
    labels[100:140, 30:200] = 2
    labels[0, :] = 1
    text = label_canvas.encode(labels, PALETTE)
    assert len(text) < 2_000                              # a 64k-cell map in a few hundred bytes of runs
    assert json.loads(text)["palette"] == PALETTE
    np.testing.assert_array_equal(label_canvas.decode(text, 3), labels)


def test_random_maps_round_trip():
    labels = np.random.default_rng(0).integers(0, 3, (17, 31))
    np.testing.assert_array_equal(label_canvas.decode(label_canvas.encode(labels, PALETTE), 3), labels)


@pytest.mark.parametrize("text, words", [
    ("", "empty"),
    ("{not json", "not a label map"),
    ('{"w": 2, "h": 2, "runs": [0, 3]}', "cover 3 cells"),
    ('{"w": 2, "h": 2, "runs": [0, 5, 1, -1]}', "cover"),
    ('{"w": 2, "h": 2, "runs": [7, 4]}', "another model"),
    ('{"w": 5000, "h": 2, "runs": [0, 10000]}', "at most 1024"),
    ('{"w": 2, "h": 2, "runs": [0, 1, 1]}', "not a label map"),
    ('{"w": 2, "h": 2, "runs": "abc"}', "not a label map"),
    ("[1, 2]", "not a label map"),
])
def test_bad_values_say_what_is_wrong(text, words):
    with pytest.raises(ValueError, match=words):
        label_canvas.decode(text, 3)


def test_oversized_text_is_refused_before_parsing():
    with pytest.raises(ValueError, match="too large"):
        label_canvas.decode(" " * (label_canvas.MAX_TEXT + 1), 3)
