"""What the judge sees in each category of an InfoGAN-style code (a dcgan with ``codes``).

Whether the model found the classes on its own, unsupervised: a category that always draws one
digit is "pure", and ten pure categories that draw ten different digits have found them all.
"""
from __future__ import annotations

from typing import Any

import torch

from ..data import CLASS_NAMES
from ..models.base import seeded_noise
from .judge import Judge, judge_for, judge_predict


def category_purity(categories: torch.Tensor, logits: torch.Tensor, codes: int) -> dict[str, Any]:
    """How far each category of a latent code is one class for the judge.

    ``purity``: the share of samples whose judged class is the most common class of their
    category (1.0: every category draws one class; about 0.1 for ten categories that draw
    digits at random). ``classes``: that most common class per category, and ``covered``: how
    many different classes those are (10 when every digit has a category of its own).
    """
    pred = logits.argmax(1)
    counts = torch.zeros(codes, logits.shape[1], dtype=torch.long)
    counts.index_put_((categories.cpu(), pred.cpu()), torch.ones_like(pred.cpu()), accumulate=True)
    majority = counts.argmax(1)
    return {"purity": round(float(counts.max(1).values.sum()) / max(1, len(pred)), 4),
            "classes": {c: int(majority[c]) for c in range(codes) if counts[c].sum() > 0},
            "covered": int(majority[counts.sum(1) > 0].unique().numel())}


def sample_categories(model, n: int, seed: int, batch_size: int = 500) -> torch.Tensor:
    """The code's category of each sample ``generate_images(model, n, seed)`` draws (same z)."""
    sizes = [min(batch_size, n - i) for i in range(0, n, batch_size)]
    return torch.cat([model.category(seeded_noise((k, model.config.latent_dim), seed + j, model.device))
                      for j, k in enumerate(sizes)])


def category_names(model, per_category: int = 100, seed: int = 0, judge: Judge | None = None) -> list[dict[str, Any]]:
    """What the judge sees in each category of a dcgan's code: for category i, the class it reads
    most often in ``per_category`` samples (``model.every_category``: the same rests of z in every
    category) and the share of those samples it reads so -> [{"class": name, "share": 0.96}, ...]."""
    if not getattr(model, "codes", 0):
        raise ValueError(f"{model.family} on {model.config.dataset} has no categorical code (dcgan --set codes=10).")
    judge = judge_for(model.config.dataset, judge)
    pred = judge_predict(judge, model.every_category(seed=seed, per_category=per_category)).view(model.codes, -1)
    names = CLASS_NAMES.get(model.config.dataset) or [str(k) for k in range(judge.config.num_classes)]
    out = []
    for row in pred:
        counts = torch.bincount(row.cpu(), minlength=len(names))
        out.append({"class": names[int(counts.argmax())], "share": round(float(counts.max()) / len(row), 3)})
    return out
