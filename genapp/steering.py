"""Controllable generation: move z so that one feature of the picture changes, and see what else
changes with it (the course's "controllable generation" and its problem, entanglement).

    import genapp
    genapp.features("mnist-dcgan")        # ["0", ..., "9", "thickness", "slant"]
    x = genapp.steer("mnist-dcgan", 8, seed=0, feature="7", amount=1.0)   # (8, 1, 28, 28) in [0, 1]
    w = genapp.steer_walk("mnist-dcgan", 8, seed=0, feature="thickness", amount=1.0, keep_others=True)
    w.images          # (frames, 8, 1, 28, 28): the walk from generate(8, seed=0) to the steered images
    w.before, w.after # every feature's score per image at both ends

A conditional GAN is *told* the class at training time; a trained unconditional G can still be
steered afterwards by moving its input z so that a classifier's score for the feature rises.

**Features.** Every class of the dataset, scored by the project's judge classifier
(``pretrained/judge-<dataset>``; the log-probability of the class is climbed, its probability is
shown), and two attributes computed from the image itself, differentiably:

* ``thickness`` -- the ink: mean intensity of the image (a thicker stroke, more ink);
* ``slant`` -- the shear moment mu11 / mu02 of the ink (second central moments, x to the right, y
  up): shearing an image by x' = x + s y adds exactly s to it, so it reads as "how far the stroke
  leans right per unit of height" (0: upright; MNIST digits sit around 0.1-0.3).

**How z moves.** A walk of ``frames`` images, z0 = the z of ``generate(n, seed)``, each step adding

1. ``amount * GLOBAL_STEP / steps`` along the feature's *average* gradient over the latent space.
   For z ~ N(0, I), Stein's lemma gives E[grad_z s(G(z))] = E[z s(G(z))]: the correlation of z with
   the score over ``PROBE_N`` samples of the model itself, computed once per model. The local
   gradient alone climbs a rugged surface: on mnist-gan, 8 steps of it made 27-57 % of 30 seeds read
   as the target digit, and larger steps overshoot into other digits; the average gradient moved
   93-100 % for nine digits (47 % for "9"). It also moves the InfoGAN code of the shipped dcgans
   (z's first ``codes`` entries choose a category through an argmax, whose local gradient is zero;
   straight-through gradients picked the right category for only 3-50 % of seeds): steering may
   change the category -- there the model keeps its digit, so a class feature must be able to.
2. ``|amount| * LOCAL_STEP / steps`` along the local gradient of the score at the current z (through G
   and the judge or the attribute; normalized per sample), which brings the stragglers over ("9" on
   mnist-gan: 47 -> 90 %).

After each step z is put back on the sphere of its starting radius (|z0|, about sqrt(dim)), where
the generator saw its training inputs, so z stays a plausible latent. ``amount`` is in units of
those steps: 1 changes the digit for nearly every seed, negative amounts move the other way,
0 returns exactly ``generate(n, seed)``.

**keep_others** (the course's remedy for entanglement): the average gradient loses its components
along the other features' average gradients (InterFaceGAN's conditional manipulation, Shen et al.
2020: n1 - (n1.n2) n2, for several features at once), and the local steps climb the score minus
``PENALTY`` times the squared change of every other feature's score (each in units of its spread
over the model's samples). For a class, the "others" are the attributes: the classes share one
softmax, so a 3 cannot become a 7 without its "3" falling. For an attribute, the others are the
other attribute and every class.
"""
from __future__ import annotations

import math
import threading
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from .data import CLASS_NAMES
from .models import FAMILIES as MODEL_FAMILIES
from .models.base import from_tanh_space, seeded_noise

ATTRIBUTES = ("thickness", "slant")
# The unconditional image GANs: a z to move, a picture the judge can read, no class input.
FAMILIES = tuple(f for f, c in MODEL_FAMILIES.items()
                 if c.kind == "image" and c.has_discriminator and c.has_latent and not c.conditional)
DATASETS = ("mnist", "fashion")           # those with a judge classifier
MAX_AMOUNT = 3.0
MAX_FRAMES = 16
FRAMES = 8                                 # images along a walk, the start included
# |z| moved along the average gradient, and path length of the local gradient steps, per unit of
# amount (|z| ~ 10), for a class and for an attribute: tuned with bench/steer.py and by eye (at 5 and
# 2, "thickness" +1 filled the digits into blobs).
GLOBAL_STEP = {"class": 5.0, "attribute": 2.5}
LOCAL_STEP = {"class": 4.0, "attribute": 1.0}
PENALTY = 4.0        # keep_others: weight of the squared change of the other scores (in spreads)
PROBE_N = 2000       # samples of the model behind the average gradients and the spreads
PROBE_SEED = 20_240  # a fixed seed: the same directions every time


