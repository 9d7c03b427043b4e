"""Training throughput: our training step vs a seed-style reference loop, side by side in one run.

    GENAPP_DATA_DIR=../shared/data python bench/train_throughput.py [--steps 60] [--family dcgan|pix2pix|both]

The reference is what a first PyTorch script does: a torchvision-style Dataset that decodes a PIL
image per sample (MNIST: ``Image.fromarray`` of the uint8 array, as torchvision.datasets.MNIST
does; pix2pix: open the AB JPEG from disk, split, resize, as the pix2pix reference's aligned
dataset does) + ``ToTensor`` / ``Normalize`` + ``DataLoader(shuffle=True)``, and a plain training
step with the same networks, batch size and optimizer. Ours is ``genapp``: a uint8 tensor
resident in memory, batches by indexing, and the model's own ``train_step``. Both are timed in
alternating rounds (so background load hits both alike) and reported as images/s and a ratio.

On a GPU (``--device cuda``) both loops run on it: the reference copies each DataLoader batch to
the GPU and trains in fp32, as a first script does; ours keeps the data on the GPU
(``BatchStream``), runs the step under bf16 autocast and compiles the networks
(``--precision`` / ``--no-compile`` to measure each part), as ``python -m train --device cuda
--precision bf16 --compile`` does. ``--graph`` records ours' whole step once as a CUDA graph and
replays it (``bench/graphed_step.py``; not compiled, as the graph already removes the launches).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from genapp.data import BatchStream, data_dir, load_dataset  # noqa: E402
from genapp.config import TrainConfig  # noqa: E402
from genapp.models import build_model  # noqa: E402
from genapp.models.base import stats_to_floats  # noqa: E402
from genapp.trainer import autocast, defers_stats, prepare_for_device, resolve_device  # noqa: E402


# ---------------------------------------------------------------- the reference input pipelines
def reference_mnist_loader(batch_size: int):
    import numpy as np
    from PIL import Image
    from torchvision import transforms

    with np.load(data_dir() / "mnist.npz") as z:
        x = z["x_train"]

    class MNISTLike(torch.utils.data.Dataset):
        tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])

        def __len__(self):
            return len(x)

        def __getitem__(self, i):
            return self.tf(Image.fromarray(x[i], mode="L"))
    return torch.utils.data.DataLoader(MNISTLike(), batch_size=batch_size, shuffle=True, drop_last=True)


def reference_pix2pix_loader(batch_size: int, size: int):
    from PIL import Image
    from torchvision import transforms

    files = sorted((data_dir() / "edges2shoes" / "train").glob("*_AB.jpg"))
    tf = transforms.Compose([transforms.Resize((size, size), interpolation=transforms.InterpolationMode.BICUBIC),
                             transforms.ToTensor(), transforms.Normalize((0.5,) * 3, (0.5,) * 3)])

    class Aligned(torch.utils.data.Dataset):
        def __len__(self):
            return len(files)

        def __getitem__(self, i):
            ab = Image.open(files[i]).convert("RGB")
            w, h = ab.size
            return tf(ab.crop((0, 0, w // 2, h))), tf(ab.crop((w // 2, 0, w, h)))
    return torch.utils.data.DataLoader(Aligned(), batch_size=batch_size, shuffle=True, drop_last=True)


# ---------------------------------------------------------------- the reference training steps
def reference_gan_step(model, x, opt_g, opt_d):
    """The textbook DCGAN step (pytorch/examples dcgan): D on real + fake, then G.

    G runs as that example writes it: its ``nn.Sequential`` of ConvTranspose2d layers on a
    (N, nz, 1, 1) code (ours computes the first layer as the matrix product it is)."""
    n = x.size(0)
    z = torch.randn(n, model.config.latent_dim, 1, 1, device=x.device)
    fake = model.generator.net(z)
    opt_d.zero_grad()
    out_r, out_f = model.discriminator(x), model.discriminator(fake.detach())
    loss_d = F.binary_cross_entropy_with_logits(out_r, torch.ones_like(out_r)) + \
        F.binary_cross_entropy_with_logits(out_f, torch.zeros_like(out_f))
    loss_d.backward()
    opt_d.step()
    opt_g.zero_grad()
    out = model.discriminator(fake)
    F.binary_cross_entropy_with_logits(out, torch.ones_like(out)).backward()
    opt_g.step()


def reference_pix2pix_step(model, a, b, opt_g, opt_d):
    fake = model.generator(a)
    opt_d.zero_grad()
    out_r = model.discriminator(torch.cat([a, b], 1))
    out_f = model.discriminator(torch.cat([a, fake.detach()], 1))
    (0.5 * (F.binary_cross_entropy_with_logits(out_r, torch.ones_like(out_r)) +
            F.binary_cross_entropy_with_logits(out_f, torch.zeros_like(out_f)))).backward()
    opt_d.step()
    opt_g.zero_grad()
    out = model.discriminator(torch.cat([a, fake], 1))
    (F.binary_cross_entropy_with_logits(out, torch.ones_like(out)) + 100 * F.l1_loss(fake, b)).backward()
    opt_g.step()


def _opts(model):
    return (torch.optim.Adam(model.generator.parameters(), 2e-4, betas=(0.5, 0.999)),
            torch.optim.Adam(model.discriminator.parameters(), 2e-4, betas=(0.5, 0.999)))


def bench(family: str, steps: int, rounds: int, batch_size: int, device: torch.device,
          precision: str = "fp32", compile_: bool = False, graph: bool = False) -> dict:
    torch.manual_seed(0)
    if family == "dcgan":
        ours = build_model("dcgan", "mnist")
        ref = build_model("dcgan", "mnist")
        ds = load_dataset("mnist")
        loader = reference_mnist_loader(batch_size)
    else:
        ours = build_model("pix2pix", "edges2shoes", ndf=32)
        ref = build_model("pix2pix", "edges2shoes", ndf=32)
        ds = load_dataset("edges2shoes", image_size=ours.config.image_size)
        loader = reference_pix2pix_loader(batch_size, ours.config.image_size)
    ours.to(device)
    ref.to(device)
    ours.setup_training()
    cfg = TrainConfig(batch_size=batch_size, precision=precision, compile=compile_)
    prepare_for_device(ours, cfg, device)
    stream = BatchStream(ds, batch_size, seed=0, device=device)  # resident on the device
    opt_g, opt_d = _opts(ref)
    ref.train()

    def sync():
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    ours.defer_stats = defers_stats(device)  # as the trainer does: statistics read every 10th step
    log_every = TrainConfig().log_every
    graphed = None
    if graph:
        from graphed_step import GraphedStep
        graphed = GraphedStep(ours, next(stream), bf16=precision == "bf16")

    def run_ours():
        sync()
        t = time.perf_counter()
        for i in range(steps):
            batch = next(stream)
            if graphed is not None:
                stats = graphed(batch)
            else:
                with autocast(cfg, device):
                    stats = ours.train_step(batch)
            if (i + 1) % log_every == 0:
                stats_to_floats(stats)
        sync()
        return steps * batch_size / (time.perf_counter() - t)

    def run_ref():
        it = iter(loader)
        sync()
        t = time.perf_counter()
        for _ in range(steps):
            try:
                item = next(it)
            except StopIteration:
                it = iter(loader)
                item = next(it)
            if family == "dcgan":
                reference_gan_step(ref, item.to(device), opt_g, opt_d)
            else:
                reference_pix2pix_step(ref, item[0].to(device), item[1].to(device), opt_g, opt_d)
        sync()
        return steps * batch_size / (time.perf_counter() - t)

    run_ours(), run_ref()  # warm-up (allocator, first-call overheads)
    a, b = [], []
    for _ in range(rounds):
        a.append(run_ours())
        b.append(run_ref())
    ours_ips, ref_ips = statistics.median(a), statistics.median(b)
    return {"family": family, "batch_size": batch_size, "ours_img_s": round(ours_ips, 1),
            "reference_img_s": round(ref_ips, 1), "ratio": round(ours_ips / ref_ips, 2)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--family", choices=["dcgan", "pix2pix", "both"], default="both")
    p.add_argument("--steps", type=int, default=40)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default="cpu")
    p.add_argument("--precision", choices=["fp32", "bf16"], help="ours (default: bf16 on a GPU, else fp32)")
    p.add_argument("--no-compile", action="store_true", help="ours without torch.compile (compiled on a GPU by default)")
    p.add_argument("--graph", action="store_true", help="ours as one CUDA graph per step (a GPU only; not compiled)")
    args = p.parse_args()
    device = resolve_device(args.device)
    gpu = device.type == "cuda"
    if args.graph and not gpu:
        p.error("--graph records CUDA graphs: it needs --device cuda on a machine with a GPU.")
    precision = args.precision or ("bf16" if gpu else "fp32")
    compile_ = gpu and not args.no_compile and not args.graph
    name = torch.cuda.get_device_name(device) if gpu else "cpu"
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, device {name}, "
          f"load average {os.getloadavg()[0]:.1f}; ours: {precision}{', compiled' if compile_ else ''}"
          f"{', one CUDA graph per step' if args.graph else ''}")
    fams = ["dcgan", "pix2pix"] if args.family == "both" else [args.family]
    for fam in fams:
        steps = args.steps if fam == "dcgan" or gpu else max(1, args.steps // 8)  # pix2pix: 8x the work a step
        r = bench(fam, steps, args.rounds, 64 if fam == "dcgan" else 8, device, precision, compile_, args.graph)
        print(f"{fam:8s} batch {r['batch_size']:3d}: ours {r['ours_img_s']:8.1f} img/s   "
              f"reference {r['reference_img_s']:8.1f} img/s   ratio {r['ratio']:.2f}x", flush=True)


if __name__ == "__main__":
    main()
