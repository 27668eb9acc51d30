"""The studio's inference API: small, typed, no_grad, returning PIL images.

One function per demo. The UI tabs and scripts call these; nothing here knows about
Gradio. Models are cached by their folder and the weights' modification time, so a
model retrained under the same name is picked up, and every user shares the read-only
weights but no other state.
"""
from __future__ import annotations

import os
import tempfile
from collections import OrderedDict
from pathlib import Path
from threading import Lock

import torch
from PIL import Image
from torch import nn

from . import hub
from .images import grid, to_pil
from .latent import interpolate as interp
from .models.layers import seeded_normal

DISPLAY = 256          # min side of single images shown in the UI, in pixels
CELL = 96              # min side of each cell in strips and grids

DEFAULT_MODELS = {"dcgan": "dcgan-mnist", "infogan": "infogan-mnist", "spade": "spade-landscapes",
                  "stylegan": "stylegan-faces", "cyclegan": "cyclegan-summer2winter"}


class ModelCache:
    """At most `size` generators in memory, keyed by (folder, weights mtime)."""

    def __init__(self, size: int = 8):
        self.size, self._items, self._lock = size, OrderedDict(), Lock()

    def get(self, name: str) -> nn.Module:
        key = self._key(name)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        model = hub.load(name)
        with self._lock:
            self._items[key] = model
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return model

    @staticmethod
    def _key(name: str):
        s = str(name)
        if s.endswith((".pth", ".pt")) and Path(s).is_file():
            return (str(Path(s).resolve()), os.path.getmtime(s))
        folder = hub.resolve(s)
        w = folder / hub.WEIGHTS_NAME
        return (str(folder.resolve()), w.stat().st_mtime_ns if w.exists() else 0)


CACHE = ModelCache()


def get_model(name: str, family: str | None = None) -> nn.Module:
    model = CACHE.get(name or DEFAULT_MODELS.get(family or "", ""))
    if family and getattr(model, "family", None) != family:
        raise hub.ModelLoadError(f"{name!r} is a model of the {getattr(model, 'family', '?')} family; this demo needs one of the {family} family")
    return model


def models_for(family: str) -> list[str]:
    return hub.list_models().get(family, [])


def latent_models() -> list[str]:
    """Models that map a z vector to an image (what the interpolation demo can walk through)."""
    return [n for fam in ("dcgan", "stylegan") for n in models_for(fam)]


# ----------------------------------------------------------------------------- interpolation

def _latents(G: nn.Module, seed_a: int, seed_b: int, t, method: str) -> torch.Tensor:
    a, b = seeded_normal(seed_a, G.z_dim), seeded_normal(seed_b, G.z_dim)
    z = interp(a, b, t, method)
    return z if z.dim() == 2 else z[None]


def _check(steps: int | None = None, t: float | None = None, truncation: float = 1.0) -> None:
    if steps is not None and not 2 <= int(steps) <= 64:
        raise ValueError(f"steps must be between 2 and 64, got {steps}")
    if t is not None and not 0.0 <= float(t) <= 1.0:
        raise ValueError(f"t must be between 0 and 1, got {t}")
    if not 0.0 <= float(truncation) <= 2.0:
        raise ValueError(f"truncation must be between 0 and 2, got {truncation}")


@torch.no_grad()
def interpolation_frames(model: str, seed_a: int, seed_b: int, steps: int = 8, method: str = "slerp",
                         truncation: float = 1.0) -> torch.Tensor:
    """(steps, C, H, W) in [-1, 1]: frame k is G(path(k / (steps - 1)))."""
    _check(steps=steps, truncation=truncation)
    G = get_model(model)
    t = torch.linspace(0, 1, int(steps))
    return G(_latents(G, int(seed_a), int(seed_b), t, method), truncation=float(truncation))


