"""The app through ``gradio_client``: every endpoint the README's App API lists, a training run
from start to finish, a run stopped midway, and bad input answered with a message (after which
the app still serves).

Uses the session app from conftest.py (tiny untrained models, temp folders).
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
import torch
from gradio_client import handle_file
from gradio_client.exceptions import AppError
from PIL import Image, ImageDraw

# Gradio's queue statistics use pandas options that pandas 3 deprecates; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")

ENDPOINTS = ("/generate", "/interpolate", "/arithmetic", "/conditional", "/sketch_to_shoe", "/horse_to_zebra",
             "/train_start", "/train_status", "/train_stop", "/push_to_hub", "/pixelcnn_sample", "/pixelcnn_complete")


def image(path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def app_error(client, *args, api_name: str) -> str:
    with pytest.raises(AppError) as info:
        client.predict(*args, api_name=api_name)
    return str(info.value)


def wait_for(client, run_id: str, done, timeout: float = 180.0) -> dict:
    """Poll /train_status until ``done(status)``; returns the last status."""
    end = time.monotonic() + timeout
    while True:
        status, _ = client.predict(run_id, api_name="/train_status")
        if done(status):
            return status
        assert time.monotonic() < end, f"run {run_id} did not get there in {timeout}s: {status}"
        time.sleep(0.3)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Inputs for the image endpoints: a drawn shoe sketch, a blank page and a drawn 'horse' photo."""
    from genapp.drawing import example_photo, example_sketches

    d = tmp_path_factory.mktemp("inputs")
    sneaker = example_sketches()["sneaker"]
    sneaker.save(d / "sneaker.png")
    # the same lines on a transparent page (as many drawing apps save them)
    clear = Image.new("RGBA", sneaker.size, (0, 0, 0, 0))
    clear.putalpha(Image.eval(sneaker.convert("L"), lambda v: 255 - v))
    clear.save(d / "sneaker-transparent.png")
    Image.new("RGB", (300, 200), "white").save(d / "blank.png")
    example_photo(200).save(d / "horse.png")
    return d


# ---------------------------------------------------------------- the contract
def test_every_design_endpoint_is_listed(client):
    api = client.view_api(print_info=False, return_format="dict")
    names = set(api["named_endpoints"])
    assert set(ENDPOINTS) <= names, set(ENDPOINTS) - names
    assert [p["parameter_name"] for p in api["named_endpoints"]["/generate"]["parameters"]][:3] == \
        ["model_name", "seed", "count"]



def test_the_api_description_names_things_in_english(client):
    """Labels are translation keys on the page; the API description shows their English text
    (it used to show "[object Object]" on *Use via API* and ``-> key`` in ``view_api``)."""
    api = client.view_api(print_info=False, return_format="dict")
    labels = [item["label"] for endpoint in api["named_endpoints"].values()
              for item in endpoint["parameters"] + endpoint["returns"]]
    assert labels and all(isinstance(label, str) for label in labels), labels
    assert not [label for label in labels if "i18n" in label or "translation_metadata" in label]
    generate = api["named_endpoints"]["/generate"]
    assert [p["label"] for p in generate["parameters"]] == ["Model", "Seed", "How many"]
    assert [r["label"] for r in generate["returns"]] == ["Samples"]
    assert [r["label"] for r in api["named_endpoints"]["/sketch_to_shoe"]["returns"]] == ["Generated shoe"]
    printed = client.view_api(print_info=False, return_format="str")
    assert 'api_name="/generate") -> samples' in printed

def test_generate_same_seed_same_grid(client):
    a = image(client.predict("mnist-dcgan", 7, 16, api_name="/generate"))
    b = image(client.predict("mnist-dcgan", 7, 16, api_name="/generate"))
    c = image(client.predict("mnist-dcgan", 8, 16, api_name="/generate"))
    assert a.shape == b.shape and a.shape[0] >= 100 and a.shape[1] >= 100
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
    one = image(client.predict("mnist-vae", 0, 1, api_name="/generate"))
    many = image(client.predict("mnist-vae", 0, 64, api_name="/generate"))
    assert many.shape[1] > one.shape[1] or many.shape[0] > one.shape[0]


