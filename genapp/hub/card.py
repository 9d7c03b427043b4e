"""The model card: one renderer for every ``README.md`` GAN Studio writes.

:func:`render_card` turns what is known about a model -- its config and training settings, its
state, a metrics table, any extra rows -- into a ``huggingface_hub.ModelCard``. Two callers feed
it: :func:`model_card` (a run or pretrained folder pushed to the Hub: the last logged metrics of
``metrics.jsonl``) and ``genapp.publish.card_text`` (a shipped model: the measured metrics, the
hardware and training time). What a card says about a family -- its title, its task, how it is
used -- comes from the family's class (``genapp.models``).
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..checkpoints import read_jsonl
from ..models import model_class
from ..runs.spec import RunSpec
from .access import CARD, CONFIG, SAMPLE

METRIC_NOTES = {  # what each logged number means, in the course's words (a family's loss_names come first)
    "loss_d": "discriminator loss (real + fake)", "loss_g": "generator loss",
    "loss_d_real": "discriminator loss on real data", "loss_d_fake": "discriminator loss on fakes",
    "d_x": "D(x): the discriminator's mean score on real data",
    "d_g_z": "D(G(z)): its mean score on generated data",
    "d_g_z_after": "D(G(z)) seen by the generator's step", "gp": "gradient penalty",
    "loss": "training loss", "recon": "reconstruction loss", "kld": "KL divergence",
    "fid": "Frechet distance on the judge classifier's features (lower is better)",
    "accuracy": "class accuracy judged by the classifier", "modes": "modes of the ring covered",
    "kl": "KL divergence", "cycle": "cycle-consistency L1", "identity": "identity L1", "l1": "L1 to the real photo",
    "judge_fid_1k": "judge-FID of 1,000 samples at a fixed z (live metric; lower is better, compare over time)",
    "class_acc": "share of 1,000 cGAN samples the judge calls the asked class",
    "recognizable_1k": "share of 1,000 samples the judge reads as some class with at least 90 % confidence",
    "purity_1k": "how much each InfoGAN code category keeps to one class (1 = each category one class)",
    "classes_1k": "how many classes 1,000 samples spread over, in effect (exp of the entropy of the judge's class shares; 10 = all equally, 1 = mode collapse)",
    "hq_rate": "share of 2,500 samples within 3 sigma of a mode",
    "pattern_error": "mean distance of the generated pattern from [1, 0, 1, 0]",
}
NOT_RECORDED = "not recorded"

CARD_TEMPLATE = """---
{{ card_data }}
---

# {{ title }}

A `{{ family }}` model, {{ family_title }}, trained on `{{ dataset }}` with GAN Studio, the teaching
app for the generative models of the course.
{% if sample %}
![Samples](sample.png)

*{{ sample_caption }}.*
{% endif %}{% for file, caption in pictures %}
![{{ caption }}]({{ file }})

*{{ caption }}.*
{% endfor %}
## Use it

```python
import genapp

model = genapp.load("{{ load_name }}")   # checks config.json + model.safetensors, never loads a pickle
{{ usage }}
```

## How it was trained

| | |
|---|---|
{% for key, value in facts -%}
| {{ key }} | {{ value }} |
{% endfor %}
{{ command_label }}:

```bash
{{ command }}
```
{% for paragraph in notes %}
{{ paragraph }}
{% endfor %}{% if metric_lines %}
## {{ metrics_title }}

{{ metrics_intro }}

{% for line in metric_lines -%}
{{ line }}
{% endfor %}{% endif %}
## Model config

```json
{{ config_json }}
```

