"""The day-by-day plan: a followed path with a target date, laid out as days.

The path's questions are spread evenly from the day the user started following it to the
target date. Each day has its new questions (in path order) and the reviews that fall due.
Past days are done (as many of the path's questions were studied that day as the plan asked
for at its start) or missed. Today's quota is what is left at the start of today
spread over the days left, today included: missed days raise every remaining day's quota a
little, never pile the backlog onto one day.

The same quota is review's budget of new questions (progress.review.due_queue), so the plan and
the review queue agree: a question the plan has for today is the one review brings.

Everything here works from a UserState (the user's marks, cards and followed paths, three
queries) and the content snapshot; nothing else reads the database.
"""

import functools
import math
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone

from progress.models import FollowedPath, ReviewCard, ReviewSettings, StudiedMark
from topics.catalog import Catalog
from topics.models import Question, StudyPath

SHOWN_WEEKS_AHEAD = 4  # weeks listed day by day after the current one; later ones are summed up


@dataclass(frozen=True)
class CardRow:
    state: int
    due: datetime
    created_at: datetime


@dataclass
class UserState:
    """A user's marks {question id: when}, review cards {question id: CardRow} and followed
    paths (earliest first)."""

    marks: dict[int, datetime]
    cards: dict[int, CardRow]
    follows: list[FollowedPath]
    plans: dict = field(default_factory=dict)  # plans_for's, by content snapshot and day

    @classmethod
    def load(cls, user) -> "UserState":
        if not user.is_authenticated:
            return cls({}, {}, [])
        return cls(
            marks=dict(StudiedMark.objects.filter(user=user).values_list("question_id", "created_at")),
            cards={
                question_id: CardRow(state, due, created)
                for question_id, state, due, created in ReviewCard.objects.filter(user=user).values_list(
                    "question_id", "state", "due", "created_at"
                )
            },
            follows=list(FollowedPath.objects.filter(user=user).order_by("started_at", "id")),
        )

    # The days below are in the active time zone, worked out once per request: a page asks for
    # them for every question of a path, and timezone.localdate() costs ten times a plain
    # astimezone() (it looks the zone up each time).
    @functools.cached_property
    def _zone(self):
        return timezone.get_current_timezone()

    def day_of(self, when: datetime) -> date:
        return when.astimezone(self._zone).date()

    @functools.cached_property
    def _mark_days(self) -> dict[int, date]:
        return {question_id: self.day_of(when) for question_id, when in self.marks.items()}

    @functools.cached_property
    def _introduced_days(self) -> dict[int, date]:
        days = dict(self._mark_days)
        for question_id, card in self.cards.items():
            created = self.day_of(card.created_at)
            if question_id not in days or created < days[question_id]:
                days[question_id] = created
        return days

    def marked_on(self, question_id: int) -> date | None:
        return self._mark_days.get(question_id)

    def introduced_on(self, question_id: int) -> date | None:
        """The day the question was first studied or rated, whichever came first."""
        return self._introduced_days.get(question_id)

    def begun_on(self, day: date) -> set[int]:
        """The questions first studied or rated on `day`."""
        return {question_id for question_id, begun in self._introduced_days.items() if begun == day}

    def untouched(self, question_id: int) -> bool:
        """Neither studied nor ever rated: a new question."""
        return question_id not in self.marks and question_id not in self.cards


def path_question_ids(catalog: Catalog, path: StudyPath) -> list[int]:
    ordered: dict[int, None] = {}
    for planned in catalog.plan(path):
        ordered.update(dict.fromkeys(planned.question_ids))
    return list(ordered)


def followed_order(catalog: Catalog, state: UserState) -> list[int]:
    """Ids of live questions on the paths the user follows, in path order (earliest follow first)."""
    ordered: dict[int, None] = {}
    for follow in state.follows:
        path = catalog.path_by_id(follow.path_id)
        if path:
            ordered.update(dict.fromkeys(path_question_ids(catalog, path)))
    return list(ordered)


def spread(total: int, days: int) -> list[int]:
    """`total` split over `days` as evenly as whole numbers allow, the larger shares first."""
    if days <= 0:
        return []
    return [math.ceil(total * (k + 1) / days) - math.ceil(total * k / days) for k in range(days)]


@dataclass
class PlanDay:
    day: date
    status: str  # "done", "missed", "today", "upcoming"
    planned: int  # new questions the plan has for the day
    studied: int = 0  # the path's questions studied that day (past days and today)
    reviews: int = 0  # reviews of the path's questions due that day (today and the days to come)
    question_ids: list[int] = field(default_factory=list)  # today's and the coming days' new questions


@dataclass
class PlanWeek:
    number: int
    days: list[PlanDay]

    @property
    def planned(self) -> int:
        return sum(day.planned for day in self.days)

    @property
    def studied(self) -> int:
        return sum(day.studied for day in self.days)

    @property
    def missed(self) -> int:
        return sum(day.status == "missed" for day in self.days)


@dataclass
class PathPlan:
    path: StudyPath
    follow: FollowedPath
    start: date
    target: date
    total: int
    studied: int
    usual_pace: int  # new questions a day when no day is missed
    quota: int  # today's new questions
    behind: int  # questions the plan asked for before today that are not studied
    today_ids: list[int]  # today's new questions: those begun today, then the next ones
    to_start: list[int]  # today's new questions not begun yet: what review brings as new
    today_items: list[tuple[Question, bool]]  # today's new questions and whether each is studied
    done_today: int
    days_left: int  # today included
    days: list[PlanDay]

    @property
    def left_today(self) -> int:
        return max(0, self.quota - self.done_today)

    @property
    def today(self) -> PlanDay | None:
        return next((day for day in self.days if day.status == "today"), None)

    @property
    def finished(self) -> bool:
        return self.studied >= self.total

    @property
    def overdue(self) -> bool:
        return self.today is None and not self.finished

    @property
    def weeks(self) -> list[PlanWeek]:
        weeks: dict[int, PlanWeek] = {}
        for day in self.days:
            number = (day.day - self.start).days // 7 + 1
            weeks.setdefault(number, PlanWeek(number, [])).days.append(day)
        return list(weeks.values())

    @property
    def current_week(self) -> int:
        today = self.today
        return (today.day - self.start).days // 7 + 1 if today else 0


