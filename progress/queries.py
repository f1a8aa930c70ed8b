"""What pages may ask about a user's progress: one function per question asked.

Anonymous users have studied nothing; every function answers for them without a query.
"""

from dataclasses import dataclass

from django.db import connection

from progress.models import ActivityDay, FollowedPath, Note, ReviewCard, Star, StudiedMark
from topics.models import ContentVersion


@dataclass(frozen=True)
class Tally:
    studied: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.studied / self.total) if self.total else 0


@dataclass(frozen=True)
class Flags:
    """The ids of the questions a user has studied, starred and written a note on."""

    studied: frozenset[int] = frozenset()
    starred: frozenset[int] = frozenset()
    noted: frozenset[int] = frozenset()

    def with_studied(self, question_id: int, studied: bool) -> "Flags":
        changed = self.studied | {question_id} if studied else self.studied - {question_id}
        return Flags(changed, self.starred, self.noted)

    def with_starred(self, question_id: int, starred: bool) -> "Flags":
        changed = self.starred | {question_id} if starred else self.starred - {question_id}
        return Flags(self.studied, changed, self.noted)


NO_FLAGS = Flags()


def flags_and_version(user) -> tuple[Flags, int]:
    """The user's flags and the content version token, in one query (the version alone for an
    anonymous user). Pages read both together so their content and counters always match."""
    sql = f"SELECT 0, token FROM {ContentVersion._meta.db_table}"
    params: list[int] = []
    if user.is_authenticated:
        for kind, model in enumerate((StudiedMark, Star, Note), start=1):
            sql += f" UNION ALL SELECT {kind}, question_id FROM {model._meta.db_table} WHERE user_id = %s"
            params.append(user.pk)
    found: tuple[set[int], set[int], set[int], set[int]] = (set(), set(), set(), set())
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, value in cursor.fetchall():
            found[kind].add(value)
    token = max(found[0], default=0)
    if not user.is_authenticated:
        return NO_FLAGS, token
    return Flags(frozenset(found[1]), frozenset(found[2]), frozenset(found[3])), token


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