Files: `config.json` (this config, plus the run's training settings under `"train"`),
`model.safetensors` (the weights){% if sample %}, `sample.png` (the picture above){% endif %}{% for file, caption in pictures %}, `{{ file }}`{% endfor %}.
"""


def read_json(path: Path) -> dict:
    """A JSON object from ``path``, or ``{}`` when it is missing or not an object."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def last_metrics(records: list[dict]) -> dict[str, tuple[float, int]]:
    """The last logged value of every metric in ``metrics.jsonl`` records: ``{name: (value, step)}``.

    The trainer writes two kinds of records (step losses every ``log_every`` steps, ``evaluate()``
    metrics with each sample grid), so each name is looked up on its own, newest first.
    """
    out: dict[str, tuple[float, int]] = {}
    for rec in reversed(records):
        for key, val in rec.items():
            if key in ("step", "time", "images_per_s", "threads", "max_threads") or key in out:
                continue
            if isinstance(val, (int, float)) and not isinstance(val, bool):
                out[key] = (float(val), int(rec.get("step", 0)))
    return dict(sorted(out.items()))


def latest_sample(folder: Path) -> Path | None:
    """The newest ``samples/step_XXXXXXX.png`` (the fixed-z grid), else a ``sample.png``."""
    folder = Path(folder)
    samples = sorted((folder / "samples").glob("step_*.png")) if (folder / "samples").is_dir() else []
    if samples:
        return samples[-1]
    return folder / SAMPLE if (folder / SAMPLE).is_file() else None


def _history(train: dict) -> list[str]:
    """Paragraphs on where the run started from and where it was continued (``--init-from``, ``--resume``)."""
    extra = train.get("extra") if isinstance(train.get("extra"), dict) else {}
    notes = []
    if extra.get("init_from"):
        notes.append(f"The run started from the weights of `{extra['init_from']}` (`--init-from`: weights only, "
                     f"fresh optimizer state); the steps and time here count this run only.")
    notes += [f"Continued at step {at:,} with `{cmd}`."
              for at, cmd in zip(extra.get("resumed_at", []), extra.get("resumed_with", []))]
    return notes


def _usage(cls: type) -> str:
    """The line of the card's example that uses the model, as its family is used."""
    if cls.kind == "translation":
        direction = f', direction="{cls.directions[0]}"' if cls.directions else ""
        return f"y = model.translate(x{direction})   # images (N, C, H, W) in [0, 1], any size"
    label = ", label=3" if cls.conditional else ""
    return f"x = model.generate(16, seed=0{label})   # (16, C, H, W) in [0, 1]; the same seed gives the same images"


def _resolution(cls: type, config: dict) -> str:
    if cls.kind == "toy":
        return "not an image model (points from the toy distribution)"
    size, channels = config.get("image_size"), config.get("channels")
    return f"{size}×{size} px, {channels} channel{'s' if channels != 1 else ''}"


def render_card(config: dict, *, name: str, load_name: str | None = None, state: str | None = None,
                step: int | None = None, sample_caption: str | None = None, metrics_title: str = "Metrics",
                metrics_intro: str = "", metric_lines: Iterable[str] = (), extra_rows: Iterable[tuple[str, Any]] = (),
                notes: Iterable[str] = (), pictures: Iterable[tuple[str, str]] = ()):
    """The model card of the model whose ``config.json`` is ``config``, as a ``huggingface_hub.ModelCard``.

    ``name``: the card's title (the repo's or the shipped model's name); ``load_name``: what the
    example passes to ``genapp.load`` (default ``name``). ``state``/``step``: how the run ended.
    ``sample_caption``: what ``sample.png`` shows (None: no picture). ``metric_lines``: the
    metrics table as Markdown lines; ``extra_rows``: more rows for the training table; ``notes``:
    paragraphs after the command; ``pictures``: (file, caption) of more pictures after the sample
    (a family's ``card_pictures``).
    """
    from huggingface_hub import ModelCard, ModelCardData

    train = config.get("train") if isinstance(config.get("train"), dict) else {}
    family, dataset = str(config.get("family", "?")), str(config.get("dataset", "?"))
    cls = model_class(family, dataset)
    data = ModelCardData(**cls._hub_mixin_info.model_card_data.to_dict())  # library name and tags of the mixin
    data.pipeline_tag = cls.task
    data.model_name = name
    data.tags = [t for t in dict.fromkeys((data.tags or []) + ["gan-studio", family, dataset])
                 if t not in ("model_hub_mixin", "pytorch_model_hub_mixin")]
    data.datasets = [dataset]
    command = train.get("command") or ""
    facts = [("family", f"`{family}`"), ("dataset", f"`{dataset}`"), ("resolution", _resolution(cls, config)),
             ("seed", train.get("seed", NOT_RECORDED)),
             ("steps", f"as many as fit in {train['minutes']:g} min" if train.get("minutes")
              else train.get("steps", step if step is not None else NOT_RECORDED)),
             ("batch size", train.get("batch_size", NOT_RECORDED)), ("learning rate", config.get("lr", NOT_RECORDED)),
             ("status", f"{state} at step {step}" if state and step is not None else (state or NOT_RECORDED)),
             *extra_rows]
    return ModelCard.from_template(
        data, template_str=CARD_TEMPLATE,
        title=name, load_name=load_name or name, family=family, dataset=dataset,
        family_title=cls.title or cls.__name__, sample=sample_caption is not None, sample_caption=sample_caption,
        usage=_usage(cls), facts=facts, notes=[*_history(train), *notes], pictures=list(pictures),
        command_label=("Exact command (repository root, `GENAPP_DATA_DIR` pointing at the data)" if command
                       else "Equivalent command (trained in the app)"),
        command=command or RunSpec.from_run_config(config).command(),
        metrics_title=metrics_title, metrics_intro=metrics_intro, metric_lines=list(metric_lines),
        config_json=json.dumps({k: v for k, v in config.items() if k != "train"}, indent=2),
    )


def model_card(folder: str | Path, repo_id: str = "owner/name", *, has_sample: bool | None = None):
    """The ``README.md`` a push sends for ``folder``, as a ``huggingface_hub.ModelCard``.

    A run folder (``config.json`` with a ``"train"`` section, ``metrics.jsonl``) gets a card
    rendered from its files. A pretrained folder that already has its own card keeps its text;
    only the metadata (library, pipeline tag, tags) is merged in.
    """
    from huggingface_hub import ModelCard

    folder = Path(folder)
    config = read_json(folder / CONFIG)
    train = config.get("train") if isinstance(config.get("train"), dict) else {}
    if has_sample is None:
        has_sample = latest_sample(folder) is not None
    records = [r for r in read_jsonl(folder / "metrics.jsonl") if isinstance(r, dict)]
    status = read_json(folder / "status.json")
    step = status.get("step") or (records[-1].get("step") if records else None)
    state = status.get("status") or ("finished" if train and step == train.get("steps") else None)
    cls = model_class(str(config.get("family", "?")), config.get("dataset"))
    notes = {**METRIC_NOTES, **cls.loss_names}
    logged = last_metrics(records)
    card = render_card(
        config, name=repo_id.split("/")[-1], load_name=repo_id, state=state, step=step,
        sample_caption=(None if not has_sample else f"Samples at fixed inputs after step {step}" if step is not None
                        else "Samples at fixed inputs"),
        metrics_title="Metrics",
        metrics_intro="The last logged value of each number in the run's `metrics.jsonl`, and the step it was logged at.",
        metric_lines=["| metric | value | step | meaning |", "|---|---|---|---|"]
        + [f"| `{k}` | {v:.4g} | {s} | {notes.get(k, '')} |" for k, (v, s) in logged.items()] if logged else [])

    existing = folder / CARD
    if existing.is_file() and not train and not records:
        own = ModelCard(existing.read_text(encoding="utf-8"), ignore_metadata_errors=True)
        if "PytorchModelHubMixin" not in own.text:  # not the mixin's placeholder: the folder's own card
            for key, val in card.data.to_dict().items():
                if key == "datasets":  # the card's own list stands
                    continue
                if key == "tags":
                    val = list(dict.fromkeys((own.data.tags or []) + val))
                setattr(own.data, key, val)
            if has_sample and SAMPLE not in own.text:
                own.text += f"\n## Sample\n\n![A sample grid]({SAMPLE})\n"
            return own
    return card
