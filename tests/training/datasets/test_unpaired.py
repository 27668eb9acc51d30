"""The unpaired summer/winter dataset: two domains drawn independently."""
from __future__ import annotations


def test_unpaired_dataset_is_unpaired():
    from training.datasets import make_dataset

    ds = make_dataset("summer2winter", img_size=32, length=4)
    item = ds[0]
    assert set(item) == {"A", "B"} and item["A"].shape == (3, 32, 32)
    assert ds.a.seed != ds.b.seed
    assert ds.config_fields() == {"domain_a": "summer", "domain_b": "winter"}
