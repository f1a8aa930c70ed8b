"""Submitting exercise code and following its run. The web only writes the submission and
reads its result: user code never runs in a web worker, and no request waits for it."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import is_ratelimited

from coding.models import Draft, Submission, WorkerBeat
from topics.models import Exercise


class CodeForm(forms.Form):
    code = forms.CharField(max_length=50_000, strip=False, widget=forms.Textarea)


def _exercise_or_404(slug: str) -> Exercise:
    return get_object_or_404(Exercise.objects.select_related("question"), question__slug=slug, question__archived=False)


def _refused(request: HttpRequest, exercise: Exercise, message: str, status: int) -> HttpResponse:
    context = {"exercise": exercise, "message": message}
    template = "coding/refused.html#message" if request.htmx else "coding/refused.html"
    return render(request, template, context, status=status)


@login_required
@require_POST
def submit(request: HttpRequest, slug: str) -> HttpResponse:
    """Queue the user's code for a run. One run at a time per user, a few a minute, and a queue
    that is full answers "busy" rather than growing."""
    exercise = _exercise_or_404(slug)
    form = CodeForm(request.POST)
    if not form.is_valid():
        return _refused(request, exercise, "Your code is empty or longer than 50,000 characters.", 400)
    code = form.cleaned_data["code"]
    Draft.objects.update_or_create(
        user=request.user, question=exercise.question, defaults={"code": code, "updated_at": timezone.now()}
    )
    if not WorkerBeat.any_alive():
        return _refused(request, exercise, "Running code is unavailable here right now. Your code is saved.", 503)
    if Submission.objects.unfinished().filter(user=request.user).exists():
        return _refused(request, exercise, "Your last run has not finished yet: wait for it, then run again.", 429)
    if is_ratelimited(
        request, group="code-runs", key="user", rate=f"{settings.RUNS_PER_MINUTE_PER_USER}/m", increment=True
    ):
        return _refused(request, exercise, "That is a lot of runs in a minute: wait a moment, then run again.", 429)
    if Submission.objects.waiting().count() >= settings.RUN_QUEUE_LIMIT:
        return _refused(request, exercise, "The runners are busy: try again in a minute. Your code is saved.", 503)
    run = Submission.objects.create(user=request.user, question=exercise.question, code=code)
    if request.htmx:
        return render(request, "coding/run.html#run", {"run": run})
    return redirect("run_detail", run_id=run.id)


@login_required
@require_GET
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    """A run's state and results; only its owner sees it. Polled by HTMX while it is unfinished;
    without JavaScript the page refreshes itself."""
    run = get_object_or_404(Submission.objects.select_related("question"), id=run_id, user=request.user)
    if request.htmx:
        return render(request, "coding/run.html#run", {"run": run})
    return render(request, "coding/run.html", {"run": run})


@require_GET
def solution(request: HttpRequest, slug: str) -> HttpResponse:
    """Our solution, sent only when someone asks for it."""
    exercise = _exercise_or_404(slug)
    template = "coding/solution.html#solution" if request.htmx else "coding/solution.html"
    return render(request, template, {"exercise": exercise})
