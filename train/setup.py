"""A run for the command line to train: a new one from its :class:`RunSpec`, or one continued
from its folder (``--resume``), each as (model, train config, folder, dataset, start step)."""
from __future__ import annotations

import json
from dataclasses import replace

from genapp import checkpoints as ckpt
from genapp import distributed as dist
from genapp import (
    trainer,  # trainer.dataset_for looked up at each call (tests replace it)
)
from genapp.config import TrainConfig
from genapp.models import model_from_config
from genapp.runs import next_run_id, runs_root

from .arguments import spec_from_args, steps_of


def new_run(args, command: str):
    """A new run: RunSpec -> model, config (with the line as typed), folder."""
    spec = spec_from_args(args)
    model = spec.build()
    if args.init_from:
        from genapp.api import init_from
        from genapp.hub import HubError
        try:
            init_from(model, args.init_from)
        except HubError as exc:  # offline, unknown repo, no access: say so, no traceback
            raise ValueError(f"--init-from {args.init_from}: {exc}") from exc
    ds = trainer.dataset_for(model)
    spec = replace(spec, steps=steps_of(args, spec, max(1, len(ds) // (spec.batch * dist.world_size())), None))
    cfg = spec.train_config(model).replace(command=command)  # the line as typed
    cfg = cfg.replace(extra={**cfg.extra, **_world()})
    folder = args.out or dist.broadcast_object(  # rank 0 picks the next free folder, for every rank
        runs_root() / next_run_id(runs_root(), spec.family, model.config.dataset) if dist.is_main() else None)
    return model, cfg, folder, ds, 0


def _world() -> dict:
    """What the config records of the processes (the effective batch is per-rank batch x N)."""
    return {"world_size": dist.world_size()}


def resumed_run(args, command: str):
    """(model, train config, folder, dataset, start step) of ``--resume DIR``: its own settings,
    with what this command line changes; the config lists how the run was continued."""
    folder = args.resume
    if not (folder / ckpt.CONFIG_NAME).is_file():
        raise ValueError(f"--resume {folder}: not a run folder (it has no {ckpt.CONFIG_NAME}). Give the "
                         f"folder a run wrote, e.g. {runs_root() / '00001-dcgan-mnist'}.")
    config = json.loads((folder / ckpt.CONFIG_NAME).read_text())
    model = model_from_config(config)
    start_step = ckpt.load_checkpoint(folder, model)
    cfg = TrainConfig.from_dict(config.get("train", {}))
    ds = trainer.dataset_for(model)
    steps = steps_of(args, None, max(1, len(ds) // (cfg.batch_size * dist.world_size())), max(cfg.steps, start_step))
    extra = {**cfg.extra, "lr": model.config.lr, **_world()}
    if cfg.command:  # keep how the run began; list how it was continued
        extra["resumed_with"] = [*cfg.extra.get("resumed_with", []), command]
        extra["resumed_at"] = [*cfg.extra.get("resumed_at", []), start_step]
    cfg = cfg.replace(steps=steps, device=args.device, command=cfg.command or command, minutes=args.minutes or 0.0,
                      precision=args.precision or cfg.precision, compile=args.compile or cfg.compile,
                      sample_every=args.sample_every or cfg.sample_every,
                      checkpoint_every=args.checkpoint_every or cfg.checkpoint_every, extra=extra)
    return model, cfg, folder, ds, start_step


