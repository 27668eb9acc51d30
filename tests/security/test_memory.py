"""Issue 19, items 1-3: no single small request makes the server's memory grow past CEILING_MB.

Each hostile file goes through the route a page or a script uses (raw queue calls, private events
included) to a studio in its own process; the server's peak resident size during the request is
read from the kernel (VmHWM, reset before each request), and a watchdog kills the server the
moment it passes the ceiling. Every request must also get a readable refusal, not a crash.
"""
from __future__ import annotations

import json
import re

import pytest

from . import hostile
from .server import CEILING_MB

SPADE, CYCLEGAN = "spade-landscapes", "cyclegan-summer2winter"


def canvas(side: int = 8, runs=None) -> str:
    """A GauGAN canvas value as the page sends it (studio/ui/label_canvas.py): runs of class indices."""
    return json.dumps({"w": side, "h": side, "palette": [], "runs": runs if runs is not None else [0, side * side]})


WRAPPING_RUNS = [0, 2 ** 62] * 4 + [0, 64]      # counts whose int64 sum wraps around to 8 x 8


CASES = {
    # 1: every image input, one decoding path, one pixel limit
    "paint: 12000x12000 label map": (
        "paint", lambda s, f: [SPADE, s.upload(hostile.huge_png(f)), 0, None], r"144 megapixels; the limit is 50"),
    "paint: 12000x12000 style image": (
        "paint", lambda s, f: [SPADE, s.upload(hostile.small_png(f)), 0, s.upload(hostile.huge_png(f))],
        r"style image is 12000×12000 = 144 megapixels"),
    "canvas: 12000x12000 style image": (
        "_paint_live", lambda s, f: [SPADE, canvas(), 0, s.upload(hostile.huge_png(f)), "day"], r"144 megapixels"),
    "canvas: runs whose counts wrap around": (
        "_paint_live", lambda s, f: [SPADE, canvas(8, WRAPPING_RUNS), 0, None, "day"], r"runs cover"),
    "canvas: 12000x12000 label map opened from disk": (
        "_gaugan_upload", lambda s, f: [SPADE, s.upload(hostile.huge_png(f))], r"144 megapixels"),
    "translate: 12000x12000 picture": (
        "translate", lambda s, f: [CYCLEGAN, s.upload(hostile.huge_png(f)), "AtoB"], r"144 megapixels"),
    # 2: sizes checked against the file before any network is built
    "import: a 2 MB .pth declaring ngf=2048": (
        "_cyclegan_import", lambda s, f: [s.upload(hostile.wide_pth(f))], r"million weights"),
    "picker: a 100-byte config asking for g_width=1024": (
        "interpolate_frame", lambda s, f: ["cfg-wide", 1, 2, 0.5, "slerp", 1.0], r"million weights"),
}

UPLOADS = {
    # 3: zip members are inflated with a cap on the bytes actually produced, not the declared ones
    "zip: a member declared 1000 bytes that inflates to 1 GB": (
        lambda f: hostile.lying_zip(f), r"0 usable images.*1 too large"),
    "zip: 80 overlapping entries of 1 GB each": (
        lambda f: hostile.lying_zip(f, members=80), r"inflate to more than 1024 MB"),
    "images: one 12000x12000 picture among the uploads": (
        lambda f: hostile.huge_png(f), r"0 usable images.*1 too large"),
}


def check(live, result, message, peak, what):
    print(f"RSS peak {peak:.0f} MB (before: {live.before_mb:.0f} MB): {what}")
    assert peak < CEILING_MB
    assert live.alive()


@pytest.mark.parametrize("what", sorted(CASES))
def test_hostile_request_is_refused_in_bounded_memory(live, files, what):
    api, data, message = CASES[what]
    result, peak = live.measured(lambda: live.call(api, data(live, files)))
    assert not result["ok"] and re.search(message, result["error"] or ""), result
    check(live, result, message, peak, what)


@pytest.mark.parametrize("what", sorted(UPLOADS))
def test_hostile_training_upload_is_refused_in_bounded_memory(live, files, what):
    make, message = UPLOADS[what]
    result, peak = live.measured(lambda: live.call("_train_upload_files", [[live.upload(make(files))], "dcgan"]))
    assert result["ok"], result                                  # the tab answers in its description
    desc = result["data"][3]
    assert desc.startswith("**Cannot use this upload:**") and re.search(message, desc), desc
    check(live, result, message, peak, what)


AT_THE_LIMIT = {      # 7000 x 7000 = 49 megapixels: just under the limit, decoded in full
    "paint: label map": ("paint", lambda s, f: [SPADE, s.upload(hostile.huge_png(f, 7000)), 0, None]),
    "paint: style image": ("paint", lambda s, f: [SPADE, s.upload(hostile.small_png(f)), 0,
                                                  s.upload(hostile.huge_png(f, 7000))]),
    "canvas: label map opened from disk": ("_gaugan_upload", lambda s, f: [SPADE, s.upload(hostile.huge_png(f, 7000))]),
    "translate: picture": ("translate", lambda s, f: [CYCLEGAN, s.upload(hostile.huge_png(f, 7000)), "AtoB"]),
}


@pytest.mark.parametrize("what", sorted(AT_THE_LIMIT))
def test_a_picture_at_the_limit_is_used_in_bounded_memory(live, files, what):
    api, data = AT_THE_LIMIT[what]
    result, peak = live.measured(lambda: live.call(api, data(live, files)))
    assert result["ok"], result
    check(live, result, "", peak, f"{what}, 7000x7000 (accepted)")


def test_a_normal_request_fits_too(live, files):
    """The ceiling is not trivially met: an ordinary painting and translation stay well under it too."""
    for api, data in (("paint", [SPADE, live.upload(hostile.small_png(files)), 3, None]),
                      ("translate", [CYCLEGAN, live.upload(hostile.small_png(files, side=300)), "AtoB"])):
        result, peak = live.measured(lambda: live.call(api, data))
        assert result["ok"], result
        check(live, result, "", peak, f"{api}: an ordinary picture")
