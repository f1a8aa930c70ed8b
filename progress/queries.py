"""What pages may ask about a user's progress: one function per question asked.

Anonymous users have studied nothing; every function answers for them without a query.
"""

from dataclasses import dataclass

from django.db import connection

from prepsite import rows
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


_FLAG_MODELS = (StudiedMark, Star, Note)  # in the order of Flags' fields


def flags_columns(user_id_sql: str, vendor: str) -> list[str]:
    """SQL expressions, for a query that names a user as `user_id_sql`, of that user's flags
    (each a comma-separated list of question ids) and then the content version token.

    The session's query (prepsite.sessions) selects them, so a logged-in page reads the session,
    its user, the user's flags and the version in one query; flags_from_columns reads them back."""
    aggregate = "string_agg({}, ',')" if vendor == "postgresql" else "group_concat({}, ',')"
    columns = [
        f"(SELECT {aggregate.format('CAST(question_id AS TEXT)')} FROM {model._meta.db_table} "
        f"WHERE user_id = {user_id_sql})"
        for model in _FLAG_MODELS
    ]
    return columns + [f"(SELECT MAX(token) FROM {ContentVersion._meta.db_table})"]


def _ids(listed: str | None) -> frozenset[int]:
    return frozenset(map(int, listed.split(","))) if listed else frozenset()


def flags_from_columns(values) -> tuple[Flags, int]:
    """(flags, version token) from the values of flags_columns' expressions."""
    studied, starred, noted, token = values
    return Flags(_ids(studied), _ids(starred), _ids(noted)), token or 0


def flags_and_version(user) -> tuple[Flags, int]:
    """The user's flags and the content version token, in one query (the version alone for an
    anonymous user): the query the session's reads them with, for a page that has no session.
    Pages read both together so their content and counters always match."""
    *flags, token = flags_columns("%s", connection.vendor)
    with connection.cursor() as cursor:
        if not user.is_authenticated:
            cursor.execute(f"SELECT {token}")
            return NO_FLAGS, cursor.fetchone()[0] or 0
        cursor.execute(f"SELECT {', '.join(flags)}, {token}", [user.pk] * len(flags))
        return flags_from_columns(cursor.fetchone())


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
    """The user's note on `question` (at most one: a unique pair), on the question page's path,
    so read without compiling a queryset (prepsite.rows)."""
    if not user.is_authenticated:
        return None
    return rows.first(Note, user_id=user.pk, question_id=question.pk)


def review_card_for(user, question) -> "ReviewCard | None":
    """The user's review card for `question` (at most one), read as note_for is."""
    if not user.is_authenticated:
        return None
    return rows.first(ReviewCard, user_id=user.pk, question_id=question.pk)


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
