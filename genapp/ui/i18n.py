"""English and Korean text for the app (``gr.I18n``: the browser's language picks the table).

Gradio translates static text on the page -- labels, button text, Markdown, tab names -- from
these tables; values computed on the server (status lines, error messages) stay in English.
Keys have no dots (the front end would read a dot as a nested table).
"""
from __future__ import annotations

import re
from contextvars import ContextVar

import gradio as gr

EN = {
    "title": "# GAN Studio\nTrain the course's generative models live, then play with them. "
             "Training and every playground are also API endpoints (see *Use via API* at the bottom).",
    # tabs
    "tab_train": "Train (live)", "tab_latent": "Latent", "tab_conditional": "Conditional",
    "tab_sketch": "Sketch → shoe", "tab_horse": "Horse ↔ zebra",
    # shared
    "model": "Model",
    "model_info": "A pretrained model, a run finished in the Train tab, or a Hub repo id (owner/name)",
    "seed": "Seed", "count": "How many", "generate": "Generate", "samples": "Samples", "examples": "Examples",
    # train
    "train_intro": "Pick a model family and its data, press **Start**, and watch it learn. "
                   "The grid uses the same z at every step, so you see the *same* samples improve.",
    "family": "Family", "dataset": "Dataset", "steps": "Steps", "batch_size": "Batch size", "lr": "Learning rate",
    "start": "▶ Start", "stop": "■ Stop", "run_id": "Run id (watched run)", "watch_run": "Watch a run",
    "no_run": "No run yet: press **Start**, or pick a run to watch.",
    "live_samples": "Samples at fixed z (live)", "losses": "Losses (D and G)", "scores": "D(x) and D(G(z))",
    "live_rows": "Inputs and outputs (live)",
    "losses_own": "Losses (what this model minimises: the legend names each one)",
    "quality": "Quality over time (judge-FID: lower is better; ring: modes covered, of 8)",
    "class_shares": "Which classes G draws (the judge's reading of 1,000 samples)",
    "class_shares_note": "The data has every class 1/10 of the time: even bars mean G draws them all; a few tall "
                         "bars mean **mode collapse**. `classes_1k` counts the classes the samples spread over "
                         "(10 = all evenly, 1 = only one).",
    "timeline": "Timeline: scrub through the saved samples", "timeline_slider": "Saved sample",
    "timeline_image": "Sample at that step", "make_gif": "Make a GIF of the training", "gif_file": "Training GIF",
    "runs": "Runs", "raw_status": "Raw status (JSON, what /train_status returns)", "latest_sample": "Latest sample",
    "refresh": "Refresh", "share": "Share a finished run or a pretrained model on the Hugging Face Hub",
    "share_intro": "Paste **your own** write token: it is used for this push only, never stored or shown, and the "
                   "server's token is never used (unless the app's owner allows it).",
    "repo_id": "Repo id (owner/name)", "token": "Hugging Face token", "push": "Push to the Hub", "repo_url": "Repo URL",
    "push_source": "What to push (a finished run or a pretrained model)", "private_repo": "Private repo",
    "periodic_intro": "**While the watched run trains:** push its latest checkpoint every few minutes (only when "
                      "the weights changed), and once more when it ends.",
    "push_every": "Push every (minutes, 5 or more)", "push_periodic": "Push periodically while it trains",
    "push_periodic_stop": "Stop the periodic push",
    # latent
    "latent_intro": "Every image comes from a latent vector z; a seed names one z. Walk between two of them, "
                    "or add and subtract them (dcgan, gan, wgan, vae).",
    "sample": "Sample", "interpolation": "Interpolation", "arithmetic": "Arithmetic",
    "vae_map_intro": "**VAE only:** its 2-D latent space, decoded on a grid.",
    "map_size": "Map size (per side)", "latent_map": "Draw the latent map",
    "latent_map_why": "*The 2-D latent map is for a VAE: choose **mnist-vae** (or a vae run) to draw it.*",
    "latent_walk_why": "*This model has no latent vector to walk (it is conditional or translates images): "
                       "choose a dcgan, gan, wgan or vae model.*",
    "codes_why": "*This model has no categorical code: only a dcgan trained with one has categories "
                 "(InfoGAN, `--set codes=10`, as the shipped **mnist-dcgan**).*",
    "seed_a": "Seed A", "seed_b": "Seed B", "interp_steps": "Steps", "method": "Method", "interpolate": "Interpolate",
    "strip": "From A to B",
    "interp_note": "**slerp** follows the sphere where Gaussian z's live; **lerp** cuts straight through it, "
                   "so its middle images can look faded.",
    "arith_intro": "The DCGAN paper's *man with glasses − man + woman*: average the z of a few seeds per "
                   "concept, then compute **A − B + C**.",
    "seeds_a": "Seeds A", "seeds_b": "Seeds B", "seeds_c": "Seeds C", "compute": "Compute A − B + C",
    "arith_result": "mean A | mean B | mean C | A − B + C",
    "arith_explain": "With the default seeds on mnist-dcgan: A = thin 7s, B = thin 1s, C = thick 1s. **− B** takes "
                     "a thin 1 away and **+ C** adds a thick one, so the thin 7 becomes a **thick 7**.",
    "codes_tab": "Code categories (InfoGAN)",
    "codes_intro": "A dcgan trained with a **categorical code** (InfoGAN, `--set codes=10`; the shipped mnist-dcgan "
                   "and fashion-dcgan are two) takes one of 10 categories next to z, and a second head of D must "
                   "tell the category back from the image. Nobody told it the labels, yet each category became one "
                   "kind of image (on Fashion-MNIST some look-alike classes share a category). Row i sets the code "
                   "to category i, each column keeps the rest of z: the *what* changes down a column, the *style* "
                   "along a row. Left: the class a small judge classifier reads most often in that category (and "
                   "how often, over 100 samples).",
    "codes_show": "Show every category", "codes_out": "Rows: code categories · columns: the same rest of z",
    # conditional
    "cond_intro": "A conditional GAN is told which class to draw. Pick a class and a seed, or keep z fixed and "
                  "change only the class.",
    "class": "Class", "styles": "Styles (columns)", "every_class": "Same z, every class",
    # sketch
    "sketch_intro": "Draw the outline of a shoe, side view, toe to the left. pix2pix turns the lines into a shoe.",
    "draw": "Draw", "upload": "Upload", "sketchpad": "Draw here (the eraser is next to the brush)",
    "shoe_from_drawing": "Make the shoe", "sketch_upload": "A sketch: dark lines on white, or a photo of a drawing on paper",
    "shoe_from_upload": "Make the shoe from the upload", "model_sees": "What the model sees", "shoe": "Generated shoe",
    # horse
    "horse_intro": "CycleGAN learned horse ↔ zebra from unpaired photos. Upload a photo and choose the direction. "
                   "The model sees the whole photo (a panorama: its middle, at most 2:1) with its short side at the "
                   "size it learned at (the shipped one: 64 px, trained on a 2-core CPU), so expect a soft picture.",
    "photo": "Photo", "direction": "Direction", "translate": "Translate", "before_after": "Before / after",
    "translated": "Translated", "reconstruction": "Cycled back",
    "cycle_note": "*Cycled back* translates the result back again: close to the original means the "
                  "cycle-consistency loss did its job.",
}