def interpolate(model: str, seed_a: int, seed_b: int, steps: int = 8, method: str = "slerp",
                truncation: float = 1.0, gif_dir: str | None = None) -> tuple[Image.Image, str]:
    """-> (frame strip, path of an animated GIF that walks A -> B -> A)."""
    frames = interpolation_frames(model, seed_a, seed_b, steps, method, truncation)
    strip = grid(frames, nrow=len(frames), cell=CELL)
    pics = [to_pil(f, DISPLAY) for f in frames]
    loop = pics + pics[-2:0:-1]          # there and back, so the GIF loops smoothly
    fd, path = tempfile.mkstemp(suffix=".gif", prefix=f"interp_{seed_a}_{seed_b}_", dir=gif_dir)
    os.close(fd)
    loop[0].save(path, save_all=True, append_images=loop[1:], duration=90, loop=0)
    return strip, path


@torch.no_grad()
def interpolate_frame(model: str, seed_a: int, seed_b: int, t: float = 0.5, method: str = "slerp",
                      truncation: float = 1.0) -> Image.Image:
    _check(t=t, truncation=truncation)
    G = get_model(model)
    return to_pil(G(_latents(G, int(seed_a), int(seed_b), float(t), method), truncation=float(truncation))[0],
                  DISPLAY)


# ----------------------------------------------------------------------------- infogan

INFOGAN_CODE_LIMIT = 3.0      # |c| accepted for continuous codes (training used U(-1, 1); the sliders go to 2)
INFOGAN_GRID_VALUES = 9       # columns of a continuous-code grid: evenly spaced values in [-2, 2]


def infogan_codes(model: str) -> tuple[int, int]:
    """-> (values of the categorical code, number of continuous codes) of an InfoGAN model."""
    G = get_model(model, "infogan")
    return G.n_cat, G.n_cont


def _whole(x) -> int | None:
    """x as an int if it is a whole number (3, 3.0, "3"), else None."""
    try:
        f = float(x)
        return int(f) if f == int(f) else None
    except (TypeError, ValueError, OverflowError):
        return None


def _check_seed(seed) -> int:
    s = _whole(seed)
    if s is None or not 0 <= s < 2 ** 63:
        raise ValueError(f"seed must be a whole number >= 0, got {seed}")
    return s


def _check_category(G: nn.Module, category) -> int:
    if G.n_cat == 0:
        return 0
    c = _whole(category)
    if c is None or not 0 <= c < G.n_cat:
        raise ValueError(f"category must be a whole number from 0 to {G.n_cat - 1} (this model's categorical "
                         f"code has {G.n_cat} values), got {category}")
    return c


def _check_cont(G: nn.Module, codes) -> torch.Tensor:
    """Continuous codes c1, c2, ... -> (n_cont,): missing codes are 0, codes the model lacks are ignored."""
    values = [0.0 if c is None else float(c) for c in codes][:G.n_cont]
    for i, c in enumerate(values, start=1):
        if not -INFOGAN_CODE_LIMIT <= c <= INFOGAN_CODE_LIMIT:   # also refuses nan
            raise ValueError(f"c{i} must be between -{INFOGAN_CODE_LIMIT:g} and {INFOGAN_CODE_LIMIT:g} "
                             f"(training used -1..1), got {c}")
    return torch.tensor(values + [0.0] * (G.n_cont - len(values)))


@torch.no_grad()
def infogan_image(model: str, seed: int, category: int = 0, codes: tuple[float, ...] = ()) -> Image.Image:
    """G(z(seed), category, c1, c2, ...) as one image."""
    G = get_model(model, "infogan")
    z = seeded_normal(_check_seed(seed), G.z_dim)[None]
    cat = torch.tensor([_check_category(G, category)])
    return to_pil(G(z, cat if G.n_cat else None, _check_cont(G, codes)[None])[0], DISPLAY)


def infogan_grid_values(G: nn.Module, vary: str) -> list:
    """The column values of a "vary one code" grid: every category, or 9 values in [-2, 2]."""
    names = (["category"] if G.n_cat else []) + [f"c{i}" for i in range(1, G.n_cont + 1)]
    if vary not in names:
        raise ValueError(f"vary must be one of {', '.join(names)} for this model, got {vary!r}")
    if vary == "category":
        return list(range(G.n_cat))
    return [round(v, 3) for v in torch.linspace(-2, 2, INFOGAN_GRID_VALUES).tolist()]


