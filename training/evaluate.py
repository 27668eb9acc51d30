"""`gan-studio eval MODEL`: the measurements behind each bundled model's card.

Dispatches on the model's family to its evaluation module (training/families.py), whose
main(model, argv) prints the metrics (and can write them as JSON with --json PATH).
"""
from __future__ import annotations

import importlib
import json
import shlex
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        from .families import TRAINING

        print("usage: gan-studio eval MODEL [options]   (families with an evaluation: "
              + ", ".join(sorted(TRAINING)) + ")")
        return 0 if argv else 2
    from studio.hub import read_config, resolve

    from .families import TRAINING

    model = argv[0]
    family = read_config(resolve(model)).get("family")
    if family not in TRAINING:
        print(f"no evaluation for family {family!r}", file=sys.stderr)
        return 2
    return importlib.import_module(TRAINING[family].evaluation).main(model, argv[1:]) or 0


def parse_eval_args(p, argv: list[str] | None):
    """The options every family's evaluation shares (--json, --card, --threads); applies --threads."""
    p.add_argument("--json", help="also write the metrics to this JSON file")
    p.add_argument("--card", action="store_true", help="write the results into the model's README.md")
    p.add_argument("--threads", type=int, help="torch CPU threads")
    args = p.parse_args(argv or [])
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    return args


def report(model: str, argv: list[str], args, result: dict, rows, write_card=None) -> int:
    """Print an evaluation's summary rows; --json writes `result`, --card has write_card(folder, result,
    command) put it into the model's card."""
    for a, b in rows:
        print(f"{a}: {b}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    if args.card and write_card is not None:
        from studio.hub import CARD_NAME, resolve

        folder = resolve(model)
        write_card(folder, result, "gan-studio eval " + " ".join(shlex.quote(a) for a in [model, *argv]))
        print(f"wrote the evaluation into {folder / CARD_NAME}")
    return 0
