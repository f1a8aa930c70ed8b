"""The review loop in Chromium, on a laptop and a phone, with JavaScript and without: the rating
bar in view after "Show answer", keys 1–4, Again coming back in the session, undo."""

from io import StringIO

import pytest
from django.core.management import call_command

from progress.models import ReviewCard, ReviewLog, ReviewSettings, StudiedMark
from tests.browser import log_in_as, screenshot, watched_page
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def reviewer(transactional_db):
    from django.contrib.auth.models import User

    call_command("load_content", "fixtures/content/", stdout=StringIO())
    user = User.objects.create_user("rhea", "rhea@example.org", PASSWORD)
    ReviewSettings.objects.create(user=user, new_cards_per_day=3)
    return user


IN_VIEW = """(selector) => { const r = document.querySelector(selector).getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0; }"""


def in_view(page, selector: str) -> bool:
    """Whether the element is entirely inside the viewport as the page is scrolled now."""
    return page.evaluate(IN_VIEW, selector)


def wait_until_in_view(page, selector: str) -> None:
    """For a scroll the page makes after the step that causes it (on a "toggle" event, a task later)."""
    page.wait_for_function(IN_VIEW, arg=selector)


def title(page) -> str:
    return page.inner_text("#review-card .review-question")


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_the_rating_bar_is_in_view_after_show_answer_and_keys_rate(live_server, reviewer, browser, viewport):
    context, page = watched_page(browser)
    page.set_viewport_size(viewport)
    try:
        log_in_as(page, live_server.url, "rhea", "/review/")
        first = title(page)
        assert "3 cards in this session (3 new)" in page.inner_text(".review-left")
        assert not page.is_visible("#review-card .rate-good")  # ratings come after the answer
        page.keyboard.press("Space")
        page.wait_for_selector("#review-card .rate-good", state="visible")
        wait_until_in_view(page, "#review-card .rating-bar")  # without scrolling, however long the answer
        assert "Good · 10 min" in page.inner_text("#review-card .rate-good")
        assert "Again · 1 min" in page.inner_text("#review-card .rate-again")
        if viewport is PHONE:
            for kind in ("again", "hard", "good", "easy"):
                box = page.locator(f"#review-card .rate-{kind}").bounding_box()
                assert box["height"] >= 44 and box["width"] >= 44
        screenshot(page, f"review-answer-{'phone' if viewport is PHONE else 'laptop'}")
        # Still in view after scrolling the answer. The wheel scrolls after mouse.wheel returns: wait
        # until it has, by 1500 px or to the end of the page.
        end = page.evaluate(
            "Math.min(window.scrollY + 1500, document.documentElement.scrollHeight - window.innerHeight)"
        )
        page.mouse.wheel(0, 1500)
        page.wait_for_function("(end) => Math.abs(window.scrollY - end) <= 1", arg=end)
        assert in_view(page, "#review-card .rating-bar")

        page.keyboard.press("1")  # Again: back in a minute, same session
        page.wait_for_function("(t) => document.querySelector('.review-question').innerText !== t", arg=first)
        assert "It comes back in 1 min." in page.inner_text("#messages")
        assert "3 cards in this session (2 new)" in page.inner_text(".review-left")
        second = title(page)
        page.keyboard.press("Space")
        page.keyboard.press("3")  # Good: marked studied
        page.wait_for_function("(t) => document.querySelector('.review-question').innerText !== t", arg=second)
        assert "Marked studied." in page.inner_text("#messages")
        assert StudiedMark.objects.filter(user=reviewer).count() == 1

        page.click("#review-card .undo-button")  # puts the second back as it was
        page.wait_for_function("(t) => document.querySelector('.review-question').innerText === t", arg=second)
        assert "Undone" in page.inner_text("#messages")
        assert StudiedMark.objects.filter(user=reviewer).count() == 0
        assert ReviewLog.objects.filter(user=reviewer).count() == 1
        assert page.locator("#review-card .undo-button").count() == 0  # one level
    finally:
        context.close()
    assert page.problems == []


def test_the_session_without_javascript(live_server, reviewer, browser):
    context, page = watched_page(browser, java_script_enabled=False)
    page.set_viewport_size(PHONE)
    try:
        log_in_as(page, live_server.url, "rhea", "/review/")
        first = title(page)
        page.click("#review-card summary")
        assert in_view(page, "#review-card .rating-bar")
        # Each form comes back to /review/, the address it leaves: wait_for_url would not wait.
        with page.expect_navigation(url=f"{live_server.url}/review/"):
            page.click("#review-card .rate-again")
        assert "It comes back in 1 min." in page.inner_text("#messages")
        assert title(page) != first
        with page.expect_navigation(url=f"{live_server.url}/review/"):
            page.click("#review-card .undo-button")
        assert title(page) == first and "Undone" in page.inner_text("#messages")
        assert not ReviewCard.objects.filter(user=reviewer).exists()
        for _ in range(3):  # Easy on each new card: each graduates, and the session ends
            page.click("#review-card summary")
            with page.expect_navigation(url=f"{live_server.url}/review/"):
                page.click("#review-card .rate-easy")
        assert "All done for today" in page.inner_text("#review-card")
        assert "The next card is due" in page.inner_text("#review-card")
        assert StudiedMark.objects.filter(user=reviewer).count() == 3
    finally:
        context.close()
    assert page.problems == []
