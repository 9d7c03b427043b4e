"""Hugging Face Hub: pull a model repo (config.json + model.safetensors only) and push one.

Downloads use ``snapshot_download`` restricted to safe file patterns, then the folder is
validated before anything is loaded. Tokens are passed through, never logged or stored.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

SAFE_PATTERNS = ["config.json", "model.safetensors", "README.md", "*.png"]
REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")


class HubError(RuntimeError):
    """A Hub operation failed in a way the user can act on."""


def offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "0").lower() not in ("0", "", "false")


def check_repo_id(repo_id: str) -> str:
    repo_id = (repo_id or "").strip()
    if not REPO_ID.match(repo_id) or ".." in repo_id:
        raise HubError(f"{repo_id!r} is not a Hub repo id; write it as owner/name, e.g. alice/mnist-dcgan.")
    return repo_id


def download(repo_id: str, token: str | None = None) -> Path:
    """Fetch a model repo's safe files into the local cache and return the folder."""
    from huggingface_hub import list_repo_files, snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError, RepositoryNotFoundError

    repo_id = check_repo_id(repo_id)
    try:
        if not offline():
            files = list_repo_files(repo_id, token=token)
            if "model.safetensors" not in files:
                risky = [f for f in files if f.endswith((".bin", ".pt", ".pth", ".pkl", ".ckpt"))]
                raise HubError(f"{repo_id} has no model.safetensors" +
                               (f"; it holds {', '.join(risky)}, which we never load (pickle files can run code)." if risky else "."))
        folder = snapshot_download(repo_id, allow_patterns=SAFE_PATTERNS, token=token)
    except HubError:
        raise
    except LocalEntryNotFoundError as exc:
        raise HubError(f"{repo_id} is not in the local cache and the Hub cannot be reached (offline). "
                       f"Use a pretrained model instead.") from exc
    except RepositoryNotFoundError as exc:
        raise HubError(f"No model repo {repo_id} on the Hub (or it is private and no token was given).") from exc
    except (HfHubHTTPError, OSError) as exc:
        raise HubError(f"Could not download {repo_id}: {type(exc).__name__}. Check the network, or use a pretrained model.") from exc
    return Path(folder)


def push_folder(folder: str | Path, repo_id: str, token: str | None = None, private: bool = False,
                commit_message: str = "Upload from GAN Studio") -> str:
    """Create (if needed) ``repo_id`` and upload a model folder's safe files; returns the repo URL."""
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    repo_id = check_repo_id(repo_id)
    if offline():
        raise HubError("Offline (HF_HUB_OFFLINE=1): cannot push to the Hub. The model stays in its local folder.")
    folder = Path(folder)
    if not (folder / "model.safetensors").exists():
        raise HubError(f"{folder} has no model.safetensors to push; train the model first.")
    api = HfApi(token=token)
    try:
        url = api.create_repo(repo_id, repo_type="model", private=private, exist_ok=True)
        api.upload_folder(repo_id=repo_id, folder_path=str(folder), allow_patterns=SAFE_PATTERNS + ["samples/*.png"],
                          commit_message=commit_message)
    except HfHubHTTPError as exc:
        status = getattr(getattr(exc, "response", None), "status_code", "?")
        hint = " Check that the token has write access." if status in (401, 403) else ""
        raise HubError(f"The Hub refused the push of {repo_id} (HTTP {status}).{hint}") from None
    except OSError as exc:
        raise HubError(f"Could not reach the Hub to push {repo_id}: {type(exc).__name__}.") from None
    return str(url)
