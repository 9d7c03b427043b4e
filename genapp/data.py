"""Datasets by name, held in memory as one uint8 tensor and served as batches on the device.

Every image dataset returns float batches in [0, 1]; a model that works in [-1, 1] (Tanh
generators) converts at its own edge. Batches are dicts:

* ``mnist`` / ``fashion``: ``{"x": (B,1,28,28), "y": (B,)}``
* ``toy1010``: ``{"x": (B,4)}`` -- the course's [1,0,1,0] pattern with uniform jitter
* ``ring``: ``{"x": (B,2)}`` -- 8 Gaussians on a circle of radius 2, sigma 0.02
* ``edges2shoes``: ``{"a": edges, "b": photos, "outline": the shoe's outline}`` (paired, (B,3,S,S);
  the outline is what a hand sketch looks like, :mod:`genapp.outlines`)
* ``horse2zebra``: ``{"a": horses, "b": zebras}`` (unpaired, (B,3,S,S))

Files come from :func:`data_dir`: ``$GENAPP_DATA_DIR`` when set, else a folder of the user's cache
(``~/.cache/genapp/data``, or under ``$XDG_CACHE_HOME``), so the README's commands work on any
machine. When a file is missing and the machine is online it is fetched into that folder on first
use; otherwise a clear error names the folder and the files.
"""
from __future__ import annotations

import math
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from . import settings
from .checkpoints import atomic_write

DATASETS = ("mnist", "fashion", "toy1010", "ring", "edges2shoes", "horse2zebra")

MNIST_CLASSES = [str(i) for i in range(10)]
FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
CLASS_NAMES = {"mnist": MNIST_CLASSES, "fashion": FASHION_CLASSES}

# Fraction of the paired / unpaired training files kept aside as our own validation split
# (the official test splits are held back for independent evaluation).
HOLDOUT_FRACTION = 0.1
EDGES2SHOES_SIZE = 256    # each half of an edges2shoes file is 256 x 256

RING_MODES = 8
RING_RADIUS = 2.0
RING_STD = 0.02


class DataMissingError(FileNotFoundError):
    """The data files are not there and cannot be fetched."""


def user_cache_root() -> Path:
    """The user's cache folder: ``$XDG_CACHE_HOME`` (an absolute path, as the XDG spec asks), else
    the platform's own (``%LOCALAPPDATA%`` on Windows, ``~/Library/Caches`` on macOS, ``~/.cache``)."""
    xdg = os.path.expanduser(os.environ.get("XDG_CACHE_HOME", ""))
    if xdg and os.path.isabs(xdg):
        return Path(xdg)
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"])
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches"
    return Path.home() / ".cache"


def default_data_dir() -> Path:
    """Where the data lives without ``GENAPP_DATA_DIR``: filled on first use (when online)."""
    return user_cache_root() / "genapp" / "data"


def data_dir() -> Path:
    """``$GENAPP_DATA_DIR`` when set (CI and this project's machines point it at the shared copy),
    else :func:`default_data_dir`."""
    return settings.path("GENAPP_DATA_DIR") if settings.is_set("GENAPP_DATA_DIR") else default_data_dir()


def cache_dir() -> Path:
    """Decoded image folders and torchvision's downloads (``$GENAPP_CACHE_DIR`` when set)."""
    return settings.path("GENAPP_CACHE_DIR") if settings.is_set("GENAPP_CACHE_DIR") else user_cache_root() / "genapp"


OFFLINE_SWITCHES = ("HF_HUB_OFFLINE", "GENAPP_OFFLINE")


def _offline_switch() -> str | None:
    """The environment variable that says this machine is offline, if one is set."""
    for name in OFFLINE_SWITCHES:
        if os.environ.get(name, "0") not in ("0", "", "false", "False"):
            return name
    return None


def _offline() -> bool:
    return _offline_switch() is not None


def _missing(what: str, expected: str, cause: BaseException | None = None) -> DataMissingError:
    folder = data_dir().resolve()
    switch = _offline_switch()
    if switch:
        why = f"it is fetched there on first use, but {switch} is set, so nothing is downloaded"
        fix = f"unset {switch} on a machine that is online"
    else:
        why = f"fetching it failed ({type(cause).__name__}: {cause})" if cause is not None else "it could not be fetched"
        fix = "try again online"
    named = "GENAPP_DATA_DIR" if settings.is_set("GENAPP_DATA_DIR") else "the default folder"
    return DataMissingError(
        f"The {what} data is missing: expected {expected} in {folder} ({named}); {why}. Copy the files "
        f"there, {fix}, or set GENAPP_DATA_DIR to a folder that holds them.")


# ---------------------------------------------------------------- MNIST / Fashion-MNIST
_NPZ = {"mnist": "mnist.npz", "fashion": "fashion_mnist.npz"}


