"""Network building blocks shared by the families: MLPs, DCGAN stacks, U-Net, PatchGAN, ResNet G.

Each builder cites the recipe it follows. Every network takes and returns tensors in the model's
own space ([-1, 1] for Tanh generators); conversions happen in the model, not here.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


def init_dcgan_weights(module: nn.Module) -> None:
    """DCGAN paper: weights from N(0, 0.02); BatchNorm scale from N(1, 0.02), bias 0."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nn.init.normal_(m.weight, 0.0, 0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, (nn.BatchNorm2d, nn.InstanceNorm2d)) and m.weight is not None:
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)


# ---------------------------------------------------------------- MLPs (gan, ring, toy1010, vae)
def mlp(sizes: list[int], act: nn.Module, *, dropout: float = 0.0, out_act: nn.Module | None = None) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(act)
            if dropout:
                layers.append(nn.Dropout(dropout))
    if out_act is not None:
        layers.append(out_act)
    return nn.Sequential(*layers)


# ---------------------------------------------------------------- a transposed convolution, computed otherwise
# For output row 2i + a of a ConvTranspose2d(kernel 4, stride 2, padding 1), input row i + d
# (d = -1, 0, 1) contributes through kernel row -2d + a + 1; index 4 picks a zero (no contribution).
_PHASE_TAPS = torch.tensor([[3, 1, 4], [4, 2, 0]])


def conv_transpose_as_pixel_shuffle(layer: nn.ConvTranspose2d, x: torch.Tensor) -> torch.Tensor:
    """``layer(x)`` for a ConvTranspose2d(kernel 4, stride 2, padding 1), computed as one 3x3
    convolution to 4x the output channels (one group of channels per output pixel phase) followed
    by ``pixel_shuffle(2)`` (Shi et al. 2016 show the two are the same operation).

    Same weights, same result up to rounding, gradients included. On a CPU it is the faster way
    for a layer with few output channels, such as a generator's image layer (64 -> 1 channel),
    where PyTorch's transposed convolution runs far below the speed of its ordinary one. For wide
    layers the 3x3 kernel's zeros make it slower.
    """
    shape = (layer.kernel_size, layer.stride, layer.padding, layer.output_padding, layer.dilation, layer.groups)
    if shape != ((4, 4), (2, 2), (1, 1), (0, 0), (1, 1), 1):
        raise ValueError(f"conv_transpose_as_pixel_shuffle computes ConvTranspose2d(kernel 4, stride 2, "
                         f"padding 1) only, not {layer}")
    w = F.pad(layer.weight, (0, 1, 0, 1))                      # (in, out, 5, 5), row/column 4 = 0
    taps = _PHASE_TAPS.to(w.device)
    k = w[:, :, taps][..., taps]                               # (in, out, a, 3, b, 3)
    k = k.permute(1, 2, 4, 0, 3, 5).reshape(layer.out_channels * 4, layer.in_channels, 3, 3)
    bias = None if layer.bias is None else layer.bias.repeat_interleave(4)
    return F.pixel_shuffle(F.conv2d(x, k, bias, padding=1), 2)


# ---------------------------------------------------------------- DCGAN at 28 px (and 32/64 px)
DCGAN_SIZES = "14, 28 or 56 px (7 px doubled), or 16, 32 or 64 px (4 px doubled)"


