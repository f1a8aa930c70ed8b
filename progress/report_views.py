"""Reporting a problem with a question or its answer: a short form for a logged-in user, a
moderation list for staff in the admin."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from progress.forms import ReportForm
from progress.models import Report
from topics.models import Question


@login_required
@require_http_methods(["GET", "POST"])
def report_problem(request: HttpRequest, slug: str) -> HttpResponse:
    question = get_object_or_404(Question, slug=slug, archived=False)
    form = ReportForm(request.POST if request.method == "POST" else None)
    context = {"question": question, "form": form}
    if request.method == "POST":
        if is_ratelimited(
            request, group="reports", key="user", rate=f"{settings.REPORTS_PER_HOUR_PER_USER}/h", increment=True
        ):
            form.add_error(None, "That is a lot of reports in an hour: please send the rest a little later.")
            return render(request, "progress/report.html", context, status=429)
        if not form.is_valid():
            return render(request, "progress/report.html", context, status=400)
        Report.objects.create(user=request.user, question=question, **form.cleaned_data)
        messages.success(request, "Thank you: your report is with us, and we read every one.")
        return redirect(question.get_absolute_url())
    return render(request, "progress/report.html", context)
