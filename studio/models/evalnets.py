"""The small evaluation networks: a digit classifier (MNIST) and a face-attribute net (the synthetic faces).

training/eval/ trains them and scores generators with them (their weights ship in pretrained/_eval/,
each with metrics.json: its own held-out accuracy and the command that trained it). The studio uses
their convolutional features too: latent projection (studio/inference/projection.py) compares a picture
with its reconstruction in these features, the offline stand-in for StyleGAN2's LPIPS/VGG distance.
"""
from __future__ import annotations

from pathlib import Path

import torch
from safetensors.torch import load_file
from torch import nn

WEIGHTS = "model.safetensors"
FACE_HEADS = {"head_shape": 3, "hair_style": 4, "tilt_sign": 2, "skin_tone": 6, "hair_color": 6, "bg_hue": 6}


def conv_block(cin: int, cout: int) -> nn.Sequential:
    """(N, cin, H, W) -> (N, cout, H/2, W/2): 3x3 conv, BatchNorm, ReLU, 2x2 max-pool."""
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
                         nn.MaxPool2d(2))


class DigitClassifier(nn.Module):
    """(N, 1, 32, 32) in [-1, 1] -> (N, 10) logits."""

    def __init__(self, width: int = 16):
        super().__init__()
        w = width
        self.features = nn.Sequential(conv_block(1, w), conv_block(w, 2 * w), conv_block(2 * w, 4 * w))  # (N, 4w, 4, 4)
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(0.3), nn.Linear(4 * w * 16, 128), nn.ReLU(inplace=True),
                                  nn.Dropout(0.3), nn.Linear(128, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


class FaceAttrNet(nn.Module):
    """(N, 3, S, S) in [-1, 1] -> {head: (N, classes) logits}."""

    def __init__(self, width: int = 24):
        super().__init__()
        w = width
        self.features = nn.Sequential(conv_block(3, w), conv_block(w, 2 * w), conv_block(2 * w, 4 * w),
                                      conv_block(4 * w, 4 * w), nn.AdaptiveAvgPool2d(2), nn.Flatten())  # (N, 16w)
        self.heads = nn.ModuleDict({k: nn.Linear(16 * w, n) for k, n in FACE_HEADS.items()})

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        f = self.features(x)
        return {k: h(f) for k, h in self.heads.items()}

    @torch.no_grad()
    def predict(self, x: torch.Tensor, batch: int = 256) -> dict[str, torch.Tensor]:
        """-> {head: (N,) predicted class}."""
        self.eval()
        outs = [self(x[i:i + batch]) for i in range(0, len(x), batch)]
        return {k: torch.cat([o[k] for o in outs]).argmax(1) for k in FACE_HEADS}


def load_weights(model: nn.Module, folder: str | Path) -> nn.Module:
    """Strictly load folder/model.safetensors into `model`; -> the model in eval mode, frozen."""
    model.load_state_dict(load_file(str(Path(folder) / WEIGHTS)), strict=True)
    return model.eval().requires_grad_(False)


def feature_maps(net: nn.Module, x: torch.Tensor) -> list[torch.Tensor]:
    """The outputs of the net's conv blocks for x: [(N, C1, H/2, W/2), (N, C2, H/4, W/4), ...]."""
    maps = []
    for layer in net.features:
        if not isinstance(layer, nn.Sequential):      # the pooling/flatten tail of FaceAttrNet
            break
        x = layer(x)
        maps.append(x)
    return maps
