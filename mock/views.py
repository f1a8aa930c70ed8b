"""The mock interview pages: the start form with the past sessions, the questions one at a time,
and the summary.

A question goes: shown (its clock starts when the page first shows it), answered aloud, the
model answer revealed (a POST: the time taken ends there), then graded with its checklist and a
rating that goes to the review schedule (progress.review.rate). Reveal and grade act only on the
session's current question and only once, checked on the locked row, so a replayed or doubled
request changes nothing.

The model answer is never in a page before its reveal is recorded. Without JavaScript, the
Reveal button is a plain form: the page reloads with the answer. With it, htmx posts the same
form and swaps the answer into the page in place, so the page stays, and with it a recording
made on it (static/js/mock.js), which lives only in this browser and is never uploaded.
"""

from dataclasses import dataclass
from datetime import timedelta

from csp.constants import SELF
from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from core.middleware import PERMISSIONS_POLICY
from mock import sources
from mock.checklist import Checklist, checklist_for
from mock.forms import GradeForm, StartForm
from mock.models import MockItem, MockSession, Source
from mock.scores import SessionScore, clock
from progress import queries as progress
from progress import review
from progress.models import Rating, Star
from progress.queries import flags_for
from topics import catalog as content
from topics.catalog import Catalog
from topics.listing import BadFilter
from topics.models import Answer

PAST_SESSIONS_SHOWN = 30
# The question page may use the microphone, for a recording that stays in the browser.
MICROPHONE_ALLOWED = PERMISSIONS_POLICY.replace("microphone=()", "microphone=(self)")


def session_or_404(request: HttpRequest, session_id: int) -> MockSession:
    """The requesting user's session `session_id`; anyone else's is 404, as if it did not exist."""
    return get_object_or_404(MockSession, pk=session_id, user=request.user)


def items_of(session: MockSession) -> list[MockItem]:
    return list(session.items.select_related("question__section__topic").order_by("position"))


def current_item(items: list[MockItem]) -> MockItem | None:
    """The question being asked: the first not graded yet (questions are graded in order)."""
    return next((item for item in items if not item.graded), None)


def posted_item(request: HttpRequest, items: list[MockItem]) -> MockItem | None:
    position = request.POST.get("position", "")
    return next((item for item in items if str(item.position) == position), None)


def answer_checklist(question_id: int) -> Checklist:
    """The question's checklist, from the Markdown source of its answers."""
    bodies = Answer.objects.filter(question_id=question_id).order_by("order", "id").values_list("body", flat=True)
    return checklist_for(bodies)


# The start page.


@dataclass(frozen=True)
class PastSession:
    score: SessionScore
    source: str

    @property
    def session(self) -> MockSession:
        return self.score.session


def past_sessions(user, catalog: Catalog) -> tuple[list[PastSession], bool]:
    """The user's most recent sessions with their scores (two queries), and whether there are more."""
    sessions = list(
        MockSession.objects.filter(user=user)
        .prefetch_related("items")
        .order_by("-created_at", "-id")[: PAST_SESSIONS_SHOWN + 1]
    )
    shown = [
        PastSession(
            SessionScore.of(session, sorted(session.items.all(), key=lambda item: item.position)),
            sources.describe(session.source, session.source_value, catalog),
        )
        for session in sessions[:PAST_SESSIONS_SHOWN]
    ]
    return shown, len(sessions) > PAST_SESSIONS_SHOWN


def start_context(request: HttpRequest, catalog: Catalog, form: StartForm) -> dict:
    flags = flags_for(request)
    filters = form["filters"].value() or ""
    shown, more = past_sessions(request.user, catalog)
    return {
        "form": form,
        "filters_description": sources.describe_filters(filters, catalog) if filters else "",
        "starred_count": sum(1 for q in catalog.questions if q.id in flags.starred),
        "weak_count": sum(1 for id_ in progress.weak_question_ids(request.user) if catalog.question_by_id(id_)),
        "past_sessions": shown,
        "more_sessions": more,
        "sources": Source,
    }


