"""The day-by-day plan of a followed path with a target date, the Today dashboard, and the
review queue's new questions, which follow the plan's pace. Pages run on a fixed clock."""

from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.utils import timezone

from progress import plan, review
from progress.models import FollowedPath, ReviewCard, ReviewSettings, StudiedMark
from tests.conftest import make_topic
from topics import catalog as content
from topics.models import PathStep, Question, StudyPath

START = datetime(2026, 3, 2, 9, 0, tzinfo=dt_timezone.utc)  # a Monday


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        now = START

        def to(self, day: date, hour: int = 9):
            self.now = datetime(day.year, day.month, day.day, hour, tzinfo=dt_timezone.utc)

    found = Clock()
    monkeypatch.setattr(timezone, "now", lambda: found.now)
    return found


@pytest.fixture
def path(db):
    """A path of 13 questions, in reading order: math-q1-1 … math-q1-13."""
    topic = make_topic("math", sections=1, per_section=13)
    found = StudyPath.objects.create(slug="math-plan", title="Math plan")
    PathStep.objects.create(path=found, topic=topic)
    return found


def slugs(ids) -> list[str]:
    by_id = dict(Question.objects.values_list("id", "slug"))
    return [by_id[q] for q in ids]


def follow(client, path, target: date, started: date):
    response = client.post_form(f"/paths/{path.slug}/follow/", {"follow": "1", "target_date": target.isoformat()})
    assert response.status_code == 302
    started_at = datetime(started.year, started.month, started.day, 8, tzinfo=dt_timezone.utc)
    FollowedPath.objects.filter(path=path).update(started_at=started_at, planned_from=started_at)


def study(user, slug: str, when: datetime):
    """A tick made at `when`."""
    question = Question.objects.get(slug=slug)
    StudiedMark.objects.create(user=user, question=question, created_at=when)


def current_plan(user, day: date) -> plan.PathPlan:
    state = plan.UserState.load(user)
    (found,) = plan.plans_for(content.current(), state, day)
    return found


def test_spread_is_even_and_complete():
    assert plan.spread(13, 7) == [2, 2, 2, 2, 2, 2, 1]
    assert plan.spread(10, 4) == [3, 2, 3, 2]
    assert plan.spread(0, 3) == [0, 0, 0]
    for total in range(40):
        for days in range(1, 12):
            shares = plan.spread(total, days)
            assert sum(shares) == total and max(shares) - min(shares) <= 1


def test_a_path_with_a_target_date_is_laid_out_as_days(alice_client, alice, path, clock):
    follow(alice_client, path, date(2026, 3, 8), started=date(2026, 3, 2))
    found = current_plan(alice, date(2026, 3, 2))
    assert [(d.day.day, d.status, d.planned) for d in found.days] == [
        (2, "today", 2),
        (3, "upcoming", 2),
        (4, "upcoming", 2),
        (5, "upcoming", 2),
        (6, "upcoming", 2),
        (7, "upcoming", 2),
        (8, "upcoming", 1),
    ]
    assert slugs(found.today_ids) == ["math-q1-1", "math-q1-2"]
    assert slugs(found.days[1].question_ids) == ["math-q1-3", "math-q1-4"]
    assert found.behind == 0 and found.quota == 2 and found.usual_pace == 2
    page = alice_client.get("/paths/math-plan/").content.decode()
    assert "Your plan, day by day" in page
    assert "<strong>Today: 0 of 2</strong> new questions done, 2 left" in page
    assert page.count('class="plan-day is-upcoming"') == 6 and 'aria-current="date"' in page


