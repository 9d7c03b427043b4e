"""Does the horse/zebra judge agree with a person? Label a CycleGAN's translations by eye, then score.

    python bench/horse_zebra_agreement.py sheet runs_kept/h2z-128 /tmp/label.png     # numbered, to label
    python bench/horse_zebra_agreement.py score runs_kept/h2z-128 runs_kept/h2z-128/eye.json [JUDGE_DIR]

``sheet`` writes the first N (default 48) held-out horses translated to zebras, numbered 1..N, four
to a row at 2x, for a person to answer "would I call this animal a zebra?". The labels file is
``{"weights_sha256": ..., "rule": ..., "horse2zebra": [0 or 1 per photo]}``; ``score`` checks it
belongs to these weights, runs the judge (default: the shipped ``pretrained/judge-horse2zebra``) on
the same translations and prints the share it agrees on, who says zebra, and the AUC of its
probability against the person's calls; the same for "stripes on the animal"
(``genapp.metrics.stripes.stripes_added_on_animal`` above 0), which reads the animal, not the grass.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import torch
from PIL import ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import genapp  # noqa: E402
from genapp.data import load_dataset  # noqa: E402
from genapp.images import make_grid, to_pil  # noqa: E402
from genapp.metrics.horse_zebra import load_horse_zebra_judge, zebra_probability  # noqa: E402
from genapp.metrics.stripes import stripes_added_on_animal  # noqa: E402

N = 48


def translations(model_dir: str, n: int = N) -> tuple[torch.Tensor, torch.Tensor]:
    """The first ``n`` held-out horses and the zebras ``model_dir`` makes of them."""
    model = genapp.load(model_dir)
    horses = load_dataset("horse2zebra", "val", model.config.image_size).tensors["a"][:n].float() / 255.0
    return horses, torch.cat([model.translate(horses[i:i + 8], "horse2zebra") for i in range(0, n, 8)])


def weights_sha(model_dir: str) -> str:
    return hashlib.sha256((Path(model_dir) / "model.safetensors").read_bytes()).hexdigest()


def sheet(model_dir: str, out: str) -> None:
    made = translations(model_dir)[1]
    image = to_pil(make_grid(made, nrow=4), scale=2)
    draw, tile = ImageDraw.Draw(image), (made.size(-1) + 2) * 2
    for i in range(len(made)):
        x, y = (i % 4) * tile + 8, (i // 4) * tile + 8
        draw.rectangle([x - 2, y - 2, x + 26, y + 16], fill="white")
        draw.text((x, y), str(i + 1), fill="black")
    image.save(out)
    print(f"{out}: translations 1-{len(made)} of {model_dir} (weights sha256 {weights_sha(model_dir)})")


def score(model_dir: str, labels_file: str, judge_dir: str | None = None) -> dict:
    labels = json.loads(Path(labels_file).read_text())
    if not isinstance(labels.get("horse2zebra"), list) or not 0 < len(labels["horse2zebra"]) <= N:
        raise ValueError(f"{labels_file} needs \"horse2zebra\": a list of 1 to {N} calls (0 or 1)")
    if labels.get("weights_sha256") != weights_sha(model_dir):
        raise SystemExit(f"{labels_file} labels other weights than {model_dir}'s: label its sheet again.")
    eye = torch.tensor(labels["horse2zebra"]).bool()
    horses, made = translations(model_dir, len(eye))
    out = {"photos": len(eye), "person_says_zebra": int(eye.sum()), "judge_dir": judge_dir or "pretrained/judge-horse2zebra"}
    for name, p in (("judge", zebra_probability(load_horse_zebra_judge(judge_dir), made) - 0.5),
                    ("stripes_on_animal", stripes_added_on_animal(horses, made))):
        call, pos, neg = p > 0, p[eye], p[~eye]
        out[name] = {"says_zebra": int(call.sum()), "agree": round(float((call == eye).float().mean()), 4),
                     "zebra_person_not": int((call & ~eye).sum()), "person_zebra_not": int((eye & ~call).sum()),
                     "auc": round(float((pos[:, None] > neg[None, :]).float().mean()), 4) if len(pos) and len(neg) else None}
    return out


def main(argv: list[str]) -> int:
    try:
        if len(argv) == 3 and argv[0] == "sheet":
            sheet(argv[1], argv[2])
        elif len(argv) in (3, 4) and argv[0] == "score":
            print(json.dumps(score(*argv[1:]), indent=2))
        else:
            print(__doc__)
            return 2
    except (OSError, ValueError, KeyError) as exc:   # a missing folder or file, labels that are not ours
        print(f"error: {exc}: see the usage below.\n{__doc__}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
