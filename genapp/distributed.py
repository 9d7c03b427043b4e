"""One run trained by several processes (``torchrun --nproc_per_node=N -m train ...``).

torchrun sets ``RANK`` / ``LOCAL_RANK`` / ``WORLD_SIZE`` / ``MASTER_ADDR`` / ``MASTER_PORT``; with
``WORLD_SIZE`` above 1, :func:`start` joins the process group (NCCL when the run trains on CUDA,
gloo on the CPU) with a timeout, so a rank that dies or hangs ends the run with an error instead
of leaving the others waiting for ever. Without those variables every helper here is a no-op and
a run is the ordinary single process.

How the ranks stay one run:

* Weights: every rank builds the model from the same seed, then rank 0's parameters and buffers
  are broadcast (:func:`join_model`); after that each rank seeds its own noise (seed + rank), so
  the ranks' fake batches differ as their real batches do.
* Data: ``genapp.data.BatchStream`` draws the same seeded order on every rank and hands rank r
  its own slice of each global batch (per-rank batch x N): the shards are disjoint.
* Gradients: averaged across ranks just before each optimizer step, by a step pre-hook on every
  optimizer the family made. Not ``DistributedDataParallel``: a GAN step runs D and G forward and
  backward in turns (and G's step runs D with its gradients switched off), which trips DDP's
  unused-parameter checks and its buffer broadcast at every forward; averaging at the step sees
  exactly the gradients the family computed, whatever its order of networks and optimizers. GP,
  R1 and the information loss are in the local gradient before the average; WGAN's clipping and
  the EMA of G run after the step on identical weights, so they stay identical on every rank.
* BatchNorm: not synchronized (no SyncBatchNorm): in training each rank normalises with its own
  batch's statistics, as one process of batch B would; the running statistics (used only to
  sample) are averaged across ranks before every sample grid and checkpoint (:func:`sync_buffers`).
* Stopping: a stop request, the time budget and a diverged loss are agreed with an all-reduce
  each step (:func:`any_rank`), so every rank stops after the same step with one checkpoint.
* Files: rank 0 alone writes samples, metrics, checkpoints and status and pushes to the Hub;
  at each checkpoint the ranks compare a hash of their weights (:func:`check_in_sync`).
"""
from __future__ import annotations

import datetime
import hashlib
import os
from contextlib import contextmanager

import torch
import torch.distributed as dist

from . import settings

DEFAULT_TIMEOUT_S = 120  # a peer silent this long ends the run (GENAPP_DIST_TIMEOUT to change)


class PeerLost(RuntimeError):
    """Another process of this run failed, was killed or stopped answering."""


def launched() -> bool:
    """Whether a launcher (torchrun) asked for more than one process."""
    return int(os.environ.get("WORLD_SIZE", "1") or 1) > 1


def active() -> bool:
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def rank() -> int:
    return dist.get_rank() if active() else 0


def world_size() -> int:
    return dist.get_world_size() if active() else 1


def is_main() -> bool:
    """Rank 0: the process that writes the run's files (all of them when single-process)."""
    return rank() == 0


def timeout_s() -> float:
    """Seconds a peer may stay silent before the run ends with an error (``GENAPP_DIST_TIMEOUT``)."""
    return float(settings.integer("GENAPP_DIST_TIMEOUT", DEFAULT_TIMEOUT_S))


def start(device_name: str = "auto") -> None:
    """Join the process group torchrun described (no-op without ``WORLD_SIZE`` > 1). On CUDA each
    process takes the GPU of its ``LOCAL_RANK``."""
    if not launched() or active():
        return
    use_cuda = device_name == "cuda" or (device_name == "auto" and torch.cuda.is_available())
    if use_cuda:
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
    dist.init_process_group("nccl" if use_cuda else "gloo", timeout=datetime.timedelta(seconds=timeout_s()))


def stop() -> None:
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


def _comm_device() -> torch.device:
    return torch.device("cuda", torch.cuda.current_device()) if dist.get_backend() == "nccl" else torch.device("cpu")


