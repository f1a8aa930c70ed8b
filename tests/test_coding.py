"""Exercises on the question page, submitting code, and following its run: the web writes the
submission and reads its result; a worker runs it. What a user sees, what the database holds."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from coding.models import Draft, Status, Submission, WorkerBeat
from tests.conftest import make_topic
from topics.content import ContentError, parse_topic_file
from topics.models import Answer, Exercise, Question

# Every run in the sandbox happens on one test worker, one after another (make test).
pytestmark = pytest.mark.xdist_group("sandbox")

TASK = """Write `double(x)` that returns twice `x`.

```python starter
def double(x):
    raise NotImplementedError
```

```python tests
def test_two_is_four():
    assert double(2) == 4


def test_zero_is_zero():
    assert double(0) == 0
```

```python hidden-tests
def test_secret_negative_case():
    assert double(-3) == -6
```

```python solution
def double(x):
    return 2 * x  # the-reference-solution
```

Multiplying by two is all there is. **What the interviewer is probing**: nothing much.
"""

TOPIC_FILE = f"""---
slug: coding-test
title: Coding test
summary: Exercises for the tests.
order: 30
---

## Basics {{#basics}}

### Double a number {{#code-double easy}}

{TASK}
"""


@pytest.fixture
def exercise(db) -> Exercise:
    topic = make_topic("coding-test", sections=1, per_section=1)
    question = Question.objects.filter(section__topic=topic).get()
    question.slug = "code-double"
    question.save()
    spec = parse_topic_file(TOPIC_FILE, "coding-test.md").questions[0].exercise
    return Exercise.objects.create(
        question=question,
        statement=spec.statement,
        starter=spec.starter,
        tests=spec.tests,
        hidden_tests=spec.hidden_tests,
        solution=spec.solution,
    )


@pytest.fixture
def worker_alive(db):
    WorkerBeat.beat("test-worker")


def test_the_format_splits_task_code_parts_and_explanation():
    question = parse_topic_file(TOPIC_FILE, "coding-test.md").questions[0]
    assert question.exercise.statement == "Write `double(x)` that returns twice `x`."
    assert "raise NotImplementedError" in question.exercise.starter
    assert "test_secret_negative_case" in question.exercise.hidden_tests
    assert question.answer.startswith("Multiplying by two")
    assert "secret" not in question.answer and "the-reference-solution" not in question.answer


def test_an_exercise_missing_a_part_is_refused_with_its_line():
    broken = TOPIC_FILE.replace("```python hidden-tests", "```python")
    with pytest.raises(ContentError, match="coding-test.md:10: an exercise needs each of"):
        parse_topic_file(broken, "coding-test.md")


def test_loading_keeps_hidden_tests_and_solution_out_of_the_answer(db, tmp_path):
    (tmp_path / "coding-test.md").write_text(TOPIC_FILE)
    call_command("load_content", str(tmp_path / "coding-test.md"), stdout=StringIO())
    exercise = Exercise.objects.get(question__slug="code-double")
    answer = Answer.objects.get(question__slug="code-double")
    assert "secret" not in answer.html and "reference-solution" not in answer.html
    assert "test_two_is_four" in exercise.tests_html
    # A second load with a changed task updates it; a load without the code parts removes it.
    (tmp_path / "coding-test.md").write_text(TOPIC_FILE.replace("returns twice", "returns two times"))
    call_command("load_content", str(tmp_path / "coding-test.md"), stdout=StringIO())
    assert "two times" in Exercise.objects.get(question__slug="code-double").statement_html
    plain = TOPIC_FILE.split("```python starter")[0] + "**What the interviewer is probing**: x."
    (tmp_path / "coding-test.md").write_text(plain)
    call_command("load_content", str(tmp_path / "coding-test.md"), stdout=StringIO())
    assert not Exercise.objects.filter(question__slug="code-double").exists()


def test_the_page_shows_the_task_and_visible_tests_never_the_hidden_ones_or_the_solution(alice_client, exercise):
    page = alice_client.get("/questions/code-double/").content.decode()
    assert "returns twice" in page and "test_two_is_four" in page and "raise NotImplementedError" in page
    assert "test_secret_negative_case" not in page and "the-reference-solution" not in page
    solution = alice_client.get("/questions/code-double/solution/").content.decode()
    assert "the-reference-solution" in solution and "test_secret_negative_case" not in solution


def test_without_a_runner_the_page_says_so_and_a_run_keeps_the_code(alice_client, alice, exercise):
    page = alice_client.get("/questions/code-double/").content.decode()
    assert "Running code is unavailable here right now" in page
    response = alice_client.post_form("/questions/code-double/run/", {"code": "def double(x):\n    return x + x\n"})
    assert response.status_code == 503
    assert "Running code is unavailable here right now. Your code is saved." in response.content.decode()
    assert not Submission.objects.exists()
    assert Draft.objects.get(user=alice).code == "def double(x):\n    return x + x\n"
    assert "return x + x" in alice_client.get("/questions/code-double/").content.decode()


def test_a_run_is_queued_and_followed_with_and_without_javascript(alice_client, alice, exercise, worker_alive):
    response = alice_client.post_form("/questions/code-double/run/", {"code": "def double(x):\n    return 2 * x\n"})
    run = Submission.objects.get(user=alice)
    assert response.status_code == 302 and response["Location"] == f"/runs/{run.id}/"
    assert run.status == Status.QUEUED and run.code.endswith("return 2 * x\n")
    page = alice_client.get(f"/runs/{run.id}/").content.decode()
    assert "Queued: waiting for a runner" in page and '<meta http-equiv="refresh" content="2">' in page
    partial = alice_client.get(f"/runs/{run.id}/", HTTP_HX_REQUEST="true").content.decode()
    assert f'hx-get="/runs/{run.id}/" hx-trigger="every 1s"' in partial and "<html" not in partial


def test_one_run_at_a_time_and_a_second_click_changes_nothing(alice_client, alice, exercise, worker_alive):
    alice_client.post_form("/questions/code-double/run/", {"code": "one"}, htmx=True)
    response = alice_client.post_form("/questions/code-double/run/", {"code": "two"}, htmx=True)
    assert response.status_code == 429
    assert "Your last run has not finished yet" in response.content.decode()
    assert Submission.objects.filter(user=alice).count() == 1
    assert Draft.objects.get(user=alice).code == "two"  # the newer code is kept as the draft


def test_runs_per_minute_are_limited(alice_client, alice, exercise, worker_alive, settings):
    settings.RUNS_PER_MINUTE_PER_USER = 2
    for _ in range(2):
        assert alice_client.post_form("/questions/code-double/run/", {"code": "x"}).status_code == 302
        Submission.objects.update(status=Status.PASSED, finished_at=timezone.now())
    response = alice_client.post_form("/questions/code-double/run/", {"code": "x"})
    assert response.status_code == 429 and "a lot of runs in a minute" in response.content.decode()


def test_a_full_queue_answers_busy(alice_client, bob, exercise, worker_alive, settings):
    settings.RUN_QUEUE_LIMIT = 1
    Submission.objects.create(user=bob, question=exercise.question, code="x")
    response = alice_client.post_form("/questions/code-double/run/", {"code": "x"})
    assert response.status_code == 503 and "The runners are busy" in response.content.decode()


def test_a_run_is_private_and_posting_needs_login_and_csrf(alice_client, bob_client, anon_client, alice, exercise):
    run = Submission.objects.create(user=alice, question=exercise.question, code="mine")
    assert bob_client.get(f"/runs/{run.id}/").status_code == 404
    assert anon_client.get(f"/runs/{run.id}/").status_code == 302
    response = anon_client.post_form("/questions/code-double/run/", {"code": "x"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert anon_client.post("/questions/code-double/run/", {"code": "x"}).status_code == 403  # no CSRF token
    assert Submission.objects.count() == 1


def test_a_question_without_an_exercise_has_no_run_endpoint(alice_client, topic):
    question = Question.objects.filter(section__topic=topic).first()
    assert alice_client.post_form(f"/questions/{question.slug}/run/", {"code": "x"}).status_code == 404


def test_the_worker_runs_a_submission_and_the_page_shows_each_test(
    alice_client, alice, exercise, worker_alive, sandbox_ready
):
    alice_client.post_form("/questions/code-double/run/", {"code": "def double(x):\n    return x * 3\n"})
    call_command("run_worker", "--drain", stdout=StringIO())
    run = Submission.objects.get(user=alice)
    assert run.status == Status.FAILED and run.finished_at is not None
    page = alice_client.get(f"/runs/{run.id}/").content.decode()
    assert "Failed" in page and "test_two_is_four" in page and "test_secret_negative_case" in page
    assert "(hidden test)" in page and 'http-equiv="refresh"' not in page
    hidden = [r for r in run.results if r["kind"] == "hidden"]
    assert hidden and all(r["message"] == "" and r["output"] == "" for r in hidden)
    # A second, right submission passes, and the page shows the newest run.
    alice_client.post_form("/questions/code-double/run/", {"code": "def double(x):\n    return 2 * x\n"})
    call_command("run_worker", "--drain", stdout=StringIO())
    assert Submission.objects.filter(user=alice).order_by("-id").first().status == Status.PASSED
    assert "Passed: every test, visible and hidden." in alice_client.get("/questions/code-double/").content.decode()


def test_check_exercises_passes_a_right_exercise_and_names_a_wrong_one(exercise, sandbox_ready):
    out = StringIO()
    call_command("check_exercises", stdout=out)
    assert out.getvalue().strip().endswith("1 passed, 0 failed")
    Exercise.objects.filter(id=exercise.id).update(solution="def double(x):\n    return x\n")
    out = StringIO()
    with pytest.raises(Exception, match="1 exercise"):
        call_command("check_exercises", stdout=out)
    assert "code-double: the solution does not pass the visible tests" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_site_answers_while_a_run_spins_and_the_run_is_stopped(
    alice_client, alice, exercise, worker_alive, sandbox_ready, settings
):
    import threading
    import time

    settings.SANDBOX_CPU_SECONDS, settings.SANDBOX_WALL_SECONDS = 2, 4
    alice_client.post_form("/questions/code-double/run/", {"code": "while True:\n    pass\n"})

    def run_worker() -> None:
        try:
            call_command("run_worker", "--drain", stdout=StringIO())
        finally:
            connection.close()  # this thread's own connection, so the test database can be dropped

    worker = threading.Thread(target=run_worker)
    worker.start()
    answered = []
    while worker.is_alive() and len(answered) < 20:
        started = time.monotonic()
        assert alice_client.get("/questions/code-double/").status_code == 200
        answered.append(time.monotonic() - started)
    worker.join()
    run = Submission.objects.get(user=alice)
    assert run.status == Status.ERROR and "Stopped" in run.error
    assert len(answered) >= 2  # pages were served while the code spun
    assert "Stopped" in alice_client.get(f"/runs/{run.id}/").content.decode()
