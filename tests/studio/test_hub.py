import json

import pytest
import torch
from safetensors.torch import load_file, save_file

import studio
from studio import hub
from studio.models.dcgan import DCGANConfig, Generator


def tiny(**kw):
    return Generator(DCGANConfig(z_dim=8, g_width=4, **kw)).eval()


def test_round_trip_identical_outputs(tmp_path):
    G = tiny()
    hub.save(G, tmp_path / "m", card="# card\n")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["README.md", "config.json", "model.safetensors"]
    assert json.loads((tmp_path / "m" / "config.json").read_text())["family"] == "dcgan"
    H = studio.load(tmp_path / "m")
    z = torch.randn(4, 8)
    with torch.no_grad():
        assert torch.equal(G(z), H(z))
    assert H.config == G.config and not H.training


def test_save_overwrites_atomically(tmp_path):
    hub.save(tiny(), tmp_path / "m")
    G2 = tiny()
    hub.save(G2, tmp_path / "m")
    z = torch.randn(2, 8)
    with torch.no_grad():
        assert torch.equal(studio.load(tmp_path / "m")(z), G2(z))
    assert [p.name for p in tmp_path.iterdir()] == ["m"]  # no temp folders left behind


def test_unknown_family(tmp_path):
    hub.save(tiny(), tmp_path / "m")
    cfg = json.loads((tmp_path / "m" / "config.json").read_text())
    cfg["family"] = "vqgan"
    (tmp_path / "m" / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(hub.ModelLoadError, match="unknown model family 'vqgan'"):
        studio.load(tmp_path / "m")


def test_unknown_config_key(tmp_path):
    hub.save(tiny(), tmp_path / "m")
    cfg = json.loads((tmp_path / "m" / "config.json").read_text())
    cfg["depth"] = 3
    (tmp_path / "m" / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(hub.ModelLoadError, match="depth"):
        studio.load(tmp_path / "m")


def test_missing_weights(tmp_path):
    hub.save(tiny(), tmp_path / "m")
    (tmp_path / "m" / "model.safetensors").unlink()
    with pytest.raises(hub.ModelLoadError, match="no model.safetensors"):
        studio.load(tmp_path / "m")


def test_missing_config(tmp_path):
    (tmp_path / "m").mkdir()
    with pytest.raises(hub.ModelLoadError, match="no config.json"):
        studio.load(tmp_path / "m")


def test_mismatched_shapes_named(tmp_path):
    hub.save(tiny(), tmp_path / "m")
    cfg = json.loads((tmp_path / "m" / "config.json").read_text())
    cfg["g_width"] = 8  # config now disagrees with the stored tensors
    (tmp_path / "m" / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(hub.ModelLoadError, match="shape mismatches"):
        studio.load(tmp_path / "m")


def test_strict_missing_and_unexpected(tmp_path):
    hub.save(tiny(), tmp_path / "m")
    w = tmp_path / "m" / "model.safetensors"
    state = load_file(str(w))
    state.pop(next(iter(state)))
    state["extra.weight"] = torch.zeros(1)
    save_file(state, str(w))
    with pytest.raises(hub.ModelLoadError, match="missing 1 tensors.*1 unexpected"):
        studio.load(tmp_path / "m")


def test_corrupt_weights(tmp_path):
    hub.save(tiny(), tmp_path / "m")
    (tmp_path / "m" / "model.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(hub.ModelLoadError, match="not a readable safetensors"):
        studio.load(tmp_path / "m")


def test_names_and_listing(tmp_path, monkeypatch):
    monkeypatch.setenv("GAN_STUDIO_HOME", str(tmp_path / "home"))
    hub.save(tiny(), hub.user_models_dir() / "my-digits")
    assert "my-digits" in studio.list_models()["dcgan"]
    assert studio.load("my-digits").config.z_dim == 8


def test_unknown_name_is_clear():
    with pytest.raises(hub.ModelLoadError, match="no model called 'nope'"):
        studio.load("nope")


def test_hub_repo_id_goes_through_huggingface_hub(tmp_path, monkeypatch):
    """A repo id is fetched with snapshot_download (stubbed here: no network) and loaded strictly."""
    hub.save(tiny(), tmp_path / "snap")
    calls = []

    def fake_snapshot_download(repo_id, allow_patterns=None, **kw):
        calls.append((repo_id, tuple(allow_patterns)))
        return str(tmp_path / "snap")

    import huggingface_hub
    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake_snapshot_download)
    G = studio.load("someone/dcgan-digits")
    assert calls == [("someone/dcgan-digits", ("config.json", "model.safetensors", "README.md"))]
    assert G.family == "dcgan"


def test_hub_offline_error_is_clear(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(hub.ModelLoadError, match="could not fetch 'someone/absent'") as e:
        studio.load("someone/absent")
    assert "cannot reach the Hub (offline?)" in str(e.value) and "Error" not in str(e.value)   # no library jargon


@pytest.mark.parametrize("error, words", [("RepositoryNotFoundError", "no such model repo"),
                                          ("GatedRepoError", "gated"), ("OSError", "OSError: disk full")])
def test_hub_errors_say_what_to_do(monkeypatch, error, words):
    import huggingface_hub
    from huggingface_hub import errors

    def failing(repo_id, **kw):
        if error == "OSError":
            raise OSError("disk full\nmore detail")
        import httpx

        request = httpx.Request("GET", f"https://huggingface.co/api/models/{repo_id}")
        raise getattr(errors, error)("404 Client Error.", response=httpx.Response(404, request=request))

    monkeypatch.setattr(huggingface_hub, "snapshot_download", failing)
    with pytest.raises(hub.ModelLoadError, match=words) as e:
        studio.load("someone/absent")
    assert "more detail" not in str(e.value)