KO = {
    "title": "# GAN 스튜디오\n강의의 생성 모델을 실시간으로 학습시키고 직접 다뤄 보세요. "
             "학습과 모든 플레이그라운드는 API 엔드포인트이기도 합니다 (아래 *API를 통해 사용* 참고).",
    "tab_train": "학습 (실시간)", "tab_latent": "잠재 공간", "tab_conditional": "조건부 생성",
    "tab_sketch": "스케치 → 신발", "tab_horse": "말 ↔ 얼룩말",
    "model": "모델", "model_info": "사전 학습 모델, 학습 탭에서 끝난 실행, 또는 Hub 저장소 id (owner/name)",
    "seed": "시드", "count": "개수", "generate": "생성", "samples": "샘플", "examples": "예시",
    "train_intro": "모델 종류와 데이터를 고르고 **시작**을 누르면 학습 과정을 볼 수 있습니다. "
                   "격자는 매 스텝 같은 z를 쓰므로 *같은* 샘플이 좋아지는 것이 보입니다.",
    "family": "모델 종류", "dataset": "데이터셋", "steps": "스텝 수", "batch_size": "배치 크기", "lr": "학습률",
    "start": "▶ 시작", "stop": "■ 정지", "run_id": "실행 id (보고 있는 실행)", "watch_run": "실행 보기",
    "no_run": "아직 실행이 없습니다. **시작**을 누르거나 볼 실행을 고르세요.",
    "live_samples": "고정된 z의 샘플 (실시간)", "losses": "손실 (D와 G)", "scores": "D(x)와 D(G(z))",
    "live_rows": "입력과 출력 (실시간)",
    "losses_own": "손실 (이 모델이 줄이는 값: 범례에 각각의 이름이 있습니다)",
    "quality": "품질의 변화 (judge-FID: 낮을수록 좋음; 고리: 포착한 모드 수, 8개 중)",
    "class_shares": "G가 그리는 클래스 (판정 분류기가 샘플 1,000개를 읽은 결과)",
    "class_shares_note": "데이터에는 각 클래스가 1/10씩 있습니다. 막대가 고르면 G가 모든 클래스를 그리는 것이고, "
                         "몇 개만 높으면 **모드 붕괴**입니다. `classes_1k` 는 샘플이 실제로 퍼져 있는 클래스 수입니다 "
                         "(10 = 모두 고르게, 1 = 하나뿐).",
    "timeline": "타임라인: 저장된 샘플 되돌려 보기", "timeline_slider": "저장된 샘플",
    "timeline_image": "그 스텝의 샘플", "make_gif": "학습 과정을 GIF로 만들기", "gif_file": "학습 GIF",
    "runs": "실행 목록", "raw_status": "상태 원본 (JSON, /train_status 결과)", "latest_sample": "최신 샘플",
    "refresh": "새로고침", "share": "끝난 실행이나 사전 학습 모델을 Hugging Face Hub에 공유",
    "share_intro": "**본인의** 쓰기 토큰을 붙여 넣으세요. 이번 업로드에만 쓰이고 저장되거나 표시되지 않으며, "
                   "서버의 토큰은 쓰지 않습니다 (앱 소유자가 허용한 경우 제외).",
    "repo_id": "저장소 id (owner/name)", "token": "Hugging Face 토큰", "push": "Hub에 올리기", "repo_url": "저장소 URL",
    "push_source": "올릴 것 (끝난 실행 또는 사전 학습 모델)", "private_repo": "비공개 저장소",
    "periodic_intro": "**보고 있는 실행이 학습하는 동안:** 몇 분마다 최신 체크포인트를 올리고 (가중치가 바뀐 경우에만), "
                      "끝날 때 한 번 더 올립니다.",
    "push_every": "올리는 간격 (분, 5 이상)", "push_periodic": "학습 중 주기적으로 올리기",
    "push_periodic_stop": "주기적 업로드 멈추기",
    "latent_intro": "모든 이미지는 잠재 벡터 z에서 나오고, 시드 하나가 z 하나를 정합니다. 두 z 사이를 걷거나 "
                    "더하고 빼 보세요 (dcgan, gan, wgan, vae).",
    "sample": "샘플", "interpolation": "보간", "arithmetic": "벡터 연산",
    "vae_map_intro": "**VAE 전용:** 2차원 잠재 공간을 격자로 디코딩합니다.",
    "map_size": "지도 크기 (한 변)", "latent_map": "잠재 공간 지도 그리기",
    "latent_map_why": "*2차원 잠재 공간 지도는 VAE용입니다. 그리려면 **mnist-vae**(또는 vae 실행)를 고르세요.*",
    "latent_walk_why": "*이 모델에는 걸어 다닐 잠재 벡터가 없습니다 (조건부이거나 이미지를 변환하는 모델). "
                       "dcgan, gan, wgan, vae 모델을 고르세요.*",
    "codes_why": "*이 모델에는 범주형 코드가 없습니다. 코드를 넣어 학습한 dcgan만 범주가 있습니다 "
                 "(InfoGAN, `--set codes=10`, 함께 제공되는 **mnist-dcgan**처럼).*",
    "seed_a": "시드 A", "seed_b": "시드 B", "interp_steps": "단계 수", "method": "방법", "interpolate": "보간하기",
    "strip": "A에서 B까지",
    "interp_note": "**slerp**는 가우시안 z가 모여 있는 구면을 따라가고, **lerp**는 그 안을 직선으로 지나가서 "
                   "가운데 이미지가 흐려질 수 있습니다.",
    "arith_intro": "DCGAN 논문의 *안경 쓴 남자 − 남자 + 여자*: 개념마다 시드 몇 개의 z를 평균한 뒤 "
                   "**A − B + C**를 계산합니다.",
    "seeds_a": "시드 A", "seeds_b": "시드 B", "seeds_c": "시드 C", "compute": "A − B + C 계산",
    "arith_result": "평균 A | 평균 B | 평균 C | A − B + C",
    "arith_explain": "mnist-dcgan의 기본 시드: A = 가는 7, B = 가는 1, C = 굵은 1. **− B**로 가는 1을 빼고 "
                     "**+ C**로 굵은 1을 더하면, 가는 7이 **굵은 7**이 됩니다.",
    "codes_tab": "코드 범주 (InfoGAN)",
    "codes_intro": "**범주형 코드**로 학습한 dcgan (InfoGAN, `--set codes=10`; 함께 제공되는 mnist-dcgan과 "
                   "fashion-dcgan이 그렇습니다)은 z 옆에 10개 범주 중 하나를 받고, D의 두 번째 헤드는 이미지에서 "
                   "그 범주를 다시 알아맞혀야 합니다. 레이블을 알려 준 적이 없는데도 범주마다 한 종류의 이미지가 "
                   "되었습니다 (Fashion-MNIST에서는 비슷한 클래스 몇 개가 한 범주를 나눠 씁니다). i번째 행은 코드를 "
                   "범주 i로 두고, 각 열은 z의 나머지를 그대로 둡니다: 열을 따라 내려가면 *무엇*이, 행을 따라가면 "
                   "*스타일*이 바뀝니다. 왼쪽: 작은 판정 분류기가 그 범주에서 가장 자주 읽어 낸 클래스 (샘플 100개 중 "
                   "그 비율과 함께).",
    "codes_show": "모든 범주 보기", "codes_out": "행: 코드 범주 · 열: 같은 나머지 z",
    "cond_intro": "조건부 GAN은 어떤 클래스를 그릴지 입력으로 받습니다. 클래스와 시드를 고르거나, z는 그대로 두고 "
                  "클래스만 바꿔 보세요.",
    "class": "클래스", "styles": "스타일 (열 수)", "every_class": "같은 z, 모든 클래스",
    "sketch_intro": "신발의 옆모습 외곽선을 그리세요 (앞코는 왼쪽). pix2pix가 선을 신발 사진으로 바꿉니다.",
    "draw": "그리기", "upload": "업로드", "sketchpad": "여기에 그리세요 (지우개는 브러시 옆)",
    "shoe_from_drawing": "신발 만들기", "sketch_upload": "스케치: 흰 바탕에 어두운 선, 또는 종이에 그린 그림의 사진",
    "shoe_from_upload": "업로드한 스케치로 신발 만들기", "model_sees": "모델이 보는 입력", "shoe": "생성된 신발",
    "horse_intro": "CycleGAN은 짝이 없는 사진들로 말 ↔ 얼룩말 변환을 배웠습니다. 사진을 올리고 방향을 고르세요. "
                   "모델은 사진 전체를 (파노라마는 가운데 2:1까지) 짧은 변이 학습한 크기가 되도록 줄여서 봅니다 "
                   "(제공되는 모델: 64 px, 2코어 CPU에서 학습). 그래서 결과는 흐릿합니다.",
    "photo": "사진", "direction": "방향", "translate": "변환", "before_after": "변환 전 / 후",
    "translated": "변환 결과", "reconstruction": "되돌린 결과",
    "cycle_note": "*되돌린 결과*는 변환 결과를 다시 반대로 변환한 것입니다. 원본과 비슷하면 "
                  "순환 일관성 손실이 제 역할을 한 것입니다.",
}