@torch.no_grad()
def infogan_grid_images(model: str, vary: str = "category", seed: int = 0, rows: int = 10) -> torch.Tensor:
    """(rows * cols, C, H, W): row r uses noise seed + r, column j sets the varied code to its j-th value.
    Rows of a continuous-code grid also step through the categories (row r: category r mod n_cat);
    all codes that are not varied are 0 (category 0 in a category-free row)."""
    G = get_model(model, "infogan")
    seed, rows = _check_seed(seed), _whole(rows)
    if rows is None or not 1 <= rows <= 20:
        raise ValueError(f"rows must be between 1 and 20, got {rows}")
    values = infogan_grid_values(G, vary)
    cols = len(values)
    z = torch.stack([seeded_normal(seed + r, G.z_dim) for r in range(rows)]).repeat_interleave(cols, 0)
    cat = torch.arange(rows).remainder(max(G.n_cat, 1)).repeat_interleave(cols)
    cont = torch.zeros(rows * cols, G.n_cont)
    if vary == "category":
        cat = torch.tensor(values).repeat(rows)
    else:
        cont[:, int(vary[1:]) - 1] = torch.tensor(values, dtype=torch.float32).repeat(rows)
    return G(z, cat if G.n_cat else None, cont)


def infogan_grid(model: str, vary: str = "category", seed: int = 0, rows: int = 10) -> Image.Image:
    """The paper's "varying one code" figure: rows = noise seeds, columns = values of the code."""
    G = get_model(model, "infogan")
    return grid(infogan_grid_images(model, vary, seed, rows), nrow=len(infogan_grid_values(G, vary)), cell=64)


# ----------------------------------------------------------------------------- cyclegan

MAX_UPLOAD_PIXELS = 50_000_000   # refuse bigger pictures before decoding them
MIN_UPLOAD_SIDE = 16             # smaller pictures carry nothing to translate
MAX_SIDE = 512                   # long side of the picture the generator sees, at most
CYCLEGAN_WORK_SCALE = 4          # ...and at most this times the model's training size (64 px -> 256 px)


class NoCycleNote(str):
    """A message shown instead of the cycle reconstruction (single-direction models)."""


def _to_rgb(im: Image.Image) -> Image.Image:
    """Any PIL mode -> 8-bit RGB: transparency composited on white, 16/32-bit and float scaled to 0..255."""
    import numpy as np

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
    import warnings

    from PIL import ImageOps, UnidentifiedImageError

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


def _pil_to_tensor(im: Image.Image) -> torch.Tensor:
    import numpy as np

    return torch.from_numpy(np.asarray(im, dtype=np.float32)).permute(2, 0, 1).div(127.5).sub(1.0)


def heatmap(diff: torch.Tensor, vmax: float = 0.5) -> Image.Image:
    """(H, W) absolute differences in [-1, 1] units -> colour-mapped picture (black, purple, red, yellow, white)."""
    stops = torch.tensor([[0, 0, 0], [80, 18, 123], [200, 50, 60], [250, 170, 30], [252, 255, 200]],
                         dtype=torch.float32)
    t = (diff / vmax).clamp(0, 1) * (len(stops) - 1)
    i = t.floor().long().clamp(max=len(stops) - 2)
    f = (t - i)[..., None]
    rgb = stops[i] * (1 - f) + stops[i + 1] * f
    return Image.fromarray(rgb.round().to(torch.uint8).numpy())


def cyclegan_models() -> list[str]:
    return models_for("cyclegan")


def cyclegan_domains(model: str) -> tuple[str, str, list[str]]:
    """(name of domain A, name of domain B, the directions the model has)."""
    G = get_model(model, "cyclegan")
    return G.config.domain_a, G.config.domain_b, list(G.config.directions)


