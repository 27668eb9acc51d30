"""Writing a folder all at once: model folders (hub.save) and training checkpoints use the same swap."""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


def old_copy(folder: Path, hidden: bool = False) -> Path:
    """Where the previous version of `folder` waits while the new one is swapped in."""
    return folder.with_name(f".{folder.name}.old" if hidden else f"{folder.name}.old")


@contextmanager
def atomic_folder(folder: str | os.PathLike, hidden_old: bool = False) -> Iterator[Path]:
    """Yield an empty temporary folder beside `folder`; when the block ends without an error it
    replaces `folder` by two renames (folder -> old copy, temporary -> folder), and the old copy
    goes. A crash mid-write never leaves a half folder: until the last rename the previous version
    is at `folder` or at its old copy (readers may fall back to it, see training.checkpoint)."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
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
