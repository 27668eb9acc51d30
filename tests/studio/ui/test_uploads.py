"""Uploaded training sets: old unused upload folders are pruned, the rest kept."""
from __future__ import annotations

import time

from studio.ui import uploads

from tests.helpers import png_bytes


def test_prune_uploads_removes_only_old_unused_folders(tmp_path, monkeypatch):
    import os

    monkeypatch.setattr(uploads, "uploads_dir", lambda: tmp_path / "uploads")
    old, new, running = (tmp_path / "uploads" / f"upload-{n}" for n in ("old", "new", "running"))
    for d in (old, new, running):
        d.mkdir(parents=True)
        (d / "00000_a.png").write_bytes(png_bytes(0))
    two_days_ago = time.time() - 2 * 24 * 3600
    for d in (old, running):
        os.utime(d, (two_days_ago, two_days_ago))
    removed = uploads.prune_uploads(keep={str(running)})
    assert removed == [old]
    assert not old.exists() and new.is_dir() and running.is_dir()
