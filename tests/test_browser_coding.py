"""An exercise in a real browser: type code, run it, watch it go from queued to a verdict with
each test's result, with JavaScript (HTMX polling) and without (the run page refreshes itself)."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from coding.models import Submission, WorkerBeat
from tests.browser import log_in_as
from tests.conftest import PASSWORD

# Every run in the sandbox happens on one test worker, one after another (make test).
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("sandbox")]

RIGHT = "import numpy as np\n\n\ndef softmax(x, axis=-1):\n    e = np.exp(x - x.max(axis=axis, keepdims=True))\n    return e / e.sum(axis=axis, keepdims=True)\n"
NAIVE = (
    "import numpy as np\n\n\ndef softmax(x, axis=-1):\n    return np.exp(x) / np.exp(x).sum(axis=axis, keepdims=True)\n"
)


@pytest.fixture
def exercises(transactional_db, sandbox_ready):
    call_command("load_content", "fixtures/content/ml-coding.md", stdout=StringIO())
    User.objects.create_user("cody", "cody@example.org", PASSWORD)
    WorkerBeat.beat("browser-test-worker")


def log_in(page, base: str) -> None:
    log_in_as(page, base, "cody", "/questions/code-stable-softmax/")


def test_a_run_goes_from_queued_to_its_verdict_in_place(live_server, exercises, page):
    log_in(page, live_server.url)
    assert "raise NotImplementedError" in page.input_value("#id_code")
    page.fill("#id_code", NAIVE)
    page.click("text=Run the tests")
    page.wait_for_selector("#run.run-queued")
    call_command("run_worker", "--drain", stdout=StringIO())
    page.wait_for_selector("#run.run-failed", timeout=10_000)
    results = page.inner_text("#run")
    assert "test_a_row_sums_to_one" in results and "test_large_values_do_not_overflow" in results
    assert "(hidden test)" in results

    page.fill("#id_code", RIGHT)
    page.click("text=Run the tests")
    page.wait_for_selector("#run.run-queued")
    call_command("run_worker", "--drain", stdout=StringIO())
    page.wait_for_selector("#run.run-passed", timeout=10_000)
    assert "Passed: every test, visible and hidden." in page.inner_text("#run")
    page.reload()  # the draft and the last run are kept
    assert page.input_value("#id_code") == RIGHT
    assert "Passed" in page.inner_text("#run")
    assert Submission.objects.filter(user__username="cody").count() == 2


def test_tab_indents_and_lines_are_numbered_in_the_editor(live_server, exercises, page):
    log_in(page, live_server.url)
    page.fill("#id_code", "def f():")
    page.click("#id_code")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.type("return 1")
    assert page.input_value("#id_code") == "def f():\n    return 1"
    assert page.inner_text(".code-lines") == "1\n2"  # line numbers follow the lines


def test_without_javascript_the_run_page_refreshes_itself(live_server, exercises, browser):
    from tests.browser import watched_page

    context, page = watched_page(browser, java_script_enabled=False)
    try:
        log_in(page, live_server.url)
        page.fill("#id_code", RIGHT)
        page.click("text=Run the tests")
        page.wait_for_url("**/runs/*/")
        assert "Queued" in page.inner_text("#run")
        call_command("run_worker", "--drain", stdout=StringIO())
        page.wait_for_selector("#run.run-passed", timeout=10_000)  # the page's own refresh
        page.click(".breadcrumbs a")
        page.click("text=Show our solution")
        page.wait_for_url("**/questions/code-stable-softmax/solution/")
        assert "np.max(x, axis=axis, keepdims=True)" in page.inner_text("#solution")
    finally:
        context.close()
    assert page.problems == []
