"""Open pages follow the runs started after they loaded, in a real browser (headless Chromium,
Playwright), in the order people act: students open the link first, then the lecturer starts a
run (through the API with the token, then a race from the lecturer's own page, at the slow pace)
and stops the race. The student's page must show each run's status and live grid, the race and
the new runs in "Watch a run" within seconds, without a reload; the Lecturer box answers right and
wrong tokens. Outside lecture mode the box is hidden, an idle page picks up a new run, and a page
already watching one is left alone.

The student's page is a phone in Korean (390 x 844), the lecturer's a laptop in English; the
screenshots go to lecture_follow_*.png (see browser.py).
"""
from __future__ import annotations

import pytest

from . import browser as B
from .browser import wait_text

pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")  # pandas 3 deprecations inside Gradio

TOKEN = "lecture-token-follow-5e1d"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}
FOLLOW_MS = 20_000  # "within a few seconds" (the page looks every 2 s), with room for a busy 2-core machine


def open_page(browser, url: str, locale: str = "en-US", viewport: dict = LAPTOP, query: str = ""):
    ctx = browser.new_context(locale=locale, viewport=viewport)
    page = ctx.new_page()
    page.set_default_timeout(B.TIMEOUT)
    page.goto(url + "/" + query, wait_until="load")
    page.wait_for_selector("#train-start", state="attached")
    return page


def shot(page, name: str) -> None:
    B.shot(page, f"lecture_follow_{name}")


def tab(page, en: str, ko: str) -> None:
    page.get_by_role("tab", name=ko if page.evaluate("navigator.language").startswith("ko") else en,
                     exact=True).click()


def watch_list(page) -> str:
    """The options of "Watch a run" (opened, read, closed)."""
    page.locator("#train-watch input").click()
    page.get_by_role("option").first.wait_for(state="attached")
    text = " ".join(page.get_by_role("option").all_inner_texts())
    page.keyboard.press("Escape")
    page.locator("#train-watch input").blur()
    return text


def wait_watch_list(page, run_id: str) -> None:
    page.wait_for_function("(() => { const i = document.querySelector('#train-watch input'); return !!i; })()")
    for _ in range(20):
        if run_id in watch_list(page):
            return
        page.wait_for_timeout(1000)
    raise AssertionError(f"{run_id} never appeared in 'Watch a run': {watch_list(page)!r}")


def wait_running(page, elem_id: str, timeout: int = FOLLOW_MS) -> None:
    """The status line says the run trains (in English, or in Korean where the page translates it)."""
    page.wait_for_function(f"['RUNNING', '학습 중'].some(w => (document.querySelector('#{elem_id}') || {{}})"
                           f".innerText?.includes(w))", timeout=timeout)


def wait_img(page, elem_id: str) -> None:
    """browser.wait_img, after scrolling the image into view (a phone lazy-loads those below the fold)."""
    page.wait_for_selector(f"#{elem_id} img", state="attached", timeout=FOLLOW_MS)
    page.locator(f"#{elem_id} img").scroll_into_view_if_needed()
    B.wait_img(page, elem_id)


def quiet_registry():
    """No run active when the student arrives (an earlier test's would be shown at once)."""
    from genapp.runs import registry

    for run in registry().active():
        registry().stop(run.id, timeout=60)


