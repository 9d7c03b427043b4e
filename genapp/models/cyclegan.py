"""``cyclegan``: unpaired translation (Zhu et al. 2017), horse <-> zebra.

Two generators, G: X -> Y (horse -> zebra) and F: Y -> X, and two discriminators D_X, D_Y (70x70
PatchGANs). Losses: LSGAN (least squares, more stable than BCE here, as in the paper) +
cycle-consistency L1 both ways, F(G(x)) ~ x and G(F(y)) ~ y, weighted lambda = 10, + identity
loss 0.5 * lambda (keeps colours: G(y) ~ y). Adam 2e-4, beta1 0.5; a pool of 50 past fakes for
the discriminators (Shrivastava et al. 2017). ResNet generators with 6 blocks (the paper's
choice below 256 px). 64 px by default for CPU; 128 px with a GPU.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import ClassVar

import torch
import torch.nn.functional as F

from ..config import ModelConfig
from .augment import random_crop, random_jitter
from .base import AdversarialModel, check_images, from_tanh_space, to_tanh_space
from .layers import PatchDiscriminator, ResnetGenerator, init_dcgan_weights

DIRECTIONS = ("horse2zebra", "zebra2horse")


@dataclass
class CycleGANConfig(ModelConfig):
    dataset: str = "horse2zebra"
    image_size: int = 64
    channels: int = 3
    ngf: int = 32
    ndf: int = 64
    n_blocks: int = 6
    cycle_weight: float = 10.0    # lambda_cyc in the paper
    identity_weight: float = 0.5  # times lambda_cyc
    pool_size: int = 50
    upsample: str = "deconv"      # deconv (the paper) | resize (no checkerboard; layers._upsampling)
    augment: bool = False         # the reference code's random jitter + mirroring (augment.py)
    crop_size: int = 0            # train on random crops this big of the image_size photos (0: whole)


class ImagePool:
    """A history of generated images: D sees a mix of new and old fakes, which damps oscillation."""

    def __init__(self, size: int):
        self.size, self.images = size, []

    def query(self, images: torch.Tensor) -> torch.Tensor:
        if self.size == 0:
            return images
        out = []
        for img in images.detach():
            img = img.unsqueeze(0)
            if len(self.images) < self.size:
                self.images.append(img)
                out.append(img)
            elif random.random() < 0.5:
                i = random.randrange(self.size)
                out.append(self.images[i].clone())
                self.images[i] = img
            else:
                out.append(img)
        return torch.cat(out)


class CycleGAN(AdversarialModel):
    playground = "horse"
    title: ClassVar[str] = 'CycleGAN unpaired image-to-image translation (Zhu et al. 2017)'
    live_note: ClassVar[str] = 'Rows: horses, as zebras, cycled back; zebras, as horses, cycled back.'
    family = "cyclegan"
    quality_metrics = "horse_zebra"
    directions = DIRECTIONS
    Config = CycleGANConfig
    datasets = ("horse2zebra",)
    kind = "translation"
    default_batch_size = 1   # the paper's batch (and its image pool of 50 assumes it)
    has_latent = False
    loss = "lsgan"
    task = "image-to-image"
    image_sizes = "a multiple of 4 from 32 to 256 px, such as 64 or 128"

    @classmethod
    def fits_image_size(cls, size: int) -> bool:
        return 32 <= size <= 256 and size % 4 == 0

    def build(self):
        c = self.config
        if not isinstance(c.augment, bool):
            raise ValueError(f"augment must be true or false (got {c.augment!r}).")
        if c.crop_size and not (isinstance(c.crop_size, int) and 32 <= c.crop_size <= c.image_size and c.crop_size % 4 == 0):
            raise ValueError(f"crop_size must be 0 or a multiple of 4 from 32 to image_size={c.image_size} "
                             f"(got {c.crop_size!r}).")
        self.g_xy = ResnetGenerator(c.channels, c.channels, c.ngf, c.n_blocks, c.upsample)   # G: horse -> zebra
        self.g_yx = ResnetGenerator(c.channels, c.channels, c.ngf, c.n_blocks, c.upsample)   # F: zebra -> horse
        self.d_x = PatchDiscriminator(c.channels, c.ndf)
        self.d_y = PatchDiscriminator(c.channels, c.ndf)
        init_dcgan_weights(self)
        self.pool_x, self.pool_y = ImagePool(c.pool_size), ImagePool(c.pool_size)

    def make_optimizers(self):
        return {"generator": self.adam([*self.g_xy.parameters(), *self.g_yx.parameters()]),
                "discriminator": self.adam([*self.d_x.parameters(), *self.d_y.parameters()])}

    @property
    def generator(self):  # for code that asks for "the generator"
        return self.g_xy

    def train_step(self, batch):
        c = self.config
        x, y = to_tanh_space(batch["a"]), to_tanh_space(batch["b"])
        if c.augment:   # unpaired: each side gets its own crop and mirror
            (x,), (y,) = random_jitter(x), random_jitter(y)
        if c.crop_size and c.crop_size < x.size(-1):   # the reference's crops: the scale of the
            x, y = random_crop(x, c.crop_size), random_crop(y, c.crop_size)   # whole photo, a crop's cost
        opt_g, opt_d = self.optimizers["generator"], self.optimizers["discriminator"]
        # ---- generators
        for p in [*self.d_x.parameters(), *self.d_y.parameters()]:
            p.requires_grad_(False)
        opt_g.zero_grad(set_to_none=True)
        fake_y, fake_x = self.g_xy(x), self.g_yx(y)
        loss_gan = self._g_loss(self.d_y(fake_y)) + self._g_loss(self.d_x(fake_x))
        cycle_loss = F.l1_loss(self.g_yx(fake_y), x) + F.l1_loss(self.g_xy(fake_x), y)
        idt = F.l1_loss(self.g_xy(y), y) + F.l1_loss(self.g_yx(x), x) if c.identity_weight > 0 else torch.zeros((), device=x.device)
        (loss_gan + c.cycle_weight * cycle_loss + c.cycle_weight * c.identity_weight * idt).backward()
        opt_g.step()
        for p in [*self.d_x.parameters(), *self.d_y.parameters()]:
            p.requires_grad_(True)
        # ---- discriminators (halved, as in the paper)
        opt_d.zero_grad(set_to_none=True)
        out_ry, out_fy = self.d_y(y), self.d_y(self.pool_y.query(fake_y))
        out_rx, out_fx = self.d_x(x), self.d_x(self.pool_x.query(fake_x))
        loss_dy = 0.5 * (self._d_loss_part(out_ry, True) + self._d_loss_part(out_fy, False))
        loss_dx = 0.5 * (self._d_loss_part(out_rx, True) + self._d_loss_part(out_fx, False))
        (loss_dx + loss_dy).backward()
        opt_d.step()
        return self.stats({"loss_g": loss_gan, "cycle": cycle_loss, "identity": idt,
                           "loss_d": loss_dx + loss_dy, "d_x": out_ry.mean(), "d_g_z": out_fy.mean()})

    @torch.inference_mode()
    def translate(self, x: torch.Tensor, direction: str | None = "horse2zebra") -> torch.Tensor:
        """Photos (N, 3, H, W) in [0, 1], any size -> translated (N, 3, S, S) in [0, 1]."""
        s = self.config.image_size
        return self._run(x, direction, (s, s))

    def native_size(self, height: int, width: int) -> tuple[int, int]:
        """A photo's size at the scale the model learned: the short side at ``image_size`` (the
        training photos' side), the long side scaled alike and cropped to at most twice that,
        both multiples of 4 (the generator halves the size twice)."""
        s = self.config.image_size
        short, long = min(height, width), max(height, width)
        long = min(2 * s, max(s, round(long * s / short / 4) * 4))
        return (s, long) if height <= width else (long, s)

    @torch.inference_mode()
    def translate_whole(self, x: torch.Tensor, direction: str | None = "horse2zebra") -> torch.Tensor:
        """The whole photo, not a square: (N, 3, H, W) in [0, 1] -> translated at
        :meth:`native_size` (the generator is fully convolutional, so it runs on any shape)."""
        check_images(x, 3)
        h, w = x.shape[-2:]
        if max(h, w) > 2 * min(h, w):   # a panorama: keep its middle, at most 2:1
            keep = 2 * min(h, w)
            top, left = (h - min(h, keep)) // 2, (w - min(w, keep)) // 2
            x = x[..., top:top + min(h, keep), left:left + min(w, keep)]
            h, w = x.shape[-2:]
        return self._run(x, direction, self.native_size(h, w))

    def _run(self, x: torch.Tensor, direction: str | None, size: tuple[int, int]) -> torch.Tensor:
        direction = direction or "horse2zebra"
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {DIRECTIONS}, not {direction!r}.")
        check_images(x, 3)
        x = x.to(self.device, torch.float32)
        if x.size(1) == 1:
            x = x.expand(-1, 3, -1, -1)
        if tuple(x.shape[-2:]) != tuple(size):
            x = F.interpolate(x, size=size, mode="bilinear", align_corners=False, antialias=True)
        net = self.g_xy if direction == "horse2zebra" else self.g_yx
        was = self.training
        self.eval()
        out = from_tanh_space(net(to_tanh_space(x))).float().cpu()
        self.train(was)
        return out

    def cycle(self, x: torch.Tensor, direction: str = "horse2zebra") -> tuple[torch.Tensor, torch.Tensor]:
        """(translated, reconstructed): x -> G(x) -> F(G(x))."""
        back = "zebra2horse" if direction == "horse2zebra" else "horse2zebra"
        y = self.translate(x, direction)
        return y, self.translate(y, back)

    def preview(self, fixed):
        """Rows: horses, as zebras, cycled back; zebras, as horses, cycled back."""
        x, y = fixed["a"][:6], fixed["b"][:6]
        fy, rx = self.cycle(x, "horse2zebra")
        fx, ry = self.cycle(y, "zebra2horse")
        return torch.cat([x.cpu(), fy, rx, y.cpu(), fx, ry]), 6
