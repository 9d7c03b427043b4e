"""Turn a finished run into a shipped model: ``pretrained/<name>/`` with a measured model card.

    python -m genapp.publish RUN_DIR NAME --hardware "CPU, 2 cores" [--note "..."] [--fp32]

Writes ``config.json`` (the model config plus the run's ``"train"`` settings), ``model.safetensors``
(fp16 storage by default: half the size, and the metrics below are measured on the fp16 weights as
shipped), ``sample.png`` (the model's sheet at fixed inputs) and ``README.md`` -- the model card:
the exact command, data, resolution, seed, training time and hardware, and the full metric
protocol of ``genapp.metrics.evaluate``. A copy of the sheet goes to ``docs/samples/<name>.png``.
"""
from __future__ import annotations

import argparse
import itertools
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import save_file

from .checkpoints import read_jsonl, safe_child
from .hub import render_card
from .images import grid_image
from .pretrained import load_folder, pretrained_dir

REPO = Path(__file__).resolve().parent.parent
PAUSE_S = 120.0  # a longer silence in metrics.jsonl is a stopped run waiting to be resumed

DATA = {
    "mnist": "MNIST train split (60,000 digits); metrics on the 10,000 test digits",
    "fashion": "Fashion-MNIST train split (60,000 images); metrics on the 10,000 test images",
    "edges2shoes": "edges2shoes: 900 of the 1,000 train pairs in `$GENAPP_DATA_DIR` (the last 100 by file name "
                   "are held out for the metrics)",
    "horse2zebra": "horse2zebra trainA / trainB: 90 % of each (the last 10 % by file name, 107 horses and "
                   "133 zebras, are held out for the metrics)",
}


# A translation model's card shows held-out photos of its data, chosen by its family's quality_metrics.
HELD_OUT_CAPTIONS = {
    "paired": ("Held-out edges, the shoes made from them, the shoes' outlines, the shoes made from those, "
               "and the real shoes"),
    "horse_zebra": ("The first held-out horses, each row followed by the zebras made from them; then the first "
                    "held-out zebras and the horses made from them"),
}


def _sheet(model) -> tuple[torch.Tensor, int, str]:
    """What the card shows, the images per row, and a caption saying what they are."""
    c = model.config
    if model.kind == "toy":  # ring / toy1010: the live view's picture
        from .data import load_dataset

        images, nrow = model.preview(load_dataset(c.dataset).fixed_batch(64))
        return images, nrow, "The live view's picture at the end of training"
    if model.quality_metrics in HELD_OUT_CAPTIONS:
        from .metrics import translation

        make = translation.pix2pix_sheet if model.quality_metrics == "paired" else translation.cyclegan_sheet
        return (*make(model), HELD_OUT_CAPTIONS[model.quality_metrics])
    if model.conditional:
        k = c.num_classes
        return (torch.cat([model.generate(k, seed=0, label=i) for i in range(k)]), k,
                "A row per class at seed 0, each column one z")
    if getattr(model, "codes", 0):  # InfoGAN code: a row per category, a column per rest of z
        return (model.every_category(seed=0, per_category=10), 10,
                "A row per InfoGAN code category at seed 0, each column one rest of z")
    return model.generate(64, seed=0), 8, "64 samples at seed 0"


def sheet(model) -> tuple[torch.Tensor, int]:
    """What the card shows: 8 x 8 samples at seed 0 (a row per class for a cGAN, a row per code
    category for a dcgan with ``codes``), or the held-out sheet of a translation model."""
    images, nrow, _ = _sheet(model)
    return images, nrow


