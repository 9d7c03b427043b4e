"""PixelCNN's networks: the plain masked-convolution stack and the gated vertical + horizontal stacks.

Both map a binary image (N, 1, H, W) to one Bernoulli logit per pixel, where the logit at pixel
(r, c) sees only the pixels before it in raster order (rows above, then the same row to the left):
p(x) = prod_i p(x_i | x_<i).

* :class:`PlainPixelCNN` (van den Oord et al. 2016, "Pixel Recurrent Neural Networks"): a k x k
  mask-A convolution (the centre pixel hidden), then residual blocks of 3 x 3 mask-B convolutions
  (the centre visible). Stacking masked 3 x 3 kernels leaves a *blind spot*: pixels above and to
  the right of the current one that no path reaches.
* :class:`GatedPixelCNN` (van den Oord et al. 2016, "Conditional Image Generation with PixelCNN
  Decoders"): a vertical stack that sees every row above (a (k//2+1) x k kernel over the rows
  above and the current row of the previous vertical layer) and a horizontal stack that sees the
  current row to the left (1 x (k//2+1)), joined by a 1 x 1 link from vertical to horizontal.
  Gated units tanh(a) * sigmoid(b); a residual connection on the horizontal stack. No blind spot.
  The masks here are the kernels' shapes and the padding (a "shifted" convolution): the same
  receptive field as a masked k x k kernel, without computing the half of it that is zero.

:func:`receptive_field` shows the difference by autograd.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def gate(a: torch.Tensor) -> torch.Tensor:
    """The gated activation tanh(first half) * sigmoid(second half) over channels."""
    t, s = a.chunk(2, dim=1)
    return torch.tanh(t) * torch.sigmoid(s)


class MaskedConv2d(nn.Conv2d):
    """A k x k convolution whose kernel is zero below the centre row and right of the centre pixel;
    mask "A" also hides the centre (the pixel being predicted), mask "B" shows it (a feature that
    already depends only on earlier pixels)."""

    def __init__(self, mask: str, in_ch: int, out_ch: int, k: int):
        super().__init__(in_ch, out_ch, k, padding=k // 2)
        if mask not in ("A", "B"):
            raise ValueError(f"mask must be 'A' or 'B', not {mask!r}.")
        m = torch.ones(k, k)
        m[k // 2, k // 2 + (mask == "B"):] = 0
        m[k // 2 + 1:] = 0
        self.register_buffer("mask", m[None, None], persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(x, self.weight * self.mask, self.bias, padding=self.padding)


def _head(width: int) -> nn.Sequential:
    """ReLU, 1 x 1, ReLU, 1 x 1 -> one logit per pixel (the papers' output layers)."""
    return nn.Sequential(nn.ReLU(), nn.Conv2d(width, width, 1), nn.ReLU(), nn.Conv2d(width, 1, 1))


class PlainPixelCNN(nn.Module):
    """Mask-A k x k convolution, ``layers`` residual blocks (ReLU, 3 x 3 mask B, ReLU, 1 x 1), head."""

    def __init__(self, width: int, layers: int, kernel: int, in_ch: int = 1):
        super().__init__()
        self.first = MaskedConv2d("A", in_ch, width, kernel)
        self.blocks = nn.ModuleList(
            nn.Sequential(nn.ReLU(), MaskedConv2d("B", width, width, 3), nn.ReLU(), nn.Conv2d(width, width, 1))
            for _ in range(layers))
        self.head = _head(width)
        self.reach = kernel // 2 + layers  # rows above that can influence a pixel

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.first(x)
        for block in self.blocks:
            h = h + block(h)
        return self.head(h)


class GatedPixelCNN(nn.Module):
    """Gated vertical + horizontal stacks: a mask-A layer with a ``kernel``-wide window, then
    ``layers`` gated layers with 3-wide windows, then the head (on the horizontal stack)."""

    def __init__(self, width: int, layers: int, kernel: int, in_ch: int = 1):
        super().__init__()
        P, w2 = kernel // 2, 2 * width
        self.P = P
        # Layer 0 (mask A): the vertical stack sees the P rows strictly above, the horizontal stack
        # the P pixels strictly to the left.
        self.v_first = nn.Conv2d(in_ch, w2, (P, kernel))
        self.h_first = nn.Conv2d(in_ch, w2, (1, P))
        self.link_first = nn.Conv2d(w2, w2, 1)
        # Layers 1.. (mask B): vertical 2 x 3 over the previous vertical layer (the row above and
        # this one: its rows already see only rows above the input's), horizontal 1 x 2.
        self.v_convs = nn.ModuleList(nn.Conv2d(width, w2, (2, 3)) for _ in range(layers))
        self.h_convs = nn.ModuleList(nn.Conv2d(width, w2, (1, 2)) for _ in range(layers))
        self.links = nn.ModuleList(nn.Conv2d(w2, w2, 1) for _ in range(layers))
        self.h_outs = nn.ModuleList(nn.Conv2d(width, width, 1) for _ in range(layers))
        self.head = _head(width)
        self.reach = P + layers

    def first_layer(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        H, W, P = x.size(2), x.size(3), self.P
        v_pre = self.v_first(F.pad(x, (P, P, P, 0)))[:, :, :H]      # rows r-P .. r-1
        h_pre = self.h_first(F.pad(x, (P, 0, 0, 0)))[:, :, :, :W]   # columns c-P .. c-1
        return v_pre, gate(h_pre + self.link_first(v_pre))

    def layer(self, i: int, v: torch.Tensor, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        v_pre = self.v_convs[i](F.pad(v, (1, 1, 1, 0)))             # rows r-1 .. r, columns c-1 .. c+1
        h_pre = self.h_convs[i](F.pad(h, (1, 0, 0, 0))) + self.links[i](v_pre)  # columns c-1 .. c
        return v_pre, h + self.h_outs[i](gate(h_pre))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        v_pre, h = self.first_layer(x)
        for i in range(len(self.v_convs)):
            v_pre, h = self.layer(i, gate(v_pre), h)
        return self.head(h)


def build_network(arch: str, width: int, layers: int, kernel: int, in_ch: int = 1) -> nn.Module:
    if arch == "gated":
        return GatedPixelCNN(width, layers, kernel, in_ch)
    if arch == "plain":
        return PlainPixelCNN(width, layers, kernel, in_ch)
    raise ValueError(f"arch must be 'gated' or 'plain', not {arch!r}.")


def receptive_field(net: nn.Module, r: int, c: int, size: int = 28, seed: int = 0) -> torch.Tensor:
    """(size, size) bool: the input pixels whose values change the logit at (r, c), found by
    autograd on a random input (a nonzero gradient). Causality means only pixels before (r, c) in
    raster order can be True; the plain stack's blind spot shows as False pixels above-right."""
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(1, 1, size, size, generator=g).to(next(net.parameters()).device).requires_grad_(True)
    with torch.enable_grad():
        net(x)[0, 0, r, c].backward()
    return (x.grad[0, 0] != 0).cpu()


# ---------------------------------------------------------------- sampling, pixel by pixel
def _draw(logit: torch.Tensor, threshold: torch.Tensor) -> torch.Tensor:
    """A Bernoulli draw per sample: 1 where the logit exceeds logit(u) for a pre-drawn uniform u
    (the same as u < sigmoid(logit); a seed fixes u, so it fixes the sample)."""
    return (logit > threshold).to(logit.dtype)


@torch.inference_mode()
def sample_naive(net: nn.Module, x: torch.Tensor, u: torch.Tensor, start_row: int = 0,
                 pixels: int | None = None) -> torch.Tensor:
    """The textbook sampler: the whole network on the whole image once per pixel (H * W passes).
    ``pixels`` stops after that many (to time it without waiting for all of them)."""
    x, lu = x.clone(), torch.logit(u)
    H, W = x.shape[-2:]
    done = 0
    for r in range(start_row, H):
        for c in range(W):
            if pixels is not None and done >= pixels:
                return x
            x[:, 0, r, c] = _draw(net(x)[:, 0, r, c], lu[:, 0, r, c])
            done += 1
    return x


@torch.inference_mode()
def sample_cropped(net: nn.Module, x: torch.Tensor, u: torch.Tensor, start_row: int = 0,
                   on_row=None) -> torch.Tensor:
    """Any stack: for pixel (r, c) run the network on rows r - reach .. r only -- the rows that can
    influence it (rows below cannot; the rows above ``reach`` cannot reach it), so the logit is
    exactly the full pass's."""
    x, lu = x.clone(), torch.logit(u)
    H, W = x.shape[-2:]
    for r in range(start_row, H):
        r0 = max(0, r - net.reach)
        for c in range(W):
            x[:, 0, r, c] = _draw(net(x[:, :, r0:r + 1])[:, 0, r - r0, c], lu[:, 0, r, c])
        if on_row is not None:
            on_row(r, x)
    return x


def _columns(conv: nn.Conv2d, scale: torch.Tensor) -> torch.Tensor:
    """A (out, in, 1, k) convolution as the matrix a row of k pixels' channels (oldest first) is
    multiplied by, each output channel times ``scale``."""
    w = conv.weight
    return (w.permute(0, 3, 1, 2).reshape(w.size(0), -1) * scale[:, None]).t().contiguous()


def _gate2(a: torch.Tensor, width: int) -> torch.Tensor:
    """:func:`gate` for pre-activations whose tanh half was doubled: tanh(t) = 2 sigmoid(2t) - 1, so
    one sigmoid serves both halves."""
    s = torch.sigmoid(a)
    s1, s2 = s[:, :width], s[:, width:]
    return torch.addcmul(s2.neg(), s1, s2, value=2.0)


@torch.inference_mode()
def sample_gated(net: GatedPixelCNN, x: torch.Tensor, u: torch.Tensor, start_row: int = 0,
                 on_row=None, logits_out: torch.Tensor | None = None) -> torch.Tensor:
    """The gated stacks' fast sampler: each row's vertical stack is computed once, when the row
    starts (it sees only rows above); then each pixel runs the horizontal stack at that one pixel,
    from the previous pixel's cached features, as matrix products. Batched over all samples. The
    logits equal the full pass's (``logits_out`` receives them, for checking that)."""
    N, _, H, W = x.shape
    P, L = net.P, len(net.v_convs)
    width = net.h_first.out_channels // 2
    lu = torch.logit(u)
    xpad = F.pad(x, (P, P, P, 0)).clone()              # rows r-P.. above; samples go into it
    vpads = [x.new_zeros(N, width, H + 1, W + 2) for _ in range(L)]  # gated vertical layers, padded
    scale = torch.cat([x.new_full((width,), 2.0), x.new_ones(width)])  # see _gate2
    h_first = _columns(net.h_first, scale)
    h_mats = [_columns(conv, scale) for conv in net.h_convs]
    h_out = [(o.weight[:, :, 0, 0].t().contiguous(), o.bias) for o in net.h_outs]
    (w1, b1), (w2, b2) = [(m.weight[:, :, 0, 0].t().contiguous(), m.bias) for m in net.head
                          if isinstance(m, nn.Conv2d)]
    for r in range(H):
        # The vertical stack at row r, every layer, and its links into the horizontal stack (with
        # the horizontal convolutions' biases, so a pixel step adds one term).
        v_pre = net.v_first(xpad[:, :, r:r + P])        # (N, 2w, 1, W): rows r-P .. r-1
        links = [net.link_first(v_pre)]
        for i in range(L):
            vpads[i][:, :, r + 1, 1:W + 1] = gate(v_pre)[:, :, 0]
            v_pre = net.v_convs[i](vpads[i][:, :, r:r + 2])
            links.append(net.links[i](v_pre))
        if r < start_row:
            continue
        biases = [net.h_first.bias] + [conv.bias for conv in net.h_convs]
        links = [((k[:, :, 0] + b[:, None]) * scale[:, None]).transpose(1, 2).contiguous()
                 for k, b in zip(links, biases)]      # (N, W, 2w) per layer
        row = xpad[:, 0, P + r]                          # (N, P + W + P): this row, padded
        prev = [x.new_zeros(N, width) for _ in range(L)]  # each layer's input at column c - 1
        for c in range(W):
            h = _gate2(torch.addmm(links[0][:, c], row[:, c:c + P], h_first), width)
            for i in range(L):
                a = torch.addmm(links[i + 1][:, c], torch.cat([prev[i], h], 1), h_mats[i])
                prev[i] = h
                h = torch.addmm(h + h_out[i][1], _gate2(a, width), h_out[i][0])
            logit = torch.addmm(b2, torch.relu(torch.addmm(b1, torch.relu(h), w1)), w2)[:, 0]
            if logits_out is not None:
                logits_out[:, 0, r, c] = logit
            row[:, P + c] = logit > lu[:, 0, r, c]
        if on_row is not None:
            on_row(r, xpad[:, :, P:, P:P + W])
    return xpad[:, :, P:, P:P + W].clone()


def compare_fields(layers: int, kernel: int, r: int, c: int, size: int = 28) -> dict[str, torch.Tensor]:
    """The blind spot, shown: {"plain": field, "gated": field} of pixel (r, c) for the two networks
    at the same depth and first kernel, each (size, size) bool by :func:`receptive_field`. The
    fields depend only on the architecture: narrow networks with fixed weights, each field the union
    over three random inputs (one input can leave a ReLU off everywhere a path passes)."""
    out = {}
    for arch in ("plain", "gated"):
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(0)
            net = build_network(arch, 16, layers, kernel)
        fields = [receptive_field(net, r, c, size, seed) for seed in range(3)]
        out[arch] = torch.stack(fields).any(0)
    return out