@contextmanager
def _collective(what: str):
    """Turn a backend error (a peer gone, a timeout) into one clear message."""
    try:
        yield
    except PeerLost:
        raise
    except RuntimeError as exc:
        raise PeerLost(f"another process of this {world_size()}-process run failed or stopped answering "
                       f"(during {what}; timeout {timeout_s():g} s): {str(exc).splitlines()[0] if str(exc) else exc}") from exc


def any_rank(flag: bool) -> bool:
    """True on every rank when ``flag`` is true on any rank (one tiny all-reduce)."""
    if not active():
        return bool(flag)
    t = torch.tensor([1.0 if flag else 0.0], device=_comm_device())
    with _collective("a stop check"):
        dist.all_reduce(t, op=dist.ReduceOp.MAX)
    return bool(t.item() > 0)


def broadcast_object(obj):
    """Rank 0's ``obj`` on every rank (the run folder, say)."""
    if not active():
        return obj
    box = [obj]
    with _collective("a broadcast"):
        dist.broadcast_object_list(box, src=0)
    return box[0]


def _average_grads(opt: torch.optim.Optimizer, *_args) -> None:
    grads = [p.grad for g in opt.param_groups for p in g["params"] if p.grad is not None]
    if not grads:
        return
    n = world_size()
    with _collective("the gradient average"):
        for dtype in {g.dtype for g in grads}:  # one flat all-reduce per dtype, not one per tensor
            same = [g for g in grads if g.dtype == dtype]
            flat = torch.cat([g.reshape(-1) for g in same])
            dist.all_reduce(flat)
            flat.div_(n)
            offset = 0
            for g in same:
                g.copy_(flat[offset:offset + g.numel()].view_as(g))
                offset += g.numel()


def join_model(model, seed: int) -> None:
    """Make ``model`` one of the run's replicas: rank 0's weights everywhere, gradients averaged
    before every optimizer step, and this rank's own noise stream. Call after the optimizers
    exist; a no-op single-process."""
    if not active():
        return
    with _collective("the broadcast of the initial weights"):
        for t in model.state_dict().values():
            if torch.is_tensor(t):
                dist.broadcast(t, src=0)
    for opt in model.optimizers.values():
        if not getattr(opt, "_genapp_averaged", False):
            opt.register_step_pre_hook(_average_grads)
            opt._genapp_averaged = True
    torch.manual_seed(int(seed) * 1_000_003 + 7919 * rank())


def sync_buffers(model) -> None:
    """Average the floating buffers (BatchNorm's running statistics, the AE's code statistics)
    across ranks and take rank 0's others, so samples and checkpoints see one model."""
    if not active():
        return
    with _collective("the buffer sync"):
        for buf in model.buffers():
            if buf.is_floating_point():
                dist.all_reduce(buf.data)
                buf.data.div_(world_size())
            else:
                dist.broadcast(buf.data, src=0)


def fingerprint(model) -> torch.Tensor:
    """A SHA-256 of every tensor of the model's state, as 4 int64s."""
    h = hashlib.sha256()
    for k, v in sorted(model.state_dict().items()):
        h.update(k.encode())
        h.update(v.detach().float().cpu().contiguous().numpy().tobytes())
    d = h.digest()
    return torch.tensor([int.from_bytes(d[i:i + 8], "little", signed=True) for i in range(0, 32, 8)])


def check_in_sync(model) -> None:
    """Raise when the ranks' weights differ (a bug: they must stay bit-identical)."""
    if not active():
        return
    mine = fingerprint(model).to(_comm_device())
    every = [torch.zeros_like(mine) for _ in range(world_size())]
    with _collective("the weight check"):
        dist.all_gather(every, mine)
    if any(not torch.equal(mine, other) for other in every):
        raise RuntimeError("the processes' weights differ: the run is no longer one model (a bug; please report it)")


def dump_weights(model) -> None:
    """Debug: with ``GENAPP_DIST_DUMP`` set to a folder, every rank other than 0 saves its weights
    there as ``rank<r>.safetensors`` (the tests compare them with rank 0's checkpoint)."""
    if not settings.is_set("GENAPP_DIST_DUMP") or is_main():
        return
    from .checkpoints import atomic_save_tensors
    atomic_save_tensors(settings.path("GENAPP_DIST_DUMP") / f"rank{rank()}.safetensors", model.state_dict_for_save())