def test_generate_matches_the_python_api(client, app_env):
    """The endpoint draws exactly what genapp.load(name).generate(n, seed) draws."""
    import genapp
    from genapp.ui.common import grid

    expected = np.asarray(grid(genapp.load("mnist-gan").generate(4, seed=3)).convert("RGB"))
    assert np.array_equal(image(client.predict("mnist-gan", 3, 4, api_name="/generate")), expected)


def test_interpolate_strip_has_one_tile_per_step(client):
    s4 = image(client.predict("mnist-dcgan", 1, 2, 4, "slerp", api_name="/interpolate"))
    s8 = image(client.predict("mnist-dcgan", 1, 2, 8, "lerp", api_name="/interpolate"))
    # one row of 28 px tiles with 2 px borders; the short strip is drawn 2x (small grids are upscaled)
    assert s4.shape[:2] == (32 * 2, (4 * 30 + 2) * 2)
    assert s8.shape[:2] == (32, 8 * 30 + 2)
    vae = image(client.predict("mnist-vae", 1, 2, 16, "slerp", api_name="/interpolate"))
    assert vae.shape[1] > vae.shape[0]


def test_arithmetic_four_panels(client):
    img = image(client.predict("mnist-dcgan", "1, 2, 3", "4,5,6", "7", api_name="/arithmetic"))
    assert img.shape[1] > 3 * img.shape[0] // 2  # a row of four captioned panels
    msg = app_error(client, "mnist-dcgan", "1, two", "4", "5", api_name="/arithmetic")
    assert "comma-separated integers" in msg
    assert "empty" in app_error(client, "mnist-dcgan", "", "4", "5", api_name="/arithmetic")
    assert "cgan" in app_error(client, "mnist-cgan", "1", "2", "3", api_name="/arithmetic")


def test_latent_map_needs_a_vae(client):
    img = image(client.predict("mnist-vae", 6, api_name="/latent_map"))
    assert img.shape[0] == img.shape[1] >= 6 * 28
    assert "vae" in app_error(client, "mnist-dcgan", 6, api_name="/latent_map")


def test_categories_show_a_row_per_code_category(client):
    img = image(client.predict("mnist-dcgan", 3, 5, api_name="/categories"))
    again = image(client.predict("mnist-dcgan", 3, 5, api_name="/categories"))
    assert np.array_equal(img, again)
    # 10 rows of 28-px images (2x, 2 px gaps), row labels on the left: taller than wide per row
    assert img.shape[0] >= 10 * 28 * 2 and img.shape[1] >= 5 * 28 * 2
    three = image(client.predict("mnist-dcgan", 3, 3, api_name="/categories"))
    assert three.shape[0] == img.shape[0] and three.shape[1] < img.shape[1]
    assert "no categorical code" in app_error(client, "mnist-gan", 0, 4, api_name="/categories")
    assert "no categorical code" in app_error(client, "mnist-vae", 0, 4, api_name="/categories")
    assert "cgan" in app_error(client, "mnist-cgan", 0, 4, api_name="/categories")
    assert "maximum value 10" in app_error(client, "mnist-dcgan", 0, 11, api_name="/categories")


def test_row_labels_never_run_into_the_grid():
    from genapp.ui.tabs.conditional import grid_with_row_labels

    images = torch.rand(6, 1, 28, 28)
    long = ["code 0 = T-shirt/top (100%)", "code 1 = Ankle boot (63%)"]
    labelled = np.asarray(grid_with_row_labels(images, 3, long, numbered=False))
    blank = np.asarray(grid_with_row_labels(images, 3, ["", ""], numbered=False))
    grid_w = blank.shape[1] - int(28 * 2 * 3.2)  # right of the narrowest label column: the grid itself
    assert labelled.shape[1] > blank.shape[1]  # the column widened for the long labels
    assert np.array_equal(labelled[:, -grid_w:], blank[:, -grid_w:])  # no text pixel on the grid
    assert (labelled[:, : labelled.shape[1] - grid_w] < 128).any()  # and the text is there


