from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from progress import plan, review
from progress.forms import ReviewSettingsForm
from progress.models import Rating, ReviewLog
from progress.queries import review_card_for
from topics import catalog as content

UNDO_KEY = "review_undo"  # the session's last rating made on the review page: its log id


def remember_for_undo(request: HttpRequest, log: ReviewLog) -> None:
    request.session[UNDO_KEY] = log.id


def undoable(request: HttpRequest) -> ReviewLog | None:
    """The rating the review page offers to undo: the last one made there, while it is still
    the user's latest (one level)."""
    log_id = request.session.get(UNDO_KEY)
    if not isinstance(log_id, int):
        return None
    latest = ReviewLog.objects.filter(user=request.user).order_by("-reviewed_at", "-id").first()
    if latest is None or latest.id != log_id:
        return None
    return latest


def rating_buttons(request: HttpRequest, card, question, settings=None) -> list[tuple[int, str, str]]:
    """(value, label, interval) for each rating, "Good" with "3 days"."""
    intervals = review.previews(request.user, card, question.id, settings=settings)
    return [(value, label, review.interval_label(intervals[value])) for value, label in Rating.choices]


def review_context(request: HttpRequest) -> dict:
    settings = review.settings_for(request.user)
    catalog = content.current()
    state = plan.UserState.load(request.user)
    queue = review.due_queue(request.user, settings=settings, catalog=catalog, state=state)
    current = card = None
    answers: tuple[str, ...] = ()
    buttons = []
    if queue.ids:
        # The queue holds live questions only, so the content snapshot has each of them.
        current = catalog.question_by_id(queue.ids[0])
        answers = catalog.answers_html(current.id)
        card = review_card_for(request.user, current)
        buttons = rating_buttons(request, card, current, settings)
    done = review.reviewed_today(request.user)
    last = undoable(request)
    return {
        "question": current,
        "answers": answers,
        "card": card,
        "is_new": current is not None and current.id in queue.new,
        "remaining": len(queue),
        "new_left": len(queue.new),
        "done_today": sum(done.values()),
        "next_due": queue.next_due,
        "later_today": queue.later_today,
        "due_tomorrow": review.due_tomorrow(request.user) if not queue.ids else None,
        "done_by_rating": [(label, done.get(value, 0)) for value, label in Rating.choices],
        "rating_buttons": buttons,
        "undo": last,
        "undo_question": catalog.question_by_id(last.question_id) if last else None,
        "settings_form": ReviewSettingsForm(instance=settings),
        "plans": plan.plans_for(catalog, state, timezone.localdate()),
        "next_url": "/review/",
    }


def review_page_response(request: HttpRequest) -> HttpResponse:
    """The review page, or only its card when HTMX asks (after a rating or an undo)."""
    template = "progress/review.html#review-card" if request.htmx else "progress/review.html"
    return render(request, template, review_context(request))


@login_required
def review_page(request: HttpRequest) -> HttpResponse:
    return review_page_response(request)


@login_required
@require_POST
def undo_rating(request: HttpRequest) -> HttpResponse:
    """Undo the last rating made on the review page: the card and the log are as they were."""
    try:
        log_id = int(request.POST.get("log", ""))
    except ValueError:
        log_id = None
    offered = undoable(request)
    undone = review.undo(request.user, log_id) if offered and offered.id == log_id else None
    request.session.pop(UNDO_KEY, None)
    if undone:
        question = content.current().question_by_id(undone.question_id)
        title = question.title if question else "the question"
        messages.success(request, f"Undone: your rating of “{title}”. It is back in the queue.")
    else:
        messages.info(request, "There is no rating to undo: it was undone already, or another one came after it.")
    if request.htmx:
        return review_page_response(request)
    return redirect("review")


@login_required
@require_POST
def review_settings(request: HttpRequest) -> HttpResponse:
    form = ReviewSettingsForm(request.POST, instance=review.settings_for(request.user))
    if not form.is_valid():
        context = review_context(request) | {"settings_form": form}
        return render(request, "progress/review.html", context, status=400)
    form.save()
    messages.success(request, "Review settings saved. They apply from your next rating.")
    return redirect("review")
