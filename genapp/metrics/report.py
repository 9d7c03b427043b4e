"""What the app and the model cards ask of the metrics: the live numbers and the full protocol.

Which metrics a model gets is its family's declaration ``quality_metrics`` (genapp.models.base):
``"judge"`` (the default: an image generator, read by its dataset's judge where one exists),
``"modes"`` (VEEGAN's modes of the ring), ``"paired"`` (pix2pix on held-out pairs), ``"horse_zebra"`` (CycleGAN
by the horse/zebra judge) or ``""`` (none). :func:`live_report` is the cheap subset for the Train
tab (a fraction of a second on a CPU); :func:`evaluate` is the full protocol behind the model cards.
"""
from __future__ import annotations

import math
import time
from typing import Any

import torch

from ..data import CLASS_NAMES
from ..models import model_class
from ..models.base import seeded_noise
from .categories import category_purity, sample_categories
from .frechet import feature_stats, frechet_distance_from_stats
from .image_quality import (FID_N, class_accuracy, class_shares, effective_classes, generate_images, judge_fid,
                            real_floor, real_recognizable, real_test_stats, recognizable_rate)
from .judge import JUDGE_DATASETS, judge_outputs, load_judge
from .toys import RING_N, ring_coverage
from .translation import cyclegan_metrics, pix2pix_metrics

LIVE_N = 1_000        # live view: fewer samples (biased upward, so only compare live with live)
LIVE_SEED = 123       # the live view's fixed z, so its curve moves with the model only
HELD_OUT = {"paired": pix2pix_metrics, "horse_zebra": cyclegan_metrics}  # the translation protocols


def protocol_of(model) -> str:
    """The family's ``quality_metrics`` declaration, read from its class (for its dataset: a WGAN
    on the ring is the ring's kind of model)."""
    return model_class(model.family, model.config.dataset).quality_metrics


def _judged(model) -> bool:
    return protocol_of(model) == "judge" and model.config.dataset in JUDGE_DATASETS


def live_report(model) -> dict[str, Any]:
    """What the Train tab shows of a model at each sample grid: ``{"metrics": {...}, "class_shares": [...]}``.

    ``metrics`` are cheap numbers (a fraction of a second on a CPU). Images: judge-FID of 1,000
    samples at a fixed z (``judge_fid_1k``; compare it with itself over time, not with the 10k
    numbers of the model cards), the share the judge recognizes (``recognizable_1k``), over how
    many classes the samples spread (``classes_1k``, :func:`effective_classes`), for a cGAN the
    class accuracy of the same samples (``class_acc``; its ``generate`` cycles the classes, 100
    each) and for a code the category purity (``purity_1k``). Ring: modes and high-quality rate of
    2,500 points. ``class_shares`` is the share of those 1,000 samples the judge puts in each class
    (:func:`class_shares`), None where there is no judge. Models with no live metric (translation,
    toy1010) and datasets with no judge shipped give ``{"metrics": {}, "class_shares": None}``.
    """
    nothing = {"metrics": {}, "class_shares": None}
    if protocol_of(model) == "modes":
        return {"metrics": ring_coverage(model, RING_N, seed=LIVE_SEED), "class_shares": None}
    if not _judged(model) or not model_class(model.family, model.config.dataset).live_judge:
        return nothing
    try:
        judge = load_judge(model.config.dataset)
    except FileNotFoundError:
        return nothing  # no judge shipped: the live view shows losses only
    images = model.generate(LIVE_N, seed=LIVE_SEED)
    feats, logits = judge_outputs(judge, images)
    shares = class_shares(logits)
    out = {"judge_fid_1k": round(frechet_distance_from_stats(
        *feature_stats(feats), *real_test_stats(model.config.dataset, judge)), 3),
           "recognizable_1k": round(recognizable_rate(logits), 3),
           "classes_1k": round(effective_classes(shares), 2)}
    if getattr(model, "conditional", False):
        labels = torch.arange(LIVE_N) % model.config.num_classes
        out["class_acc"] = round(float((logits.argmax(1) == labels).float().mean()), 4)
    if getattr(model, "codes", 0):
        z = seeded_noise((LIVE_N, model.config.latent_dim), LIVE_SEED, model.device)  # generate()'s z
        out["purity_1k"] = category_purity(model.category(z), logits, model.codes)["purity"]
    return {"metrics": out, "class_shares": shares}


def live_metrics(model) -> dict[str, float]:
    """The numbers of :func:`live_report` alone."""
    return live_report(model)["metrics"]


def evaluate(model, *, n: int = FID_N, n_per_class: int = 1000, seed: int = 0) -> dict[str, Any]:
    """The full protocol of the model cards: judge-FID of ``n`` samples next to the real-vs-real
    floor, the recognizable share, a cGAN's class accuracy and a code's category purity; the
    ring's modes; the translation models' held-out metrics (:mod:`genapp.metrics.translation`)."""
    result: dict[str, Any] = {"family": model.family, "dataset": model.config.dataset, "seed": seed}
    protocol = protocol_of(model)
    if protocol == "modes":
        result["modes"] = {**ring_coverage(model, RING_N, seed=seed), "n": RING_N}
        return result
    if protocol in HELD_OUT:
        t0 = time.perf_counter()
        result.update(HELD_OUT[protocol](model))
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
        purity = category_purity(sample_categories(model, n, seed), logits, model.codes)
        names = CLASS_NAMES.get(model.config.dataset)
        result.update({"category_purity": purity["purity"], "classes_with_a_category": purity["covered"],
                       "category_classes": {c: names[k] if names else k for c, k in purity["classes"].items()}})
    result.update(model.card_metrics())   # the family's own measures (a PixelCNN's test NLL)
    result["eval_seconds"] = round(time.perf_counter() - t0, 1)
    return result
