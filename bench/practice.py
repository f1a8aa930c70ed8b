"""`make bench-practice`: what the practice pages cost at scale, measured in-process.

For the review page (`/review/`), the Today dashboard (`/`) and a mock interview step
(`/mock/<id>/`, a question waiting for its reveal): SQL queries per request and milliseconds of
CPU per request, served by Django's test client (no network, no server), beside the
session-only floor page of `make bench` measured the same way. On PostgreSQL with `make bench`'s
data (10,000 users and 1,000,000 studied marks) and a benchmark user who has reviewed for two
years: every live question rated on a schedule FSRS gave it, day after day, with learning steps
(a seeded random recall), who follows a path with a target date and has a mock session open.
Prints a table and writes bench-results/practice.json. Nothing here asserts: it measures.
"""

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402

DAYS = 730
NEW_PER_DAY = 10
RECALL = ((1, 0.1), (2, 0.15), (3, 0.6), (4, 0.15))  # rating, chance


def two_years_of_reviews(user, seed: int = 7) -> dict:
    """Rate every live question as a learner would have over DAYS days, through FSRS with the
    site's learning steps: each day the cards due that day (again, until none is due within the
    day) and NEW_PER_DAY new ones. Written in bulk; the user's cards end as FSRS left them."""
    from django.utils import timezone
    from fsrs import Card, Rating

    from progress import review
    from progress.models import ActivityDay, ReviewCard, ReviewLog, StudiedMark
    from topics.models import Question

    started = time.monotonic()
    chooser = random.Random(seed)
    ratings, weights = zip(*RECALL, strict=True)
    scheduler = review.scheduler_for(review.settings_for(user))
    questions = list(Question.objects.live().order_by("id").values_list("id", flat=True))
    first_day = timezone.now() - timedelta(days=DAYS)
    cards: dict[int, Card] = {}
    created: dict[int, object] = {}
    logs: list[ReviewLog] = []
    per_day: dict = {}
    waiting = list(questions)
    for day in range(DAYS):
        morning = first_day + timedelta(days=day, hours=8)
        evening = morning + timedelta(hours=14)
        for question_id in waiting[:NEW_PER_DAY]:
            cards[question_id] = Card(card_id=question_id, due=morning)
            created[question_id] = morning
        waiting = waiting[NEW_PER_DAY:]
        now = morning
        while True:
            due = sorted((card.due, question_id) for question_id, card in cards.items() if card.due <= evening)
            if not due:
                break
            for when, question_id in due:
                now = max(now, when) + timedelta(seconds=20)
                rating = chooser.choices(ratings, weights)[0]
                card, _ = scheduler.review_card(cards[question_id], Rating(rating), review_datetime=now)
                cards[question_id] = card
                logs.append(
                    ReviewLog(user=user, question_id=question_id, rating=rating, reviewed_at=now, due_after=card.due)
                )
                per_day[now.date()] = per_day.get(now.date(), 0) + 1
    ReviewLog.objects.filter(user=user).delete()
    ReviewCard.objects.filter(user=user).delete()
    ReviewLog.objects.bulk_create(logs, batch_size=5000)
    ReviewCard.objects.bulk_create(
        [
            ReviewCard(
                user=user,
                question_id=question_id,
                state=card.state.value,
                step=card.step,
                stability=card.stability,
                difficulty=card.difficulty,
                due=card.due,
                last_review=card.last_review,
                created_at=created[question_id],
            )
            for question_id, card in cards.items()
        ],
        batch_size=5000,
    )
    StudiedMark.objects.bulk_create(
        [StudiedMark(user=user, question_id=q, created_at=created[q]) for q in cards], ignore_conflicts=True
    )
    ActivityDay.objects.filter(user=user).delete()
    ActivityDay.objects.bulk_create([ActivityDay(user=user, day=d, reviews=n) for d, n in per_day.items()])
    return {
        "review_log_rows": len(logs),
        "cards": len(cards),
        "days": DAYS,
        "seconds": round(time.monotonic() - started, 1),
    }


def follow_a_path_and_start_a_mock(user) -> str:
    """The user follows a path with a target date (started ten days ago) and has a mock session
    whose first question waits for its reveal; returns that step's address."""
    from django.utils import timezone

    from mock.models import MockItem, MockSession
    from progress.models import FollowedPath
    from topics.models import Question, StudyPath

    path = StudyPath.objects.order_by("id").first()
    follow, _ = FollowedPath.objects.update_or_create(
        user=user, path=path, defaults={"target_date": timezone.localdate() + timedelta(days=30)}
    )
    FollowedPath.objects.filter(pk=follow.pk).update(started_at=timezone.now() - timedelta(days=10))
    session = MockSession.objects.create(user=user, source="topic", source_value="ml-breadth", question_count=5,
                                         minutes_per_question=3)  # fmt: skip
    questions = Question.objects.live().filter(section__topic__slug="ml-breadth").order_by("id")[:5]
    for position, question in enumerate(questions, start=1):
        MockItem.objects.create(session=session, question=question, position=position,
                                started_at=timezone.now() if position == 1 else None)  # fmt: skip
    return f"/mock/{session.id}/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-data", action="store_true", help="reuse the 1,000,000 marks of the last run")
    parser.add_argument("--requests", type=int, default=200, help="requests per page for the CPU figure")
    parser.add_argument("--output", default=str(ROOT / "bench-results" / "practice.json"))
    args = parser.parse_args()

    db_url = run.database_url(fresh=not args.skip_data)
    env = run.site_env(db_url, STATIC_ROOT=tempfile.mkdtemp(prefix="bench-static-"))
    python = sys.executable
    print("Preparing: migrate, load content, collect static files …", flush=True)
    run.sh(python, "manage.py", "migrate", "--noinput", env=env)
    run.sh(python, "manage.py", "load_content", "fixtures/content/", "--progress", "never", env=env)
    run.sh(python, "manage.py", "collectstatic", "--noinput", "--verbosity", "0", env=env)
    run.django_setup(env)
    figures: dict = {}
    if not args.skip_data:
        print(f"Generating {run.USERS:,} users and {run.MARKS:,} studied marks …", flush=True)
        figures["scale"] = run.generate_scale_data()
    from django.contrib.auth.models import User

    bench = User.objects.get(username="bench")
    print(f"Two years of reviews for the benchmark user ({DAYS} days) …", flush=True)
    figures["reviews"] = two_years_of_reviews(bench)
    mock_step = follow_a_path_and_start_a_mock(bench)
    endpoints = {
        "floor": ("GET", run.FLOOR, {}),
        "review": ("GET", "/review/", {}),
        "today": ("GET", "/", {}),
        "mock step": ("GET", mock_step, {}),
    }
    figures["queries"] = run.queries_per_request(endpoints)
    figures["cpu_ms"] = run.cpu_per_request(endpoints, requests=args.requests)
    print(f"\n{'page':<12}{'queries':>9}{'CPU ms':>9}{'× floor':>9}")
    for name in endpoints:
        ms = figures["cpu_ms"][name]
        print(f"{name:<12}{figures['queries'][name]:>9}{ms:>9.2f}{ms / figures['cpu_ms']['floor']:>9.1f}")
    print(f"\n{figures['reviews']['review_log_rows']:,} review log rows, {figures['reviews']['cards']} cards")
    Path(args.output).parent.mkdir(exist_ok=True)
    Path(args.output).write_text(json.dumps(figures, indent=2, default=str))


if __name__ == "__main__":
    main()
