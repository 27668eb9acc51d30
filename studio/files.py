"""Writing a folder all at once: model folders (hub.save) and training checkpoints use the same swap."""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


def old_copy(folder: Path, hidden: bool = False) -> Path:
    """Where the previous version of `folder` waits while the new one is swapped in."""
    return folder.with_name(f".{folder.name}.old" if hidden else f"{folder.name}.old")


LEFTOVER_AGE_S = 600          # a temporary folder older than this is a kill's leftover, not a save in progress


def remove_leftovers(folder: str | os.PathLike, max_age_s: float = 0.0) -> list[Path]:
    """Remove the temporary folders (.<name>.XXXXXXXX) that atomic_folder left beside `folder` when the
    process was killed mid-save; the old copies (readers' fallback) stay. Returns what was removed."""
    folder, removed, now = Path(folder), [], time.time()
    if not folder.parent.is_dir():
        return removed
    keep = {old_copy(folder, True).name, old_copy(folder, False).name}
    for p in folder.parent.glob(f".{folder.name}.*"):
        try:
            if p.is_dir() and p.name not in keep and now - p.stat().st_mtime >= max_age_s:
                shutil.rmtree(p, ignore_errors=True)
                removed.append(p)
        except OSError:
            pass
    return removed


@contextmanager
def atomic_folder(folder: str | os.PathLike, hidden_old: bool = False) -> Iterator[Path]:
    """Yield an empty temporary folder beside `folder`; when the block ends without an error it
    replaces `folder` by two renames (folder -> old copy, temporary -> folder), and the old copy
    goes. A crash mid-write never leaves a half folder: until the last rename the previous version
    is at `folder` or at its old copy (readers may fall back to it, see training.checkpoint)."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(folder, LEFTOVER_AGE_S)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        yield tmp
        old = old_copy(folder, hidden_old)
        if folder.exists():
            shutil.rmtree(old, ignore_errors=True)
            os.replace(folder, old)
        os.replace(tmp, folder)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
