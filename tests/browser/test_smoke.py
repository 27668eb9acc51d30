"""Every tab opens in a real browser and shows its first pictures."""
from __future__ import annotations

import pytest

from studio.ui.app import TABS

from .conftest import open_tab


@pytest.mark.parametrize("title", [t.TITLE for t in TABS])
def test_every_tab_opens(page, title):
    open_tab(page, title)
    panel = page.get_by_role("tabpanel")
    assert panel.is_visible()
