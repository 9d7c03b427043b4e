"""Gradio's output-image cache under concurrent identical outputs (genapp/ui/gradio_patches/atomic_image_cache.py): a
reader never sees a truncated file, and a complete file is not rewritten."""
from __future__ import annotations

import os
import threading
import time

import numpy as np
from PIL import Image

from genapp.ui.gradio_patches import atomic_image_cache


def test_identical_outputs_never_expose_a_truncated_file(tmp_path):
    atomic_image_cache.install()
    from gradio import processing_utils as pu

    assert pu.save_pil_to_cache.genapp_atomic
    img = Image.fromarray(np.random.default_rng(0).integers(0, 255, (256, 256, 3), dtype=np.uint8))
    expected = pu.encode_pil_to_bytes(img, "png")
    path = pu.save_pil_to_cache(img, str(tmp_path), format="png")
    assert open(path, "rb").read() == expected
    os.remove(path)  # start over: writers and a reader race on the same name from nothing

    stop, short_reads = threading.Event(), []

    def writer():
        while not stop.is_set():
            pu.save_pil_to_cache(img, str(tmp_path), format="png")

    def reader():
        while not stop.is_set():
            try:
                data = open(path, "rb").read()
            except FileNotFoundError:
                continue
            if len(data) != len(expected):
                short_reads.append(len(data))

    threads = [threading.Thread(target=writer) for _ in range(4)] + [threading.Thread(target=reader)]
    for th in threads:
        th.start()
    time.sleep(1.5)
    stop.set()
    for th in threads:
        th.join()
    assert short_reads == []
    assert not [p for p in os.listdir(os.path.dirname(path)) if p.endswith(".tmp")]


def test_a_complete_file_is_left_alone(tmp_path):
    atomic_image_cache.install()
    atomic_image_cache.install()  # idempotent
    from gradio import processing_utils as pu

    img = Image.new("RGB", (8, 8), "white")
    path = pu.save_pil_to_cache(img, str(tmp_path), format="png")
    os.utime(path, (1, 1))
    assert pu.save_pil_to_cache(img, str(tmp_path), format="png") == path
    assert os.stat(path).st_mtime == 1  # not rewritten