# ---------------------------------------------------------------- teaching layer (issue 8)
# The Learn panels' texts live, gradio-free, in learn_text.py; they become keys learn_<topic>.
TEACH_EN = {
    "tab_lab": "Lab (step by step)", "tab_race": "Race (presets)",
    "learn": "Learn",
    # lecture mode
    "lecture_title": "Lecturer", "lecture_token": "Lecturer token", "lecture_unlock": "Unlock", "lecture_lock": "Lock",
    "lecture_off": "Lecture mode is off: everyone can start and stop training.",
    "lecture_visitor": "**Lecture mode (read-only).** The lecturer runs the training; you watch the same live runs. "
                       "The Latent, Conditional, Sketch, Horse and Lab tabs are yours to play with.",
    "lecture_unlocked": "**Lecturer.** Training controls are unlocked in this browser.",
    # shareable links
    "link_make": "Link to this view", "link_box": "Link (open it to get this tab with these settings)",
    # train tab: autoencoder views
    "ae_rows": "Rows, top to bottom: original test digits, noisy inputs (dae only), reconstructions; for the VAE, "
               "then samples from N(0, I).",
    "vae_panel": "VAE: latent map and sampling (the watched run, its current weights)",
    "vae_panel_intro": "The VAE's latent space has 2 dimensions: decode a grid of points to see all of it, or draw "
                       "fresh samples z ~ N(0, I). Both use the weights as they are *now* — press again while it "
                       "trains and watch the map organise itself.",
    "vae_sample": "Sample 64 digits", "latent_map_image": "Latent map (z₁ → right, z₂ → up)",
    "vae_samples": "Samples z ~ N(0, I)",
    # latent tab: export
    "walk_gif": "Export the walk as a GIF", "walk_gif_file": "Walk GIF (A → B → A)",
    # lab
    "lab_intro": "**GAN training, one step at a time.** Each training step of the course is three steps: "
                 "D on real data, D on fake data, then G. Press them yourself and watch what each one changes. "
                 "This model is yours alone (it lives in your browser session).",
    "lab_reset": "Reset (from the seed)", "lab_real": "① D step on real data", "lab_fake": "② D step on fake data",
    "lab_g": "③ G step", "lab_train": "Train 100 steps (①②③ × 100)",
    "lab_view": "Live view (after each click)", "lab_log": "Step log (latest first)",
    "lab_start": "Press a step button (or Reset) to begin.",
    "lab_did_real": "D step on real data", "lab_did_fake": "D step on fake data", "lab_did_g": "G step",
    "lab_did_train": "100 training steps", "lab_did_reset": "New model from the seed",
    "lab_stats": "clicks / optimiser steps:",
    # race
    "race_intro": "**Presets: one click, a fixed seed, the same demo every time.** Each starts two runs side by side "
                  "on the same data from the same seed; they take turns, one step each, so they keep level "
                  "and end the same way on this machine every time. **Slow, for a lecture** spreads the same steps "
                  "over a minute or two. Any two runs can be raced too: type their ids.",
    "preset_mode_collapse": "Mode collapse: GAN vs WGAN-GP", "preset_strong_d": "Discriminator too strong",
    "preset_high_lr": "Learning rate too high", "preset_cgan_vs_gan": "cGAN vs GAN",
    "race_preset": "Preset", "race_runs": "Runs in the race (two run ids)", "race_stop": "■ Stop the race",
    "race_settings": "Settings of the two runs", "race_running": "Racing…", "race_finished": "Finished",
    "race_stopped": "Stopped", "race_ahead_when_stopped": "ahead when stopped:", "race_failed": "A run failed",
    "race_pace": "Pace", "race_pace_normal": "Normal (as fast as it trains)",
    "race_pace_slow": "Slow, for a lecture (the same race, spread over 1½–2 minutes)",
    "lecture_ok": "✓ Unlocked: you can start and stop training from this browser.",
    "lecture_wrong": "✗ That is not the lecturer's token. Check it and try again.",
    "lecture_locked": "Locked: this browser is read-only again.",
}
TEACH_KO = {
    "tab_lab": "실험실 (한 단계씩)", "tab_race": "경주 (프리셋)",
    "learn": "배우기",
    "lecture_title": "강의자", "lecture_token": "강의자 토큰", "lecture_unlock": "잠금 해제", "lecture_lock": "잠그기",
    "lecture_off": "강의 모드가 꺼져 있습니다. 누구나 학습을 시작하고 멈출 수 있습니다.",
    "lecture_visitor": "**강의 모드 (보기 전용).** 학습은 강의자가 진행하고, 여러분은 같은 실행을 실시간으로 봅니다. "
                       "잠재 공간, 조건부 생성, 스케치, 말 ↔ 얼룩말, 실험실 탭은 자유롭게 써 보세요.",
    "lecture_unlocked": "**강의자.** 이 브라우저에서 학습 조작이 잠금 해제되었습니다.",
    "link_make": "이 화면의 링크", "link_box": "링크 (열면 이 탭이 이 설정으로 열립니다)",
    "ae_rows": "행 순서 (위에서 아래로): 원본 테스트 숫자, 잡음 섞인 입력 (dae만), 재구성. VAE는 그 아래에 "
               "N(0, I)에서 뽑은 샘플.",
    "vae_panel": "VAE: 잠재 공간 지도와 샘플링 (보고 있는 실행의 현재 가중치)",
    "vae_panel_intro": "VAE의 잠재 공간은 2차원입니다. 격자 위의 점들을 디코딩해 전체를 보거나, z ~ N(0, I)에서 "
                       "새 샘플을 뽑아 보세요. 둘 다 *현재* 가중치를 씁니다. 학습 중에 다시 눌러 지도가 스스로 정리되어 "
                       "가는 모습을 보세요.",
    "vae_sample": "숫자 64개 샘플링", "latent_map_image": "잠재 공간 지도 (z₁ → 오른쪽, z₂ → 위)",
    "vae_samples": "샘플 z ~ N(0, I)",
    "walk_gif": "이동 과정을 GIF로 내보내기", "walk_gif_file": "이동 GIF (A → B → A)",
    "lab_intro": "**GAN 학습을 한 단계씩.** 강의에서 학습 스텝 하나는 세 단계입니다: 진짜 데이터로 D, 가짜 데이터로 D, "
                 "그리고 G. 직접 눌러 보고 각 단계가 무엇을 바꾸는지 보세요. 이 모델은 여러분만의 것입니다 "
                 "(브라우저 세션에만 있음).",
    "lab_reset": "초기화 (시드로)", "lab_real": "① 진짜 데이터로 D 학습", "lab_fake": "② 가짜 데이터로 D 학습",
    "lab_g": "③ G 학습", "lab_train": "100 스텝 학습 (①②③ × 100)",
    "lab_view": "실시간 화면 (클릭할 때마다)", "lab_log": "단계 기록 (최근 것부터)",
    "lab_start": "단계 버튼(또는 초기화)을 눌러 시작하세요.",
    "lab_did_real": "진짜 데이터로 D 학습", "lab_did_fake": "가짜 데이터로 D 학습", "lab_did_g": "G 학습",
    "lab_did_train": "학습 100 스텝", "lab_did_reset": "시드로 만든 새 모델",
    "lab_stats": "클릭 / 최적화 스텝:",
    "race_intro": "**프리셋: 한 번 클릭, 고정된 시드, 매번 같은 시연.** 각 프리셋은 같은 데이터와 같은 시드로 두 실행을 "
                  "나란히 학습시킵니다. 두 실행은 한 스텝씩 번갈아 진행하므로 보조를 맞추고, 이 컴퓨터에서는 매번 같은 "
                  "결과로 끝납니다. **느리게, 강의용**은 같은 스텝을 1~2분에 걸쳐 보여 줍니다. 실행 id 두 개를 입력하면 "
                  "어떤 두 실행이든 경주시킬 수 있습니다.",
    "preset_mode_collapse": "모드 붕괴: GAN 대 WGAN-GP", "preset_strong_d": "판별자가 너무 강할 때",
    "preset_high_lr": "학습률이 너무 높을 때", "preset_cgan_vs_gan": "cGAN 대 GAN",
    "race_preset": "프리셋", "race_runs": "경주하는 실행 (실행 id 두 개)", "race_stop": "■ 경주 멈추기",
    "race_settings": "두 실행의 설정", "race_running": "경주 중…", "race_finished": "끝남",
    "race_stopped": "멈춤", "race_ahead_when_stopped": "멈출 때 앞선 쪽:", "race_failed": "실행 하나가 실패했습니다",
    "race_pace": "속도", "race_pace_normal": "보통 (학습되는 만큼 빠르게)",
    "race_pace_slow": "느리게, 강의용 (같은 경주를 1분 반~2분에 걸쳐)",
    "lecture_ok": "✓ 잠금 해제: 이 브라우저에서 학습을 시작하고 멈출 수 있습니다.",
    "lecture_wrong": "✗ 강의자 토큰이 아닙니다. 확인하고 다시 입력하세요.",
    "lecture_locked": "잠금: 이 브라우저는 다시 보기 전용입니다.",
}