def test_a_page_opened_before_the_lecture_follows_the_lecturers_runs(browser, app_url, app_env, monkeypatch):
    from gradio_client import Client

    from genapp.runs import registry

    monkeypatch.setenv("GENAPP_ADMIN_TOKEN", TOKEN)
    quiet_registry()
    started: list[str] = []
    student = open_page(browser, app_url, locale="ko-KR", viewport=PHONE)  # the student is first
    lecturer_page = None
    try:
        student.wait_for_function("!!document.querySelector('#lecture-box')")
        wait_text(student, "lecture-status", "보기 전용")
        assert not (student.locator("#train-run-id input").input_value() or "").strip()

        # 1. The lecturer starts a run through the API, with the token.
        lecturer = Client(app_url, verbose=False, headers={"X-GenApp-Admin": TOKEN})
        run_id = lecturer.predict("toy1010", "toy1010", 100_000, 4, None, 0, api_name="/train_start")
        started.append(run_id)
        wait_text(student, "train-status", run_id, timeout=FOLLOW_MS)
        wait_running(student, "train-status")
        wait_img(student, "train-sample")
        wait_watch_list(student, run_id)
        shot(student, "student_train_ko_phone")
        lecturer.predict(run_id, api_name="/train_stop")  # one run at a time: the race would queue behind it

        # 2. The lecturer's own page: a wrong token is refused in the box, the right one unlocks.
        lecturer_page = open_page(browser, app_url)
        lecturer_page.locator("#lecture-box > button").first.click()
        lecturer_page.locator("#lecture-token input").fill("not-the-token")
        lecturer_page.locator("#lecture-unlock").click()
        wait_text(lecturer_page, "lecture-feedback", "not the lecturer's token")
        shot(lecturer_page, "lecturer_wrong_token")
        lecturer_page.locator("#lecture-token input").fill(TOKEN)
        lecturer_page.locator("#lecture-unlock").click()
        wait_text(lecturer_page, "lecture-feedback", "Unlocked")
        lecturer_page.wait_for_function("document.querySelector('#train-start')?.disabled === false")
        tab(lecturer_page, "Race (presets)", "")
        lecturer_page.wait_for_function("document.querySelector('#preset-mode_collapse')?.disabled === false")
        lecturer_page.get_by_label("Slow, for a lecture", exact=False).check()
        on_stage = lecturer_page.locator("#race-ids input").input_value()   # an earlier test's race, if any
        lecturer_page.locator("#preset-mode_collapse").click()
        lecturer_page.wait_for_function(
            "old => { const v = document.querySelector('#race-ids input')?.value || ''; "
            "return v.includes(',') && v !== old; }", arg=on_stage)
        ids = [s.strip() for s in lecturer_page.locator("#race-ids input").input_value().split(",")]
        started += ids
        assert [registry().get(i).family for i in ids] == ["ring", "wgan"]

        # ... and the student, who opened the page long before, sees the race and follows it.
        student.wait_for_function(f"(document.querySelector('#train-run-id input')?.value || '') === {ids[0]!r}",
                                  timeout=FOLLOW_MS)
        wait_text(student, "train-status", ids[0], timeout=FOLLOW_MS)
        wait_watch_list(student, ids[1])
        tab(student, "Race (presets)", "경주 (프리셋)")
        student.wait_for_function(f"(document.querySelector('#race-ids input')?.value || '') === {', '.join(ids)!r}",
                                  timeout=FOLLOW_MS)
        wait_running(student, "race-left-status")
        wait_running(student, "race-right-status")
        wait_img(student, "race-left-img")
        wait_img(student, "race-right-img")

        # 3. The lecturer stops the race once one side leads: it says stopped, and who was ahead.
        wait_text(lecturer_page, "race-result", "▲", timeout=120_000)
        lecturer_page.locator("#race-stop").click()
        wait_text(lecturer_page, "race-result", "Stopped", timeout=60_000)
        wait_text(lecturer_page, "race-result", "ahead when stopped")
        result = lecturer_page.locator("#race-result").inner_text()
        assert "Finished" not in result and "plain GAN" in result and "i18n" not in result, result
        assert all(registry().get(i).status == "stopped" for i in ids)
        assert all(registry().get(i).step < 2000 for i in ids)  # the slow pace: far from the end when stopped
        shot(lecturer_page, "lecturer_race_stopped")
        wait_text(student, "race-result", "멈춤", timeout=FOLLOW_MS)
        wait_text(student, "race-result", "멈출 때 앞선 쪽")
        assert "i18n" not in student.locator("#race-result").inner_text()
        shot(student, "student_race_ko_phone")
    finally:
        for rid in started:
            registry().stop(rid, timeout=60)
        student.context.close()
        if lecturer_page is not None:
            lecturer_page.context.close()


def test_outside_lecture_mode_idle_pages_follow_and_watching_pages_stay(browser, app_url, app_env, monkeypatch):
    from gradio_client import Client

    from genapp.runs import registry

    monkeypatch.delenv("GENAPP_ADMIN_TOKEN", raising=False)
    quiet_registry()
    started: list[str] = []
    visitor = open_page(browser, app_url)
    phone = open_page(browser, app_url, locale="ko-KR", viewport=PHONE, query="?tab=race")
    try:
        # no lecture mode, so nothing to unlock: the Lecturer box is not shown
        visitor.wait_for_selector("#train-status")
        assert visitor.locator("#lecture-box").count() == 0 or not visitor.locator("#lecture-box").is_visible()
        assert not visitor.locator("#lecture-unlock").is_visible()
        shot(visitor, "no_lecture_mode")

        someone = Client(app_url, verbose=False)
        run_id = someone.predict("toy1010", "toy1010", 100_000, 4, None, 0, api_name="/train_start")
        started.append(run_id)
        wait_text(visitor, "train-status", run_id, timeout=FOLLOW_MS)   # an idle page picks it up
        wait_img(visitor, "train-sample")
        someone.predict(run_id, api_name="/train_stop")

        ids = someone.predict("slow", api_name="/preset_mode_collapse").split(", ")
        started += ids
        phone.wait_for_function(f"(document.querySelector('#race-ids input')?.value || '') === {', '.join(ids)!r}",
                                timeout=FOLLOW_MS)
        wait_running(phone, "race-left-status")
        wait_img(phone, "race-right-img")
        shot(phone, "race_pace_ko_phone")
        tab(visitor, "Race (presets)", "")
        visitor.wait_for_function(f"(document.querySelector('#race-ids input')?.value || '') === "
                                  f"{', '.join(ids)!r}", timeout=FOLLOW_MS)
        wait_running(visitor, "race-left-status")
        shot(visitor, "race_pace_en")
        # The visitor watches a run (the one they picked up); a stranger's new race does not take
        # their Train tab away outside lecture mode.
        tab(visitor, "Train (live)", "")
        assert visitor.locator("#train-run-id input").input_value() == run_id
        wait_watch_list(visitor, ids[1])
        wait_watch_list(visitor, run_id)
    finally:
        for rid in started:
            registry().stop(rid, timeout=60)
        visitor.context.close()
        phone.context.close()
