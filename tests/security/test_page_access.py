"""Issue 19, items 4-8: what a page (or any client posting to the queue) can read or change.

A page reads the named datasets, its own upload and the documented dataset folder; it loads the
pickers' models and Hub repo ids; it never replaces another user's model, pushes only models
trained here, and controls only the training job it started. Refusals use the same words whether
or not a path exists on the server.
"""
from __future__ import annotations

import os
import re
import time
import uuid

import pytest

from studio.paths import REPO_ROOT, assets_dir, pretrained_dir

from . import hostile
from .conftest import images_folder

FOLDERS = [str(assets_dir() / "gaugan"), str(pretrained_dir()), "/tmp", "/nonexistent/folder"]


def unnamed(message: str, name: str) -> str:
    return message.replace(repr(name[:100]), "<name>").replace(repr(name[:80]), "<name>")


# ------------------------------------------------------------------------------------------- 4: datasets

@pytest.mark.parametrize("folder", FOLDERS)
def test_preview_reads_no_server_folder(live, folder):
    result = live.call("_train_preview", ["dcgan", folder, None])
    image, desc = result["data"]
    assert image is None and "unknown dataset" in desc, desc


def test_refusals_do_not_tell_whether_a_folder_exists(live, tmp_path):
    images_folder(tmp_path / "pics")
    texts = {unnamed(live.call("_train_preview", ["dcgan", p, None])["data"][1], p)
             for p in (str(tmp_path / "pics"), str(tmp_path / "no-such-folder"), "/etc")}
    assert len(texts) == 1, texts


def test_train_start_refuses_a_temp_folder(live, tmp_path):
    folder = images_folder(tmp_path / "tmp-dataset")
    result = live.call("train_start", ["dcgan", str(folder), 2, 4, 2e-4, "hinge", 1, 0, 500])
    assert not result["ok"] and "unknown dataset" in result["error"], result


def test_documented_dataset_folder_and_own_upload_are_readable(live, home, files):
    image, desc = live.call("_train_preview", ["dcgan", "shapes", None])["data"]      # $GAN_STUDIO_HOME/datasets
    assert image is not None and "20 images from shapes" in desc, desc
    image, desc = live.call("_train_preview", ["dcgan", str(home / "datasets" / "shapes"), None])["data"]
    assert image is not None, desc

    mine, other = uuid.uuid4().hex, uuid.uuid4().hex
    up = live.call("_train_upload_files", [[live.upload(hostile.images_zip(files))], "dcgan"], session=mine)
    assert up["ok"] and up["data"][1] == "upload" and "20 images" in up["data"][3], up
    image, desc = live.call("_train_preview", ["dcgan", "upload", None], session=mine)["data"]
    assert image is not None and "20 images" in desc, desc
    uploads = sorted((home / "uploads").glob("upload-*/*.zip"), key=lambda p: p.stat().st_mtime)
    assert uploads, "a zip upload is kept in the studio's own upload folder"
    image, desc = live.call("_train_preview", ["dcgan", str(uploads[-1]), None], session=other)["data"]
    assert image is None and "unknown dataset" in desc                    # another page's upload


# ------------------------------------------------------------------------------------------- 5: names

def test_importing_a_pth_never_replaces_a_trained_model(live, home, tmp_path):
    import torch

    from studio.models.cyclegan import ResnetGenerator

    before = (home / "models" / "someone-trained" / "model.safetensors").read_bytes()
    torch.save(ResnetGenerator(3, 3, ngf=4, n_blocks=1).state_dict(), tmp_path / "someone-trained.pth")
    result = live.call("_cyclegan_import", [live.upload(tmp_path / "someone-trained.pth")])
    assert result["ok"], result
    assert "saved as model `someone-trained-2`" in result["data"][0]
    assert (home / "models" / "someone-trained" / "model.safetensors").read_bytes() == before
    assert (home / "models" / "someone-trained-2" / "config.json").is_file()


def test_a_run_may_not_take_a_trained_model_name(live, home):
    before = (home / "models" / "someone-trained" / "model.safetensors").read_bytes()
    # family, dataset, upload, steps, batch, lr G, lr D, loss, sn, seed, sample every, checkpoint every, name, resume,
    # device, precision, key
    form = ["dcgan", "mnist", None, 2, 4, 2e-4, 2e-4, "hinge", False, 0, 1, 500, "someone-trained", False, "auto", "auto",
            "k"]
    result = live.call("_train_start_ui", form)
    assert not result["ok"] and "already exists" in result["error"], result
    assert (home / "models" / "someone-trained" / "model.safetensors").read_bytes() == before


