"""The training tab through its public API (gradio_client), as a teacher's script would drive it."""
from __future__ import annotations

import io
import re
import time
import zipfile

import numpy as np
import pytest
from PIL import Image

# family, dataset, steps, batch_size, lr, loss, sample_every, seed: tiny and fast on a CPU
LONG = ("dcgan", "mnist", 100_000, 8, 2e-4, "nonsaturating", 5, 0)


def step_of(status: str) -> int:
    return int(re.search(r"step (\d+)/", status).group(1))


def model_of(status: str) -> str:
    return re.search(r'model saved as "([^"]+)"', status).group(1)


@pytest.fixture
def stop_after(client):
    yield
    client.predict(api_name="/train_stop")        # never leave a job running for the next test


def test_stream_stop_then_use_the_model(client, stop_after):
    job = client.submit(*LONG, api_name="/train_start")
    images, statuses = [], []
    for samples, losses, status in job:
        statuses.append(status)
        if samples and samples not in images:
            images.append(samples)
            assert Image.open(samples).size[0] > 200                # an 8x8 grid of 32-px samples
        if len(images) >= 3:
            break
    assert len(images) >= 3, statuses
    assert step_of(statuses[-1]) > 0 and "running" in statuses[-1]
    assert losses and "data" in losses                               # the loss curves (a LinePlot)

    stopped = client.predict(api_name="/train_stop")
    assert "stopped" in stopped and "checkpoint kept" in stopped
    name = model_of(stopped)
    assert name in client.predict(api_name="/models")["dcgan"]
    assert model_of(client.predict(api_name="/train_status")) == name
    frame = client.predict(name, 1, 2, 0.5, "slerp", 1.0, api_name="/interpolate_frame")
    assert Image.open(frame).size[0] >= 256


def test_second_start_is_refused_while_one_runs(client, stop_after):
    job = client.submit(*LONG, api_name="/train_start")
    next(iter(job))                                                    # it is running
    with pytest.raises(Exception, match="already running"):
        client.predict(*LONG, api_name="/train_start")
    assert "running" in client.predict(api_name="/train_status")


def test_job_survives_its_client_disconnecting(client, studio_url, stop_after):
    from gradio_client import Client

    watcher = Client(studio_url, verbose=False)
    job = watcher.submit(*LONG, api_name="/train_start")
    next(iter(job))
    job.cancel()                                                       # the page goes away
    try:
        before = step_of(client.predict(api_name="/train_status"))
        time.sleep(2.0)
        after = client.predict(api_name="/train_status")
        assert "running" in after and step_of(after) > before
    finally:
        watcher.predict(api_name="/train_stop")        # only the client that started a job may stop it
        watcher.close()


def test_train_on_an_uploaded_zip_to_the_end(client):
    from studio.ui.uploads import datasets_dir

    z = datasets_dir() / "shapes.zip"               # a script trains on what the teacher put in the studio's folder
    z.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    with zipfile.ZipFile(z, "w") as zf:
        for i in range(24):
            buf = io.BytesIO()
            Image.fromarray(rng.integers(0, 256, (20, 20, 3), dtype=np.uint8)).save(buf, "PNG")
            zf.writestr(f"{i}.png", buf.getvalue())
        zf.writestr("broken.png", b"not an image")
    outs = list(client.submit("dcgan", str(z), 12, 4, 2e-4, "hinge", 4, 1, api_name="/train_start"))
    final = outs[-1][2]
    assert "done" in final and "step 12/12" in final and "24 images" in final and "1 corrupt" in final
    assert model_of(final) in client.predict(api_name="/models")["dcgan"]


@pytest.mark.parametrize("dataset, message", [("imagenet", "unknown dataset"), ("/etc", "only trains on uploaded")])
def test_bad_dataset_is_a_clear_error(client, dataset, message):
    with pytest.raises(Exception, match=message):
        client.predict("dcgan", dataset, 10, 4, 2e-4, "hinge", 5, 0, api_name="/train_start")
    assert "running" not in client.predict(api_name="/train_status")


def test_stop_with_nothing_running(client):
    assert "No training job is running" in client.predict(api_name="/train_stop")


def test_push_to_hub_explains_why_it_cannot(monkeypatch, tmp_path):
    import huggingface_hub

    from studio import hub
    from studio.ui.training import push_to_hub

    monkeypatch.setattr(hub, "user_models_dir", lambda: tmp_path)
    with pytest.raises(ValueError, match="Train a model first"):
        push_to_hub("", "")
    with pytest.raises(ValueError, match="no trained model called 'nope'"):
        push_to_hub("nope", "")
    folder = tmp_path / "push-me"
    folder.mkdir()
    (folder / hub.CONFIG_NAME).write_text("{}")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ValueError, match="offline"):
        push_to_hub("push-me", "")
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.setattr(huggingface_hub, "get_token", lambda: None)
    with pytest.raises(ValueError, match="Not logged in"):
        push_to_hub("push-me", "me/push-me")
