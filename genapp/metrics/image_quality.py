"""How good an image generator's samples are, read by its dataset's judge.

* **Judge-FID** -- the Frechet distance between Gaussians fitted to the judge features of
  generated and of real test images. It only means something next to the **real-vs-real floor**:
  10,000 train images against the 10,000 test images, the score a perfect generator would get
  at the same sample size.
* **Recognizable** -- the share of samples the judge puts in some class with probability >= 0.9,
  next to the same share for the real test images: "are these digits yet?" in one number.
* **Class shares** -- which classes the samples are, by the judge, and over how many classes they
  spread in effect (exp of the entropy): mode collapse in one bar chart and one number.
* **Class accuracy** of a cGAN -- the share of samples generated for class c that the judge calls c.
"""
from __future__ import annotations

from typing import Any

import torch

from ..data import CLASS_NAMES, load_dataset
from .frechet import feature_stats, frechet_distance_from_stats
from .judge import Judge, judge_features, judge_for, judge_outputs, judge_predict

FID_N = 10_000        # the protocol: 10,000 generated vs 10,000 real test images
SURE = 0.9            # the judge's probability for its class at which a sample counts as recognizable


# ---------------------------------------------------------------- samples, generated and real
def generate_images(model, n: int, seed: int = 0, batch_size: int = 500, label=None) -> torch.Tensor:
    """``n`` samples from ``model`` in [0, 1]; chunk i uses seed ``seed + i`` (reproducible, bounded memory)."""
    chunks, i = [], 0
    while sum(len(c) for c in chunks) < n:
        k = min(batch_size, n - sum(len(c) for c in chunks))
        chunks.append(model.generate(k, seed=seed + i, label=label))
        i += 1
    return torch.cat(chunks)


def real_sample(dataset: str, split: str, n: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` random real images of ``split`` in [0, 1] and their labels (the floor's sample for
    split "train"; the same ``seed``, the same images)."""
    t = load_dataset(dataset, split).tensors
    x, y = t["x"], t["y"]
    if n < len(x):
        idx = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed))[:n]
        x, y = x[idx], y[idx]
    return x.float() / 255.0, y


def real_images(dataset: str, split: str, n: int, seed: int = 0) -> torch.Tensor:
    """The images of :func:`real_sample` alone."""
    return real_sample(dataset, split, n, seed)[0]


# ---------------------------------------------------------------- judge-FID
def real_test_stats(dataset: str, judge: Judge) -> tuple[torch.Tensor, torch.Tensor]:
    """Feature statistics of the whole real test split (stored in the judge when it was trained)."""
    if judge.test_cov.abs().sum() > 0:
        return judge.test_mean, judge.test_cov
    return feature_stats(judge_features(judge, real_images(dataset, "test", FID_N)))


def judge_fid(model_or_images, dataset: str | None = None, n: int = FID_N, *, seed: int = 0,
              judge: Judge | None = None) -> float:
    """Judge-FID of a generative model (``n`` samples) or of an image tensor, vs the test split.

    The reference is always the whole test split (10,000 images, statistics stored in the
    judge). Fewer samples raise the score (small-sample bias), so compare numbers at the same
    ``n`` only -- the floor at that ``n`` is :func:`real_floor`.
    """
    if torch.is_tensor(model_or_images):
        if dataset is None:
            raise ValueError("judge_fid on images needs the dataset name (mnist or fashion).")
        images = model_or_images
    else:
        dataset = dataset or model_or_images.config.dataset
        images = generate_images(model_or_images, n, seed=seed)
    judge = judge_for(dataset, judge)
    mean_g, cov_g = feature_stats(judge_features(judge, images))
    return frechet_distance_from_stats(mean_g, cov_g, *real_test_stats(dataset, judge))


_FLOORS: dict[tuple, float] = {}


def real_floor(dataset: str, n: int = FID_N, *, seed: int = 0, judge: Judge | None = None) -> float:
    """Real-vs-real judge-FID: ``n`` random train images vs the test split (cached)."""
    judge = judge_for(dataset, judge)
    key = (dataset, n, seed, id(judge))
    if key not in _FLOORS:
        _FLOORS[key] = judge_fid(real_images(dataset, "train", n, seed), dataset, judge=judge)
    return _FLOORS[key]


# ---------------------------------------------------------------- recognizable samples, class shares
def recognizable_rate(logits: torch.Tensor, threshold: float = SURE) -> float:
    """Share of samples the judge puts in some class with probability >= ``threshold``.

    A readable "are these digits yet?" figure next to the judge-FID: the real MNIST test digits
    score 0.97 (Fashion-MNIST, whose shirts and pullovers look alike, 0.72), uniform noise 0.
    """
    return float((logits.float().softmax(1).max(1).values >= threshold).float().mean())


_REAL_RATES: dict[tuple, float] = {}


def real_recognizable(dataset: str, judge: Judge | None = None) -> float:
    """``recognizable_rate`` of the real test split: what a perfect generator would score (cached)."""
    judge = judge_for(dataset, judge)
    key = (dataset, id(judge))
    if key not in _REAL_RATES:
        _REAL_RATES[key] = recognizable_rate(judge_outputs(judge, real_images(dataset, "test", FID_N))[1])
    return _REAL_RATES[key]


def class_shares(logits: torch.Tensor) -> list[float]:
    """Share of the samples the judge puts in each class (its most likely class), summing to 1.

    What a generator draws: a good one draws every class about as often as the data has it
    (1/10 each for MNIST and Fashion-MNIST); mode collapse shows as a few classes taking most.
    """
    counts = torch.bincount(logits.argmax(1).cpu(), minlength=logits.size(1)).float()
    return [round(float(c), 4) for c in counts / counts.sum().clamp(min=1)]


def effective_classes(shares: list[float]) -> float:
    """exp(entropy) of the class shares: how many classes the samples spread over, in effect.

    10 classes drawn equally -> 10; everything one class -> 1; two classes half and half -> 2.
    (The marginal part of the Inception Score, with the judge in Inception's place.)
    """
    p = torch.tensor(shares, dtype=torch.float64)
    p = p[p > 0]
    return float(torch.exp(-(p * p.log()).sum())) if len(p) else 0.0


# ---------------------------------------------------------------- class accuracy (cGAN)
def class_accuracy(cgan_model, n_per_class: int = 1000, *, seed: int = 0, judge: Judge | None = None) -> dict[str, Any]:
    """Share of samples generated for each class that the judge assigns to that class.

    Returns ``{"overall": float, "per_class": {class name: float}, "n_per_class": int}``.
    """
    if not getattr(cgan_model, "conditional", False):
        raise ValueError(f"Class accuracy needs a conditional model (cgan), not {cgan_model.family!r}.")
    dataset = cgan_model.config.dataset
    judge = judge_for(dataset, judge)
    names = CLASS_NAMES.get(dataset, [str(i) for i in range(cgan_model.config.num_classes)])
    per_class, correct = {}, 0
    for c, name in enumerate(names):
        pred = judge_predict(judge, generate_images(cgan_model, n_per_class, seed=seed + 1000 * c, label=c))
        hits = int((pred == c).sum())
        correct += hits
        per_class[name] = hits / n_per_class
    return {"overall": correct / (n_per_class * len(names)), "per_class": per_class, "n_per_class": n_per_class}