def test_conditional_by_index_and_by_name(client):
    by_name = image(client.predict("fashion-cgan", "Dress", 5, 8, api_name="/conditional"))
    by_index = image(client.predict("fashion-cgan", "3", 5, 8, api_name="/conditional"))
    other = image(client.predict("fashion-cgan", "Sneaker", 5, 8, api_name="/conditional"))
    assert np.array_equal(by_name, by_index)
    assert not np.array_equal(by_name, other)
    digit = image(client.predict("mnist-cgan", "7", 0, 4, api_name="/conditional"))
    assert digit.size > 0
    assert "Unknown class" in app_error(client, "mnist-cgan", "Dress", 0, 4, api_name="/conditional")
    assert "out of range" in app_error(client, "fashion-cgan", "12", 0, 4, api_name="/conditional")
    rows = image(client.predict("mnist-cgan", 0, 3, api_name="/every_class"))
    assert rows.shape[0] > rows.shape[1]  # ten rows of three


def test_sketch_to_shoe(client, files):
    shoe = image(client.predict(handle_file(str(files / "sneaker.png")), api_name="/sketch_to_shoe"))
    assert shoe.shape[2] == 3 and shoe.shape[0] == shoe.shape[1] >= 32
    same = image(client.predict(handle_file(str(files / "sneaker-transparent.png")), api_name="/sketch_to_shoe"))
    assert np.array_equal(shoe, same)
    msg = app_error(client, handle_file(str(files / "blank.png")), api_name="/sketch_to_shoe")
    assert msg == "The sketch is empty — draw the outline of a shoe"


def test_horse_to_zebra_both_directions(client, files):
    photo = handle_file(str(files / "horse.png"))
    z = image(client.predict(photo, "horse2zebra", api_name="/horse_to_zebra"))
    h = image(client.predict(photo, "zebra2horse", api_name="/horse_to_zebra"))
    assert z.shape == h.shape and z.shape[2] == 3
    assert not np.array_equal(z, h)  # two different generators
    assert "horse2zebra" in app_error(client, photo, "sideways", api_name="/horse_to_zebra")


def test_horse_examples_lead_with_held_out_photos_and_keep_the_drawn_one(monkeypatch, tmp_path):
    from genapp.data import _split_files  # the split the metrics hold out
    from genapp.ui.tabs.horse import example_files

    photos = example_files()
    assert [d for _, d in photos] == ["horse2zebra", "horse2zebra", "zebra2horse", "zebra2horse", "horse2zebra"]
    assert "trainA" in photos[0][0] and "trainB" in photos[2][0] and photos[-1][0].endswith("drawn-horse.png")
    root = Path(photos[0][0]).parents[1]
    held_out = {str(p) for sub in ("trainA", "trainB") for p in _split_files(list((root / sub).glob("*.jpg")), "val")}
    assert {p for p, _ in photos[:4]} <= held_out   # never a picture the model trained on
    monkeypatch.setenv("GENAPP_DATA_DIR", str(tmp_path))      # a Space without the data: the drawn horse alone
    assert [Path(p).name for p, _ in example_files()] == ["drawn-horse.png"]


# ---------------------------------------------------------------- missing models and bad input
def test_missing_model_names_the_command_that_trains_it(client, files):
    msg = app_error(client, "fashion-dcgan", 0, 4, api_name="/generate")
    assert "python -m train dcgan --dataset fashion" in msg
    assert "not a model name" in app_error(client, "/etc", 0, 4, api_name="/generate")
    assert "No model called" in app_error(client, "no-such-model", 0, 4, api_name="/generate")
    # the wrong kind of model for a tab
    assert "cyclegan" in app_error(client, handle_file(str(files / "sneaker.png")), "horse2zebra-cyclegan",
                                     api_name="/sketch_to_shoe")


