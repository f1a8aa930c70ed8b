"""A tick or a star a visitor made before logging in, kept in their session and made when they
log in (or sign up), so the click is not lost on the way through the login page.

Only the session that made the click carries it (Django keeps an anonymous session's data when
its visitor logs in, and starts afresh when another user was logged in), it is taken out of the
session as it is made, so a later login makes nothing again, and it is made only within an hour.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone
from django.utils.dateparse import parse_datetime

SESSION_KEY = "pending_tick"
STAR_SESSION_KEY = "pending_star"
KEPT_FOR = timedelta(hours=1)  # a click from long ago is not made by surprise


def remember_tick(request, question) -> None:
    request.session[SESSION_KEY] = {"question": question.slug, "at": timezone.now().isoformat()}


def remember_star(request, question) -> None:
    request.session[STAR_SESSION_KEY] = {"question": question.slug, "at": timezone.now().isoformat()}


def take_pending(request, key: str):
    """The live question a pending click in the session names, taken out of the session; None
    when there is none, or it is too old or names no live question."""
    from topics.models import Question

    pending = request.session.pop(key, None) if request is not None else None
    if not isinstance(pending, dict):
        return None
    at = parse_datetime(str(pending.get("at", "")))
    if at is None or timezone.now() - at > KEPT_FOR:
        return None
    return Question.objects.live().filter(slug=str(pending.get("question", ""))).first()


@receiver(user_logged_in, dispatch_uid="progress.pending.make_pending_tick")
def make_pending_tick(sender, request, user, **kwargs) -> None:
    from progress.models import StudiedMark

    question = take_pending(request, SESSION_KEY)
    if question is None:
        return
    StudiedMark.objects.tick(user, question, True)
    messages.success(request, f"Marked studied: {question.title}")


@receiver(user_logged_in, dispatch_uid="progress.pending.make_pending_star")
def make_pending_star(sender, request, user, **kwargs) -> None:
    from progress.models import Star

    question = take_pending(request, STAR_SESSION_KEY)
    if question is None:
        return
    Star.objects.set_starred(user, question, True)
    messages.success(request, f"Starred to revisit: {question.title}")
