"""Where a model's judge-FID comes from: the distance class by class, next to the real floor's.

    GENAPP_DATA_DIR=../shared/data python bench/fid_per_class.py [--dataset fashion] [--models fashion-dcgan fashion-cgan]

The judge-FID of ``genapp.metrics`` compares all 10,000 samples with all 10,000 test images. Here
both sides are split by the class the judge reads in each image, and each class's samples are
compared with the test images of that class (the Frechet distance on the same judge features).
The floor's line does the same for 10,000 real training images, so a class that is hard even for
real images shows as such. A class far above its floor is where the model loses most.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from genapp.api import load  # noqa: E402
from genapp.data import CLASS_NAMES  # noqa: E402
from genapp.metrics import FID_N, frechet_distance, generate_images, judge_outputs, load_judge, real_sample  # noqa: E402

MIN_PER_CLASS = 50  # fewer samples than this in a class: no distance (the covariance would be noise)


def per_class(feats, logits, ref_feats, ref_logits, classes: int) -> tuple[float, list[float | None]]:
    pred, ref_pred = logits.argmax(1), ref_logits.argmax(1)
    out = []
    for c in range(classes):
        a, b = feats[pred == c], ref_feats[ref_pred == c]
        out.append(frechet_distance(a, b) if min(len(a), len(b)) >= MIN_PER_CLASS else None)
    return frechet_distance(feats, ref_feats), out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dataset", choices=["mnist", "fashion"], default="fashion")
    p.add_argument("--models", nargs="*", help="default: the shipped dcgan and cgan of the dataset")
    p.add_argument("--n", type=int, default=FID_N)
    args = p.parse_args()
    models = args.models or [f"{args.dataset}-dcgan", f"{args.dataset}-cgan"]
    judge = load_judge(args.dataset)
    names = CLASS_NAMES[args.dataset]
    test, _ = real_sample(args.dataset, "test", args.n)
    ref_feats, ref_logits = judge_outputs(judge, test)
    train, _ = real_sample(args.dataset, "train", args.n)
    rows = [("real (train)", *per_class(*judge_outputs(judge, train), ref_feats, ref_logits, len(names)))]
    for name in models:
        x = generate_images(load(name), args.n, seed=0)
        rows.append((name, *per_class(*judge_outputs(judge, x), ref_feats, ref_logits, len(names))))
    print(f"judge-FID by the class the judge reads ({args.dataset}, {args.n} images a side)")
    print(f"{'':16s} {'all':>6s} " + " ".join(f"{n[:8]:>8s}" for n in names))
    for label, total, parts in rows:
        print(f"{label:16s} {total:6.2f} " + " ".join(f"{v:8.2f}" if v is not None else f"{'-':>8s}" for v in parts))


if __name__ == "__main__":
    main()
