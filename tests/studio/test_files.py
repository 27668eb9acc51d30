"""One atomic folder swap for model folders and checkpoints."""
from __future__ import annotations

import pytest

from studio.files import atomic_folder, old_copy


def test_atomic_folder_replaces_only_when_complete(tmp_path):
    target = tmp_path / "model"
    with atomic_folder(target) as tmp:
        (tmp / "a.txt").write_text("first")
    assert (target / "a.txt").read_text() == "first"
    with pytest.raises(RuntimeError):
        with atomic_folder(target) as tmp:
            (tmp / "a.txt").write_text("half")
            raise RuntimeError("crash mid-write")
    assert (target / "a.txt").read_text() == "first"          # the previous version is untouched
    with atomic_folder(target, hidden_old=True) as tmp:
        (tmp / "b.txt").write_text("second")
    assert sorted(p.name for p in target.iterdir()) == ["b.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]   # no temporary or old copies left
    assert old_copy(target).name == "model.old" and old_copy(target, hidden=True).name == ".model.old"