# ---------------------------------------------------------------- the attributes
def thickness(x: torch.Tensor) -> torch.Tensor:
    """Ink per image: the mean intensity of (N, C, H, W) in [0, 1] -> (N,)."""
    return x.flatten(1).mean(1)


def slant(x: torch.Tensor) -> torch.Tensor:
    """The shear moment mu11 / mu02 of the ink per image (x to the right, y up) -> (N,).

    Positive: the stroke leans right (its top is right of its bottom); shearing by x' = x + s y adds s."""
    ink = x.mean(1)                                     # (N, H, W)
    h, w = ink.shape[-2:]
    ys = -torch.arange(h, dtype=ink.dtype, device=ink.device).view(1, h, 1)   # rows grow downward: y up
    xs = torch.arange(w, dtype=ink.dtype, device=ink.device).view(1, 1, w)
    mass = ink.sum((1, 2)).clamp_min(1e-6)
    cy, cx = (ink * ys).sum((1, 2)) / mass, (ink * xs).sum((1, 2)) / mass
    dy, dx = ys - cy.view(-1, 1, 1), xs - cx.view(-1, 1, 1)
    mu11, mu02 = (ink * dx * dy).sum((1, 2)) / mass, (ink * dy * dy).sum((1, 2)) / mass
    return mu11 / mu02.clamp_min(1e-6)


_ATTRIBUTE_FNS = {"thickness": thickness, "slant": slant}


# ---------------------------------------------------------------- models and features
_MODELS: dict[tuple[str, int], Any] = {}
_MODELS_LOCK = threading.Lock()


def _model(model):
    """A loaded model from a model, a pretrained name, a folder, a run id or a Hub repo id (kept loaded)."""
    if not isinstance(model, (str, Path)):
        return model
    from .api import load, resolve

    folder = resolve(str(model))
    weights = folder / "model.safetensors"
    key = (str(folder.resolve()), weights.stat().st_mtime_ns if weights.exists() else 0)
    with _MODELS_LOCK:
        if key not in _MODELS:
            if len(_MODELS) >= 4:
                _MODELS.pop(next(iter(_MODELS)))
            _MODELS[key] = load(str(folder))
        return _MODELS[key]


def check_steerable(model) -> None:
    """A message for a model that cannot be steered (the wrong family or dataset)."""
    family = getattr(model, "family", type(model).__name__)
    dataset = getattr(getattr(model, "config", None), "dataset", None)
    if getattr(model, "conditional", False):
        raise ValueError(f"This is a {family} model: it is told the class as an input, so it needs no steering -- "
                         f"use generate(n, seed, label=...). Steering works on the unconditional image GANs "
                         f"({', '.join(FAMILIES)}).")
    if family not in FAMILIES or getattr(model, "kind", "image") != "image":
        raise ValueError(f"Steering works on the unconditional image GANs ({', '.join(FAMILIES)}) on MNIST or "
                         f"Fashion-MNIST; this is a {family} model.")
    if dataset not in DATASETS:
        raise ValueError(f"Steering needs a judge classifier, which exists for {', '.join(DATASETS)}; "
                         f"this {family} model was trained on {dataset!r}.")


def features(model) -> list[str]:
    """The features ``steer`` can move for ``model``: the dataset's classes, then the attributes."""
    model = _model(model)
    check_steerable(model)
    return [*CLASS_NAMES[model.config.dataset], *ATTRIBUTES]


def _feature_index(model, feature) -> int:
    names = features(model)
    key = str(feature).strip() if feature is not None else ""
    lowered = [n.lower() for n in names]
    if key.lower() in lowered:
        return lowered.index(key.lower())
    shown = key if len(key) <= 40 else key[:37] + "..."
    raise ValueError(f"Unknown feature {shown!r} for this {model.config.dataset} model: choose one of "
                     f"{', '.join(names)}.")


def _judge(model):
    from .metrics import load_judge

    return load_judge(model.config.dataset)


def _generator_fn(model):
    """z -> images in [0, 1], differentiable in z (what ``model.decode`` computes without a graph)."""
    g = getattr(model, "sampler", None) or model.generator
    with_code = getattr(model, "with_code", None)
    shape = getattr(model, "_shape", None)

    def decode(z: torch.Tensor) -> torch.Tensor:
        out = g(with_code(z)[0] if with_code is not None else z)
        return from_tanh_space(shape(out) if shape is not None else out)

    return decode