def create_session(request: HttpRequest, form: StartForm, catalog: Catalog) -> MockSession | None:
    """A new session with its questions picked, or None with the form told why not."""
    kind, value = form.cleaned_data["source"], form.source_value
    if kind == Source.FILTERS:
        value = sources.filters_query(value)
        if not value:
            form.add_error("source", "There are no filters to use: open a list page, filter it, and follow its link.")
            return None
    try:
        found = sources.candidates(sources.Chosen(kind, value), request.user, catalog, flags_for(request))
    except sources.EmptySource as empty:
        form.add_error(empty.field, empty.message)
        return None
    except BadFilter as error:
        form.add_error("filters", str(error))
        return None
    questions = sources.pick(found, form.cleaned_data["count"], kind)
    with transaction.atomic():
        session = MockSession.objects.create(
            user=request.user,
            source=kind,
            source_value=value,
            question_count=form.cleaned_data["count"],
            minutes_per_question=form.cleaned_data["minutes"],
        )
        MockItem.objects.bulk_create(
            MockItem(session=session, question_id=question.id, position=position)
            for position, question in enumerate(questions, start=1)
        )
    return session


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """GET: the start form (its filters from `?filters=`, a list page's query) and the past
    sessions. POST: start a session and go to its first question."""
    catalog = content.current()
    if request.method == "POST":
        form = StartForm(request.POST, catalog=catalog)
        if form.is_valid():
            session = create_session(request, form, catalog)
            if session is not None:
                return redirect("mock:session", session.id)
        return render(request, "mock/start.html", start_context(request, catalog, form), status=400)
    filters = sources.filters_query(request.GET.get("filters", ""))
    initial = {"filters": filters, "source": Source.FILTERS if filters else Source.TOPIC}
    return render(
        request, "mock/start.html", start_context(request, catalog, StartForm(initial=initial, catalog=catalog))
    )


# A question.


def stage_context(session: MockSession, items: list[MockItem], item: MockItem, form: GradeForm | None = None) -> dict:
    """What the question page shows of `item`: its clock before the reveal; after it, the model
    answer, the time taken and the grading form (`form`, when it comes back with errors)."""
    budget = timedelta(minutes=session.minutes_per_question)
    context = {
        "session": session,
        "item": item,
        "question": item.question,
        "total": len(items),
        "is_last": item.position == items[-1].position,
        "budget_minutes": session.minutes_per_question,
        "budget_clock": clock(budget),
        "ratings": Rating.choices,
    }
    if not item.revealed:
        started = item.started_at or timezone.now()
        return context | {
            "started_at": started,
            "deadline_iso": (started + budget).isoformat(timespec="seconds"),
            "now_iso": timezone.now().isoformat(timespec="milliseconds"),
        }
    checklist = answer_checklist(item.question_id)
    form = form or GradeForm(checklist=checklist)
    checked = {int(value) for value in form["checked"].value() or [] if str(value).isdigit()}
    taken = item.revealed_at - item.started_at if item.started_at else None
    return context | {
        "answers": content.current().answers_html(item.question_id),
        "checklist": checklist,
        "grade_form": form,
        "checked": checked,
        "chosen_rating": str(form["rating"].value() or ""),
        "taken_clock": clock(taken),
        "over_budget": taken is not None and taken > budget,
    }


def question_page(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, "mock/session.html", context, status=status)
    response["Permissions-Policy"] = MICROPHONE_ALLOWED
    return response


@login_required
@require_http_methods(["GET"])
@csp_update({"media-src": [SELF, "blob:"]})  # a recording plays from a blob: address
def session_page(request: HttpRequest, session_id: int) -> HttpResponse:
    """The session's current question; the summary once every question is graded."""
    session = session_or_404(request, session_id)
    items = items_of(session)
    item = current_item(items)
    if item is None:
        return redirect("mock:summary", session.id)
    if item.started_at is None:
        now = timezone.now()
        if MockItem.objects.filter(pk=item.pk, started_at__isnull=True).update(started_at=now):
            item.started_at = now
        else:  # another request showed it a moment ago: keep its time
            item.refresh_from_db(fields=["started_at"])
    return question_page(request, stage_context(session, items, item))


def back_to_session(request: HttpRequest, session: MockSession) -> HttpResponse:
    url = reverse("mock:session", args=[session.id])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def item_to_act_on(request: HttpRequest, session: MockSession, items: list[MockItem]) -> MockItem | HttpResponse:
    """The question a reveal or grade form names, when it is the one being asked; otherwise the
    response to give: a 400 when the form names none of the session's, back to the session when
    it names another (already graded, a replay, or not asked yet), which changes nothing."""
    item = posted_item(request, items)
    if item is None:
        return HttpResponseBadRequest("The form must name a question of this session.", content_type="text/plain")
    if item is not current_item(items):
        return back_to_session(request, session)
    return item