def test_missed_days_are_spread_over_the_days_left_not_piled_on_one(alice_client, alice, path, clock):
    clock.to(date(2026, 3, 4))
    follow(alice_client, path, date(2026, 3, 8), started=date(2026, 3, 2))
    study(alice, "math-q1-1", datetime(2026, 3, 2, 12, tzinfo=dt_timezone.utc))  # 1 of 2 on day one
    found = current_plan(alice, date(2026, 3, 4))
    assert [(d.day.day, d.status, d.planned, d.studied) for d in found.days[:2]] == [
        (2, "missed", 2, 1),
        (3, "missed", 2, 0),
    ]
    # Planned by yesterday: 4; studied: 1. Left: 12 over 5 days.
    assert found.behind == 3
    assert [d.planned for d in found.days[2:]] == [3, 2, 3, 2, 2]
    assert found.quota == 3 and max(d.planned for d in found.days[2:]) == 3
    page = alice_client.get("/").content.decode()
    assert "You are <strong>3</strong> questions behind." in page
    assert "study <strong>3</strong> a day instead of 2 for the 5 days left" in page
    # Doing today's catch-up quota makes today done the next day, though still behind.
    for n in (2, 3, 4):
        study(alice, f"math-q1-{n}", datetime(2026, 3, 4, 10, tzinfo=dt_timezone.utc))
    clock.to(date(2026, 3, 5))
    found = current_plan(alice, date(2026, 3, 5))
    assert found.days[2].status == "done" and found.days[2].studied == 3
    assert found.behind == 2 and found.quota == 3  # 9 left over 4 days


def test_review_brings_the_plans_questions_at_its_pace_and_they_agree(alice_client, alice, path, clock):
    make_topic("other", sections=1, per_section=5, order=2)
    ReviewSettings.objects.create(user=alice, new_cards_per_day=10)  # the path's pace wins
    follow(alice_client, path, date(2026, 3, 8), started=date(2026, 3, 2))
    queue = review.due_queue(alice)
    assert slugs(queue.new) == ["math-q1-1", "math-q1-2"] == slugs(current_plan(alice, date(2026, 3, 2)).today_ids)
    # Good on the first in review: studied, counted as done today, and "Next up" moves on.
    first = Question.objects.get(slug="math-q1-1")
    alice_client.post_form(f"/questions/{first.slug}/recall/", {"rating": "3", "last_review": "", "next": "/review/"})
    found = current_plan(alice, date(2026, 3, 2))
    assert (found.done_today, found.left_today) == (1, 1)
    assert slugs(review.due_queue(alice).new) == ["math-q1-2"]
    page = alice_client.get("/paths/math-plan/").content.decode()
    assert "<strong>1</strong> / 13 studied" in page
    assert "Next up" in page and page.split("Next up")[1].split("</a>")[0].endswith("Question 1.2 of math?")
    assert "<strong>Today: 1 of 2</strong>" in page
    # A tick of the second, without reviewing it, also counts; review then brings nothing new.
    alice_client.post_form("/questions/math-q1-2/studied/", {"studied": "1"})
    assert review.due_queue(alice).new == []
    home = alice_client.get("/").content.decode()
    assert "<strong>Today: 2 of 2</strong> new questions done" in home
    # The next day: the next two, and the first comes back as a review when it is due.
    clock.to(date(2026, 3, 3))
    assert slugs(review.due_queue(alice).new) == ["math-q1-3", "math-q1-4"]


def test_again_on_a_plan_question_keeps_it_today_without_a_new_one(alice_client, alice, path, clock):
    follow(alice_client, path, date(2026, 3, 8), started=date(2026, 3, 2))
    alice_client.post_form("/questions/math-q1-1/recall/", {"rating": "1", "last_review": "", "next": "/review/"})
    found = current_plan(alice, date(2026, 3, 2))
    assert slugs(found.today_ids) == ["math-q1-1", "math-q1-2"]
    assert (found.done_today, found.left_today) == (0, 2)
    queue = review.due_queue(alice, now=START + timedelta(minutes=2))
    assert slugs(queue.ids) == ["math-q1-1", "math-q1-2"]  # the lapse due first, then the new one
    assert ReviewCard.objects.filter(user=alice).count() == 1


def test_without_a_target_date_there_is_no_plan_and_the_daily_limit_applies(alice_client, alice, path, clock):
    ReviewSettings.objects.create(user=alice, new_cards_per_day=4)
    alice_client.post_form(f"/paths/{path.slug}/follow/", {"follow": "1", "target_date": ""})
    assert plan.plans_for(content.current(), plan.UserState.load(alice), date(2026, 3, 2)) == []
    assert slugs(review.due_queue(alice).new) == ["math-q1-1", "math-q1-2", "math-q1-3", "math-q1-4"]
    page = alice_client.get("/paths/math-plan/").content.decode()
    assert "Set a target date to get a day-by-day plan" in page