# control tab (genapp/ui/tabs/control.py, issue 39)
CONTROL_EN = {
    "tab_control": "Control",
    "ctl_intro": "**Controllable generation.** Take a trained unconditional GAN and move its z so that *one* "
                 "feature changes: a class (read by the judge classifier) or the ink's thickness or slant. "
                 "The bars show what else changed with it.",
    "ctl_feature": "Feature", "ctl_feature_info": "A class (the judge's probability), thickness (ink) or slant",
    "ctl_amount": "Amount", "ctl_amount_info": "How far z moves (1: enough to change a digit; negative: the other way)",
    "ctl_keep": "Keep the other features", "ctl_keep_info": "Penalize the change of every other feature's score",
    "ctl_count": "Images", "ctl_go": "Steer", "ctl_strip": "The walk: generate() on the left, steered on the right",
    "ctl_numbers": "Scores (JSON, what /control returns)",
    "ctl_note": "Each row is one image of the seed; each column one step of the walk. Pushing *thickness* often "
                "changes the digit too (orange bars): the features are **entangled** in z. Tick *Keep the other "
                "features* and compare.",
    "ctl_feat_thickness": "thickness", "ctl_feat_slant": "slant",
    "ctl_bars_title": "**Every feature's score**, mean over the row: steering **{feature}** by {amount}",
    "ctl_bars_legend": "grey: before · purple: after · orange: another feature that moved.",
    "ctl_kept": "Other features kept (penalty on).", "ctl_not_kept": "Other features free.",
    "ctl_changed": "{n} of the {total} other features moved by more than 5 % of their range.",
}
CONTROL_KO = {
    "tab_control": "제어",
    "ctl_intro": "**제어 가능한 생성.** 학습된 비조건부 GAN의 z를 움직여 특징 *하나*를 바꿉니다: 클래스 (판정 분류기가 "
                 "읽음), 또는 잉크의 굵기나 기울기. 막대는 그와 함께 무엇이 더 바뀌었는지 보여 줍니다.",
    "ctl_feature": "특징", "ctl_feature_info": "클래스 (판정 분류기의 확률), 굵기 (잉크) 또는 기울기",
    "ctl_amount": "이동량", "ctl_amount_info": "z를 얼마나 움직일지 (1: 숫자를 바꾸기에 충분함, 음수: 반대 방향)",
    "ctl_keep": "다른 특징 유지", "ctl_keep_info": "다른 모든 특징 점수의 변화에 페널티를 줍니다",
    "ctl_count": "이미지 수", "ctl_go": "조종하기", "ctl_strip": "이동 과정: 왼쪽은 generate(), 오른쪽은 조종한 결과",
    "ctl_numbers": "점수 (JSON, /control이 돌려주는 값)",
    "ctl_note": "각 행은 시드의 이미지 하나, 각 열은 이동의 한 단계입니다. *굵기*를 밀면 숫자까지 바뀌는 일이 많습니다 "
                "(주황 막대): 특징들이 z 안에서 **얽혀** 있기 때문입니다. *다른 특징 유지*를 켜고 비교해 보세요.",
    "ctl_feat_thickness": "굵기", "ctl_feat_slant": "기울기",
    "ctl_bars_title": "**모든 특징의 점수** (행 평균): **{feature}** 쪽으로 {amount}만큼 조종",
    "ctl_bars_legend": "회색: 이전 · 보라: 이후 · 주황: 함께 움직인 다른 특징.",
    "ctl_kept": "다른 특징 유지 (페널티 켬).", "ctl_not_kept": "다른 특징은 자유.",
    "ctl_changed": "다른 특징 {total}개 중 {n}개가 범위의 5 % 넘게 움직였습니다.",
}
assert CONTROL_EN.keys() == CONTROL_KO.keys() and not set(CONTROL_EN) & set(EN)
EN.update(CONTROL_EN)
KO.update(CONTROL_KO)

