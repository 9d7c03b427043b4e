"""``vae``: variational autoencoder (Kingma & Welling 2014), the course's MLP version.

Encoder 784 -> 512 -> 256 -> (mean, log_var); z = mean + sigma * eps (the reparameterization
trick, so gradients flow through the sampling); decoder 2 -> 256 -> 512 -> 784 with Sigmoid.
Loss = BCE(sum over pixels) + KL(q(z|x) || N(0, I)), reported per image; Adam 1e-3.
latent_dim = 2 by default so the latent space can be drawn as a 2-D map.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import torch
import torch.nn.functional as F
from torch import nn

from ..config import ModelConfig
from .base import GenerativeModel, seeded_noise
from .layers import mlp


@dataclass
class VAEConfig(ModelConfig):
    latent_dim: int = 2
    hidden: tuple[int, ...] = (512, 256)
    lr: float = 1e-3
    beta1: float = 0.9


class VAE(GenerativeModel):
    has_latent_map = True
    playground = "latent"
    title: ClassVar[str] = 'a variational autoencoder (Kingma & Welling 2014)'
    family = "vae"
    Config = VAEConfig
    datasets = ("mnist", "fashion")
    # What the Train tab's live view shows of this family (genapp/ui reads these): no discriminator,
    # so no D(x) / D(G(z)) chart; its two loss terms by name; no class-share chart (it reads as a
    # GAN's mode collapse, and a VAE's blurry early samples would read as one class).
    has_discriminator: ClassVar[bool] = False
    class_share_chart: ClassVar[bool] = False
    loss_names: ClassVar[dict[str, str]] = {  # train_step's keys -> their meaning, per image
        "loss": "total (reconstruction + KL)", "recon": "reconstruction (BCE)", "kl": "KL to N(0, I)"}
    # preview()'s rows, top to bottom: (caption, number of rows of 8).
    preview_rows: ClassVar[tuple[tuple[str, int], ...]] = (
        ("input", 1), ("reconstruction", 1), ("samples z ~ N(0, I)", 6))

    def build(self):
        c = self.config
        self.pixels = c.channels * c.image_size * c.image_size
        self.encoder = mlp([self.pixels, *c.hidden], nn.ReLU())
        self.encoder.append(nn.ReLU())
        self.to_mean = nn.Linear(c.hidden[-1], c.latent_dim)
        self.to_log_var = nn.Linear(c.hidden[-1], c.latent_dim)
        self.decoder = mlp([c.latent_dim, *reversed(c.hidden), self.pixels], nn.ReLU(), out_act=nn.Sigmoid())

    def make_optimizers(self):
        return {"vae": self.adam(self.parameters())}

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.encoder(x.flatten(1))
        return self.to_mean(h), self.to_log_var(h)

    @staticmethod
    def reparameterize(mean: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
        return mean + torch.exp(0.5 * log_var) * torch.randn_like(mean)

    def _shape(self, flat):
        c = self.config
        return flat.view(-1, c.channels, c.image_size, c.image_size)

    def train_step(self, batch):
        x = batch["x"].flatten(1)
        mean, log_var = self.encode(x)
        recon = self.decoder(self.reparameterize(mean, log_var))
        # The loss in fp32 even under mixed precision: a sum of 784 terms per image wants the bits,
        # and CUDA autocast refuses binary_cross_entropy on bf16 outputs.
        with torch.autocast(x.device.type, enabled=False):
            recon, mean, log_var = recon.float(), mean.float(), log_var.float()
            bce = F.binary_cross_entropy(recon, x, reduction="sum")
            kld = -0.5 * torch.sum(1 + log_var - mean.pow(2) - log_var.exp())
        loss = bce + kld
        opt = self.optimizers["vae"]
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        n = x.size(0)
        return self.stats({"loss": loss / n, "recon": bce / n, "kl": kld / n})

    @torch.inference_mode()
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self._shape(self.decoder(z.to(self.device))).float().cpu()

    @torch.inference_mode()
    def reconstruct(self, x: torch.Tensor) -> torch.Tensor:
        mean, _ = self.encode(x.to(self.device))
        return self.decode(mean)

    def generate(self, n: int, seed: int = 0, label=None) -> torch.Tensor:
        return self.decode(seeded_noise((n, self.config.latent_dim), seed, self.device))

    def latent_map(self, n: int = 15, extent: float = 2.5) -> torch.Tensor:
        """An n x n grid decoded from evenly spaced points of the first two latent dimensions."""
        ax = torch.linspace(-extent, extent, n)
        yy, xx = torch.meshgrid(ax.flip(0), ax, indexing="ij")
        z = torch.zeros(n * n, self.config.latent_dim)
        z[:, 0], z[:, 1] = xx.reshape(-1), yy.reshape(-1)
        return self.decode(z)

    def preview(self, fixed):
        x = fixed["x"][:8]
        rows = [x.cpu(), self.reconstruct(x), self.generate(48, seed=self.config_seed)]
        return torch.cat(rows), 8
