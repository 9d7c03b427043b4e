"""The Gradio app: one module per tab (train, latent, conditional, sketch, horse) + the builder.

This package is the only place that imports gradio. ``build_app()`` returns the Blocks.
"""
from __future__ import annotations


def build_app():
    from .app import build_app as _build

    return _build()


__all__ = ["build_app"]
