"""The studio: one tab per demo. build_app() only assembles; each tab module wires itself."""
from __future__ import annotations

from pathlib import Path

import gradio as gr

from training.jobs import JobManager

from .. import hub
from . import cyclegan, gaugan, infogan, interpolation, stylemix, training

TABS = [interpolation, infogan, gaugan, stylemix, cyclegan, training]

CSS = (Path(__file__).with_name("studio.css")).read_text


def models() -> dict:
    """{family: [model names]}: bundled models and the ones trained here."""
    return hub.list_models()


def build_app(jobs: JobManager | None = None) -> gr.Blocks:
    jobs = jobs or JobManager()       # this app's training jobs (one at a time), shared by all its pages
    with gr.Blocks(title="GAN Studio") as demo:
        gr.Markdown("# GAN Studio\nSee how generative adversarial networks work: pick a tab, move the sliders.",
                    elem_id="header")
        with gr.Tabs() as tabs:
            for tab in TABS:
                with gr.Tab(tab.TITLE):
                    if tab is training:
                        tab.build(demo, jobs)
                    else:
                        tab.build(demo)
        refresh_pickers_on_tab_select(demo, tabs)
        gr.api(models, api_name="models")
    return demo


def refresh_pickers_on_tab_select(demo: gr.Blocks, tabs: gr.Tabs) -> None:
    """Models trained meanwhile appear in every model picker as soon as a tab is opened."""
    for fn in list(demo.fns.values()):
        if getattr(fn.fn, "refreshes_models", False):
            tabs.select(fn.fn, fn.inputs, fn.outputs, api_visibility="private", show_progress="hidden",
                        queue=False)


def theme() -> gr.Theme:
    # Large type and high contrast: the studio is often shown on a projector.
    return gr.themes.Soft(primary_hue="indigo", text_size=gr.themes.sizes.text_lg)


def launch(host: str = "127.0.0.1", port: int = 7860, share: bool = False, **kwargs):
    demo = build_app()
    demo.queue(default_concurrency_limit=2)
    return demo.launch(server_name=host, server_port=port, share=share, theme=theme(), css=CSS(),
                       max_file_size="20mb", **kwargs)