# PixelCNN tab (genapp/ui/tabs/pixelcnn.py, issue 38): its tables live beside it
from .tabs.pixelcnn_text import ERRORS_EN, ERRORS_KO, PIXELCNN_EN, PIXELCNN_KO

assert not set(PIXELCNN_EN) & set(EN)
EN.update(PIXELCNN_EN)
KO.update(PIXELCNN_KO)


def _lessons() -> tuple[dict[str, str], dict[str, str]]:
    from .learn_text import LESSONS

    return ({f"learn_{k}": v["en"] for k, v in LESSONS.items()}, {f"learn_{k}": v["ko"] for k, v in LESSONS.items()})


_LEARN_EN, _LEARN_KO = _lessons()
for _key in (*TEACH_EN, *_LEARN_EN):
    assert _key not in EN, f"teaching key {_key!r} would replace an existing text"
EN.update(TEACH_EN, **_LEARN_EN)
KO.update(TEACH_KO, **_LEARN_KO)

assert EN.keys() == KO.keys(), sorted(set(EN) ^ set(KO))

I18N = gr.I18n(en=EN, ko=KO)


def t(key: str):
    """The translatable text for ``key`` (rendered in the visitor's language by the front end)."""
    if key not in EN:
        raise KeyError(f"no text for {key!r}")
    return I18N(key)


