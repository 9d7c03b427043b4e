"""The interface every family shares, so one trainer, one run registry and one UI serve them all.

A model is built from its typed config, owns its networks *and* its optimizers, and exposes:

* ``train_step(batch) -> dict[str, float]`` -- one optimisation step on a batch from ``genapp.data``
  (with ``defer_stats`` set, as the trainer does on a GPU, the values are 0-dim tensors instead:
  see :func:`stats_to_floats`);
* ``preview(fixed_batch) -> (images, nrow)`` -- the live-view grid at fixed inputs, in [0, 1];
* ``generate(n, seed, label=None)`` / ``translate(x, direction=None)`` -- the Python API;
* ``evaluate()`` -- cheap metrics for the live view (optional);
* ``save_pretrained`` / ``push_to_hub`` (from ``PyTorchModelHubMixin``) writing ``config.json`` +
  ``model.safetensors``. Loading goes through :func:`genapp.load`, which only reads safetensors.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import torch
import torch.nn.functional as F
from huggingface_hub import PyTorchModelHubMixin
from safetensors.torch import load_file, save_file
from torch import nn

from ..config import ModelConfig


def stats_to_floats(stats: dict[str, Any]) -> dict[str, float]:
    """A step's statistics as floats, reading every tensor among them from the device at once.

    Each ``.item()`` makes the host wait for the GPU to finish the work queued so far; a step that
    read its five or six statistics one by one waited that many times, and the GPU idled while the
    host queued the next step. One read per step costs one wait, and none at all for the steps the
    trainer does not log (``defer_stats``)."""
    tensors = {k: v for k, v in stats.items() if isinstance(v, torch.Tensor)}
    read = dict(zip(tensors, torch.stack([v.detach().float().reshape(()) for v in tensors.values()]).tolist())) \
        if tensors else {}
    return {k: read[k] if k in read else float(v) for k, v in stats.items()}


def to_tanh_space(x: torch.Tensor) -> torch.Tensor:
    return x * 2.0 - 1.0


def from_tanh_space(x: torch.Tensor) -> torch.Tensor:
    return ((x + 1.0) / 2.0).clamp(0.0, 1.0)


def seeded_noise(shape: tuple[int, ...], seed: int, device: torch.device) -> torch.Tensor:
    """Noise drawn on the CPU from ``seed`` then moved, so a seed gives the same z on any device.
    ``shape[0]`` is how many samples were asked for (``generate(n)``), so it is checked here."""
    n, whole_seed = _whole(shape[0]), _whole(seed)
    if n is None or n < 1:
        raise ValueError(f"The number of samples must be a whole number of at least 1 (got {shape[0]!r}).")
    if whole_seed is None:
        raise ValueError(f"The seed must be a whole number (got {seed!r}).")
    g = torch.Generator().manual_seed(whole_seed)
    return torch.randn(n, *shape[1:], generator=g).to(device)


def _whole(v: Any) -> int | None:
    """``v`` as an int if it is one (3, 3.0, numpy's int64: a form field may send 3.0), else None."""
    if isinstance(v, bool):
        return None
    try:
        i = int(v)
        return i if i == v else None
    except (TypeError, ValueError, OverflowError):
        return None


def check_images(x: Any, channels: int) -> None:
    """What ``translate`` takes: a batch (N, C, H, W) of C = 1 or ``channels`` images in [0, 1].
    Checked so that a single image, or 8-bit values (0-255), get a message, not a wrong picture."""
    if not isinstance(x, torch.Tensor):
        raise ValueError(f"Give the images as a torch tensor (N, C, H, W) in [0, 1], not {type(x).__name__}.")
    if x.dim() != 4 or x.size(0) < 1 or x.size(1) not in (1, channels) or min(x.shape[-2:]) < 1:
        hint = " For one image, use x[None]." if x.dim() == 3 else ""
        raise ValueError(f"Give a batch of images (N, C, H, W) with C = 1 or {channels}; got shape "
                         f"{tuple(x.shape)}.{hint}")
    if not x.is_floating_point():
        raise ValueError(f"Give the images as floats in [0, 1] (got {x.dtype}); for 8-bit images use x / 255.")
    if not torch.isfinite(x).all():
        raise ValueError("The images contain NaN or infinite values.")
    lo, hi = x.min().item(), x.max().item()
    if not (lo >= -0.05 and hi <= 1.05):
        raise ValueError(f"The images' values must lie in [0, 1] (these span {lo:.3g} to {hi:.3g}); "
                         "for 8-bit values use x / 255.")


class GenerativeModel(nn.Module, PyTorchModelHubMixin, library_name="genapp",
                      tags=["gan-studio", "genapp"], repo_url="https://huggingface.co/spaces"):
    """Base class: config handling, device, optimizers, safetensors I/O."""

    family: ClassVar[str] = ""
    Config: ClassVar[type[ModelConfig]] = ModelConfig
    datasets: ClassVar[tuple[str, ...]] = ()
    kind: ClassVar[str] = "image"        # image | translation | toy
    conditional: ClassVar[bool] = False
    has_latent: ClassVar[bool] = True     # can interpolate / do arithmetic in z
    default_batch_size: ClassVar[int] = 64  # the recipe's batch (python -m train without --batch-size)
    # Whether bf16 mixed precision speeds a step up where the machine computes bf16 natively
    # (precision "auto"). False for tiny networks (ae, ring, toy1010): the casts cost more than
    # their small products save.
    bf16_pays: ClassVar[bool] = True
    task: ClassVar[str] = "unconditional-image-generation"
    image_sizes: ClassVar[str] = "8 to 256 px"  # what fits_image_size accepts, in words
    # ---- What the family tells the app. The UI, the metrics and the model cards read these, so no
    # module outside genapp/models keeps a table keyed by family name (docs/ARCHITECTURE.md).
    title: ClassVar[str] = ""               # the course's name for it, with the recipe's paper
    live_note: ClassVar[str] = ""           # a line under the live view (English; genapp.ui.i18n translates)
    loss_names: ClassVar[dict[str, str]] = {}   # train_step's keys drawn as losses -> what each means
    has_discriminator: ClassVar[bool] = False   # the live view's D(x) / D(G(z)) chart
    class_share_chart: ClassVar[bool] = False   # the judge's class shares of the live grid (mode collapse)
    preview_rows: ClassVar[tuple[tuple[str, int], ...]] = ()  # the live grid's captioned rows, top down
    live_lr: ClassVar[float | None] = None       # the Train tab's start where it differs from the recipe
    live_batch_size: ClassVar[int | None] = None  # (a lecture minute on a laptop CPU: genapp/runs/spec.py)
    playground: ClassVar[str] = ""          # the app tab that plays with its models (latent, conditional, ...)
    has_latent_map: ClassVar[bool] = False      # the Train tab's latent map and decoder samples (a VAE's 2-D view)
    quality_metrics: ClassVar[str] = "judge"  # what genapp.metrics measures: judge | modes | paired | horse_zebra | ""
    live_judge: ClassVar[bool] = True        # judge 1,000 samples at each live grid (False: sampling is slow)
    directions: ClassVar[tuple[str, ...]] = ()  # translate()'s direction choices, its default first (the card's example)
    lab_batch: ClassVar[int] = 0             # the Lab's batch (GAN training step by step); 0: not in the Lab
    target_pattern: ClassVar[tuple[float, ...]] = ()  # what G should learn, where it is one pattern (the Lab shows pattern())
    # The app tabs whose family picker starts on this family ("train", "lab"): read from the class
    # itself, not inherited (a WGAN is a DCGAN but does not start the Train tab): see
    # genapp.models.default_family.
    default_in: ClassVar[tuple[str, ...]] = ()
    # train_step returns its statistics as 0-dim tensors, not floats, so the step never waits for
    # the device; the trainer sets this on a GPU and reads them only at the steps it logs.
    defer_stats: bool = False

    def stats(self, values: dict[str, Any]) -> dict[str, Any]:
        """What ``train_step`` returns: floats, or the tensors themselves under ``defer_stats``."""
        if not self.defer_stats:
            return stats_to_floats(values)
        return {k: v.detach() if isinstance(v, torch.Tensor) else v for k, v in values.items()}

    def __init__(self, config: dict[str, Any] | None = None):
        super().__init__()
        cfg = dict(config or {})
        cfg["family"] = self.family
        self.config = self.Config.from_dict(cfg)
        if self.datasets and self.config.dataset not in self.datasets:
            raise ValueError(f"{self.family} trains on {', '.join(self.datasets)}, not {self.config.dataset!r}.")
        decay = self.config.lr_decay
        if isinstance(decay, bool) or not isinstance(decay, (int, float)) or not 0.0 <= decay <= 1.0:
            raise ValueError(f"lr_decay is the fraction of the run at its end over which the learning rate "
                             f"falls to 0: a number from 0 (off) to 1, such as 0.5 (got {decay!r}).")
        size = self.config.image_size
        if isinstance(size, bool) or not isinstance(size, int) or not self.fits_image_size(size):
            raise ValueError(f"{self.family} works at {self.image_sizes}, not image_size={size!r}.")
        self.optimizers: dict[str, torch.optim.Optimizer] = {}
        self.build()

    # ---------------------------------------------------------------- to override
    @classmethod
    def fits_image_size(cls, size: int) -> bool:
        """Whether the networks work at ``size`` px (checked before ``build``, so a size they cannot
        take fails here with a message, not at the first step after loading the data)."""
        return 8 <= size <= 256

    def build(self) -> None:
        """Create the networks from ``self.config``."""
        raise NotImplementedError

    def make_optimizers(self) -> dict[str, torch.optim.Optimizer]:
        """Create the optimizers (called once, after the model is on its device)."""
        raise NotImplementedError

    def train_step(self, batch: dict[str, torch.Tensor]) -> dict[str, float]:
        raise NotImplementedError

    def preview(self, fixed: dict[str, torch.Tensor]) -> tuple[torch.Tensor, int]:
        """Images in [0, 1] and the number per row, for the live view and ``samples/``."""
        return self.generate(64, seed=self.config_seed), 8

    def generate(self, n: int, seed: int = 0, label: int | None = None) -> torch.Tensor:
        raise TypeError(f"{self.family} does not generate from noise; use translate().")

    def translate(self, x: torch.Tensor, direction: str | None = None) -> torch.Tensor:
        raise TypeError(f"{self.family} does not translate images; use generate().")

    def picture(self, count: int = 1, seed: int | None = None) -> torch.Tensor | None:
        """One picture of ``count`` samples at ``seed`` (``config_seed`` if None) for a family whose
        samples are not images -- a toy's pattern bars, its points over D's heatmap: (3, H, W) in
        [0, 1], what the app's ``/generate`` and Lab draw. None: the samples are images (a grid)."""
        return None

    def penalised_networks(self) -> list[nn.Module]:
        """The networks a training step differentiates twice (a gradient penalty such as WGAN-GP or
        R1): a compiled module has no double backward, so ``--compile`` leaves these uncompiled."""
        return []

    def evaluate(self) -> dict[str, float]:
        """The live view's quality figures, measured at each sample point (cheap)."""
        return {}

    def card_metrics(self) -> dict[str, float]:
        """The family's own measures for its model card, beside the shared protocol of
        ``genapp.metrics.evaluate`` (a PixelCNN's exact test NLL). May take minutes."""
        return {}

    def card_pictures(self) -> list[tuple[str, str, torch.Tensor, int]]:
        """More pictures for the model card after its sample sheet: (file name, caption, images
        (N, C, H, W) in [0, 1], images per row) each (a PixelCNN's completions)."""
        return []

    # ---------------------------------------------------------------- shared
    config_seed: ClassVar[int] = 42  # the fixed z of the live view

    @property
    def device(self) -> torch.device:
        return next(self.parameters()).device

    def adam(self, params, lr: float | None = None) -> torch.optim.Adam:
        c = self.config
        return torch.optim.Adam(params, lr=lr or c.lr, betas=(c.beta1, c.beta2))

    def setup_training(self) -> None:
        if not self.optimizers:
            self.optimizers = self.make_optimizers()
        self.train()

    def state_dict_for_save(self) -> dict[str, torch.Tensor]:
        return {k: v for k, v in self.state_dict().items()}

    def load_weights(self, path: str | Path, *, may_lack: str | None = None) -> bool:
        """Load ``model.safetensors`` (fp16 or fp32 storage); strict, so a wrong file fails loudly.

        Only weights whose names start with ``may_lack`` may be absent (they keep their values);
        returns True when some were.
        """
        tensors = load_file(str(path), device="cpu")
        own = self.state_dict()
        optional = {k for k in own if may_lack and k.startswith(may_lack)} - set(tensors)
        missing = sorted(set(own) - set(tensors) - optional)
        unexpected = sorted(set(tensors) - set(own))
        if missing or unexpected:
            raise ValueError(f"The weights do not fit a {self.family} model with this config "
                             f"(missing {missing[:3]}, unexpected {unexpected[:3]}).")
        for k, v in tensors.items():
            if own[k].shape != v.shape:
                raise ValueError(f"The weights do not fit: {k} has shape {tuple(v.shape)}, expected {tuple(own[k].shape)}.")
            tensors[k] = v.to(own[k].dtype)
        self.load_state_dict(tensors, strict=not optional)
        return bool(optional)

    def config_dict(self) -> dict[str, Any]:
        return self.config.to_dict()

    def _save_pretrained(self, save_directory: Path) -> None:
        """Hub mixin hook: ``model.safetensors`` + ``config.json`` (the model config)."""
        save_file({k: v.detach().contiguous().cpu() for k, v in self.state_dict_for_save().items()},
                  str(Path(save_directory) / "model.safetensors"), metadata={"format": "pt"})
        (Path(save_directory) / "config.json").write_text(json.dumps(self.config_dict(), indent=2))

    def __repr__(self) -> str:  # short: the default prints every layer
        n = sum(p.numel() for p in self.parameters())
        return f"{type(self).__name__}(family={self.family!r}, dataset={self.config.dataset!r}, params={n:,})"


class AdversarialModel(GenerativeModel):
    """A generator and a discriminator (or critic) trained against each other.

    The step follows the course's order -- the discriminator on real data, on fake data
    (detached), then the generator -- with three separate methods so the app's step-by-step mode
    can run them one at a time. ``loss`` picks the objective:

    * ``bce`` -- the original minimax GAN with the non-saturating G loss. The course puts a
      Sigmoid on D and uses BCE; we keep D's output as a logit and use BCE-with-logits, which is
      the same loss computed in a numerically stable way (no log(0) when D is very sure).
    * ``wasserstein`` -- the WGAN critic: no Sigmoid, loss E[D(fake)] - E[D(real)].
    * ``lsgan`` -- least squares (CycleGAN's choice).
    """

    loss: ClassVar[str] = "bce"
    has_discriminator: ClassVar[bool] = True
    class_share_chart: ClassVar[bool] = True  # drawn where a judge reads the family's dataset
    d_steps: int = 1   # k D-steps per G-step (set from config in build)

    def __init__(self, config: dict[str, Any] | None = None):
        super().__init__(config)
        self._d_count = 0

    # ---- the pieces subclasses provide
    generator: nn.Module
    discriminator: nn.Module

    def sample_latent(self, n: int, gen: torch.Generator | None = None) -> torch.Tensor:
        return torch.randn(n, self.config.latent_dim, generator=gen).to(self.device) if gen is not None \
            else torch.randn(n, self.config.latent_dim, device=self.device)

    def real(self, batch: dict[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor | None]:
        """(real samples in the model's space, labels or None)."""
        return to_tanh_space(batch["x"]), None

    def fake(self, n: int, labels: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
        return self.generator(self.sample_latent(n)), None

    def discriminate(self, x: torch.Tensor, labels: torch.Tensor | None) -> torch.Tensor:
        return self.discriminator(x)

    def discriminate_fake(self, x: torch.Tensor, labels: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor | None]:
        """D on generated samples: (logits, information loss or None).

        The information loss is for a model whose generator is given a latent code that D must
        read back from the sample (InfoGAN, the dcgan ``codes`` option); D and G both minimise it.
        """
        return self.discriminate(x, labels), None

    def make_optimizers(self):
        return {"generator": self.adam(self.generator.parameters()),
                "discriminator": self.adam(self.discriminator.parameters())}

    # ---- losses
    def _d_loss_part(self, out: torch.Tensor, real: bool) -> torch.Tensor:
        if self.loss == "bce":
            return F.binary_cross_entropy_with_logits(out, torch.full_like(out, 1.0 if real else 0.0))
        if self.loss == "lsgan":
            return F.mse_loss(out, torch.full_like(out, 1.0 if real else 0.0))
        return -out.mean() if real else out.mean()

    def _g_loss(self, out: torch.Tensor) -> torch.Tensor:
        if self.loss == "bce":  # non-saturating: maximise log D(G(z)) (Goodfellow et al. 2014, sec. 3)
            return F.binary_cross_entropy_with_logits(out, torch.ones_like(out))
        if self.loss == "lsgan":
            return F.mse_loss(out, torch.ones_like(out))
        return -out.mean()

    def _score(self, out: torch.Tensor) -> torch.Tensor:
        """D(x) as the course plots it: a probability for BCE, the raw critic value for WGAN."""
        out = out.detach()
        return torch.sigmoid(out).mean() if self.loss == "bce" else out.mean()

    # ---- the course's three training steps
    def d_step_real(self, batch) -> dict[str, float]:
        x, y = self.real(batch)
        opt = self.optimizers["discriminator"]
        opt.zero_grad(set_to_none=True)
        out = self.discriminate(x, y)
        loss = self._d_loss_part(out, True)
        loss.backward()
        opt.step()
        return self.stats({"loss_d_real": loss, "d_x": self._score(out)})

    def d_step_fake(self, batch) -> dict[str, float]:
        x, y = self.real(batch)
        with torch.no_grad():
            fake, yf = self.fake(x.size(0), y)
        opt = self.optimizers["discriminator"]
        opt.zero_grad(set_to_none=True)
        out, info = self.discriminate_fake(fake, yf)
        loss = self._d_loss_part(out, False)
        (loss + info if info is not None else loss).backward()
        opt.step()
        stats = {"loss_d_fake": loss, "d_g_z": self._score(out)}
        if info is not None:
            stats["info"] = info
        return self.stats(stats)

    def g_step(self, batch) -> dict[str, float]:
        x, y = self.real(batch)
        opt = self.optimizers["generator"]
        opt.zero_grad(set_to_none=True)
        fake, yf = self.fake(x.size(0), y)
        out, info = self.discriminate_fake(fake, yf)
        loss = self._g_loss(out)
        (loss + info if info is not None else loss).backward()
        opt.step()
        self.after_generator_step()
        return self.stats({"loss_g": loss, "d_g_z_after": self._score(out)})

    def discriminator_penalty(self, real: torch.Tensor, fake: torch.Tensor, yr, yf) -> torch.Tensor | None:
        return None

    def after_discriminator_step(self) -> None:
        """Hook: WGAN clips the critic's weights here."""

    def after_generator_step(self) -> None:
        """Hook: DCGAN updates the moving average of G's weights here (``ema``)."""

    def train_step(self, batch: dict[str, torch.Tensor]) -> dict[str, float]:
        """D on real + fake in one update (the course's two D steps, summed), then G every k D-steps."""
        x, y = self.real(batch)
        n = x.size(0)
        fake, yf = self.fake(n, y)
        opt_d = self.optimizers["discriminator"]
        opt_d.zero_grad(set_to_none=True)
        out_real = self.discriminate(x, y)
        out_fake, info_d = self.discriminate_fake(fake.detach(), yf)
        loss_d = self._d_loss_part(out_real, True) + self._d_loss_part(out_fake, False)
        penalty = self.discriminator_penalty(x, fake.detach(), y, yf)
        total = loss_d
        for extra in (penalty, info_d):
            if extra is not None:
                total = total + extra
        total.backward()
        opt_d.step()
        self.after_discriminator_step()
        self._d_count += 1
        stats = {"loss_d": loss_d, "d_x": self._score(out_real), "d_g_z": self._score(out_fake)}
        if penalty is not None:
            stats["gp"] = penalty
        if info_d is not None:
            stats["info"] = info_d
        if self._d_count % max(1, self.d_steps) == 0:
            opt_g = self.optimizers["generator"]
            opt_g.zero_grad(set_to_none=True)
            for p in self.discriminator.parameters():
                p.requires_grad_(False)  # G's step needs no D gradients: skip computing them
            out_g, info_g = self.discriminate_fake(fake, yf)
            loss_g = self._g_loss(out_g)
            (loss_g + info_g if info_g is not None else loss_g).backward()
            for p in self.discriminator.parameters():
                p.requires_grad_(True)
            opt_g.step()
            self.after_generator_step()
            stats["loss_g"] = loss_g
        return self.stats(stats)
