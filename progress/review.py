"""Spaced repetition with FSRS: rating a question, and the queue of questions due today.

Scheduling is by whole days (no minute-level learning steps): an answer to an interview
question is revised on a later day, not ten minutes later. Fuzzing is off, so a schedule is
reproducible from the review log.
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from fsrs import Card, Scheduler, State
from fsrs import Rating as FsrsRating

from progress.models import ActivityDay, FollowedPath, ReviewCard, ReviewLog, ReviewSettings
from topics import catalog as content
from topics.catalog import Catalog
from topics.models import Question


def settings_for(user) -> ReviewSettings:
    """The user's review settings; the defaults, unsaved, until they change them."""
    return ReviewSettings.objects.filter(user=user).first() or ReviewSettings(user=user)


def scheduler_for(settings: ReviewSettings) -> Scheduler:
    return Scheduler(
        desired_retention=float(settings.desired_retention),
        learning_steps=(),
        relearning_steps=(),
        enable_fuzzing=False,
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


def rate(user, question: Question, rating: int, now: datetime | None = None) -> ReviewCard:
    """Record a rating (1 again … 4 easy): schedule the next review and append to the log."""
    now = now or timezone.now()
    with transaction.atomic():
        card = ReviewCard.objects.select_for_update().filter(user=user, question=question).first()
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
        ReviewLog.objects.create(user=user, question=question, rating=rating, reviewed_at=now, due_after=card.due)
        ActivityDay.record(user, reviews=1, when=now)
    return card


def start_of_day(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return timezone.make_aware(datetime.combine(local.date(), time.min), timezone.get_current_timezone())


def _followed_order(user, catalog: Catalog) -> list[int]:
    """Ids of live questions on the paths the user follows, in path order (earliest follow first)."""
    ordered: dict[int, None] = {}
    for path_id in (
        FollowedPath.objects.filter(user=user).order_by("started_at", "path_id").values_list("path_id", flat=True)
    ):
        path = catalog.path_by_id(path_id)
        for planned in catalog.plan(path) if path else ():
            ordered.update(dict.fromkeys(planned.question_ids))
    return list(ordered)


def due_queue(
    user, now: datetime | None = None, settings: ReviewSettings | None = None, catalog: Catalog | None = None
) -> list[int]:
    """Question ids to review today, in order: due cards on followed paths, other due cards
    (each by due date), then new questions up to the daily limit, followed paths first.
    A constant number of queries, however many questions and cards there are."""
    now = now or timezone.now()
    today = start_of_day(now)
    tomorrow = today + timedelta(days=1)
    catalog = catalog or content.current()
    followed = _followed_order(user, catalog)
    in_followed = set(followed)
    cards = list(ReviewCard.objects.filter(user=user).values_list("question_id", "due", "created_at"))
    due = sorted(
        (due, question_id)
        for question_id, due, _ in cards
        if due < tomorrow and catalog.question_by_id(question_id) is not None
    )
    due_ids = [question_id for _, question_id in due]
    queue = [q for q in due_ids if q in in_followed] + [q for q in due_ids if q not in in_followed]
    new_today = sum(1 for _, _, created in cards if created >= today)
    room = max(0, (settings or settings_for(user)).new_cards_per_day - new_today)
    reviewed = {question_id for question_id, _, _ in cards}
    fresh = [q for q in followed if q not in reviewed][:room]
    taken = set(fresh)
    fresh += [q.id for q in catalog.questions if q.id not in reviewed and q.id not in taken][: room - len(fresh)]
    return queue + fresh


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
