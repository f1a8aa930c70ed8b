from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from progress.models import StudiedMark
from topics.views import get_question_or_404, topic_tallies

STUDIED_VALUES = {"1": True, "0": False}


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The page the user came from, if it is on this site; otherwise `fallback`."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def login_redirect(request: HttpRequest, next_url: str) -> HttpResponse:
    login_url = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': next_url})}"
    if request.htmx:
        return HttpResponseClientRedirect(login_url)
    return redirect(login_url)


@require_POST
def set_studied(request: HttpRequest, slug: str) -> HttpResponse:
    """Mark a question studied (studied=1) or not (studied=0).

    The request states the wanted result, so repeating it changes nothing. HTMX requests get
    the swapped row (or the question page's panel) and out-of-band counters; plain form posts
    are redirected back to the page they came from.
    """
    question = get_question_or_404(slug)
    next_url = safe_next(request, question.get_absolute_url())
    if not request.user.is_authenticated:
        return login_redirect(request, next_url)
    wanted = STUDIED_VALUES.get(request.POST.get("studied", ""))
    if wanted is None:
        return HttpResponseBadRequest("The form must say studied=1 or studied=0.", content_type="text/plain")

    StudiedMark.objects.set_studied(request.user, question, wanted)

    if not request.htmx:
        return redirect(f"{next_url.split('#')[0]}#question-row-{question.id}")
    topic_tally, section_tallies = topic_tallies(request.user, question.section.topic)
    question.is_studied = wanted
    on_question_page = (request.htmx.target or "").startswith("question-panel-")
    return render(
        request,
        "progress/tick_response.html",
        {
            "question": question,
            "q": question,
            "section": question.section,
            "topic": question.section.topic,
            "topic_tally": topic_tally,
            "section_tally": section_tallies[question.section_id],
            "on_question_page": on_question_page,
            "next_url": next_url,
        },
    )
