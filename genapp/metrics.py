"""Quality metrics: a judge classifier per dataset and what we measure with it.

* **Judge** -- a small CNN trained by the project on the train split of ``mnist`` / ``fashion`` and
  shipped in ``pretrained/judge-<dataset>/`` (``config.json`` + ``model.safetensors``). It plays the
  role Inception-v3 plays for FID on photos: Inception knows nothing about 28 px digits, so we use
  a network that does. Its penultimate layer (128 ReLU units) gives the features; its output gives
  the class. The judge also stores the feature mean and covariance of the 10,000 test images, so
  the cheap live metric needs no data on disk.
* **Judge-FID** -- the Frechet distance (Heusel et al. 2017) between Gaussians fitted to the judge
  features of generated and of real test images. It only means something next to the
  **real-vs-real floor**: 10,000 train images against the 10,000 test images, the score a perfect
  generator would get at the same sample size.
* **Class accuracy** of a cGAN -- the share of samples generated for class c that the judge calls c.
* **Recognizable** -- the share of samples the judge puts in some class with probability >= 0.9,
  next to the same share for the real test images (MNIST 0.97): "are these digits yet?" in one number.
* **Class shares** -- which classes the samples are, by the judge, and over how many classes they
  spread in effect (exp of the entropy): mode collapse on MNIST in one bar chart and one number.
* **Ring metrics** -- VEEGAN's modes covered and high-quality rate (``genapp.models.ring``).

``live_report(model)`` is the cheap subset for the Train tab (a fraction of a second on a CPU);
``evaluate(model)`` is the full protocol behind the model cards. Command line::

    python -m genapp.metrics train-judge --dataset mnist      # -> pretrained/judge-mnist/
    python -m genapp.metrics evaluate mnist-dcgan             # full metrics as JSON
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from torch import nn

from .config import JsonConfig
from .data import CLASS_NAMES, load_dataset
from .models.ring import ring_metrics

JUDGE_DATASETS = ("mnist", "fashion")
FID_N = 10_000        # the protocol: 10,000 generated vs 10,000 real test images
LIVE_N = 1_000        # live view: fewer samples (biased upward, so only compare live with live)
LIVE_SEED = 123       # the live view's fixed z, so its curve moves with the model only
RING_N = 2_500        # VEEGAN's protocol


# ---------------------------------------------------------------- the judge network
@dataclass
class JudgeConfig(JsonConfig):
    kind: str = "judge"           # marks the folder as a judge, not a generative model
    dataset: str = "mnist"
    channels: int = 1
    image_size: int = 28
    width: int = 32               # channels of the first conv; the second has 2x
    features: int = 128           # size of the penultimate layer (the FID features)
    num_classes: int = 10
    test_accuracy: float = 0.0    # measured after training, kept for the model card
    command: str = ""             # how it was trained


class Judge(nn.Module):
    """conv4-32 stride 2, conv4-64 stride 2, fc-128 (the features), fc-10.

    Deliberately small and cheap -- strided convolutions instead of pooling keep the activations
    small, so 1,000 images take a few tens of milliseconds on a laptop CPU -- and without
    BatchNorm, so an image's features never depend on the rest of its batch.
    """

    def __init__(self, config: JudgeConfig):
        super().__init__()
        self.config = config
        c, w = config, config.width
        side = c.image_size // 4
        self.body = nn.Sequential(
            nn.Conv2d(c.channels, w, 4, 2, 1), nn.ReLU(True),
            nn.Conv2d(w, 2 * w, 4, 2, 1), nn.ReLU(True),
            nn.Flatten(), nn.Linear(2 * w * side * side, c.features), nn.ReLU(True))
        self.dropout = nn.Dropout(0.3)
        self.head = nn.Linear(c.features, c.num_classes)
        # Feature statistics of the real test split, set by train_judge (see module docstring).
        self.register_buffer("test_mean", torch.zeros(c.features, dtype=torch.float64))
        self.register_buffer("test_cov", torch.zeros(c.features, c.features, dtype=torch.float64))

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Images in [0, 1], (N, C, H, W) -> penultimate features (N, features)."""
        return self.body(x * 2.0 - 1.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.dropout(self.features(x)))


