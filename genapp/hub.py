"""Hugging Face Hub: push a model folder with its model card, pull one safely, work offline.

Push (:func:`push`) sends a run folder or a pretrained folder to a model repo: ``config.json``
and ``model.safetensors`` exactly as they are on disk, a ``README.md`` model card rendered with
``huggingface_hub.ModelCard`` (how it was trained, metrics, the latest sample grid) and that grid
as ``sample.png``. :class:`PeriodicPusher` does the same every N minutes for a run still in
progress, CommitScheduler-style, and only when the weights changed.

Pull (:func:`download`, what ``genapp.load("owner/name")`` calls) checks the repo's file list
before downloading, fetches only the safe files (never a pickle), and checks the folder again
before anything is built: a known family in ``config.json``, safetensors weights whose shapes
match that config, sizes a course model can have. Offline (``HF_HUB_OFFLINE=1`` or no network)
it serves the local cache, or raises :class:`HubOffline`; :func:`resolve_with_fallback` turns
that into a pretrained model plus a sentence saying so.

Tokens come from the caller (a password field in the app) or ``HF_TOKEN`` for the owner's
command line. They live only in memory: never logged, never put in an exception message or a
return value, never written to a folder. The server's own token (``HF_TOKEN`` of a Space) is used
only when its owner opts in with ``GENAPP_ALLOW_SERVER_TOKEN=1``, so an anonymous visitor of a
public Space can neither push with it nor read the owner's private repos through it.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

log = logging.getLogger(__name__)

WEIGHTS, CONFIG, CARD, SAMPLE = "model.safetensors", "config.json", "README.md", "sample.png"
SAFE_FILES = [CONFIG, WEIGHTS, CARD, SAMPLE]  # the only files a pull ever downloads
# Sizes no course model comes near (pix2pix, the largest, is ~40 MB in fp32 at 64 px): anything bigger
# is refused before it is downloaded.
MAX_BYTES = {WEIGHTS: 500 * 2**20, CONFIG: 2**20, CARD: 2**20, SAMPLE: 20 * 2**20}
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".pkl", ".pickle", ".ckpt", ".joblib")
SERVER_TOKEN_FLAG = "GENAPP_ALLOW_SERVER_TOKEN"
REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")
PULL_MEMO_S = 300.0  # a repo fetched in the last 5 minutes is served without asking the Hub again

Progress = Callable[[float, str], Any]  # progress(fraction in [0, 1], message); gr.Progress fits

# Recent pulls: (endpoint, repo id, token fingerprint) -> (time.monotonic(), folder). The app resolves
# a model name on every click; this spares a Hub round trip each time.
_memo: dict[tuple[str, str, str], tuple[float, Path]] = {}
_memo_lock = threading.Lock()


class HubError(RuntimeError):
    """A Hub operation failed in a way the user can act on (the message says how)."""


class HubOffline(HubError):
    """The Hub cannot be reached (``HF_HUB_OFFLINE=1`` or no network) and nothing usable is cached."""


# ---------------------------------------------------------------- settings read at call time
def offline() -> bool:
    """``HF_HUB_OFFLINE`` as set now (huggingface_hub itself reads it once, at import)."""
    from huggingface_hub import constants

    env = os.environ.get("HF_HUB_OFFLINE", "").strip().lower()
    return env in ("1", "true", "yes", "on") or constants.is_offline_mode()


def endpoint() -> str:
    """``HF_ENDPOINT`` as set now (huggingface_hub reads it at import), default https://huggingface.co."""
    from huggingface_hub import constants

    return (os.environ.get("HF_ENDPOINT") or constants.ENDPOINT).rstrip("/")


def check_repo_id(repo_id: str) -> str:
    repo_id = (repo_id or "").strip() if isinstance(repo_id, str) else ""
    if not REPO_ID.match(repo_id) or ".." in repo_id:
        raise HubError(f"{repo_id!r} is not a Hub repo id; write it as owner/name, e.g. alice/mnist-dcgan.")
    return repo_id


# ---------------------------------------------------------------- tokens
def server_token_allowed() -> bool:
    """True only when the owner opted in with ``GENAPP_ALLOW_SERVER_TOKEN=1``.

    Without it, a visitor of a public Space who gives no token can neither push with the Space's
    ``HF_TOKEN`` nor read the owner's private repos through it.
    """
    return os.environ.get(SERVER_TOKEN_FLAG, "").strip() == "1"


