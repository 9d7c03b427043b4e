"""Pack the data a GPU session trains on into .device/data/, small enough to travel.

    GENAPP_DATA_DIR=../shared/data python bench/device/pack_data.py [--size 128] [--out .device/data]

The device machine sees only this repository's tree (64 MiB in all, carried folders included)
and cannot download anything. horse2zebra alone is 107 MB, so its photos and the edges2shoes
pairs are re-encoded at the training resolution (JPEG quality 90, the same file names, so the
held-out split by file name is the same); mnist.npz is copied as it is. About 37 MB at 128 px.
``--fashion`` adds fashion_mnist.npz for the wide dcgan run, its arrays re-zipped with LZMA (26 MB
instead of 31; ``np.load`` reads it as it is): at 128 px that is over the 64 MiB a call carries, so
use it with ``--size 64`` or with ``--no-photos`` for a call of its own.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import zipfile
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from genapp.data import data_dir  # noqa: E402


def shrink(src: Path, dst: Path, size: int, pair: bool) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(src) as im:
        im = im.convert("RGB")
        target = (2 * size, size) if pair else (size, size)  # an AB pair keeps its two halves
        im.resize(target, Image.BICUBIC).save(dst, quality=90)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=128)
    p.add_argument("--out", type=Path, default=REPO / ".device" / "data")
    p.add_argument("--fashion", action="store_true", help="also Fashion-MNIST (26 MB), for the wide dcgan run")
    p.add_argument("--no-photos", action="store_true", help="leave out edges2shoes and horse2zebra")
    args = p.parse_args()
    src = data_dir()
    args.out.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src / "mnist.npz", args.out / "mnist.npz")
    if args.fashion:
        with zipfile.ZipFile(src / "fashion_mnist.npz") as zin, \
                zipfile.ZipFile(args.out / "fashion_mnist.npz", "w", zipfile.ZIP_LZMA) as zout:
            for name in zin.namelist():
                zout.writestr(name, zin.read(name))
    jobs = [] if args.no_photos else \
        [(f, "edges2shoes/train", True) for f in sorted((src / "edges2shoes" / "train").glob("*_AB.jpg"))]
    for side in () if args.no_photos else ("trainA", "trainB"):
        jobs += [(f, f"horse2zebra/{side}", False) for f in sorted((src / "horse2zebra" / side).glob("*.jpg"))]
    for f, sub, pair in jobs:
        shrink(f, args.out / sub / f.name, args.size, pair)
    total = sum(f.stat().st_size for f in args.out.rglob("*") if f.is_file())
    extra = " + fashion_mnist.npz" if args.fashion else ""
    print(f"{len(jobs)} images at {args.size} px + mnist.npz{extra} -> {args.out} ({total / 1e6:.1f} MB)")
    if total > 50e6:
        print(f"warning: {total / 1e6:.0f} MB of data; with the repository's tree a call carries at most 64 MiB")


if __name__ == "__main__":
    main()
