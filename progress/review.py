"""Spaced repetition with FSRS: rating a question, undoing the last rating, and the review queue.

Like the flashcard tools our users know: a new or forgotten card goes through short learning
steps (minutes) before it is scheduled in days, so "Again" brings it back in the same session.
A session lasts while something is due within the next LEARN_AHEAD; then the page says when the
next card is due.

One progress model: rating a question Good or Easy marks it studied (the tick), the way the
counters, "Next up", the plan and the dashboard read it; a tick alone marks it studied without
reviewing it. Unticking keeps the review history.

The day's new questions are the plan's (progress.plan): the pace of the followed paths that
have a target date, or else the daily limit of the review settings.

Fuzzing (FSRS's small random spread of intervals) is on unless settings.REVIEW_FUZZ is off, as
it is in tests, so that schedules there are reproducible from a fixed clock.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone
from fsrs import Card, Scheduler, State
from fsrs import Rating as FsrsRating

from progress import plan
from progress.models import ActivityDay, ReviewCard, ReviewLog, ReviewSettings, StudiedMark
from topics import catalog as content
from topics.catalog import Catalog
from topics.models import Question

LEARNING_STEPS = (timedelta(minutes=1), timedelta(minutes=10))
RELEARNING_STEPS = (timedelta(minutes=10),)
LEARN_AHEAD = timedelta(minutes=20)
STUDIED_RATINGS = (3, 4)  # Good and Easy mark the question studied
CARD_FIELDS = ("state", "step", "stability", "difficulty", "due", "last_review", "created_at")


def settings_for(user) -> ReviewSettings:
    """The user's review settings; the defaults, unsaved, until they change them."""
    return ReviewSettings.objects.filter(user=user).first() or ReviewSettings(user=user)


def scheduler_for(settings: ReviewSettings) -> Scheduler:
    return Scheduler(
        desired_retention=float(settings.desired_retention),
        learning_steps=LEARNING_STEPS,
        relearning_steps=RELEARNING_STEPS,
        enable_fuzzing=getattr(django_settings, "REVIEW_FUZZ", True),
    )


