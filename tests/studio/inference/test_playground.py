"""/playground_step's function and the frames the tab draws: the documented keys, repeatable by seed,
clear messages for bad input."""
from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from studio.inference import playground as P


def test_a_run_reports_points_losses_and_coverage_repeatably():
    a = P.playground_step("ring8", "nonsaturating", "none", steps=20, seed=3, n_points=50, g_width=16, d_width=16)
    b = P.playground_step("ring8", "nonsaturating", "none", steps=20, seed=3, n_points=50, g_width=16, d_width=16)
    assert a == b
    assert len(a["fake"]) == 50 and all(len(p) == 2 for p in a["fake"])
    assert set(a["losses"]) >= {"d", "g", "g_grad_norm", "history"} and len(a["losses"]["history"]["step"]) == 20
    assert isinstance(a["modes_covered"], int) and a["n_modes"] == 8 and 0 <= a["high_quality"] <= 1
    assert a["steps"] == 20 and a["settings"]["loss"] == "nonsaturating"
    json.dumps(a)                                           # plain JSON for the API
    c = P.playground_step("ring8", "nonsaturating", "none", steps=20, seed=4, n_points=50, g_width=16, d_width=16)
    assert c["fake"] != a["fake"]


def test_targets_without_modes_report_null_coverage_and_remedies_set_their_options():
    r = P.playground_step("moons", "wgan-gp", "pacgan", steps=3, n_points=10, g_width=8, d_width=8)
    assert r["modes_covered"] is None and r["high_quality"] is None and r["js_divergence"] > 0
    assert r["settings"]["pack"] == 2
    assert P.playground_step("ring8", "hinge", "unrolled", steps=1, n_points=1, g_width=8, d_width=8)["settings"][
        "unroll"] == 5


def test_drawn_points_as_json_text_or_a_list():
    pts = [[0, 0], [1, 1], [2, 0.5], [-1, -1]]
    a = P.playground_step(json.dumps(pts), steps=2, n_points=5, g_width=8, d_width=8)
    b = P.playground_step(pts, steps=2, n_points=5, g_width=8, d_width=8)
    assert a == b and a["settings"]["target"] == "drawn" and a["settings"]["points"] == 4


@pytest.mark.parametrize("kwargs, words", [
    (dict(target="circle"), "unknown target"), (dict(target="[[0, 0], [1"), "does not parse"),
    (dict(target="[[0, 0]]"), "between 3"), (dict(loss="softmax"), "unknown loss"),
    (dict(remedy="dropout"), "unknown remedy"), (dict(steps=-1), "steps"), (dict(steps=10**6), "steps"),
    (dict(steps=2.5), "steps"), (dict(seed=-3), "seed"), (dict(n_points=0), "n_points"),
    (dict(d_width=10**5), "d_width"), (dict(colour="red"), "unknown settings"),
])
def test_bad_input_says_what_is_wrong(kwargs, words):
    with pytest.raises(ValueError, match=words):
        P.playground_step(**{"steps": 1, **kwargs})


def test_a_frame_is_json_with_everything_the_canvas_draws():
    from training.playground import Playground, Settings

    pg = Playground(Settings(g_width=8, d_width=8, noise_dim=1))
    pg.train(3)
    f = json.loads(json.dumps(P.view_json(pg, "paused")))

    def array(key, dtype):
        return np.frombuffer(base64.b64decode(f[key]), dtype=dtype)
    n = f["heat_res"]
    heat = array("heat", np.uint8)
    assert heat.size == n * n and heat.max() > heat.min()
    assert np.allclose(heat[0] / 255, pg.heat(pg.sample(480), n)[0, 0].item(), atol=1 / 255)
    fake = array("fake", "<i2").reshape(-1, 2) / 1000
    assert np.allclose(fake, pg.sample(len(fake)).numpy(), atol=1e-3)
    assert len(fake) == array("arrows", "<i2").size // 2 == array("real", "<i2").size // 2 > 100
    lines, points = f["manifold_shape"]
    assert lines == 1 and array("manifold", "<i2").size == 2 * lines * points
    assert f["phase"] == "paused" and f["extent"] == 3 and f["measures"]["step"] == 3
    steps = np.frombuffer(base64.b64decode(f["curves"]["step"]), "<f4")
    assert steps.tolist() == [1, 2, 3]
    quality = np.frombuffer(base64.b64decode(f["curves"]["high_quality"]), "<f4")
    assert len(quality) == 1 and 0 <= quality[0] <= 1


def test_curves_are_thinned_evenly():
    from training.playground import Playground, Settings

    pg = Playground(Settings(g_width=8, d_width=8))
    pg.history = [(i, 1.0, 2.0, 3.0) for i in range(1, 1001)]
    c = P.curves(pg, at_most=300)
    assert 250 <= len(c["step"]) <= 300 and c["step"][0] == 1 and c["d"][0] == 1.0


def test_the_endpoint_through_gradio_client(client):
    r = client.predict("[[0, 0], [1, 1], [2, 0], [0, 2]]", "lsgan", "mbstd", 5, 7, api_name="/playground_step")
    assert r["settings"]["target"] == "drawn" and r["settings"]["mbstd"] is True and r["steps"] == 5
    assert len(r["fake"]) == 500 and r["modes_covered"] is None
    with pytest.raises(Exception, match="unknown loss"):
        client.predict("ring8", "softmax", api_name="/playground_step")
