"""The layers of the code: inference never needs training or Gradio; importing the package is cheap."""
from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
import studio
cheap = sorted(m for m in ("torch", "gradio") if m in sys.modules)
import studio.inference, studio.hub, studio.registry
print(json.dumps({"cheap": cheap, "loaded": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def test_core_needs_neither_training_nor_gradio():
    out = subprocess.run([sys.executable, "-c", PROBE], check=True, capture_output=True, text=True)
    info = json.loads(out.stdout.strip().splitlines()[-1])
    assert info["cheap"] == []                       # `import studio` loads no torch
    assert "training" not in info["loaded"] and "gradio" not in info["loaded"]
