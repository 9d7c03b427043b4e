"""``dcgan``: Deep Convolutional GAN (Radford, Metz & Chintala 2016) at 28 px.

G: z(100) -> ConvTranspose to 7x7 -> 14x14 -> 28x28; BatchNorm + ReLU, Tanh out (no BN there).
D: strided Conv + LeakyReLU(0.2), BatchNorm except on the input layer; one logit out
(Sigmoid folded into BCE-with-logits). Adam 2e-4, beta1 0.5. No pooling, no hidden FC layers.
``ngf``/``ndf`` are 64 (the paper uses 128 at 64 px; 64 keeps an MNIST epoch to a few CPU minutes).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from ..config import ModelConfig
from .base import AdversarialModel, from_tanh_space, seeded_noise
from .layers import DCGANDiscriminator, DCGANGenerator, init_dcgan_weights


@dataclass
class DCGANConfig(ModelConfig):
    latent_dim: int = 100
    ngf: int = 64
    ndf: int = 64
    d_norm: str = "batch"         # batch (the paper) | layer | none


class DCGAN(AdversarialModel):
    family = "dcgan"
    Config = DCGANConfig
    datasets = ("mnist", "fashion")

    def build(self):
        c = self.config
        self.generator = DCGANGenerator(c.latent_dim, c.channels, c.image_size, c.ngf)
        self.discriminator = DCGANDiscriminator(c.channels, c.image_size, c.ndf, norm=self.critic_norm())
        init_dcgan_weights(self)

    def critic_norm(self) -> str:
        return self.config.d_norm

    @torch.inference_mode()
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Latent vectors -> images in [0, 1] (eval mode: BatchNorm uses its running statistics)."""
        was = self.training
        self.eval()
        out = from_tanh_space(self.generator(z.to(self.device))).float().cpu()
        self.train(was)
        return out

    def generate(self, n: int, seed: int = 0, label=None) -> torch.Tensor:
        return self.decode(seeded_noise((n, self.config.latent_dim), seed, self.device))
