"""`gan-studio`: start the studio (default), or run a headless command.

    gan-studio [--host 127.0.0.1] [--port 7860] [--share]
    gan-studio train --family dcgan --dataset mnist --steps 3000 --out runs/dcgan-mnist
    gan-studio export-dataset --dataset landscapes --n 100 --out data/landscapes
"""
from __future__ import annotations

import argparse
import sys

COMMANDS = {
    "train": ("training.cli", "main"),
    "export-dataset": ("training.datasets.export", "main"),
    "eval": ("training.evaluate", "main"),
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in COMMANDS:
        import importlib

        module, fn = COMMANDS[argv[0]]
        return getattr(importlib.import_module(module), fn)(argv[1:]) or 0
    p = argparse.ArgumentParser(prog="gan-studio", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1", help="listen address (default: this machine only)")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--share", action="store_true", help="also open a public gradio.live link")
    args = p.parse_args(argv)
    from .ui.app import launch

    launch(host=args.host, port=args.port, share=args.share)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
