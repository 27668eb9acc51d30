"""The Gradio UI: app.py assembles one tab per module; each module's build() wires widgets to studio.inference."""
