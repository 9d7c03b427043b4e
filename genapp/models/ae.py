"""``ae`` and ``dae``: the course's convolutional autoencoder and its denoising version.

Encoder: Conv 1->8->16->32, each stride 2 (28 -> 14 -> 7 -> 4), ReLU, then a linear bottleneck;
the decoder mirrors it with ConvTranspose and ends in Sigmoid; loss MSE; Adam 1e-3.
The denoising AE (Vincent et al. 2008) corrupts the input with N(0,1) * 0.3, clipped to [0, 1],
and learns to reconstruct the clean image.
An autoencoder has no prior over z, so ``generate`` decodes z drawn from a Gaussian fitted to the
training codes (a running mean and std kept as buffers) -- honest about what an AE can sample.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import torch
import torch.nn.functional as F
from torch import nn

from ..config import ModelConfig
from .base import GenerativeModel, seeded_noise


@dataclass
class AEConfig(ModelConfig):
    latent_dim: int = 16
    lr: float = 1e-3
    beta1: float = 0.9
    noise_std: float = 0.0        # dae: 0.3, the course's noise factor


class AutoEncoder(GenerativeModel):
    playground = "latent"
    title: ClassVar[str] = 'a convolutional autoencoder'
    family = "ae"
    bf16_pays = False  # too small: see GenerativeModel.bf16_pays
    Config = AEConfig
    datasets = ("mnist", "fashion")
    # What the Train tab's live view shows of this family (genapp/ui reads these): an autoencoder
    # has no discriminator, so no D(x) / D(G(z)) chart, and it is judged by its reconstructions, not
    # by which classes its samples fall in (that chart reads as a GAN's mode collapse).
    has_discriminator: ClassVar[bool] = False
    class_share_chart: ClassVar[bool] = False
    loss_names: ClassVar[dict[str, str]] = {"loss": "reconstruction (MSE)"}  # train_step's key -> its meaning
    # preview()'s rows, top to bottom: (caption, number of rows of 8).
    preview_rows: ClassVar[tuple[tuple[str, int], ...]] = (("input", 1), ("output", 1))

    def build(self):
        c = self.config
        self.encoder = nn.Sequential(
            nn.Conv2d(c.channels, 8, 3, 2, 1), nn.ReLU(True),    # 28 -> 14
            nn.Conv2d(8, 16, 3, 2, 1), nn.ReLU(True),            # 14 -> 7
            nn.Conv2d(16, 32, 3, 2, 1), nn.ReLU(True),           # 7 -> 4
            nn.Flatten(), nn.Linear(32 * 4 * 4, c.latent_dim))
        self.decoder = nn.Sequential(
            nn.Linear(c.latent_dim, 32 * 4 * 4), nn.ReLU(True), nn.Unflatten(1, (32, 4, 4)),
            nn.ConvTranspose2d(32, 16, 3, 2, 1), nn.ReLU(True),                   # 4 -> 7
            nn.ConvTranspose2d(16, 8, 3, 2, 1, output_padding=1), nn.ReLU(True),  # 7 -> 14
            nn.ConvTranspose2d(8, c.channels, 3, 2, 1, output_padding=1), nn.Sigmoid())  # 14 -> 28
        self.register_buffer("latent_mean", torch.zeros(c.latent_dim))
        self.register_buffer("latent_std", torch.ones(c.latent_dim))

    def make_optimizers(self):
        return {"autoencoder": self.adam(self.parameters())}

    def corrupt(self, x: torch.Tensor, gen: torch.Generator | None = None) -> torch.Tensor:
        if self.config.noise_std <= 0:
            return x
        noise = torch.randn(x.shape, generator=gen).to(x.device) if gen is not None else torch.randn_like(x)
        return (x + noise * self.config.noise_std).clamp(0.0, 1.0)

    def train_step(self, batch):
        x = batch["x"]
        z = self.encoder(self.corrupt(x))
        loss = F.mse_loss(self.decoder(z), x)
        opt = self.optimizers["autoencoder"]
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if x.size(0) > 1:  # running statistics of the codes, for sampling
            with torch.no_grad():
                z = z.float()  # the codes are bf16 under mixed precision; the statistics stay fp32
                self.latent_mean.lerp_(z.mean(0), 0.01)
                self.latent_std.lerp_(z.std(0) + 1e-6, 0.01)
        return self.stats({"loss": loss})

    @torch.inference_mode()
    def encode(self, x):
        return self.encoder(x.to(self.device))

    @torch.inference_mode()
    def decode(self, z):
        return self.decoder(z.to(self.device)).float().cpu()

    @torch.inference_mode()
    def reconstruct(self, x):
        return self.decoder(self.encoder(x.to(self.device))).float().cpu()

    def generate(self, n: int, seed: int = 0, label=None) -> torch.Tensor:
        z = seeded_noise((n, self.config.latent_dim), seed, self.device)
        return self.decode(self.latent_mean + z * self.latent_std)

    def preview(self, fixed):
        """Rows: originals, noisy inputs (dae), reconstructions -- the course's first demo."""
        x = fixed["x"][:8].to(self.device)
        noisy = self.corrupt(x, torch.Generator().manual_seed(0))
        rows = [x.cpu()] + ([noisy.cpu()] if self.config.noise_std > 0 else []) + [self.reconstruct(noisy)]
        return torch.cat(rows), 8


class DenoisingAutoEncoder(AutoEncoder):
    title: ClassVar[str] = 'a denoising autoencoder'
    family = "dae"
    loss_names = {"loss": "reconstruction (MSE)"}  # of the clean input, from the noisy one
    preview_rows = (("input", 1), ("noisy input", 1), ("output", 1))

    def __init__(self, config=None):
        config = dict(config or {})
        config.setdefault("noise_std", 0.3)
        super().__init__(config)