def all_scores(judge, classes: int, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(every feature's shown score (N, F): class probabilities then the attributes, class log-probabilities)."""
    logp = torch.log_softmax(judge(x), 1)
    attrs = torch.stack([fn(x) for fn in _ATTRIBUTE_FNS.values()], 1)
    return torch.cat([logp.exp(), attrs], 1), logp


def scores(model, images: torch.Tensor) -> dict[str, list[float]]:
    """Every feature's score for each image: the judge's probability for a class, the attribute's value."""
    model = _model(model)
    names = features(model)
    with torch.no_grad():
        s, _ = all_scores(_judge(model), len(names) - len(ATTRIBUTES), images.float())
    return {name: s[:, i].tolist() for i, name in enumerate(names)}


# ---------------------------------------------------------------- the average gradients (once per model)
@dataclass
class Probe:
    directions: torch.Tensor   # (F, D) unit vectors: each feature's average gradient in z
    spread: torch.Tensor       # (F,) the standard deviation of each score over the model's samples
    mean: torch.Tensor         # (F,) its mean


_PROBES: "weakref.WeakKeyDictionary[Any, Probe]" = weakref.WeakKeyDictionary()
_PROBE_LOCK = threading.Lock()


def probe(model) -> Probe:
    """Each feature's average gradient E[grad_z s] = E[z (s - E s)] (Stein's lemma, z ~ N(0, I)) over
    ``PROBE_N`` samples of ``model``, and each score's spread. Computed once per loaded model."""
    with _PROBE_LOCK:
        if model in _PROBES:
            return _PROBES[model]
    judge, classes = _judge(model), len(CLASS_NAMES[model.config.dataset])
    z = seeded_noise((PROBE_N, model.config.latent_dim), PROBE_SEED, torch.device("cpu"))
    with torch.no_grad():
        s = torch.cat([all_scores(judge, classes, model.decode(z[i:i + 500]))[0] for i in range(0, PROBE_N, 500)])
    mean, spread = s.mean(0), s.std(0).clamp_min(1e-6)
    grads = ((s - mean) / spread).T @ z / PROBE_N        # (F, D)
    result = Probe(grads / grads.norm(dim=1, keepdim=True).clamp_min(1e-12), spread, mean)
    with _PROBE_LOCK:
        _PROBES[model] = result
    return result


def _others(count: int, index: int, classes: int) -> list[int]:
    """The features keep_others holds still while feature ``index`` of ``count`` moves (see the
    module docstring)."""
    if index < classes:
        return list(range(classes, count))
    return [i for i in range(count) if i != index]


def _direction(p: Probe, index: int, others: list[int] | None) -> torch.Tensor:
    d = p.directions[index]
    if others:
        q, _ = torch.linalg.qr(p.directions[others].T)   # an orthonormal basis of the others' directions
        d = d - q @ (q.T @ d)
        d = d / d.norm().clamp_min(1e-12)
    return d


# ---------------------------------------------------------------- the walk
@dataclass
class Walk:
    """A steering walk: ``images`` (frames, N, C, H, W), the start first and the steered images last."""
    feature: str
    amount: float
    keep_others: bool
    images: torch.Tensor
    names: list[str]
    before: dict[str, list[float]] = field(default_factory=dict)   # every feature's score per image, start
    after: dict[str, list[float]] = field(default_factory=dict)    # ... and end

    def mean_scores(self) -> dict[str, dict[str, float]]:
        """{feature: {"before": mean over the images, "after": ...}}."""
        return {n: {"before": sum(self.before[n]) / len(self.before[n]), "after": sum(self.after[n]) / len(self.after[n])}
                for n in self.names}


def _check_amount(amount) -> float:
    if isinstance(amount, bool):
        raise ValueError(f"amount must be a number from {-MAX_AMOUNT:g} to {MAX_AMOUNT:g} (got {amount!r}).")
    try:
        a = float(amount)
    except (TypeError, ValueError):
        raise ValueError(f"amount must be a number from {-MAX_AMOUNT:g} to {MAX_AMOUNT:g} (got {amount!r}).") from None
    if not math.isfinite(a) or abs(a) > MAX_AMOUNT:
        raise ValueError(f"amount must be a number from {-MAX_AMOUNT:g} to {MAX_AMOUNT:g} (got {amount!r}); "
                         f"1 changes a digit for nearly every seed.")
    return a


def steer_walk(model, n: int, seed: int = 0, feature: str = "0", amount: float = 1.0, keep_others: bool = False,
               *, frames: int = FRAMES) -> Walk:
    """The walk from ``generate(n, seed)`` toward ``feature`` by ``amount``: ``frames`` images per seed."""
    model = _model(model)
    index = _feature_index(model, feature)          # also checks the model
    amount = _check_amount(amount)
    if isinstance(frames, bool) or not isinstance(frames, int) or not 2 <= frames <= MAX_FRAMES:
        raise ValueError(f"frames must be a whole number from 2 to {MAX_FRAMES} (got {frames!r}).")
    names = features(model)
    classes = len(names) - len(ATTRIBUTES)
    start = model.generate(n, seed=seed)            # checks n and seed; the walk's first frame, exactly
    judge = _judge(model)
    if amount == 0.0:
        images = start.unsqueeze(0).repeat(frames, 1, 1, 1, 1)
    else:
        images = _walk(model, judge, seeded_noise((n, model.config.latent_dim), seed, torch.device("cpu")),
                       index, classes, amount, keep_others, frames)
        images = torch.cat([start.unsqueeze(0), images[1:]])
    with torch.no_grad():
        ends, _ = all_scores(judge, classes, torch.cat([images[0], images[-1]]))
    before, after = ends[:n], ends[n:]
    return Walk(feature=names[index], amount=amount, keep_others=bool(keep_others), images=images, names=names,
                before={name: before[:, i].tolist() for i, name in enumerate(names)},
                after={name: after[:, i].tolist() for i, name in enumerate(names)})


def _walk(model, judge, z0, index, classes, amount, keep_others, frames) -> torch.Tensor:
    p = probe(model)
    others = _others(p.directions.shape[0], index, classes) if keep_others else []
    direction = _direction(p, index, others)
    codes = getattr(model, "codes", 0)
    if codes and others and index >= classes:
        # The InfoGAN code holds the digit by design: keeping the classes means leaving it alone.
        direction = direction.clone()
        direction[:codes] = 0.0
        direction = direction / direction.norm().clamp_min(1e-12)
    kind = "class" if index < classes else "attribute"
    global_step, local_step = GLOBAL_STEP[kind], LOCAL_STEP[kind]
    sign, steps = (1.0 if amount > 0 else -1.0), frames - 1
    radius = z0.norm(dim=1, keepdim=True)
    decode = _generator_fn(model)
    zs, z, reference = [z0], z0.clone(), None
    was = model.training
    model.eval()                                   # BatchNorm in G uses its running statistics
    params = [q for q in model.parameters() if q.requires_grad]
    for q in params:                               # only z needs a gradient: skip the weights'
        q.requires_grad_(False)
    try:
        for _ in range(steps):
            z = z.detach().requires_grad_(True)
            shown, logp = all_scores(judge, classes, decode(z))
            own = logp[:, index] if index < classes else shown[:, index] / p.spread[index]
            objective = sign * own
            if others:
                if reference is None:
                    reference = shown.detach()
                change = (shown[:, others] - reference[:, others]) / p.spread[others]
                objective = objective - PENALTY * change.pow(2).sum(1)
            grad, = torch.autograd.grad(objective.sum(), z)
            with torch.no_grad():
                local = grad / grad.norm(dim=1, keepdim=True).clamp_min(1e-12)
                z = z + (amount * global_step / steps) * direction + (abs(amount) * local_step / steps) * local
                z = z * radius / z.norm(dim=1, keepdim=True).clamp_min(1e-12)   # back on |z0|'s sphere
            zs.append(z.detach())
    finally:
        for q in params:
            q.requires_grad_(True)
        model.train(was)
    out = model.decode(torch.cat(zs))
    return out.view(frames, z0.size(0), *out.shape[1:])


def steer(model, n: int, seed: int = 0, feature: str = "0", amount: float = 1.0, keep_others: bool = False) -> torch.Tensor:
    """(n, C, H, W) in [0, 1]: ``generate(n, seed)`` with z moved by ``amount`` toward ``feature``
    (away from it when negative; ``amount=0`` returns exactly ``generate(n, seed)``). ``model``: a
    loaded model, a pretrained name, a folder, a run id or a Hub repo id. See the module docstring."""
    return steer_walk(model, n, seed, feature, amount, keep_others).images[-1]
