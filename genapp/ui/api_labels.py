"""Readable names in the app's API description (``/info``, *Use via API*, ``view_api()``).

The components' labels are translation keys (``gr.I18n``), which the page translates but the API
description does not: Gradio puts the raw key object there, so *Use via API* read "provided in the
"[object Object]" Image component" and ``Client.view_api()`` named every return value ``key``.
Here each such label becomes its English text, and a return value without a label (``value_84``)
is named after its component's ``elem_id`` where it has one.
"""
from __future__ import annotations

from typing import Any

from gradio.i18n import I18nData

from .i18n import EN


def english(label: Any) -> Any:
    """The English text of a translation-key label; any other label unchanged."""
    if isinstance(label, I18nData):
        return EN.get(label.key, label.key)
    return label


def readable(info: dict, blocks: dict) -> dict:
    """``info`` (what ``Blocks.get_api_info`` returns) with English labels, in place; ``blocks``:
    the app's blocks by id, to name unlabelled return values."""
    for group in ("named_endpoints", "unnamed_endpoints"):
        for endpoint in (info.get(group) or {}).values():
            for item in endpoint.get("parameters", []):
                item["label"] = english(item["label"])
            for item in endpoint.get("returns", []):
                label = english(item["label"])
                if isinstance(label, str) and label.startswith("value_") and label[6:].isdigit():
                    block = blocks.get(int(label[6:]))
                    if getattr(block, "elem_id", None):
                        label = block.elem_id.replace("-", "_")
                item["label"] = label
    return info
