from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from progress import review
from progress.forms import ReviewSettingsForm
from progress.models import Rating
from progress.queries import review_card_for
from topics import catalog as content


def review_context(request: HttpRequest) -> dict:
    settings = review.settings_for(request.user)
    catalog = content.current()
    queue = review.due_queue(request.user, settings=settings, catalog=catalog)
    current = card = None
    answers: tuple[str, ...] = ()
    if queue:
        # The queue holds live questions only, so the content snapshot has each of them.
        current = catalog.question_by_id(queue[0])
        answers = catalog.answers_html(current.id)
        card = review_card_for(request.user, current)
    done = review.reviewed_today(request.user)
    tomorrow = review.due_tomorrow(request.user) if not queue else None
    return {
        "question": current,
        "answers": answers,
        "card": card,
        "remaining": len(queue),
        "done_today": sum(done.values()),
        "due_tomorrow": tomorrow,
        "done_by_rating": [(label, done.get(value, 0)) for value, label in Rating.choices],
        "ratings": Rating.choices,
        "settings_form": ReviewSettingsForm(instance=settings),
        "next_url": "/review/",
    }


def review_page_response(request: HttpRequest) -> HttpResponse:
    """The review page, or only its card when HTMX asks (after a rating)."""
    template = "progress/review.html#review-card" if request.htmx else "progress/review.html"
    return render(request, template, review_context(request))


@login_required
def review_page(request: HttpRequest) -> HttpResponse:
    return review_page_response(request)


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
