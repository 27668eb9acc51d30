"""What a page may train on: the named datasets, its own upload, and the documented dataset folder.

Uploads (a zip, or images) are copied under $GAN_STUDIO_HOME/uploads/upload-<random> and pruned
after a day; the path of a page's upload lives in that page's gr.State on the server, so a page
trains on (and previews) its own upload only. A folder typed into the page is accepted only under
$GAN_STUDIO_HOME/datasets, the folder the README documents; the current (or last) job's own dataset
may be previewed and trained on again by every page that watches it (a reloaded page shows its form). Anything else is refused with the same words whether or
not it exists on the server (the CLI trains on any folder).
"""
from __future__ import annotations

import shutil
import time
import uuid
from pathlib import Path

from ..paths import studio_home

def uploads_dir() -> Path:
    return studio_home() / "uploads"


def datasets_dir() -> Path:
    """Where a teacher puts folders of images that every page may train on."""
    return studio_home() / "datasets"


def new_upload_dir() -> Path:
    dest = uploads_dir() / f"upload-{uuid.uuid4().hex}"
    dest.mkdir(parents=True)
    return dest


def keep_zip(path: str) -> str:
    """A zip uploaded through Gradio's shared cache -> its copy in a fresh folder of this studio's uploads."""
    dest = new_upload_dir() / Path(path).name
    shutil.copyfile(path, dest)
    return str(dest)


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return False


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


def dataset_source(dataset: str, upload: str | None = None, current: str | None = None) -> tuple[str, dict]:
    """A dataset as the tab and the API name it -> (make_dataset name, its kwargs).

    Named sets pass through; "mnist-download" fetches the 60k training split (into the studio's
    folder); "upload" (or the upload's own path) is this page's upload (`upload`, from its
    gr.State); a folder must lie under datasets_dir() (a bare name means a folder there);
    `current` (the running job's dataset) is accepted too. So a public studio cannot be pointed
    at arbitrary folders of its server, nor at another page's upload.
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
    if dataset == "upload":
        if not upload:
            raise ValueError("Upload a .zip or a folder of images first (Your images).")
        dataset = upload
    if dataset and (dataset in (upload, current) or _allowed_folder(dataset)):
        p = Path(dataset) if Path(dataset).is_absolute() else datasets_dir() / dataset
        if p.exists() and (_inside(p, uploads_dir()) or _inside(p, datasets_dir())):
            return str(p), {}
    raise ValueError(f"unknown dataset {dataset[:100]!r}: the studio only trains on uploaded images (a zip or "
                     f"images, below), folders under {datasets_dir()}, or one of {', '.join(DATASETS)}, "
                     "mnist-download (the CLI trains on any folder)")


def _allowed_folder(dataset: str) -> bool:
    p = Path(dataset)
    if not p.is_absolute():
        return ".." not in p.parts and _inside(datasets_dir() / p, datasets_dir())
    return _inside(p, datasets_dir())
