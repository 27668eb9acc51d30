"""Issue 19, items 12 and 14, and its "Also" list: bad numbers, seeds, files and configs get words, not crashes.

12 one seed range (0 .. 2**63 - 1) for every seed input, the training API's included
14 an encrypted zip, an unreadable picture on /paint, non-numbers and NaN: a readable message each
Also: studio.load on odd configs, the refused pickle's message, leftovers of killed saves, sample
folders of old jobs, Gradio's cache, the MNIST download folder, no mode-collapse verdict on 3-step runs.
"""
from __future__ import annotations

import json
import re
import time

import pytest
import torch

import studio
from studio import hub
from studio.inference import MAX_SEED

from . import hostile

BAD_SEEDS = [-1, MAX_SEED + 1, 2 ** 64]


def refused(result, *words):
    text = result["error"] or ""
    return not result["ok"] and all(re.search(w, text) for w in words) and "Something went wrong" not in text


# ------------------------------------------------------------------------------------------- 12: seeds

@pytest.mark.parametrize("seed", BAD_SEEDS)
def test_every_seed_input_has_the_same_range(live, files, seed):
    calls = {
        "interpolate_frame": ["dcgan-mnist", seed, 2, 0.5, "slerp", 1.0],
        "infogan": ["infogan-mnist", seed, 0, 0, 0, 0, 0],
        "paint": ["spade-landscapes", live.upload(hostile.small_png(files)), seed, None],
        "style_mix": ["stylegan-faces", f"{seed}", "1", "coarse", 1.0, "const"],
        "train_start": ["dcgan", "mnist", 2, 2, 2e-4, "hinge", 1, seed, 500],
    }
    for api, data in calls.items():
        result = live.call(api, data)
        assert not result["ok"], (api, seed, result)
        text = result["error"] or ""
        assert re.search(r"at most 9223372036854775807|less than minimum value 0|not a seed|whole number", text), \
            (api, seed, text)


def test_the_largest_seed_works_everywhere(live, files):
    for api, data in {"interpolate_frame": ["dcgan-mnist", MAX_SEED, MAX_SEED, 0.5, "slerp", 1.0],
                      "infogan": ["infogan-mnist", MAX_SEED, 0, 0, 0, 0, 0],
                      "paint": ["spade-landscapes", live.upload(hostile.small_png(files)), MAX_SEED, None],
                      "style_mix": ["stylegan-faces", str(MAX_SEED), "1", "coarse", 1.0, "const"]}.items():
        assert live.call(api, data)["ok"], api
    result = live.call("train_start", ["dcgan", "mnist", 2, 2, 2e-4, "hinge", 1, MAX_SEED, 500])
    assert result["ok"] and "done, step 2/2" in result["outputs"][-1][2], result


# ------------------------------------------------------------------------------------------- 14: bad input

@pytest.mark.parametrize("value", ["abc", float("nan"), float("inf"), [1, 2]])
def test_numbers_that_are_not_numbers_get_words(live, value):
    calls = {"interpolate_frame": ["dcgan-mnist", value, 2, 0.5, "slerp", 1.0],
             "_interpolate_live": ["dcgan-mnist", 1, 2, 8, "slerp", value, None, None],   # a slider; no projected ends
             "infogan": ["infogan-mnist", 0, 0, value, 0, 0, 0],
             "train_start": ["dcgan", "mnist", value, 2, 2e-4, "hinge", 1, 0, 500]}
    for api, data in calls.items():
        result = live.call(api, data)
        assert refused(result, r"not a number|not a finite number"), (api, value, result)


def test_a_seed_or_step_count_with_a_fraction_is_refused_not_rounded(live):
    """A whole-number field given 3.7 said nothing and silently used 4 while the box kept showing 3.7."""
    for api, data in {"interpolate_frame": ["dcgan-mnist", 3.7, 2, 0.5, "slerp", 1.0],
                      "train_start": ["dcgan", "mnist", 2.5, 2, 2e-4, "hinge", 1, 0, 500]}.items():
        assert refused(live.call(api, data), r"is not a whole number"), api
    assert live.call("interpolate_frame", ["dcgan-mnist", 3.0, 2, 0.5, "slerp", 1.0])["ok"]   # 3.0 is whole


@pytest.mark.parametrize("maker,words", [(hostile.not_a_picture, r"is not a picture that can be read"),
                                         (hostile.truncated_png, r"damaged or truncated")])
def test_unreadable_pictures_on_paint_get_words(live, files, maker, words):
    assert refused(live.call("paint", ["spade-landscapes", live.upload(maker(files)), 0, None]), words)
    assert refused(live.call("paint", ["spade-landscapes", live.upload(hostile.small_png(files)), 0,
                                       live.upload(maker(files))]), words)


def test_encrypted_zip_gets_words(live, files):
    result = live.call("_train_upload_files", [[live.upload(hostile.encrypted_zip(files))], "dcgan"])
    assert result["ok"] and "password-protected (encrypted)" in result["data"][3], result


