"""``python -m train <family> --dataset <name> [--steps N | --epochs N] ...``

The same engine as the app (``genapp.trainer.train``) in the foreground, with a progress bar.
Writes DIR/config.json, DIR/model.safetensors (+ training state, to resume), DIR/metrics.jsonl
and DIR/samples/*.png. Ctrl-C (or SIGTERM) stops after the current step and saves a checkpoint; a
second Ctrl-C quits at once, keeping the last checkpoint.

``torchrun --nproc_per_node=N -m train ...`` trains the same run in N processes (one per GPU, or
gloo processes on the CPU): see ``genapp.distributed``. Rank 0 shows the progress, writes the
folder and pushes; a Ctrl-C or SIGTERM on any rank stops them all after the same step.
"""
from __future__ import annotations

import json
import shlex
import sys
import time
from pathlib import Path

from .arguments import check, parser, thread_governor
from .progress import Progress
from .push import push_finished
from .stopping import SAME_PRESS_S, StopOnSignal


def main(argv: list[str] | None = None) -> int:
    """Parse -> RunSpec (or the resumed run's config) -> train, in the foreground."""
    args = parser().parse_args(argv)
    from genapp import distributed as dist

    check(args)
    dist.start(args.device)  # under torchrun: join the other processes (a no-op otherwise)
    try:
        return _main(args, argv)
    finally:
        dist.stop()


def _main(args, argv) -> int:
    from genapp import checkpoints as ckpt
    from genapp import distributed as dist
    from genapp.trainer import precision_warning, train

    from .setup import new_run, resumed_run

    command = "python -m train " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    governor = thread_governor(args.threads)
    try:
        model, cfg, folder, ds, start_step = (resumed_run if args.resume else new_run)(args, command)
    except (ValueError, FileNotFoundError, KeyError) as exc:
        raise SystemExit(f"error: {exc}")
    if ds.synthetic and dist.active():
        raise SystemExit(f"error: {model.family} trains on toy data drawn afresh every step, in one process: "
                         f"run it with python -m train {model.family} ... (not torchrun).")
    if not dist.is_main():
        return _follow(model, cfg, folder, ds, start_step, governor)
    folder.mkdir(parents=True, exist_ok=True)
    warning = precision_warning(cfg.precision, cfg.device)  # also a resumed bf16 run on another machine
    if warning:
        print(warning, file=sys.stderr)
    if dist.active():
        print(f"{dist.world_size()} processes: {cfg.batch_size} images per process per step, "
              f"{cfg.batch_size * dist.world_size()} per step in all", file=sys.stderr)
    progress = Progress(cfg.steps, start_step, f"{model.family}/{model.config.dataset}", governor, bool(args.resume))
    t0, aborted_at = time.time(), None
    with StopOnSignal(SAME_PRESS_S if dist.active() else 0.0) as stop:
        try:
            end = train(model, cfg, folder, start_step=start_step, dataset=ds, on_event=progress.on_event,
                        should_stop=stop.requested, threads=governor)
        except KeyboardInterrupt:  # a second Ctrl-C: no new checkpoint, the folder keeps the last one
            aborted_at, kept = progress.bar.n, progress.saved_step
            end = {"status": "stopped", "step": kept if kept is not None else start_step,
                   "reason": f"quit by a second Ctrl-C at step {aborted_at}; " +
                             (f"the last checkpoint is step {kept}" if kept is not None else "no checkpoint was saved")}
    progress.close()
    wall = time.time() - t0
    status = {"status": end["status"], "step": end["step"], "reason": end.get("reason", ""), "family": model.family,
              "dataset": model.config.dataset, "total_steps": cfg.steps, "wall_s": round(wall, 1),
              "world_size": dist.world_size()}
    ckpt.atomic_write_text(folder / "status.json", json.dumps(status))
    if aborted_at is not None:
        print(f"aborted: {end['reason']} -> {folder}")
        return 130  # the shell's code for a program ended by Ctrl-C
    last = progress.metrics
    print(f"{end['status']} at step {end['step']} in {wall:.1f}s -> {folder}" + (f"  {last}" if last else ""))
    if end["status"] == "failed":
        print(f"error: {end['reason']}", file=sys.stderr)
        return 1
    return push_finished(folder, args.push_to_hub, end) if args.push_to_hub else 0


def _follow(model, cfg, folder, ds, start_step, governor) -> int:
    """Ranks other than 0: the same loop, no bar and no files; a failure is said on stderr."""
    from genapp import distributed as dist
    from genapp.trainer import train

    try:
        with StopOnSignal(SAME_PRESS_S) as stop:
            end = train(model, cfg, folder, start_step=start_step, dataset=ds, should_stop=stop.requested,
                        threads=governor)
    except KeyboardInterrupt:  # a second Ctrl-C: rank 0 keeps the folder's last checkpoint
        return 130
    if end["status"] == "failed":
        print(f"error (rank {dist.rank()}): {end['reason']}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