def test_bad_numbers_are_refused_with_a_message(client):
    assert "minimum value 1" in app_error(client, "mnist-dcgan", 0, 0, api_name="/generate")
    assert "maximum value 64" in app_error(client, "mnist-dcgan", 0, 65, api_name="/generate")
    assert "minimum value 0" in app_error(client, "mnist-dcgan", -1, 4, api_name="/generate")
    assert app_error(client, "mnist-dcgan", 1, 2, 1, "slerp", api_name="/interpolate")
    assert app_error(client, "mnist-dcgan", 1, 2, 8, "cubic", api_name="/interpolate")
    # ... and the app still answers
    assert image(client.predict("mnist-dcgan", 0, 1, api_name="/generate")).size > 0


# ---------------------------------------------------------------- training
def test_train_run_to_the_end_then_use_it_in_a_playground(client):
    run_id = client.predict("dcgan", "mnist", 20, 8, 0.0002, 0, api_name="/train_start")
    assert run_id.endswith("-dcgan-mnist")
    status = wait_for(client, run_id, lambda s: s["status"] not in ("queued", "running"))
    assert status["status"] == "finished", status
    assert status["step"] == status["total_steps"] == 20
    assert {"loss_d", "loss_g", "d_x", "d_g_z"} <= set(status["losses"][-1])
    assert status["samples"] >= 2
    # the CPU threads it trained on, and of how many where it adapts them (genapp/threads.py)
    from genapp.threads import train_governor, train_threads

    assert 1 <= status["threads"] <= train_threads()
    assert status["max_threads"] == (train_threads() if train_governor() is not None else None)
    _, sample = client.predict(run_id, api_name="/train_status")
    assert image(sample).shape[0] > 100  # the 8x8 fixed-z grid
    # a finished run is a model like the pretrained ones
    assert image(client.predict(run_id, 0, 4, api_name="/generate")).size > 0
    assert image(client.predict(run_id, 1, 2, 3, "slerp", api_name="/interpolate")).size > 0
    from genapp.ui.common import model_choices

    assert run_id in model_choices("latent")


def test_train_stop_mid_run(client):
    run_id = client.predict("toy1010", "toy1010", 100_000, 8, None, 1, api_name="/train_start")
    wait_for(client, run_id, lambda s: s["status"] == "running" and s["step"] > 0, timeout=120)
    stopped = client.predict(run_id, api_name="/train_stop")
    assert stopped["stop_requested"] is True
    status = wait_for(client, run_id, lambda s: s["status"] not in ("queued", "running"), timeout=60)
    assert status["status"] == "stopped" and 0 < status["step"] < 100_000
    assert status["reason"] == "stopped on request"


def test_train_bad_settings(client):
    assert "trains on" in app_error(client, "dcgan", "ring", 10, 8, None, 0, api_name="/train_start")
    assert "learning rate" in app_error(client, "dcgan", "mnist", 10, 8, 5.0, 0, api_name="/train_start")
    assert app_error(client, "dcgan", "mnist", 0, 8, None, 0, api_name="/train_start")
    assert "No run called" in app_error(client, "00999-nothing", api_name="/train_status")
    assert "No run" in app_error(client, "", api_name="/train_stop")


