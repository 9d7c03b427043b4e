"""``cgan``: conditional GAN (Mirza & Osindero 2014) with the course's way of feeding the label.

G: a label embedding (10 -> latent_dim) multiplied element-wise into z, then the DCGAN generator.
D: a label embedding (10 -> H*W) reshaped to one extra image channel and concatenated to the
input, then the DCGAN discriminator. BCE (as logits), Adam 2e-4, beta1 0.5.

``ema`` and ``r1`` (off by default) as for the dcgan (``stabilizers.py``): the average follows G
and its label embedding together, and R1's gradient is taken at real images with their labels.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import torch
from torch import nn

from ..config import ModelConfig
from ..data import CLASS_NAMES
from .base import AdversarialModel, from_tanh_space, seeded_noise, to_tanh_space
from .layers import (
    DCGAN_SIZES,
    DCGANDiscriminator,
    DCGANGenerator,
    dcgan_draws,
    init_dcgan_weights,
)
from .stabilizers import Stabilized


@dataclass
class CGANConfig(ModelConfig):
    latent_dim: int = 100
    num_classes: int = 10
    ngf: int = 64
    ndf: int = 64
    ema: float = 0.0              # decay of the moving average of G (and its label embedding); 0: off
    r1: float = 0.0               # R1 penalty weight gamma on D's gradient at real images; 0: off


class CGAN(Stabilized, AdversarialModel):
    playground = "conditional"
    title: ClassVar[str] = 'a conditional GAN (Mirza & Osindero 2014)'
    live_lr: ClassVar[float | None] = 0.001
    live_batch_size: ClassVar[int | None] = 32
    live_note: ClassVar[str] = "Row i is class i; each column keeps one z (one 'style')."
    family = "cgan"
    Config = CGANConfig
    datasets = ("mnist", "fashion")
    conditional = True
    image_sizes = DCGAN_SIZES

    @classmethod
    def fits_image_size(cls, size: int) -> bool:
        return dcgan_draws(size)

    def build(self):
        c = self.config
        self.label_to_z = nn.Embedding(c.num_classes, c.latent_dim)
        self.label_to_channel = nn.Embedding(c.num_classes, c.image_size * c.image_size)
        self.generator = DCGANGenerator(c.latent_dim, c.channels, c.image_size, c.ngf)
        self.discriminator = DCGANDiscriminator(c.channels + 1, c.image_size, c.ndf)
        init_dcgan_weights(self.generator)
        init_dcgan_weights(self.discriminator)
        # The embeddings keep PyTorch's N(0, 1) init (not the DCGAN N(0, 0.02) one): z * e(y)
        # must differ strongly between classes from the first step, or G learns to ignore y.
        self.setup_stabilizers()

    def averaged_parts(self) -> nn.Module:
        """G with its label embedding: what the moving average (``ema``) follows."""
        return nn.ModuleDict({"generator": self.generator, "label_to_z": self.label_to_z})

    @property
    def class_names(self) -> list[str]:
        return CLASS_NAMES.get(self.config.dataset, [str(i) for i in range(self.config.num_classes)])

    def make_optimizers(self):
        return {"generator": self.adam([*self.generator.parameters(), *self.label_to_z.parameters()]),
                "discriminator": self.adam([*self.discriminator.parameters(), *self.label_to_channel.parameters()])}

    def real(self, batch):
        return to_tanh_space(batch["x"]), batch["y"]

    def g(self, z, labels, parts: nn.Module | None = None):
        """G(z, y) with the live weights, or with ``parts`` (the moving average: ``self.sampler``)."""
        parts = self.averaged_parts() if parts is None else parts
        return parts["generator"](z * parts["label_to_z"](labels))

    def fake(self, n, labels=None):
        if labels is None:
            labels = torch.randint(0, self.config.num_classes, (n,), device=self.device)
        return self.g(self.sample_latent(n), labels), labels

    def discriminate(self, x, labels):
        c = self.config
        ch = self.label_to_channel(labels).view(-1, 1, c.image_size, c.image_size)
        return self.discriminator(torch.cat([x, ch], 1))

    def label_index(self, label) -> int:
        """A class index from an int, a digit string or a class name (case-insensitive)."""
        names = [n.lower() for n in self.class_names]
        if isinstance(label, str):
            s = label.strip()
            if s.lstrip("-").isdigit():
                label = int(s)
            elif s.lower() in names:
                return names.index(s.lower())
            else:
                raise ValueError(f"Unknown class {label!r}; choose 0-{len(names) - 1} or one of: {', '.join(self.class_names)}.")
        label = int(label)
        if not 0 <= label < self.config.num_classes:
            raise ValueError(f"Class index {label} is out of range 0-{self.config.num_classes - 1}.")
        return label

    @torch.inference_mode()
    def decode(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        was = self.training
        self.eval()
        out = from_tanh_space(self.g(z.to(self.device), labels.to(self.device), self.sampler)).float().cpu()
        self.train(was)
        return out

    def generate(self, n: int, seed: int = 0, label=None) -> torch.Tensor:
        """``label`` None: classes cycle 0..9 so any grid of 10 per row shows every class."""
        z = seeded_noise((n, self.config.latent_dim), seed, self.device)
        if label is None:
            labels = torch.arange(n) % self.config.num_classes
        else:
            labels = torch.full((n,), self.label_index(label), dtype=torch.long)
        return self.decode(z, labels)

    def every_class(self, seed: int = 0, per_class: int = 1) -> torch.Tensor:
        """Same z for every class: row i shows class i, column j uses z_j (style kept across rows)."""
        k = self.config.num_classes
        z = seeded_noise((per_class, self.config.latent_dim), seed, self.device).repeat(k, 1)
        labels = torch.arange(k).repeat_interleave(per_class)
        return self.decode(z, labels)

    def preview(self, fixed):
        return self.every_class(seed=self.config_seed, per_class=10), 10
