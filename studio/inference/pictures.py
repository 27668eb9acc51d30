"""Pictures that users hand the studio: uploads decoded safely, label maps parsed into classes.

One decoding path for every picture the studio is handed (a translated photo, a painted label map,
a style image, the images of a training zip or folder): open_picture reads the size from the
header, refuses more than MAX_UPLOAD_PIXELS before anything is decoded, and says in words what
is wrong with a file that cannot be used. Zip members are read by read_zip_member, which counts
the bytes it actually inflates (never the size a header claims). (Tensor <-> picture conversions
live in studio.images: to_pil, to_tensor, grid.)
"""
from __future__ import annotations

import base64
import binascii
import io
import warnings
import zipfile
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_PIXELS = 50_000_000   # refuse bigger pictures before decoding them (every input, one limit)
MIN_UPLOAD_SIDE = 16             # smaller pictures carry nothing to translate
MAX_SIDE = 512                   # long side of the picture the generator sees, at most
LABEL_MAP_SIDE = 1024            # label maps are reduced (nearest: colours stay class colours) to this side
CYCLEGAN_WORK_SCALE = 4          # ...and at most this times the model's training size (64 px -> 256 px)
SNAP_FAR = 60.0                  # RGB distance beyond which a painted colour is "not a class colour"
ZIP_CHUNK = 1 << 16              # compressed bytes fed to the inflater at a time


class PictureTooLarge(ValueError):
    """A picture over the pixel limit (refused from its header, before decoding)."""


def _source(src, what: str):
    """-> (a file name for messages, something PIL.Image.open reads) for a path, bytes, or an upload's
    raw payload ({"path": ...} or an inline data: URL, as events with preprocess=False receive it)."""
    if isinstance(src, dict):
        url, path = src.get("url") or "", src.get("path")
        if url.startswith("data:"):
            try:
                return what, io.BytesIO(base64.b64decode(url.split(",", 1)[-1], validate=False))
            except (binascii.Error, ValueError):
                raise ValueError(f"the {what} sent inline is not valid base64 data") from None
        if not path:
            raise ValueError(f"no {what}: the upload carried no file")
        src = path
    if isinstance(src, (bytes, bytearray)):
        return what, io.BytesIO(src)
    path = Path(src)
    if not path.is_file():
        raise FileNotFoundError(f"{what} {path.name!r} not found")
    return path.name, path


def open_picture(src, what: str = "picture", max_pixels: int = MAX_UPLOAD_PIXELS) -> Image.Image:
    """A picture handed to the studio -> a decoded PIL image (any mode), EXIF rotation applied.

    src: a path, bytes, an upload payload dict, a PIL image or an (H, W[, C]) array. The size is
    checked from the header before decoding; every failure is a ValueError (PictureTooLarge for
    an oversized one) saying what is wrong."""
    if src is None:
        raise ValueError(f"no {what}: upload one or pick an example")
    if isinstance(src, np.ndarray):
        if src.ndim not in (2, 3) or src.shape[0] * src.shape[1] > max_pixels:
            raise ValueError(f"the {what} array has shape {src.shape}; expected (H, W[, C]) of at most "
                             f"{max_pixels / 1e6:.0f} megapixels")
        a = src if src.dtype == np.uint8 else np.clip(src, 0, 255).astype(np.uint8)
        return Image.fromarray(a)
    if isinstance(src, Image.Image):
        im, name = src, what
    else:
        name, fp = _source(src, what)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            try:
                im = Image.open(fp)            # reads the header only: the size is known before decoding
            except Image.DecompressionBombError as e:
                raise PictureTooLarge(f"{name} is far too large to use ({e})") from None
            except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
                raise ValueError(f"{name} is not a picture that can be read (PNG, JPEG, WebP, GIF, BMP, TIFF…); "
                                 "the file may be damaged or of another kind") from None
    w, h = im.size
    if w * h > max_pixels:
        raise PictureTooLarge(f"the {what} is {w}×{h} = {w * h / 1e6:.0f} megapixels; the limit is "
                              f"{max_pixels / 1e6:.0f} megapixels: please scale it down first")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = ImageOps.exif_transpose(im) or im      # phone photos: apply the EXIF rotation
            im.load()
    except (OSError, SyntaxError, EOFError, ValueError, Image.DecompressionBombError) as e:
        raise ValueError(f"the {what} file is damaged or truncated and cannot be decoded ({e})") from None
    return im


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


def load_picture(src, max_side: int = MAX_SIDE, multiple: int = 4, what: str = "picture") -> Image.Image:
    """An uploaded file (path, payload, bytes) or PIL image -> RGB picture, EXIF rotation applied, aspect
    ratio kept, long side <= max_side, width and height multiples of `multiple`. Raises ValueError saying
    what is wrong."""
    im = open_picture(src, what)
    w, h = im.size
    if min(w, h) < MIN_UPLOAD_SIDE:
        raise ValueError(f"the {what} is only {w}×{h} pixels; it needs at least {MIN_UPLOAD_SIDE} on each side")
    im = _to_rgb(im)
    scale = min(1.0, max_side / max(w, h))
    if scale < 1.0:
        im = im.resize((max(4, round(w * scale)), max(4, round(h * scale))), Image.LANCZOS)
    w, h = im.size
    cw, ch = w - w % multiple, h - h % multiple        # crop (not stretch) to multiples
    if (cw, ch) != (w, h):
        left, top = (w - cw) // 2, (h - ch) // 2
        im = im.crop((left, top, left + cw, top + ch))
    return im