def dcgan_draws(image_size: int) -> bool:
    """Whether the DCGAN generator / discriminator pair below works at ``image_size``: 7 or 4 px
    doubled one or more times (14, 28, 56; 16, 32, 64), up to 64 (the data is 28 px)."""
    if not 14 <= image_size <= 64:
        return False
    n_up = int(round(math.log2(image_size / 7))) if image_size % 7 == 0 else int(round(math.log2(image_size / 4)))
    return n_up >= 1 and (image_size // 2 ** n_up) * 2 ** n_up == image_size


class DCGANGenerator(nn.Module):
    """z (N, nz) -> image (N, C, S, S) in [-1, 1].

    DCGAN recipe: fractionally-strided convolutions only (no pooling, no fully connected hidden
    layer), BatchNorm + ReLU on every layer but the output, Tanh out. At 28 px the first
    ConvTranspose maps the 1x1 code to 7x7, then two stride-2 layers give 14 and 28.
    """

    def __init__(self, nz: int, channels: int, image_size: int = 28, ngf: int = 64, in_features: int | None = None):
        super().__init__()
        n_up = int(round(math.log2(image_size / 7))) if image_size % 7 == 0 else int(round(math.log2(image_size / 4)))
        base = image_size // (2 ** n_up)
        ch = ngf * 2 ** (n_up - 1)
        layers: list[nn.Module] = [nn.ConvTranspose2d(in_features or nz, ch, base, 1, 0, bias=False),
                                   nn.BatchNorm2d(ch), nn.ReLU(True)]
        for _ in range(n_up - 1):
            layers += [nn.ConvTranspose2d(ch, ch // 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ch // 2), nn.ReLU(True)]
            ch //= 2
        layers += [nn.ConvTranspose2d(ch, channels, 4, 2, 1), nn.Tanh()]  # no BatchNorm on the output
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        # The first layer maps a 1x1 code to a base x base map: a ConvTranspose2d whose every output
        # pixel is a weighted sum of the code, that is one matrix product. Computed as that product
        # (same weights, same result up to rounding), it takes a quarter of the time on a CPU.
        # The image layer (to 1 or 3 channels) runs as a convolution + pixel shuffle
        # (conv_transpose_as_pixel_shuffle), several times faster on a CPU. Together they set the
        # in-process time of /generate (python bench/latency.py --only generate).
        first, image_layer = self.net[0], self.net[-2]
        x = z.reshape(z.size(0), -1) @ first.weight.flatten(1)
        x = x.view(z.size(0), first.out_channels, *first.kernel_size)
        for layer in self.net[1:-2]:
            x = layer(x)
        return self.net[-1](conv_transpose_as_pixel_shuffle(image_layer, x))


class DCGANDiscriminator(nn.Module):
    """image (N, C, S, S) -> one logit per image.

    DCGAN recipe: strided convolutions, LeakyReLU(0.2), BatchNorm everywhere but the input layer.
    ``norm`` can be "batch", "layer" (WGAN-GP: the gradient penalty is per sample, so the critic
    must not mix samples through BatchNorm -- Gulrajani et al. 2017) or "none".
    ``extra`` > 0 widens the last layer to 1 + ``extra`` outputs, (N, 1 + extra): the logit, then
    InfoGAN's Q head (logits of the latent code), sharing every convolution with D.
    """

    def __init__(self, channels: int, image_size: int = 28, ndf: int = 64, norm: str = "batch", extra: int = 0):
        super().__init__()
        n_down = int(round(math.log2(image_size / 7))) if image_size % 7 == 0 else int(round(math.log2(image_size / 4)))
        layers: list[nn.Module] = [nn.Conv2d(channels, ndf, 4, 2, 1), nn.LeakyReLU(0.2, True)]
        ch, size = ndf, image_size // 2
        for _ in range(n_down - 1):
            layers.append(nn.Conv2d(ch, ch * 2, 4, 2, 1, bias=norm == "none"))
            size //= 2
            if norm == "batch":
                layers.append(nn.BatchNorm2d(ch * 2))
            elif norm == "layer":
                layers.append(nn.GroupNorm(1, ch * 2))  # LayerNorm over (C, H, W)
            layers.append(nn.LeakyReLU(0.2, True))
            ch *= 2
        layers.append(nn.Conv2d(ch, 1 + extra, size, 1, 0))  # the whole remaining map -> one logit
        self.net = nn.Sequential(*layers)
        self.extra = extra

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.net(x)
        return out.flatten(1) if self.extra else out.view(-1)


# ---------------------------------------------------------------- pix2pix: U-Net + PatchGAN
def _norm(ch: int) -> nn.Module:
    # Instance norm (pix2pix's --norm instance): the same output whatever the batch, so a sketch
    # gives the same shoe alone or in a batch, and train/eval behave the same.
    return nn.InstanceNorm2d(ch, affine=True)


class UNetBlock(nn.Module):
    """One level of the U-Net: down, the inner levels, up, and the skip concatenation."""

    def __init__(self, outer: int, inner: int, sub: nn.Module | None, *, size: int, outermost=False, dropout=False, in_ch=None):
        super().__init__()
        in_ch = in_ch or outer
        down = [nn.Conv2d(in_ch, inner, 4, 2, 1)]
        if not outermost:
            down.insert(0, nn.LeakyReLU(0.2, True))
            if sub is not None and size // 2 > 1:  # no norm on a 1x1 map (instance norm would zero it)
                down.append(_norm(inner))
        up_in = inner * 2 if sub is not None else inner
        if outermost:
            up = [nn.ReLU(True), nn.ConvTranspose2d(up_in, outer, 4, 2, 1), nn.Tanh()]
        else:
            up = [nn.ReLU(True), nn.ConvTranspose2d(up_in, outer, 4, 2, 1), _norm(outer)]
            if dropout:
                up.append(nn.Dropout(0.5))
        self.outermost = outermost
        self.model = nn.Sequential(*down, *([sub] if sub is not None else []), *up)

    def forward(self, x):
        y = self.model(x)
        return y if self.outermost else torch.cat([x, y], 1)


class UNetGenerator(nn.Module):
    """pix2pix U-Net (Isola et al. 2017): encoder down to 1x1, decoder with skip connections."""

    def __init__(self, in_ch: int = 3, out_ch: int = 3, image_size: int = 64, ngf: int = 64):
        super().__init__()
        depth = int(math.log2(image_size))
        mults = [min(2 ** i, 8) for i in range(depth)]  # 1, 2, 4, 8, 8, 8, ...
        block = None
        size = 2  # spatial size of the input to the innermost block
        for level in range(depth - 1, 0, -1):
            outer, inner = ngf * mults[level - 1], ngf * mults[level]
            dropout = block is not None and level >= depth - 3 and mults[level] == 8 and level != depth - 1
            block = UNetBlock(outer, inner, block, size=size, dropout=dropout)
            size *= 2
        self.model = UNetBlock(out_ch, ngf, block, size=size, outermost=True, in_ch=in_ch)

    def forward(self, x):
        return self.model(x)


class PatchDiscriminator(nn.Module):
    """PatchGAN: C64-C128-C256 strided, C512 stride 1, then a 1-channel map of patch logits.

    With three strided layers the receptive field is 70x70 (a 30x30 map at 256 px).
    """

    def __init__(self, in_ch: int = 6, ndf: int = 64, n_layers: int = 3):
        super().__init__()
        layers: list[nn.Module] = [nn.Conv2d(in_ch, ndf, 4, 2, 1), nn.LeakyReLU(0.2, True)]
        mult = 1
        for n in range(1, n_layers):
            prev, mult = mult, min(2 ** n, 8)
            layers += [nn.Conv2d(ndf * prev, ndf * mult, 4, 2, 1), _norm(ndf * mult), nn.LeakyReLU(0.2, True)]
        prev, mult = mult, min(2 ** n_layers, 8)
        layers += [nn.Conv2d(ndf * prev, ndf * mult, 4, 1, 1), _norm(ndf * mult), nn.LeakyReLU(0.2, True),
                   nn.Conv2d(ndf * mult, 1, 4, 1, 1)]
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)


# ---------------------------------------------------------------- CycleGAN: ResNet generator
class ResnetBlock(nn.Module):
    def __init__(self, ch: int):
        super().__init__()
        self.block = nn.Sequential(
            nn.ReflectionPad2d(1), nn.Conv2d(ch, ch, 3), _norm(ch), nn.ReLU(True),
            nn.ReflectionPad2d(1), nn.Conv2d(ch, ch, 3), _norm(ch))

    def forward(self, x):
        return x + self.block(x)


UPSAMPLING = ("deconv", "resize")


def _upsampling(cin: int, cout: int, how: str) -> nn.Module:
    """Double the size. ``deconv``: the paper's stride-2 transposed convolution, whose 3x3 kernel
    overlaps unevenly on a stride of 2 and so paints a checkerboard; ``resize``: nearest-neighbour
    upsampling then a 3x3 convolution (Odena et al. 2016, "Deconvolution and checkerboard
    artifacts"), where every output pixel sees the same number of inputs."""
    if how == "resize":
        return nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"), nn.ReflectionPad2d(1), nn.Conv2d(cin, cout, 3))
    return nn.ConvTranspose2d(cin, cout, 3, 2, 1, output_padding=1)


class ResnetGenerator(nn.Module):
    """CycleGAN generator (Johnson et al. 2016 style): c7s1-ngf, d2ngf, d4ngf, n res blocks, u2ngf, ungf, c7s1-3."""

    def __init__(self, in_ch: int = 3, out_ch: int = 3, ngf: int = 64, n_blocks: int = 6, upsample: str = "deconv"):
        super().__init__()
        if upsample not in UPSAMPLING:
            raise ValueError(f"upsample must be one of {UPSAMPLING} (got {upsample!r}).")
        layers: list[nn.Module] = [nn.ReflectionPad2d(3), nn.Conv2d(in_ch, ngf, 7), _norm(ngf), nn.ReLU(True)]
        ch = ngf
        for _ in range(2):
            layers += [nn.Conv2d(ch, ch * 2, 3, 2, 1), _norm(ch * 2), nn.ReLU(True)]
            ch *= 2
        layers += [ResnetBlock(ch) for _ in range(n_blocks)]
        for _ in range(2):
            layers += [_upsampling(ch, ch // 2, upsample), _norm(ch // 2), nn.ReLU(True)]
            ch //= 2
        layers += [nn.ReflectionPad2d(3), nn.Conv2d(ch, out_ch, 7), nn.Tanh()]
        self.model = nn.Sequential(*layers)

    def forward(self, x):
        return self.model(x)