def test_a_past_target_date_says_so_and_falls_back_to_the_daily_limit(alice_client, alice, path, clock):
    ReviewSettings.objects.create(user=alice, new_cards_per_day=1)
    follow(alice_client, path, date(2026, 3, 3), started=date(2026, 3, 2))
    clock.to(date(2026, 3, 10))
    found = current_plan(alice, date(2026, 3, 10))
    assert found.overdue and found.quota == 0
    assert slugs(review.due_queue(alice).new) == ["math-q1-1"]
    assert "The target date (3 March 2026) has passed" in alice_client.get("/").content.decode()


def test_a_target_date_too_far_ahead_is_refused(alice_client, alice, path, clock):
    response = alice_client.post_form(f"/paths/{path.slug}/follow/", {"follow": "1", "target_date": "2030-01-01"})
    assert response.status_code == 400
    assert "within two years" in response.content.decode()
    assert not FollowedPath.objects.exists()


def test_the_plan_is_per_user(alice_client, bob_client, alice, bob, path, clock):
    follow(alice_client, path, date(2026, 3, 8), started=date(2026, 3, 2))
    page = bob_client.get("/paths/math-plan/").content.decode()
    assert "Your plan, day by day" not in page
    assert "Today:" not in bob_client.get("/").content.decode()


def test_the_today_dashboard_opens_the_members_home(alice_client, alice, path, clock):
    follow(alice_client, path, date(2026, 3, 8), started=date(2026, 3, 2))
    page = alice_client.get("/").content.decode()
    assert page.index('id="today-heading"') < page.index("Your progress")
    assert "<strong>0</strong> reviews due and <strong>2</strong> new questions to start." in page
    assert "Start today's session" in page
    assert 'href="/questions/math-q1-1/"' in page.split('today-card"')[1].split("</section>")[0]


def set_target(client, target: str):
    response = client.post_form("/paths/math-plan/follow/", {"follow": "1", "target_date": target})
    assert response.status_code == 302


def test_a_target_set_or_changed_later_plans_from_that_day(alice_client, alice, path, clock):
    """Days from before the plan existed are never counted as missed; resending the same target
    changes nothing; a new target lays the rest out again from that day."""
    set_target(alice_client, "")  # Monday: followed, no target date
    clock.to(date(2026, 3, 5))
    set_target(alice_client, "2026-03-11")  # Thursday: a target, a week away
    found = current_plan(alice, date(2026, 3, 5))
    assert found.behind == 0 and (found.days[0].day, found.days[0].status) == (date(2026, 3, 5), "today")
    assert [d.planned for d in found.days] == plan.spread(13, 7)
    assert "behind" not in alice_client.get("/").content.decode()
    page = alice_client.get("/paths/math-plan/").content.decode()
    assert "is-missed" not in page and "You follow this path since 2 March 2026" in page

    clock.to(date(2026, 3, 7))  # two days without studying, then the same target sent again
    set_target(alice_client, "2026-03-11")
    found = current_plan(alice, date(2026, 3, 7))
    assert [d.status for d in found.days[:2]] == ["missed", "missed"] and found.behind == 4
    assert "You are <strong>4</strong> questions behind." in alice_client.get("/").content.decode()

    set_target(alice_client, "2026-03-20")  # a new target: the 13 left over the 14 days to it
    found = current_plan(alice, date(2026, 3, 7))
    assert found.behind == 0 and found.days[0].day == date(2026, 3, 7)
    assert [d.planned for d in found.days] == plan.spread(13, 14)
    assert "behind" not in alice_client.get("/").content.decode()
    follow = FollowedPath.objects.get(user=alice)
    assert follow.started_at == datetime(2026, 3, 2, 9, tzinfo=dt_timezone.utc)  # still following since Monday
    assert follow.planned_from == datetime(2026, 3, 7, 9, tzinfo=dt_timezone.utc)
