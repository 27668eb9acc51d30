"""Conditional generation: the digit x seed grid, one z across every class, the walk between two classes."""
from __future__ import annotations

import pytest
import torch

from studio import inference
from studio.inference import conditional as Cd
from studio.models.layers import seeded_normal

from tests.helpers import CGAN_TINY, save_tiny_cgan


@pytest.fixture(scope="module")
def tiny():
    return save_tiny_cgan()


def test_grid_rows_are_seeds_and_columns_are_digits(tiny):
    G = inference.get_model(tiny)
    images = Cd.conditional_images(tiny, "2,0", "5-7")                       # 3 seeds x 2 classes
    assert images.shape == (6, 1, 16, 16)
    with torch.no_grad():
        expected = G(seeded_normal(6, G.z_dim)[None].repeat(2, 1), torch.tensor([2, 0]))
    torch.testing.assert_close(images[2:4], expected)                        # row 2 = seed 6, columns 2 then 0
    picture = Cd.conditional_grid(tiny, "0-2", "1-4")
    cell = 96 + 2                                                             # CELL-px cells with 2-px gaps
    assert (picture.width, picture.height) == (3 * cell + 2, 4 * cell + 2)


def test_every_class_keeps_z_and_the_walk_ends_at_the_two_classes(tiny):
    G = inference.get_model(tiny)
    row = Cd.conditional_images(tiny, "0-2", "9")
    assert Cd.every_class(tiny, 9).size == Cd.conditional_grid(tiny, "0-2", "9").size
    walk = Cd.class_walk(tiny, 9, 0, 2, n=5)
    torch.testing.assert_close(walk[0], row[0])                               # t = 0: class 0's picture
    torch.testing.assert_close(walk[-1], row[2])                              # t = 1: class 2's picture
    assert not torch.allclose(walk[2], walk[0]) and not torch.allclose(walk[2], walk[-1])
    sprite = Cd.class_walk_sprite(tiny, 9, 0, 2, n=11)
    assert sprite.size == (11 * 16, 16)
    strip = Cd.class_walk_strip(tiny, "1-2", 0, 1, 4)
    assert strip.height < strip.width                                         # 2 rows of 4


@pytest.mark.parametrize("call,message", [
    (lambda m: Cd.conditional_grid(m, "0-3"), "classes 0 to 2, not 3"),
    (lambda m: Cd.conditional_grid(m, ""), "at least one digit"),
    (lambda m: Cd.conditional_grid(m, "a"), "is not a digit"),
    (lambda m: Cd.conditional_grid(m, "0", "1-40"), "at most 16 seeds"),
    (lambda m: Cd.conditional_grid(m, "0", "1", truncation=float("nan")), "truncation"),
    (lambda m: Cd.class_walk(m, 1, 0, 7), "class B must be a whole number from 0 to 2"),
    (lambda m: Cd.class_walk(m, -1, 0, 1), "seed"),
    (lambda m: Cd.every_class("dcgan-mnist"), "cgan family"),
])
def test_bad_requests_say_what_is_wrong(tiny, call, message):
    with pytest.raises(Exception, match=message):
        call(tiny)


def test_class_names_follow_the_model(tiny):
    assert Cd.class_names(tiny) == ["0", "1", "2"]
    assert tiny in Cd.conditional_models()
    assert CGAN_TINY["n_classes"] == 3
