"""``ring``: a small MLP GAN on 8 Gaussians around a circle -- the standard mode-collapse toy.

Data: 8 modes on a circle of radius 2, sigma 0.02 (Metz et al. 2017, Srivastava et al. 2017).
G: z(2) -> 128 -> 128 -> 2 (ReLU); D: 2 -> 128 -> 128 -> 1 (ReLU). A plain GAN tends to hop from
mode to mode and cover few of them at once; WGAN-GP on the same networks spreads over the ring.
Metrics follow VEEGAN's protocol: 2,500 samples; a sample is "high quality" within 3 sigma of a
mode; a mode is covered when at least one high-quality sample lands on it.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import ClassVar

import torch
from torch import nn

from ..config import ModelConfig
from ..data import RING_STD, ring_centers, synthetic_batch
from .base import AdversarialModel, seeded_noise
from .layers import mlp


@dataclass
class RingConfig(ModelConfig):
    dataset: str = "ring"
    latent_dim: int = 2
    hidden: int = 128
    lr: float = 1e-3              # small 2-D nets; the usual toy setting (Adam 1e-3, beta1 0.5)


def ring_metrics(points: torch.Tensor, n_sigma: float = 3.0) -> dict[str, float]:
    """VEEGAN: (modes covered out of 8, fraction of samples within n_sigma * sigma of a mode)."""
    d = torch.cdist(points.float().cpu(), ring_centers())
    nearest_d, nearest = d.min(1)
    good = nearest_d < n_sigma * RING_STD
    modes = torch.unique(nearest[good]).numel()
    return {"modes": float(modes), "hq_rate": float(good.float().mean())}


@functools.cache
def _real_view(dataset: str) -> torch.Tensor:
    """500 real points at a fixed seed: the reference drawn under G's points."""
    return synthetic_batch(dataset, 500, torch.Generator().manual_seed(0))["x"]


class RingGAN(AdversarialModel):
    title: ClassVar[str] = 'an MLP GAN on a ring of 8 Gaussians'
    live_note: ClassVar[str] = ("Green: real points (8 Gaussians on a ring). Purple: generated points. Background: D's "
        "output (blue = 'fake', orange = 'real'). A plain GAN tends to hop between a few modes "
        '(mode collapse).')
    family = "ring"
    quality_metrics = "modes"
    lab_batch = 256  # a batch that reaches all 8 modes
    default_in = ("lab",)  # the Lab opens on mode collapse, the toy most worth watching
    bf16_pays = False  # too small: see GenerativeModel.bf16_pays
    Config = RingConfig
    datasets = ("ring",)
    kind = "toy"
    has_latent = False

    def build(self):
        c = self.config
        self.generator = mlp([c.latent_dim, c.hidden, c.hidden, 2], nn.ReLU())
        self.discriminator = mlp([2, c.hidden, c.hidden, 1], nn.ReLU())

    def real(self, batch):
        return batch["x"], None

    def discriminate(self, x, labels):
        return self.discriminator(x).view(-1)

    @torch.inference_mode()
    def points(self, n: int = 2500, seed: int = 0) -> torch.Tensor:
        return self.generator(seeded_noise((n, self.config.latent_dim), seed, self.device)).float().cpu()

    @torch.inference_mode()
    def heatmap(self, res: int = 64, extent: float = 3.0) -> torch.Tensor:
        """D's output (probability, or critic value) on a res x res grid over [-extent, extent]^2."""
        ax = torch.linspace(-extent, extent, res)
        yy, xx = torch.meshgrid(ax.flip(0), ax, indexing="ij")
        grid = torch.stack([xx.reshape(-1), yy.reshape(-1)], 1).to(self.device)
        out = self.discriminator(grid).view(res, res).float().cpu()
        return torch.sigmoid(out) if self.loss == "bce" else out

    def generate(self, n: int, seed: int = 0, label=None) -> torch.Tensor:
        """2-D points (n, 2) -- this family generates points, not images."""
        return self.points(n, seed)

    def picture(self, count: int = 1, seed: int | None = None, real: torch.Tensor | None = None) -> torch.Tensor:
        """G's points (40 per sample asked, at least 500) over D's heatmap, with ``real`` points (by
        default a fixed 500 of the dataset) for reference."""
        from ..images import render_scatter

        real = _real_view(self.config.dataset) if real is None else real
        points = self.points(max(count * 40, 500), seed=self.config_seed if seed is None else seed)
        return render_scatter(real, points, self.heatmap())

    def preview(self, fixed):
        return self.picture(real=fixed["x"][:500].cpu()).unsqueeze(0), 1

    def evaluate(self) -> dict[str, float]:
        return ring_metrics(self.points(2500, seed=7))
