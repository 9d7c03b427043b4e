"""The app's labels, buttons, tab names and intros in English and Korean (static text the
front end translates). Keys have no dots (the front end would read a dot as a nested table)."""
from __future__ import annotations

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
                   "size it learned at (the shipped one: 128 px, trained on a 2-core CPU; the paper's is 256), so expect a soft picture and stripes on about half of the horses.",
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
                   "(제공되는 모델: 128 px, 2코어 CPU에서 학습. 논문은 256 px). 그래서 결과는 흐릿하고, 말의 절반 정도에만 줄무늬가 생깁니다.",
    "photo": "사진", "direction": "방향", "translate": "변환", "before_after": "변환 전 / 후",
    "translated": "변환 결과", "reconstruction": "되돌린 결과",
    "cycle_note": "*되돌린 결과*는 변환 결과를 다시 반대로 변환한 것입니다. 원본과 비슷하면 "
                  "순환 일관성 손실이 제 역할을 한 것입니다.",
}
