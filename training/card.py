"""Model cards: what was trained, by which command, for how long, on what, and how well."""
from __future__ import annotations

import os
import platform
import re
from pathlib import Path

import torch


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    dev = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU"
    return f"{os.cpu_count()} CPU cores ({cpu}), {dev}, torch {torch.__version__}, {platform.system()}"


def model_card(*, name: str, family: str, paper: str, dataset: str, command: str, steps: int,
               wall_s: float, final_losses: dict[str, float], metrics: dict | None = None,
               notes: str = "") -> str:
    losses = ", ".join(f"{k} {v:.3f}" for k, v in final_losses.items())
    lines = [
        f"# {name}",
        "",
        f"A generator of the `{family}` family for GAN Studio ({paper}), trained on {dataset}.",
        "",
        "![samples](samples.png)",
        "",
        "| | |",
        "|---|---|",
        f"| command | `{command}` |",
        f"| steps | {steps} |",
        f"| wall time | {wall_s / 60:.1f} min ({wall_s:.0f} s) |",
        f"| machine | {machine()} |",
        f"| final losses | {losses} |",
    ]
    for k, v in (metrics or {}).items():
        lines.append(f"| {k} | {v} |")
    lines += ["", "Load it with `studio.load(\"%s\")` or pick it in the studio." % name]
    if notes:
        lines += ["", notes]
    return "\n".join(lines) + "\n"


def write_card_section(folder: str | Path, key: str, section: str, legacy_header: str | None = None) -> Path:
    """Put `section` (markdown) into folder/README.md between <!-- key:begin --> and <!-- key:end -->,
    replacing the section an earlier run wrote. Cards written before the markers existed lose
    everything from `legacy_header` on instead. Returns the card's path."""
    card = Path(folder) / "README.md"
    text = card.read_text() if card.is_file() else f"# {Path(folder).name}\n"
    begin, end = f"<!-- {key}:begin -->", f"<!-- {key}:end -->"
    if begin in text:
        text = re.sub(re.escape(begin) + ".*?" + re.escape(end), "", text, flags=re.S)
    elif legacy_header and legacy_header in text:
        text = text.split(legacy_header)[0]
    card.write_text(text.rstrip() + "\n\n" + "\n".join([begin, "", section.strip(), "", end]) + "\n")
    return card
