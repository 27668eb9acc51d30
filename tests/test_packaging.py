"""`pip install .` (a wheel, not an editable install) gives a working studio: bundled models and assets
are found inside the installed package, not through the repository."""
from __future__ import annotations

import json
import shutil
import site
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHECK = """
import json, studio
from studio import hub, inference, paths
from studio.ui import app, cyclegan, gaugan
app.build_app(), app.CSS()          # every tab builds from the installed files (CSS, the canvas's script)
names = sorted(n for ns in studio.list_models().values() for n in ns)
for n in names:
    studio.load(n)
print(json.dumps({"studio": studio.__file__, "pretrained": str(hub.pretrained_dir()), "models": names,
                  "examples": [len(gaugan.example_maps()), len(cyclegan.examples())],
                  "eval": paths.eval_dir().is_dir(), "defaults": sorted(inference.DEFAULT_MODELS.values())}))
"""


def test_wheel_installs_and_loads_every_bundled_model(tmp_path):
    wheels, src = tmp_path / "wheels", tmp_path / "src"
    # a copy of the checkout without build/: setuptools would otherwise pack stale files left there by earlier builds
    shutil.copytree(REPO, src, ignore=shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__",
                                                             ".pytest_cache", "node_modules"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", str(src),
                    "-w", str(wheels)], check=True, capture_output=True, text=True)
    wheel, = wheels.glob("gan_studio-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    purelib = subprocess.run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], check=True,
                             capture_output=True, text=True).stdout.strip()
    # the new venv sees this environment's dependencies (torch, gradio, ...) but not its editable gan-studio
    Path(purelib, "deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps", str(wheel)],
                   check=True, capture_output=True, text=True)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "GAN_STUDIO_HOME": str(tmp_path / "home"),
           "HF_HUB_OFFLINE": "1"}
    out = subprocess.run([py, "-c", CHECK], cwd=tmp_path, env=env, check=True, capture_output=True, text=True)
    info = json.loads(out.stdout.strip().splitlines()[-1])
    assert info["studio"].startswith(purelib), info          # the installed copy, not the checkout
    assert info["pretrained"].startswith(purelib)
    bundled = sorted(p.name for p in (REPO / "pretrained").iterdir() if (p / "config.json").is_file())
    assert info["models"] == bundled and set(info["defaults"]) <= set(bundled)
    assert info["examples"] == [len(list((REPO / "assets" / d).glob("*.png"))) for d in ("gaugan", "cyclegan")]
    assert info["eval"]
