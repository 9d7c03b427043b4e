"""The PixelCNN tab's text in English and Korean (merged into ``i18n.EN`` / ``i18n.KO``; the
``err_`` templates into its server-side messages, so a Korean page reads them in Korean).
Gradio-free: plain tables.
"""
from __future__ import annotations

PIXELCNN_EN = {
    "tab_pixelcnn": "PixelCNN",
    "pcnn_intro": "**PixelCNN: an explicit density.** It writes p(x) = p(x₁) p(x₂ | x₁) ⋯ p(x₇₈₄ | x₁ … x₇₈₃): "
                  "each pixel's probability given the pixels before it, in raster order. So it can *score* any image exactly "
                  "(a GAN cannot), and it has to *draw* one pixel at a time.",
    "pcnn_draw_tab": "Draw pixel by pixel", "pcnn_complete_tab": "Complete a digit",
    "pcnn_compare_tab": "Compare likelihoods",
    "pcnn_draw_intro": "The first sample, drawn in raster order (row by row, left to right). **Red**: the pixel "
                       "being drawn. **Blue**: the pixels its probability depends on, its *receptive field* "
                       "(the rows above and the pixels to its left). **Grey**: not drawn yet.",
    "pcnn_count": "Samples", "pcnn_sample": "Sample pixel by pixel",
    "pcnn_anim": "Sample 1, drawn pixel by pixel", "pcnn_grid": "All the samples",
    "pcnn_complete_intro": "Keep the top rows of a digit and let the model sample the rest, at a different seed each "
                           "time. The first tile is the input (grey: what the model is not shown); the red line is "
                           "the last row kept.",
    "pcnn_rows": "Rows kept", "pcnn_rows_info": "The top rows the model is given, of 28",
    "pcnn_completions": "Completions",
    "pcnn_from_test": "Test digit", "pcnn_from_draw": "Draw", "pcnn_from_upload": "Upload",
    "pcnn_index": "Test digit number (0 to 9,999)",
    "pcnn_complete_test": "Complete the test digit", "pcnn_complete_draw": "Complete my drawing",
    "pcnn_complete_upload": "Complete the picture",
    "pcnn_pad": "Draw a digit (or only its top), large, in the middle",
    "pcnn_upload": "A picture of a digit (dark on light or light on dark)",
    "pcnn_sheet": "The input, then its completions",
    "pcnn_compare_intro": "The exact log-likelihood of five images under the model: a real test digit, the same "
                          "digit shifted 2 px to the right, the digit with 10 % of its pixels flipped, a GAN's sample "
                          "(binarized) and random noise. A lower −log p(x) means more probable.",
    "pcnn_compare": "Compare",
    "pcnn_numbers": "Numbers (JSON, what /pixelcnn_likelihoods returns)",
    "pcnn_blind_tab": "Blind spot",
    "pcnn_blind_intro": "Which earlier pixels can reach the **red** pixel's probability? Both networks below have the "
                        "same depth and first kernel. **Left**: stacked masked convolutions (the first PixelCNN). "
                        "**Right**: the gated PixelCNN's vertical + horizontal stacks (the shipped model). **Blue**: "
                        "pixels that reach it. **Amber**: the *blind spot*, earlier pixels the masked stack never "
                        "sees, however it is trained. **Black**: earlier pixels out of reach; **grey**: later pixels. "
                        "Found by autograd: the gradient of the pixel's logit with respect to every input pixel.",
    "pcnn_layers": "Layers after the first", "pcnn_kernel": "First layer's kernel (k × k)",
    "pcnn_row": "Row of the red pixel", "pcnn_col": "Column of the red pixel",
    "pcnn_blind_go": "Show the receptive fields",
    "pcnn_plain": "Masked convolutions (plain PixelCNN)", "pcnn_gated": "Vertical + horizontal stacks (gated)",
    "pcnn_blind_summary": "Of the {before} pixels before ({r}, {c}), the masked stack sees **{plain}** and the gated "
                          "stacks **{gated}**: a blind spot of **{blind}** pixels above and to the right. The caption "
                          "under each picture: (row, column) · pixels seen / pixels before · blind spot.",
    "pcnn_point": "**Explicit vs implicit density.** A PixelCNN gives *every* image an exact likelihood, so it can "
                  "rank these five. A GAN gives none: it can only draw samples, so its sample had to be scored by "
                  "the PixelCNN.",
    # server side (tr): the comparison's rows, headers and notes
    "pcnn_real": "real digit", "pcnn_shifted": "shifted 2 px", "pcnn_flipped": "10 % flipped",
    "pcnn_gan": "GAN sample", "pcnn_noise": "random noise",
    "pcnn_bpd": "bits/dim",
    "pcnn_bars_title": "**−log p(x)** of each image: a shorter bar is a more probable image",
    "pcnn_uniform": "The dashed line: a model that knows nothing (every pixel a coin flip) gives every image "
                    "{nats:.1f} nats = 1 bit/dim.",
    "pcnn_gan_from": "GAN sample: {name}, seed {seed}, pixels above 0.5 set to 1.",
    "pcnn_no_gan": "No GAN sample: none of {names} is installed (train one with `{cmd}`).",
}
PIXELCNN_KO = {
    "tab_pixelcnn": "PixelCNN (픽셀 단위)",
    "pcnn_intro": "**PixelCNN: 명시적 밀도.** p(x) = p(x₁) p(x₂ | x₁) ⋯ p(x₇₈₄ | x₁ … x₇₈₃) 로 씁니다. 래스터 순서에서 앞선 픽셀들이 "
                  "주어졌을 때 각 픽셀의 확률입니다. 그래서 어떤 이미지든 정확한 *점수*를 매길 수 있고 (GAN은 못 함), "
                  "그릴 때는 한 번에 한 픽셀씩 *그려야* 합니다.",
    "pcnn_draw_tab": "픽셀 단위로 그리기", "pcnn_complete_tab": "숫자 완성하기", "pcnn_compare_tab": "가능도 비교",
    "pcnn_draw_intro": "첫 번째 샘플을 래스터 순서 (위 행부터, 왼쪽에서 오른쪽으로) 로 그립니다. **빨강**: 지금 그리는 픽셀. "
                       "**파랑**: 그 픽셀의 확률이 의존하는 픽셀들, 곧 *수용 영역* (위쪽 행들과 같은 행의 왼쪽 픽셀). "
                       "**회색**: 아직 그리지 않은 픽셀.",
    "pcnn_count": "샘플 수", "pcnn_sample": "픽셀 단위로 샘플링",
    "pcnn_anim": "샘플 1을 픽셀 단위로 그리는 과정", "pcnn_grid": "모든 샘플",
    "pcnn_complete_intro": "숫자의 위쪽 행들을 남기고 나머지를 모델이 샘플링합니다. 매번 다른 시드를 씁니다. 첫 칸은 입력 "
                           "(회색: 모델에게 보여 주지 않은 부분), 빨간 선은 남긴 마지막 행입니다.",
    "pcnn_rows": "남길 행 수", "pcnn_rows_info": "모델에게 주는 위쪽 행의 수 (28행 중)",
    "pcnn_completions": "완성 개수",
    "pcnn_from_test": "테스트 숫자", "pcnn_from_draw": "그리기", "pcnn_from_upload": "올리기",
    "pcnn_index": "테스트 숫자 번호 (0 ~ 9,999)",
    "pcnn_complete_test": "테스트 숫자 완성하기", "pcnn_complete_draw": "내 그림 완성하기",
    "pcnn_complete_upload": "그림 완성하기",
    "pcnn_pad": "숫자 (또는 위쪽만) 를 가운데에 크게 그리세요",
    "pcnn_upload": "숫자 그림 (밝은 바탕에 어두운 글씨, 또는 그 반대)",
    "pcnn_sheet": "입력과 그 완성 결과",
    "pcnn_compare_intro": "다섯 이미지의 정확한 로그 가능도: 진짜 테스트 숫자, 오른쪽으로 2 px 옮긴 숫자, 픽셀 10 %를 뒤집은 "
                          "숫자, GAN의 샘플 (이진화), 무작위 잡음. −log p(x) 가 낮을수록 확률이 높습니다.",
    "pcnn_compare": "비교하기",
    "pcnn_numbers": "수치 (JSON, /pixelcnn_likelihoods가 돌려주는 값)",
    "pcnn_blind_tab": "맹점",
    "pcnn_blind_intro": "앞선 픽셀 가운데 어느 것이 **빨간** 픽셀의 확률에 닿을까요? 아래 두 네트워크는 깊이와 첫 커널 크기가 "
                        "같습니다. **왼쪽**: 마스크 합성곱을 쌓은 처음의 PixelCNN. **오른쪽**: 게이트 PixelCNN의 수직 + 수평 스택 "
                        "(배포한 모델). **파랑**: 닿는 픽셀. **주황**: *맹점*, 마스크 스택이 어떻게 학습해도 보지 못하는 앞선 "
                        "픽셀. **검정**: 닿지 않는 앞선 픽셀, **회색**: 뒤의 픽셀. 자동 미분으로 찾습니다: 그 픽셀의 로짓을 모든 입력 "
                        "픽셀로 미분한 기울기.",
    "pcnn_layers": "첫 층 뒤의 층 수", "pcnn_kernel": "첫 층의 커널 (k × k)",
    "pcnn_row": "빨간 픽셀의 행", "pcnn_col": "빨간 픽셀의 열",
    "pcnn_blind_go": "수용 영역 보기",
    "pcnn_plain": "마스크 합성곱 (기본 PixelCNN)", "pcnn_gated": "수직 + 수평 스택 (게이트)",
    "pcnn_blind_summary": "({r}, {c}) 앞의 픽셀 {before}개 가운데 마스크 스택은 **{plain}**개, 게이트 스택은 **{gated}**개를 "
                          "봅니다: 오른쪽 위의 맹점은 **{blind}**픽셀입니다. 각 그림 아래 설명: (행, 열) · 보는 픽셀 / 앞선 픽셀 · "
                          "맹점.",
    "pcnn_point": "**명시적 밀도 대 암묵적 밀도.** PixelCNN은 *모든* 이미지에 정확한 가능도를 주므로 이 다섯 개의 순위를 "
                  "매길 수 있습니다. GAN은 가능도를 주지 않습니다. 샘플을 그릴 수만 있어서, GAN의 샘플도 PixelCNN이 "
                  "점수를 매겼습니다.",
    "pcnn_real": "진짜 숫자", "pcnn_shifted": "2 px 이동", "pcnn_flipped": "10 % 뒤집음",
    "pcnn_gan": "GAN 샘플", "pcnn_noise": "무작위 잡음",
    "pcnn_bpd": "비트/차원",
    "pcnn_bars_title": "각 이미지의 **−log p(x)**: 막대가 짧을수록 확률이 높은 이미지",
    "pcnn_uniform": "점선: 아무것도 모르는 모델 (모든 픽셀이 동전 던지기) 은 모든 이미지에 {nats:.1f} nats = 1 비트/차원을 "
                    "줍니다.",
    "pcnn_gan_from": "GAN 샘플: {name}, 시드 {seed}, 0.5보다 밝은 픽셀을 1로.",
    "pcnn_no_gan": "GAN 샘플 없음: {names} 중 설치된 것이 없습니다 (학습 명령: `{cmd}`).",
}

# Messages of the tab's checks (``i18n.message`` matches them on a Korean page).
ERRORS_EN = {
    "err_pcnn_empty": "The picture is empty — draw a digit (or only its top rows), large, in the middle.",
    "err_pcnn_index": "The test digit number must be from 0 to {hi} (got {value}).",
}
ERRORS_KO = {
    "err_pcnn_empty": "그림이 비어 있습니다. 숫자 (또는 그 위쪽 행들만) 를 가운데에 크게 그리세요.",
    "err_pcnn_index": "테스트 숫자 번호는 0에서 {hi} 사이여야 합니다 (입력: {value}).",
}

assert PIXELCNN_EN.keys() == PIXELCNN_KO.keys() and ERRORS_EN.keys() == ERRORS_KO.keys()
