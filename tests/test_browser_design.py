"""The design in a real browser: axe-core on every page type in light, dark and on a phone, the
phone header, the menu with and without JavaScript, the skip link, focus and touch targets.

Screenshots of every page type land in test-artifacts/ (design-<page>-<variant>.png) for review.
"""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from tests.browser import log_in_as, screenshot, watched_page
from tests.conftest import PASSWORD, needs

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
MEMBER = "mia"
MEMBER_NAV = ["Dashboard", "Questions", "Study paths", "Review", "Mock"]


@pytest.fixture
def content(transactional_db):
    call_command("load_content", "fixtures/content/", stdout=StringIO())


@pytest.fixture
def member(content):
    return User.objects.create_user(MEMBER, f"{MEMBER}@example.org", PASSWORD)


def open_answer(page) -> None:
    page.click("details.answer summary")
    page.wait_for_selector("details.answer[open] .prose")


def start_mock(page, base: str) -> None:
    page.goto(f"{base}/mock/")
    page.check("#id_source_topic")
    page.select_option("select[name=topic]", "ml-breadth")
    page.click("text=Start the interview")
    page.wait_for_url("**/mock/*/")


# name: (address, logged in, what to do once there)
PAGE_TYPES = {
    "home-visitor": ("/", False, None),
    "dashboard": ("/", True, None),
    "topic": ("/topics/ml-breadth/", True, None),
    "question-code-math": ("/questions/learning-rate-schedules/", True, open_answer),
    "list": ("/questions/", True, None),
    "path": ("/paths/ml-breadth-sprint/", True, None),
    "review": ("/review/", True, open_answer),
    "mock-start": ("/mock/", True, None),
    "mock-session": (None, True, None),
    "your-data": ("/account/progress/", True, None),
    "delete-account": ("/account/delete/", True, None),
    "login": ("/accounts/login/", False, None),
    "signup": ("/accounts/signup/", False, None),
}


def axe_problems(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        needs("axe-playwright-python", "pip install -r requirements-dev.txt")
    results = Axe().run(page)
    return [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def describe(variant: str, violations: list[dict]) -> list[str]:
    lines = []
    for violation in violations:
        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:6])
        lines.append(f"{variant}: {violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
    return lines


def new_page(browser, base: str, logged_in: bool, phone: bool = False, **options):
    if phone:
        options.update(has_touch=True, is_mobile=True)
    context, page = watched_page(browser, **options)
    page.set_viewport_size(PHONE if phone else DESKTOP)
    if logged_in:
        log_in_as(page, base, MEMBER)
    return context, page


def visit(page, base: str, name: str) -> None:
    path, _, prepare = PAGE_TYPES[name]
    if name == "mock-session":
        start_mock(page, base)
    else:
        page.goto(f"{base}{path}")
    if prepare:
        prepare(page)


def horizontal_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_every_page_type_passes_axe_in_light_dark_and_on_a_phone(live_server, member, browser, name):
    base, logged_in = live_server.url, PAGE_TYPES[name][1]
    found, problems = [], []
    desktop, page = new_page(browser, base, logged_in)
    try:
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            visit(page, base, name)
            found += describe(f"{name} 1280 {scheme}", axe_problems(page))
            screenshot(page, f"design-{name}-desktop-{scheme}")
    finally:
        desktop.close()
    problems += page.problems
    phone, page = new_page(browser, base, logged_in, phone=True)
    try:
        visit(page, base, name)
        found += describe(f"{name} 390 light", axe_problems(page))
        if horizontal_overflow(page) > 0:
            problems.append(f"{name} scrolls sideways on a phone by {horizontal_overflow(page)} px")
        screenshot(page, f"design-{name}-phone-light")
    finally:
        phone.close()
    problems += page.problems
    assert found == [], "\n".join(found)
    assert problems == []


# The header on a phone.


@pytest.mark.parametrize("logged_in", [False, True])
def test_the_phone_header_is_one_row_of_at_most_64_px(live_server, member, browser, logged_in):
    context, page = new_page(browser, live_server.url, logged_in, phone=True)
    try:
        page.goto(f"{live_server.url}/topics/ml-breadth/")
        header = page.locator(".site-header").bounding_box()
        assert header["height"] <= 64, header
        boxes = [
            page.locator(selector).bounding_box()
            for selector in (".brand", ".site-search input", ".site-menu > summary")
        ]
        for box in boxes:
            assert box["y"] >= header["y"] and box["y"] + box["height"] <= header["y"] + header["height"], box
        assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]  # brand, search, menu: left to right
        assert boxes[2]["x"] + boxes[2]["width"] <= PHONE["width"]
        assert not page.is_visible(".site-nav a >> nth=0")  # the links wait behind the menu
    finally:
        context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_the_menu_opens_with_and_without_javascript_and_shows_the_links(live_server, member, browser, javascript):
    context, page = new_page(browser, live_server.url, True, phone=True, java_script_enabled=javascript)
    try:
        page.goto(f"{live_server.url}/questions/")
        assert not page.is_visible(".site-nav")
        page.click(".site-menu > summary")
        assert page.eval_on_selector(".site-menu", "menu => menu.open")
        assert page.locator(".site-nav a").all_inner_texts() == MEMBER_NAV
        assert page.is_visible(".account >> text=Log out") and MEMBER in page.inner_text(".account")
        assert horizontal_overflow(page) == 0
        link = page.locator(".site-nav a", has_text="Study paths").bounding_box()
        assert link["height"] >= 44 and link["width"] >= 44
        screenshot(page, f"design-menu-open-phone-{'js' if javascript else 'no-js'}")
        page.click(".site-nav a >> text=Study paths")
        page.wait_for_url(f"{live_server.url}/paths/")
        page.click(".site-menu > summary")
        page.click(".account button:has-text('Log out')")  # a POST with the CSRF token
        page.wait_for_url(f"{live_server.url}/")
        assert page.locator(".account a", has_text="Log in").count() == 1
    finally:
        context.close()
    assert page.problems == []