@torch.no_grad()
def translate_views(model: str, image, direction: str = "AtoB") -> dict:
    """Everything the CycleGAN tab shows: {"input", "translated", "reconstructed" (None without a cycle),
    "heatmap" (None without a cycle), "note", "cycle_l1"}."""
    if direction not in ("AtoB", "BtoA"):
        raise ValueError(f"direction must be 'AtoB' or 'BtoA', got {direction!r}")
    G = get_model(model, "cyclegan")
    G.direction_net(direction)                         # a clear error if the model lacks this direction
    side = min(MAX_SIDE, CYCLEGAN_WORK_SCALE * int(G.config.img_size))
    pic = load_picture(image, max_side=side)
    x = _pil_to_tensor(pic)[None]
    y = G(x, direction).clamp(-1, 1)
    out = {"input": pic, "translated": to_pil(y[0]), "reconstructed": None, "heatmap": None, "cycle_l1": None}
    back = "BtoA" if direction == "AtoB" else "AtoB"
    if back in G.config.directions:
        rec = G(y, back).clamp(-1, 1)
        diff = (rec[0] - x[0]).abs().mean(0)
        out.update(reconstructed=to_pil(rec[0]), heatmap=heatmap(diff), cycle_l1=float(diff.mean()))
        out["note"] = (f"Cycle L1 = {out['cycle_l1']:.3f} (mean |input − reconstruction| in [−1, 1] units). "
                       "Bright spots in the heat map are what the round trip could not bring back.")
    else:
        out["note"] = NoCycleNote(
            f"This model only has its {direction} generator ({G.config.source or G.config.domain_a}), so "
            "there is no way back and no cycle reconstruction to show: official CycleGAN files hold one "
            "direction each. Load the opposite file (e.g. zebra2horse.pth for horse2zebra.pth) to translate back.")
    return out


def translate(model: str, image, direction: str = "AtoB") -> tuple[Image.Image, Image.Image | None]:
    """-> (translation, cycle reconstruction). The reconstruction is None for a single-direction model."""
    v = translate_views(model, image, direction)
    return v["translated"], v["reconstructed"]


# ----------------------------------------------------------------------------- gaugan (SPADE)
# Label maps arrive as pictures painted in the palette colours. Brush anti-aliasing blends
# colours at stroke edges, and uploads may carry any colour: every pixel snaps to the nearest
# palette colour (RGB distance); pixels farther than SNAP_FAR from every class colour are
# snapped too, and counted, so the UI can say so. Transparent pixels (alpha < 128) take the
# fallback label (the editor's background layer, or class 0).

SNAP_FAR = 60.0        # RGB distance beyond which a painted colour is "not a class colour"
PAINT_DISPLAY = 384    # side of the displayed GauGAN picture, in pixels


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


def spade_models() -> list[str]:
    return models_for("spade")


def palette(model: str) -> list[dict]:
    """[{"name": class name, "color": "#rrggbb"}] of a spade model's label classes."""
    G = get_model(model, "spade")
    return [{"name": n, "color": c} for n, c in zip(G.config.classes, G.config.palette)]


def _rgba_array(image):
    import numpy as np

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
    import numpy as np

    a = _rgba_array(image)
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


def labels_to_image(model: str, labels) -> Image.Image:
    """(H, W) class indices -> RGB picture in the model's palette colours."""
    import numpy as np

    G = get_model(model, "spade")
    return Image.fromarray(G.palette_rgb().numpy()[np.asarray(labels, dtype=np.int64)])


def _downsample_labels(labels, size: int) -> torch.Tensor:
    """(H, W) -> (1, size, size) by majority vote over each cell (thin strokes and AA edges behave)."""
    t = torch.as_tensor(labels, dtype=torch.long)
    k = int(t.max()) + 1
    onehot = torch.nn.functional.one_hot(t, k).permute(2, 0, 1)[None].float()
    return torch.nn.functional.interpolate(onehot, size=(size, size), mode="area").argmax(1)


@torch.no_grad()
def style_code(model: str, style_seed: int = 0, style_image=None, preset: str | None = None) -> torch.Tensor:
    """(z_dim,) style: the encoder's mean of style_image if given, else the named preset, else z ~ N(0, I) of the seed."""
    G = get_model(model, "spade")
    if style_image is not None:
        x = _rgba_array(style_image)[..., :3]
        t = torch.from_numpy(x.copy()).permute(2, 0, 1)[None].float() / 127.5 - 1
        return G.encode(t)[0][0]
    if preset:
        return G.preset(preset)
    return seeded_normal(int(style_seed), G.z_dim)


