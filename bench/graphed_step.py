"""A model's whole training step captured once as a CUDA graph and replayed (for the GPU bench).

On a GPU a 28-px DCGAN step at batch 64 is a few hundred tiny kernels, each launched from Python:
the launches, not the arithmetic, bound the step, and bf16 or ``--compile`` only add host work
(``python bench/train_throughput.py --device cuda``). A CUDA graph records the kernels of one
step (both networks' forward and backward passes, both Adam updates, the noise draw) and replays
them with a single launch.

What capture needs, and how the step provides it:
* no reads of the GPU on the host during the step: ``defer_stats`` makes ``train_step`` return
  its statistics as tensors (they become static outputs, refreshed by every replay);
* optimizers whose step counters live on the GPU: Adam with ``capturable=True``;
* static inputs: each batch is copied into the tensors the graph was recorded with;
* the noise: ``torch.randn`` on the CUDA generator is graph-safe (each replay draws anew);
* a few eager steps first, on a side stream, so that cuDNN, the allocator and Adam's state are
  settled before recording. Those warm-up steps train the model too, as real steps.

A graph replays the kernels of the step it recorded, so the step must do the same work every
time: true of the dcgan and pix2pix steps the bench measures (their random numbers are drawn on
the GPU), not of CycleGAN's pool of past fakes, whose choices are made in Python.
The learning rate is recorded as a number, so a schedule that changes it (``lr_decay``) needs a
new capture; this bench trains at the recipe's constant rate. bf16 autocast needs its weight
cache off inside a graph (``cache_enabled=False``).
"""
from __future__ import annotations

from typing import Any

import torch


def make_capturable(optimizers: dict[str, torch.optim.Optimizer]) -> None:
    """Adam/AdamW keep their step counters on the device, so a graph can update them."""
    for opt in optimizers.values():
        for group in opt.param_groups:
            if "capturable" not in group:
                raise ValueError(f"{type(opt).__name__} cannot be captured in a CUDA graph.")
            group["capturable"] = True
        for state in opt.state.values():
            if "step" in state and state["step"].device.type != "cuda":
                raise ValueError("make the optimizers capturable before their first step.")


class GraphedStep:
    """``step(batch)`` runs ``model.train_step`` by replaying one recorded CUDA graph.

    ``model`` must be on the GPU with its optimizers made (``setup_training``) and not yet stepped.
    ``example`` is a batch of the shapes every later batch has.
    """

    def __init__(self, model, example: dict[str, torch.Tensor], warmup: int = 3, bf16: bool = False):
        if not torch.cuda.is_available() or model.device.type != "cuda":
            raise RuntimeError("a CUDA graph needs the model on a CUDA GPU.")
        self.model, self.bf16 = model, bf16
        model.defer_stats = True
        make_capturable(model.optimizers)
        self.static = {k: v.detach().clone() for k, v in example.items()}
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(warmup):
                self._step()
        torch.cuda.current_stream().wait_stream(side)
        torch.cuda.synchronize()
        self.graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(self.graph):
            self.stats: dict[str, Any] = self._step()

    def _step(self) -> dict[str, Any]:
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=self.bf16, cache_enabled=False):
            return self.model.train_step(self.static)

    def __call__(self, batch: dict[str, torch.Tensor]) -> dict[str, Any]:
        for k, v in batch.items():
            self.static[k].copy_(v, non_blocking=True)
        self.graph.replay()
        return self.stats
