"""``pixelcnn``: an explicit, tractable density over binary images, p(x) = prod_i p(x_i | x_<i).

The pixels come in raster order; a masked convolutional network gives each one a Bernoulli logit
from the pixels before it, so the exact log-likelihood is one forward pass and training is plain
maximum likelihood. Sampling is sequential: one pixel at a time, 784 for a digit.

* ``arch="gated"`` (the default): the gated PixelCNN's vertical + horizontal stacks (van den Oord
  et al. 2016, "Conditional Image Generation with PixelCNN Decoders"), no blind spot.
* ``arch="plain"``: mask A then residual blocks of mask-B convolutions (the first PixelCNN), kept to
  show the blind spot (:meth:`PixelCNN.receptive_field`).

Data: each image is binarized by drawing every pixel with its intensity as the probability, afresh
each time it is seen (a dynamically binarized MNIST; the test NLL uses one fixed draw, seed 0).
Loss: the negative log-likelihood in nats per image; bits per dimension = nats / (784 ln 2).
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import torch
import torch.nn.functional as F

from ..config import ModelConfig
from .base import GenerativeModel, _whole
from .pixelcnn_layers import (
    GatedPixelCNN,
    build_network,
    receptive_field,
    sample_cropped,
    sample_gated,
    sample_naive,
)

EVAL_N = 1_000   # test images in the live view's NLL (the first 1,000 of the test split)
EVAL_BATCH = 32  # images per forward pass when scoring: on a CPU, 3x faster than 500 at a time
EVAL_SEED = 0    # their fixed binarization


@dataclass
class PixelCNNConfig(ModelConfig):
    arch: str = "gated"           # gated (vertical + horizontal stacks) | plain (masked convs: blind spot)
    width: int = 32               # feature channels of every layer
    layers: int = 8               # gated layers (or residual blocks) after the first, mask-A layer
    kernel: int = 7               # the first layer's window, k x k (the PixelCNN paper's 7 x 7)
    lr: float = 1e-3              # Adam 1e-3, betas (0.9, 0.999): the papers' likelihood-model default
    beta1: float = 0.9


def binarize(x: torch.Tensor, gen: torch.Generator | None = None) -> torch.Tensor:
    """Each pixel 1 with probability its intensity (x in [0, 1])."""
    u = torch.rand(x.shape, generator=gen).to(x.device) if gen is not None else torch.rand_like(x)
    return (u < x).to(x.dtype)


class PixelCNN(GenerativeModel):
    playground = "pixelcnn"
    title: ClassVar[str] = "a gated PixelCNN (van den Oord et al. 2016)"
    family = "pixelcnn"
    Config = PixelCNNConfig
    datasets = ("mnist", "fashion")
    has_latent = False            # no z: nothing to interpolate
    bf16_pays = False             # a likelihood summed over 784 pixels wants fp32; no gain measured
    default_batch_size = 64
    has_discriminator: ClassVar[bool] = False
    # Live, its own metric (evaluate()'s test NLL): judging 1,000 samples at every grid would cost
    # minutes of sequential sampling on a CPU. The card's judge figures are measured once, by publish.
    live_judge: ClassVar[bool] = False
    class_share_chart: ClassVar[bool] = False
    loss_names: ClassVar[dict[str, str]] = {"nll": "negative log-likelihood (nats per image)"}
    live_note: ClassVar[str] = ("An explicit density: the loss is the exact negative log-likelihood of the "
                                "binarized digits (lower is better; the PixelCNN paper reached 81.3 nats on "
                                "MNIST). Samples are drawn one pixel at a time, in raster order.")
    preview_rows: ClassVar[tuple[tuple[str, int], ...]] = (("samples at a fixed seed", 2),)

    @classmethod
    def fits_image_size(cls, size: int) -> bool:
        return 8 <= size <= 64  # sampling is one step per pixel: larger images take too long

    def build(self):
        c = self.config
        for key in ("width", "layers", "kernel"):
            v = getattr(c, key)
            if _whole(v) is None or v < 1:
                raise ValueError(f"{key} must be a whole number of at least 1 (got {v!r}).")
        if c.kernel < 3 or c.kernel % 2 == 0:
            raise ValueError(f"kernel is the first layer's odd window size, 3 or more (got {c.kernel!r}).")
        self.network = build_network(c.arch, c.width, c.layers, c.kernel, c.channels)
        self._test: torch.Tensor | None = None

    def make_optimizers(self):
        return {"pixelcnn": self.adam(self.parameters())}

    # ---------------------------------------------------------------- the density
    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """One Bernoulli logit per pixel, each from the pixels before it."""
        return self.network(x)

    def nll(self, x: torch.Tensor) -> torch.Tensor:
        """(N,) negative log-likelihood in nats of binary images x."""
        logits = self.logits(x).float()
        return F.binary_cross_entropy_with_logits(logits, x.float(), reduction="none").flatten(1).sum(1)

    def bits_per_dim(self, nats: float) -> float:
        c = self.config
        return nats / (c.channels * c.image_size * c.image_size * math.log(2))

    def train_step(self, batch):
        x = binarize(batch["x"])
        loss = self.nll(x).mean()
        opt = self.optimizers["pixelcnn"]
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return self.stats({"nll": loss, "bits_per_dim": loss / (x[0].numel() * math.log(2))})

    def test_images(self, n: int | None = EVAL_N) -> torch.Tensor:
        """The test split's first ``n`` images (all for None), binarized once with seed EVAL_SEED."""
        from ..data import load_dataset

        x = load_dataset(self.config.dataset, "test").tensors["x"]
        x = x.float().div(255.0)
        return binarize(x, torch.Generator().manual_seed(EVAL_SEED))[:n]

    @torch.inference_mode()
    def test_nlls(self, n: int | None = EVAL_N, batch: int = EVAL_BATCH) -> torch.Tensor:
        """(n,) the NLL in nats of each of the first ``n`` test images (all for None), eval mode."""
        x = self.test_images(n)
        was = self.training
        self.eval()
        out = torch.cat([self.nll(x[i:i + batch].to(self.device)).cpu() for i in range(0, len(x), batch)])
        self.train(was)
        return out

    def _summary(self, nlls: torch.Tensor) -> dict[str, float]:
        nats = float(nlls.double().mean())
        return {"test_nll": round(nats, 3), "test_bits_per_dim": round(self.bits_per_dim(nats), 4)}

    def test_nll(self, n: int | None = EVAL_N, batch: int = EVAL_BATCH) -> dict[str, float]:
        """The mean test NLL in nats per image and in bits per dimension (eval mode)."""
        return self._summary(self.test_nlls(n, batch))

    def evaluate(self) -> dict[str, float]:
        """The live view's test NLL: the first 1,000 test images at their fixed binarization."""
        if self._test is None:
            self._test = self.test_images(EVAL_N)
        x = self._test
        with torch.inference_mode():
            was = self.training
            self.eval()
            nats = float(torch.cat([self.nll(x[i:i + EVAL_BATCH].to(self.device))
                                    for i in range(0, len(x), EVAL_BATCH)]).mean())
            self.train(was)
        return {"test_nll_1k": round(nats, 3), "test_bits_per_dim_1k": round(self.bits_per_dim(nats), 4)}

    def card_metrics(self) -> dict[str, float]:
        """The card's own measure: the exact test NLL, of all the test images and of the first 1,000
        (the live view's figure), at their fixed binarization."""
        nlls = self.test_nlls(None)   # one pass; the first 1,000 are a part of it
        whole, first = self._summary(nlls), self._summary(nlls[:EVAL_N])
        return {**whole, "test_nll_1k": first["test_nll"], "test_bits_per_dim_1k": first["test_bits_per_dim"]}

    def card_pictures(self) -> list[tuple[str, str, torch.Tensor, int]]:
        """The completion sheet: the first 8 test digits with their bottom half hidden (grey), each
        followed by 7 completions of the top 14 rows at seed 0."""
        n, k, rows = 8, 7, self.config.image_size // 2
        x = self.test_images(n)
        done = self.complete(x.repeat_interleave(k, 0), rows, seed=0).view(n, k, *x.shape[1:])
        given = x.clone()
        given[:, :, rows:] = 0.5
        sheet = torch.cat([given[:, None], done], 1).flatten(0, 1)
        return [("completions.png", f"Completions: the first {n} test digits, their bottom {rows} rows hidden (grey), "
                 f"each followed by {k} samples of those rows given the top {rows} (seed 0)", sheet, k + 1)]

    # ---------------------------------------------------------------- the Python API
    def _check_binary(self, x: Any) -> torch.Tensor:
        c = self.config
        shape = (c.channels, c.image_size, c.image_size)
        if not isinstance(x, torch.Tensor):  # a ValueError, as for every bad input of the Python API
            raise ValueError(  # noqa: TRY004
                f"Give the images as a torch tensor (N, {', '.join(map(str, shape))}), not {type(x).__name__}.")
        if x.dim() != 4 or x.size(0) < 1 or tuple(x.shape[1:]) != shape:
            hint = " For one image, use x[None]." if tuple(x.shape) == shape else ""
            raise ValueError(f"Give a batch of binary images of shape (N, {', '.join(map(str, shape))}); "
                             f"got shape {tuple(x.shape)}.{hint}")
        if x.is_complex() or not ((x == 0) | (x == 1)).all():
            raise ValueError("The images must be binary (every pixel 0 or 1). Binarize them first, e.g. "
                             "(x > 0.5).float(), or draw each pixel with its intensity.")
        return x.float().to(self.device)

    @torch.inference_mode()
    def log_prob(self, x: torch.Tensor) -> torch.Tensor:
        """(N,) exact log-likelihood log p(x) in nats of binary images x (N, 1, 28, 28), on the CPU."""
        return -self.nll(self._check_binary(x)).float().cpu()

    def sample(self, x: torch.Tensor, start_row: int, seed: int, *, method: str = "fast",
               on_row: Callable[[int, torch.Tensor], None] | None = None) -> torch.Tensor:
        """Fill rows ``start_row``.. of binary x (N, 1, H, W) pixel by pixel, rows above kept.
        ``method``: fast (the gated stacks' cached sampler; cropped rows for the plain one), cropped,
        or naive (the whole network per pixel: the reference, slow). ``on_row(r, x)`` after each row."""
        seed_i = _whole(seed)
        if seed_i is None:
            raise ValueError(f"The seed must be a whole number (got {seed!r}).")
        u = torch.rand(x.shape, generator=torch.Generator().manual_seed(seed_i)).to(self.device)
        x = x.to(self.device).float().clone()
        x[:, :, start_row:] = 0
        was, threads = self.training, torch.get_num_threads()
        self.eval()
        if self.device.type == "cpu":  # each step is many tiny products: more threads only wait on each other
            torch.set_num_threads(1)
        try:
            if method == "fast" and isinstance(self.network, GatedPixelCNN):
                out = sample_gated(self.network, x, u, start_row, on_row=on_row)
            elif method in ("fast", "cropped"):
                out = sample_cropped(self.network, x, u, start_row, on_row=on_row)
            elif method == "naive":
                out = sample_naive(self.network, x, u, start_row)
            else:
                raise ValueError(f"method must be fast, cropped or naive (got {method!r}).")
        finally:
            self.train(was)
            torch.set_num_threads(threads)
        return out.float().cpu()

    def generate(self, n: int, seed: int = 0, label=None) -> torch.Tensor:
        """n samples (n, 1, 28, 28) in {0, 1}; the same seed gives the same samples."""
        count = _whole(n)
        if count is None or count < 1:
            raise ValueError(f"The number of samples must be a whole number of at least 1 (got {n!r}).")
        c = self.config
        return self.sample(torch.zeros(count, c.channels, c.image_size, c.image_size), 0, seed)

    def complete(self, x: torch.Tensor, rows: int, seed: int = 0) -> torch.Tensor:
        """Keep the first ``rows`` rows of each binary image and sample the rest (completion)."""
        x = self._check_binary(x)
        size = self.config.image_size
        kept = _whole(rows)
        if kept is None or not 0 <= kept <= size:
            raise ValueError(f"rows is how many rows to keep: a whole number from 0 to {size} (got {rows!r}).")
        if kept == size:
            return x.cpu()
        return self.sample(x, kept, seed)

    def receptive_field(self, r: int, c: int) -> torch.Tensor:
        """(H, W) bool: the pixels that influence pixel (r, c)'s distribution (see pixelcnn_layers)."""
        size = self.config.image_size
        if _whole(r) is None or _whole(c) is None or not (0 <= r < size and 0 <= c < size):
            raise ValueError(f"(r, c) must be a pixel of the {size} x {size} image (got ({r!r}, {c!r})).")
        return receptive_field(self.network, int(r), int(c), size)

    def preview(self, fixed):
        """16 samples at the fixed seed: cheap enough for every sample point of a live run."""
        return self.generate(16, seed=self.config_seed), 8
