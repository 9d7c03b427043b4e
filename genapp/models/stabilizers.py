"""Two optional stabilizers shared by the dcgan and the cgan, both off by default (the papers' recipes).

``ema``: a decay such as 0.999 makes the model keep an exponential moving average of G's weights
(Yazici et al. 2019, "The Unusual Effectiveness of Averaging in GAN Training"), updated after every
G step, and sample with it. Averaging smooths out the last steps' oscillation between G and D; the
raw G keeps training as before. The average's BatchNorm statistics are G's current running ones.

``r1``: a weight gamma adds gamma/2 * E ||grad_x D(x)||^2 at real images to D's loss (Mescheder et
al. 2018, "Which Training Methods for GANs do actually Converge?"): D may not grow steep around the
data, which damps the circling of G and D late in training.
"""
from __future__ import annotations

import copy

import torch
from torch import nn


class Stabilized:
    """Mixin for an ``AdversarialModel`` whose config has ``ema`` and ``r1``. The model calls
    ``setup_stabilizers`` at the end of ``build``; ``averaged_parts`` names what the average
    follows (G, plus a conditional G's label embedding)."""

    generator_ema: nn.Module | None  # no class default: nn.Module keeps submodules in _modules
    ema_decay: float = 0.0
    r1_gamma: float = 0.0

    def averaged_parts(self) -> nn.Module:
        return self.generator

    def setup_stabilizers(self) -> None:
        c = self.config
        raw = getattr(c, "ema", 0.0)
        try:
            self.ema_decay = float(raw or 0.0)
        except (TypeError, ValueError):
            self.ema_decay = -1.0
        if not 0.0 <= self.ema_decay < 1.0:
            raise ValueError(f"ema must be a decay in [0, 1), such as 0.999 (got {raw!r}).")
        r1 = getattr(c, "r1", 0.0)
        if not isinstance(r1, (int, float)) or isinstance(r1, bool) or not 0.0 <= r1 < float("inf"):
            raise ValueError(f"r1 must be a penalty weight >= 0, such as 0.1 (got {r1!r}).")
        self.r1_gamma = float(r1)
        self.generator_ema = copy.deepcopy(self.averaged_parts()).requires_grad_(False) if self.ema_decay else None

    @property
    def sampler(self) -> nn.Module:
        """What makes the samples: the moving average when ``ema`` is on, else the live parts."""
        return self.averaged_parts() if self.generator_ema is None else self.generator_ema

    @torch.no_grad()
    def after_generator_step(self) -> None:
        if self.generator_ema is None:
            return
        live = self.averaged_parts()
        torch._foreach_lerp_(list(self.generator_ema.parameters()), list(live.parameters()), 1.0 - self.ema_decay)
        for avg, cur in zip(self.generator_ema.buffers(), live.buffers()):
            avg.copy_(cur)

    def load_generator_into_average(self) -> None:
        """Start the average from the live weights (a run initialised from a model without one)."""
        if self.generator_ema is not None:
            self.generator_ema.load_state_dict(self.averaged_parts().state_dict())

    def discriminator_penalty(self, real, fake, yr, yf):
        """R1: gamma/2 * E ||grad_x D(x)||^2 on real images (with their labels); None when off."""
        if not self.r1_gamma:
            return None
        x = real.detach().requires_grad_(True)
        grad, = torch.autograd.grad(self.discriminate(x, yr).sum(), x, create_graph=True)
        return 0.5 * self.r1_gamma * grad.flatten(1).pow(2).sum(1).mean()

    def penalised_networks(self) -> list[nn.Module]:
        return [self.discriminator] if self.r1_gamma else []