def resolve_token(user_token: str | None) -> str:
    """The token to push with: the caller's, else the server's when allowed, else a clear error."""
    token = (user_token or "").strip() if isinstance(user_token, str) else ""
    if token:
        return token
    if server_token_allowed():
        from huggingface_hub import get_token

        server = get_token()
        if server:
            return server
        raise HubError(f"{SERVER_TOKEN_FLAG}=1 is set, but this server has no Hugging Face token "
                       f"(set HF_TOKEN or run `hf auth login`).")
    raise HubError("No Hugging Face token given. Paste an access token with write permission "
                   "(https://huggingface.co/settings/tokens); on the command line, set HF_TOKEN. "
                   f"The server's own token is used only when its owner sets {SERVER_TOKEN_FLAG}=1.")


def _read_token(user_token: str | None) -> str | bool | None:
    """The token to pull with: the caller's; else the library default (HF_TOKEN, saved login) when
    the owner allows it; else ``False``, which makes huggingface_hub send no token at all."""
    token = (user_token or "").strip() if isinstance(user_token, str) else ""
    return token or (None if server_token_allowed() else False)


def _network_errors() -> tuple[type[BaseException], ...]:
    """What "the Hub cannot be reached" raises: the offline flag, or the HTTP client's transport
    errors (huggingface_hub 2.x talks through httpx2, 1.x through httpx, 0.x through requests)."""
    from huggingface_hub.errors import OfflineModeIsEnabled

    errors: list[type[BaseException]] = [OfflineModeIsEnabled, ConnectionError, TimeoutError]
    for name in ("httpx2", "httpx"):
        if (mod := sys.modules.get(name)) is not None:
            errors.append(mod.TransportError)
    if (requests := sys.modules.get("requests")) is not None:
        errors += [requests.ConnectionError, requests.Timeout]
    return tuple(errors)


def _redact(text: str, token: Any) -> str:
    """``text`` with the token replaced, for messages that quote the server (it may echo what we sent)."""
    return text.replace(token, "hf_***") if isinstance(token, str) and token else text


def _http_error(exc: Exception, token: Any, what: str) -> HubError:
    """A HubError for an HTTP failure: the status, the server's short message (redacted), a hint."""
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    server = _redact(str(getattr(exc, "server_message", "") or "").strip(), token)[:200]
    hint = {401: " The token was refused: check it (huggingface.co/settings/tokens).",
            403: " Check that the token has access to this repo (write access, to push)."}.get(status, "")
    detail = f" ({server})" if server else ""
    return HubError(f"The Hub refused to {what} (HTTP {status or '?'}){detail}.{hint}")


# ---------------------------------------------------------------- the model card
def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
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


