"""A path's roadmap in Chromium: ticking the last question of the current step marks it done and
moves "You are here" to the next step, without a reload, as the page drawn afresh shows it."""

import pytest
from django.contrib.auth.models import User

from progress.models import FollowedPath
from tests.browser import log_in_as, screenshot
from tests.conftest import PASSWORD, make_topic
from topics.models import PathStep, StudyPath

pytestmark = pytest.mark.browser


@pytest.fixture
def follower(transactional_db):
    topic = make_topic("ml-breadth", sections=2, per_section=2)
    path = StudyPath.objects.create(slug="plan", title="The plan")
    for order, section in enumerate(topic.sections.order_by("order")):
        PathStep.objects.create(path=path, topic=topic, section=section, order=order)
    user = User.objects.create_user("paz", "paz@example.org", PASSWORD)
    FollowedPath.objects.create(user=user, path=path)
    return path


def marks(page) -> dict:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.steps.roadmap > .roadmap-step')).map((step) => ({
            done: step.classList.contains('is-done'),
            current: step.classList.contains('is-current'),
            aria: step.getAttribute('aria-current'),
            here: step.querySelectorAll('.roadmap-here').length,
        }))"""
    )


def test_ticking_a_step_through_moves_you_are_here_without_a_reload(live_server, follower, page):
    log_in_as(page, live_server.url, "paz", "/paths/plan/")
    first, second = follower.steps.order_by("order")
    drawn = marks(page)
    assert [(m["current"], m["aria"], m["here"]) for m in drawn] == [(True, "step", 1), (False, None, 0)]
    page.evaluate("window.notReloaded = true")

    rows = page.locator(f"#step-{first.id} .question-row")
    rows.nth(0).locator(".tick-button").click()
    page.wait_for_function("() => document.querySelectorAll('.question-row.is-studied').length === 1")
    rows.nth(1).locator(".tick-button").click()
    page.wait_for_function(f"() => document.querySelector('#step-{second.id}').classList.contains('is-current')")
    live = marks(page)
    assert live == [
        {"done": True, "current": False, "aria": None, "here": 0},
        {"done": False, "current": True, "aria": "step", "here": 1},
    ]
    assert page.inner_text(f"#step-{second.id} .roadmap-here") == "You are here"
    assert page.evaluate("window.notReloaded") is True
    screenshot(page, "roadmap-after-a-step-is-done")
    page.reload()
    assert marks(page) == live  # the page drawn afresh agrees

    # Unticking one brings "You are here" back to the first step, folded now that it is done.
    page.click(f"#step-{first.id} details.step-questions > summary")
    page.locator(f"#step-{first.id} .question-row").nth(1).locator(".tick-button").click()
    page.wait_for_function(f"() => document.querySelector('#step-{first.id}').classList.contains('is-current')")
    live = marks(page)
    assert [(m["done"], m["current"], m["here"]) for m in live] == [(False, True, 1), (False, False, 0)]
    page.reload()
    assert marks(page) == live


def test_a_folded_step_loads_its_rows_on_opening_and_they_tick(live_server, follower, page):
    log_in_as(page, live_server.url, "paz", "/paths/plan/")
    first, second = follower.steps.order_by("order")
    assert page.locator(f"#step-{second.id} .question-row").count() == 0  # folded, sent without rows
    page.click(f"#step-{second.id} details.step-questions > summary")
    rows = page.locator(f"#step-{second.id} .question-row")
    rows.first.wait_for()
    assert rows.count() == 2
    rows.nth(0).locator(".tick-button").click()
    page.wait_for_selector(f"#step-{second.id} .question-row.is-studied")
    assert page.inner_text(f"#step-progress-{second.id} .progress-text") == "1 / 2 studied"
    assert page.inner_text(f"#path-progress-{follower.id} .progress-text") == "1 / 4 studied"
    page.reload()  # the tick was saved, and the step it is in still loads on opening
    page.click(f"#step-{second.id} details.step-questions > summary")
    page.wait_for_selector(f"#step-{second.id} .question-row.is-studied")


def test_without_javascript_a_folded_steps_link_opens_it(live_server, follower, page_without_js):
    page = page_without_js
    log_in_as(page, live_server.url, "paz", "/paths/plan/")
    first, second = follower.steps.order_by("order")
    page.click(f"#step-{second.id} details.step-questions > summary")
    page.click(f"#step-{second.id} .group-load a")
    page.wait_for_url(f"{live_server.url}/paths/plan/?open={second.id}#step-{second.id}")
    page.locator(f"#step-{second.id} .question-row").nth(1).locator(".tick-button").click()
    page.wait_for_url(f"{live_server.url}/paths/plan/?open={second.id}#question-row-*")
    assert page.inner_text(f"#step-progress-{second.id} .progress-text") == "1 / 2 studied"
    assert page.locator(f"#step-{second.id} .question-row.is-studied").count() == 1
