"""``wgan``: Wasserstein GAN -- a critic without Sigmoid and the loss E[D(fake)] - E[D(real)].

The critic must be 1-Lipschitz. Two ways, chosen by ``penalty``:

* ``clip`` (the course, Arjovsky et al. 2017): clip every critic weight to [-0.01, 0.01] after
  each step; RMSprop 5e-5; n_critic = 5.
* ``gp`` (the modern option, Gulrajani et al. 2017): lambda * (||grad D(x_hat)|| - 1)^2 on random
  interpolates, lambda = 10; Adam 1e-4 with betas (0, 0.9); no BatchNorm in the critic.

On ``mnist`` / ``fashion`` the networks are the DCGAN ones; on ``ring`` they are the ring MLPs,
so the mode-collapse comparison with ``ring`` (a plain GAN) uses the same architecture.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import torch

from ..config import ModelConfig
from .dcgan import DCGAN
from .ring import RingGAN


@dataclass
class WGANConfig(ModelConfig):
    latent_dim: int = 100
    ngf: int = 64
    ndf: int = 64
    hidden: int = 128             # ring MLP width
    penalty: str = "clip"         # clip | gp
    clip_value: float = 0.01      # Arjovsky et al.: c = 0.01
    gp_weight: float = 10.0       # Gulrajani et al.: lambda = 10
    n_critic: int = 5             # critic steps per generator step (both papers)
    lr: float = 5e-5              # RMSprop 5e-5 for clipping; gp switches to Adam 1e-4 (see build)


class _WassersteinMixin:
    loss = "wasserstein"

    def _setup_wgan(self):
        c = self.config
        self.d_steps = c.n_critic

    def make_optimizers(self):
        c = self.config
        if c.penalty == "gp":
            lr = c.lr if c.lr != WGANConfig.lr else 1e-4
            return {"generator": torch.optim.Adam(self.generator.parameters(), lr=lr, betas=(0.0, 0.9)),
                    "discriminator": torch.optim.Adam(self.discriminator.parameters(), lr=lr, betas=(0.0, 0.9))}
        # Arjovsky et al.: momentum-based optimisers (Adam) made clipped WGAN unstable; RMSprop.
        return {"generator": torch.optim.RMSprop(self.generator.parameters(), lr=c.lr),
                "discriminator": torch.optim.RMSprop(self.discriminator.parameters(), lr=c.lr)}

    def after_discriminator_step(self):
        if self.config.penalty == "clip":
            with torch.no_grad():
                for p in self.discriminator.parameters():
                    p.clamp_(-self.config.clip_value, self.config.clip_value)

    def penalised_networks(self):
        return [self.discriminator] if self.config.penalty == "gp" else []

    def discriminator_penalty(self, real, fake, yr, yf):
        if self.config.penalty != "gp":
            return None
        alpha = torch.rand(real.size(0), *([1] * (real.dim() - 1)), device=real.device)
        x_hat = (alpha * real + (1 - alpha) * fake).requires_grad_(True)
        out = self.discriminate(x_hat, yr)
        grad, = torch.autograd.grad(out.sum(), x_hat, create_graph=True)
        return self.config.gp_weight * ((grad.flatten(1).norm(dim=1) - 1) ** 2).mean()


class WGAN(_WassersteinMixin, DCGAN):
    """WGAN on images (DCGAN networks) and, with ``dataset="ring"``, on the 2-D ring."""
    title: ClassVar[str] = 'a Wasserstein GAN (Arjovsky et al. 2017)'
    live_lr: ClassVar[float | None] = None
    live_batch_size: ClassVar[int | None] = 32

    family = "wgan"
    Config = WGANConfig
    datasets = ("mnist", "fashion", "ring")

    @classmethod
    def variant_for(cls, dataset: str) -> type:
        """The class that trains this family on ``dataset`` (the registry asks)."""
        return WGANRing if dataset == "ring" else cls

    def critic_norm(self) -> str:
        # BatchNorm couples the samples of a batch, which breaks the per-sample gradient penalty.
        return "layer" if self.config.penalty == "gp" else "batch"

    def build(self):
        super().build()
        self._setup_wgan()


class WGANRing(_WassersteinMixin, RingGAN):
    family = "wgan"
    Config = WGANConfig
    datasets = ("ring",)

    def build(self):
        super().build()
        self._setup_wgan()
