"""The playground tab's handlers without a browser: sessions per page, play / pause / one step, presets,
drawn targets."""
from __future__ import annotations

import json
import re

import gradio as gr
import pytest

from studio.ui import playground as T


def values(**over):
    """The controls' values, as the page sends them (defaults, small networks)."""
    v = dict(zip(T.CONTROLS, T.preset("mode collapse on the ring")[:-1]))
    v.update({"g_width": 16, "d_width": 16, "d_depth": 1, **over})
    return [v[k] for k in T.CONTROLS]


def test_each_page_gets_its_own_session_and_the_controls_apply_to_it():
    a, frame_a = T.show(None, *values())
    b, _ = T.show(None, *values())
    assert a is not b and a.game is not b.game
    assert json.loads(frame_a)["measures"]["step"] == 0
    a.game.train(2)
    same, _ = T.show(a, *values(lr_g="0.01", speed=20))              # a learning rate: the game goes on
    assert same is a and a.game.step == 2 and a.speed == 20 and a.game.settings.lr_g == 0.01
    T.show(a, *values(d_width=8))                                     # a shape: new networks
    assert a.game.step == 0


def test_play_streams_frames_until_paused():
    s, _ = T.show(None, *values(speed=2))
    frames = T.play(s, *values(speed=2))
    first = next(frames)
    step1 = json.loads(first[1])["measures"]["step"]
    assert first[0] is s and 1 <= step1 <= 2                         # `speed` steps, fewer if they are slow
    second = next(frames)
    assert second[0] == gr.skip() and step1 < json.loads(second[1])["measures"]["step"] <= step1 + 2
    _, paused = T.pause(s, *values())
    assert json.loads(paused)["phase"] == "paused" and s.player is None
    assert list(frames) == []                                         # the loop ends at its next frame


def test_a_new_play_replaces_the_old_loop():
    s, _ = T.show(None, *values(speed=1))
    old = T.play(s, *values(speed=1))
    next(old)
    new = T.play(s, *values(speed=1))
    next(new)
    assert list(old) == [] and next(new)


def test_one_step_shows_the_d_update_then_the_g_update(monkeypatch):
    monkeypatch.setattr(T, "STEP_PAUSE_S", 0)
    s, _ = T.show(None, *values())
    d_frame, g_frame = [json.loads(f) for _, f in T.one_step(s, *values())]
    assert "D update" in d_frame["phase"] and d_frame["measures"]["step"] == 0
    assert "G update" in g_frame["phase"] and g_frame["measures"]["step"] == 1
    assert d_frame["heat"] != json.loads(T.show(None, *values())[1])["heat"]     # D's verdict moved
    assert d_frame["fake"] != g_frame["fake"]                                   # then the points moved


def test_presets_set_every_control_and_tell_their_story():
    for name in T.PRESETS:
        out = T.preset(name)
        assert len(out) == len(T.CONTROLS) + 1 and "$" in out[-1]
        v = dict(zip(T.CONTROLS, out))
        T._settings(None, out[:-1])                                    # valid settings
        assert v["seed"] == 0
    assert dict(zip(T.CONTROLS, T.preset("minimax saturates")))["loss"] == "minimax"


def test_a_drawn_target_replaces_the_target_and_drawn_needs_points():
    class Evt:
        _data = {"points": [[0, 0], [1, 1], [1, 0], [0.5, 2]]}
    s, radio, frame = T.drawn(Evt(), None, *values())
    assert s.game.settings.target == "drawn" and len(s.game.settings.points) == 4
    assert radio.value == "drawn" and json.loads(frame)["phase"] == "drawn"
    same, _ = T.show(s, *values(target="drawn", lr_d="0.002"))           # other controls keep the drawing
    assert same.game.settings.points == s.game.settings.points
    with pytest.raises(gr.Error, match="draw a target first"):
        T.show(None, *values(target="drawn"))
    Evt._data = {"points": [[0, 0]]}
    with pytest.raises(gr.Error, match="between 3"):
        T.drawn(Evt(), s, *values())


def test_bad_controls_give_a_message():
    with pytest.raises(gr.Error, match="learning rate"):
        T.show(None, *values(lr_g="fast"))
    with pytest.raises(gr.Error, match="seed"):
        T.show(None, *values(seed=-1))


def test_the_explanation_carries_the_measured_claims_table():
    """The claims table (bench/playground_claims.py) is in the tab's explanation, not a placeholder."""
    text = T.EXPLANATION
    assert "CLAIMS_TABLE" not in text and "bench/playground_claims.py" in text
    rows = [line for line in text.splitlines() if line.startswith("| nonsaturating |")]
    assert len(rows) >= 4 and all(len(re.findall(r"\b\d/[01]\.\d\d\b", line)) == 5 for line in rows)   # 5 seeds
