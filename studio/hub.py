"""Model IO: config.json + model.safetensors, one load() for every source.

A saved model is a folder:
    config.json        {"family": "dcgan", ...the family config's fields}
    model.safetensors  the generator's state dict (strictly loaded)
    README.md          the model card (optional)

load(name_or_path) accepts a bundled or trained model name, a local folder, a Hugging
Face repo id ("user/repo", or "hf://user/repo" to never read it as a local path; fetched with
huggingface_hub), or a foreign checkpoint file (*.pth, e.g. an official CycleGAN generator)
that a family's importer reads (registry.py). Before any network is built, its config is
checked (types, sizes) and the network is sized on the meta device against the weights file's
header (errors.check_before_building), so a small file cannot make the studio allocate gigabytes.

config.json carries "format" (registry.CONFIG_FORMAT); a folder written before a config field
changed is upgraded by its family when it loads.
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file
from torch import nn

from .errors import ModelLoadError, check_before_building, check_state_dict, plain  # noqa: F401  (hub.ModelLoadError, as before)
from .files import atomic_folder
from .paths import pretrained_dir, user_models_dir  # noqa: F401  (hub.pretrained_dir, as before)
from .registry import CONFIG_FORMAT, config_from_dict, get_family, importers

CONFIG_NAME = "config.json"
WEIGHTS_NAME = "model.safetensors"
CARD_NAME = "README.md"
HUB_PREFIX = "hf://"          # "hf://user/repo": a Hugging Face repo, never a local path

def model_dirs() -> list[Path]:
    return [pretrained_dir(), user_models_dir()]


def read_config(folder: Path) -> dict:
    path = Path(folder) / CONFIG_NAME
    try:
        config = json.loads(path.read_text())
    except FileNotFoundError:
        raise ModelLoadError(f"{folder} has no {CONFIG_NAME}: not a GAN Studio model folder") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ModelLoadError(f"{path} is not valid JSON: {e}") from None
    if not isinstance(config, dict):
        raise ModelLoadError(f"{path} must hold a JSON object ({{\"family\": ..., ...}}), not a {type(config).__name__}")
    return config


def list_models() -> dict[str, list[str]]:
    """{family: [model names]} over the bundled and the user's models."""
    out: dict[str, list[str]] = {}
    for root in model_dirs():
        if not root.is_dir():
            continue
        for folder in sorted(p for p in root.iterdir() if (p / CONFIG_NAME).is_file() and (p / WEIGHTS_NAME).is_file()):
            try:
                family = read_config(folder).get("family", "?")
            except ModelLoadError:
                continue
            names = out.setdefault(family, [])
            if folder.name not in names:
                names.append(folder.name)
    return out


def free_name(name: str, *also: Path) -> str:
    """name, or name-2, name-3, ...: the first that no bundled or trained model (nor a folder in `also`) uses,
    so that saving under it replaces nobody's model."""
    candidate, i = name, 1
    while any((root / candidate).exists() for root in (*model_dirs(), *also)):
        i += 1
        candidate = f"{name}-{i}"
    return candidate


def resolve(name_or_path: str | os.PathLike) -> Path:
    """Map a name, folder or Hub repo id to a local model folder."""
    s = str(name_or_path)
    if s.startswith(HUB_PREFIX):
        return _download_from_hub(s[len(HUB_PREFIX):])
    for root in model_dirs():          # a bundled or trained model's name first, whatever the working folder holds
        if "/" not in s and os.sep not in s and s not in ("", ".", "..") and (root / s / CONFIG_NAME).is_file():
            return root / s
    p = Path(s).expanduser()
    if p.is_dir():
        return p
    if s.count("/") == 1 and not p.exists() and not s.startswith((".", "/", "~")):
        return _download_from_hub(s)
    raise ModelLoadError(
        f"no model called {s!r}: not a folder, not a bundled or trained model "
        f"(known: {', '.join(n for ns in list_models().values() for n in ns) or 'none'}), "
        "and not a Hugging Face repo id of the form user/name"
    )


def _download_from_hub(repo_id: str) -> Path:
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import GatedRepoError, LocalEntryNotFoundError, RepositoryNotFoundError

    try:
        return Path(snapshot_download(repo_id, allow_patterns=[CONFIG_NAME, WEIGHTS_NAME, CARD_NAME]))
    except Exception as e:  # offline, missing repo, no permission: all end here, in words a student can act on
        if isinstance(e, LocalEntryNotFoundError):     # no connection (or HF_HUB_OFFLINE) and not in the cache
            why = ("this computer cannot reach the Hub (offline?) and has no copy of it; pick a bundled or "
                   "trained model from the list, or load it once while online")
        elif isinstance(e, GatedRepoError):           # a subclass of RepositoryNotFoundError: test it first
            why = "the repo is gated: accept its terms on huggingface.co and log in (`hf auth login`)"
        elif isinstance(e, RepositoryNotFoundError):
            why = "there is no such model repo (or it is private); check the spelling user/name"
        else:
            why = f"{type(e).__name__}: {str(e).splitlines()[0][:200] if str(e) else ''}"
        raise ModelLoadError(f"could not fetch {repo_id!r} from the Hugging Face Hub: {why}") from None