METRIC_NOTES = {  # what each logged number means, in the course's words
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


FAMILY_TITLES = {  # the names the course uses, with the paper each recipe comes from
    "ae": "a convolutional autoencoder", "dae": "a denoising autoencoder",
    "vae": "a variational autoencoder (Kingma & Welling 2014)", "gan": "an MLP GAN (Goodfellow et al. 2014)",
    "toy1010": "the 1010-pattern toy GAN", "ring": "an MLP GAN on a ring of 8 Gaussians",
    "dcgan": "a deep convolutional GAN (Radford et al. 2016)", "wgan": "a Wasserstein GAN (Arjovsky et al. 2017)",
    "cgan": "a conditional GAN (Mirza & Osindero 2014)",
    "pix2pix": "pix2pix paired image-to-image translation (Isola et al. 2017)",
    "cyclegan": "CycleGAN unpaired image-to-image translation (Zhu et al. 2017)",
}


def _mb(n_bytes: int) -> str:
    return f"{n_bytes / 2**20:.1f} MB"


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def latest_sample(folder: Path) -> Path | None:
    """The newest ``samples/step_XXXXXXX.png`` (the fixed-z grid), else a ``sample.png``."""
    samples = sorted((folder / "samples").glob("step_*.png")) if (folder / "samples").is_dir() else []
    if samples:
        return samples[-1]
    return folder / SAMPLE if (folder / SAMPLE).is_file() else None


CARD_TEMPLATE = """---
{{ card_data }}
---

# {{ title }}

A `{{ family }}` model, {{ family_title }}, trained on `{{ dataset }}` with GAN Studio, the teaching
app for the generative models of the course.
{% if sample %}
![{{ sample_caption }}](sample.png)

*{{ sample_caption }}.*
{% endif %}
## Use it

```python
import genapp

model = genapp.load("{{ repo_id }}")   # checks config.json + model.safetensors, never loads a pickle
{{ usage }}
```

## How it was trained

| | |
|---|---|
| family | `{{ family }}` |
| dataset | `{{ dataset }}` |
| resolution | {{ resolution }} |
| seed | {{ seed }} |
| steps | {{ steps }} |
| batch size | {{ batch_size }} |
| learning rate | {{ lr }} |
| status | {{ status }} |

{{ command_label }}:

```bash
{{ command }}
```
{% if metrics %}
## Metrics

The last logged value of each number in the run's `metrics.jsonl`, and the step it was logged at.

| metric | value | step | meaning |
|---|---|---|---|
{% for name, value, step, note in metrics -%}
| `{{ name }}` | {{ value }} | {{ step }} | {{ note }} |
{% endfor %}{% endif %}
## Model config

```json
{{ config_json }}
```

Files: `config.json` (this config, plus the run's training settings under `"train"`),
`model.safetensors` (the weights){% if sample %}, `sample.png` (the grid above){% endif %}.
"""


def _equivalent_command(config: dict, train: dict) -> str:
    parts = ["python -m train", str(config.get("family", "?")), "--dataset", str(config.get("dataset", "?"))]
    for flag, key in (("--steps", "steps"), ("--batch-size", "batch_size"), ("--seed", "seed")):
        if key in train:
            parts += [flag, str(train[key])]
    if "lr" in config:
        parts += ["--lr", str(config["lr"])]
    return " ".join(parts)


def model_card(folder: str | Path, repo_id: str = "owner/name", *, has_sample: bool | None = None):
    """The ``README.md`` for ``folder`` as a ``huggingface_hub.ModelCard``.

    A run folder (``config.json`` with a ``"train"`` section, ``metrics.jsonl``) gets a card
    rendered from its files. A pretrained folder that already has its own card keeps its text;
    only the metadata (library, pipeline tag, tags) is merged in.
    """
    from huggingface_hub import ModelCard, ModelCardData

    from .checkpoints import read_jsonl
    from .models import model_class

    folder = Path(folder)
    config = _read_json(folder / CONFIG)
    train = config.get("train") if isinstance(config.get("train"), dict) else {}
    family, dataset = str(config.get("family", "?")), str(config.get("dataset", "?"))
    cls = model_class(family, dataset)
    info = cls._hub_mixin_info  # the library name and tags declared on GenerativeModel
    data = ModelCardData(**info.model_card_data.to_dict())
    data.pipeline_tag = cls.task
    data.model_name = repo_id.split("/")[-1]
    data.tags = [t for t in dict.fromkeys((data.tags or []) + ["gan-studio", family, dataset])
                 if t not in ("model_hub_mixin", "pytorch_model_hub_mixin")]
    if has_sample is None:
        has_sample = latest_sample(folder) is not None

    existing = folder / CARD
    records = [r for r in read_jsonl(folder / "metrics.jsonl") if isinstance(r, dict)]
    if existing.is_file() and not train and not records:
        card = ModelCard(existing.read_text(encoding="utf-8"), ignore_metadata_errors=True)
        if "PytorchModelHubMixin" not in card.text:  # not the mixin's placeholder: the folder's own card
            for key, val in data.to_dict().items():
                if key == "tags":
                    val = list(dict.fromkeys((card.data.tags or []) + val))
                setattr(card.data, key, val)
            if has_sample and SAMPLE not in card.text:
                card.text += f"\n## Sample\n\n![A sample grid]({SAMPLE})\n"
            return card

    status = _read_json(folder / "status.json")
    step = status.get("step") or (records[-1].get("step") if records else None)
    state = status.get("status") or ("finished" if train and step == train.get("steps") else None)
    metrics = last_metrics(records)
    size, channels = config.get("image_size"), config.get("channels")
    if cls.kind == "toy":
        resolution = "not an image model (points from the toy distribution)"
    else:
        resolution = f"{size}×{size} px, {channels} channel{'s' if channels != 1 else ''}"
    command = train.get("command") or ""
    model_config = {k: v for k, v in config.items() if k != "train"}
    direction = ', direction="horse2zebra"' if family == "cyclegan" else ""
    usage = (f"y = model.translate(x{direction})   # images (N, C, H, W) in [0, 1], any size"
             if cls.kind == "translation" else
             "x = model.generate(16, seed=0" + (", label=3" if cls.conditional else "")
             + ")   # (16, C, H, W) in [0, 1]; the same seed gives the same images")
    return ModelCard.from_template(
        data, template_str=CARD_TEMPLATE,
        title=repo_id.split("/")[-1], repo_id=repo_id, family=family, dataset=dataset,
        family_title=FAMILY_TITLES.get(family, cls.__name__),
        sample=has_sample,
        sample_caption=f"Samples at fixed inputs after step {step}" if step is not None else "Samples at fixed inputs",
        usage=usage, resolution=resolution,
        seed=train.get("seed", "not recorded"), steps=train.get("steps", step if step is not None else "not recorded"),
        batch_size=train.get("batch_size", "not recorded"), lr=config.get("lr", "not recorded"),
        status=f"{state} at step {step}" if state and step is not None else (state or "not recorded"),
        command_label="Exact command" if command else "Equivalent command (trained in the app)",
        command=command or _equivalent_command(config, train),
        metrics=[(name, _fmt(v), s, METRIC_NOTES.get(name, "")) for name, (v, s) in metrics.items()],
        config_json=json.dumps(model_config, indent=2),
    )


# ---------------------------------------------------------------- push
def _upload_files(folder: Path, repo_id: str, weights: bytes | None = None) -> dict[str, bytes]:
    """What one push sends, read into memory once (a running training may rewrite files meanwhile;
    its writes are atomic, so each file read is whole). The weights must load before anything
    leaves the machine."""
    from . import api

    folder = Path(folder)
    if not folder.is_dir():
        raise HubError(f"{folder} is not a folder; give a run folder or a pretrained model folder.")
    if not (folder / WEIGHTS).is_file():
        raise HubError(f"{folder} has no {WEIGHTS} to push yet; train the model first "
                       f"(a running training writes it at each checkpoint).")
    try:
        api.load(str(folder))
    except (ValueError, OSError) as exc:
        raise HubError(f"Not pushing {folder}: {exc}") from None
    files = {CONFIG: (folder / CONFIG).read_bytes(),
             WEIGHTS: weights if weights is not None else (folder / WEIGHTS).read_bytes()}
    sample = latest_sample(folder)
    if sample is not None:
        files[SAMPLE] = sample.read_bytes()
    files[CARD] = str(model_card(folder, repo_id, has_sample=sample is not None)).encode("utf-8")
    return files


def _commit(files: dict[str, bytes], repo_id: str, token: str, *, private: bool, message: str,
            progress: Progress) -> str:
    """Create the repo if needed and commit ``files`` in one commit; returns the repo URL."""
    from huggingface_hub import CommitOperationAdd, HfApi
    from huggingface_hub.errors import HfHubHTTPError

    if any(token.encode() in data for data in files.values()):  # never publish a token, whatever put it there
        raise HubError(f"Not pushing to {repo_id}: one of the files contains the Hugging Face token.")

    hub = HfApi(endpoint=endpoint(), token=token, library_name="genapp")
    try:
        progress(0.2, f"Creating {repo_id} (if needed)")
        url = str(hub.create_repo(repo_id, repo_type="model", private=private, exist_ok=True))
        mb = sum(len(b) for b in files.values()) / 2**20
        progress(0.4, f"Uploading {', '.join(sorted(files))} ({mb:.1f} MB)")
        hub.create_commit(repo_id, [CommitOperationAdd(path, data) for path, data in files.items()],
                          commit_message=message)
    except HfHubHTTPError as exc:
        raise _http_error(exc, token, f"push to {repo_id}") from None
    except _network_errors() as exc:
        raise HubOffline(f"Could not reach the Hugging Face Hub to push {repo_id} "
                         f"({type(exc).__name__}); the model stays in its local folder.") from None
    except ValueError as exc:  # e.g. metadata the Hub rejects
        raise HubError(f"The Hub rejected the upload to {repo_id}: {_redact(str(exc), token)[:300]}") from None
    with _memo_lock:  # a pull in this process must see the new version
        for key in [k for k in _memo if k[1] == repo_id]:
            del _memo[key]
    progress(1.0, f"Pushed to {url}")
    log.info("pushed %s (%s)", repo_id, ", ".join(sorted(files)))
    return url


def push(folder: str | Path, repo_id: str, token: str | None = None, private: bool = False,
         progress: Progress | None = None, *, commit_message: str = "Upload from GAN Studio") -> str:
    """Push a run folder or a pretrained folder to the model repo ``repo_id``; returns its URL.

    Sends ``config.json`` and ``model.safetensors`` as they are, a rendered ``README.md`` model card
    and the latest sample grid as ``sample.png``, in one commit. ``token``: the user's; without
    one, see :func:`resolve_token`. ``progress(fraction, message)`` hears each stage.
    """
    report = progress or (lambda fraction, message: None)
    repo_id = check_repo_id(repo_id)
    token = resolve_token(token)
    if offline():
        raise HubOffline("Offline mode (HF_HUB_OFFLINE=1): cannot push to the Hub; "
                         "the model stays in its local folder.")
    report(0.0, f"Checking {folder}")
    files = _upload_files(Path(folder), repo_id)
    return _commit(files, repo_id, token, private=private, message=commit_message, progress=report)


def push_folder(folder: str | Path, repo_id: str, token: str | None = None, private: bool = False,
                commit_message: str = "Upload from GAN Studio") -> str:
    """The first version's name for :func:`push` (kept for callers that still use it)."""
    return push(folder, repo_id, token, private=private, commit_message=commit_message)


class PeriodicPusher:
    """Push a running training's folder every ``every_minutes``, like ``huggingface_hub.CommitScheduler``.

    A background thread wakes once per interval -- never per step -- and pushes only when
    ``model.safetensors`` changed since the last push (the trainer rewrites it at each checkpoint).
    ``stop()`` ends the thread and, by default, makes one last push of the final weights::

        pusher = PeriodicPusher(run.folder, "alice/mnist-dcgan", token, every_minutes=10).start()
        ...
        pusher.stop()
    """

    def __init__(self, folder: str | Path, repo_id: str, token: str | None = None, *,
                 every_minutes: float = 10.0, private: bool = False):
        if not every_minutes > 0:
            raise ValueError("every_minutes must be positive.")
        self.folder = Path(folder)
        self.repo_id = check_repo_id(repo_id)
        self._token = resolve_token(token)  # fail now, not ten minutes from now
        self.interval_s = float(every_minutes) * 60.0
        self.private = private
        self.pushes = 0                     # commits made
        self.skipped = 0                    # wake-ups with unchanged weights
        self.last_url: str | None = None
        self.last_error: str | None = None  # the last failure, for the UI (tokens redacted)
        self._last_digest: str | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:  # no token here
        return (f"PeriodicPusher({str(self.folder)!r} -> {self.repo_id}, "
                f"every {self.interval_s:.0f}s, pushes={self.pushes})")

    def start(self) -> "PeriodicPusher":
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name=f"hub-push-{self.repo_id}", daemon=True)
            self._thread.start()
        return self

    def push_now(self) -> str | None:
        """Push if the weights changed since the last push; returns the URL, or None when skipped."""
        with self._lock:
            if not (self.folder / WEIGHTS).is_file():
                return None  # no checkpoint yet
            weights = (self.folder / WEIGHTS).read_bytes()
            digest = hashlib.sha256(weights).hexdigest()
            if digest == self._last_digest:
                self.skipped += 1
                return None
            files = _upload_files(self.folder, self.repo_id, weights)
            url = _commit(files, self.repo_id, self._token, private=self.private,
                          message=f"Checkpoint from GAN Studio ({time.strftime('%Y-%m-%d %H:%M')})",
                          progress=lambda fraction, message: None)
            self._last_digest, self.last_url = digest, url
            self.pushes += 1
            return url

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.push_now()
                self.last_error = None
            except Exception as exc:  # noqa: BLE001 -- a failed push must not end the schedule
                self.last_error = _redact(str(exc), self._token)
                log.warning("periodic push to %s failed: %s", self.repo_id, self.last_error)

    def stop(self, *, final_push: bool = True, timeout: float | None = 60.0) -> str | None:
        """Stop the thread; with ``final_push`` push the last weights (if they changed)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        return self.push_now() if final_push else None

    def __enter__(self) -> "PeriodicPusher":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop(final_push=exc[0] is None)


# ---------------------------------------------------------------- pull
def _token_key(token: str | bool | None) -> str:
    """Memo key part: which credentials fetched it (a hash, so no token sits in the dict)."""
    return hashlib.sha256(token.encode()).hexdigest()[:16] if isinstance(token, str) else str(token)


def _check_listing(repo_id: str, sizes: dict[str, int | None]) -> None:
    """Refuse a repo before downloading anything: no safetensors, a pickle instead, absurd sizes."""
    if WEIGHTS not in sizes:
        pickles = sorted(f for f in sizes if f.lower().endswith(PICKLE_SUFFIXES))
        if pickles:
            raise HubError(f"{repo_id} has no {WEIGHTS}; it holds {', '.join(pickles)}, which GAN Studio never "
                           f"loads (pickle files can run code on this machine). Ask its owner for safetensors weights.")
        raise HubError(f"{repo_id} has no {WEIGHTS}: it is not a GAN Studio model.")
    if CONFIG not in sizes:
        raise HubError(f"{repo_id} has no {CONFIG}: it is not a GAN Studio model.")
    for name, limit in MAX_BYTES.items():
        size = sizes.get(name)
        if size is not None and size > limit:
            raise HubError(f"{repo_id}: {name} is {_mb(size)}, more than the {_mb(limit)} a course model "
                           f"needs; not downloading it.")


def check_model_folder(folder: Path, source: str) -> dict:
    """Check a downloaded folder before use; returns its config.

    A known family, a config that builds (on the ``meta`` device: no memory is allocated, so a
    config asking for a giant network costs nothing), and weights whose names and shapes are
    exactly that network's, read from the safetensors header only.
    """
    import torch
    from safetensors import safe_open

    from . import api

    try:
        config = api.validate_folder(folder)
        with torch.device("meta"):
            model = api.model_from_config(config)
        expected = {k: tuple(v.shape) for k, v in model.state_dict().items()}
        with safe_open(str(folder / WEIGHTS), framework="pt") as f:
            found = {k: tuple(f.get_slice(k).get_shape()) for k in f.keys()}
    except Exception as exc:  # noqa: BLE001 -- whatever a hostile file triggers becomes a clear refusal
        raise HubError(f"{source} is not a usable GAN Studio model: {exc}") from None
    n_bytes = sum(v.numel() * 4 for v in model.state_dict().values())
    if n_bytes > MAX_BYTES[WEIGHTS]:
        raise HubError(f"{source}: {CONFIG} describes a {_mb(n_bytes)} network, too big for a course model.")
    if found != expected:
        bad = sorted(set(found) ^ set(expected)) or sorted(k for k in found if found[k] != expected[k])
        raise HubError(f"{source}: the weights in {WEIGHTS} do not match its {CONFIG} "
                       f"(first differences: {', '.join(bad[:3])}).")
    return config


def _cache_dir(cache_dir: str | Path | None) -> str | None:
    return str(cache_dir) if cache_dir else (os.environ.get("HF_HUB_CACHE") or None)


def _cached(repo_id: str, token: Any, cache_dir: str | None) -> Path | None:
    """The cached snapshot of the repo's main branch, or None."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        return Path(snapshot_download(repo_id, allow_patterns=SAFE_FILES, token=token, cache_dir=cache_dir,
                                      local_files_only=True))
    except (LocalEntryNotFoundError, OSError, ValueError):
        return None


