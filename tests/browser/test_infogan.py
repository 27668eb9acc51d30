"""InfoGAN in a real browser: dragging a code shows a new picture for each position, without requests."""
from __future__ import annotations


def test_dragging_a_code_updates_the_picture_live(page, calls):
    page.get_by_role("tab", name="InfoGAN", exact=True).click()
    sprite = page.locator('#infogan-live .sprite[data-k="0"]')
    sprite.wait_for()
    box = page.locator("#infogan-c1 input[type=range]").bounding_box()
    n, seen = len(calls), set()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 0.1 * box["width"], y)
    page.mouse.down()
    for i in range(1, 21):
        page.mouse.move(box["x"] + (0.1 + 0.04 * i) * box["width"], y, steps=3)
        seen.add(sprite.get_attribute("data-i"))
    page.mouse.up()
    assert len(seen) >= 15
    assert not [c for c in calls.since(n) if c.startswith("_infogan_c")]       # none while dragging
    page.wait_for_timeout(300)
    value = float(page.locator("#infogan-c1 input[type=number]").input_value())
    assert int(sprite.get_attribute("data-i")) == round((value + 2) / 0.05)   # the released value's picture
    for _ in range(50):                      # after the release, one request recomputes the other code's frames
        if "_infogan_c1" in calls.since(n):
            break
        page.wait_for_timeout(100)
    assert calls.since(n).count("_infogan_c1") == 1
