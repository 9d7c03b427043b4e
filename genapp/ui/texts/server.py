"""Text the server computes (status lines, tables, plot titles and legends, error messages) in
English and Korean; ``PHRASES_KO``: data shown as text (loss and row names, race labels);
``FRONTEND_*``: Gradio's own front-end keys its Korean table lacks."""
from __future__ import annotations

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
