"""``gan``: the course's MLP GAN on MNIST / Fashion-MNIST (Goodfellow et al. 2014).

G: z(100) -> 128 -> 256 -> 512 -> 1024 -> 784, LeakyReLU(0.2), Tanh out; BatchNorm on the hidden
layers after the first (as in the widely used PyTorch-GAN MLP generator) -- without it the MLP G
collapses to a few blurry blobs for the first epochs, too slow for a live demo.
D: 784 -> 1024 -> 512 -> 256 -> 1 with LeakyReLU(0.2) and Dropout(0.3); BCE; Adam 2e-4;
k D-steps per G-step (``d_steps``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import torch
from torch import nn

from ..config import ModelConfig
from .base import AdversarialModel, from_tanh_space, seeded_noise, to_tanh_space
from .layers import mlp


@dataclass
class GANConfig(ModelConfig):
    latent_dim: int = 100
    g_hidden: tuple[int, ...] = (128, 256, 512, 1024)
    d_hidden: tuple[int, ...] = (1024, 512, 256)
    dropout: float = 0.3
    batchnorm: bool = True        # BatchNorm1d in G's hidden layers (not the first, not the output)
    d_steps: int = 1              # k in Goodfellow et al.'s Algorithm 1; the paper used k = 1


class GAN(AdversarialModel):
    playground = "latent"
    title: ClassVar[str] = 'an MLP GAN (Goodfellow et al. 2014)'
    live_batch_size: ClassVar[int | None] = 32
    family = "gan"
    Config = GANConfig
    datasets = ("mnist", "fashion")

    def build(self):
        c = self.config
        self.d_steps = c.d_steps
        self.pixels = c.channels * c.image_size * c.image_size
        act = nn.LeakyReLU(0.2)
        if c.batchnorm:
            sizes = [c.latent_dim, *c.g_hidden]
            layers: list[nn.Module] = [nn.Linear(sizes[0], sizes[1]), nn.LeakyReLU(0.2)]
            for a, b in zip(sizes[1:-1], sizes[2:]):
                layers += [nn.Linear(a, b), nn.BatchNorm1d(b), nn.LeakyReLU(0.2)]
            self.generator = nn.Sequential(*layers, nn.Linear(sizes[-1], self.pixels), nn.Tanh())
        else:
            self.generator = mlp([c.latent_dim, *c.g_hidden, self.pixels], act, out_act=nn.Tanh())
        self.discriminator = mlp([self.pixels, *c.d_hidden, 1], act, dropout=c.dropout)

    def _shape(self, flat: torch.Tensor) -> torch.Tensor:
        c = self.config
        return flat.view(-1, c.channels, c.image_size, c.image_size)

    def real(self, batch):
        return to_tanh_space(batch["x"]).flatten(1), None

    def fake(self, n, labels=None):
        return self.generator(self.sample_latent(n)), None

    def discriminate(self, x, labels):
        return self.discriminator(x).view(-1)

    @torch.inference_mode()
    def generate(self, n: int, seed: int = 0, label=None) -> torch.Tensor:
        was = self.training
        self.eval()
        z = seeded_noise((n, self.config.latent_dim), seed, self.device)
        out = from_tanh_space(self._shape(self.generator(z))).float().cpu()
        self.train(was)
        return out

    @torch.inference_mode()
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Latent vectors -> images in [0, 1] (for interpolation and arithmetic)."""
        was = self.training
        self.eval()
        out = from_tanh_space(self._shape(self.generator(z.to(self.device)))).float().cpu()
        self.train(was)
        return out