def _download_npz(name: str, path: Path) -> None:
    """Fetch with torchvision and convert into the npz layout (x_train, y_train, x_test, y_test)."""
    import torchvision  # imported lazily: only needed online, once

    cls = torchvision.datasets.MNIST if name == "mnist" else torchvision.datasets.FashionMNIST
    root = cache_dir() / "torchvision"
    tr, te = cls(root, train=True, download=True), cls(root, train=False, download=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, x_train=tr.data.numpy(), y_train=tr.targets.numpy(),
                        x_test=te.data.numpy(), y_test=te.targets.numpy())


def load_npz(name: str, split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    path = data_dir() / _NPZ[name]
    if not path.exists():
        if _offline():
            raise _missing(name, _NPZ[name])
        try:
            _download_npz(name, path)
        except Exception as exc:  # no network, or the mirror is down
            raise _missing(name, _NPZ[name], exc) from exc
    with np.load(path) as z:
        key = "train" if split == "train" else "test"
        return z[f"x_{key}"], z[f"y_{key}"]


# ---------------------------------------------------------------- image-pair archives
# The published archives of the pix2pix / CycleGAN authors (override with an environment variable,
# e.g. to point at a mirror). edges2shoes is large (about 2 GB); only its train split is kept.
ARCHIVES = {
    "edges2shoes": ("GENAPP_EDGES2SHOES_URL", "https://efrosgans.eecs.berkeley.edu/pix2pix/datasets/edges2shoes.tar.gz",
                    ("edges2shoes/train/",)),
    "horse2zebra": ("GENAPP_HORSE2ZEBRA_URL", "https://efrosgans.eecs.berkeley.edu/cyclegan/datasets/horse2zebra.zip",
                    ("horse2zebra/trainA/", "horse2zebra/trainB/")),
}


def _download_archive(name: str) -> None:
    """Stream the archive to a temp file, then extract only the train images into data_dir()."""
    import shutil
    import tarfile
    import tempfile
    import urllib.request
    import zipfile

    env, default, keep = ARCHIVES[name]
    url = settings.text(env, default)
    root = data_dir()
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        archive = Path(tmp) / "archive"
        with urllib.request.urlopen(url, timeout=60) as resp, open(archive, "wb") as f:
            shutil.copyfileobj(resp, f, length=1 << 20)
        out = Path(tmp) / "out"

        def wanted(member: str) -> bool:
            member = member.replace("\\", "/")
            return member.lower().endswith(".jpg") and any(member.startswith(k) for k in keep) \
                and ".." not in member and not member.startswith("/")
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as z:
                for m in z.namelist():
                    if wanted(m):
                        z.extract(m, out)
        else:
            with tarfile.open(archive) as t:
                members = [m for m in t.getmembers() if m.isfile() and wanted(m.name)]
                t.extractall(out, members=members, filter="data")
        src = out / name
        if not src.exists():
            raise DataMissingError(f"The archive at {url} does not hold {name}/ train images.")
        dest = root / name
        for sub in src.iterdir():  # move in place folder by folder (trainA, trainB or train)
            target = dest / sub.name
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                shutil.move(str(sub), str(target))


def _ensure_archive(name: str, ready, expected: str) -> None:
    if ready():
        return
    if _offline():
        raise _missing(name, expected)
    try:
        _download_archive(name)
    except DataMissingError:
        raise
    except Exception as exc:  # no network, mirror down, bad archive
        raise _missing(name, expected, exc) from exc
    if not ready():
        raise _missing(name, expected)


# ---------------------------------------------------------------- image folders
def _decode_folder(files: list[Path], size: int, split_ab: bool) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    from PIL import Image

    a_list, b_list = [], []
    for f in files:
        with Image.open(f) as im:
            im = im.convert("RGB")
            if split_ab:  # pix2pix layout: A (edges) on the left half, B (photo) on the right
                w, h = im.size
                a = im.crop((0, 0, w // 2, h)).resize((size, size), Image.BICUBIC)
                b = im.crop((w // 2, 0, w, h)).resize((size, size), Image.BICUBIC)
                a_list.append(np.asarray(a))
                b_list.append(np.asarray(b))
            else:
                a_list.append(np.asarray(im.resize((size, size), Image.BICUBIC)))
    a = np.stack(a_list).transpose(0, 3, 1, 2).copy()
    if split_ab:
        return a, np.stack(b_list).transpose(0, 3, 1, 2).copy()
    return a


def _cached(key: str, build):
    """Decoded folders are cached as .npy (decoding 1-2 thousand JPEGs takes seconds)."""
    path = cache_dir() / f"{key}.npz"
    if path.exists():
        try:
            with np.load(path) as z:
                return tuple(z[k] for k in sorted(z.files))
        except Exception:
            path.unlink(missing_ok=True)
    arrays = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, lambda f: np.savez(f, **{f"a{i}": a for i, a in enumerate(arrays)}), durable=False)
    except OSError:
        pass  # a read-only home is fine: we just decode again next time
    return arrays


def _split_files(files: list[Path], split: str) -> list[Path]:
    files = sorted(files, key=lambda p: (len(p.stem), p.stem))
    n_hold = max(1, int(round(len(files) * HOLDOUT_FRACTION)))
    return files[-n_hold:] if split in ("val", "test") else files[:-n_hold]


def _resize_stack(x: np.ndarray, size: int) -> np.ndarray:
    """(N, C, S, S) uint8 -> (N, C, size, size), with the bicubic resize the folders are decoded with."""
    from PIL import Image

    if x.shape[-1] == size:
        return x
    return np.stack([np.asarray(Image.fromarray(im.transpose(1, 2, 0)).resize((size, size), Image.BICUBIC))
                     for im in x]).transpose(0, 3, 1, 2).copy()


def load_edges2shoes(size: int, split: str = "train") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edge maps, photos and the shoes' outlines (:mod:`genapp.outlines`, found at the files' 256 px)."""
    from .outlines import outlines

    folder = data_dir() / "edges2shoes" / "train"
    expected = "edges2shoes/train/*_AB.jpg (512x256, edges left, photo right)"
    _ensure_archive("edges2shoes", lambda: folder.exists() and any(folder.glob("*_AB.jpg")), expected)
    files = list(folder.glob("*_AB.jpg"))
    files = _split_files(files, split)

    def build():
        a, b = _decode_folder(files, size, split_ab=True)
        full = (a, b) if size == EDGES2SHOES_SIZE else _decode_folder(files, EDGES2SHOES_SIZE, split_ab=True)
        return a, b, _resize_stack(outlines(*full), size)

    return _cached(f"edges2shoes-outlined-{split}-{size}-{len(files)}", build)


def load_horse2zebra(size: int, split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    root = data_dir() / "horse2zebra"
    _ensure_archive("horse2zebra", lambda: any((root / "trainA").glob("*.jpg")) and any((root / "trainB").glob("*.jpg")),
                    "horse2zebra/trainA/*.jpg and horse2zebra/trainB/*.jpg")
    fa, fb = list((root / "trainA").glob("*.jpg")), list((root / "trainB").glob("*.jpg"))
    fa, fb = _split_files(fa, split), _split_files(fb, split)
    return _cached(f"horse2zebra-{split}-{size}-{len(fa)}-{len(fb)}",
                   lambda: (_decode_folder(fa, size, False), _decode_folder(fb, size, False)))


# ---------------------------------------------------------------- the Dataset object
@dataclass
class Dataset:
    """An in-memory dataset: uint8 tensors (images) or a generator function (toy data)."""

    name: str
    tensors: dict[str, torch.Tensor]   # uint8 images / int64 labels, same first dimension (or per key for unpaired)
    paired: bool = True
    synthetic: bool = False

    def __len__(self) -> int:
        if self.synthetic:
            return 10_000  # an "epoch" of toy data, for --epochs
        return max(len(t) for t in self.tensors.values())

    @property
    def num_classes(self) -> int:
        return len(CLASS_NAMES.get(self.name, []))

    def to(self, device: torch.device) -> "Dataset":
        return Dataset(self.name, {k: v.to(device) for k, v in self.tensors.items()}, self.paired, self.synthetic)

    def batch_from_indices(self, idx: dict[str, torch.Tensor] | torch.Tensor) -> dict[str, torch.Tensor]:
        out = {}
        for k, v in self.tensors.items():
            i = idx[k] if isinstance(idx, dict) else idx
            t = v.index_select(0, i.to(v.device))
            out[k] = t.float().div_(255.0) if t.dtype == torch.uint8 else t
        return out

    def fixed_batch(self, n: int, seed: int = 1234) -> dict[str, torch.Tensor]:
        """The same ``n`` examples every time (for live views of reconstructions/translations)."""
        if self.synthetic:
            return synthetic_batch(self.name, n, torch.Generator().manual_seed(seed))
        g = torch.Generator().manual_seed(seed)
        idx = {k: torch.randperm(len(v), generator=g)[:n] for k, v in self.tensors.items()}
        if self.paired:
            first = next(iter(idx.values()))
            idx = {k: first for k in self.tensors}
        return self.batch_from_indices(idx)


def synthetic_batch(name: str, n: int, gen: torch.Generator | None = None, device="cpu") -> dict[str, torch.Tensor]:
    if name == "toy1010":
        # The course: real = [U(0.8,1), U(0,0.2), U(0.8,1), U(0,0.2)] -- "1010" with a little jitter.
        jitter = torch.rand(n, 4, generator=gen) * 0.2
        base = torch.tensor([1.0, 0.0, 1.0, 0.0])
        x = torch.where(base.bool(), base - jitter, base + jitter)
        return {"x": x.to(device)}
    if name == "ring":
        mode = torch.randint(0, RING_MODES, (n,), generator=gen)
        ang = mode.float() * (2 * math.pi / RING_MODES)
        centers = torch.stack([torch.cos(ang), torch.sin(ang)], 1) * RING_RADIUS
        x = centers + torch.randn(n, 2, generator=gen) * RING_STD
        return {"x": x.to(device)}
    raise KeyError(name)


def ring_centers() -> torch.Tensor:
    ang = torch.arange(RING_MODES).float() * (2 * math.pi / RING_MODES)
    return torch.stack([torch.cos(ang), torch.sin(ang)], 1) * RING_RADIUS


_CACHE: dict[tuple, Dataset] = {}
_LOCK = threading.Lock()


def load_dataset(name: str, split: str = "train", image_size: int | None = None) -> Dataset:
    """A dataset by name (see module docstring); cached per process."""
    if name not in DATASETS:
        raise ValueError(f"Unknown dataset {name!r}; choose one of: {', '.join(DATASETS)}.")
    key = (name, split, image_size)
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
    if name in ("toy1010", "ring"):
        ds = Dataset(name, {}, synthetic=True)
    elif name in ("mnist", "fashion"):
        x, y = load_npz(name, split)
        x = torch.from_numpy(np.ascontiguousarray(x)).unsqueeze(1)
        if image_size and image_size != x.shape[-1]:
            x = torch.nn.functional.interpolate(x.float(), size=image_size, mode="bilinear",
                                                align_corners=False).round().clamp(0, 255).to(torch.uint8)
        ds = Dataset(name, {"x": x, "y": torch.from_numpy(y.astype(np.int64))})
    elif name == "edges2shoes":
        a, b, outline = load_edges2shoes(image_size or 64, split)
        ds = Dataset(name, {"a": torch.from_numpy(a), "b": torch.from_numpy(b), "outline": torch.from_numpy(outline)})
    else:
        a, b = load_horse2zebra(image_size or 64, split)
        ds = Dataset(name, {"a": torch.from_numpy(a), "b": torch.from_numpy(b)}, paired=False)
    with _LOCK:
        _CACHE[key] = ds
    return ds


class BatchStream:
    """Endless shuffled batches on ``device``; each key of an unpaired set is shuffled on its own.

    Shuffling uses its own seeded generator, so the same seed gives the same batches, and the
    position can be restored on resume by replaying ``steps`` draws cheaply (indices only).
    Under ``world`` processes (``genapp.distributed``) every rank draws the same order and takes
    its own slice ``rank`` of each global batch of ``batch_size * world``: disjoint shards whose
    union is the batch one process of that size would take.
    """

    def __init__(self, dataset: Dataset, batch_size: int, seed: int = 0, device: str | torch.device = "cpu",
                 rank: int = 0, world: int = 1):
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1.")
        if not 0 <= rank < world:
            raise ValueError(f"rank must be in 0..{world - 1} (got {rank}).")
        self.rank, self.world = rank, world
        self.ds = dataset.to(device) if not dataset.synthetic else dataset
        self.device = torch.device(device)
        self.batch_size = batch_size
        self.gen = torch.Generator().manual_seed(seed)
        self._perm: dict[str, torch.Tensor] = {}
        self._pos: dict[str, int] = {}

    @property
    def steps_per_epoch(self) -> int:
        return max(1, len(self.ds) // (self.batch_size * self.world))

    def _take(self, key: str, n_items: int) -> torch.Tensor:
        whole = self.batch_size * self.world  # the global batch; this rank keeps its slice
        if key not in self._perm or self._pos[key] + whole > len(self._perm[key]):
            # Drawn on the CPU (seeded, the same on every device) and moved once an epoch: a copy
            # of each step's indices to a GPU would make the host wait for the GPU every step.
            self._perm[key] = torch.randperm(n_items, generator=self.gen).to(self.device)
            self._pos[key] = 0
        p = self._pos[key]
        self._pos[key] = p + whole
        p += self.rank * self.batch_size
        return self._perm[key][p:p + self.batch_size]

    def __iter__(self):
        return self

    def __next__(self) -> dict[str, torch.Tensor]:
        if self.ds.synthetic:
            return synthetic_batch(self.ds.name, self.batch_size, self.gen, self.device)
        if self.ds.paired:
            n = len(next(iter(self.ds.tensors.values())))
            bs = max(1, min(self.batch_size, n // self.world))
            if bs != self.batch_size:
                self.batch_size = bs
            return self.ds.batch_from_indices(self._take("_", n))
        return self.ds.batch_from_indices({k: self._take(k, len(v)) for k, v in self.ds.tensors.items()})