# ------------------------------------------------------------------------------------------- 6: push

@pytest.mark.parametrize("name", ["../../../etc", "relative path to a bundled model",
                                  str(pretrained_dir() / "dcgan-mnist"), "dcgan-mnist", "/tmp"])
def test_push_only_the_studios_trained_models(live, home, name):
    if name == "relative path to a bundled model":
        name = os.path.relpath(pretrained_dir() / "dcgan-mnist", home / "models")
    result = live.call("_train_push", [name, "someone/else"])
    assert not result["ok"] and "no trained model called" in result["error"], result


def test_push_of_a_trained_model_gets_past_the_name_check(live):
    result = live.call("_train_push", ["someone-trained", "me/model"])
    assert not result["ok"] and "offline" in result["error"], result          # HF_HUB_OFFLINE in the test server


# ------------------------------------------------------------------------------------------- 7: model names

SERVER_PATHS = ["/root/.ssh", "/nonexistent/x", str(pretrained_dir() / "dcgan-mnist"), "../pretrained/dcgan-mnist",
                str(REPO_ROOT / "tests" / "security" / "evil.pth")]


@pytest.mark.parametrize("api,data", [
    ("interpolate_frame", lambda m: [m, 1, 2, 0.5, "slerp", 1.0]),
    ("palette", lambda m: [m]),
    ("translate", lambda m: [m, None, "AtoB"]),
    ("_infogan_adapt", lambda m: [m]),
])
def test_model_names_from_the_page_reach_no_server_path(live, api, data):
    texts = set()
    for path in SERVER_PATHS:
        result = live.call(api, data(path))
        assert not result["ok"], (path, result)
        assert "config.json" not in result["error"] and "known:" not in result["error"], result["error"]
        texts.add(unnamed(result["error"], path))
    assert len(texts) == 1, texts                                  # the same words, path or no path


def test_hub_ids_are_fetched_never_read_locally(live):
    # "pretrained/dcgan-mnist" exists relative to the server's folder; from a page it is a Hub repo id
    result = live.call("interpolate_frame", ["pretrained/dcgan-mnist", 1, 2, 0.5, "slerp", 1.0])
    assert not result["ok"] and "Hugging Face Hub" in result["error"], result


def test_picker_names_still_load(live):
    for name in ("dcgan-mnist", "someone-trained"):
        assert live.call("interpolate_frame", [name, 1, 2, 0.5, "slerp", 1.0])["ok"]


# ------------------------------------------------------------------------------------------- 8: the running job

LONG = ("dcgan", "mnist", 100_000, 8, 2e-4, "nonsaturating", 50, 0)


def status_of(text: str) -> str:
    return re.search(r"\): (\w+), step", text).group(1)


def test_only_the_client_that_started_a_job_stops_it(live):
    from gradio_client import Client

    owner, other = Client(live.url, verbose=False), Client(live.url, verbose=False)
    job = owner.submit(*LONG, api_name="/train_start")
    try:
        next(iter(job))
        refused = other.predict(api_name="/train_stop")
        assert "only that one can pause, resume or stop it" in refused and status_of(refused.split("\n\n", 1)[1]) == "running"
        assert status_of(other.predict(api_name="/train_status")) == "running"
    finally:
        stopped = owner.predict(api_name="/train_stop")
    assert status_of(stopped) == "stopped"


def test_only_the_page_that_started_a_job_controls_it(live):
    mine, theirs = "key-" + uuid.uuid4().hex, "key-" + uuid.uuid4().hex
    live.join("_train_start_ui", ["dcgan", "mnist", None, 100_000, 8, 2e-4, 2e-4, "nonsaturating", False, 0, 50, 500,
                                  f"page-{uuid.uuid4().hex[:6]}", False, "auto", "auto", mine])
    try:
        for _ in range(100):
            if "running" in live.call("train_status", [])["data"][0]:
                break
            time.sleep(0.2)
        for action in ("_train_pause", "_train_resume", "_train_stop_ui"):
            result = live.call(action, [theirs])                  # a warning box; the status box is left alone
            assert result["ok"] and result["warnings"] and "only that one can pause, resume or stop it" in \
                result["warnings"][0], result
        assert "running" in live.call("train_status", [])["data"][0]
        assert "paused" in live.call("_train_pause", [mine], session=uuid.uuid4().hex)["data"][0]   # a reloaded page
    finally:
        text = live.call("_train_stop_ui", [mine])["data"][0]
    assert status_of(text) == "stopped", text
