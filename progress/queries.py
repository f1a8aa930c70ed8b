"""What pages may ask about a user's progress: one function per question asked.

Anonymous users have studied nothing; every function answers for them without a query.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Value

from progress.models import ActivityDay, FollowedPath, Note, ReviewCard, Star, StudiedMark


@dataclass(frozen=True)
class Tally:
    studied: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.studied / self.total) if self.total else 0


def studied_question_ids(user, question_ids: Iterable[int] | None = None) -> set[int]:
    """The ids of the questions `user` has studied, optionally only among `question_ids`."""
    if not user.is_authenticated:
        return set()
    marks = StudiedMark.objects.filter(user=user)
    if question_ids is not None:
        marks = marks.filter(question_id__in=list(question_ids))
    return set(marks.values_list("question_id", flat=True))


def studied_count_by_topic(user) -> dict[int, int]:
    """{topic id: live questions studied} for every topic the user has studied something in."""
    if not user.is_authenticated:
        return {}
    rows = (
        StudiedMark.objects.filter(user=user, question__archived=False)
        .values("question__section__topic_id")
        .annotate(n=Count("id"))
    )
    return {row["question__section__topic_id"]: row["n"] for row in rows}


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
    if not user.is_authenticated:
        return None
    return Note.objects.filter(user=user, question=question).first()


def review_card_for(user, question) -> "ReviewCard | None":
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


def question_flags(user, question_ids: Iterable[int]) -> tuple[set[int], set[int], set[int]]:
    """(studied, starred, noted) ids among `question_ids`, in one query.

    The query selects all of the user's marks, stars and notes (at most a few hundred rows,
    found through the user's index) and intersects in Python: faster than sending the ids.
    """
    if not user.is_authenticated:
        return set(), set(), set()
    studied = StudiedMark.objects.filter(user=user).values_list("question_id", Value(1))
    starred = Star.objects.filter(user=user).values_list("question_id", Value(2))
    noted = Note.objects.filter(user=user).values_list("question_id", Value(3))
    wanted = set(question_ids)
    found: tuple[set[int], set[int], set[int]] = (set(), set(), set())
    for question_id, kind in studied.union(starred, noted, all=True):
        if question_id in wanted:
            found[kind - 1].add(question_id)
    return found