# ---------------------------------------------------------------- server side (issue 35)
# Text the server computes -- status lines, tables, plot titles and legends, error messages -- in
# the visitor's language. The language is the first one of the browser's Accept-Language (the
# front end picks its table the same way); an API caller (gradio_client sends none) gets English,
# the language of DESIGN.md's API contract. Keys of these tables may hold {fields} for tr().
SERVER_EN = {
    # run statuses, as the status line, the runs table and the race show them
    "status_queued": "queued", "status_running": "running", "status_finished": "finished",
    "status_stopped": "stopped", "status_failed": "failed", "status_interrupted": "interrupted",
    "status_stopping": "stopping",
    # the Train tab's status line
    "st_step": "step **{step} / {total}**", "st_speed": "**{speed}** images/s", "st_eta": "ETA **{eta}**",
    "st_threads": "on **{threads} of {max_threads} threads**: another program keeps a core busy (this browser?), "
                  "and fewer threads train faster then",
    "st_elapsed": "elapsed {elapsed}", "st_metrics": "metrics:", "st_rows": "Rows, top to bottom:",
    "st_n_rows": "{label} ({n} rows)", "timeline_caption": "sample {i} / {n} · step **{step}**",
    "gif_step": "step {step}",
    # tables
    "col_run": "run", "col_family": "family", "col_dataset": "dataset", "col_status": "status", "col_step": "step",
    "col_note": "note", "col_steps": "steps", "col_batch": "batch size", "col_lr": "lr", "col_seed": "seed",
    "col_overrides": "overrides", "col_click": "#", "col_action": "step", "col_losses": "losses",
    # plots: axes and legend titles
    "ax_step": "step", "ax_value": "value", "ax_curve": "curve", "ax_click": "click", "ax_class": "class",
    "ax_share": "share",
    # the race and the Lab
    "race_step": "step **{step} / {total}**", "race_at_step": "(step {step})", "race_stopped_at": "step {step} / {total}",
    "lab_pattern": "pattern",
    # errors (the common ones; a message without a template here stays as written)
    "err_whole": "{name} must be a whole number (got {value}).", "err_empty_whole": "{name} is empty; give a whole number.",
    "err_range": "{name} must be between {lo} and {hi} (got {value}).",
    "err_at_least": "{name} must be at least {lo} (got {value}).", "err_at_most": "{name} must be at most {hi} (got {value}).",
    "err_number": "{name} must be a number (got {value}).", "err_empty_number": "{name} is empty; give a number.",
    "err_finite": "{name} must be a finite number (got {value}).", "err_too_large": "{name} is far too large.",
    "err_field": "{name}: {message}",
    "err_min": "Value {value} is less than minimum value {lo}.", "err_max": "Value {value} is greater than maximum value {hi}.",
    "err_busy": "The app is busy, try again in a few minutes: {reason}",
    "err_unexpected": "Something went wrong ({kind}). The app is still running; try again or pick another model.",
    "err_choose_model": "Choose a model first.", "err_choose_model_text": "Choose a model first (its name, as text).",
    "err_not_a_name": "{name} is not a model name: give a pretrained name, a run id or a Hub repo id (owner/name).",
    "err_no_model": "No model called {name}: not a pretrained name ({names}), a run id or a Hub repo id (owner/name).",
    "err_not_installed": "The pretrained model {name} is not installed.",
    "err_wrong_family": "{name} is a {family} model; this tab needs one of: {families}.",
    "err_upload_first": "Upload {what} first.", "err_no_run": "No run selected: start one, or pick one from the runs list.",
    "err_not_run_id": "{name} is not a run id (run ids look like 00012-dcgan-mnist).",
    "err_no_samples": "Run {run} has no saved samples yet.",
    "err_two_ids": "Give two run ids separated by a comma, e.g. 00003-ring-ring, 00004-wgan-ring.",
    "err_empty_sketch": "The sketch is empty — draw the outline of a shoe (side view, toe to the left).",
    "err_sketch_empty": "The sketch is empty — draw the outline of a shoe",
    "err_no_image": "No image was given; upload a picture first.",
    "err_not_image": "This file is not an image we can read; upload a PNG, JPEG, WebP, GIF or BMP picture.",
    "err_file_empty": "The file is empty; upload a PNG or JPEG picture.",
    "err_too_small": "The image is only {w}x{h} pixels; use one at least {min} px on each side.",
    "err_lecture_only": "Lecture mode: only the lecturer can start or stop training here. You can watch the live "
                        "runs and use every other tab.",
    "err_lecture_token": "That is not the lecturer's token.",
    "error_title": "Error", "warning_title": "Warning", "lecture_mode_title": "Lecture mode",
    # a playground's note on missing pretrained models
    "notice_head": "**Some pretrained models are not installed:**",
    "notice_line": "- **{name}** is missing. Train it with `{cmd}`",
    "notice_tail": "Models you finish in the **Train** tab appear in the model list too.",
}
SERVER_KO = {
    "status_queued": "대기 중", "status_running": "학습 중", "status_finished": "끝남",
    "status_stopped": "멈춤", "status_failed": "실패", "status_interrupted": "중단됨",
    "status_stopping": "멈추는 중",
    "st_step": "스텝 **{step} / {total}**", "st_speed": "초당 이미지 **{speed}**개", "st_eta": "남은 시간 **{eta}**",
    "st_threads": "**{max_threads}개 중 {threads}개 스레드**로 학습: 다른 프로그램(이 브라우저?)이 코어 하나를 쓰고 "
                  "있어, 스레드를 줄이면 더 빠릅니다",
    "st_elapsed": "경과 {elapsed}", "st_metrics": "지표:", "st_rows": "행 순서 (위에서 아래로):",
    "st_n_rows": "{label} ({n}행)", "timeline_caption": "샘플 {i} / {n} · 스텝 **{step}**",
    "gif_step": "step {step}",
    "col_run": "실행", "col_family": "모델 종류", "col_dataset": "데이터셋", "col_status": "상태", "col_step": "스텝",
    "col_note": "메모", "col_steps": "스텝 수", "col_batch": "배치 크기", "col_lr": "학습률", "col_seed": "시드",
    "col_overrides": "추가 설정", "col_click": "#", "col_action": "단계", "col_losses": "손실",
    "ax_step": "스텝", "ax_value": "값", "ax_curve": "곡선", "ax_click": "클릭", "ax_class": "클래스",
    "ax_share": "비율",
    "race_step": "스텝 **{step} / {total}**", "race_at_step": "(스텝 {step})", "race_stopped_at": "스텝 {step} / {total}",
    "lab_pattern": "패턴",
    "err_whole": "{name}: 정수를 입력하세요 (입력: {value}).", "err_empty_whole": "{name}이(가) 비어 있습니다. 정수를 입력하세요.",
    "err_range": "{name}은(는) {lo}에서 {hi} 사이여야 합니다 (입력: {value}).",
    "err_at_least": "{name}은(는) {lo} 이상이어야 합니다 (입력: {value}).",
    "err_at_most": "{name}은(는) {hi} 이하여야 합니다 (입력: {value}).",
    "err_number": "{name}: 숫자를 입력하세요 (입력: {value}).", "err_empty_number": "{name}이(가) 비어 있습니다. 숫자를 입력하세요.",
    "err_finite": "{name}: 유한한 숫자를 입력하세요 (입력: {value}).", "err_too_large": "{name}이(가) 너무 큽니다.",
    "err_field": "{name}: {message}",
    "err_min": "값 {value}은(는) 최솟값 {lo}보다 작습니다.", "err_max": "값 {value}은(는) 최댓값 {hi}보다 큽니다.",
    "err_busy": "앱이 바쁩니다. 몇 분 뒤에 다시 시도하세요: {reason}",
    "err_unexpected": "문제가 생겼습니다 ({kind}). 앱은 계속 실행 중이니 다시 시도하거나 다른 모델을 고르세요.",
    "err_choose_model": "먼저 모델을 고르세요.", "err_choose_model_text": "먼저 모델을 고르세요 (이름을 글자로).",
    "err_not_a_name": "{name}은(는) 모델 이름이 아닙니다. 사전 학습 모델 이름, 실행 id 또는 Hub 저장소 id "
                      "(owner/name)를 입력하세요.",
    "err_no_model": "{name}이라는 모델이 없습니다. 사전 학습 모델 이름({names}), 실행 id, Hub 저장소 id "
                    "(owner/name) 중 어느 것도 아닙니다.",
    "err_not_installed": "사전 학습 모델 {name}이(가) 설치되어 있지 않습니다.",
    "err_wrong_family": "{name}은(는) {family} 모델입니다. 이 탭에는 다음 중 하나가 필요합니다: {families}.",
    "err_upload_first": "먼저 {what}을(를) 올리세요.", "err_no_run": "선택한 실행이 없습니다. 실행을 시작하거나 목록에서 고르세요.",
    "err_not_run_id": "{name}은(는) 실행 id가 아닙니다 (실행 id는 00012-dcgan-mnist 같은 모양입니다).",
    "err_no_samples": "실행 {run}에는 아직 저장된 샘플이 없습니다.",
    "err_two_ids": "실행 id 두 개를 쉼표로 구분해 입력하세요. 예: 00003-ring-ring, 00004-wgan-ring.",
    "err_empty_sketch": "스케치가 비어 있습니다. 신발의 외곽선을 그리세요 (옆모습, 앞코는 왼쪽).",
    "err_sketch_empty": "스케치가 비어 있습니다 — 신발의 윤곽을 그리세요",
    "err_no_image": "이미지가 없습니다. 먼저 사진을 올리세요.",
    "err_not_image": "읽을 수 있는 이미지 파일이 아닙니다. PNG, JPEG, WebP, GIF, BMP 사진을 올리세요.",
    "err_file_empty": "파일이 비어 있습니다. PNG나 JPEG 사진을 올리세요.",
    "err_too_small": "이미지가 {w}x{h} 픽셀뿐입니다. 한 변이 {min} px 이상인 이미지를 쓰세요.",
    "err_lecture_only": "강의 모드: 여기서는 강의자만 학습을 시작하고 멈출 수 있습니다. 실시간 실행을 보고 다른 탭은 "
                        "모두 쓸 수 있습니다.",
    "err_lecture_token": "강의자 토큰이 아닙니다.",
    "error_title": "오류", "warning_title": "경고", "lecture_mode_title": "강의 모드",
    "notice_head": "**설치되지 않은 사전 학습 모델이 있습니다:**",
    "notice_line": "- **{name}** 이(가) 없습니다. 학습 명령: `{cmd}`",
    "notice_tail": "**학습** 탭에서 끝낸 모델도 모델 목록에 나타납니다.",
}
# Names of things the server shows that are data, not keys: the families' loss and row names, the
# presets' run labels, the English names of the form's fields in messages. English -> Korean.
PHRASES_KO = {
    "plain GAN": "일반 GAN", "k = 1 (balanced)": "k = 1 (균형)", "k = 5 (D too strong)": "k = 5 (D가 너무 강함)",
    "lr = 1e-2 (too high)": "lr = 1e-2 (너무 높음)",
    "reconstruction (MSE)": "재구성 (MSE)", "reconstruction (BCE)": "재구성 (BCE)",
    "total (reconstruction + KL)": "합계 (재구성 + KL)", "input": "입력", "output": "출력", "noisy input": "잡음 섞인 입력",
    "KL to N(0, I)": "N(0, I)와의 KL",
    "reconstruction": "재구성", "samples z ~ N(0, I)": "샘플 z ~ N(0, I)",
    "an image": "이미지", "a sketch": "스케치", "a photo": "사진",
    # why a run ended (genapp.trainer, genapp.runs)
    "stopped on request": "요청으로 멈춤", "stopped before it started": "시작하기 전에 멈춤",
    "another run of its race could not start": "경주의 다른 실행이 시작하지 못함",
    "the process that ran it ended; resume to continue": "실행하던 프로세스가 끝났습니다. 이어서 학습하려면 재개하세요",
    # the live view's note per family (each family's live_note)
    "Green: real points (8 Gaussians on a ring). Purple: generated points. Background: D's output "
    "(blue = 'fake', orange = 'real'). A plain GAN tends to hop between a few modes (mode collapse).":
        "초록: 진짜 점 (고리 위의 가우시안 8개). 보라: 생성된 점. 배경: D의 출력 (파랑 = '가짜', 주황 = '진짜'). "
        "일반 GAN은 몇 개의 모드 사이를 오가는 경향이 있습니다 (모드 붕괴).",
    "Purple bars: the generator's mean pattern. Grey outlines: the target pattern [1, 0, 1, 0].":
        "보라 막대: 생성자의 평균 패턴. 회색 윤곽: 목표 패턴 [1, 0, 1, 0].",
    "Rows: edges, generated shoes, real shoes.": "행: 윤곽선, 생성된 신발, 진짜 신발.",
    "Rows: horses, as zebras, cycled back; zebras, as horses, cycled back.":
        "행: 말, 얼룩말로 바꾼 것, 되돌린 것; 얼룩말, 말로 바꾼 것, 되돌린 것.",
    "Row i is class i; each column keeps one z (one 'style').": "i번째 행은 클래스 i; 각 열은 z 하나 ('스타일' 하나)를 유지합니다.",
    "reset": "초기화", "① D ← real": "① D ← 진짜", "② D ← fake": "② D ← 가짜", "seed": "시드", "seed_a": "시드 A", "seed_b": "시드 B", "count": "개수",
}
# Gradio's own front-end keys that its Korean table lacks (read as the raw key otherwise).
FRONTEND_EN = {"common.complete": "Complete", "status.queue_position": "In queue: {position} of {size}"}
FRONTEND_KO = {"common.complete": "완료", "status.queue_position": "대기열: {size}개 중 {position}번째"}