@torch.no_grad()
def paint_labels(model: str, labels, z: torch.Tensor, display: int = PAINT_DISPLAY) -> Image.Image:
    """Class indices (H, W) + style code -> the generated picture, upscaled (bicubic) for display."""
    G = get_model(model, "spade")
    labels = torch.as_tensor(labels, dtype=torch.long)
    if int(labels.min()) < 0 or int(labels.max()) >= G.num_classes:
        raise ValueError(f"labels must be classes 0..{G.num_classes - 1}")
    y = _downsample_labels(labels, G.config.img_size)
    img = to_pil(G(y, z[None])[0])
    return img.resize((display, display), Image.BICUBIC) if display else img


def paint(model: str, label_map, style_seed: int = 0, style_image=None, preset: str | None = None,
          fallback=0) -> tuple[Image.Image, str]:
    """A label map painted in the palette colours -> (picture, note about snapped/transparent pixels)."""
    G = get_model(model, "spade")
    if label_map is None:
        raise ValueError("no label map: paint one, pick an example, or upload a picture in the palette colours")
    parsed = parse_label_map(label_map, G.palette_rgb().numpy(), fallback)
    z = style_code(model, style_seed, style_image, preset)
    return paint_labels(model, parsed.labels, z), parsed.message


# ----------------------------------------------------------------------------- style mixing (StyleGAN)

MAX_MIX_SEEDS = 8      # seeds per side of the mixing grid


def parse_seeds(text, what: str = "seeds", max_n: int = MAX_MIX_SEEDS) -> list[int]:
    """"1,2,3", "1-3" or a mix ("1-3, 7") -> [1, 2, 3, 7]; at most max_n seeds, each >= 0."""
    items = [p.strip() for p in str(text if text is not None else "").split(",") if p.strip()]
    if not items:
        raise ValueError(f"{what}: give at least one seed, e.g. 1,2,3 or 1-3")
    seeds: list[int] = []
    for item in items:
        lo, sep, hi = item.partition("-")
        a, b = _whole(lo.strip()), _whole(hi.strip()) if sep else _whole(lo.strip())
        if a is None or b is None or a < 0 or b < 0:
            raise ValueError(f"{what}: {item!r} is not a seed or a range of seeds (whole numbers >= 0, like 5 or 1-3)")
        if b < a:
            raise ValueError(f"{what}: the range {item!r} goes down; write it as {b}-{a}")
        if b - a >= max_n or len(seeds) + b - a + 1 > max_n:
            raise ValueError(f"{what}: at most {max_n} seeds per side, got more from {text!r}")
        seeds += list(range(a, b + 1))
    return seeds


def style_presets(model: str) -> tuple[int, dict[str, list[int]]]:
    """-> (number of style inputs ws, {"coarse"|"middle"|"fine"|"all": ws indices}) of a StyleGAN model."""
    from .models.stylegan import style_groups

    G = get_model(model, "stylegan")
    return G.num_ws, style_groups(G.config)


def parse_styles(styles, num_ws: int, presets: dict[str, list[int]]) -> list[int]:
    """A preset name, a layer range "a-b" (inclusive), one layer "a", or "" / "none" (no layers)."""
    s = str(styles if styles is not None else "").strip().lower()
    if s in presets:
        return presets[s]
    if s in ("", "none"):
        return []
    lo, sep, hi = s.partition("-")
    a, b = _whole(lo.strip()), _whole(hi.strip()) if sep else _whole(lo.strip())
    if a is None or b is None:
        raise ValueError(f"styles must be {', '.join(presets)} or a layer range like 0-3, got {styles!r}")
    if not 0 <= a <= b < num_ws:
        raise ValueError(f"layer range {styles!r} is out of bounds: this model has {num_ws} style inputs, "
                         f"numbered 0 to {num_ws - 1}, and the range must go up (e.g. 0-3)")
    return list(range(a, b + 1))


def _check_mix(truncation: float, noise_mode: str) -> None:
    from .models.stylegan import NOISE_MODES

    if not 0.0 <= float(truncation) <= 2.0:   # also refuses nan
        raise ValueError(f"truncation must be between 0 and 2, got {truncation}")
    if noise_mode not in NOISE_MODES:
        raise ValueError(f"noise_mode must be one of {', '.join(NOISE_MODES)}, got {noise_mode!r}")


@torch.no_grad()
def seed_ws(G: nn.Module, seeds: list[int], truncation: float = 1.0) -> torch.Tensor:
    """(len(seeds), num_ws, w_dim): each seed's z mapped to w, truncated, broadcast to every layer."""
    return G.map(torch.stack([seeded_normal(s, G.z_dim) for s in seeds]), float(truncation))


