"""Datasets and batches (genapp/data.py): shapes and ranges, batches drawn on the data's device,
and a missing dataset named with its folder and files."""
from __future__ import annotations

import pytest
import torch

from genapp.data import BatchStream, load_dataset, synthetic_batch


def test_data_shapes_and_ranges():
    mn = load_dataset("mnist")
    assert mn.tensors["x"].dtype == torch.uint8 and mn.tensors["x"].shape == (60000, 1, 28, 28)
    b = next(BatchStream(mn, 8, seed=0))
    assert b["x"].shape == (8, 1, 28, 28) and 0 <= float(b["x"].min()) and float(b["x"].max()) <= 1
    e2s = load_dataset("edges2shoes", image_size=32)
    assert e2s.tensors["a"].shape[1:] == (3, 32, 32) and len(e2s) == 900  # 10 % held out
    assert len(load_dataset("edges2shoes", "val", image_size=32)) == 100
    t = synthetic_batch("toy1010", 1000)["x"]
    assert t.shape == (1000, 4) and float((t - torch.tensor([1., 0, 1, 0])).abs().max()) <= 0.2
    r = synthetic_batch("ring", 1000)["x"]
    assert torch.allclose(r.norm(dim=1), torch.full((1000,), 2.0), atol=0.1)


def test_batches_and_augmentation_on_a_device_copy_nothing_from_the_host():
    """On a GPU each copy of a step's indices to the device makes the host wait for the GPU, so
    the shuffled order moves to the data's device once an epoch. The 'meta' device stands in for
    the GPU here: every op that turns a CPU tensor into a device tensor is recorded."""
    from torch.utils._python_dispatch import TorchDispatchMode

    class HostCopies(TorchDispatchMode):
        def __init__(self):
            super().__init__()
            self.copies = []

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            out = func(*args, **(kwargs or {}))
            ins = [a for a in args if isinstance(a, torch.Tensor)]
            if isinstance(out, torch.Tensor) and out.device.type == "meta" and any(a.device.type == "cpu" for a in ins):
                self.copies.append(str(func))
            return out

    # one key (MNIST), pairs sharing one order (edges2shoes), two sides each with its own (horse2zebra)
    for ds in (load_dataset("mnist"), load_dataset("edges2shoes", image_size=32), load_dataset("horse2zebra", image_size=32)):
        stream = BatchStream(ds, 16, seed=0, device="meta")
        next(stream)  # an epoch starts: its order moves to the device
        with HostCopies() as seen:
            for _ in range(20):
                batch = next(stream)
        assert seen.copies == [] and all(v.device.type == "meta" for v in batch.values())
    # pix2pix / CycleGAN augmentation draws its random numbers on the device too
    from genapp.models.augment import random_jitter, sketch_mix
    a, b = torch.empty(4, 3, 32, 32, device="meta"), torch.empty(4, 3, 32, 32, device="meta")
    with HostCopies() as seen:
        ja, jb = random_jitter(a, b)
        mixed = sketch_mix(a, b, 0.5)
    assert seen.copies == [] and ja.shape == jb.shape == mixed.shape == a.shape and mixed.device.type == "meta"
    # the order is still the seeded generator's permutation, drawn on the CPU, whatever the device
    mnist = load_dataset("mnist")
    order = torch.randperm(len(mnist), generator=torch.Generator().manual_seed(5))
    stream = BatchStream(mnist, 8, seed=5)
    for k in range(3):
        assert torch.equal(next(stream)["x"], mnist.tensors["x"][order[8 * k:8 * (k + 1)]].float() / 255.0)


def test_missing_data_offline_names_folder_and_files(tmp_path, monkeypatch):
    from genapp import data

    monkeypatch.setenv("GENAPP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    data._CACHE.clear()
    with pytest.raises(data.DataMissingError, match="mnist.npz") as err:
        data.load_dataset("mnist")
    assert str(tmp_path.resolve()) in str(err.value)
    with pytest.raises(data.DataMissingError, match="edges2shoes/train"):
        data.load_dataset("edges2shoes", image_size=32)
    with pytest.raises(ValueError, match="Unknown dataset"):
        data.load_dataset("cifar")

