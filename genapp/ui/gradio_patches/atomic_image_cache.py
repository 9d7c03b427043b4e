"""Atomic writes for Gradio's output-image cache (a fix for a race under load).

Gradio saves every output image to ``<cache>/<hash of its bytes>/image.<fmt>`` with
``Path.write_bytes``, which truncates the file and then writes it. When two requests return the
*same* image at the same time -- sixteen students pressing Generate with the default seed 0 --
one request rewrites the file while the other's client is downloading it, and that download gets
0 bytes ("peer closed connection without sending complete message body"; bench/load.py saw 4 of
160 calls fail this way). Here the bytes go to a temporary file that is renamed over the target:
a reader sees either the old or the new file, both complete and identical. A file that is
already complete is not written again.
"""
from __future__ import annotations

from pathlib import Path

from genapp.checkpoints import atomic_write_bytes


def _write_atomic(path: Path, data: bytes) -> None:
    if path.is_file() and path.stat().st_size == len(data):
        return  # same hash, same length: these very bytes are already there
    atomic_write_bytes(path, data, durable=False)


def install() -> None:
    """Replace ``gradio.processing_utils.save_pil_to_cache`` with an atomic version (idempotent)."""
    from gradio import processing_utils as pu

    if getattr(pu.save_pil_to_cache, "genapp_atomic", False):
        return

    def save_pil_to_cache(img, cache_dir: str, name: str = "image", format: str = "webp") -> str:
        data = pu.encode_pil_to_bytes(img, format)
        folder = Path(cache_dir) / pu.hash_bytes(data)
        folder.mkdir(exist_ok=True, parents=True)
        path = (folder / f"{name}.{format}").resolve()
        _write_atomic(path, data)
        return str(path)

    save_pil_to_cache.genapp_atomic = True
    pu.save_pil_to_cache = save_pil_to_cache
