"""``dcgan``: Deep Convolutional GAN (Radford, Metz & Chintala 2016) at 28 px.

G: z(100) -> ConvTranspose to 7x7 -> 14x14 -> 28x28; BatchNorm + ReLU, Tanh out (no BN there).
D: strided Conv + LeakyReLU(0.2), BatchNorm except on the input layer; one logit out
(Sigmoid folded into BCE-with-logits). Adam 2e-4, beta1 0.5. No pooling, no hidden FC layers.
``ngf``/``ndf`` are 64 (the paper uses 128 at 64 px; 64 keeps an MNIST epoch to a few CPU minutes).

``ema`` (off by default, as in the paper): when set to a decay such as 0.999, the model also keeps
an exponential moving average of G's weights (Yazici et al. 2019, "The Unusual Effectiveness of
Averaging in GAN Training"), updated after every G step, and samples with it. Averaging smooths out
the last steps' oscillation between G and D; the raw G keeps training as before. The average's
BatchNorm statistics are G's current running statistics.
"""
from __future__ import annotations

import copy
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
    ema: float = 0.0              # decay of the moving average of G's weights used to sample; 0: off
    r1: float = 0.0               # R1 penalty weight gamma on D's gradient at real images; 0: off


class DCGAN(AdversarialModel):
    family = "dcgan"
    Config = DCGANConfig
    datasets = ("mnist", "fashion")

    def build(self):
        c = self.config
        self.generator = DCGANGenerator(c.latent_dim, c.channels, c.image_size, c.ngf)
        self.discriminator = DCGANDiscriminator(c.channels, c.image_size, c.ndf, norm=self.critic_norm())
        init_dcgan_weights(self)
        raw = getattr(c, "ema", 0.0)  # wgan shares this build; its config has no ema
        try:
            self.ema_decay = float(raw or 0.0)
        except (TypeError, ValueError):
            self.ema_decay = -1.0
        if not 0.0 <= self.ema_decay < 1.0:
            raise ValueError(f"ema must be a decay in [0, 1), such as 0.999 (got {raw!r}).")
        r1 = getattr(c, "r1", 0.0)  # wgan shares this build; its config has no r1
        if not isinstance(r1, (int, float)) or isinstance(r1, bool) or not 0.0 <= r1 < float("inf"):
            raise ValueError(f"r1 must be a penalty weight >= 0, such as 0.1 (got {r1!r}).")
        self.r1_gamma = float(r1)
        self.generator_ema = copy.deepcopy(self.generator).requires_grad_(False) if self.ema_decay else None

    @property
    def sampler(self) -> torch.nn.Module:
        """The network that makes the samples: the moving average of G when ``ema`` is on, else G."""
        return self.generator if self.generator_ema is None else self.generator_ema

    @torch.no_grad()
    def after_generator_step(self) -> None:
        if self.generator_ema is None:
            return
        ema = self.generator_ema
        torch._foreach_lerp_(list(ema.parameters()), list(self.generator.parameters()), 1.0 - self.ema_decay)
        for avg, cur in zip(ema.buffers(), self.generator.buffers()):
            avg.copy_(cur)

    def load_generator_into_average(self) -> None:
        """Start the average from G's current weights (a run initialised from a model without one)."""
        if self.generator_ema is not None:
            self.generator_ema.load_state_dict(self.generator.state_dict())

    def discriminator_penalty(self, real, fake, yr, yf):
        """R1 (Mescheder et al. 2018): gamma/2 * E ||grad_x D(x)||^2 on real images; 0: off."""
        if not self.r1_gamma:
            return None
        x = real.detach().requires_grad_(True)
        grad, = torch.autograd.grad(self.discriminate(x, yr).sum(), x, create_graph=True)
        return 0.5 * self.r1_gamma * grad.flatten(1).pow(2).sum(1).mean()

    def penalised_networks(self):
        return [self.discriminator] if self.r1_gamma else []

    def critic_norm(self) -> str:
        return self.config.d_norm

    @torch.inference_mode()
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Latent vectors -> images in [0, 1] (eval mode: BatchNorm uses its running statistics)."""
        was = self.training
        self.eval()
        out = from_tanh_space(self.sampler(z.to(self.device))).float().cpu()
        self.train(was)
        return out

    def generate(self, n: int, seed: int = 0, label=None) -> torch.Tensor:
        return self.decode(seeded_noise((n, self.config.latent_dim), seed, self.device))