# --------------------------------------------------------------------------------------------- zip members

def check_zip_member(info: zipfile.ZipInfo, label: str) -> None:
    """Refuse, in words, what the reader below cannot read: encrypted members, exotic compression."""
    if info.flag_bits & 0x1:
        raise ValueError(f"{label} is password-protected (encrypted): the studio cannot read it. "
                         "Zip the images again without a password.")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ValueError(f"{label} uses a compression the studio does not read ({info.filename}); "
                         "zip the images again with the usual (deflate) compression")


def read_zip_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, max_bytes: int) -> bytes | None:
    """The member's bytes, or None as soon as it inflates past max_bytes, whatever its header claims.

    Reads the compressed bytes itself and inflates them a chunk at a time with an output limit, so
    neither a header that under-states the size nor a bomb's ratio costs more than max_bytes of
    memory (and the work stops there). A damaged member raises zipfile.BadZipFile."""
    check_zip_member(info, info.filename)
    fp = zf.fp
    fp.seek(info.header_offset)
    header = fp.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"{info.filename}: bad local header")
    name_len, extra_len = int.from_bytes(header[26:28], "little"), int.from_bytes(header[28:30], "little")
    fp.seek(info.header_offset + 30 + name_len + extra_len)
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    out, left = bytearray(), info.compress_size
    try:
        while left > 0:
            chunk = fp.read(min(ZIP_CHUNK, left))
            if not chunk:
                raise zipfile.BadZipFile(f"{info.filename}: truncated")
            left -= len(chunk)
            while chunk:
                room = max_bytes + 1 - len(out)
                piece = inflater.decompress(chunk, room) if inflater else chunk[:room]
                out += piece
                if len(out) > max_bytes:
                    return None
                chunk = inflater.unconsumed_tail if inflater else b""
            if inflater is not None and inflater.eof:
                break
    except zlib.error as e:
        raise zipfile.BadZipFile(f"{info.filename}: {e}") from None
    if zlib.crc32(out) != info.CRC:
        raise zipfile.BadZipFile(f"{info.filename}: its contents do not match their checksum")
    return bytes(out)


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



def rgba_array(image, max_side: int | None = None, what: str = "label map") -> np.ndarray:
    """A picture (path, payload, PIL image or array) -> (H, W, 4) uint8 RGBA, decoded by open_picture;
    with max_side, a larger one is first reduced (nearest neighbour: colours stay as painted)."""
    if isinstance(image, np.ndarray) and image.ndim == 3 and image.shape[2] not in (3, 4):
        raise ValueError(f"a {what} must be an RGB(A) image, got an array of shape {image.shape}")
    im = open_picture(image, what)
    if max_side and max(im.size) > max_side:
        scale = max_side / max(im.size)
        im = im.resize((max(1, round(im.width * scale)), max(1, round(im.height * scale))), Image.NEAREST)
    if im.mode not in ("RGBA", "RGB", "L", "P", "LA", "PA", "1"):
        im = _to_rgb(im)
    a = np.asarray(im.convert("RGBA"))
    if min(a.shape[:2]) < 1:
        raise ValueError(f"the {what} is empty ({a.shape[1]}×{a.shape[0]})")
    return a


def parse_label_map(image, colors, fallback=0, far: float = SNAP_FAR) -> LabelMap:
    """Snap a painted picture (PIL, path, upload payload, or (H, W[, 3|4]) uint8 array) to class indices.

    Maps larger than LABEL_MAP_SIDE are reduced first (nearest). colors: (K, 3) palette RGB.
    fallback: a class index or an (H, W) label array (resized to the map if needed) for
    transparent pixels. Every pixel goes to its nearest palette colour; the ones farther
    than `far` from all of them are counted in LabelMap.far.
    """
    a = rgba_array(image, LABEL_MAP_SIDE)
    pal = np.asarray(colors, dtype=np.int32).reshape(-1, 3)
    rgb = a[..., :3].reshape(-1, 3).astype(np.int32)                # (H*W, 3)
    labels = np.zeros(len(rgb), np.int64)
    d2min = np.full(len(rgb), np.iinfo(np.int32).max, np.int32)
    for k, color in enumerate(pal):                                  # class by class: memory O(H*W), not O(H*W*K)
        d2 = ((rgb - color) ** 2).sum(1, dtype=np.int32)
        closer = d2 < d2min
        labels[closer], d2min[closer] = k, d2[closer]
    dmin = np.sqrt(d2min.astype(np.float64))
    clear = a[..., 3].reshape(-1) < 128
    fb = np.asarray(fallback)
    if fb.ndim == 0:
        labels[clear] = int(fb)
    else:
        if fb.ndim != 2:
            raise ValueError(f"fallback labels must be a class index or an (H, W) array, got shape {fb.shape}")
        if fb.shape != a.shape[:2]:                                  # e.g. a background of another size: nearest
            fb = fb[np.arange(a.shape[0]) * fb.shape[0] // a.shape[0]][:, np.arange(a.shape[1]) * fb.shape[1] // a.shape[1]]
        labels[clear] = fb.reshape(-1)[clear]
    n_far = int((dmin[~clear] > far).sum())
    return LabelMap(labels.reshape(a.shape[:2]), n_far, int(clear.sum()))
