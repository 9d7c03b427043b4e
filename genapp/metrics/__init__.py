"""Quality metrics: a judge classifier per dataset and what we measure with it.

One job per module, from the bottom up:

* ``judge`` -- the digit judges (a small CNN per dataset, the Inception of 28 px digits) and
  loading / saving any judge folder ``pretrained/judge-*``;
* ``frechet`` -- the Frechet distance between Gaussians fitted to features;
* ``fit`` -- the judges' training loop and the digit judges' training;
* ``image_quality`` -- judge-FID next to its real-vs-real floor, the recognizable share, class
  shares and a cGAN's class accuracy;
* ``categories`` -- what the judge sees in each category of a latent code (InfoGAN);
* ``toys`` -- the ring's modes covered and high-quality rate (VEEGAN);
* ``horse_zebra`` / ``horse_zebra_fit`` -- the horse/zebra judge, and training it honestly;
* ``translation`` -- pix2pix and CycleGAN on held-out photos, and their sheets;
* ``report`` -- what the app and cards call: ``live_report(model)`` for the Train tab and
  ``evaluate(model)`` for the model cards, chosen by the family's ``quality_metrics``;
* ``cli`` -- ``python -m genapp.metrics train-judge --dataset mnist`` / ``evaluate mnist-dcgan``.

The names below are re-exported so ``from genapp.metrics import load_judge`` keeps working.
"""
from .categories import category_names, category_purity, sample_categories
from .fit import fit_judge, train_judge
from .frechet import feature_stats, frechet_distance, frechet_distance_from_stats
from .image_quality import (FID_N, SURE, class_accuracy, class_shares, effective_classes, generate_images,
                            judge_fid, real_floor, real_images, real_recognizable, real_sample, real_test_stats,
                            recognizable_rate)
from .judge import (JUDGE_DATASETS, Judge, JudgeConfig, judge_dir, judge_features, judge_for, judge_outputs,
                    judge_predict, load_judge, load_judge_folder, save_judge_folder)
from .report import LIVE_N, LIVE_SEED, evaluate, live_metrics, live_report, protocol_of
from .toys import RING_N, ring_coverage

__all__ = [
    "FID_N", "JUDGE_DATASETS", "LIVE_N", "LIVE_SEED", "RING_N", "SURE", "Judge", "JudgeConfig",
    "category_names", "category_purity", "class_accuracy", "class_shares", "effective_classes", "evaluate",
    "feature_stats", "fit_judge", "frechet_distance", "frechet_distance_from_stats", "generate_images",
    "judge_dir", "judge_features", "judge_fid", "judge_for", "judge_outputs", "judge_predict", "live_metrics",
    "live_report", "load_judge", "load_judge_folder", "main", "protocol_of", "real_floor", "real_images",
    "real_recognizable", "real_sample", "real_test_stats", "recognizable_rate", "ring_coverage",
    "sample_categories", "save_judge_folder", "train_judge",
]


def __getattr__(name: str):
    """``genapp.metrics.main``, the command line, imported only when asked for: it loads models
    through the Python API and the Hub, which sit above the metrics (the trainer imports these)."""
    if name == "main":
        from .cli import main

        return main
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
