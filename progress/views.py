from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import naturalday
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed, QueryDict
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from core.http import safe_next
from progress import plan, queries, review
from progress.forms import FollowForm, NoteForm, RatingForm
from progress.models import FollowedPath, Note, Rating, Star, StudiedMark
from progress.pages import (
    build_path_views,
    list_context,
    list_group,
    listing_for,
    path_or_404,
    question_counters,
    question_or_404,
)
from progress.pending import remember_star, remember_tick
from progress.queries import flags_for, with_flags
from progress.review_views import rating_buttons, remember_for_undo, review_page_response
from topics import catalog as content
from topics.listing import BadFilter

FLAG_VALUES = {"1": True, "0": False}


def stated_flag(request: HttpRequest, field: str) -> bool | None:
    """The result a tick-like request asks for (`field`=1 or 0), or None when it says neither."""
    return FLAG_VALUES.get(request.POST.get(field, ""))


def flag_refused(field: str) -> HttpResponse:
    return HttpResponseBadRequest(f"The form must say {field}=1 or {field}=0.", content_type="text/plain")


def login_redirect(request: HttpRequest, next_url: str, message: str = "") -> HttpResponse:
    """Send a visitor who tried to save progress to the login page, saying why; after logging
    in they come back to the page they were on."""
    messages.info(request, message or "Log in, or sign up, to save your progress. You will come back to this page.")
    login_url = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': next_url})}"
    if request.htmx:
        return HttpResponseClientRedirect(login_url)
    return redirect(login_url)


def page_context(request: HttpRequest, catalog, question) -> dict:
    """What a control's HTMX response must update on the page it was used on. The form names
    that page (`page`: "topic:<slug>", "list", "path:<slug>" or "question") and the list's
    filters (`filters`); the flags are read after the change."""
    flags = flags_for(request)
    (question,) = with_flags([question], flags)
    kind, _, slug = request.POST.get("page", "").partition(":")
    context: dict = {"question": question, "q": question, "page": request.POST.get("page", ""), "kind": kind}
    if kind == "question":
        return (
            context
            | question_counters(catalog, flags, question)
            | {"card": queries.review_card_for(request.user, question)}
        )
    if kind == "path" and (path := catalog.path(slug)):
        (view,) = build_path_views(catalog, flags, request.user, [path])
        step = next((s for s in view.steps if any(q.id == question.id for q in s.questions)), None)
        return context | {"path_view": view, "step_view": step}
    if kind in ("topic", "list"):
        scope = catalog.topic_questions(question.section.topic_id) if kind == "topic" else catalog.questions
        try:
            listing = listing_for(catalog, flags, QueryDict(request.POST.get("filters", "")), scope)
        except BadFilter:
            return context
        context |= list_context(listing, flags, context["page"])
        context["row_removed"] = listing.active and all(q.id != question.id for q in listing.matched)
        if kind == "topic":
            context |= question_counters(catalog, flags, question)
        else:
            context["group"] = list_group(listing, flags, question.section.topic)
    return context


@require_POST
def set_studied(request: HttpRequest, slug: str) -> HttpResponse:
    """Mark a question studied (studied=1) or not (studied=0).

    The request states the wanted result, so repeating it changes nothing. HTMX requests get
    the swapped row (or the question page's panel) and out-of-band counters of the page the form
    names; plain form posts are redirected back to the page they came from.
    """
    catalog = content.current()
    question = question_or_404(catalog, slug)
    next_url = safe_next(request, question.get_absolute_url())
    wanted = stated_flag(request, "studied")
    if not request.user.is_authenticated:
        if not wanted:
            return login_redirect(request, next_url)
        remember_tick(request, question)
        return login_redirect(
            request, next_url, "Log in, or sign up, and this question will be marked studied. You will come back here."
        )
    if wanted is None:
        return flag_refused("studied")

    StudiedMark.objects.tick(request.user, question, wanted)

    if not request.htmx:
        page = next_url.split("#")[0]
        place = "question-panel" if page.split("?")[0] == question.get_absolute_url() else "question-row"
        return redirect(f"{page}#{place}-{question.id}")
    context = page_context(request, catalog, question)
    response = render(request, "progress/tick_response.html", context)
    if view := context.get("path_view"):
        # The roadmap's marks (the steps done, the step "You are here") sit on the steps around
        # the swapped row: static/js/pages.js sets them from this event.
        done = [s.step.id for s in view.steps if s.tally.total and s.tally.studied == s.tally.total]
        trigger_client_event(response, "roadmap", {"current": view.current_step_id, "done": done}, after="settle")
    return response


@require_POST
def follow_path(request: HttpRequest, slug: str) -> HttpResponse:
    """Follow (follow=1, with an optional target_date) or unfollow (follow=0) a study path."""
    catalog = content.current()
    path = path_or_404(catalog, slug)
    next_url = safe_next(request, path.get_absolute_url())
    if not request.user.is_authenticated:
        return login_redirect(request, next_url)
    form = FollowForm(request.POST)
    if not form.is_valid():
        (view,) = build_path_views(catalog, flags_for(request), request.user, [path], plan.UserState.load(request.user))
        context = {"view": view, "today": timezone.localdate(), "next_url": next_url, "follow_form": form}
        template = "topics/path_detail.html#follow-panel" if request.htmx else "topics/path_detail.html"
        return render(request, template, context, status=400)
    if form.cleaned_data["follow"]:
        follow, _ = FollowedPath.objects.get_or_create(user=request.user, path=path)
        if follow.aim_at(form.cleaned_data["target_date"]):
            follow.save(update_fields=["target_date", "planned_from"])
    else:
        FollowedPath.objects.filter(user=request.user, path=path).delete()
    if not request.htmx:
        return redirect(next_url)
    (view,) = build_path_views(catalog, flags_for(request), request.user, [path], plan.UserState.load(request.user))
    return render(
        request,
        "topics/path_detail.html#follow-panel",
        {"view": view, "today": timezone.localdate(), "next_url": next_url},
    )


