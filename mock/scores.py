"""How a mock interview went, in figures: per question and for the whole session."""

from dataclasses import dataclass
from datetime import timedelta
from statistics import mean

from mock.models import MockItem, MockSession
from progress.models import Rating

WEAKEST_SHOWN = 3


def clock(duration: timedelta | None) -> str:
    """A duration as minutes and seconds, "2:05"; "—" when there is none."""
    if duration is None:
        return "—"
    seconds = max(0, round(duration.total_seconds()))
    return f"{seconds // 60}:{seconds % 60:02d}"


@dataclass(frozen=True)
class ItemScore:
    item: MockItem
    budget: timedelta

    @property
    def question(self):
        return self.item.question

    @property
    def taken(self) -> timedelta | None:
        """From the question being shown to its answer being revealed."""
        if self.item.started_at is None or self.item.revealed_at is None:
            return None
        return self.item.revealed_at - self.item.started_at

    @property
    def taken_clock(self) -> str:
        return clock(self.taken)

    @property
    def budget_clock(self) -> str:
        return clock(self.budget)

    @property
    def over_budget(self) -> bool:
        return self.taken is not None and self.taken > self.budget

    @property
    def ticked(self) -> int:
        return len(self.item.checked)

    @property
    def lines(self) -> int:
        return self.item.checklist_size

    @property
    def checklist_share(self) -> float | None:
        return self.ticked / self.lines if self.lines else None

    @property
    def rating_label(self) -> str:
        return Rating(self.item.rating).label if self.item.rating else "—"


@dataclass(frozen=True)
class SessionScore:
    session: MockSession
    items: list[ItemScore]

    @classmethod
    def of(cls, session: MockSession, items: list[MockItem]) -> "SessionScore":
        budget = timedelta(minutes=session.minutes_per_question)
        return cls(session, [ItemScore(item, budget) for item in items])

    @property
    def graded(self) -> list[ItemScore]:
        return [score for score in self.items if score.item.graded]

    @property
    def ticked(self) -> int:
        return sum(score.ticked for score in self.graded)

    @property
    def lines(self) -> int:
        return sum(score.lines for score in self.graded)

    @property
    def checklist_percent(self) -> int | None:
        return round(100 * self.ticked / self.lines) if self.lines else None

    @property
    def average_rating(self) -> float | None:
        ratings = [score.item.rating for score in self.graded]
        return round(float(mean(ratings)), 1) if ratings else None

    @property
    def average_rating_label(self) -> str:
        average = self.average_rating
        return Rating(int(average + 0.5)).label if average is not None else ""

    @property
    def total_taken(self) -> timedelta:
        return sum((score.taken for score in self.items if score.taken is not None), timedelta())

    @property
    def total_taken_clock(self) -> str:
        return clock(self.total_taken)

    @property
    def total_budget_clock(self) -> str:
        return clock(timedelta(minutes=self.session.minutes_per_question * len(self.items)))

    @property
    def weakest(self) -> list[ItemScore]:
        """The graded questions that went worst: lowest rating, then lowest share of the
        checklist ticked (a question without a checklist counts as all ticked)."""
        ranked = sorted(
            self.graded,
            key=lambda score: (
                score.item.rating,
                score.checklist_share if score.checklist_share is not None else 1.0,
                score.item.position,
            ),
        )
        return ranked[:WEAKEST_SHOWN]
