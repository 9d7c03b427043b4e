"""Quality of the image-to-image models, on our own held-out split (``data.HOLDOUT_FRACTION``).

* **pix2pix** (edges2shoes): the L1 distance, in [0, 1] pixel units, between the generated shoe and
  the real photo of each held-out pair, next to two references measured on the same pairs -- the
  mean training photo (what an L1-only model that ignores the sketch would drift to) and the
  edge map itself -- plus the shape IoU and colourfulness, and a visual sheet.
* **CycleGAN** (horse2zebra): the fraction of held-out horses the horse/zebra judge
  (:mod:`genapp.metrics.horse_zebra`) calls zebra after G: horse -> zebra (and of held-out zebras
  it calls horse after F), next to its calls on the untranslated photos; the share of horses on
  whose body G drew finer detail than the photo had (:mod:`.stripes`: the judge reads the whole
  photo, a person the animal); the **cycle L1**
  |F(G(x)) - x| says whether the horse's content survives the round trip; a contact sheet shows it.

Neither model nor judge ever sees the held-out files while training.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch

from ..data import load_dataset
from ..outlines import silhouettes
from .horse_zebra import HorseZebraJudge, load_horse_zebra_judge, zebra_probability
from .stripes import stripes_added_on_animal

SHEET_N = 8          # pairs on pix2pix's visual sheet
CONTACT_N = 16       # unseen photos each way on a CycleGAN's contact sheet


def _l1_per_image(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return (a.float() - b.float()).abs().flatten(1).mean(1)


# ---------------------------------------------------------------- pix2pix
def _shape(photos: torch.Tensor) -> torch.Tensor:
    """(N, 3, S, S) photos in [0, 1] -> (N, S, S) bool silhouettes of the shoe in each."""
    u8 = (photos.float() * 255).round().clamp(0, 255).to(torch.uint8).numpy()
    return torch.from_numpy(silhouettes(np.full_like(u8, 255), u8))


def _mean_iou(a: torch.Tensor, b: torch.Tensor) -> float:
    inter, union = (a & b).flatten(1).sum(1).float(), (a | b).flatten(1).sum(1).float()
    return float((inter / union.clamp(min=1)).mean())


def colourfulness(photos: torch.Tensor) -> torch.Tensor:
    """(N, 3, H, W) in [0, 1] -> (N,) colourfulness (Hasler & Suesstrunk 2003, on 0-255 values):
    the spread and the mean distance from grey of the opponent colours red-green and yellow-blue.
    0 for a grey picture; about 15 is "slightly", 33 "moderately", 59 "highly" colourful. A
    pix2pix that averages the colours it cannot tell from an outline paints beige and grey shoes,
    which this shows where L1 does not (the average is L1's best guess)."""
    x = photos.float() * 255
    rg = x[:, 0] - x[:, 1]
    yb = 0.5 * (x[:, 0] + x[:, 1]) - x[:, 2]
    spread = (rg.flatten(1).std(1) ** 2 + yb.flatten(1).std(1) ** 2).sqrt()
    offset = (rg.flatten(1).mean(1) ** 2 + yb.flatten(1).mean(1) ** 2).sqrt()
    return spread + 0.3 * offset


def pix2pix_metrics(model, batch_size: int = 50) -> dict[str, Any]:
    """L1 (pixels in [0, 1]) of generated vs real photos on the held-out pairs, with references.

    ``l1`` translates the held-out edge maps; ``l1_outline`` the same shoes' outlines alone
    (:mod:`genapp.outlines`), the sparse kind of drawing people make at the Sketch tab. Colours
    are a guess from an outline, so L1 says little about whether the shoe *follows the drawing*;
    ``shape_iou`` / ``shape_iou_outline`` do: the mean intersection over union of the generated
    shoe's silhouette (its non-white pixels, holes filled) with the real shoe's. ``colourfulness*``
    (:func:`colourfulness`, mean over the held-out shoes) of the real photos and of the shoes made
    from edge maps and from outlines: how far the model commits to colours at all.
    """
    size = model.config.image_size
    val, train = load_dataset("edges2shoes", "val", size), load_dataset("edges2shoes", "train", size)
    edges, photos = val.tensors["a"].float() / 255.0, val.tensors["b"].float() / 255.0
    outlines = val.tensors["outline"].float() / 255.0

    def translate_all(x):
        return torch.cat([model.translate(x[i:i + batch_size]) for i in range(0, len(x), batch_size)])

    mean_photo = (train.tensors["b"].float() / 255.0).mean(0, keepdim=True)
    from_edges, from_outlines = translate_all(edges), translate_all(outlines)
    l1 = _l1_per_image(from_edges, photos)
    real_shape = _shape(photos)
    return {"heldout_pairs": len(edges), "image_size": size,
            "l1": round(float(l1.mean()), 4), "l1_median": round(float(l1.median()), 4),
            "l1_outline": round(float(_l1_per_image(from_outlines, photos).mean()), 4),
            "shape_iou": round(_mean_iou(_shape(from_edges), real_shape), 4),
            "shape_iou_outline": round(_mean_iou(_shape(from_outlines), real_shape), 4),
            "colourfulness": round(float(colourfulness(from_edges).mean()), 1),
            "colourfulness_outline": round(float(colourfulness(from_outlines).mean()), 1),
            "colourfulness_real": round(float(colourfulness(photos).mean()), 1),
            "l1_mean_train_photo": round(float(_l1_per_image(mean_photo.expand_as(photos), photos).mean()), 4),
            "l1_edges_as_photo": round(float(_l1_per_image(edges, photos).mean()), 4)}


def pix2pix_sheet(model, n: int = SHEET_N) -> tuple[torch.Tensor, int]:
    """Rows: held-out edges, generated shoes, the shoes' outlines, shoes generated from those, real
    shoes (a grid of 5 x n)."""
    val = load_dataset("edges2shoes", "val", model.config.image_size)
    step = max(1, len(val.tensors["a"]) // n)
    edges = val.tensors["a"][::step][:n].float() / 255.0
    outlines = val.tensors["outline"][::step][:n].float() / 255.0
    photos = val.tensors["b"][::step][:n].float() / 255.0
    return torch.cat([edges, model.translate(edges), outlines, model.translate(outlines), photos]), n


# ---------------------------------------------------------------- CycleGAN
def cyclegan_metrics(model, judge: HorseZebraJudge | None = None, batch_size: int = 50) -> dict[str, Any]:
    """Judged zebra after horse -> zebra on held-out horses (and the reverse), cycle L1 both ways."""
    judge = judge or load_horse_zebra_judge()
    size = model.config.image_size
    val = load_dataset("horse2zebra", "val", size)
    horses, zebras = val.tensors["a"].float() / 255.0, val.tensors["b"].float() / 255.0

    def run(x, direction):
        parts = [model.cycle(x[i:i + batch_size], direction) for i in range(0, len(x), batch_size)]
        return torch.cat([p[0] for p in parts]), torch.cat([p[1] for p in parts])

    as_zebra, horse_back = run(horses, "horse2zebra")
    as_horse, zebra_back = run(zebras, "zebra2horse")
    return {"heldout_horses": len(horses), "heldout_zebras": len(zebras), "image_size": size,
            "horse2zebra_judged_zebra": round(float((zebra_probability(judge, as_zebra) >= 0.5).float().mean()), 4),
            "horses_judged_zebra_untranslated": round(float((zebra_probability(judge, horses) >= 0.5).float().mean()), 4),
            "horse2zebra_stripes_on_animal": round(float((stripes_added_on_animal(horses, as_zebra) > 0).float().mean()), 4),
            "zebra2horse_judged_horse": round(float((zebra_probability(judge, as_horse) < 0.5).float().mean()), 4),
            "zebras_judged_horse_untranslated": round(float((zebra_probability(judge, zebras) < 0.5).float().mean()), 4),
            "cycle_l1_horse": round(float(_l1_per_image(horse_back, horses).mean()), 4),
            "cycle_l1_zebra": round(float(_l1_per_image(zebra_back, zebras).mean()), 4),
            "judge_val_accuracy": judge.config.val_accuracy}


def cyclegan_sheet(model, n: int = CONTACT_N, row: int = 8) -> tuple[torch.Tensor, int]:
    """The contact sheet a person judges a CycleGAN by: the first ``n`` held-out horses, each row
    of ``row`` photos followed by the row of the zebras made from them; then the first ``n``
    held-out zebras and the horses made from them. The first ones, not a pick."""
    val = load_dataset("horse2zebra", "val", model.config.image_size)
    parts = []
    for key, direction in (("a", "horse2zebra"), ("b", "zebra2horse")):
        photos = val.tensors[key][:n].float() / 255.0
        made = torch.cat([model.translate_whole(photos[i:i + row], direction) for i in range(0, len(photos), row)])
        for i in range(0, len(photos), row):
            parts += [photos[i:i + row], made[i:i + row]]
    return torch.cat(parts), row
