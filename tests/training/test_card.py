"""Evaluations write their section of a model card with one helper."""
from __future__ import annotations

from training.card import write_card_section


def test_card_section_is_replaced_not_appended(tmp_path):
    (tmp_path / "README.md").write_text("# m\n\nintro\n")
    write_card_section(tmp_path, "x-eval", "## Evaluation\n\nfirst")
    write_card_section(tmp_path, "x-eval", "## Evaluation\n\nsecond")
    text = (tmp_path / "README.md").read_text()
    assert text.startswith("# m\n\nintro\n") and "second" in text and "first" not in text
    assert text.count("<!-- x-eval:begin -->") == 1
    write_card_section(tmp_path, "y-eval", "other")              # another evaluation keeps the first
    assert "second" in (tmp_path / "README.md").read_text()


def test_a_card_written_before_markers_loses_its_old_section(tmp_path):
    (tmp_path / "README.md").write_text("# m\n\nintro\n\n## Evaluation\n\nold numbers\n")
    write_card_section(tmp_path, "x-eval", "## Evaluation\n\nnew numbers", legacy_header="\n## Evaluation\n")
    text = (tmp_path / "README.md").read_text()
    assert "old numbers" not in text and "new numbers" in text and "intro" in text
    (tmp_path / "fresh").mkdir()
    write_card_section(tmp_path / "fresh", "x-eval", "s")
    assert (tmp_path / "fresh" / "README.md").read_text().startswith("# fresh\n")