@torch.no_grad()
def style_mix_images(model: str, row_seeds: str, col_seeds: str, styles: str = "coarse", truncation: float = 1.0,
                     noise_mode: str = "const") -> torch.Tensor:
    """((R+1)(C+1), C, H, W) in [-1, 1], row-major like StyleGAN's style_mixing.py: [0] blank (white),
    row 0 the column seeds, column 0 the row seeds, cell (r, c) = row seed r's ws with the chosen
    layers taken from column seed c."""
    _check_mix(truncation, noise_mode)
    rows, cols = parse_seeds(row_seeds, "row seeds"), parse_seeds(col_seeds, "column seeds")
    G = get_model(model, "stylegan")
    layers = parse_styles(styles, *style_presets(model))
    ws_r, ws_c = seed_ws(G, rows, truncation), seed_ws(G, cols, truncation)
    mixed = ws_r[:, None].repeat(1, len(cols), 1, 1)                # (R, C, num_ws, w_dim)
    mixed[:, :, layers] = ws_c[None, :, layers]
    ws = torch.cat([ws_c, ws_r, mixed.flatten(0, 1)])
    imgs = G.synthesis(ws, noise_mode).clamp(-1, 1)
    blank = torch.ones(1, *imgs.shape[1:])
    top = torch.cat([blank, imgs[:len(cols)]])
    body = [torch.cat([imgs[len(cols) + r][None], imgs[len(cols) + len(rows) + r * len(cols):][:len(cols)]])
            for r in range(len(rows))]
    return torch.cat([top, *body])


def style_mix(model: str, row_seeds: str, col_seeds: str, styles: str = "coarse", truncation: float = 1.0,
              noise_mode: str = "const") -> Image.Image:
    """The style-mixing grid as one picture (cells CELL px, 2 px white gaps)."""
    imgs = style_mix_images(model, row_seeds, col_seeds, styles, truncation, noise_mode)
    return grid(imgs, nrow=len(parse_seeds(col_seeds)) + 1, cell=CELL)


def grid_cell_at(x: float, y: float, img_size: int, cell: int = CELL, pad: int = 2) -> tuple[int, int] | None:
    """Pixel (x, y) of a grid() picture -> (row, col) of the cell under it, None on a gap."""
    side = img_size * max(1, -(-cell // img_size))              # the upscaled cell side grid() used
    (r, ry), (c, cx) = divmod(int(y) - pad, side + pad), divmod(int(x) - pad, side + pad)
    return (r, c) if min(r, c) >= 0 and ry < side and cx < side else None


@torch.no_grad()
def style_mix_cell(model: str, row_seeds: str, col_seeds: str, styles: str, truncation: float, noise_mode: str,
                   x: float, y: float) -> tuple[Image.Image | None, str]:
    """The grid cell under pixel (x, y) of the style_mix() picture, computed alone and shown large,
    with a caption saying what it is."""
    _check_mix(truncation, noise_mode)
    rows, cols = parse_seeds(row_seeds, "row seeds"), parse_seeds(col_seeds, "column seeds")
    G = get_model(model, "stylegan")
    at = grid_cell_at(x, y, G.config.img_size)
    if at is None or at == (0, 0) or at[0] > len(rows) or at[1] > len(cols):
        return None, "Click an image in the grid to see it large."
    row, col = (rows[at[0] - 1] if at[0] else None), (cols[at[1] - 1] if at[1] else None)
    ws = seed_ws(G, [col if row is None else row], truncation)
    caption = f"Row seed {row}" if col is None else f"Column seed {col}"
    if row is not None and col is not None:
        layers = parse_styles(styles, *style_presets(model))
        ws[:, layers] = seed_ws(G, [col], truncation)[:, layers]
        caption = f"Row seed {row} with styles {styles!r} (ws {layers[0]}-{layers[-1]}) from column seed {col}" \
            if layers else f"Row seed {row} (no styles taken from column seed {col})"
    return to_pil(G.synthesis(ws, noise_mode)[0].clamp(-1, 1), DISPLAY), caption
