"""Lazy per-session component configs (genapp/ui/gradio_patches/lazy_session_config.py): a new session builds no block
config up front, and every config it reads is the one Gradio's eager constructor would have built."""
from __future__ import annotations

import gradio as gr
from gradio.blocks import BlocksConfig
from gradio.state_holder import SessionState

from genapp.ui.gradio_patches import lazy_session_config


def small_app():
    with gr.Blocks() as demo:
        name = gr.Textbox(value="mnist-dcgan", label="model")
        seed = gr.Number(value=3, label="seed")
        state = gr.State(value={"runs": []})
        out = gr.Image(type="pil", format="png")
        gr.Button("Go").click(lambda n, s, st: None, [name, seed, state], out)
    return demo


def eager_configs(demo):
    cfg = demo.default_config
    return {k: BlocksConfig.config_for_block(k, [], v) for k, v in cfg.blocks.items() if k in demo.blocks}


def test_new_session_builds_no_config_until_read_and_then_the_eager_one(monkeypatch):
    lazy_session_config.install()
    lazy_session_config.install()  # idempotent
    demo = small_app()
    calls = []
    original = gr.Textbox.get_config
    monkeypatch.setattr(gr.Textbox, "get_config", lambda self, *a, **k: calls.append(1) or original(self, *a, **k))
    session = SessionState(demo)
    assert calls == []                                  # nothing computed by the constructor
    assert isinstance(session.config_values, lazy_session_config.LazyConfigValues)
    expected = eager_configs(demo)
    calls.clear()
    textbox_id = next(k for k, v in demo.blocks.items() if isinstance(v, gr.Textbox))
    assert session.config_values[textbox_id] == expected[textbox_id] and calls == [1]  # one block, on demand
    assert len(session.config_values) == len(expected)
    assert list(session.config_values.items()) == list(expected.items())  # all of them, in block order
    assert list(session.components) == [c for c in expected.values() if c]


def test_session_updates_and_state_still_work():
    lazy_session_config.install()
    demo = small_app()
    session = SessionState(demo)
    number_id = next(k for k, v in demo.blocks.items() if isinstance(v, gr.Number))
    state_id = next(k for k, v in demo.blocks.items() if isinstance(v, gr.State))
    session._update_value_in_config(number_id, 7)
    assert session.config_values[number_id]["props"]["value"] == 7
    assert session[state_id] == {"runs": []}
    session[state_id] = {"runs": [1]}
    assert session[state_id] == {"runs": [1]} and SessionState(demo)[state_id] == {"runs": []}
    # a config read outside a session is computed as usual (the switch is per constructor call)
    assert BlocksConfig.config_for_block(number_id, [], demo.blocks[number_id])["props"]["value"] == 3


def test_deep_link_route_still_sees_every_component(app_url, client):
    """Gradio's /gradio_api/deep_link reads all of a session's configs: with the lazy dict it
    still writes every component of the real app, with the output the session last produced."""
    import json
    from pathlib import Path

    import httpx
    from gradio.utils import get_upload_folder

    client.predict("mnist-dcgan", 5, 4, api_name="/generate")
    r = httpx.get(f"{app_url}/gradio_api/deep_link", params={"session_hash": client.session_hash}, timeout=30)
    r.raise_for_status()
    link = r.json()
    assert isinstance(link, str) and link  # "" would mean the session was not found
    components = json.loads((Path(get_upload_folder()) / "deep_links" / link / "state.json").read_text())
    assert len(components) > 100   # every block of the app, not only those read so far
    assert len({c["id"] for c in components}) == len(components)
    images = [c for c in components if c.get("type") == "image" and (c.get("props") or {}).get("value")]
    assert images  # the /generate output of this session is in its deep link
