"""GAN Studio: see how GANs work.

    import studio
    G = studio.load("dcgan-mnist")          # bundled name, folder, HF repo id, or official .pth
    studio.list_models()                    # {family: [names]}

Importing this package is cheap: torch and the models load on first use.
"""
from __future__ import annotations

__version__ = "0.1.0"


def load(name_or_path, device="cpu"):
    from .hub import load as _load

    return _load(name_or_path, device=device)


def save(model, folder, card=None, push_to=None):
    from .hub import save as _save

    return _save(model, folder, card=card, push_to=push_to)


def list_models() -> dict[str, list[str]]:
    from .hub import list_models as _list

    return _list()