def _check_images(x: torch.Tensor, config: JudgeConfig) -> torch.Tensor:
    if not torch.is_tensor(x) or x.dim() != 4:
        raise ValueError("Expected images as a float tensor (N, C, H, W) in [0, 1].")
    want = (config.channels, config.image_size, config.image_size)
    if tuple(x.shape[1:]) != want:
        raise ValueError(f"The {config.dataset} judge takes images of shape {want}, got {tuple(x.shape[1:])}.")
    return x.float()


@torch.no_grad()
def judge_outputs(judge: Judge, images: torch.Tensor, batch_size: int = 1000) -> tuple[torch.Tensor, torch.Tensor]:
    """(penultimate features, class logits) of ``images`` (N, C, H, W) in [0, 1], in one pass."""
    judge.eval()
    x = _check_images(images, judge.config)
    feats = torch.cat([judge.features(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])
    return feats, judge.head(feats)


def judge_features(judge: Judge, images: torch.Tensor, batch_size: int = 1000) -> torch.Tensor:
    """Penultimate-layer features of ``images`` (N, C, H, W) in [0, 1], on the CPU."""
    return judge_outputs(judge, images, batch_size)[0]


def judge_predict(judge: Judge, images: torch.Tensor, batch_size: int = 1000) -> torch.Tensor:
    """The judge's class for each image."""
    return judge_outputs(judge, images, batch_size)[1].argmax(1)


# ---------------------------------------------------------------- loading (cached)
_JUDGES: dict[tuple[str, float], nn.Module] = {}
_LOCK = threading.Lock()


def judge_dir(dataset: str) -> Path:
    from .api import pretrained_dir

    return pretrained_dir() / f"judge-{dataset}"


def load_judge_folder(folder: Path, build, dataset: str) -> nn.Module:
    """A judge network from ``folder`` (``config.json`` + ``model.safetensors``), built by
    ``build(config_dict)``, in eval mode without gradients; cached per file and modification time."""
    weights = folder / "model.safetensors"
    if not weights.exists():
        raise FileNotFoundError(f"No judge in {folder}. Train it with: "
                                f"python -m genapp.metrics train-judge --dataset {dataset} --out {folder}")
    key = (str(weights.resolve()), weights.stat().st_mtime)
    with _LOCK:
        if key in _JUDGES:
            return _JUDGES[key]
    judge = build(json.loads((folder / "config.json").read_text()))
    own = judge.state_dict()
    judge.load_state_dict({k: v.to(own[k].dtype) for k, v in load_file(str(weights)).items()}, strict=True)
    judge.eval().requires_grad_(False)
    with _LOCK:
        _JUDGES[key] = judge
    return judge


def load_judge(dataset: str | None = None, folder: str | Path | None = None) -> Judge:
    """The judge for ``dataset`` (from ``pretrained/judge-<dataset>``) or from ``folder``; cached."""
    if folder is None:
        if dataset not in JUDGE_DATASETS:
            raise ValueError(f"There is a judge for {', '.join(JUDGE_DATASETS)} only, not {dataset!r}.")
        folder = judge_dir(dataset)
    return load_judge_folder(Path(folder), lambda cfg: Judge(JudgeConfig.from_dict(cfg)), dataset or "mnist")


def _judge_for(dataset: str, judge: Judge | None) -> Judge:
    return judge if judge is not None else load_judge(dataset)


# ---------------------------------------------------------------- Frechet distance
def feature_stats(feats: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean and (unbiased) covariance of features (N, D), in float64."""
    f = feats.detach().to(torch.float64).cpu()
    if f.dim() != 2 or f.size(0) < 2:
        raise ValueError("Need at least two feature vectors (N, D) to fit a Gaussian.")
    mean = f.mean(0)
    centered = f - mean
    return mean, centered.T @ centered / (f.size(0) - 1)


def _sqrt_psd(m: torch.Tensor) -> torch.Tensor:
    """Square root of a symmetric positive semi-definite matrix (tiny negative eigenvalues -> 0)."""
    vals, vecs = torch.linalg.eigh((m + m.T) / 2)
    return (vecs * vals.clamp(min=0).sqrt()) @ vecs.T


def frechet_distance_from_stats(mean_a, cov_a, mean_b, cov_b) -> float:
    """||mu_a - mu_b||^2 + tr(S_a) + tr(S_b) - 2 tr((S_a S_b)^1/2).

    S_a S_b is not symmetric, so its square root is awkward (scipy's sqrtm can return complex
    noise). Instead: with R = S_a^1/2, the matrix R S_b R is symmetric PSD and has the same
    eigenvalues as S_a S_b, so tr((S_a S_b)^1/2) = sum of sqrt(eigenvalues of R S_b R).
    """
    mean_a, mean_b = mean_a.to(torch.float64), mean_b.to(torch.float64)
    cov_a, cov_b = cov_a.to(torch.float64), cov_b.to(torch.float64)
    root_a = _sqrt_psd(cov_a)
    middle = root_a @ cov_b @ root_a
    tr_sqrt = torch.linalg.eigvalsh((middle + middle.T) / 2).clamp(min=0).sqrt().sum()
    d = (mean_a - mean_b).pow(2).sum() + cov_a.trace() + cov_b.trace() - 2 * tr_sqrt
    return max(float(d), 0.0)  # rounding can leave -1e-12 for identical sets


def frechet_distance(feats_a: torch.Tensor, feats_b: torch.Tensor) -> float:
    """Frechet distance between Gaussians fitted to two sets of features (N, D) and (M, D)."""
    return frechet_distance_from_stats(*feature_stats(feats_a), *feature_stats(feats_b))


# ---------------------------------------------------------------- judge-FID
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


def _real_images(dataset: str, split: str, n: int, seed: int = 0) -> torch.Tensor:
    return real_sample(dataset, split, n, seed)[0]


def _test_stats(dataset: str, judge: Judge) -> tuple[torch.Tensor, torch.Tensor]:
    """Feature statistics of the whole real test split (stored in the judge when it was trained)."""
    if judge.test_cov.abs().sum() > 0:
        return judge.test_mean, judge.test_cov
    return feature_stats(judge_features(judge, _real_images(dataset, "test", FID_N)))


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
    judge = _judge_for(dataset, judge)
    mean_g, cov_g = feature_stats(judge_features(judge, images))
    return frechet_distance_from_stats(mean_g, cov_g, *_test_stats(dataset, judge))


_FLOORS: dict[tuple, float] = {}


def real_floor(dataset: str, n: int = FID_N, *, seed: int = 0, judge: Judge | None = None) -> float:
    """Real-vs-real judge-FID: ``n`` random train images vs the test split (cached)."""
    judge = _judge_for(dataset, judge)
    key = (dataset, n, seed, id(judge))
    if key not in _FLOORS:
        _FLOORS[key] = judge_fid(_real_images(dataset, "train", n, seed), dataset, judge=judge)
    return _FLOORS[key]


# ---------------------------------------------------------------- recognizable samples
SURE = 0.9   # the judge's probability for its class at which a sample counts as recognizable


def recognizable_rate(logits: torch.Tensor, threshold: float = SURE) -> float:
    """Share of samples the judge puts in some class with probability >= ``threshold``.

    A readable "are these digits yet?" figure next to the judge-FID: the real MNIST test digits
    score 0.97 (Fashion-MNIST, whose shirts and pullovers look alike, 0.72), uniform noise 0.
    """
    return float((logits.float().softmax(1).max(1).values >= threshold).float().mean())


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


_REAL_RATES: dict[tuple, float] = {}


def real_recognizable(dataset: str, judge: Judge | None = None) -> float:
    """``recognizable_rate`` of the real test split: what a perfect generator would score (cached)."""
    judge = _judge_for(dataset, judge)
    key = (dataset, id(judge))
    if key not in _REAL_RATES:
        _REAL_RATES[key] = recognizable_rate(judge_outputs(judge, _real_images(dataset, "test", FID_N))[1])
    return _REAL_RATES[key]


# ---------------------------------------------------------------- class accuracy (cGAN)
def class_accuracy(cgan_model, n_per_class: int = 1000, *, seed: int = 0, judge: Judge | None = None) -> dict[str, Any]:
    """Share of samples generated for each class that the judge assigns to that class.

    Returns ``{"overall": float, "per_class": {class name: float}, "n_per_class": int}``.
    """
    if not getattr(cgan_model, "conditional", False):
        raise ValueError(f"Class accuracy needs a conditional model (cgan), not {cgan_model.family!r}.")
    dataset = cgan_model.config.dataset
    judge = _judge_for(dataset, judge)
    names = CLASS_NAMES.get(dataset, [str(i) for i in range(cgan_model.config.num_classes)])
    per_class, correct = {}, 0
    for c, name in enumerate(names):
        pred = judge_predict(judge, generate_images(cgan_model, n_per_class, seed=seed + 1000 * c, label=c))
        hits = int((pred == c).sum())
        correct += hits
        per_class[name] = hits / n_per_class
    return {"overall": correct / (n_per_class * len(names)), "per_class": per_class, "n_per_class": n_per_class}


# ---------------------------------------------------------------- ring (VEEGAN)
def ring_coverage(model, n: int = RING_N, seed: int = 0) -> dict[str, float]:
    """Modes covered (of 8) and high-quality rate (within 3 sigma of a mode) over ``n`` samples."""
    return ring_metrics(model.points(n, seed=seed))


# ---------------------------------------------------------------- InfoGAN codes (dcgan ``codes``)
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


def _categories(model, n: int, seed: int, batch_size: int = 500) -> torch.Tensor:
    """The code's category of each sample ``generate_images(model, n, seed)`` draws (same z)."""
    from .models.base import seeded_noise

    sizes = [min(batch_size, n - i) for i in range(0, n, batch_size)]
    return torch.cat([model.category(seeded_noise((k, model.config.latent_dim), seed + j, model.device))
                      for j, k in enumerate(sizes)])


def category_names(model, per_category: int = 100, seed: int = 0, judge: Judge | None = None) -> list[dict[str, Any]]:
    """What the judge sees in each category of a dcgan's code: for category i, the class it reads
    most often in ``per_category`` samples (``model.every_category``: the same rests of z in every
    category) and the share of those samples it reads so -> [{"class": name, "share": 0.96}, ...]."""
    if not getattr(model, "codes", 0):
        raise ValueError(f"{model.family} on {model.config.dataset} has no categorical code (dcgan --set codes=10).")
    judge = _judge_for(model.config.dataset, judge)
    pred = judge_predict(judge, model.every_category(seed=seed, per_category=per_category)).view(model.codes, -1)
    names = CLASS_NAMES.get(model.config.dataset) or [str(k) for k in range(judge.config.num_classes)]
    out = []
    for row in pred:
        counts = torch.bincount(row.cpu(), minlength=len(names))
        out.append({"class": names[int(counts.argmax())], "share": round(float(counts.max()) / len(row), 3)})
    return out


# ---------------------------------------------------------------- what the app and cards call
def _judged(model) -> bool:
    return getattr(model, "kind", "") == "image" and model.config.dataset in JUDGE_DATASETS


def live_report(model) -> dict[str, Any]:
    """What the Train tab shows of a model at each sample grid: ``{"metrics": {...}, "class_shares": [...]}``.

    ``metrics`` are cheap numbers (a fraction of a second on a CPU). Images: judge-FID of 1,000
    samples at a fixed z (``judge_fid_1k``; compare it with itself over time, not with the 10k
    numbers of the model cards), the share the judge recognizes (``recognizable_1k``), over how
    many classes the samples spread (``classes_1k``, :func:`effective_classes`) and, for a cGAN,
    the class accuracy of the same samples (``class_acc``; its ``generate`` cycles the classes,
    100 each). Ring: modes and high-quality rate of 2,500 points. ``class_shares`` is the share of
    those 1,000 samples the judge puts in each class (:func:`class_shares`), None where there is
    no judge. Families with no such metric (translation, toy1010) and datasets with no judge
    shipped give ``{"metrics": {}, "class_shares": None}``.
    """
    nothing = {"metrics": {}, "class_shares": None}
    if getattr(model, "kind", "") == "toy" and model.config.dataset == "ring":
        return {"metrics": ring_coverage(model, RING_N, seed=LIVE_SEED), "class_shares": None}
    if not _judged(model):
        return nothing
    try:
        judge = load_judge(model.config.dataset)
    except FileNotFoundError:
        return nothing  # no judge shipped: the live view shows losses only
    images = model.generate(LIVE_N, seed=LIVE_SEED)
    feats, logits = judge_outputs(judge, images)
    shares = class_shares(logits)
    out = {"judge_fid_1k": round(frechet_distance_from_stats(
        *feature_stats(feats), *_test_stats(model.config.dataset, judge)), 3),
           "recognizable_1k": round(recognizable_rate(logits), 3),
           "classes_1k": round(effective_classes(shares), 2)}
    if getattr(model, "conditional", False):
        labels = torch.arange(LIVE_N) % model.config.num_classes
        out["class_acc"] = round(float((logits.argmax(1) == labels).float().mean()), 4)
    if getattr(model, "codes", 0):
        from .models.base import seeded_noise

        z = seeded_noise((LIVE_N, model.config.latent_dim), LIVE_SEED, model.device)  # generate()'s z
        out["purity_1k"] = category_purity(model.category(z), logits, model.codes)["purity"]
    return {"metrics": out, "class_shares": shares}


def live_metrics(model) -> dict[str, float]:
    """The numbers of :func:`live_report` alone."""
    return live_report(model)["metrics"]


def evaluate(model, *, n: int = FID_N, n_per_class: int = 1000, seed: int = 0) -> dict[str, Any]:
    """The full protocol of the model cards (see the module docstring)."""
    result: dict[str, Any] = {"family": model.family, "dataset": model.config.dataset, "seed": seed}
    if getattr(model, "kind", "") == "toy" and model.config.dataset == "ring":
        result["ring"] = {**ring_coverage(model, RING_N, seed=seed), "n": RING_N}
        return result
    if model.family in ("pix2pix", "cyclegan"):  # held-out pairs / photos (translation_metrics.py)
        from . import translation_metrics as tm

        t0 = time.perf_counter()
        result.update(tm.pix2pix_metrics(model) if model.family == "pix2pix" else tm.cyclegan_metrics(model))
        result["eval_seconds"] = round(time.perf_counter() - t0, 1)
        return result
    if not _judged(model):
        raise ValueError(f"No judge metrics for {model.family} on {model.config.dataset}: "
                         f"the judges cover {', '.join(JUDGE_DATASETS)} image generators, the ring, "
                         f"pix2pix and CycleGAN.")
    judge = load_judge(model.config.dataset)
    t0 = time.perf_counter()
    images = generate_images(model, n, seed=seed)
    fid = judge_fid(images, model.config.dataset, judge=judge)
    floor = real_floor(model.config.dataset, n, judge=judge)
    logits = judge_outputs(judge, images)[1]
    result.update({"judge_fid": round(fid, 4), "real_floor": round(floor, 4),
                   "fid_over_floor": round(fid / floor, 2) if floor > 0 else math.inf, "n": n,
                   "recognizable": round(recognizable_rate(logits), 4),
                   "recognizable_real": round(real_recognizable(model.config.dataset, judge), 4),
                   "judge_test_accuracy": judge.config.test_accuracy})
    if getattr(model, "conditional", False):
        acc = class_accuracy(model, n_per_class, seed=seed, judge=judge)
        result["class_accuracy"] = round(acc["overall"], 4)
        result["class_accuracy_per_class"] = {k: round(v, 4) for k, v in acc["per_class"].items()}
        result["n_per_class"] = n_per_class
    if getattr(model, "codes", 0):
        purity = category_purity(_categories(model, n, seed), logits, model.codes)
        names = CLASS_NAMES.get(model.config.dataset)
        result.update({"category_purity": purity["purity"], "classes_with_a_category": purity["covered"],
                       "category_classes": {c: names[k] if names else k for c, k in purity["classes"].items()}})
    result["eval_seconds"] = round(time.perf_counter() - t0, 1)
    return result


# ---------------------------------------------------------------- training a judge
def fit_judge(judge: nn.Module, n: int, loss_of, *, total: int, batch_size: int, lr: float,
              gen: torch.Generator, log=print) -> float:
    """The judges' training loop: ``total`` Adam steps over shuffled batches of indices into ``n``
    examples (reshuffled each epoch), ``loss_of(idx)`` giving each batch's loss; cosine decay to
    zero (the last steps at a small rate settle the weights: +0.5 % on MNIST). Returns seconds."""
    opt = torch.optim.Adam(judge.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, total))
    perm, pos, t0 = torch.randperm(n, generator=gen), 0, time.perf_counter()
    judge.train()
    for step in range(1, total + 1):
        if pos + batch_size > len(perm):
            perm, pos = torch.randperm(n, generator=gen), 0
        idx = perm[pos:pos + batch_size]
        pos += batch_size
        loss = loss_of(idx)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        schedule.step()
        if log and (step % 100 == 0 or step == total):
            log(f"step {step}/{total}  loss {loss.item():.4f}")
    return time.perf_counter() - t0


def train_judge(dataset: str, out: str | Path | None = None, *, epochs: float = 3, batch_size: int = 64,
                lr: float = 1e-3, seed: int = 0, width: int = 32, features: int = 128,
                max_steps: int | None = None, test_n: int | None = None, log=print,
                command: str = "") -> dict[str, Any]:
    """Train the judge on the train split, measure it on the test split, save it to ``out``.

    Adam 1e-3 with cosine decay, three epochs at batch 64: this is a small CNN on small images, it reaches about 99 %
    on MNIST and about 90 % on Fashion-MNIST. ``max_steps`` cuts training short and ``test_n`` measures
on the first ``test_n`` test images only (tests); the shipped judges use the whole test split.
    """
    if dataset not in JUDGE_DATASETS:
        raise ValueError(f"Judges exist for {', '.join(JUDGE_DATASETS)}, not {dataset!r}.")
    out = Path(out) if out is not None else judge_dir(dataset)
    torch.manual_seed(seed)
    train, test = load_dataset(dataset, "train"), load_dataset(dataset, "test")
    xs, ys = train.tensors["x"], train.tensors["y"]
    config = JudgeConfig(dataset=dataset, channels=xs.size(1), image_size=xs.size(-1), width=width,
                         features=features, command=command)
    judge = Judge(config)
    steps_per_epoch = len(xs) // batch_size
    total = max_steps if max_steps is not None else int(round(epochs * steps_per_epoch))
    gen = torch.Generator().manual_seed(seed)
    train_s = fit_judge(judge, len(xs), lambda idx: F.cross_entropy(judge(xs[idx].float() / 255.0), ys[idx]),
                        total=total, batch_size=batch_size, lr=lr, gen=gen, log=log)
    x_test, y_test = test.tensors["x"][:test_n].float() / 255.0, test.tensors["y"][:test_n]
    accuracy = float((judge_predict(judge, x_test) == y_test).float().mean())
    mean, cov = feature_stats(judge_features(judge, x_test))
    judge.test_mean.copy_(mean)
    judge.test_cov.copy_(cov)
    judge.config.test_accuracy = round(accuracy, 4)
    out.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in judge.state_dict().items()}, str(out / "model.safetensors"),
              metadata={"format": "pt"})
    (out / "config.json").write_text(json.dumps(judge.config.to_dict(), indent=2))
    summary = {"dataset": dataset, "test_accuracy": round(accuracy, 4), "test_images": len(y_test), "steps": total, "batch_size": batch_size,
               "epochs": round(total / steps_per_epoch, 2), "lr": lr, "seed": seed, "train_seconds": round(train_s, 1),
               "out": str(out)}
    if log:
        log(json.dumps(summary))
    return summary


