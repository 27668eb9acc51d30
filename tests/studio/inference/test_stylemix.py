"""Style mixing inference: which seed each cell takes its styles from, truncation, the grid picture, bad input."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from studio import hub, inference

from tests.helpers import save_tiny_stylegan


@pytest.fixture(scope="module")
def tiny_model():
    return save_tiny_stylegan()


def cells(imgs: torch.Tensor, n_rows: int, n_cols: int) -> torch.Tensor:
    return imgs.reshape(n_rows + 1, n_cols + 1, *imgs.shape[1:])


def test_mix_all_styles_gives_the_column_seed_and_none_the_row_seed(tiny_model):
    rows, cols = "1,2", "5-7"
    everything = cells(inference.style_mix_images(tiny_model, rows, cols, "all"), 2, 3)
    nothing = cells(inference.style_mix_images(tiny_model, rows, cols, "none"), 2, 3)
    assert torch.all(everything[0, 0] == 1)                                  # blank corner
    for r in range(1, 3):
        for c in range(1, 4):
            torch.testing.assert_close(everything[r, c], everything[0, c])   # = column seed c
            torch.testing.assert_close(nothing[r, c], nothing[r, 0])        # = row seed r
    assert not torch.allclose(everything[1, 0], everything[0, 1])


def test_mix_row_seed_with_itself_and_partial_mix(tiny_model):
    same = cells(inference.style_mix_images(tiny_model, "3", "3", "coarse"), 1, 1)
    torch.testing.assert_close(same[1, 1], same[1, 0])
    mixed = cells(inference.style_mix_images(tiny_model, "1", "2", "0-2"), 1, 1)
    assert not torch.allclose(mixed[1, 1], mixed[1, 0]) and not torch.allclose(mixed[1, 1], mixed[0, 1])
    torch.testing.assert_close(mixed, cells(inference.style_mix_images(tiny_model, "1", "2", "coarse"), 1, 1))


def test_truncation_zero_gives_the_w_avg_image_for_every_seed(tiny_model):
    imgs = cells(inference.style_mix_images(tiny_model, "1-3", "4,9", "fine", truncation=0.0), 3, 2)
    G = inference.get_model(tiny_model, "stylegan")
    avg = G.synthesis(G.w_avg[None, None].repeat(1, G.num_ws, 1), "const")[0].clamp(-1, 1)
    for r, c in [(0, 1), (0, 2), (1, 0), (2, 1), (3, 2)]:
        torch.testing.assert_close(imgs[r, c], avg)


def test_grid_picture_and_cell_lookup(tiny_model):
    pic = inference.style_mix(tiny_model, "1,2", "3-5", "middle")
    side = inference.CELL                        # 16 px cells upscaled 6x = 96 px, 2 px gaps
    assert pic.size == (4 * (side + 2) + 2, 3 * (side + 2) + 2)
    assert inference.grid_cell_at(1, 1, 16) is None
    assert inference.grid_cell_at(2 + 2 * (side + 2) + 5, 2 + (side + 2) + 5, 16) == (1, 2)
    img, caption = inference.style_mix_cell(tiny_model, "1,2", "3-5", "all", 1.0, "const",
                                            2 + 3 * (side + 2) + 5, 2 + 2 * (side + 2) + 5)
    assert isinstance(img, Image.Image) and "Row seed 2" in caption and "column seed 5" in caption
    col = inference.style_mix_cell(tiny_model, "1,2", "3-5", "all", 1.0, "const", 2 + 3 * (side + 2) + 5, 5)[0]
    assert np.array_equal(np.asarray(img), np.asarray(col))   # all styles from seed 5 = seed 5's image
    assert inference.style_mix_cell(tiny_model, "1,2", "3-5", "all", 1.0, "const", 5, 5)[0] is None


@pytest.mark.parametrize("args, message", [
    (("1-x", "1", "coarse"), "not a seed"),
    (("0-8", "1", "coarse"), "at most 8"),
    (("1", "1,2,3,4,5,6,7,8,9", "coarse"), "at most 8"),
    (("1", "", "coarse"), "at least one seed"),
    (("1", "2", "3-99"), "out of bounds"),
    (("1", "2", "4-2"), "out of bounds"),
    (("1", "2", "colours"), "layer range"),
])
def test_bad_input_is_refused_clearly(tiny_model, args, message):
    with pytest.raises(ValueError, match=message):
        inference.style_mix_images(tiny_model, *args)


def test_bad_truncation_noise_and_family(tiny_model):
    with pytest.raises(ValueError, match="truncation"):
        inference.style_mix_images(tiny_model, "1", "2", "coarse", truncation=float("nan"))
    with pytest.raises(ValueError, match="noise_mode"):
        inference.style_mix_images(tiny_model, "1", "2", "coarse", noise_mode="loud")


def test_bundled_stylegan_faces():
    if not (hub.pretrained_dir() / "stylegan-faces" / hub.WEIGHTS_NAME).is_file():
        pytest.skip("pretrained/stylegan-faces not present (made by training/recipes/stylegan-faces.sh)")
    G = inference.get_model("stylegan-faces", "stylegan")
    assert G.config.img_size in (32, 64) and G.w_avg.norm() > 0          # w_avg was tracked in training
    imgs = cells(inference.style_mix_images("stylegan-faces", "1,2", "3", "all", truncation=0.0), 2, 1)
    torch.testing.assert_close(imgs[1, 0], imgs[2, 0])
    assert imgs[1:].std() > 0.05                                          # not a blank picture
    assert G(torch.randn(2, G.z_dim), truncation=0.7).shape == (2, 3, G.config.img_size, G.config.img_size)
