"""The page design in a real browser, on a phone's screen (390 x 844) first: the first ML
Breadth question in the first screen, nothing wider than the screen, 44 px controls, a star that
keeps its row without JavaScript, the section index and the sticky counter, the folded filter
form, the all-questions list's topics; and screenshots of the main pages at both sizes."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from progress.models import FollowedPath, Star, StudiedMark
from tests.browser import log_in_as, screenshot, watched_page
from tests.conftest import PASSWORD
from topics.models import Question, StudyPath

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}
HEADER_BUDGET = 64  # px: the compact site header the layout is planned for


@pytest.fixture
def content(transactional_db):
    call_command("load_content", "fixtures/content/", stdout=StringIO())


@pytest.fixture
def member(content) -> User:
    """A member part of the way through ML Breadth, following its sprint, with a star."""
    user = User.objects.create_user("rae", "rae@example.org", PASSWORD)
    for question in Question.objects.filter(section__topic__slug="ml-breadth").order_by("section__order", "order")[:3]:
        StudiedMark.objects.set_studied(user, question, True)
    Star.objects.set_starred(user, Question.objects.get(slug="kv-cache"), True)
    FollowedPath.objects.create(user=user, path=StudyPath.objects.get(slug="ml-breadth-sprint"))
    return user


def box(page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found, f"{selector} is not shown"
    return found


def label(locator) -> str:
    """A control's text as a screen reader reads it out: its words, one space apart."""
    return " ".join(locator.text_content().split())


def no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_first_ml_breadth_question_is_in_the_first_screen(live_server, content, browser, javascript):
    context, page = watched_page(browser, java_script_enabled=javascript)
    try:
        page.set_viewport_size(PHONE)
        page.goto(f"{live_server.url}/topics/ml-breadth/")
        header = box(page, ".site-header")
        row = box(page, ".question-row")
        print(f"\nheader {header['height']:.0f} px; first row {row['y']:.0f} to {row['y'] + row['height']:.0f} px")
        assert row["y"] + row["height"] <= PHONE["height"]
        # With the header at its planned height or less, there is room to spare.
        assert row["y"] + row["height"] - max(0, header["height"] - HEADER_BUDGET) <= PHONE["height"]
        # The row's controls are in the first screen too, not only its title.
        assert box(page, ".question-row .tick-button")["y"] + 44 <= PHONE["height"]
    finally:
        context.close()
    assert page.problems == []


def test_nothing_is_wider_than_a_phone(live_server, member, browser):
    context, page = watched_page(browser)
    try:
        page.set_viewport_size(PHONE)
        urls = [
            "/",
            "/topics/ml-breadth/",
            "/questions/",
            "/questions/?difficulty=hard",
            "/paths/",
            "/paths/ml-engineer/",
        ]
        for url in urls:  # a visitor
            page.goto(f"{live_server.url}{url}")
            assert no_horizontal_overflow(page), url
        log_in_as(page, live_server.url, "rae")
        for url in [*urls, "/paths/ml-breadth-sprint/"]:
            page.goto(f"{live_server.url}{url}")
            assert no_horizontal_overflow(page), url
        # Open tools do not widen the page either.
        page.goto(f"{live_server.url}/topics/ml-breadth/")
        for tool in ("#section-index", "#filter-disclosure", ".topic-about"):
            page.click(f"{tool} > summary")
        assert no_horizontal_overflow(page)
    finally:
        context.close()
    assert page.problems == []


def test_every_tick_star_and_menu_control_is_44_px_on_a_phone(live_server, member, page):
    log_in_as(page, live_server.url, "rae")
    page.set_viewport_size(PHONE)
    for url in [
        "/topics/ml-breadth/",
        "/questions/?open=ml-breadth",
        "/paths/ml-breadth-sprint/",
        "/questions/kv-cache/",
    ]:
        page.goto(f"{live_server.url}{url}")
        controls = page.locator(
            ".tick-button:visible, .star-button:visible, .site-menu > summary, details.tool > summary, "
            ".topic-group > summary:visible, .sticky-jump"
        )
        assert controls.count() > 2, url
        sizes = controls.evaluate_all(
            "els => els.map(e => [e.className || e.tagName, e.getBoundingClientRect().width, e.getBoundingClientRect().height])"
        )
        small = [size for size in sizes if size[1] < 44 or size[2] < 44]
        assert small == [], (url, small)
    # The star says what it does, and its state.
    star = page.locator(".question-panel .star-button")
    assert label(star) == "★ Starred" and star.get_attribute("aria-pressed") == "true"


