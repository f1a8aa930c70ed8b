"""What a worker does with a submission: run its visible tests, then its hidden tests, each in
a sandbox of its own (so code that reads the hidden tests while they run has no way to show
them in the visible run's output), and write the outcome back."""

from django.utils import timezone

from coding import sandbox
from coding.models import Status, Submission
from topics.models import Exercise


def run_submission(submission: Submission) -> Submission:
    exercise = Exercise.objects.get(question_id=submission.question_id)
    visible = sandbox.run_tests(submission.code, exercise.tests)
    results = [_shown(result, "visible") for result in visible.results]
    # The end of what the visible run printed helps explain an error; the hidden run's never shows.
    error = visible.error and "\n".join(part for part in (visible.error, visible.log) if part)
    if not error:
        hidden = sandbox.run_tests(submission.code, exercise.hidden_tests)
        # Only the name and the verdict of a hidden test are shown, never its message or output.
        results += [
            {"name": r.name, "kind": "hidden", "status": r.status, "message": "", "output": "", "seconds": r.seconds}
            for r in hidden.results
        ]
        error = hidden.error and f"Hidden tests: {hidden.error}"
    submission.results = results
    submission.error = error
    if error:
        submission.status = Status.ERROR
    elif results and all(result["status"] == "passed" for result in results):
        submission.status = Status.PASSED
    else:
        submission.status = Status.FAILED
    submission.finished_at = timezone.now()
    submission.save(update_fields=["results", "error", "status", "finished_at"])
    return submission


def _shown(result: sandbox.TestResult, kind: str) -> dict:
    return {
        "name": result.name,
        "kind": kind,
        "status": result.status,
        "message": result.message,
        "output": result.output,
        "seconds": result.seconds,
    }


def check_exercise(exercise: Exercise) -> list[str]:
    """What is wrong with an exercise as shipped: its solution must pass every test, visible and
    hidden, and its starter must fail at least one. An empty list when it is right."""
    problems = []
    for name, tests in (("visible", exercise.tests), ("hidden", exercise.hidden_tests)):
        outcome = sandbox.run_tests(exercise.solution, tests)
        if not outcome.passed:
            failing = [f"{r.name}: {r.status} {r.message[:200]}" for r in outcome.results if r.status != "passed"]
            problems.append(f"the solution does not pass the {name} tests: {outcome.error or '; '.join(failing)}")
    starter = [sandbox.run_tests(exercise.starter, tests) for tests in (exercise.tests, exercise.hidden_tests)]
    if all(outcome.passed for outcome in starter):
        problems.append("the starter passes every test")
    return problems
