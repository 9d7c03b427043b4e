"""Look at a CycleGAN before believing a number about it: its contact sheet and its judged rates.

    python bench/horse_zebra_sheet.py pretrained/horse2zebra-cyclegan /tmp/sheet.png
    python bench/horse_zebra_sheet.py runs_exp/h2z-128 /tmp/run.png      # a run's latest checkpoint

Writes the sheet of ``genapp.metrics.translation.cyclegan_sheet`` (the first 16 held-out horses and the
zebras made from them, then the first 16 held-out zebras and the horses made from them) and prints
``cyclegan_metrics`` (judged by ``pretrained/judge-horse2zebra``) and the time per photo.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import genapp  # noqa: E402
from genapp.metrics import translation as tm  # noqa: E402
from genapp.images import grid_image  # noqa: E402


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    model = genapp.load(argv[0])
    grid, nrow = tm.cyclegan_sheet(model)
    grid_image(grid, nrow=nrow).save(argv[1])
    size = model.config.image_size
    photo = torch.rand(1, 3, size, size)
    model.translate_whole(photo)                      # warm up
    t0 = time.perf_counter()
    for _ in range(5):
        model.translate_whole(photo)
    ms = (time.perf_counter() - t0) / 5 * 1000
    metrics = tm.cyclegan_metrics(model)
    print(json.dumps({**metrics, "ms_per_photo": round(ms, 1), "threads": torch.get_num_threads(),
                      "sheet": argv[1]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
