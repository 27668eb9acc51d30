"""`gan-studio train` exports through the same code as the training tab, and its card says how to rerun it."""
from __future__ import annotations

from training import jobs as J


def test_cli_exports_through_the_shared_export(tmp_path, capsys):
    from training import cli

    out, export = tmp_path / "run", tmp_path / "model"
    argv = ["--family", "dcgan", "--dataset", "mnist", "--steps", "6", "--batch-size", "4", "--sample-every", "3",
            "--set", "g_width=8", "--set", "d_width=8", "--checkpoint-every", "3", "--out", str(out),
            "--export", str(export)]
    assert cli.main(argv) == 0
    assert f"[checkpoint] step 3: saved {out / 'checkpoint'}" in capsys.readouterr().out   # not an empty "step 3: "
    assert {p.name for p in export.iterdir()} >= {"config.json", "model.safetensors", "README.md", "samples.png"}
    assert "--set g_width=8" in (export / "README.md").read_text()
    assert J.cli_command(J.make_spec("dcgan", "mnist", 6, 4, 1e-4, 2e-4, "hinge", 3, 0), out).startswith(
        "gan-studio train --family dcgan --dataset mnist --steps 6 --batch-size 4 --lr-g 0.0001 --lr-d 0.0002")
