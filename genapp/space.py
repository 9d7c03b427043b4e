"""Put the app on a Hugging Face Space: ``python -m genapp.space owner/name``.

A plain ``git push`` of this repository to a Space is refused: the Hub takes no file over 10 MB
outside LFS, and the shipped weights (pix2pix 26 MB, CycleGAN 19 MB) sit in the history as plain
blobs. This uploads the working tree's app files instead, in one commit through the Hub's HTTP
API, which stores the large files in LFS / Xet by itself, and removes from the Space what the
tree no longer has, so a second deploy leaves the Space equal to the tree.

What goes: ``app.py``, ``requirements.txt``, ``README.md`` (its YAML header is the Space's
settings: Gradio SDK, version, ``app_file``), ``genapp/``, ``train/``, ``pretrained/`` and
``docs/`` (the README links there). In a git checkout only tracked files go (never a run folder,
a virtual environment or the data); elsewhere the same folders, without caches. Tests, benches
and CI stay out.

The token is the owner's: ``--token``, else ``HF_TOKEN`` or a saved ``hf auth login``. It is
never printed, and a deploy refuses to upload a file that contains it.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from . import hub

ROOT = Path(__file__).resolve().parent.parent
FILES = ("app.py", "requirements.txt", "README.md", "LICENSE")
FOLDERS = ("genapp", "train", "pretrained", "docs")
SKIP_PARTS = {"__pycache__", ".ipynb_checkpoints"}
SKIP_SUFFIXES = (".pyc", ".pyo", ".tmp")
KEEP_REMOTE = {".gitattributes"}  # the Hub's own file: LFS rules of the Space


def _tracked(root: Path) -> list[str] | None:
    """Files git tracks under ``root`` (relative, '/'-separated), or None outside a checkout."""
    if not (root / ".git").exists():  # ls-files of an enclosing repository: not this tree's list
        return None
    try:
        out = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], capture_output=True, check=True,
                             timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return [p for p in out.decode("utf-8", "replace").split("\0") if p]


def space_files(root: str | Path = ROOT) -> list[str]:
    """The paths (relative to ``root``) a deploy uploads, sorted."""
    root = Path(root)
    listed = _tracked(root)
    if listed is None:
        listed = [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()]
    chosen = []
    for rel in listed:
        parts = rel.split("/")
        wanted = rel in FILES if len(parts) == 1 else parts[0] in FOLDERS
        if (wanted and not SKIP_PARTS.intersection(parts) and not rel.endswith(SKIP_SUFFIXES)
                and (root / rel).is_file()):  # tracked but deleted in the tree: not there to send
            chosen.append(rel)
    missing = [name for name in ("app.py", "requirements.txt", "README.md") if name not in chosen]
    if missing:
        raise hub.HubError(f"{root} is not a GAN Studio checkout: {', '.join(missing)} missing.")
    return sorted(chosen)


def megabytes(root: str | Path, files: list[str]) -> float:
    """What ``files`` (from :func:`space_files`) weigh, in MiB."""
    return sum((Path(root) / rel).stat().st_size for rel in files) / 2**20


def check_header(root: str | Path = ROOT) -> dict:
    """The README's YAML header, checked the way the Hub checks it before it takes a commit (a
    refusal there comes after the upload): a Gradio Space whose ``app_file`` exists and whose
    ``short_description`` fits the Hub's 60 characters."""
    import yaml

    root = Path(root)
    text = (root / "README.md").read_text(encoding="utf-8")
    parts = text.split("---\n", 2)
    meta = yaml.safe_load(parts[1]) if text.startswith("---\n") and len(parts) == 3 else None
    if not isinstance(meta, dict):
        raise hub.HubError("README.md has no YAML header (--- ... ---): a Space reads its settings there.")
    problems = []
    if meta.get("sdk") != "gradio":
        problems.append(f"sdk is {meta.get('sdk')!r}, not 'gradio'")
    if not (root / str(meta.get("app_file", ""))).is_file():
        problems.append(f"app_file {meta.get('app_file')!r} is not a file here")
    if len(str(meta.get("short_description", ""))) > 60:
        problems.append(f"short_description has {len(str(meta['short_description']))} characters "
                        f"(the Hub takes at most 60)")
    if problems:
        raise hub.HubError("README.md's header would be refused: " + "; ".join(problems) + ".")
    return meta


def _token(token: str | None) -> str:
    token = (token or "").strip() if isinstance(token, str) else ""
    if not token:
        from huggingface_hub import get_token

        token = (get_token() or "").strip()
    if not token:
        raise hub.HubError("No Hugging Face token: pass --token, set HF_TOKEN or run `hf auth login` "
                           "(a token with write access, https://huggingface.co/settings/tokens).")
    return token


def deploy(space_id: str, token: str | None = None, *, private: bool = False, root: str | Path = ROOT,
           message: str = "Deploy GAN Studio", report=print) -> str:
    """Create the Gradio Space ``space_id`` if needed and make its files those of ``root`` in one
    commit; returns the Space's URL. ``report(message)`` hears each stage."""
    from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi
    from huggingface_hub.errors import HfHubHTTPError

    space_id = hub.check_repo_id(space_id)
    root = Path(root)
    files = space_files(root)
    check_header(root)
    token = _token(token)
    if hub.offline():
        raise hub.HubOffline("Offline mode (HF_HUB_OFFLINE=1): cannot deploy to the Hub.")
    needle = token.encode()
    for rel in files:
        if needle in (root / rel).read_bytes():
            raise hub.HubError(f"Not deploying: {rel} contains the Hugging Face token.")
    mb = megabytes(root, files)
    api = HfApi(endpoint=hub.endpoint(), token=token, library_name="genapp")
    try:
        report(f"Creating the Space {space_id} (if needed)")
        url = str(api.create_repo(space_id, repo_type="space", space_sdk="gradio", private=private, exist_ok=True))
        remote = set(api.list_repo_files(space_id, repo_type="space"))
        stale = sorted(remote - set(files) - KEEP_REMOTE)
        report(f"Uploading {len(files)} files ({mb:.1f} MB)" + (f", removing {len(stale)}" if stale else ""))
        operations = [CommitOperationAdd(rel, str(root / rel)) for rel in files]
        operations += [CommitOperationDelete(rel) for rel in stale]
        api.create_commit(space_id, operations, repo_type="space", commit_message=message)
    except HfHubHTTPError as exc:
        raise hub.http_error(exc, token, f"deploy to the Space {space_id}") from None
    except hub.network_errors() as exc:
        raise hub.HubOffline(f"Could not reach the Hugging Face Hub to deploy {space_id} "
                             f"({type(exc).__name__}).") from None
    report(f"Deployed: {url} (the Space builds from requirements.txt, then starts app.py)")
    return url


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m genapp.space", description=__doc__.splitlines()[0])
    p.add_argument("space_id", help="owner/name of the Space (created as a Gradio Space if it does not exist)")
    p.add_argument("--token", help="a write token; default HF_TOKEN or a saved `hf auth login`")
    p.add_argument("--private", action="store_true", help="create the Space private")
    p.add_argument("--dry-run", action="store_true", help="list what would be uploaded, upload nothing")
    args = p.parse_args(argv)
    try:
        if args.dry_run:
            files = space_files()
            check_header()
            for rel in files:
                print(rel)
            mb = megabytes(ROOT, files)
            print(f"{len(files)} files, {mb:.1f} MB would go to {hub.check_repo_id(args.space_id)}")
            return 0
        deploy(args.space_id, args.token, private=args.private)
    except hub.HubError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