def test_push_to_hub_needs_the_visitors_token_and_never_echoes_it(client, app_env):
    from genapp.runs import registry

    finished = [r.id for r in registry().list() if r.status == "finished"]
    run_id = finished[0] if finished else client.predict("toy1010", "toy1010", 5, 4, None, 0, api_name="/train_start")
    wait_for(client, run_id, lambda s: s["status"] not in ("queued", "running"))
    assert "token" in app_error(client, run_id, "someone/model", "", api_name="/push_to_hub")
    secret = "hf_DoNotEchoThisToken123"
    msg = app_error(client, run_id, "someone/model", secret, api_name="/push_to_hub")
    assert "Offline" in msg and secret not in msg
    assert secret not in app_error(client, run_id, "not a repo id", secret, api_name="/push_to_hub")


# ---------------------------------------------------------------- in process (no HTTP)
def test_latent_helpers():
    from genapp import latent

    a, b = torch.randn(100), torch.randn(100)
    path = latent.interpolate(a, b, 5, "slerp")
    assert torch.allclose(path[0], a, atol=1e-5) and torch.allclose(path[-1], b, atol=1e-5)
    # slerp keeps the norm typical; lerp's midpoint shrinks toward the origin
    assert path[2].norm() > latent.interpolate(a, b, 5, "lerp")[2].norm()
    assert latent.parse_seeds("1, 2 3;4") == [1, 2, 3, 4]
    with pytest.raises(ValueError):
        latent.parse_seeds("1, x")


def test_z_from_seed_is_the_z_behind_generate(app_env):
    import genapp
    from genapp import latent

    model = genapp.load("mnist-dcgan")
    z = latent.z_from_seed(model, 11)
    assert torch.allclose(model.decode(z[None]), model.generate(1, seed=11))