SERVER_EN.update(ERRORS_EN)
SERVER_KO.update(ERRORS_KO)
for _key in (*SERVER_EN, *FRONTEND_EN):
    assert _key not in EN, f"server key {_key!r} would replace an existing text"
assert SERVER_EN.keys() == SERVER_KO.keys(), sorted(set(SERVER_EN) ^ set(SERVER_KO))
EN.update(SERVER_EN, **FRONTEND_EN)
KO.update(SERVER_KO, **FRONTEND_KO)
assert EN.keys() == KO.keys(), sorted(set(EN) ^ set(KO))
LANGS = {"en": EN, "ko": KO}


def lang(request=None) -> str:
    """The visitor's language, "ko" or "en": the first tag of the request's Accept-Language.

    ``request``: a ``gr.Request``; by default the one of the event being handled (Gradio keeps it
    for the handler's thread; :class:`~genapp.ui.app.StudioBlocks` also for its input checks).
    No request (a test, a thread of our own) or no header (``gradio_client``) means English."""
    if request is None:
        request = REQUEST.get(None)
    if request is None:
        from gradio.context import LocalContext

        request = LocalContext.request.get(None)
    headers = getattr(request, "headers", None) or {}
    first = (headers.get("accept-language") or "").split(",")[0].split(";")[0].strip().lower()
    return "ko" if first.split("-")[0] == "ko" else "en"


