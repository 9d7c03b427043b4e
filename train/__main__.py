"""``python -m train <family> --dataset <name> [--steps N | --epochs N] ...``

The same engine as the app (``genapp.trainer.train``) in the foreground, with a progress bar.
Writes DIR/config.json, DIR/model.safetensors (+ training state, to resume), DIR/metrics.jsonl
and DIR/samples/*.png. Ctrl-C (or SIGTERM) stops after the current step and saves a checkpoint; a
second Ctrl-C quits at once, keeping the last checkpoint.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import sys
import threading
import time
from pathlib import Path


UNLIMITED = 10**9  # the step "limit" of a run that only --minutes ends


def parser() -> argparse.ArgumentParser:
    from genapp.data import DATASETS, data_dir
    from genapp.models import FAMILIES

    fams = "\n".join(f"  {name:9s} datasets: {', '.join(cls.datasets)}" for name, cls in FAMILIES.items())
    p = argparse.ArgumentParser(
        prog="python -m train", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Train a model of the course on real data.",
        epilog=f"families:\n{fams}\n\ndatasets: {', '.join(DATASETS)} (files in {data_dir()}: $GENAPP_DATA_DIR, "
               "or a folder of the user's cache; fetched there on first use when online)\n\n"
               "example: python -m train dcgan --dataset mnist --epochs 1")
    p.add_argument("family", choices=list(FAMILIES), metavar="family", help="one of: " + ", ".join(FAMILIES))
    p.add_argument("--dataset", choices=list(DATASETS), help="default: the family's first dataset")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--steps", type=int, help="total optimisation steps (default 1000)")
    g.add_argument("--epochs", type=float, help="passes over the dataset (turned into steps)")
    p.add_argument("--minutes", type=float,
                   help="stop after this much training time (a checkpoint, status finished); with "
                        "--set lr_decay=F the rate falls to 0 by then. Alone: no step limit")
    p.add_argument("--batch-size", type=int, help="images per step (default: the family's recipe: 64; pix2pix 8, cyclegan 1)")
    p.add_argument("--lr", type=float, help="learning rate (default: the family's recipe)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    p.add_argument("--precision", choices=["fp32", "bf16", "auto"],
                   help="bf16: mixed precision (bf16 autocast); auto: bf16 where the GPU or CPU computes it "
                        "natively (AVX512-BF16 / AMX), else fp32. Default fp32, or the resumed run's")
    p.add_argument("--compile", action="store_true", help="torch.compile the networks first (for a GPU)")
    p.add_argument("--threads", default="auto", metavar="N|auto",
                   help="CPU threads. auto (default): all the cores, and fewer while another program keeps "
                        "one busy (the run times its steps); OMP_NUM_THREADS, if set, pins the count instead")
    p.add_argument("--out", type=Path, help="run folder (default: $GENAPP_RUNS_DIR/NNNNN-<family>-<dataset>)")
    p.add_argument("--resume", type=Path, metavar="DIR", help="continue the run in DIR from its last checkpoint")
    p.add_argument("--init-from", metavar="MODEL",
                   help="start from this model's weights (a pretrained name, folder, run id or Hub repo id; "
                        "same family, dataset and --set values) with fresh optimizer state")
    p.add_argument("--push-to-hub", metavar="REPO_ID", help="push the result to this Hub model repo (token: HF_TOKEN)")
    p.add_argument("--sample-every", type=int, help="steps between sample grids")
    p.add_argument("--checkpoint-every", type=int, help="steps between checkpoints")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a model config field, e.g. --set penalty=gp (JSON values)")
    return p


def _overrides(pairs: list[str]) -> dict:
    out = {}
    for pair in pairs:
        key, sep, val = pair.partition("=")
        if not sep:
            raise SystemExit(f"--set expects KEY=VALUE, got {pair!r}")
        try:
            out[key] = json.loads(val)
        except json.JSONDecodeError:
            out[key] = val
    return out


def _thread_governor(value: str):
    """Apply ``--threads``: a number pins this process's count; ``auto`` returns the governor of
    :func:`genapp.threads.train_governor` (None where there is one core, or ``OMP_NUM_THREADS``
    already pins the count)."""
    from genapp import threads

    if value.strip().lower() == "auto":
        return threads.train_governor("OMP_NUM_THREADS")
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise SystemExit(f"--threads expects a whole number of at least 1, or auto; got {value!r}.")
    threads.use_threads(n)
    return None


def _say(message: str) -> None:
    """Print from a signal handler: the interrupted code may itself be printing."""
    try:
        print(message, file=sys.stderr, flush=True)
    except RuntimeError:  # "reentrant call": the message is dropped, the stop is not
        pass


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    import torch
    from tqdm import tqdm

    from genapp import checkpoints as ckpt
    from genapp.config import TrainConfig
    from genapp.models import build_model, model_from_config
    from genapp.runs import RunRegistry, runs_root
    from genapp.trainer import dataset_for, precision_warning, train

    command = "python -m train " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    for name, val in (("--steps", args.steps), ("--batch-size", args.batch_size)):
        if val is not None and val < 1:
            raise SystemExit(f"{name} must be at least 1.")
    if args.epochs is not None and not args.epochs > 0:
        raise SystemExit("--epochs must be more than 0 (for example 0.5 or 3).")
    if args.minutes is not None and not args.minutes > 0:
        raise SystemExit("--minutes must be more than 0.")
    governor = _thread_governor(args.threads)
    if args.push_to_hub:  # a missing token or a bad repo id should stop us before training, not after
        from genapp.hub import HubError, check_repo_id, resolve_token
        try:
            check_repo_id(args.push_to_hub)
            resolve_token(os.environ.get("HF_TOKEN"))
        except HubError as exc:
            raise SystemExit(f"error: {exc}")
    if args.resume and args.init_from:
        raise SystemExit("error: --resume continues a run with its own weights; --init-from starts a new run. Use one.")
    start_step = 0
    init_source = None
    try:
        if args.resume:
            folder = args.resume
            if not (folder / ckpt.CONFIG_NAME).is_file():
                raise ValueError(f"--resume {folder}: not a run folder (it has no {ckpt.CONFIG_NAME}). Give the "
                                 f"folder a run wrote, e.g. {runs_root() / '00001-dcgan-mnist'}.")
            config = json.loads((folder / ckpt.CONFIG_NAME).read_text())
            model = model_from_config(config)
            start_step = ckpt.load_checkpoint(folder, model)
            cfg = TrainConfig.from_dict(config.get("train", {}))
        else:
            torch.manual_seed(args.seed)
            overrides = _overrides(args.set)
            if "lr" in overrides and args.lr is not None:
                raise ValueError("--set lr=... and --lr: give the learning rate once.")
            overrides.setdefault("lr", args.lr)
            model = build_model(args.family, args.dataset, **overrides)
            if args.init_from:
                from genapp.api import init_from
                from genapp.hub import HubError
                try:
                    init_source = init_from(model, args.init_from)
                except HubError as exc:  # offline, unknown repo, no access: say so, no traceback
                    raise ValueError(f"--init-from {args.init_from}: {exc}") from exc
            cfg = TrainConfig(batch_size=args.batch_size or type(model).default_batch_size, seed=args.seed)
            folder = args.out or (runs_root() / RunRegistry(runs_root())._next_id(args.family, model.config.dataset))
    except (ValueError, FileNotFoundError, KeyError) as exc:
        raise SystemExit(f"error: {exc}")
    ds = dataset_for(model)
    steps_per_epoch = max(1, len(ds) // cfg.batch_size)
    steps = args.steps or (int(round(args.epochs * steps_per_epoch)) if args.epochs else None)
    if not steps and args.minutes:
        steps = UNLIMITED  # the time budget alone decides
    steps = steps or (max(cfg.steps, start_step) if args.resume else 1000)
    extra = {"lr": model.config.lr}
    if init_source:
        extra["init_from"] = args.init_from
    elif args.resume and cfg.extra.get("init_from"):
        extra["init_from"] = cfg.extra["init_from"]
    if args.resume and cfg.command:  # keep how the run began; list how it was continued
        extra["resumed_with"] = [*cfg.extra.get("resumed_with", []), command]
        extra["resumed_at"] = [*cfg.extra.get("resumed_at", []), start_step]
        command = cfg.command
    cfg = cfg.replace(steps=steps, device=args.device, command=command, minutes=args.minutes or 0.0,
                      precision=args.precision or cfg.precision, compile=args.compile or cfg.compile,
                      sample_every=args.sample_every or (cfg.sample_every if args.resume else max(1, min(200, steps // 10))),
                      checkpoint_every=args.checkpoint_every or (cfg.checkpoint_every if args.resume else max(1, min(1000, steps))),
                      extra=extra)
    folder.mkdir(parents=True, exist_ok=True)
    warning = precision_warning(cfg.precision, cfg.device)  # also a resumed bf16 run on another machine
    if warning:
        print(warning, file=sys.stderr)

    stop = threading.Event()     # set by Ctrl-C / SIGTERM: the loop checkpoints and ends before its next step
    saving = threading.Event()   # set once the loop has seen the request and writes its last checkpoint

    def should_stop() -> bool:
        if stop.is_set():
            saving.set()
            return True
        return False

    def on_sigint(signum, frame):
        # Ctrl-C stops after the current step with a checkpoint; a second one quits at once (a slow
        # step need not be waited for), except while that checkpoint is being written.
        if not stop.is_set():
            stop.set()
            _say("\nCtrl-C: stopping after this step, with a checkpoint (Ctrl-C again to quit at once)")
        elif not saving.is_set():
            raise KeyboardInterrupt

    # `kill <pid>` (SIGTERM) stops like Ctrl-C: after the current step, with a checkpoint. A run
    # started in the background (`... &`) ignores SIGINT, so this is how one stops it cleanly.
    previous_sigint = None
    if threading.current_thread() is threading.main_thread():  # signal handlers live in the main thread only
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not where SIGINT is ignored
            previous_sigint = signal.signal(signal.SIGINT, on_sigint)
    bar = tqdm(total=None if steps == UNLIMITED else steps, initial=start_step, desc=f"{model.family}/{model.config.dataset}", unit="step")
    last = {}
    shown_threads = governor.threads if governor else None  # the count the bar last spoke of

    def on_event(e):
        nonlocal shown_threads
        if e["type"] == "step":
            bar.update(1)
            if governor is not None and e.get("threads") not in (None, shown_threads):  # None: off the CPU
                shown_threads = e["threads"]
                why = ("another program keeps a core busy, and fewer threads train faster then"
                       if e["threads"] < governor.max_threads else "the cores are free again")
                bar.write(f"step {e['step']}: training on {e['threads']} of {governor.max_threads} threads ({why})")
            if e["step"] % 10 == 0:
                bar.set_postfix({k: f"{v:.3g}" for k, v in list(e["losses"].items())[:4]})
        elif e["type"] == "sample" and e.get("metrics"):
            last.update(e["metrics"])
        elif e["type"] == "checkpoint":
            saved["step"] = e["step"]
    saved = {"step": start_step if args.resume else None}  # the step of the last checkpoint in the folder
    t0 = time.time()
    aborted_at = None
    try:
        end = train(model, cfg, folder, start_step=start_step, dataset=ds, on_event=on_event, should_stop=should_stop,
                    threads=governor)
    except KeyboardInterrupt:  # a second Ctrl-C: no new checkpoint, the folder keeps the last one
        aborted_at = bar.n
        kept = saved["step"]
        end = {"status": "stopped", "step": kept if kept is not None else start_step,
               "reason": f"quit by a second Ctrl-C at step {aborted_at}; " +
                         (f"the last checkpoint is step {kept}" if kept is not None else "no checkpoint was saved")}
    finally:
        if previous_sigint is not None:
            signal.signal(signal.SIGINT, previous_sigint)
    bar.close()
    wall = time.time() - t0
    status = {"status": end["status"], "step": end["step"], "reason": end.get("reason", ""),
              "family": model.family, "dataset": model.config.dataset, "total_steps": steps,
              "wall_s": round(wall, 1)}
    ckpt.atomic_write_text(folder / "status.json", json.dumps(status))
    if aborted_at is not None:
        print(f"aborted: {end['reason']} -> {folder}")
        return 130  # the shell's code for a program ended by Ctrl-C
    print(f"{end['status']} at step {end['step']} in {wall:.1f}s -> {folder}" + (f"  {last}" if last else ""))
    if end["status"] == "failed":
        print(f"error: {end['reason']}", file=sys.stderr)
        return 1
    if args.push_to_hub and end["status"] == "finished":
        from genapp.hub import HubError, push
        try:
            url = push(folder, args.push_to_hub, token=os.environ.get("HF_TOKEN"),
                       progress=lambda fraction, message: print(f"hub: {message}"))
        except HubError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print("pushed:", url)
    elif args.push_to_hub:
        print(f"not pushed to {args.push_to_hub}: the run {end['status']} before its last step "
              f"(push it later with genapp.hub.push)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
