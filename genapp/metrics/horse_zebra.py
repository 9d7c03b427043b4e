"""The horse/zebra judge: a small CNN that says whether a photo shows a zebra.

Trained by the project on our train split of horse2zebra's trainA / trainB
(:mod:`genapp.metrics.horse_zebra_fit`) and shipped in ``pretrained/judge-horse2zebra``; the
CycleGAN's metrics (:mod:`genapp.metrics.translation`) count the translated horses it calls zebra.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from ..pretrained import pretrained_dir
from ..config import JsonConfig
from .judge import load_judge_folder


@dataclass
class HorseZebraJudgeConfig(JsonConfig):
    kind: str = "judge"               # marks the folder as a judge, not a generative model
    dataset: str = "horse2zebra"
    channels: int = 3
    image_size: int = 128             # the models' output size; stripes are a few px wide here
    width: int = 32                   # channels of the first conv; doubling twice
    val_accuracy: float = 0.0         # on our held-out horses and zebras, measured after training
    command: str = ""


class HorseZebraJudge(nn.Module):
    """Four strided convs (32, 64, 128, 128) + global average pooling + one logit (zebra).

    Global pooling makes it judge *texture and colour everywhere in the image* (stripes, coats),
    not where an animal stands, so a translated horse is judged by what it looks like, not by
    its pose. BatchNorm after the inner convs trains it in a few minutes on a CPU; it is always
    used in eval mode (running statistics), so an image's call never depends on its batch.
    """

    def __init__(self, config: HorseZebraJudgeConfig):
        super().__init__()
        self.config = config
        w = config.width
        chans = [config.channels, w, 2 * w, 4 * w, 4 * w]
        layers: list[nn.Module] = []
        for i, (a, b) in enumerate(zip(chans, chans[1:])):
            layers += [nn.Conv2d(a, b, 4, 2, 1, bias=i == 0)] + ([nn.BatchNorm2d(b)] if i else [])
            layers.append(nn.LeakyReLU(0.2, True))
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(chans[-1], 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Images (N, 3, S, S) in [0, 1] -> zebra logits (N,)."""
        return self.head(self.body(x * 2 - 1).mean((2, 3))).view(-1)


def _resize(x: torch.Tensor, size: int) -> torch.Tensor:
    x = x.float()
    if x.shape[-2:] != (size, size):
        x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False, antialias=True)
    return x


@torch.no_grad()
def zebra_probability(judge: HorseZebraJudge, images: torch.Tensor, batch_size: int = 256) -> torch.Tensor:
    """P(zebra) per image (N, 3, H, W) in [0, 1], any size."""
    judge.eval()
    x = _resize(images, judge.config.image_size)
    return torch.cat([torch.sigmoid(judge(x[i:i + batch_size])) for i in range(0, len(x), batch_size)])


def horse_zebra_judge_dir() -> Path:
    return pretrained_dir() / "judge-horse2zebra"


def load_horse_zebra_judge(folder: str | Path | None = None) -> HorseZebraJudge:
    """The shipped judge (``pretrained/judge-horse2zebra``) or one from ``folder``; cached."""
    folder = Path(folder) if folder is not None else horse_zebra_judge_dir()
    return load_judge_folder(folder, lambda cfg: HorseZebraJudge(HorseZebraJudgeConfig.from_dict(cfg)), "horse2zebra")
