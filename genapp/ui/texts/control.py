"""The Control tab's text in English and Korean."""
from __future__ import annotations

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
