"""The training tab's device and precision choices, with the mouse: the job trains where the page said."""
from __future__ import annotations

from .conftest import open_tab


def pick(page, elem_id: str, option: str) -> set[str]:
    """Open a dropdown with the mouse, choose `option`; returns the options it offered."""
    page.locator(f"#{elem_id} input").click()
    choice = page.get_by_role("option", name=option, exact=True)
    choice.wait_for(state="visible")
    page.wait_for_timeout(300)
    offered = {t.replace("✓", "").strip() for t in page.get_by_role("option").all_inner_texts()}
    choice.click()
    page.wait_for_timeout(300)
    assert page.locator(f"#{elem_id} input").input_value() == option
    return offered


def test_device_and_precision_reach_the_job(page, page_errors, tmp_path):
    open_tab(page, "Training")
    assert {"auto", "cpu"} <= pick(page, "train-device", "cpu")
    assert {"auto", "fp32", "bf16", "fp16"} == pick(page, "train-precision", "bf16")
    for label, value in (("Steps", 30), ("Batch size", 8), ("Sample every N steps", 10)):
        box = page.get_by_label(label, exact=True)
        box.fill(str(value))
        box.press("Tab")
    page.get_by_role("button", name="Start", exact=True).click()
    page.wait_for_function("""() => /cpu bf16\\): done/.test(
        document.querySelector('#train-status textarea').value)""", timeout=120_000)
    page.screenshot(path=str(tmp_path / "training_device.png"), full_page=False)
    page_errors.check()
