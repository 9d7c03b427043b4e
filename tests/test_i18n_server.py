"""The server's text in the visitor's language (genapp/ui/i18n.py): the language from the request's
Accept-Language, English for API callers, and messages written in English translated by template."""
from __future__ import annotations

from types import SimpleNamespace

from genapp.ui import i18n


def request(accept_language: str | None):
    return SimpleNamespace(headers={} if accept_language is None else {"accept-language": accept_language})


def test_the_language_is_the_browsers_first_choice_and_english_without_one():
    assert i18n.lang(request("ko-KR,ko;q=0.9,en-US;q=0.8")) == "ko"
    assert i18n.lang(request("en-US,en;q=0.9,ko;q=0.8")) == "en"
    assert i18n.lang(request("fr-FR")) == "en"
    assert i18n.lang(request(None)) == "en"      # gradio_client sends no Accept-Language
    assert i18n.lang() == "en"                    # no event being handled


def test_every_server_text_has_both_languages_and_the_same_fields():
    import string

    for key, en in i18n.SERVER_EN.items():
        ko = i18n.SERVER_KO[key]
        fields = lambda s: sorted(f for _, f, _, _ in string.Formatter().parse(s) if f)  # noqa: E731
        assert fields(en) == fields(ko), key
        assert ko != en or key in ("col_click", "err_field", "gif_step"), key


def test_messages_are_translated_by_template_with_their_field_names():
    assert i18n.message("Seed must be between 0 and 10 (got 11).", "ko") == "시드은(는) 0에서 10 사이여야 합니다 (입력: 11)."
    assert i18n.message("Batch size: Value 0 is less than minimum value 1.", "ko") == \
        "배치 크기: 값 0은(는) 최솟값 1보다 작습니다."
    assert i18n.message("Seed must be between 0 and 10 (got 11).", "en") == "Seed must be between 0 and 10 (got 11)."
    assert i18n.message("A message with no template.", "ko") == "A message with no template."


def test_tr_fills_fields_and_gradios_missing_korean_key_is_supplied():
    assert i18n.tr("st_step", "ko", step="3", total="10") == "스텝 **3 / 10**"
    assert i18n.tr("st_step", "en", step="3", total="10") == "step **3 / 10**"
    assert i18n.KO["common.complete"] == "완료"   # the screen-reader region read the raw key
