from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from progress.forms import FollowForm
from progress.models import FollowedPath, StudiedMark
from topics.listing import build_path_views
from topics.views import get_path_or_404, get_question_or_404, tick_response_context

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
    question.is_studied = wanted
    return render(request, "progress/tick_response.html", tick_response_context(request, question, next_url))


@require_POST
def follow_path(request: HttpRequest, slug: str) -> HttpResponse:
    """Follow (follow=1, with an optional target_date) or unfollow (follow=0) a study path."""
    path = get_path_or_404(slug)
    next_url = safe_next(request, path.get_absolute_url())
    if not request.user.is_authenticated:
        return login_redirect(request, next_url)
    form = FollowForm(request.POST)
    if not form.is_valid():
        (view,) = build_path_views(request.user, [path])
        context = {"view": view, "today": timezone.localdate(), "next_url": next_url, "follow_form": form}
        template = "topics/path_detail.html#follow-panel" if request.htmx else "topics/path_detail.html"
        return render(request, template, context, status=400)
    if form.cleaned_data["follow"]:
        FollowedPath.objects.update_or_create(
            user=request.user, path=path, defaults={"target_date": form.cleaned_data["target_date"]}
        )
    else:
        FollowedPath.objects.filter(user=request.user, path=path).delete()
    if not request.htmx:
        return redirect(next_url)
    (view,) = build_path_views(request.user, [path])
    return render(
        request,
        "topics/path_detail.html#follow-panel",
        {"view": view, "today": timezone.localdate(), "next_url": next_url},
    )
