"""``pix2pix``: paired image-to-image translation (Isola et al. 2017), edges -> shoe photos.

G: U-Net (encoder-decoder with skip connections), Tanh out, inputs in [-1, 1].
D: PatchGAN on (edges, photo) pairs -- it judges overlapping 70x70 patches, not the whole image.
Loss: cGAN (BCE on patch logits) + lambda * L1(G(x), y) with lambda = 100; Adam 2e-4, beta1 0.5.
Each training pair is randomly jittered and mirrored, as in the paper (``augment``), and a share
of the edge maps is swapped for the shoe's outline, whole or with some of its lines, so a sparse
hand drawing also becomes a shoe (``sketches``, :mod:`genapp.outlines`).
64 px by default (CPU-friendly; 128 px with a GPU). Instance norm instead of batch norm so one
sketch gives the same shoe alone or in a batch.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import torch
import torch.nn.functional as F

from ..config import ModelConfig
from .augment import random_jitter, sketch_mix
from .base import AdversarialModel, check_images, from_tanh_space, to_tanh_space
from .layers import PatchDiscriminator, UNetGenerator, init_dcgan_weights


@dataclass
class Pix2PixConfig(ModelConfig):
    dataset: str = "edges2shoes"
    image_size: int = 64
    channels: int = 3
    ngf: int = 32                 # 64 in the paper; 32 keeps the U-Net at 8M parameters for the CPU
    ndf: int = 64
    l1_weight: float = 100.0      # lambda in the paper
    augment: bool = True          # the paper's random jitter + mirroring of each training pair (augment.py)
    sketches: float = 0.5         # share of pairs whose edge map becomes an outline sketch (augment.sketch_mix)


class Pix2Pix(AdversarialModel):
    playground = "sketch"
    title: ClassVar[str] = 'pix2pix paired image-to-image translation (Isola et al. 2017)'
    live_note: ClassVar[str] = 'Rows: edges, generated shoes, real shoes.'
    family = "pix2pix"
    quality_metrics = "paired"
    Config = Pix2PixConfig
    datasets = ("edges2shoes",)
    kind = "translation"
    default_batch_size = 8   # the paper trains with 1 at 256 px; 8 at 64 px keeps a CPU busy (the shipped model)
    has_latent = False
    task = "image-to-image"
    image_sizes = "32, 64, 128 or 256 px (the U-Net halves the image down to 1 px)"

    @classmethod
    def fits_image_size(cls, size: int) -> bool:
        return size in (32, 64, 128, 256)

    def build(self):
        c = self.config
        if not isinstance(c.augment, bool):
            raise ValueError(f"augment must be true or false (got {c.augment!r}).")
        if isinstance(c.sketches, bool) or not isinstance(c.sketches, (int, float)) or not 0 <= c.sketches <= 1:
            raise ValueError(f"sketches must be a number between 0 and 1 (got {c.sketches!r}).")
        self.generator = UNetGenerator(c.channels, c.channels, c.image_size, c.ngf)
        self.discriminator = PatchDiscriminator(c.channels * 2, c.ndf)
        init_dcgan_weights(self)

    def train_step(self, batch):
        a = batch["a"]
        if self.config.sketches and "outline" in batch:
            a = sketch_mix(a, batch["outline"], float(self.config.sketches))
        a, b = to_tanh_space(a), to_tanh_space(batch["b"])
        if self.config.augment:
            a, b = random_jitter(a, b)
        fake = self.generator(a)
        opt_d, opt_g = self.optimizers["discriminator"], self.optimizers["generator"]
        # D: real pairs -> 1, fake pairs -> 0 (halved, as in the paper, to slow D relative to G)
        opt_d.zero_grad(set_to_none=True)
        out_real = self.discriminator(torch.cat([a, b], 1))
        out_fake = self.discriminator(torch.cat([a, fake.detach()], 1))
        loss_d = 0.5 * (self._d_loss_part(out_real, True) + self._d_loss_part(out_fake, False))
        loss_d.backward()
        opt_d.step()
        # G: fool D and stay close to the target in L1
        opt_g.zero_grad(set_to_none=True)
        for p in self.discriminator.parameters():
            p.requires_grad_(False)
        loss_gan = self._g_loss(self.discriminator(torch.cat([a, fake], 1)))
        for p in self.discriminator.parameters():
            p.requires_grad_(True)
        loss_l1 = F.l1_loss(fake, b)
        (loss_gan + self.config.l1_weight * loss_l1).backward()
        opt_g.step()
        return self.stats({"loss_d": loss_d, "loss_g": loss_gan, "l1": loss_l1,
                           "d_x": self._score(out_real), "d_g_z": self._score(out_fake)})

    @torch.inference_mode()
    def translate(self, x: torch.Tensor, direction: str | None = None) -> torch.Tensor:
        """Edge maps (N, C, H, W) in [0, 1], any size -> shoes (N, C, S, S) in [0, 1]."""
        c = self.config
        check_images(x, c.channels)
        x = x.to(self.device, torch.float32)
        if x.size(1) == 1:
            x = x.expand(-1, c.channels, -1, -1)
        if x.shape[-2:] != (c.image_size, c.image_size):
            x = F.interpolate(x, size=(c.image_size, c.image_size), mode="bilinear", align_corners=False, antialias=True)
        was = self.training
        self.eval()
        out = from_tanh_space(self.generator(to_tanh_space(x))).float().cpu()
        self.train(was)
        return out

    def preview(self, fixed):
        """Rows: edges, generated shoes, real shoes."""
        a, b = fixed["a"][:8], fixed["b"][:8]
        return torch.cat([a.cpu(), self.translate(a), b.cpu()]), 8

    def evaluate(self) -> dict[str, float]:
        return {}
