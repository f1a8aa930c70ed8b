"""A mock interview in a real browser: without JavaScript (plain forms, page loads) and with it
(a countdown, the answer revealed in place, and a recording that never leaves the browser)."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from mock.models import MockItem, MockSession
from progress.models import ReviewCard, ReviewLog, Star
from tests.browser import CHROMIUM, CHROMIUM_ARGS, log_in_as, screenshot, watched_page
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def content(transactional_db):
    call_command("load_content", "fixtures/content/ml-breadth.md", stdout=StringIO())
    User.objects.create_user("maya", "maya@example.org", PASSWORD)


def start_session(page, base: str, count: int = 3, minutes: int = 2) -> MockSession:
    """From the start form: questions from the ML Breadth topic."""
    page.check("#id_source_topic")
    page.select_option("#id_topic", "ml-breadth")
    page.fill("#id_count", str(count))
    page.fill("#id_minutes", str(minutes))
    page.click("text=Start the interview")
    page.wait_for_url(re.compile(r".*/mock/\d+/$"))
    session = MockSession.objects.get(user__username="maya", finished_at__isnull=True)
    assert page.url == f"{base}/mock/{session.id}/"
    return session


def seconds_left(page) -> int:
    minutes, seconds = re.match(r"(\d+):(\d\d) left", page.inner_text(".mock-countdown")).groups()
    return int(minutes) * 60 + int(seconds)


def grade_current(page, rating: str, tick: int = 0) -> None:
    """Tick the first `tick` checklist lines, choose the rating and submit."""
    boxes = page.locator(".mock-checklist input[type=checkbox]")
    for index in range(min(tick, boxes.count())):
        boxes.nth(index).check()
    page.click(f".mock-rate label:text-is('{rating}')")
    page.click(".grade-form button[type=submit]")


def test_a_whole_session_without_javascript(live_server, content, page_without_js):
    page = page_without_js
    base = live_server.url
    log_in_as(page, base, "maya", "/mock/")
    assert "No sessions yet" in page.inner_text(".mock-history")
    session = start_session(page, base)

    for position in (1, 2, 3):
        assert page.inner_text(".mock-position") == f"Question {position} of 3"
        assert re.search(r"2 minutes · started \d\d:\d\d", page.inner_text(".mock-clock"))
        assert not page.is_visible(".mock-countdown") and not page.is_visible("#recorder")
        assert page.locator("#answer").count() == 0  # the answer is not in the page yet
        page.click("#reveal-button")
        page.wait_for_url(f"{base}/mock/{session.id}/#answer")
        assert page.is_visible("#answer .prose")
        assert page.inner_text(".mock-clock").startswith("Answered in")
        item = MockItem.objects.get(session=session, position=position)
        assert item.revealed_at is not None and item.graded_at is None
        with page.expect_navigation():  # the next question, or the summary after the last
            grade_current(page, ["Good", "Again", "Hard"][position - 1], tick=position - 1)

    page.wait_for_url(f"{base}/mock/{session.id}/summary/")
    assert page.inner_text("#total-answered") == "3 of 3"
    assert page.locator(".mock-row").count() == 3
    items = list(session.items.order_by("position"))
    assert [item.rating for item in items] == [3, 1, 2]
    assert [len(item.checked) for item in items] == [0, 1, 2]
    assert all(item.checklist_size >= 2 for item in items)  # shipped answers all have a checklist
    assert ReviewLog.objects.filter(user__username="maya").count() == 3
    session.refresh_from_db()
    assert session.finished_at is not None
    screenshot(page, "mock-summary-without-javascript")

    # The weakest question first (rated Again): star it and bring its review to today.
    weakest = items[1].question
    first = page.locator(".mock-weak").first
    assert weakest.title in first.inner_text()
    first.locator("button.mock-star").click()
    page.wait_for_url(f"{base}/mock/{session.id}/summary/#weakest")
    assert "Starred" in page.inner_text("#messages")
    assert Star.objects.filter(user__username="maya", question=weakest).exists()
    assert "Starred" in page.locator(".mock-weak").first.inner_text()
    ReviewCard.objects.filter(question=weakest).update(due=timezone.now() + timedelta(days=5))
    # Back to the address it leaves, which wait_for_url would take as reached at once.
    with page.expect_navigation(url=f"{base}/mock/{session.id}/summary/#weakest"):
        page.locator(".mock-weak").first.locator("button.mock-review-today").click()
    assert "is due in today's review" in page.inner_text("#messages")
    assert ReviewCard.objects.get(question=weakest).due <= timezone.now()

    page.goto(f"{base}/mock/")
    rows = page.locator(".mock-past")
    assert rows.count() == 1 and "Topic: ML Breadth" in rows.first.inner_text()
    rows.first.locator("a").click()
    page.wait_for_url(f"{base}/mock/{session.id}/summary/")


def test_with_javascript_the_clock_counts_down_and_the_answer_opens_in_place(live_server, content, page):
    base = live_server.url
    log_in_as(page, base, "maya", "/mock/")
    session = start_session(page, base, count=3, minutes=2)
    page.wait_for_selector(".mock-countdown:not([hidden])")
    first = seconds_left(page)
    assert 110 <= first <= 120
    page.wait_for_function(
        "(first) => { const m = document.querySelector('.mock-countdown').textContent.match(/(\\d+):(\\d\\d)/);"
        " return m && Number(m[1]) * 60 + Number(m[2]) < first; }",
        arg=first,
    )
    assert seconds_left(page) < first

    page.evaluate("window.notReloaded = true")
    page.click("#reveal-button")
    page.wait_for_selector("#answer .prose")
    assert page.evaluate("window.notReloaded") is True  # revealed without loading a page
    assert page.url == f"{base}/mock/{session.id}/"
    assert page.locator(".mock-countdown").count() == 0 and not page.is_visible("#recorder")
    assert page.evaluate("document.activeElement.id") == "answer-heading"
    assert MockItem.objects.get(session=session, position=1).revealed_at is not None
    screenshot(page, "mock-question-revealed")

    with page.expect_navigation(url=f"{base}/mock/{session.id}/"):  # the address the answer was revealed at
        grade_current(page, "Easy", tick=1)
    page.wait_for_selector("text=Question 2 of 3")
    item = MockItem.objects.get(session=session, position=1)
    assert (item.rating, len(item.checked)) == (4, 1)
    page.wait_for_selector(".mock-countdown:not([hidden])")  # the next question's clock
    assert seconds_left(page) > 100


@pytest.fixture
def with_microphone(browser):
    """A Chromium with a fake microphone that needs no permission prompt."""
    fake = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"],
        headless=True,
    )
    yield fake
    fake.close()


def test_a_recording_stays_in_the_browser_and_plays_beside_the_answer(live_server, content, with_microphone):
    context, page = watched_page(with_microphone)
    try:
        context.grant_permissions(["microphone"], origin=live_server.url)
        posted = []
        page.on("request", lambda request: request.method != "GET" and posted.append(request))
        base = live_server.url
        log_in_as(page, base, "maya", "/mock/")
        session = start_session(page, base)
        assert page.is_visible("#recorder")
        assert "Recordings stay in this browser: they are never uploaded." in page.inner_text("#recorder")
        page.click("#record-start")
        # Stop is enabled at once, while the microphone is still being opened: wait for the recorder.
        page.wait_for_selector("#record-status >> text=Recording…")
        page.wait_for_timeout(1200)  # not a wait for anything: a second or so of sound to play back
        page.click("#record-stop")
        page.wait_for_selector("#recording audio")
        assert page.get_attribute("#recording audio", "src").startswith("blob:")

        page.click("#reveal-button")
        page.wait_for_selector("#answer .prose")
        assert page.locator("#recording-slot audio").count() == 1  # beside the model answer now
        page.wait_for_function("() => document.querySelector('#recording-slot audio').readyState >= 1")
        assert page.evaluate("document.querySelector('#recording-slot audio').error") is None

        with page.expect_navigation(url=f"{base}/mock/{session.id}/"):  # the address the answer was revealed at
            grade_current(page, "Good")
        # Only the forms were ever posted, with their small fields: no audio left the browser.
        assert [request.url.removeprefix(base).split("?")[0] for request in posted] == [
            "/accounts/login/",
            "/mock/",
            f"/mock/{session.id}/reveal/",
            f"/mock/{session.id}/grade/",
        ]
        for request in posted:
            assert len(request.post_data_buffer or b"") < 2000
            assert "audio" not in (request.headers.get("content-type") or "")
    finally:
        context.close()
    assert page.problems == []


def test_stop_pressed_while_the_microphone_opens_cancels_the_recording(live_server, content, with_microphone):
    context, page = watched_page(with_microphone)
    # The microphone opens only when the test says so, as a slow permission prompt would.
    context.add_init_script(
        """(() => {
          const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
          navigator.mediaDevices.getUserMedia = (constraints) => new Promise((resolve, reject) => {
            window.openMicrophone = () => open(constraints).then((stream) => {
              window.openedStream = stream; resolve(stream); }, reject);
          });
        })();"""
    )
    try:
        context.grant_permissions(["microphone"], origin=live_server.url)
        log_in_as(page, live_server.url, "maya", "/mock/")
        start_session(page, live_server.url)
        page.click("#record-start")
        page.wait_for_selector("#record-status >> text=Waiting for the microphone…")
        page.click("#record-stop")
        page.evaluate("window.openMicrophone()")
        page.wait_for_selector("#record-status >> text=Not recorded: stopped before the microphone opened.")
        assert page.locator("#recording audio").count() == 0
        assert page.evaluate("window.openedStream.getTracks().every((track) => track.readyState === 'ended')")
        assert page.is_enabled("#record-start") and not page.is_enabled("#record-stop")
    finally:
        context.close()
    assert page.problems == []


def test_a_filtered_list_leads_to_a_mock_interview_of_its_questions(live_server, content, page):
    base = live_server.url
    log_in_as(page, base, "maya", "/topics/ml-breadth/?difficulty=easy")
    page.click("text=Mock interview from these questions")
    page.wait_for_url(f"{base}/mock/?filters=*")
    assert page.is_checked("#id_source_filters")
    assert "ML Breadth · Easy" in page.inner_text(".mock-sources")
    page.click("text=Start the interview")
    page.wait_for_url(re.compile(r".*/mock/\d+/$"))
    session = MockSession.objects.get(user__username="maya")
    assert (session.source, session.source_value) == ("filters", "topic=ml-breadth&difficulty=easy")
    assert {item.question.difficulty for item in session.items.all()} == {"easy"}


def test_the_pages_fit_a_phone_screen(live_server, content, page):
    base = live_server.url
    page.set_viewport_size({"width": 390, "height": 800})
    log_in_as(page, base, "maya", "/mock/")
    session = start_session(page, base)
    pages = ["/mock/", f"/mock/{session.id}/"]
    page.click("#reveal-button")
    page.wait_for_selector("#answer .prose")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "revealed"
    for position in (1, 2, 3):
        if position > 1:
            page.click("#reveal-button")
            page.wait_for_selector("#answer .prose")
        with page.expect_navigation():
            grade_current(page, "Hard", tick=2)
    page.wait_for_url(f"{base}/mock/{session.id}/summary/")
    pages.append(f"/mock/{session.id}/summary/")
    for path in pages:
        page.goto(f"{base}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    screenshot(page, "mock-summary-phone")
