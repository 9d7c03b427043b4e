"""Training the horse/zebra judge so that it calls zebra only for stripes a person would see.

Zebras stand on beige savanna and horses on green fields, and a generator's flaws (checkerboards,
noise) look like stripes: a judge trained on the plain photos takes those shortcuts. The training
batches here take them away (:func:`_augment`), and :func:`artifact_calls` measures how the judge
calls photos with such flaws laid over them.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F

from ..data import load_dataset
from .fit import fit_judge
from .horse_zebra import HorseZebraJudge, HorseZebraJudgeConfig, horse_zebra_judge_dir, zebra_probability
from .judge import save_judge_folder
from .stripes import animal_mask, gaussian_blur, stripe_detail

STRIPELESS_P = 0.2   # share of training photos whose stripes are blurred away (then labelled horse)
SWAP_P = 0.5         # share of training photos recoloured with a photo of the other class
SOFT_P = 0.25        # share shown as a 48-96 px photo would be: a 64-px zebra keeps its label


def checkerboard(size: int, period: int, phase: int = 0) -> torch.Tensor:
    """A +-1 checkerboard (size, size) with squares of period // 2 px: the pattern a transposed
    convolution of stride 2 leaves on a generated image (period 2 or 4 at our sizes)."""
    half = max(1, period // 2)
    i = torch.arange(size) + phase
    return (((i[:, None] // half) + (i[None, :] // half)) % 2).float() * 2 - 1


def generator_artifacts(x: torch.Tensor, gen: torch.Generator, p: float = 0.5) -> torch.Tensor:
    """Each image, with probability ``p``, gets one of the flaws generated images have: a
    checkerboard (period 2 or 4, amplitude up to 0.2), Gaussian noise (sigma up to 0.15) or a
    blur (sigma 0.5-1.5 px). Horses and zebras get them alike, so they carry no class: the judge
    learns to look past them, instead of taking a generator's artefacts for stripes."""
    n, size = len(x), x.size(-1)
    kind = torch.randint(0, 3, (n,), generator=gen)
    hit = torch.rand(n, generator=gen) < p
    amp = torch.rand(n, 1, 1, 1, generator=gen)
    period = 2 * int(torch.randint(1, 3, (1,), generator=gen))
    phase = int(torch.randint(0, period, (1,), generator=gen))
    checker = 0.2 * amp * checkerboard(size, period, phase)
    noise = 0.15 * amp * torch.randn(x.shape, generator=gen)
    sigma = 0.5 + float(torch.rand(1, generator=gen))
    k = torch.arange(-2, 3, dtype=torch.float32)
    k = torch.exp(-k ** 2 / (2 * sigma ** 2))
    k = (k / k.sum()).view(1, 1, 1, 5).expand(x.size(1), 1, 1, 5)
    blur = F.conv2d(F.conv2d(F.pad(x, (2, 2, 2, 2), mode="reflect"), k, groups=x.size(1)),
                    k.transpose(2, 3), groups=x.size(1))
    flawed = torch.where((kind == 0)[:, None, None, None], x + checker,
                         torch.where((kind == 1)[:, None, None, None], x + noise, blur))
    return torch.where(hit[:, None, None, None], flawed, x).clamp(0, 1)


def palette_swap(x: torch.Tensor, ref: torch.Tensor) -> torch.Tensor:
    """Each image of ``x`` recoloured to the per-channel mean and spread of the matching image of
    ``ref`` (Reinhard et al. 2001, in RGB). Zebras stand on beige savanna and horses on green
    fields: a judge that reads the scene's colours calls any beige picture a zebra. Swapping the
    palettes between the classes leaves it only the animal's coat to go by."""
    m, s = x.mean((2, 3), keepdim=True), x.std((2, 3), keepdim=True) + 1e-3
    rm, rs = ref.mean((2, 3), keepdim=True), ref.std((2, 3), keepdim=True)
    return ((x - m) / s * rs + rm).clamp(0, 1)


def without_detail(x: torch.Tensor, size: int) -> torch.Tensor:
    """Downscaled to ``size`` px and back up: the picture's colours and shapes, no stripes left."""
    small = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False, antialias=True)
    return F.interpolate(small, size=x.shape[-2:], mode="bilinear", align_corners=False)


