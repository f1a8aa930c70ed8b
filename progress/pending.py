"""A tick a visitor made before logging in, kept in their session and made when they log in
(or sign up), so the click is not lost on the way through the login page."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone
from django.utils.dateparse import parse_datetime

SESSION_KEY = "pending_tick"
KEPT_FOR = timedelta(hours=1)  # a tick from long ago is not made by surprise


def remember_tick(request, question) -> None:
    request.session[SESSION_KEY] = {"question": question.slug, "at": timezone.now().isoformat()}


@receiver(user_logged_in, dispatch_uid="progress.pending.make_pending_tick")
def make_pending_tick(sender, request, user, **kwargs) -> None:
    from progress.models import StudiedMark
    from topics.models import Question

    pending = request.session.pop(SESSION_KEY, None) if request is not None else None
    if not isinstance(pending, dict):
        return
    at = parse_datetime(str(pending.get("at", "")))
    if at is None or timezone.now() - at > KEPT_FOR:
        return
    question = Question.objects.live().filter(slug=str(pending.get("question", ""))).first()
    if question is None:
        return
    StudiedMark.objects.tick(user, question, True)
    messages.success(request, f"Marked studied: {question.title}")