@pytest.mark.parametrize("javascript", [True, False])
def test_wide_screens_show_the_links_in_the_header_row(live_server, member, browser, javascript):
    context, page = new_page(browser, live_server.url, True, java_script_enabled=javascript)
    try:
        page.goto(f"{live_server.url}/")
        assert not page.is_visible(".site-menu > summary")
        assert [page.is_visible(f".site-nav a >> text={text}") for text in MEMBER_NAV] == [True] * 5
        assert page.is_visible(".account button:has-text('Log out')")
        header = page.locator(".site-header").bounding_box()
        assert header["height"] <= 64, header  # one row at 1280 px
    finally:
        context.close()


def test_a_javascript_phone_menu_closes_with_escape(live_server, member, browser):
    context, page = new_page(browser, live_server.url, True, phone=True)
    try:
        page.goto(f"{live_server.url}/")
        page.click(".site-menu > summary")
        assert page.is_visible(".site-nav")
        page.keyboard.press("Escape")
        assert not page.eval_on_selector(".site-menu", "menu => menu.open")
        assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    finally:
        context.close()


# Keyboard.


@pytest.mark.parametrize("javascript", [True, False])
def test_the_skip_link_is_the_first_tab_stop_and_leads_into_main(live_server, member, browser, javascript):
    context, page = new_page(browser, live_server.url, True, java_script_enabled=javascript)
    try:
        page.goto(f"{live_server.url}/topics/ml-breadth/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        assert page.evaluate("document.activeElement.textContent") == "Skip to content"
        box = page.locator(".skip-link").bounding_box()
        assert box["y"] >= 0 and box["height"] > 20  # on screen once focused
        page.keyboard.press("Enter")
        page.wait_for_function("() => location.hash === '#main'")
        if javascript:  # the browser focuses a fragment's target once rendering allows, which may be later
            page.wait_for_function("() => document.activeElement.id === 'main'")
        page.keyboard.press("Tab")
        assert page.evaluate("document.getElementById('main').contains(document.activeElement)")
        assert page.evaluate("!document.querySelector('.site-header').contains(document.activeElement)")
    finally:
        context.close()


def rgb(css_colour: str) -> tuple[int, ...]:
    return tuple(int(part) for part in css_colour[css_colour.index("(") + 1 : css_colour.index(")")].split(",")[:3])


def contrast(first: tuple[int, ...], second: tuple[int, ...]) -> float:
    def luminance(colour):
        linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in colour]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_focus_shows_a_ring_that_stands_out(live_server, member, browser, scheme):
    context, page = new_page(browser, live_server.url, True, color_scheme=scheme)
    try:
        page.goto(f"{live_server.url}/topics/ml-breadth/")
        page.keyboard.press("Tab")  # the skip link
        page.keyboard.press("Tab")  # the brand: a link
        seen = []
        for _ in range(12):
            style = page.evaluate(
                """() => { const e = document.activeElement, s = getComputedStyle(e);
                           return {tag: e.tagName, style: s.outlineStyle, width: parseFloat(s.outlineWidth),
                                   colour: s.outlineColor, page: getComputedStyle(document.body).backgroundColor}; }"""
            )
            seen.append(style["tag"])
            assert style["style"] != "none" and style["width"] >= 2, style
            assert contrast(rgb(style["colour"]), rgb(style["page"])) >= 3, style
            page.keyboard.press("Tab")
        assert "A" in seen and "INPUT" in seen
        page.locator(".question-row .tick-button").first.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focus by keyboard, on a button
        button = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert page.evaluate("document.activeElement.tagName") == "BUTTON" and button != "none"
    finally:
        context.close()


