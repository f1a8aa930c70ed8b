"""/account/progress/: download, import, reset; and deleting the account."""

import csv
import hashlib
import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import throttle
from progress.forms import DeleteAccountForm, ImportForm, ResetForm
from progress.models import PendingImport, StudiedMark
from progress.portability import (
    MAX_IMPORT_BYTES,
    ImportRefused,
    all_kinds,
    apply_import,
    export_progress,
    kind_label,
    plan_import,
    read_export,
    reset_preview,
    reset_progress,
)
from topics import catalog as content
from topics.models import Question, StudyPath, Topic


def _page(request: HttpRequest, status: int = 200, **context) -> HttpResponse:
    context.setdefault("import_form", ImportForm())
    context.setdefault("reset_form", ResetForm())
    return render(request, "progress/account_progress.html", context, status=status)


@login_required
def progress_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
def export_json(request: HttpRequest) -> HttpResponse:
    data = export_progress(request.user)
    response = HttpResponse(json.dumps(data, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="prepsite-progress-{timezone.localdate()}.json"'
    return response


@login_required
def export_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="prepsite-marks-{timezone.localdate()}.csv"'
    writer = csv.writer(response)
    writer.writerow(["question", "title", "topic", "section", "difficulty", "studied_at"])
    marks = (
        StudiedMark.objects.filter(user=request.user)
        .select_related("question__section__topic")
        .order_by("created_at", "id")
    )
    for mark in marks:
        question = mark.question
        writer.writerow(
            [
                question.slug,
                question.title,
                question.section.topic.title,
                question.section.title,
                question.difficulty,
                mark.created_at.isoformat(),
            ]
        )
    return response


@login_required
@require_POST
@throttle.limit_per_client("import-preview", "IMPORT_PREVIEWS_PER_HOUR_PER_CLIENT")
def import_preview(request: HttpRequest) -> HttpResponse:
    """Read an uploaded export and show what applying it would change; nothing is written.
    A preview can cost a worker seconds, so a client has IMPORT_PREVIEWS_PER_HOUR_PER_CLIENT."""
    if request.limited:
        message = f"Too many imports checked from your network. {throttle.TRY_LATER} Nothing was changed."
        return _page(request, status=429, import_form=throttle.with_error(ImportForm(), message))
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, status=400, import_form=form)
    raw = form.cleaned_data["file"].read(MAX_IMPORT_BYTES + 1)  # read_export refuses what is longer
    try:
        data = read_export(raw)
        plan = plan_import(request.user, data)
    except ImportRefused as error:
        form.add_error("file", f"{error} Nothing was changed.")
        return _page(request, status=400, import_form=form)
    digest = hashlib.sha256(raw).hexdigest()
    PendingImport.hold(request.user, digest, data)
    rows = [(kind_label(kind), plan.counts[kind]) for kind in all_kinds()]
    return _page(request, plan=plan, plan_rows=rows, digest=digest)


@login_required
@require_POST
def import_apply(request: HttpRequest) -> HttpResponse:
    try:
        with transaction.atomic():
            pending = PendingImport.take(request.user, request.POST.get("digest", ""))
            if pending is None:
                messages.error(request, "That import is no longer pending: choose the file again.")
                return redirect("account_progress")
            plan = apply_import(request.user, pending.data)
            pending.delete()
    except ImportRefused as error:
        messages.error(request, f"{error} Nothing was changed.")
        return redirect("account_progress")
    messages.success(request, f"Imported: {plan.changes} change{'s' if plan.changes != 1 else ''} applied.")
    return redirect("account_progress")


def _reset_target(form: ResetForm) -> tuple[str, list[int]]:
    topic: Topic | None = form.cleaned_data.get("topic")
    path: StudyPath | None = form.cleaned_data.get("path")
    if topic:
        return f"the topic {topic.title}", list(Question.objects.in_topic(topic).values_list("id", flat=True))
    return f"the path {path.title}", sorted(content.current().path_question_ids(path))


@login_required
def reset_confirm(request: HttpRequest) -> HttpResponse:
    """GET: say exactly what a reset would clear. POST (confirmed): clear it."""
    form = ResetForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        return _page(request, status=400, reset_form=form)
    label, question_ids = _reset_target(form)
    if request.method == "POST":
        if not form.cleaned_data["confirm"]:
            return _page(request, status=400, reset_form=form, reset_error="Confirm the reset to clear progress.")
        scope = reset_progress(request.user, question_ids)
        messages.success(request, f"Reset {label}: {scope.total} item{'s' if scope.total != 1 else ''} cleared.")
        return redirect("account_progress")
    return render(
        request,
        "progress/reset_confirm.html",
        {"form": form, "label": label, "scope": reset_preview(request.user, question_ids)},
    )


@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    """The password confirms it; wrong ones count as failed logins, and once they lock the user
    out for this client, no password is checked (accounts.throttle)."""
    form = DeleteAccountForm(request.user, request.POST or None, request=request)
    if request.method == "POST":
        if throttle.password_checks_locked(request, request.user):
            return throttle.lockout_response(request, request.user)
        if form.is_valid():
            user = request.user
            logout(request)
            user.delete()
            messages.success(request, "Your account and all of its progress are deleted.")
            return redirect("home")
        return render(request, "progress/delete_account.html", {"form": form}, status=400)
    return render(request, "progress/delete_account.html", {"form": form})