def back_to_control(next_url: str, question) -> str:
    """Where a control used without JavaScript sends the browser back to: the page it was on, at
    the question's row (or at its panel, on the question's own page)."""
    page = next_url.split("#")[0]
    place = "question-panel" if page.split("?")[0] == question.get_absolute_url() else "question-row"
    return f"{page}#{place}-{question.id}"


@require_POST
def set_starred(request: HttpRequest, slug: str) -> HttpResponse:
    """Star a question to revisit it (starred=1) or remove the star (starred=0).

    Like a tick: the request states the result, HTMX gets the star back (and, on a filtered list,
    the row's removal and the counters), a plain form post goes back to the row it came from, and
    a visitor's star is kept through logging in.
    """
    catalog = content.current()
    question = question_or_404(catalog, slug)
    next_url = safe_next(request, question.get_absolute_url())
    wanted = stated_flag(request, "starred")
    if not request.user.is_authenticated:
        if not wanted:
            return login_redirect(request, next_url)
        remember_star(request, question)
        return login_redirect(
            request, next_url, "Log in, or sign up, and this question will be starred. You will come back here."
        )
    if wanted is None:
        return flag_refused("starred")
    Star.objects.set_starred(request.user, question, wanted)
    if not request.htmx:
        return redirect(back_to_control(next_url, question))
    return render(request, "progress/star_response.html", page_context(request, catalog, question))


def note_context(request: HttpRequest, question, form=None, editing: bool = False) -> dict:
    note = queries.note_for(request.user, question)
    if form is None:
        form = NoteForm(initial={"body": note.body if note else ""})
    return {"question": question, "note": note, "note_form": form, "editing": editing}


def edit_note(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the note editor (a partial for HTMX, a page without JS). POST: save the note;
    an empty note deletes it."""
    question = question_or_404(content.current(), slug)
    if not request.user.is_authenticated:
        return login_redirect(request, question.get_absolute_url())
    if request.method == "GET":
        context = note_context(request, question, editing=True)
        if request.htmx:
            return render(request, "progress/note.html", context)
        return render(request, "progress/note_page.html", context)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    form = NoteForm(request.POST)
    if not form.is_valid():
        context = note_context(request, question, form=form, editing=True)
        return render(request, "progress/note.html" if request.htmx else "progress/note_page.html", context, status=400)
    body = form.cleaned_data["body"].strip()
    if body:
        Note.objects.update_or_create(
            user=request.user, question=question, defaults={"body": body, "updated_at": timezone.now()}
        )
    else:
        Note.objects.filter(user=request.user, question=question).delete()
    if not request.htmx:
        return redirect(f"{question.get_absolute_url()}#note")
    return render(request, "progress/note.html", note_context(request, question))


@require_POST
def rate_recall(request: HttpRequest, slug: str) -> HttpResponse:
    """Rate recall of a question (1 again, 2 hard, 3 good, 4 easy) and schedule its next review;
    Good and Easy also mark it studied, and the message says so.

    The form carries the card's last review time; a repeated submission (a double click, a
    replay) no longer matches and changes nothing.
    """
    catalog = content.current()
    question = question_or_404(catalog, slug)
    next_url = safe_next(request, question.get_absolute_url())
    if not request.user.is_authenticated:
        return login_redirect(request, next_url)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(
            "The form must give a rating from 1 (again) to 4 (easy).", content_type="text/plain"
        )
    card = queries.review_card_for(request.user, question)
    current = card.last_review.isoformat() if card and card.last_review else ""
    on_review_page = next_url.split("?")[0] == reverse("review")
    if form.cleaned_data["last_review"] == current:
        rated = review.rate(request.user, question, form.cleaned_data["rating"])
        card = rated.card
        messages.success(request, rated_message(question, rated))
        if on_review_page:
            remember_for_undo(request, rated.log)
    if not request.htmx:
        return redirect(next_url)
    if on_review_page:
        return review_page_response(request)
    # The question page: the recall panel, and out of band its tick, counters and next review.
    context = page_context(request, catalog, question) | {"card": card, "next_url": next_url}
    context["rating_buttons"] = rating_buttons(request, card, question)
    return render(request, "progress/recall_response.html", context)


def rated_message(question, rated) -> str:
    label = Rating(rated.log.rating).label
    due = timezone.localtime(rated.card.due)
    interval = review.interval_label(rated.card.due - rated.log.reviewed_at)
    if interval.endswith(("min", " h")):
        when = f"in {interval}"
    else:
        day = naturalday(due.date(), "j M Y")
        when = day if day in ("today", "tomorrow") else f"on {day}"
    studied = " Marked studied." if rated.ticked else ""
    return f"{label} on “{question.title}”.{studied} It comes back {when}."