def _fp16(tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {k: (v.half() if v.is_floating_point() else v).contiguous() for k, v in tensors.items()}


def _rows(metrics: dict[str, Any]) -> list[str]:
    rows = []
    for key, val in metrics.items():
        if key in ("family", "dataset", "seed") or isinstance(val, dict):
            continue
        rows.append(f"| {key} | {val} |")
    per_class = metrics.get("class_accuracy_per_class")
    if per_class:
        rows.append("| class_accuracy per class | " + ", ".join(f"{k}: {v:.3f}" for k, v in per_class.items()) + " |")
    categories = metrics.get("category_classes")
    if categories:
        rows.append("| class the judge sees most per code category | "
                    + ", ".join(f"{k}: {v}" for k, v in categories.items()) + " |")
    return rows


def training_seconds(run_dir: Path, status: dict, train: dict) -> float:
    """The run's training wall time: the CLI's own figure, or for a resumed run (whose status only
    knows its last part) the sum of the gaps between its metrics.jsonl timestamps, leaving out
    the pauses between sessions (gaps over PAUSE_S: records come every few seconds)."""
    if not train.get("extra", {}).get("resumed_with"):
        return float(status.get("wall_s", 0))
    last = status.get("step", float("inf"))  # a killed run may have logged past its last checkpoint
    times = [r["time"] for r in read_jsonl(run_dir / "metrics.jsonl")
             if isinstance(r, dict) and "time" in r and r.get("step", 0) <= last]
    if len(times) < 2:
        return float(status.get("wall_s", 0))
    gaps = [b - a for a, b in itertools.pairwise(times)]
    return sum(g for g in gaps if 0 <= g <= PAUSE_S)


def card_text(name: str, model, train: dict, status: dict, metrics: dict, hardware: str, note: str,
              seconds: float, sample_caption: str = "Samples at seed 0",
              pictures: list[tuple[str, str]] = ()) -> str:
    """The ``README.md`` of the shipped model ``name``: the card of :func:`genapp.hub.render_card`
    with the measured metrics, the hardware and the training time."""
    c = model.config
    weights = f"{'fp16' if metrics.get('_fp16') else 'fp32'} storage; the metrics were measured on these weights"
    rows = ["| metric | value |", "|---|---|", *_rows({k: v for k, v in metrics.items() if not k.startswith("_")})]
    card = render_card(
        {**c.to_dict(), "train": train}, name=name, state=status.get("status"), step=status.get("step"),
        sample_caption=sample_caption, metrics_title="Measured metrics",
        metrics_intro=f"`python -m genapp.metrics evaluate pretrained/{name}` (see `genapp.metrics` for the protocol):",
        metric_lines=rows, notes=[note.strip()] if note and note.strip() else [], pictures=pictures,
        extra_rows=[("data", DATA.get(c.dataset, c.dataset)), ("training time", f"{seconds / 60:.1f} min"),
                    ("hardware", hardware),
                    ("weights", weights)])
    return str(card)


def publish(run_dir: str | Path, name: str, *, hardware: str, note: str = "", fp16: bool = True,
            out_root: str | Path | None = None, docs: bool = True) -> dict[str, Any]:
    """Write ``<out_root or pretrained/>/<name>`` from the finished run in ``run_dir``; returns the metrics."""
    from .metrics import evaluate

    run_dir = Path(run_dir)
    status = json.loads((run_dir / "status.json").read_text()) if (run_dir / "status.json").exists() else {}
    if status.get("status") not in ("finished", "stopped"):
        raise ValueError(f"{run_dir} is not a finished run (status: {status.get('status', 'unknown')}).")
    run_config = json.loads((run_dir / "config.json").read_text())
    out_root = Path(out_root) if out_root is not None else pretrained_dir()
    out_root.mkdir(parents=True, exist_ok=True)
    out = safe_child(out_root, name)
    model = load_folder(run_dir)
    with tempfile.TemporaryDirectory(dir=out_root) as tmp:
        tmp = Path(tmp)
        (tmp / "config.json").write_text(json.dumps(run_config, indent=2))
        tensors = model.state_dict_for_save()
        save_file(_fp16(tensors) if fp16 else {k: v.contiguous() for k, v in tensors.items()},
                  str(tmp / "model.safetensors"), metadata={"format": "pt"})
        shipped = load_folder(tmp)  # measure what we ship
        metrics = evaluate(shipped)
        metrics["_fp16"] = fp16
        images, nrow, caption = _sheet(shipped)
        grid_image(images, nrow=nrow, scale=2 if images.shape[-1] <= 32 else 1).save(tmp / "sample.png")
        pictures = []
        for file, what, pics, per_row in shipped.card_pictures():   # the family's own pictures
            grid_image(pics, nrow=per_row, scale=2 if pics.shape[-1] <= 32 else 1).save(tmp / file)
            pictures.append((file, what))
        train = run_config.get("train", {})
        (tmp / "README.md").write_text(card_text(name, shipped, train, status, metrics, hardware, note,
                                                 training_seconds(run_dir, status, train), caption, pictures),
                                       encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(tmp, out)
    out.chmod(0o755)
    for f in out.iterdir():
        f.chmod(0o644)
    if docs:
        (REPO / "docs" / "samples").mkdir(parents=True, exist_ok=True)
        shutil.copy(out / "sample.png", REPO / "docs" / "samples" / f"{name}.png")
    metrics.pop("_fp16")
    return metrics


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m genapp.publish", description=__doc__.split("\n")[0])
    p.add_argument("run_dir", type=Path)
    p.add_argument("name", help="the pretrained name, e.g. mnist-dcgan")
    p.add_argument("--hardware", required=True, help='e.g. "CPU, 2 cores (x86_64), PyTorch 2.14"')
    p.add_argument("--note", default="", help="a paragraph for the card (what was cut, and why)")
    p.add_argument("--fp32", action="store_true", help="keep fp32 weights (default: fp16 storage)")
    p.add_argument("--out-root", type=Path, help="default: pretrained/")
    args = p.parse_args(argv)
    try:
        metrics = publish(args.run_dir, args.name, hardware=args.hardware, note=args.note, fp16=not args.fp32,
                          out_root=args.out_root, docs=args.out_root is None)
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(metrics, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
