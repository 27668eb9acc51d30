"""to_tensor is the reverse of to_pil."""
from __future__ import annotations

import numpy as np
import torch

from studio.images import to_pil, to_tensor


def test_to_tensor_reverses_to_pil():
    x = torch.randint(0, 256, (3, 5, 7)).float() / 127.5 - 1
    pic = to_pil(x)
    back = to_tensor(pic)
    assert back.shape == (3, 5, 7) and back.dtype == torch.float32
    torch.testing.assert_close(back, x, atol=1e-6, rtol=0)
    batch = np.stack([np.asarray(pic)] * 2)                     # (N, H, W, C) uint8
    assert to_tensor(batch).shape == (2, 3, 5, 7)
    assert to_tensor(np.zeros((4, 4), np.uint8)).shape == (1, 4, 4)
    assert float(to_tensor(np.full((1, 1, 3), 255, np.uint8)).min()) == 1.0
