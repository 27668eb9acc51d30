"""Pictures that users hand the studio: uploads decoded safely, label maps parsed into classes.

Every decoder checks the picture's size from its header before decoding it, and says in words
what is wrong with a file that cannot be used. (Tensor <-> picture conversions live in
studio.images: to_pil, to_tensor, grid.)
"""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_PIXELS = 50_000_000   # refuse bigger pictures before decoding them
MIN_UPLOAD_SIDE = 16             # smaller pictures carry nothing to translate
MAX_SIDE = 512                   # long side of the picture the generator sees, at most
CYCLEGAN_WORK_SCALE = 4          # ...and at most this times the model's training size (64 px -> 256 px)
SNAP_FAR = 60.0                  # RGB distance beyond which a painted colour is "not a class colour"


def _to_rgb(im: Image.Image) -> Image.Image:
    """Any PIL mode -> 8-bit RGB: transparency composited on white, 16/32-bit and float scaled to 0..255."""
    if im.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        a = np.asarray(im, dtype=np.float64)
        if im.mode.startswith("I;16"):
            a = a / 257.0                                    # 0..65535 -> 0..255
        elif im.mode == "I":
            a = a / 257.0 if a.max(initial=0) > 255 else a   # 16-bit PNGs often open as "I"
        else:
            lo, hi = float(a.min(initial=0)), float(a.max(initial=1))
            a = a * 255.0 if lo >= 0 and hi <= 1 else (a - lo) * (255.0 / max(hi - lo, 1e-12))
        im = Image.fromarray(np.clip(np.rint(a), 0, 255).astype(np.uint8), "L")
    if im.mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    if im.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        im = Image.alpha_composite(white, rgba)
    try:
        return im.convert("RGB")
    except (ValueError, OSError) as e:
        raise ValueError(f"pictures in colour mode {im.mode!r} are not supported ({e}); save it as an RGB PNG or JPEG")


def load_picture(src, max_side: int = MAX_SIDE) -> Image.Image:
    """An uploaded file (path) or PIL image -> RGB picture, EXIF rotation applied, aspect ratio kept,
    long side <= max_side, width and height multiples of 4. Raises ValueError saying what is wrong."""
    if src is None:
        raise ValueError("no picture: upload one or pick an example")
    if isinstance(src, Image.Image):
        im = src
    else:
        path = Path(src)
        if not path.is_file():
            raise FileNotFoundError(f"picture {path.name!r} not found")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            try:
                im = Image.open(path)          # reads the header only: the size is known before decoding
            except Image.DecompressionBombError as e:
                raise ValueError(f"{path.name} is far too large to translate ({e})") from None
            except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
                raise ValueError(f"{path.name} is not a picture that can be read (PNG, JPEG, WebP, GIF, BMP, TIFF…); "
                                 "the file may be damaged or of another kind") from None
    w, h = im.size
    if w * h > MAX_UPLOAD_PIXELS:
        raise ValueError(f"the picture is {w}×{h} = {w * h / 1e6:.0f} megapixels; the limit is "
                         f"{MAX_UPLOAD_PIXELS / 1e6:.0f} megapixels: please scale it down first")
    if min(w, h) < MIN_UPLOAD_SIDE:
        raise ValueError(f"the picture is only {w}×{h} pixels; it needs at least {MIN_UPLOAD_SIDE} on each side")
    try:
        im = ImageOps.exif_transpose(im) or im      # phone photos: apply the EXIF rotation
        im.load()
        im = _to_rgb(im)
    except ValueError:
        raise
    except (OSError, SyntaxError, EOFError, Image.DecompressionBombError) as e:
        raise ValueError(f"the picture file is damaged or truncated and cannot be decoded ({e})") from None
    w, h = im.size
    scale = min(1.0, max_side / max(w, h))
    if scale < 1.0:
        im = im.resize((max(4, round(w * scale)), max(4, round(h * scale))), Image.LANCZOS)
    w, h = im.size
    cw, ch = w - w % 4, h - h % 4                      # crop (not stretch) to multiples of 4
    if (cw, ch) != (w, h):
        left, top = (w - cw) // 2, (h - ch) // 2
        im = im.crop((left, top, left + cw, top + ch))
    return im



# --------------------------------------------------------------------------------------------- label maps
# Label maps arrive as pictures painted in the palette colours. Brush anti-aliasing blends
# colours at stroke edges, and uploads may carry any colour: every pixel snaps to the nearest
# palette colour (RGB distance); pixels farther than SNAP_FAR from every class colour are
# snapped too, and counted, so the UI can say so. Transparent pixels (alpha < 128) take the
# fallback label (the editor's background layer, or class 0).


class LabelMap:
    """A parsed label map: labels (H, W) int64 class indices, plus counts of far-off and transparent pixels."""

    def __init__(self, labels, far: int, transparent: int):
        self.labels, self.far, self.transparent = labels, int(far), int(transparent)

    @property
    def message(self) -> str:
        n = self.labels.size
        parts = []
        if self.far:
            parts.append(f"{self.far} pixels ({100 * self.far / n:.1f}%) were not close to any class colour "
                         "and were snapped to the nearest one")
        if self.transparent:
            parts.append(f"{self.transparent} transparent pixels took the background's class")
        return "; ".join(parts) + "." if parts else ""



def rgba_array(image) -> np.ndarray:
    """A picture (path, PIL image or array) -> (H, W, 4) uint8 RGBA."""
    if isinstance(image, (str, Path)):
        with Image.open(image) as im:
            image = im.convert("RGBA")
    if isinstance(image, Image.Image):
        image = np.asarray(image.convert("RGBA"))
    a = np.asarray(image)
    if a.ndim == 2:
        a = np.stack([a, a, a], -1)
    if a.ndim != 3 or a.shape[2] not in (3, 4) or min(a.shape[:2]) < 1:
        raise ValueError(f"a label map must be an RGB(A) image, got an array of shape {a.shape}")
    if a.dtype != np.uint8:
        a = np.clip(a, 0, 255).astype(np.uint8)
    if a.shape[2] == 3:
        a = np.concatenate([a, np.full(a.shape[:2] + (1,), 255, np.uint8)], -1)
    return a


def parse_label_map(image, colors, fallback=0, far: float = SNAP_FAR) -> LabelMap:
    """Snap a painted picture (PIL, path, or (H, W[, 3|4]) uint8 array) to class indices.

    colors: (K, 3) palette RGB. fallback: a class index or an (H, W) label array for
    transparent pixels. Every pixel goes to its nearest palette colour; the ones farther
    than `far` from all of them are counted in LabelMap.far.
    """
    a = rgba_array(image)
    pal = np.asarray(colors, dtype=np.int32).reshape(-1, 3)
    rgb = a[..., :3].reshape(-1, 1, 3).astype(np.int32)
    d2 = ((rgb - pal[None]) ** 2).sum(-1)                          # (H*W, K)
    labels = d2.argmin(1)
    dmin = np.sqrt(d2.min(1).astype(np.float64))
    clear = a[..., 3].reshape(-1) < 128
    fb = np.asarray(fallback)
    if fb.ndim == 0:
        labels[clear] = int(fb)
    else:
        if fb.shape != a.shape[:2]:
            raise ValueError(f"fallback label map {fb.shape} does not match the image {a.shape[:2]}")
        labels[clear] = fb.reshape(-1)[clear]
    n_far = int((dmin[~clear] > far).sum())
    return LabelMap(labels.reshape(a.shape[:2]).astype(np.int64), n_far, int(clear.sum()))
