"""Lazy per-session component configs (a fix for Gradio's per-session cost on a large app).

Gradio creates a ``SessionState`` for every new session: each page load, each ``gradio_client``
``Client`` and *every* REST call made without a session (``curl .../gradio_api/call/generate``).
Its constructor computes the config of every component of the app (``config_for_block`` ->
``get_config`` -> ``inspect.signature`` for each of GAN Studio's ~250 blocks: about 12 ms of CPU)
and keeps it for deep links, which GAN Studio does not use; a REST call of ``/generate`` itself
costs about 20 ms. Under load (``bench/load.py``: 16 thin HTTP users) a py-spy profile showed 28 %
of the server's samples in that constructor.

Here the constructor runs as before, except that each block's config is computed the first time
something reads it (the deep-link code reads them all; an update of one component reads that
one). What is read is what the eager constructor would have built: the same call on the same
block. If a Gradio version no longer keeps ``config_values``, nothing is changed.
"""
from __future__ import annotations

import threading

_SKIP = threading.local()   # set while a SessionState is being built in this thread
_PENDING = object()         # what config_for_block returns meanwhile


class LazyConfigValues(dict):
    """``SessionState.config_values`` whose entries are computed on first read."""

    def __init__(self, blocks_config, values: dict):
        """``values``: the constructor's dict, with ``_PENDING`` where a config is still to build."""
        super().__init__((k, v) for k, v in values.items() if v is not _PENDING)
        self._blocks_config = blocks_config
        self._pending = {k: None for k, v in values.items() if v is _PENDING}
        self._order = list(values)  # the blocks' order, which the eager dict had

    def _compute(self, key) -> None:
        if key in self._pending:
            del self._pending[key]
            block = self._blocks_config.blocks.get(key)
            if block is not None:
                dict.__setitem__(self, key, self._blocks_config.config_for_block(key, [], block))

    def _compute_all(self) -> None:
        if not self._pending:
            return
        for key in list(self._pending):
            self._compute(key)
        rank = {k: i for i, k in enumerate(self._order)}
        ordered = sorted(dict.items(self), key=lambda kv: rank.get(kv[0], len(rank)))
        dict.clear(self)
        dict.update(self, ordered)

    def __contains__(self, key) -> bool:
        self._compute(key)
        return dict.__contains__(self, key)

    def __getitem__(self, key):
        self._compute(key)
        return dict.__getitem__(self, key)

    def get(self, key, default=None):
        self._compute(key)
        return dict.get(self, key, default)

    def __setitem__(self, key, value) -> None:
        self._pending.pop(key, None)
        dict.__setitem__(self, key, value)

    def __delitem__(self, key) -> None:
        self._pending.pop(key, None)
        dict.__delitem__(self, key)

    def pop(self, key, *default):
        self._compute(key)
        return dict.pop(self, key, *default)

    def __iter__(self):
        self._compute_all()
        return dict.__iter__(self)

    def __len__(self) -> int:
        return dict.__len__(self) + len(self._pending)

    def keys(self):
        self._compute_all()
        return dict.keys(self)

    def values(self):
        self._compute_all()
        return dict.values(self)

    def items(self):
        self._compute_all()
        return dict.items(self)

    def copy(self):
        self._compute_all()
        return dict(self)

    def __eq__(self, other) -> bool:
        self._compute_all()
        return dict.__eq__(self, other)

    __hash__ = None


def install() -> None:
    """Make ``gradio.state_holder.SessionState`` build its component configs lazily (idempotent)."""
    from gradio import state_holder
    from gradio.blocks import BlocksConfig

    cls = state_holder.SessionState
    if getattr(cls.__init__, "genapp_lazy", False):
        return
    original_init = cls.__init__
    original_config = BlocksConfig.config_for_block  # a staticmethod: a plain function here

    def config_for_block(*args, **kwargs):
        if getattr(_SKIP, "on", False):
            return _PENDING
        return original_config(*args, **kwargs)

    def __init__(self, blocks, *args, **kwargs):
        _SKIP.on = True
        try:
            original_init(self, blocks, *args, **kwargs)
        finally:
            _SKIP.on = False
        values = getattr(self, "config_values", None)
        if isinstance(values, dict) and not isinstance(values, LazyConfigValues):
            self.config_values = LazyConfigValues(self.blocks_config, values)

    __init__.genapp_lazy = True
    BlocksConfig.config_for_block = staticmethod(config_for_block)
    cls.__init__ = __init__
