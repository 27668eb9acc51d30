"""The studio: one tab per demo. build_app() only assembles; each tab module wires itself in build(ctx)."""
from __future__ import annotations

import ctypes

import gradio as gr

from .. import hub
from ..paths import PACKAGE
from . import conditional, cyclegan, gaugan, infogan, interpolation, playground, stylemix, training
from .common import TabContext, browser_key, guard_numbers, wire_pickers

TABS = [interpolation, infogan, conditional, gaugan, stylemix, cyclegan, playground, training]


def CSS() -> str:
    return (PACKAGE / "ui" / "studio.css").read_text()


def models() -> dict:
    """{family: [model names]}: bundled models and the ones trained here."""
    return hub.list_models()


def build_app(jobs=None) -> gr.Blocks:
    """The whole studio. `jobs`: a training.jobs.JobManager to share (default: the training tab makes one)."""
    # Gradio's upload and output cache: files older than a day go, checked every hour (a studio left running
    # for a term would otherwise keep every upload and every picture it ever made).
    with gr.Blocks(title="GAN Studio", delete_cache=(3600, 86400)) as demo:
        ctx = TabContext(demo, jobs, key=browser_key(demo))
        gr.Markdown("# GAN Studio\nSee how generative adversarial networks work: pick a tab, move the sliders.",
                    elem_id="header")
        with gr.Tabs() as tabs:
            for i, tab in enumerate(TABS):
                with gr.Tab(tab.TITLE) as shown:
                    ctx.shown = [demo.load] if i == 0 else [shown.select]
                    tab.build(ctx)
        wire_pickers(ctx, tabs)
        gr.api(models, api_name="models")
    guard_numbers(demo)
    return demo


def theme() -> gr.Theme:
    # Large type and high contrast: the studio is often shown on a projector.
    return gr.themes.Soft(primary_hue="indigo", text_size=gr.themes.sizes.text_lg)


def launch_options() -> dict:
    """What every launch of the studio passes (the CLI's, the tests', the benchmarks'): look and upload limit."""
    return dict(theme=theme(), css=CSS(), max_file_size="20mb")


def give_big_blocks_back(threshold: int = 4 << 20) -> None:
    """Make glibc serve every allocation of `threshold` bytes or more with its own mapping, returned to the
    system when freed. By default the threshold grows with what was freed, and blocks under it stay in the
    per-thread arenas of Gradio's worker threads: after a few 50-megapixel uploads the server kept ~300 MB
    it no longer used (measured: 1.08 GB after three, against 0.82 GB with this). Other C libraries: no-op."""
    try:
        ctypes.CDLL("libc.so.6").mallopt(-3, threshold)      # -3: M_MMAP_THRESHOLD
    except (OSError, AttributeError):
        pass


def launch(host: str = "127.0.0.1", port: int = 7860, share: bool = False, **kwargs):
    give_big_blocks_back()
    demo = build_app()
    demo.queue(default_concurrency_limit=2)
    return demo.launch(server_name=host, server_port=port, share=share, **launch_options(), **kwargs)
