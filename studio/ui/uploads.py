"""What a page may train on: the studio's own upload folder and the documented dataset folder.

Uploads are gathered under $GAN_STUDIO_HOME/uploads and pruned after a day; a path typed into
the page is accepted only inside those folders (the CLI trains on any folder).
"""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from ..paths import studio_home

def uploads_dir() -> Path:
    return studio_home() / "uploads"


UPLOAD_MAX_AGE_S = 24 * 3600


def prune_uploads(keep: set[str] = frozenset(), max_age_s: float = UPLOAD_MAX_AGE_S) -> list[Path]:
    """Delete gathered upload folders older than max_age_s (except those in keep, e.g. the running
    job's dataset) so a long-lived public studio does not fill its disk. Returns what was removed."""
    root, now, removed = uploads_dir(), time.time(), []
    if not root.is_dir():
        return removed
    keep = {str(Path(k).resolve()) for k in keep if k}
    for d in root.glob("upload-*"):
        try:
            if d.is_dir() and str(d.resolve()) not in keep and now - d.stat().st_mtime > max_age_s:
                shutil.rmtree(d, ignore_errors=True)
                removed.append(d)
        except OSError:
            pass
    return removed


def dataset_source(dataset: str) -> tuple[str, dict]:
    """A dataset as the tab and the API name it -> (make_dataset name, its kwargs).

    Named sets pass through; "mnist-download" fetches the 60k training split; a path must
    be an upload (or lie under $GAN_STUDIO_HOME/datasets or the temp folder), so a public
    studio cannot be pointed at arbitrary folders of its server.
    """
    from training.datasets import DATASETS
    from training.datasets.mnist import default_roots, find_idx, load_arrays

    dataset = (dataset or "").strip()
    if dataset in DATASETS:
        return dataset, {}
    if dataset == "mnist-download":
        root = default_roots()[-1]
        if find_idx(root, "train") is None:
            try:
                load_arrays(root, download=True)
            except Exception as e:
                raise ValueError(f"could not download the 60k MNIST training set into {root} (offline?): "
                                 f"{type(e).__name__}: {' '.join(str(e).split())[:200]}. The shipped 10k "
                                 "digits work offline: choose 'mnist'.") from None
        return "mnist", {"root": root}
    p = Path(dataset).expanduser()
    if dataset and p.exists():
        roots = [uploads_dir(), studio_home() / "datasets", Path(tempfile.gettempdir())]
        if any(p.resolve().is_relative_to(r.resolve()) for r in roots):
            return str(p), {}
        raise ValueError(f"{dataset}: the studio only trains on uploaded images or folders under "
                         f"{studio_home() / 'datasets'}; upload a zip, or use the CLI for other folders")
    raise ValueError(f"unknown dataset {dataset!r}: use one of {', '.join(DATASETS)}, mnist-download, "
                     "or upload a zip/folder of images")