def test_sketch_preprocessing_gives_thin_lines_placed_like_edges2shoes():
    from genapp.drawing import EmptySketch, example_sketches, sketch_to_edges

    for name, img in example_sketches().items():
        edges = np.asarray(sketch_to_edges(img).convert("L")) < 128
        assert edges.shape == (256, 256)
        ys, xs = np.nonzero(edges)
        assert max(ys.max() - ys.min(), xs.max() - xs.min()) >= 0.93 * 256, name  # fills the frame
        assert abs((xs.max() + xs.min()) / 2 - 128) < 4, name                    # centred left to right
        assert 248 <= ys.max() <= 253, name                                       # the sole on edges2shoes' line
        assert edges.mean() < 0.05  # thin lines, mostly white
    # a low shoe drawn small in the top corner of a big canvas lands at the bottom, full width
    canvas = Image.new("L", (900, 600), 255)
    ImageDraw.Draw(canvas).line([(40, 120), (60, 60), (200, 50), (260, 110), (240, 130), (40, 130), (40, 120)], fill=0, width=9)
    ys, xs = np.nonzero(np.asarray(sketch_to_edges(canvas).convert("L")) < 128)
    assert ys.max() >= 248 and ys.min() > 128 and xs.max() - xs.min() >= 0.9 * 256
    # a shoe coloured in (a filled silhouette) becomes its outline, not the stick down its middle
    filled = Image.new("L", (800, 800), 255)
    ImageDraw.Draw(filled).polygon([(100, 500), (150, 420), (300, 400), (420, 450), (470, 520), (100, 520)], fill=0)
    edges = np.asarray(sketch_to_edges(filled).convert("L")) < 128
    ys, xs = np.nonzero(edges)
    assert ys.max() >= 248 and xs.max() - xs.min() >= 0.9 * 256 and edges.mean() < 0.02
    middle = edges[(ys.min() + ys.max()) // 2]
    assert np.count_nonzero(np.diff(middle.astype(int)) == 1) == 2   # crossed twice: left and right side
    assert edges[ys.max() - 2, 40:200].sum() == 0 and edges[ys.max() - 1:, 40:200].any()  # sole drawn, inside empty
    with pytest.raises(EmptySketch):
        sketch_to_edges(Image.new("RGBA", (64, 64), (0, 0, 0, 0)))


def test_the_sketch_placement_is_where_edges2shoes_puts_its_shoes():
    """SOLE and FILL are measured on the data: the box around each training edge map's ink ends on
    the sole line and its longer side spans the frame."""
    from genapp.data import load_edges2shoes
    from genapp.drawing import FILL, SOLE

    edges = load_edges2shoes(256)[0][:300].min(1) < 128
    rows, cols = edges.any(2), edges.any(1)
    bottom = np.array([np.nonzero(r)[0].max() + 1 for r in rows])
    span = np.array([max(np.ptp(np.nonzero(r)[0]), np.ptp(np.nonzero(c)[0])) + 1 for r, c in zip(rows, cols)])
    assert abs(np.median(bottom) - SOLE * 256) <= 2
    assert abs(np.median(span) - FILL * 256) <= 6


def test_train_tab_defaults_follow_the_family():
    from genapp.ui.tabs.train import dataset_changed, default_batch, family_changed

    assert default_batch("dcgan", "mnist") == 32 and default_batch("cgan", "fashion") == 32   # the live default
    assert default_batch("cyclegan") == 1 and default_batch("pix2pix") == 8 and default_batch("vae") == 64
    assert default_batch("wgan", "ring") == 64                                                # the ring toy's own
    _, lr, batch = family_changed("cyclegan")
    assert batch == 1 and lr == 2e-4
    assert dataset_changed("wgan", "ring")[1] == 64 and dataset_changed("wgan", "mnist")[1] == 32
    # the live learning rate: 1e-3 for the DCGAN-style families, each other family its recipe's
    assert family_changed("dcgan")[1] == 1e-3 and dataset_changed("cgan", "fashion")[0] == 1e-3
    assert family_changed("gan")[1] == 2e-4 and family_changed("vae")[1] == 1e-3


def test_one_ssl_context_for_scripts_still_checks_certificates(app_env, files, tmp_path):
    """The README's advice for scripts (one SSL context, built once, passed as ``ssl_verify``)
    against the app served over https with a self-signed certificate: the context that trusts the
    certificate gets answers from every kind of endpoint; one that does not (certifi's public CAs,
    what a default client checks against) is refused, so certificates are still verified."""
    import shutil
    import ssl
    import subprocess

    import certifi
    from gradio_client import Client

    from genapp.ui import build_app

    from .conftest import free_port

    if not shutil.which("openssl"):
        pytest.skip("needs the openssl command to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    demo = build_app()
    _, url, _ = demo.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True,
                            quiet=True, ssl_certfile=str(cert), ssl_keyfile=str(key), ssl_verify=False)
    try:
        assert url.startswith("https://")
        trusted = Client(url, verbose=False, ssl_verify=ssl.create_default_context(cafile=str(cert)))
        grid = image(trusted.predict("mnist-dcgan", 3, 4, api_name="/generate"))
        assert grid.ndim == 3 and grid.std() > 0
        shoe = image(trusted.predict(handle_file(str(files / "sneaker.png")), api_name="/sketch_to_shoe"))  # upload + download
        assert shoe.shape[2] == 3 and shoe.std() > 0
        with pytest.raises(Exception) as refused:
            Client(url, verbose=False, ssl_verify=ssl.create_default_context(cafile=certifi.where()))
        assert "CERTIFICATE_VERIFY_FAILED" in repr(refused.value) or "certificate" in repr(refused.value).lower()
    finally:
        demo.close()


def test_both_listeners_of_the_sketch_upload_button_take_the_last_press(client):
    """The upload button has two listeners (the shoe, the edges the model sees). Each must queue a
    press made while it is busy: the default drops it in the busy one only, leaving one upload's
    edges beside another's shoe."""
    deps = client.config["dependencies"]
    shoe = next(d for d in deps if d.get("api_name") == "sketch_to_shoe")
    button = shoe["targets"][0]
    on_button = [d for d in deps if button in d["targets"] and d["inputs"]]  # not the first view's stop
    assert len(on_button) == 2
    assert {d["trigger_mode"] for d in on_button} == {"always_last"}
