"""``dcgan``: Deep Convolutional GAN (Radford, Metz & Chintala 2016) at 28 px.

G: z(100) -> ConvTranspose to 7x7 -> 14x14 -> 28x28; BatchNorm + ReLU, Tanh out (no BN there).
D: strided Conv + LeakyReLU(0.2), BatchNorm except on the input layer; one logit out
(Sigmoid folded into BCE-with-logits). Adam 2e-4, beta1 0.5. No pooling, no hidden FC layers.
``ngf``/``ndf`` are 64 (the paper uses 128 at 64 px; 64 keeps an MNIST epoch to a few CPU minutes).

``ema`` and ``r1`` (off by default, as in the paper): a moving average of G's weights to sample
with, and the R1 penalty on D's gradient at real images (``stabilizers.py``).

``codes`` (off by default): InfoGAN's categorical latent code (Chen et al. 2016). A Gaussian z is
one connected blob while the digits are separate clusters, so a G without a code draws in-between
shapes on the way from one digit to the next. The argmax of z's first ``codes`` entries picks a
category that reaches G as a one-hot vector times ``code_scale``, so G can jump between clusters;
D's second head, Q, must read the category back from the image, and G and D both minimise Q's
cross-entropy (weight ``info``), so the categories come to look different, unsupervised. The
one-hot is scaled up because at size 1, next to the N(0, 1) entries, G keeps the digit in the noise
and marks the category with small changes of style. z stays an ordinary N(0, I) vector, so
sampling, interpolation and arithmetic work on it unchanged.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import torch
import torch.nn.functional as F

from ..config import ModelConfig
from .base import AdversarialModel, from_tanh_space, seeded_noise
from .layers import (
    DCGAN_SIZES,
    DCGANDiscriminator,
    DCGANGenerator,
    dcgan_draws,
    init_dcgan_weights,
)
from .stabilizers import Stabilized


@dataclass
class DCGANConfig(ModelConfig):
    latent_dim: int = 100
    ngf: int = 64
    ndf: int = 64
    d_norm: str = "batch"         # batch (the paper) | layer | none
    ema: float = 0.0              # decay of the moving average of G's weights used to sample; 0: off
    r1: float = 0.0               # R1 penalty weight gamma on D's gradient at real images; 0: off
    codes: int = 0                # InfoGAN: categories of a latent code read back by D's Q head; 0: off
    info: float = 1.0             # weight of Q's cross-entropy in D's and G's losses (with codes)
    code_scale: float = 5.0       # the one-hot code's size in G's input (z's other entries are ~N(0, 1))


class DCGAN(Stabilized, AdversarialModel):
    playground = "latent"
    title: ClassVar[str] = 'a deep convolutional GAN (Radford et al. 2016)'
    live_lr: ClassVar[float | None] = 0.001
    live_batch_size: ClassVar[int | None] = 32
    default_in: ClassVar[tuple[str, ...]] = ("train",)  # the Train tab starts on the course's workhorse
    family = "dcgan"
    Config = DCGANConfig
    datasets = ("mnist", "fashion")
    image_sizes = DCGAN_SIZES

    @classmethod
    def fits_image_size(cls, size: int) -> bool:
        return dcgan_draws(size)

    def build(self):
        c = self.config
        codes = getattr(c, "codes", 0)  # wgan shares this build; its config has no codes
        if not isinstance(codes, int) or isinstance(codes, bool) or codes == 1 or not 0 <= codes < c.latent_dim:
            raise ValueError(f"codes must be 0 (off) or a number of categories from 2 to {c.latent_dim - 1}, "
                             f"such as 10 (got {codes!r}).")
        info = getattr(c, "info", 1.0)
        if not isinstance(info, (int, float)) or isinstance(info, bool) or not 0.0 < info < float("inf"):
            raise ValueError(f"info must be a weight > 0, such as 1.0 (got {info!r}).")
        scale = getattr(c, "code_scale", 5.0)
        if not isinstance(scale, (int, float)) or isinstance(scale, bool) or not 0.0 < scale < float("inf"):
            raise ValueError(f"code_scale must be > 0, such as 5.0 (got {scale!r}).")
        self.codes, self.info_weight, self.code_scale = codes, float(info), float(scale)
        self.generator = DCGANGenerator(c.latent_dim, c.channels, c.image_size, c.ngf)
        self.discriminator = DCGANDiscriminator(c.channels, c.image_size, c.ndf, norm=self.critic_norm(), extra=codes)
        init_dcgan_weights(self)
        self.setup_stabilizers()  # wgan shares this build; its config has neither ema nor r1: both off

    def with_code(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """(G's input, the category) for latent vectors z: with ``codes``, the first ``codes``
        entries of z are replaced by the one-hot vector of their argmax; else (z, None)."""
        if not self.codes:
            return z, None
        category = z[:, :self.codes].argmax(1)
        one_hot = F.one_hot(category, self.codes).to(z.dtype)
        return torch.cat([self.code_scale * one_hot, z[:, self.codes:]], 1), category

    def category(self, z: torch.Tensor) -> torch.Tensor | None:
        """The code's category for each latent vector (None without ``codes``)."""
        return self.with_code(z)[1]

    def fake(self, n, labels=None):
        g_in, category = self.with_code(self.sample_latent(n))
        return self.generator(g_in), category

    def discriminate(self, x, labels):
        out = self.discriminator(x)
        return out[:, 0] if self.codes else out

    def discriminate_fake(self, x, labels):
        """D's logits on fakes and, with ``codes``, Q's cross-entropy at telling the code back."""
        if not self.codes:
            return super().discriminate_fake(x, labels)
        out = self.discriminator(x)
        return out[:, 0], self.info_weight * F.cross_entropy(out[:, 1:], labels)

    def critic_norm(self) -> str:
        return self.config.d_norm

    @torch.inference_mode()
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Latent vectors -> images in [0, 1] (eval mode: BatchNorm uses its running statistics)."""
        was = self.training
        self.eval()
        out = from_tanh_space(self.sampler(self.with_code(z.to(self.device))[0])).float().cpu()
        self.train(was)
        return out

    def generate(self, n: int, seed: int = 0, label=None) -> torch.Tensor:
        return self.decode(seeded_noise((n, self.config.latent_dim), seed, self.device))

    def every_category(self, seed: int = 0, per_category: int = 8) -> torch.Tensor:
        """With ``codes``: row i shows category i, column j the same rest of z (InfoGAN's figure)."""
        k = self.codes
        z = seeded_noise((per_category, self.config.latent_dim), seed, self.device).repeat(k, 1)
        z[:, :k] = F.one_hot(torch.arange(k, device=z.device).repeat_interleave(per_category), k).to(z.dtype)
        return self.decode(z)

    def preview(self, fixed):
        """64 samples in rows of 8; with ``codes``, one row per category instead."""
        if self.codes:
            return self.every_category(seed=self.config_seed, per_category=8), 8
        return super().preview(fixed)
