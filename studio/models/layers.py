"""Blocks shared by the model families.

Every family file builds from these so that a student reading one file sees the
same vocabulary everywhere: up/down conv blocks, optional spectral norm, and the
latent helpers (seeded Gaussian codes, truncation). A block that only one family uses
lives in that family's file (SPADE in spade.py, modulated convolutions in stylegan.py).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def maybe_sn(module: nn.Module, enabled: bool) -> nn.Module:
    """Wrap a conv/linear in spectral normalisation (Miyato et al. 2018) when enabled."""
    return nn.utils.parametrizations.spectral_norm(module) if enabled else module


class UpBlock(nn.Sequential):
    """(N, cin, H, W) -> (N, cout, 2H, 2W): transposed conv 4x4 stride 2, BatchNorm, ReLU (DCGAN)."""

    def __init__(self, cin: int, cout: int):
        super().__init__(
            nn.ConvTranspose2d(cin, cout, 4, 2, 1, bias=False),
            nn.BatchNorm2d(cout),
            nn.ReLU(inplace=True),
        )


class ImageConv2d(nn.Conv2d):
    """nn.Conv2d for a picture's few channels (a discriminator's first layer), with the same weights,
    values and gradients. On a CPU, the gradient that flows back into the picture (G's update) is
    col2im(weight^T @ grad) (F.fold) instead of oneDNN's, which pads the picture's channels to its
    block of 16 and spends ~2x the time on a 1-channel picture (MNIST's 1 -> 32 layer). The forward
    pass and the weight gradients are the ordinary kernels'."""

    def _conv_forward(self, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
        plain = (not x.requires_grad or x.device.type != "cpu" or torch.is_autocast_enabled("cpu")
                 or x.dim() != 4 or self.in_channels > 4 or self.groups != 1 or self.dilation != (1, 1)
                 or self.padding_mode != "zeros" or isinstance(self.padding, str))
        if plain:             # no gradient into the picture, another device, autocast, or another kind of conv
            return super()._conv_forward(x, weight, bias)
        return _ImageConv.apply(x, weight, bias, self.stride, self.padding)


class ScoreConv2d(nn.Conv2d):
    """A discriminator's last conv: a kernel as large as its input, to one score per picture (DCGAN's
    4x4 -> 1x1), with nn.Conv2d's weights, values and gradients. On a CPU it runs as the linear layer it
    is (F.linear on the flattened features): oneDNN pads the one output channel to its block of 16."""

    def _conv_forward(self, x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
        plain = (x.device.type != "cpu" or torch.is_autocast_enabled("cpu") or x.dim() != 4
                 or self.out_channels > 4 or tuple(x.shape[-2:]) != self.kernel_size or self.padding != (0, 0)
                 or self.groups != 1 or self.dilation != (1, 1))
        if plain:             # another device, autocast, or a kernel smaller than the input
            return super()._conv_forward(x, weight, bias)
        return F.linear(Flatten()(x), weight.flatten(1), bias)[:, :, None, None]     # (N, C_out, 1, 1)


class _ImageConv(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, bias, stride, padding):
        ctx.save_for_backward(x, weight)
        ctx.stride, ctx.padding, ctx.has_bias = stride, padding, bias is not None
        return F.conv2d(x, weight, bias, stride, padding)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        grad_x = grad_w = grad_b = None
        if ctx.needs_input_grad[0]:                    # (C_in * kh * kw, C_out) @ (N, C_out, L) -> image
            cols = weight.flatten(1).t() @ grad.flatten(2)
            grad_x = F.fold(cols, x.shape[-2:], weight.shape[-2:], stride=ctx.stride, padding=ctx.padding)
        want_w, want_b = ctx.needs_input_grad[1], ctx.has_bias and ctx.needs_input_grad[2]
        if want_w or want_b:
            _, grad_w, grad_b = torch.ops.aten.convolution_backward(
                grad, x, weight, [weight.shape[0]] if ctx.has_bias else None, ctx.stride, ctx.padding,
                (1, 1), False, (0, 0), 1, (False, want_w, want_b))
        return grad_x, grad_w, grad_b, None, None


class ToImage(nn.ConvTranspose2d):
    """A generator's last layer: transposed conv to the picture's few channels (nn.ConvTranspose2d's
    weights, values and gradients). On a CPU it is col2im(weight^T @ x) (F.fold): oneDNN pads the
    picture's channels to its block of 16 and spends ~3x the time on a 1-channel picture (MNIST's
    32 -> 1 layer: forward and backward ~3.9 -> ~3.1 ms a training step at batch 64)."""

    def forward(self, x: torch.Tensor, output_size=None) -> torch.Tensor:
        plain = (x.device.type != "cpu" or torch.is_autocast_enabled("cpu") or x.dim() != 4
                 or self.out_channels > 4 or output_size is not None or self.groups != 1
                 or self.dilation != (1, 1) or self.output_padding != (0, 0))
        if plain:             # another device, autocast, or another kind of transposed conv
            return super().forward(x, output_size)
        h, w = x.shape[-2:]
        (kh, kw), (sh, sw), (ph, pw) = self.kernel_size, self.stride, self.padding
        cols = self.weight.flatten(1).t() @ x.flatten(2)           # (N, C_out * kh * kw, H*W)
        y = F.fold(cols, ((h - 1) * sh - 2 * ph + kh, (w - 1) * sw - 2 * pw + kw), self.kernel_size,
                   stride=self.stride, padding=self.padding)      # (N, C_out, H', W')
        return y if self.bias is None else y + self.bias.view(1, -1, 1, 1)


class InstanceNorm2d(nn.InstanceNorm2d):
    """nn.InstanceNorm2d (per picture and channel statistics, no running statistics) whose output and
    input gradient keep the input's memory layout: it runs as a group norm with one channel per group,
    the same function. nn.InstanceNorm2d hands a channels-last input (training/engine.py) back in the
    default layout, so the LeakyReLU and conv after it, forward and backward, ran over mixed layouts on
    a CPU (several times slower elementwise). Same parameters and state-dict names. Under autocast (bf16)
    or in another dtype it is nn.InstanceNorm2d's kernel: the group norm is slower there (bf16 SPADE
    training 0.81x, bench/train_throughput.py)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if (x.dim() != 4 or self.track_running_stats or x.dtype != torch.float32
                or torch.is_autocast_enabled(x.device.type)):  # unbatched, running statistics, 16 bits: the original
            return super().forward(x)
        return F.group_norm(x, x.shape[1], self.weight, self.bias, self.eps)


class DownBlock(nn.Sequential):
    """(N, cin, H, W) -> (N, cout, H/2, W/2): conv 4x4 stride 2, optional BatchNorm, LeakyReLU(0.2)."""

    def __init__(self, cin: int, cout: int, norm: bool = True, sn: bool = False):
        conv = (ImageConv2d if cin <= 4 else nn.Conv2d)(cin, cout, 4, 2, 1, bias=not norm)
        layers: list[nn.Module] = [maybe_sn(conv, sn)]
        if norm:
            layers.append(nn.BatchNorm2d(cout))
        layers.append(nn.LeakyReLU(0.2, inplace=True))
        super().__init__(*layers)


class Flatten(nn.Module):
    """(N, C, H, W) -> (N, C * H * W) in (C, H, W) order, like nn.Flatten, for any memory layout.

    Its backward hands the gradient back in the layout of the input: from a channels-last trunk
    (training/engine.py) the incoming gradient would otherwise be NCHW while the layer before kept
    its output channels-last, and an elementwise backward (LeakyReLU's) over mixed layouts runs
    several times slower than over matching ones on a CPU."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return _FlattenKeepLayout.apply(x)


class _FlattenKeepLayout(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        ctx.shape = x.shape
        ctx.channels_last = x.dim() == 4 and not x.is_contiguous() and x.is_contiguous(
            memory_format=torch.channels_last)
        return x.reshape(x.shape[0], -1)

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:
        grad = grad.reshape(ctx.shape)
        return grad.contiguous(memory_format=torch.channels_last) if ctx.channels_last else grad


def dcgan_init(module: nn.Module) -> None:
    """Weight init from the DCGAN paper: N(0, 0.02) for convs, N(1, 0.02) for BatchNorm scales."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            w = m.parametrizations.weight.original if hasattr(m, "parametrizations") else m.weight
            nn.init.normal_(w, 0.0, 0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)


def seeded_normal(seed: int, dim: int) -> torch.Tensor:
    """The latent code of a seed: (dim,) standard normal, identical on every machine."""
    g = torch.Generator().manual_seed(int(seed))
    return torch.randn(dim, generator=g)


def truncate(z: torch.Tensor, psi: float, center: torch.Tensor | None = None) -> torch.Tensor:
    """Truncation trick: pull a latent towards the centre (0 for z, w_avg for StyleGAN's w)."""
    if center is None:
        return z * psi
    return center + psi * (z - center)
