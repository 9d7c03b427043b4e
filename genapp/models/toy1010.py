"""``toy1010``: the course's tiny GAN that learns the pattern [1, 0, 1, 0].

G: one noise value -> 3 -> 4 with Sigmoid; D: 4 -> 3 -> 1 with Sigmoid (here a logit + BCE-with-
logits, the same loss computed stably). Real samples are [1,0,1,0] with uniform jitter. The course
trains D on real, then on fake (detached), then G -- the three steps the app can run one by one.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import torch
from torch import nn

from ..config import ModelConfig
from .base import AdversarialModel


@dataclass
class Toy1010Config(ModelConfig):
    dataset: str = "toy1010"
    latent_dim: int = 1
    hidden: int = 3
    lr: float = 0.01              # the course's small nets learn with plain SGD-sized steps; Adam 1e-2


class Toy1010GAN(AdversarialModel):
    title: ClassVar[str] = 'the 1010-pattern toy GAN'
    live_note: ClassVar[str] = ("Purple bars: the generator's mean pattern. Grey outlines: the target pattern [1, 0, 1, 0].")
    family = "toy1010"
    bf16_pays = False  # too small: see GenerativeModel.bf16_pays
    Config = Toy1010Config
    datasets = ("toy1010",)
    kind = "toy"
    has_latent = False
    target_pattern = (1.0, 0.0, 1.0, 0.0)
    lab_batch = 16

    def build(self):
        c = self.config
        self.generator = nn.Sequential(nn.Linear(c.latent_dim, c.hidden), nn.Sigmoid(),
                                       nn.Linear(c.hidden, 4), nn.Sigmoid())
        self.discriminator = nn.Sequential(nn.Linear(4, c.hidden), nn.Sigmoid(), nn.Linear(c.hidden, 1))

    def sample_latent(self, n, gen=None):
        # The course feeds G a single uniform random value.
        return torch.rand(n, self.config.latent_dim, device=self.device)

    def real(self, batch):
        return batch["x"], None

    def discriminate(self, x, labels):
        return self.discriminator(x).view(-1)

    def train_step(self, batch):
        """The course's order, literally: D on real, D on fake, then G."""
        stats = self.d_step_real(batch)
        stats.update(self.d_step_fake(batch))
        stats.update(self.g_step(batch))
        stats["loss_d"] = stats["loss_d_real"] + stats["loss_d_fake"]
        return stats

    @torch.inference_mode()
    def generate(self, n: int, seed: int = 0, label=None) -> torch.Tensor:
        """Patterns (n, 4) in [0, 1]."""
        g = torch.Generator().manual_seed(int(seed))
        z = torch.rand(n, self.config.latent_dim, generator=g).to(self.device)
        return self.generator(z).float().cpu()

    def pattern(self, n: int = 256, seed: int | None = None) -> list[float]:
        """The mean of ``n`` generated patterns (at ``config_seed`` if no seed), to compare with [1, 0, 1, 0]."""
        return [round(float(v), 4) for v in self.generate(n, seed=self.config_seed if seed is None else seed).mean(0)]

    def picture(self, count: int = 1, seed: int | None = None) -> torch.Tensor:
        """The mean pattern of at least 256 samples as bars, the target's outlined beside them."""
        from ..images import render_bars

        return render_bars(self.pattern(max(count, 256), seed), list(self.target_pattern))

    def preview(self, fixed):
        return self.picture().unsqueeze(0), 1

    def evaluate(self) -> dict[str, float]:
        p = self.pattern()
        return {"pattern_error": sum(abs(a - b) for a, b in zip(p, self.target_pattern)) / len(p)}