def test_a_star_without_javascript_keeps_the_rows_place(live_server, member, page_without_js):
    page = page_without_js
    page.set_viewport_size(PHONE)
    log_in_as(page, live_server.url, "rae", "/topics/ml-breadth/")
    row = page.locator(".question-row").last
    row_id = row.get_attribute("id")
    row.scroll_into_view_if_needed()
    row.locator(".star-button").click()
    page.wait_for_url(f"**/topics/ml-breadth/#{row_id}")
    row = page.locator(f"#{row_id}")
    assert label(row.locator(".star-button")) == "★ Starred"
    assert row.locator(".star-button").get_attribute("aria-pressed") == "true"
    place = row.bounding_box()
    sticky = box(page, ".sticky-progress")
    assert place["y"] >= sticky["y"] + sticky["height"] - 1  # not under the sticky counter
    assert place["y"] + place["height"] <= PHONE["height"]  # in view
    assert page.evaluate("window.scrollY") > 2000  # it is far down the page
    assert Star.objects.filter(user=member).count() == 2


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_section_index_jumps_to_a_section_under_the_sticky_counter(live_server, content, browser, javascript):
    context, page = watched_page(browser, java_script_enabled=javascript)
    try:
        page.set_viewport_size(PHONE)
        page.goto(f"{live_server.url}/topics/ml-breadth/")
        page.click("#section-index > summary")
        links = page.locator("#section-index-list a")
        assert links.count() >= 8
        assert "0 / 8" in page.inner_text("#section-index-list a[href='#section-loss-functions']")
        page.click("#section-index-list a[href='#section-loss-functions']")
        page.wait_for_url("**/topics/ml-breadth/#section-loss-functions")
        heading = box(page, "#section-loss-functions h2")
        sticky = box(page, ".sticky-progress")
        assert sticky["y"] == 0  # stuck to the top while the list scrolls
        assert "0 / 67 studied" in page.inner_text(".sticky-progress")
        assert heading["y"] >= sticky["height"] - 1 and heading["y"] + heading["height"] <= PHONE["height"]
        # The sticky counter's link goes back to the index (opened on the way, with JavaScript).
        page.click(".sticky-jump")
        page.wait_for_url("**/topics/ml-breadth/#list-tools")
        if javascript:
            assert page.locator("#section-index-list").is_visible()
    finally:
        context.close()
    assert page.problems == []


def test_ticks_update_the_sticky_counter_and_the_index(live_server, member, page):
    log_in_as(page, live_server.url, "rae", "/topics/ml-breadth/")
    page.set_viewport_size(PHONE)
    assert "3 / 67 studied" in page.inner_text(".sticky-progress")
    page.locator("#section-loss-functions .question-row .tick-button").first.click()
    page.wait_for_function("() => document.querySelector('.sticky-progress').innerText.includes('4 / 67')")
    page.click("#section-index > summary")
    assert "1 / 8" in page.inner_text("#section-index-list a[href='#section-loss-functions']")


def test_the_filter_disclosure_opens_and_filters_with_javascript(live_server, content, page):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/topics/ml-breadth/")
    assert not page.is_visible("input[name=difficulty][value=easy]")  # folded
    page.click("#filter-disclosure > summary")
    page.check("input[name=difficulty][value=easy]")
    page.wait_for_url("**/topics/ml-breadth/?difficulty=easy*")
    page.wait_for_function("() => document.querySelectorAll('#results .question-title').length === 1")
    assert page.inner_text("#filter-labels").strip().endswith("Easy")
    assert page.is_visible("input[name=difficulty][value=easy]")  # still open
    # Opened fresh, a filtered address shows its filter form open.
    page.goto(f"{live_server.url}/topics/ml-breadth/?difficulty=easy")
    assert page.is_visible("input[name=difficulty][value=easy]")


def test_the_filter_disclosure_opens_and_filters_without_javascript(live_server, content, page_without_js):
    page = page_without_js
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/topics/ml-breadth/")
    page.click("#filter-disclosure > summary")
    page.check("input[name=difficulty][value=easy]")
    page.click(".filters button[type=submit]")
    page.wait_for_url("**/topics/ml-breadth/?*difficulty=easy*")
    assert page.locator("#results .question-title").count() == 1
    assert page.is_visible("input[name=difficulty][value=easy]")
    assert "Easy" in page.inner_text("#filter-disclosure > summary")


def test_a_topic_of_the_list_opens_with_and_without_javascript(live_server, content, page, page_without_js):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/questions/")
    assert page.locator(".question-row").count() == 0
    page.click("#topic-ml-breadth > summary")
    page.wait_for_function("() => document.querySelectorAll('#topic-ml-breadth .question-row').length === 67")
    assert page.url == f"{live_server.url}/questions/"  # opened in place
    plain = page_without_js
    plain.goto(f"{live_server.url}/questions/")
    plain.click("#topic-ml-coding > summary")
    plain.click("#topic-ml-coding .group-load a")
    plain.wait_for_url("**/questions/?open=ml-coding#topic-ml-coding")
    assert (
        plain.locator("#topic-ml-coding .question-row").count()
        == Question.objects.live().filter(section__topic__slug="ml-coding").count()
    )


@pytest.mark.parametrize("size", ["phone", "wide"])
def test_screenshots_of_the_main_pages(live_server, member, browser, size):
    viewport = PHONE if size == "phone" else WIDE
    context, page = watched_page(browser)
    try:
        page.set_viewport_size(viewport)
        for name, url in [
            ("home-visitor", "/"),
            ("topic-visitor", "/topics/ml-breadth/"),
            ("paths-visitor", "/paths/"),
        ]:
            page.goto(f"{live_server.url}{url}")
            screenshot(page, f"pages-{name}-{size}")
        log_in_as(page, live_server.url, "rae")
        page.set_viewport_size(viewport)
        shots = [
            ("home-member", "/"),
            ("topic-member", "/topics/ml-breadth/"),
            ("list-member", "/questions/?open=ml-breadth"),
            ("list-filtered", "/questions/?difficulty=easy"),
            ("path-member", "/paths/ml-breadth-sprint/"),
            ("paths-member", "/paths/"),
        ]
        for name, url in shots:
            page.goto(f"{live_server.url}{url}")
            assert no_horizontal_overflow(page), url
            screenshot(page, f"pages-{name}-{size}")
        page.goto(f"{live_server.url}/paths/ml-breadth-sprint/")
        current = page.locator("[aria-current=step]")
        assert current.count() == 1 and "You are here" in current.inner_text()
    finally:
        context.close()
    assert page.problems == []