# ---------------------------------------------------------------- command line
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m genapp.metrics", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train-judge", help="train a judge classifier and save it (default: pretrained/judge-<dataset>)")
    t.add_argument("--dataset", choices=(*JUDGE_DATASETS, "horse2zebra"), required=True)
    t.add_argument("--epochs", type=float, help="default: 3 (mnist, fashion), 12 (horse2zebra)")
    t.add_argument("--batch-size", type=int, default=64)
    t.add_argument("--lr", type=float, default=1e-3)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--out", type=Path)
    e = sub.add_parser("evaluate", help="full metrics of a model (pretrained name or folder) as JSON")
    e.add_argument("model", help="a pretrained name (mnist-dcgan), a model folder or a Hub repo id")
    e.add_argument("--n", type=int, default=FID_N, help="generated images for judge-FID (default 10000)")
    e.add_argument("--n-per-class", type=int, default=1000, help="cGAN samples per class (default 1000)")
    e.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    torch.set_grad_enabled(True)
    if args.command == "train-judge":
        import shlex

        command = "python -m genapp.metrics " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
        if args.dataset == "horse2zebra":
            from .translation_metrics import train_horse_zebra_judge

            train_horse_zebra_judge(args.out, epochs=args.epochs or 12, batch_size=args.batch_size, lr=args.lr,
                                    seed=args.seed, command=command)
        else:
            train_judge(args.dataset, args.out, epochs=args.epochs or 3, batch_size=args.batch_size, lr=args.lr,
                        seed=args.seed, command=command)
        return 0
    from .api import load
    from .hub import HubError

    try:
        model = load(args.model)
        print(json.dumps(evaluate(model, n=args.n, n_per_class=args.n_per_class, seed=args.seed), indent=2))
    except (ValueError, FileNotFoundError, HubError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
