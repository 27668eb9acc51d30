"""Shared fixtures: hermetic (tmp GAN_STUDIO_HOME, CPU, seeded) and one live studio per session."""
from __future__ import annotations

import os
import socket

import pytest
import torch


@pytest.fixture(autouse=True, scope="session")
def _hermetic(tmp_path_factory):
    home = tmp_path_factory.mktemp("studio_home")
    os.environ["GAN_STUDIO_HOME"] = str(home)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    torch.set_num_threads(min(2, torch.get_num_threads()))
    yield


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)


@pytest.fixture
def one_thread():
    """Small networks run fastest on one thread (two threads on a busy machine mostly wait for each other)."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def studio_url(_hermetic):
    """A live studio (all tabs) on a free localhost port; closed at the end of the session."""
    from studio.ui.app import build_app, launch_options

    demo = build_app()
    demo.queue(default_concurrency_limit=2)
    _, url, _ = demo.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True,
                            **launch_options())
    yield url
    demo.close()


@pytest.fixture(scope="session")
def client(studio_url):
    from gradio_client import Client

    return Client(studio_url, verbose=False)