def build(catalog: Catalog, state: UserState, follow: FollowedPath, today: date) -> PathPlan | None:
    """The plan of a followed path with a target date; None without a target date."""
    path = catalog.path_by_id(follow.path_id)
    if path is None or follow.target_date is None:
        return None
    ids = path_question_ids(catalog, path)
    start = min(state.day_of(follow.planned_from or follow.started_at), today)
    target = max(follow.target_date, start)
    span = (target - start).days + 1
    planned = spread(len(ids), span)
    on_day: dict[date, int] = {}
    for question_id in ids:
        marked = state.marked_on(question_id)
        if marked:
            on_day[marked] = on_day.get(marked, 0) + 1
    studied_before = sum(count for day, count in on_day.items() if day < today)
    studied_before_start = sum(count for day, count in on_day.items() if day < start)

    days: list[PlanDay] = []
    cumulative_planned, studied_so_far = 0, studied_before_start
    for offset in range(min(span, (today - start).days)):
        # A past day is done when that day saw as many questions studied as the plan asked for
        # at its start (its catch-up quota), or nothing was left to study.
        day = date.fromordinal(start.toordinal() + offset)
        cumulative_planned += planned[offset]
        asked = spread(len(ids) - studied_so_far, span - offset)[0]
        studied = on_day.get(day, 0)
        days.append(PlanDay(day, "done" if studied >= asked else "missed", asked, studied=studied))
        studied_so_far += studied
    behind = max(0, min(cumulative_planned, len(ids)) - studied_before)

    remaining = len(ids) - studied_before
    days_left = (target - today).days + 1
    quota = 0
    begun_today = [q for q in ids if state.introduced_on(q) == today]
    today_ids: list[int] = []
    to_start: list[int] = []
    if days_left > 0:
        shares = spread(remaining, days_left)
        quota = shares[0]
        fresh = [q for q in ids if state.untouched(q)]
        taken = max(0, quota - len(begun_today))
        to_start = fresh[:taken]
        today_ids = begun_today + to_start
        reviews = _reviews_by_day(state, ids, today)
        days.append(
            PlanDay(
                today,
                "today",
                quota,
                studied=on_day.get(today, 0),
                reviews=reviews.get(today, 0),
                question_ids=today_ids,
            )
        )
        upcoming = fresh[taken:]
        for offset, share in enumerate(shares[1:], start=1):
            day = date.fromordinal(today.toordinal() + offset)
            chosen, upcoming = upcoming[:share], upcoming[share:]
            days.append(PlanDay(day, "upcoming", share, reviews=reviews.get(day, 0), question_ids=chosen))
    done_today = sum(1 for q in begun_today if state.marked_on(q) == today)
    return PathPlan(
        path=path,
        follow=follow,
        start=start,
        target=target,
        total=len(ids),
        studied=sum(1 for q in ids if q in state.marks),
        usual_pace=planned[0] if planned else 0,
        quota=quota,
        behind=behind,
        today_ids=today_ids,
        to_start=to_start,
        today_items=[(catalog.question_by_id(q), q in state.marks) for q in today_ids],
        done_today=done_today,
        days_left=max(0, days_left),
        days=days,
    )


def _reviews_by_day(state: UserState, ids: list[int], today: date) -> dict[date, int]:
    """{day: reviews of these questions due that day}; overdue ones count for today."""
    by_day: dict[date, int] = {}
    for question_id in ids:
        card = state.cards.get(question_id)
        if card:
            day = max(state.day_of(card.due), today)
            by_day[day] = by_day.get(day, 0) + 1
    return by_day


def plans_for(catalog: Catalog, state: UserState, today: date) -> list[PathPlan]:
    """The plans of the user's followed paths that have a target date, earliest follow first
    (made once per state and day: the review page asks for them twice)."""
    key = (id(catalog), today)
    if key not in state.plans:
        state.plans[key] = [found for follow in state.follows if (found := build(catalog, state, follow, today))]
    return state.plans[key]


def new_for_today(catalog: Catalog, state: UserState, settings: ReviewSettings, today: date) -> list[int]:
    """The new questions review brings today. With followed paths that have a target date: the
    plan's questions for today not begun yet (the paths' pace). Otherwise up to the daily limit
    of the review settings, less the questions begun today: followed paths' questions first,
    then the rest in reading order. Studied questions are never new: a tick means studied."""
    plans = [found for found in plans_for(catalog, state, today) if not found.finished and not found.overdue]
    if plans:
        chosen: dict[int, None] = {}
        for found in plans:
            chosen.update(dict.fromkeys(found.to_start))
        return list(chosen)
    room = max(0, settings.new_cards_per_day - len(state.begun_on(today)))
    if not room:
        return []
    chosen = dict.fromkeys(q for q in followed_order(catalog, state) if state.untouched(q))
    for question in catalog.questions:
        if len(chosen) >= room:
            break
        if state.untouched(question.id):
            chosen.setdefault(question.id)
    return list(chosen)[:room]