# ------------------------------------------------------------------------------------------- also: model files

@pytest.mark.parametrize("config,words", [
    ([1, 2, 3], "must hold a JSON object"),
    ({"family": "dcgan", "z_dim": "64"}, "z_dim must be a whole number, got \"64\""),
    ({"family": "dcgan", "z_dim": -5}, "z_dim must not be negative"),
    ({"family": "dcgan", "z_dim": 0}, "does not describe a network|weights in"),
    ({"family": "dcgan", "spectral_norm": "yes"}, "spectral_norm must be true or false"),
    ({"family": "spade", "classes": "sky"}, "classes must be a list of a string"),
    ({"family": "dcgan", "g_width": 1024}, "million weights"),
])
def test_load_explains_odd_configs(tmp_path, config, words):
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(config))
    from safetensors.torch import save_file
    save_file({"x": torch.zeros(1)}, str(folder / "model.safetensors"))
    with pytest.raises(hub.ModelLoadError, match=words):
        studio.load(folder)


def test_the_refused_pickle_message_is_plain(tmp_path):
    with pytest.raises(hub.ModelLoadError) as e:
        studio.load(hostile.pickle_pth(tmp_path))
    message = str(e.value)
    assert "\x1b" not in message and "weights_only" not in message and "trusted source" not in message
    assert "could run code" in message and "refused" in message


def test_safetensors_shapes_are_checked_before_building(tmp_path, monkeypatch):
    """A config that fits the cap but not its file is refused from the header alone: nothing is built."""
    from studio.models import dcgan
    folder = tmp_path / "m"
    hub.save(studio.load("dcgan-mnist"), folder)
    config = json.loads((folder / "config.json").read_text())
    (folder / "config.json").write_text(json.dumps(dict(config, g_width=config["g_width"] * 2)))
    built = []
    monkeypatch.setattr(dcgan.Generator, "__init__", lambda self, cfg, _i=dcgan.Generator.__init__:
                        (built.append(torch.empty(0).device.type), _i(self, cfg))[1])
    with pytest.raises(hub.ModelLoadError, match="do not fit its config"):
        studio.load(folder)
    assert built and set(built) == {"meta"}


# ------------------------------------------------------------------------------------------- also: leftovers

def test_leftovers_of_killed_saves_are_removed(tmp_path):
    from studio.files import atomic_folder
    from training.loop import fit

    from .test_training_faults import DATA, Tiny
    stale = tmp_path / ".checkpoint.abcd1234"
    stale.mkdir()
    list(fit(Tiny(), DATA, steps=2, batch_size=2, out=tmp_path, sample_every=0))
    assert not stale.exists() and (tmp_path / "checkpoint").is_dir()
    old = tmp_path / ".model.zz99yy88"
    old.mkdir()
    import os
    os.utime(old, (time.time() - 3600, time.time() - 3600))      # an hour old: a kill's, not a save in progress
    with atomic_folder(tmp_path / "model", hidden_old=True) as tmp:
        (tmp / "x").write_text("x")
    assert not old.exists() and (tmp_path / "model" / "x").is_file()


def test_a_new_job_removes_the_old_jobs_sample_pictures(tmp_path):
    from training import jobs as J

    manager = J.JobManager(runs_dir=tmp_path / "runs", models_dir=tmp_path / "models", poll_s=0.05)
    spec = J.make_spec("dcgan", "mnist", 2, 2, 2e-4, 2e-4, "hinge", 1, 0)
    first = manager.start(spec)
    first.thread.join(60)
    png = first.samples_file()
    assert png and __import__("os").path.exists(png)
    second = manager.start(spec)
    second.thread.join(60)
    assert not __import__("os").path.exists(png) and "gan-studio-" in png


def test_gradio_cache_is_cleaned_and_mnist_downloads_go_to_the_studio_folder(monkeypatch, tmp_path):
    from studio.ui.app import build_app
    from training.datasets import mnist

    assert build_app().delete_cache == (3600, 86400)
    monkeypatch.setenv("GAN_STUDIO_HOME", str(tmp_path))
    assert mnist.default_roots()[-1] == tmp_path / "mnist"


def test_no_mode_collapse_verdict_on_a_three_step_run(tmp_path):
    from training import jobs as J
    from training.loop import Event

    spec = J.make_spec("dcgan", "mnist", 3, 2, 2e-4, 2e-4, "hinge", 1, 0)
    job = J.Job(1, "short", spec, tmp_path, tmp_path / "m", trainer=None, dataset=None)
    job.real_diversity = 1.0
    same = torch.zeros(8, 1, 4, 4)
    for step in (1, 2, 3):
        job.on_event(Event("samples", step, 3, {"G": 5.0, "D": 0.01}, same))
        job.on_event(Event("step", step, 3, {"G": 5.0, "D": 0.01}))
    assert job.view().warnings == []
