"""What a question page asks of the coding side: one function per question asked."""

from django.http import HttpRequest

from coding.models import Draft, Submission, WorkerBeat
from topics.models import Exercise


def exercise_panel(request: HttpRequest, question) -> dict:
    """The exercise part of a question page: the task, the code to edit (the user's draft, or
    the starter), their latest run, and whether a worker can run code now. Empty for a question
    that is not an exercise."""
    exercise = Exercise.objects.filter(question_id=question.id).first()
    if exercise is None:
        return {}
    code, latest = exercise.starter, None
    if request.user.is_authenticated:
        draft = Draft.objects.filter(user=request.user, question_id=question.id).first()
        code = draft.code if draft else code
        latest = Submission.objects.filter(user=request.user, question_id=question.id).order_by("-id").first()
    return {"exercise": exercise, "code": code, "run": latest, "runner_available": WorkerBeat.any_alive()}
