"""``--push-to-hub``: after a run, send its folder to a Hub model repo (token: ``HF_TOKEN``).

Only a finished run is pushed: a stopped one says how to push it later.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path


def push_finished(folder: Path, repo_id: str, end: dict) -> int:
    """Push ``folder`` to ``repo_id`` if the run ended ``finished``; the CLI's exit code."""
    from genapp.hub import HubError, push

    if end["status"] != "finished":
        print(f"not pushed to {repo_id}: the run {end['status']} before its last step "
              f"(push it later with genapp.hub.push)")
        return 0
    try:
        url = push(folder, repo_id, token=os.environ.get("HF_TOKEN"),
                   progress=lambda fraction, message: print(f"hub: {message}"))
    except HubError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("pushed:", url)
    return 0