# Touch.


def small_controls(page) -> list[str]:
    return page.evaluate(
        """() => {
          const selector = 'button, summary, select, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), '
            + '.site-nav a, .account a, .button, label.check, .pager a';
          return [...document.querySelectorAll(selector)].filter(e => {
            const box = e.getBoundingClientRect();
            return box.width > 0 && box.height > 0 && (box.width < 44 || box.height < 44);
          }).map(e => e.outerHTML.slice(0, 90));
        }"""
    )


@pytest.mark.parametrize("path", ["/topics/ml-breadth/", "/questions/kv-cache/", "/review/", "/account/progress/"])
def test_controls_are_at_least_44_px_on_a_touch_screen(live_server, member, browser, path):
    context, page = new_page(browser, live_server.url, True, phone=True)
    try:
        page.goto(f"{live_server.url}{path}")
        if page.locator("details.answer").count():
            open_answer(page)
        page.click(".site-menu > summary")
        assert small_controls(page) == []
        if path == "/review/":
            rate = page.locator(".rate").first.bounding_box()
            assert rate["height"] >= 44
            position = page.eval_on_selector("details.answer[open] > .recall", "r => getComputedStyle(r).position")
            assert position == "sticky"
    finally:
        context.close()


# Danger.


def test_clearing_progress_is_a_danger_button_beside_a_secondary_cancel(live_server, member, browser):
    from progress.models import StudiedMark
    from topics.models import Question

    StudiedMark.objects.set_studied(member, Question.objects.get(slug="kv-cache"), True)
    context, page = new_page(browser, live_server.url, True)
    try:
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            page.goto(f"{live_server.url}/account/progress/reset/?topic=ml-breadth")
            clear = page.locator("button:has-text('Clear it')")
            assert "button-danger" in clear.get_attribute("class")
            colours = page.evaluate(
                """() => { const b = document.querySelector('.button-danger'), s = getComputedStyle(b);
                           const root = getComputedStyle(document.documentElement);
                           return {fill: s.backgroundColor, text: s.color, danger: root.getPropertyValue('--danger').trim()}; }"""
            )
            fill = rgb(colours["fill"])
            assert "#%02x%02x%02x" % fill == colours["danger"]
            assert contrast(fill, rgb(colours["text"])) >= 4.5
            cancel = page.locator("a:has-text('Cancel')")
            assert cancel.get_attribute("class") == "button button-secondary"
            assert axe_problems(page) == []
            screenshot(page, f"design-reset-confirm-desktop-{scheme}")
    finally:
        context.close()
    assert page.problems == []
