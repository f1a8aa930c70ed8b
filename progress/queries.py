"""What pages may ask about a user's progress: one function per question asked.

Anonymous users have studied nothing; every function answers for them without a query.
"""

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from fsrs import State

from progress.models import ActivityDay, FollowedPath, Note, Rating, ReviewCard, ReviewLog, Star, StudiedMark
from topics.models import Question


@dataclass(frozen=True)
class Tally:
    """A "studied / total" counter. Every counter on the site is made by Tally.of."""

    studied: int
    total: int

    @classmethod
    def of(cls, questions: Iterable, studied: frozenset[int]) -> "Tally":
        """The counter of `questions` (anything with an `id`) for a user who studied `studied`."""
        ids = [q.id for q in questions]
        return cls(sum(id_ in studied for id_ in ids), len(ids))

    @property
    def percent(self) -> int:
        return round(100 * self.studied / self.total) if self.total else 0


@dataclass(frozen=True)
class Flags:
    """The ids of the questions a user has studied, starred and written a note on."""

    studied: frozenset[int] = frozenset()
    starred: frozenset[int] = frozenset()
    noted: frozenset[int] = frozenset()


NO_FLAGS = Flags()
_KINDS = (StudiedMark, Star, Note)  # in the order of Flags' fields


def flags_for(request) -> Flags:
    """The requesting user's flags, read in one query the first time a request asks and then
    kept on the request. A view that changes a flag asks after the change."""
    flags = getattr(request, "_progress_flags", None)
    if flags is None:
        flags = request._progress_flags = _read_flags(request.user)
    return flags


@functools.cache
def _flags_sql() -> str:
    # Written out rather than as a union of three querysets: the ORM took 1.6 ms of CPU to build
    # that query on every page, twenty times what running it costs (README, "What is where").
    return " UNION ALL ".join(
        f"SELECT question_id, {kind} FROM {connection.ops.quote_name(model._meta.db_table)} WHERE user_id = %s"
        for kind, model in enumerate(_KINDS)
    )


def _read_flags(user) -> Flags:
    if not user.is_authenticated:
        return NO_FLAGS
    found: tuple[set[int], ...] = (set(), set(), set())
    with connection.cursor() as cursor:
        cursor.execute(_flags_sql(), [user.pk] * len(_KINDS))
        for question_id, kind in cursor.fetchall():
            found[kind].add(question_id)
    return Flags(*map(frozenset, found))


def with_flags(questions: Iterable[Question], flags: Flags) -> list[Question]:
    """Copies of `questions` (the content snapshot's, shared by every request) with
    `is_studied`, `is_starred` and `has_note` set from `flags`."""
    studied, starred, noted = flags.studied, flags.starred, flags.noted
    copies = []
    for question in questions:
        copy = Question.__new__(Question)
        copy.__dict__.update(question.__dict__)
        copy.is_studied = question.id in studied
        copy.is_starred = question.id in starred
        copy.has_note = question.id in noted
        copies.append(copy)
    return copies


def latest_studied_question(user):
    """The question of the user's most recent tick (with its section and topic), or None."""
    if not user.is_authenticated:
        return None
    mark = (
        StudiedMark.objects.filter(user=user, question__archived=False)
        .select_related("question__section__topic")
        .order_by("-created_at", "-id")
        .first()
    )
    return mark.question if mark else None


def followed_paths(user) -> dict[int, "FollowedPath"]:
    """{path id: FollowedPath} for the paths the user follows."""
    if not user.is_authenticated:
        return {}
    return {follow.path_id: follow for follow in FollowedPath.objects.filter(user=user)}


def note_for(user, question) -> "Note | None":
    """The user's note on `question` (at most one: a unique pair)."""
    if not user.is_authenticated:
        return None
    return Note.objects.filter(user=user, question=question).first()


def review_card_for(user, question) -> "ReviewCard | None":
    """The user's review card for `question` (at most one)."""
    if not user.is_authenticated:
        return None
    return ReviewCard.objects.filter(user=user, question=question).first()


def starred_questions(user) -> list:
    """The user's starred live questions, most recently starred first, with section and topic."""
    if not user.is_authenticated:
        return []
    stars = (
        Star.objects.filter(user=user, question__archived=False)
        .select_related("question__section__topic")
        .order_by("-created_at", "-id")
    )
    return [star.question for star in stars]


def activity_by_day(user) -> dict:
    """{date: ticks + reviews} for every day the user did something."""
    if not user.is_authenticated:
        return {}
    return {
        day: ticks + reviews
        for day, ticks, reviews in ActivityDay.objects.filter(user=user).values_list("day", "ticks", "reviews")
    }


def weak_question_ids(user) -> list[int]:
    """The user's weak spots among live questions, weakest first: those whose review lapsed (rated
    Again after their first rating, or relearning now) or whose latest rating was Again or Hard.
    Weakest means the lowest latest rating, then the most lapses, then the most recently rated."""
    if not user.is_authenticated:
        return []
    relearning = set(
        ReviewCard.objects.filter(user=user, state=State.Relearning.value, question__archived=False).values_list(
            "question_id", flat=True
        )
    )
    latest: dict[int, tuple[int, float]] = {}
    lapses: dict[int, int] = {}
    logs = (
        ReviewLog.objects.filter(user=user, question__archived=False)
        .order_by("reviewed_at", "id")
        .values_list("question_id", "rating", "reviewed_at")
    )
    for question_id, rating, reviewed_at in logs:
        if question_id in latest and rating == Rating.AGAIN:
            lapses[question_id] = lapses.get(question_id, 0) + 1
        latest[question_id] = (rating, reviewed_at.timestamp())
    weak = {question_id for question_id, (rating, _) in latest.items() if rating <= Rating.HARD}
    weak |= set(lapses) | relearning

    def weakest_first(question_id: int) -> tuple:
        rating, when = latest.get(question_id, (Rating.AGAIN, 0.0))  # relearning with no log: as Again
        return (rating, -lapses.get(question_id, 0), -when, question_id)

    return sorted(weak, key=weakest_first)