def tr(key: str, language: str | None = None, **fields) -> str:
    """The text for ``key`` in ``language`` (default: the visitor's, :func:`lang`), its
    ``{fields}`` filled in."""
    table = LANGS.get(language or lang(), EN)
    text = table[key]
    return text.format(**fields) if fields else text


def axis_titles(x: str = "ax_step", y: str = "ax_value", color: str | None = "ax_curve") -> dict:
    """A plot's axis and legend titles in the visitor's language, as keyword arguments of
    ``gr.LinePlot`` / ``gr.BarPlot`` (the frames' columns stay as the code names them)."""
    return {"x_title": tr(x), "y_title": tr(y), **({"color_title": tr(color)} if color else {})}


def phrase(text: str, language: str | None = None) -> str:
    """A name the server shows as data (a loss name, a preset's run label), in the visitor's language."""
    if (language or lang()) != "ko":
        return text
    return PHRASES_KO.get(text, text)


def _template(text: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", text)
    return re.compile("".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts)),
                      re.DOTALL)


_MESSAGES = [(key, _template(text)) for key, text in SERVER_EN.items() if key.startswith("err_")]
_EN_TO_KO = {**{EN[k]: KO[k] for k in EN if len(EN[k]) <= 40}, **PHRASES_KO}


def message(text: str, language: str | None = None) -> str:
    """A message written in English (by a handler, the core or Gradio) in the visitor's language.

    The message is matched against the ``err_`` templates; its fields that are themselves texts of
    the tables (a field's label) are translated too, quotes stripped from them. A message without a
    template stays as written."""
    if not text or (language or lang()) != "ko":
        return text
    for key, pattern in _MESSAGES:
        m = pattern.fullmatch(text)
        if m:
            fields = {}
            for name, value in m.groupdict().items():
                bare = value.strip("'\"")
                fields[name] = _EN_TO_KO.get(bare, _EN_TO_KO.get(value, message(value, "ko") if name == "message"
                                                                   else value))
            return KO[key].format(**fields)
    return text


REQUEST: ContextVar = ContextVar("genapp_request", default=None)  # the event's request (StudioBlocks)