def weight_shapes(path: Path) -> dict[str, tuple[int, ...]]:
    """{tensor name: shape} from a safetensors file's header, without reading any tensor."""
    try:
        with safe_open(str(path), framework="pt") as f:
            return {k: tuple(f.get_slice(k).get_shape()) for k in f.keys()}
    except Exception as e:
        raise ModelLoadError(f"{path} is not a readable safetensors file: {e}") from None


def build(config: dict, device: str | torch.device | None = None) -> nn.Module:
    """A freshly initialised generator from a config dict that carries a "family" field
    (and a "format"; folders written before formats were recorded are format 1).
    device="meta" sizes it without allocating anything."""
    if not isinstance(config, dict):
        raise TypeError(f"a model config is a JSON object, not a {type(config).__name__}")
    if device is not None:
        with torch.device(device):
            return build(config)
    config = dict(config)
    family = get_family(config.pop("family", None) or "?")
    version = config.pop("format", 1)
    if not isinstance(version, int) or not 1 <= version <= CONFIG_FORMAT:
        raise ValueError(f"config format {version!r} is not one this studio reads (1 to {CONFIG_FORMAT}); "
                         "a newer GAN Studio wrote it")
    return family.generator(config_from_dict(family, config, version))


def load(name_or_path: str | os.PathLike, device: str | torch.device = "cpu") -> nn.Module:
    """Load a generator in eval mode from a name, folder, Hub repo id or official checkpoint."""
    s = str(name_or_path)
    if s.endswith((".pth", ".pt")) and Path(s).is_file():
        return _load_official(Path(s), device)
    folder = resolve(name_or_path)
    config = read_config(folder)
    weights = folder / WEIGHTS_NAME
    if not weights.is_file():
        raise ModelLoadError(f"{folder} has no {WEIGHTS_NAME}")
    try:
        build(config, device="meta")               # the config's own errors first, in its words
    except (ValueError, TypeError) as e:
        raise ModelLoadError(f"{folder / CONFIG_NAME}: {e}") from None
    except Exception as e:  # e.g. torch refusing a layer of size 0
        raise ModelLoadError(f"{folder / CONFIG_NAME}: its values do not describe a network that can be built "
                             f"({type(e).__name__}: {plain(e)})") from None
    check_before_building(lambda: build(config), weight_shapes(weights), str(weights))
    model = build(config)
    try:
        state = load_file(str(weights))
    except Exception as e:
        raise ModelLoadError(f"{weights} is not a readable safetensors file: {e}") from None
    check_state_dict(model, state, str(weights))
    model.load_state_dict(state, strict=True)
    model.name = folder.name
    return model.to(device).eval().requires_grad_(False)


def _load_official(path: Path, device) -> nn.Module:
    """A foreign checkpoint file, read by the family that can import it (today: cyclegan's official
    generators). With several importers the first that accepts the file wins."""
    families = importers()
    if not families:
        raise ModelLoadError(f"{path.name}: no model family here imports checkpoint files")
    errors = []
    for fam in families:
        try:
            return fam.importer(path).to(device).eval().requires_grad_(False)
        except ModelLoadError as e:
            errors.append(str(e))
    raise ModelLoadError(errors[0] if len(errors) == 1 else "; ".join(errors))


def _publish_permissions(folder: Path) -> None:
    """mkdtemp makes private folders; a saved model is readable like any other file."""
    os.chmod(folder, 0o755)
    for f in folder.iterdir():
        os.chmod(f, 0o644)


def config_dict(model: nn.Module) -> dict:
    return {"family": model.family, "format": CONFIG_FORMAT, **asdict(model.config)}


def save(model: nn.Module, folder: str | os.PathLike, card: str | None = None, push_to: str | None = None) -> Path:
    """Write config.json + model.safetensors (+ README.md) atomically; optionally push to the Hub."""
    folder = Path(folder)
    with atomic_folder(folder, hidden_old=True) as tmp:
        (tmp / CONFIG_NAME).write_text(json.dumps(config_dict(model), indent=2) + "\n")
        state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
        save_file(state, str(tmp / WEIGHTS_NAME), metadata={"family": model.family})
        if card is not None:
            (tmp / CARD_NAME).write_text(card)
        elif (folder / CARD_NAME).is_file():
            shutil.copy2(folder / CARD_NAME, tmp / CARD_NAME)
        for extra in folder.glob("*.png") if folder.is_dir() else []:
            shutil.copy2(extra, tmp / extra.name)
        _publish_permissions(tmp)
    if push_to:
        push(folder, push_to)
    return folder


def push(folder: str | os.PathLike, repo_id: str, token: str | None = None) -> str:
    """Upload a model folder to a Hugging Face repo (needs `huggingface-cli login` or a token)."""
    from huggingface_hub import HfApi

    api = HfApi(token=token)
    api.create_repo(repo_id, exist_ok=True)
    info = api.upload_folder(folder_path=str(folder), repo_id=repo_id)
    return str(getattr(info, "commit_url", info))