def download(repo_id: str, token: str | None = None, *, cache_dir: str | Path | None = None) -> Path:
    """Fetch a model repo's safe files (checked before and after) and return the local folder.

    Cached by huggingface_hub (one folder per commit); a repo fetched in the last few minutes is
    served without a request. Offline, or when the Hub cannot be reached, the cached copy is
    used; with none, :class:`HubOffline` says so.
    """
    from huggingface_hub import HfApi, snapshot_download
    from huggingface_hub.errors import GatedRepoError, HfHubHTTPError, RepositoryNotFoundError, RevisionNotFoundError

    repo_id = check_repo_id(repo_id)
    auth = _read_token(token)
    cache = _cache_dir(cache_dir)
    key = (endpoint(), repo_id, _token_key(auth))
    with _memo_lock:
        hit = _memo.get(key)
    if hit and time.monotonic() - hit[0] < PULL_MEMO_S and (hit[1] / WEIGHTS).exists():
        return hit[1]

    if offline():
        folder = _cached(repo_id, auth, cache)
        if folder is None:
            raise HubOffline(f"Offline mode (HF_HUB_OFFLINE=1): {repo_id} is not in the local cache, so it "
                             f"cannot be loaded. The pretrained models still work.")
    else:
        try:
            info = HfApi(endpoint=endpoint(), token=auth, library_name="genapp").model_info(
                repo_id, revision="main", files_metadata=True, timeout=15)
            _check_listing(repo_id, {s.rfilename: s.size for s in (info.siblings or [])})
            for s in info.siblings or []:
                if s.rfilename.lower().endswith(PICKLE_SUFFIXES):
                    log.info("%s also holds %s (pickle): not downloaded, never loaded", repo_id, s.rfilename)
            # revision "main" (not info.sha) so the cache records main -> commit for offline use; a push
            # landing in between is caught by check_model_folder below.
            folder = Path(snapshot_download(repo_id, revision="main", allow_patterns=SAFE_FILES, token=auth,
                                            cache_dir=cache, endpoint=endpoint()))
        except _network_errors() as exc:
            folder = _cached(repo_id, auth, cache)
            if folder is None:
                raise HubOffline(f"The Hugging Face Hub cannot be reached ({type(exc).__name__}: no network?) and "
                                 f"{repo_id} is not in the local cache. The pretrained models still work.") from None
            log.warning("the Hub cannot be reached; using the cached copy of %s", repo_id)
        except (RepositoryNotFoundError, GatedRepoError, RevisionNotFoundError):
            raise HubError(f"No model repo {repo_id} on the Hub, or it is private or gated and no token with "
                           f"access was given.") from None
        except HfHubHTTPError as exc:
            raise _http_error(exc, auth, f"send {repo_id}") from None
    check_model_folder(folder, repo_id)
    with _memo_lock:
        _memo[key] = (time.monotonic(), folder)
    return folder