@login_required
@require_POST
def reveal(request: HttpRequest, session_id: int) -> HttpResponse:
    """Record that the current question's answer was revealed (once), and show it: the page
    again, or for htmx the part of it that holds the answer."""
    session = session_or_404(request, session_id)
    items = items_of(session)
    item = item_to_act_on(request, session, items)
    if isinstance(item, HttpResponse):
        return item
    with transaction.atomic():
        locked = MockItem.objects.select_for_update().get(pk=item.pk)
        if locked.revealed_at is None and locked.graded_at is None:
            locked.revealed_at = timezone.now()
            locked.started_at = locked.started_at or locked.revealed_at
            locked.save(update_fields=["started_at", "revealed_at"])
    item.started_at, item.revealed_at = locked.started_at, locked.revealed_at
    if request.htmx:
        return render(request, "mock/session.html#stage", stage_context(session, items, item))
    return redirect(reverse("mock:session", args=[session.id]) + "#answer")


@login_required
@require_POST
def grade(request: HttpRequest, session_id: int) -> HttpResponse:
    """Record the current question's checklist and rating (once), rate it for review, and go on
    to the next question or, after the last, the summary."""
    session = session_or_404(request, session_id)
    items = items_of(session)
    item = item_to_act_on(request, session, items)
    if isinstance(item, HttpResponse):
        return item
    if not item.revealed:
        messages.error(request, "Reveal the model answer before grading your answer.")
        return back_to_session(request, session)
    checklist = answer_checklist(item.question_id)
    form = GradeForm(request.POST, checklist=checklist)
    if not form.is_valid():
        return question_page(request, stage_context(session, items, item, form), status=400)
    with transaction.atomic():
        locked = MockItem.objects.select_for_update().get(pk=item.pk)
        if locked.graded_at is None:
            locked.checked = sorted(set(form.cleaned_data["checked"]))
            locked.checklist_size = len(checklist)
            locked.rating = form.cleaned_data["rating"]
            locked.graded_at = timezone.now()
            locked.save(update_fields=["checked", "checklist_size", "rating", "graded_at"])
            review.rate(request.user, item.question, locked.rating)
            if not session.items.filter(graded_at__isnull=True).exists():
                session.finished_at = locked.graded_at
                session.save(update_fields=["finished_at"])
    if session.finished:
        return redirect("mock:summary", session.id)
    return redirect("mock:session", session.id)


# The summary.


@login_required
@require_http_methods(["GET"])
def summary(request: HttpRequest, session_id: int) -> HttpResponse:
    session = session_or_404(request, session_id)
    catalog = content.current()
    score = SessionScore.of(session, items_of(session))
    return render(
        request,
        "mock/summary.html",
        {
            "session": session,
            "score": score,
            "source": sources.describe(session.source, session.source_value, catalog),
            "starred": flags_for(request).starred,
        },
    )


def summary_item_or_404(request: HttpRequest, session: MockSession) -> MockItem:
    """The session's question named by the form's `question` (its id)."""
    question_id = request.POST.get("question", "")
    if not question_id.isdigit():
        raise Http404("No such question in this session.")
    return get_object_or_404(session.items.select_related("question"), question_id=int(question_id))


def back_to_summary(session: MockSession) -> HttpResponse:
    return redirect(reverse("mock:summary", args=[session.id]) + "#weakest")


@login_required
@require_POST
def star(request: HttpRequest, session_id: int) -> HttpResponse:
    """Star one of the session's questions (starred=1) or take the star away (starred=0)."""
    session = session_or_404(request, session_id)
    item = summary_item_or_404(request, session)
    wanted = {"1": True, "0": False}.get(request.POST.get("starred", ""))
    if wanted is None:
        return HttpResponseBadRequest("The form must say starred=1 or starred=0.", content_type="text/plain")
    Star.objects.set_starred(request.user, item.question, wanted)
    if wanted:
        messages.success(request, f"Starred “{item.question.title}” to revisit.")
    else:
        messages.success(request, f"Removed the star from “{item.question.title}”.")
    return back_to_summary(session)


@login_required
@require_POST
def review_today(request: HttpRequest, session_id: int) -> HttpResponse:
    """Make one of the session's questions due in today's review."""
    session = session_or_404(request, session_id)
    item = summary_item_or_404(request, session)
    if review.bring_forward(request.user, [item.question_id]):
        messages.success(request, f"“{item.question.title}” is due in today's review.")
    else:
        messages.info(request, f"“{item.question.title}” has no review schedule yet: rate it in review first.")
    return back_to_summary(session)
