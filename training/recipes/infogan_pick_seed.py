"""Pick the best seed of an InfoGAN seed sweep (used by infogan-mnist.sh).

InfoGAN's unsupervised split of MNIST into ten categories depends on the initialisation: some
runs give one code to two kinds of "1" and share another between 4 and 9 (Chen et al. 2016 report
their numbers for the runs that worked; the appendix notes the sensitivity to initialisation).
The recipe therefore trains several seeds briefly, measures each one's categorical-code accuracy
with `gan-studio eval`, and continues only the best.

    python training/recipes/infogan_pick_seed.py runs/infogan-sweep/seed*/eval.json

prints the seed folder with the highest categorical accuracy (and a table on stderr). With
--markdown FILE it appends that table, as a section of the model card, to FILE.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    markdown = None
    if argv[:1] == ["--markdown"]:
        markdown, argv = argv[1], argv[2:]
    scores = []
    for p in argv:
        m = json.loads(Path(p).read_text())
        scores.append((m["categorical"]["accuracy"], Path(p).parent))
    if not scores:
        print("no eval.json given", file=sys.stderr)
        return 2
    for acc, folder in sorted(scores, reverse=True):
        print(f"{folder.name:12s} categorical accuracy {acc:.3f}", file=sys.stderr)
    best = max(scores)[1]
    print(best)
    if markdown:
        lines = ["", "## How the seed was chosen", "",
                 "InfoGAN's split of the digits into categories depends on the initialisation, so "
                 "`training/recipes/infogan-mnist.sh` trained each seed briefly, measured its categorical-code "
                 "accuracy (`gan-studio eval <run>/model --n 2000 --m 100`) and continued only the best "
                 "(the numbers above are the continued run's).", "",
                 "| seed run | categorical accuracy after the short run |", "|---|---|"]
        lines += [f"| {f.name}{' (continued)' if f == best else ''} | {acc:.3f} |" for acc, f in sorted(scores, reverse=True)]
        with open(markdown, "a") as f:
            f.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
