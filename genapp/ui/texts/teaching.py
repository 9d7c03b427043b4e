"""The teaching layer's text (lecture mode, links, the Lab and the race) in English and Korean."""
from __future__ import annotations

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
