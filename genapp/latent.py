"""Walking the latent space: z from a seed, interpolation (lerp, slerp) and z arithmetic.

A seed names a latent vector: ``z_from_seed(model, s)`` is exactly the z behind
``model.generate(1, seed=s)``, so a picture seen in the app can be found again by its seed.

* ``lerp`` -- the straight line between two latents. In high dimensions a Gaussian z lives near
  a sphere of radius sqrt(d); the midpoint of a straight line falls inside it, where the
  generator saw few samples, so lerp images can look washed out in the middle.
* ``slerp`` -- along the great circle instead (White 2016, "Sampling Generative Networks"), which
  keeps the norm typical all the way.
* arithmetic -- the DCGAN paper's "man with glasses - man + woman = woman with glasses": average
  the z of a few samples per concept (Radford et al. 2016 average three), then add and subtract.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import torch

from .models.base import seeded_noise

METHODS = ("slerp", "lerp")


def latent_dim(model) -> int:
    """The size of z for a model that decodes latents (dcgan, gan, wgan, vae, ae)."""
    dim = getattr(getattr(model, "config", None), "latent_dim", None)
    if not dim or not callable(getattr(model, "decode", None)):
        raise TypeError(f"{getattr(model, 'family', 'this model')} has no latent space to walk; "
                        f"use a dcgan, gan, wgan or vae model.")
    return int(dim)


def z_from_seed(model, seed: int) -> torch.Tensor:
    """The latent vector (D,) that ``model.generate(1, seed=seed)`` decodes."""
    z = seeded_noise((1, latent_dim(model)), int(seed), torch.device("cpu"))[0]
    # An autoencoder has no prior: its generate() maps N(0, I) onto the fitted code Gaussian.
    mean, std = getattr(model, "latent_mean", None), getattr(model, "latent_std", None)
    if isinstance(mean, torch.Tensor) and isinstance(std, torch.Tensor):
        z = mean.detach().cpu() + z * std.detach().cpu()
    return z


def mean_z(model, seeds: Iterable[int]) -> torch.Tensor:
    """The average latent of several seeds (one concept in z arithmetic)."""
    seeds = list(seeds)
    if not seeds:
        raise ValueError("Give at least one seed.")
    return torch.stack([z_from_seed(model, s) for s in seeds]).mean(0)


def lerp(a: torch.Tensor, b: torch.Tensor, t: float | torch.Tensor) -> torch.Tensor:
    return a + (b - a) * t


def slerp(a: torch.Tensor, b: torch.Tensor, t: float | torch.Tensor, eps: float = 1e-7) -> torch.Tensor:
    """Spherical interpolation; falls back to lerp when a and b point the same way."""
    t = torch.as_tensor(t, dtype=a.dtype)
    a_n, b_n = a / (a.norm() + eps), b / (b.norm() + eps)
    omega = torch.arccos((a_n * b_n).sum().clamp(-1 + eps, 1 - eps))
    so = torch.sin(omega)
    if so.abs() < 1e-5:
        return lerp(a, b, t)
    return torch.sin((1 - t) * omega) / so * a + torch.sin(t * omega) / so * b


def interpolate(a: torch.Tensor, b: torch.Tensor, steps: int, method: str = "slerp") -> torch.Tensor:
    """``steps`` latents from a to b inclusive -> (steps, D)."""
    if method not in METHODS:
        raise ValueError(f"Unknown interpolation {method!r}; use slerp or lerp.")
    if steps < 2:
        raise ValueError("Interpolation needs at least 2 steps.")
    f = slerp if method == "slerp" else lerp
    return torch.stack([f(a, b, float(t)) for t in torch.linspace(0, 1, steps)])


def arithmetic(za: torch.Tensor, zb: torch.Tensor, zc: torch.Tensor) -> torch.Tensor:
    """A - B + C."""
    return za - zb + zc


def parse_seeds(text: str | int | Sequence[int], name: str = "seeds", limit: int = 16) -> list[int]:
    """``"1, 2, 3"`` -> [1, 2, 3], with a message a user can act on when it is not that."""
    if isinstance(text, int):
        return [text]
    if isinstance(text, (list, tuple)):
        parts = [str(p) for p in text]
    else:
        parts = [p for p in str(text or "").replace(";", ",").replace(" ", ",").split(",") if p.strip()]
    if not parts:
        raise ValueError(f"{name} is empty: give comma-separated integers, e.g. 1, 2, 3.")
    try:
        seeds = [int(p.strip()) for p in parts]
    except ValueError:
        raise ValueError(f"{name} must be comma-separated integers, e.g. 1, 2, 3 (got {str(text)!r}).") from None
    if len(seeds) > limit:
        raise ValueError(f"{name} has {len(seeds)} seeds; {limit} at most.")
    if any(s < 0 or s >= 2**63 for s in seeds):
        raise ValueError(f"{name}: seeds must be between 0 and 2**63 - 1.")
    return seeds