def striped_surroundings(x: torch.Tensor, zebras: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Photos ``x`` with the stripes of the matching ``zebras`` laid over all but the animal
    (:func:`animal_mask`), brightening and darkening the scene's own colours by 30-80 %: what an
    undertrained CycleGAN does to grass and sky. A horse in striped grass is still a horse to a
    person, and a zebra in it still a zebra; :func:`artifact_calls` measures how the judge calls
    them (it reads texture over the whole photo; its card gives the figure). Measured, not trained
    on: judges trained on it agreed no better with a person's calls."""
    amp = 0.3 + 0.5 * torch.rand(len(x), 1, 1, 1, generator=gen)
    return (x * (1 + amp * stripe_detail(zebras) * (1 - animal_mask(x)))).clamp(0, 1)


def _augment(x: torch.Tensor, y: torch.Tensor, xs: torch.Tensor, ys: torch.Tensor,
             gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """A training batch (images ``x`` in [0, 1], labels ``y``: 1 = zebra) made hard to shortcut:
    flips and small shifts (2,000 photos are few); half recoloured with a photo of the *other*
    class (:func:`palette_swap`); a quarter softened as a 48-96 px photo is (still a zebra: its
    stripes show); a fifth with the detail blurred away (:func:`without_detail`, 12-24 px), which
    makes a zebra a "not zebra" -- a person calls a brown blur a horse, whatever its outline; then
    :func:`generator_artifacts` on half. So the judge says zebra only for
    stripes it can see, on the animal, in any light."""
    n = len(x)
    flip = torch.rand(n, generator=gen) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(-1), x)
    pad = F.pad(x, (4, 4, 4, 4), mode="reflect")
    i, j = (int(v) for v in torch.randint(0, 9, (2,), generator=gen))
    x = pad[..., i:i + x.size(-2), j:j + x.size(-1)]
    others = [torch.nonzero(ys != label).view(-1) for label in (0, 1)]
    pick = torch.stack([others[int(lab)][torch.randint(0, len(others[int(lab)]), (1,), generator=gen)][0] for lab in y])
    swap = torch.rand(n, generator=gen) < SWAP_P
    x = torch.where(swap[:, None, None, None], palette_swap(x, xs[pick].float() / 255.0), x)
    soft = torch.rand(n, generator=gen) < SOFT_P        # a small photo is still what it shows
    x = torch.where(soft[:, None, None, None], without_detail(x, int(torch.randint(48, 97, (1,), generator=gen))), x)
    blur = torch.rand(n, generator=gen) < STRIPELESS_P
    size = int(torch.randint(12, 25, (1,), generator=gen))
    x = torch.where(blur[:, None, None, None], without_detail(x, size), x)
    y = torch.where(blur, torch.zeros_like(y), y)
    return generator_artifacts(x, gen), y


@torch.no_grad()
def artifact_calls(judge: HorseZebraJudge, horses: torch.Tensor, zebras: torch.Tensor) -> dict[str, float]:
    """How the judge calls held-out photos once a generator's kind of flaw is laid over them.

    ``horses_judged_zebra_*``: horses with a checkerboard, noise, blurred, downscaled (to 32 px and
    back) or recoloured with zebra photos' palettes; a fair judge keeps the rate it has on the
    unflawed horses. ``zebras_judged_horse_*``: zebras with a checkerboard or noise must stay
    zebras. ``zebras_without_stripes_judged_zebra``: zebras downscaled to 16 px and back, no stripe
    left -- a person sees a brown-grey blur, and so must the judge (one that does not passes a
    CycleGAN's blurry translations)."""
    size = horses.size(-1)
    g = torch.Generator().manual_seed(0)
    flaws = {"checker4_0.1": lambda x: x + 0.1 * checkerboard(size, 4),
             "checker2_0.2": lambda x: x + 0.2 * checkerboard(size, 2),
             "noise_0.1": lambda x: x + 0.1 * torch.randn(x.shape, generator=g)}
    out = {}
    for name, flaw in flaws.items():
        out[f"horses_judged_zebra_{name}"] = _rate(judge, flaw(horses).clamp(0, 1), zebra=True)
        out[f"zebras_judged_horse_{name}"] = _rate(judge, flaw(zebras).clamp(0, 1), zebra=False)
    out["horses_judged_zebra_blur"] = _rate(judge, gaussian_blur(horses, 1.5), zebra=True)
    out["horses_judged_zebra_down32"] = _rate(judge, without_detail(horses, 32), zebra=True)
    pick = torch.randint(0, len(zebras), (len(horses),), generator=g)
    out["horses_judged_zebra_zebra_palette"] = _rate(judge, palette_swap(horses, zebras[pick]), zebra=True)
    out["zebras_without_stripes_judged_zebra"] = _rate(judge, without_detail(zebras, 16), zebra=True)
    other = torch.randint(0, len(zebras), (len(horses),), generator=g)
    out["horses_judged_zebra_striped_surroundings"] = _rate(judge, striped_surroundings(horses, zebras[other], g), zebra=True)
    other = torch.randint(0, len(zebras), (len(zebras),), generator=g)
    out["zebras_judged_horse_striped_surroundings"] = _rate(judge, striped_surroundings(zebras, zebras[other], g), zebra=False)
    return out


def _rate(judge: HorseZebraJudge, x: torch.Tensor, zebra: bool) -> float:
    p = zebra_probability(judge, x)
    return round(float(((p >= 0.5) if zebra else (p < 0.5)).float().mean()), 4)


def train_horse_zebra_judge(out: str | Path | None = None, *, epochs: float = 12, batch_size: int = 32,
                            lr: float = 1e-3, seed: int = 0, image_size: int = 128, max_steps: int | None = None,
                            log=print, command: str = "") -> dict[str, Any]:
    """Train the judge on our train split of trainA (horse, 0) and trainB (zebra, 1); measure it on
    the held-out split; save it to ``out`` (default ``pretrained/judge-horse2zebra``)."""
    out = Path(out) if out is not None else horse_zebra_judge_dir()
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    train, val = load_dataset("horse2zebra", "train", image_size), load_dataset("horse2zebra", "val", image_size)
    xs = torch.cat([train.tensors["a"], train.tensors["b"]])
    ys = torch.cat([torch.zeros(len(train.tensors["a"])), torch.ones(len(train.tensors["b"]))])
    judge = HorseZebraJudge(HorseZebraJudgeConfig(image_size=image_size, command=command))
    total = max_steps if max_steps is not None else int(round(epochs * len(xs) / batch_size))
    # Balance the classes (about 1,000 horses, 1,200 zebras): weight each by the other's share.
    pos_weight = torch.tensor((ys == 0).sum().item() / max(1, (ys == 1).sum().item()))

    def loss_of(idx):
        x, y = _augment(xs[idx].float() / 255.0, ys[idx], xs, ys, gen)
        return F.binary_cross_entropy_with_logits(judge(x), y, pos_weight=pos_weight)

    train_s = fit_judge(judge, len(xs), loss_of, total=total, batch_size=batch_size, lr=lr, gen=gen, log=log)
    p_horse = zebra_probability(judge, val.tensors["a"].float() / 255.0)
    p_zebra = zebra_probability(judge, val.tensors["b"].float() / 255.0)
    correct = int((p_horse < 0.5).sum()) + int((p_zebra >= 0.5).sum())
    accuracy = correct / (len(p_horse) + len(p_zebra))
    judge.config.val_accuracy = round(accuracy, 4)
    save_judge_folder(judge, out)
    summary = {"dataset": "horse2zebra", "val_accuracy": round(accuracy, 4),
               "val_horses_called_horse": round(float((p_horse < 0.5).float().mean()), 4),
               "val_zebras_called_zebra": round(float((p_zebra >= 0.5).float().mean()), 4),
               **artifact_calls(judge, val.tensors["a"].float() / 255.0, val.tensors["b"].float() / 255.0),
               "val_images": len(p_horse) + len(p_zebra), "train_images": len(xs), "steps": total,
               "batch_size": batch_size, "lr": lr, "seed": seed, "train_seconds": round(train_s, 1), "out": str(out)}
    if log:
        log(json.dumps(summary))
    return summary