def forget_downloads() -> None:
    """Drop the in-process memo, so the next :func:`download` asks the Hub again."""
    with _memo_lock:
        _memo.clear()


def _fallback_name(name: str, fallback: str | None) -> str | None:
    from .api import PRETRAINED_NAMES, pretrained_dir

    tail = name.rsplit("/", 1)[-1]
    candidates = [fallback] if fallback else []
    candidates += [tail] if tail in PRETRAINED_NAMES else []
    candidates += list(PRETRAINED_NAMES)
    for cand in candidates:
        if cand and (pretrained_dir() / cand / WEIGHTS).is_file():
            return cand
    return None


def resolve_with_fallback(name: str, fallback: str | None = None, *, hub_only: bool = False) -> tuple[Path, str]:
    """Like ``genapp.api.resolve(name)``, but a Hub repo that cannot be fetched offline falls back.

    Returns ``(folder, notice)``: ``notice`` is "" normally; when the Hub is unreachable it is a
    sentence for the user naming the pretrained model used instead (``fallback`` if given and
    installed, else the pretrained model with the repo's name, else the first one installed).
    Other errors (a bad repo, a pickle, a typo) are raised, never papered over.

    ``hub_only``: ``name`` must be a Hub repo id, fetched from the Hub (or its cache) only -- never a
    local folder of the same name. The app uses this: a visitor's "owner/name" must not read a
    folder of the server relative to its working directory.
    """
    from .api import pretrained_dir, resolve

    try:
        return (download(name) if hub_only else resolve(name)), ""
    except HubOffline as exc:
        alt = _fallback_name(name, fallback)
        if alt is None:
            raise HubOffline(f"{exc} No pretrained model is installed to use instead.") from None
        why = "offline mode is on (HF_HUB_OFFLINE=1)" if offline() else "the Hugging Face Hub cannot be reached"
        folder = pretrained_dir() / alt if hub_only else resolve(alt)
        return folder, f"{name} could not be loaded because {why}; showing the pretrained model {alt} instead."