def _to_fsrs(card: ReviewCard | None, question_id: int) -> Card:
    if card is None:
        return Card(card_id=question_id)
    return Card(
        card_id=question_id,
        state=State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


def _snapshot(card: ReviewCard | None) -> dict | None:
    if card is None:
        return None
    return {name: value.isoformat() if isinstance(value, datetime) else value for name, value in _fields(card)}


def _fields(card: ReviewCard):
    return ((name, getattr(card, name)) for name in CARD_FIELDS)


def _restore(card: ReviewCard, snapshot: dict) -> None:
    for name in CARD_FIELDS:
        value = snapshot[name]
        if name in ("due", "last_review", "created_at") and value is not None:
            value = datetime.fromisoformat(value)
        setattr(card, name, value)


@dataclass(frozen=True)
class Rated:
    card: ReviewCard
    log: ReviewLog
    ticked: bool  # this rating marked the question studied


def rate(user, question: Question, rating: int, now: datetime | None = None) -> Rated:
    """Record a rating (1 again … 4 easy): schedule the next review, append to the log, and
    mark the question studied on Good or Easy. The log keeps the card as it was, for undo."""
    now = now or timezone.now()
    with transaction.atomic():
        card = ReviewCard.objects.select_for_update().filter(user=user, question=question).first()
        before = _snapshot(card)
        scheduled, _ = scheduler_for(settings_for(user)).review_card(
            _to_fsrs(card, question.id), FsrsRating(rating), review_datetime=now
        )
        if card is None:
            card = ReviewCard(user=user, question=question, created_at=now)
        card.state = scheduled.state.value
        card.step = scheduled.step
        card.stability = scheduled.stability
        card.difficulty = scheduled.difficulty
        card.due = scheduled.due
        card.last_review = scheduled.last_review
        card.save()
        ticked = rating in STUDIED_RATINGS and StudiedMark.objects.tick(user, question, True)
        log = ReviewLog.objects.create(
            user=user,
            question=question,
            rating=rating,
            reviewed_at=now,
            due_after=card.due,
            card_before=before,
            ticked=ticked,
        )
        ActivityDay.record(user, reviews=1, when=now)
    return Rated(card, log, ticked)


def undo(user, log_id: int) -> ReviewLog | None:
    """Undo the rating `log_id` if it is still the user's latest: its log row goes, the card is
    as it was before (or gone, if it was new), and a tick the rating made is taken back.
    Returns the undone log, or None when there is nothing to undo (already undone, or not the
    latest rating)."""
    with transaction.atomic():
        latest = ReviewLog.objects.select_for_update().filter(user=user).order_by("-reviewed_at", "-id").first()
        if latest is None or latest.id != log_id:
            return None
        card = ReviewCard.objects.select_for_update().filter(user=user, question_id=latest.question_id).first()
        if latest.card_before is None:
            if card is not None:
                card.delete()
        elif card is not None:
            _restore(card, latest.card_before)
            card.save()
        if latest.ticked:
            StudiedMark.objects.tick(user, latest.question, False)
        ActivityDay.take_back(user, timezone.localdate(latest.reviewed_at), count="reviews")
        latest.delete()
    return latest


def bring_forward(user, question_ids, now: datetime | None = None) -> int:
    """Make the user's cards for `question_ids` due now, so today's review brings them; return
    how many cards there were. Questions never rated have no card and are left alone."""
    return ReviewCard.objects.filter(user=user, question_id__in=list(question_ids)).update(due=now or timezone.now())


def previews(
    user, card: ReviewCard | None, question_id: int, now: datetime | None = None, settings: ReviewSettings | None = None
) -> dict[int, timedelta]:
    """{rating: the interval it would give} for the card as it is now."""
    now = now or timezone.now()
    scheduler = scheduler_for(settings or settings_for(user))
    current = _to_fsrs(card, question_id)
    return {
        rating.value: scheduler.review_card(current, rating, review_datetime=now)[0].due - now for rating in FsrsRating
    }


def interval_label(interval: timedelta) -> str:
    """ "1 min", "10 min", "3 h", "1 day", "12 days", "2.5 months", "1.2 years"."""
    seconds = interval.total_seconds()
    if seconds < 3600:
        minutes = max(1, round(seconds / 60))
        return f"{minutes} min"
    if seconds < 86400:
        return f"{round(seconds / 3600)} h"
    days = round(seconds / 86400)
    if days < 31:
        return f"{days} day{'s' if days != 1 else ''}"
    amount, unit = (days / 30.4, "month") if days < 365 else (days / 365, "year")
    amount = round(amount, 1)
    shown = f"{amount:g}"
    return f"{shown} {unit}{'' if amount == 1 else 's'}"


def start_of_day(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return timezone.make_aware(datetime.combine(local.date(), time.min), timezone.get_current_timezone())


@dataclass
class Queue:
    """What review has for the user now, in order: learning cards that are due, reviews due
    today (followed paths first), the day's new questions, then learning cards due within
    LEARN_AHEAD. When it is empty, `next_due` is when the next card comes due (None: no card).
    `later_today`: that is today, so the session resumes then."""

    ids: list[int]
    new: list[int]
    next_due: datetime | None = None
    later_today: bool = False

    def __len__(self) -> int:
        return len(self.ids)


def due_queue(
    user,
    now: datetime | None = None,
    settings: ReviewSettings | None = None,
    catalog: Catalog | None = None,
    state: "plan.UserState | None" = None,
) -> Queue:
    """The review queue. A constant number of queries, however many questions and cards."""
    now = now or timezone.now()
    tomorrow = start_of_day(now) + timedelta(days=1)
    catalog = catalog or content.current()
    state = state or plan.UserState.load(user)
    followed = set(plan.followed_order(catalog, state))
    learning_due, reviews, ahead, later = [], [], [], []  # later: due times of the cards not in the queue
    for question_id, card in state.cards.items():
        if catalog.question_by_id(question_id) is None:
            continue
        if card.state == State.Review.value:
            if card.due < tomorrow:
                reviews.append((question_id not in followed, card.due, question_id))
            else:
                later.append(card.due)
        elif card.due <= now:
            learning_due.append((card.due, question_id))
        elif card.due <= now + LEARN_AHEAD:
            ahead.append((card.due, question_id))
        else:
            later.append(card.due)
    new = plan.new_for_today(catalog, state, settings or settings_for(user), timezone.localdate(now))
    ids = [q for _, q in sorted(learning_due)] + [q for *_, q in sorted(reviews)] + new + [q for _, q in sorted(ahead)]
    next_due = min(later) if later and not ids else None
    return Queue(ids=ids, new=new, next_due=next_due, later_today=next_due is not None and next_due < tomorrow)


def reviewed_today(user, now: datetime | None = None) -> dict[int, int]:
    """{rating: count} of today's ratings."""
    today = start_of_day(now or timezone.now())
    counts: dict[int, int] = {}
    for rating in ReviewLog.objects.filter(user=user, reviewed_at__gte=today).values_list("rating", flat=True):
        counts[rating] = counts.get(rating, 0) + 1
    return counts


def due_tomorrow(user, now: datetime | None = None) -> int:
    """How many of the user's reviews of live questions come due tomorrow (in their time zone);
    new questions are not counted."""
    tomorrow = start_of_day(now or timezone.now()) + timedelta(days=1)
    return ReviewCard.objects.filter(
        user=user, question__archived=False, due__gte=tomorrow, due__lt=tomorrow + timedelta(days=1)
    ).count()
