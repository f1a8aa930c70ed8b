from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Card, Rating, Scheduler

from progress import review
from progress.models import ActivityDay, FollowedPath, ReviewCard, ReviewLog, ReviewSettings, StudiedMark
from tests.conftest import make_topic
from topics.models import PathStep, Question, StudyPath

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def question(topic) -> Question:
    return Question.objects.get(slug="ml-breadth-q1-1")


def test_scheduling_follows_fsrs_for_a_scripted_sequence(alice, question):
    ratings = [3, 3, 1, 2, 4, 3]
    scheduler = Scheduler(desired_retention=0.9, learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    expected = Card(card_id=question.id)
    now = START
    for rating in ratings:
        card = review.rate(alice, question, rating, now=now)
        expected, _ = scheduler.review_card(expected, Rating(rating), review_datetime=now)
        assert card.due == expected.due
        assert card.stability == pytest.approx(expected.stability)
        assert card.difficulty == pytest.approx(expected.difficulty)
        now = card.due
    assert list(ReviewLog.objects.filter(user=alice).values_list("rating", flat=True)) == ratings


def test_the_known_first_intervals(alice, topic):
    """Fixed points of FSRS with default parameters: a new card rated good is due in 2 days,
    then again good in 11 days."""
    q = Question.objects.get(slug="ml-breadth-q1-1")
    first = review.rate(alice, q, 3, now=START)
    assert first.due - START == timedelta(days=2)
    second = review.rate(alice, q, 3, now=first.due)
    assert second.due - first.due == timedelta(days=11)


def test_higher_desired_retention_means_sooner_reviews(alice, bob, question):
    ReviewSettings.objects.create(user=bob, desired_retention="0.95")
    a = review.rate(alice, question, 3, now=START)
    b = review.rate(bob, question, 3, now=START)
    a = review.rate(alice, question, 3, now=a.due)
    b = review.rate(bob, question, 3, now=b.due)
    assert b.due - b.last_review < a.due - a.last_review


def test_rating_does_not_tick_and_unticking_keeps_the_review_history(alice_client, alice, question):
    alice_client.post_form(f"/questions/{question.slug}/recall/", {"rating": "3", "last_review": ""})
    assert ReviewCard.objects.filter(user=alice, question=question).exists()
    assert not StudiedMark.objects.filter(user=alice).exists()
    StudiedMark.objects.set_studied(alice, question, True)
    alice_client.post_form(f"/questions/{question.slug}/studied/", {"studied": "0"})
    assert ReviewLog.objects.filter(user=alice, question=question).count() == 1


def test_a_repeated_rating_submission_is_ignored(alice_client, alice, question):
    for _ in range(2):
        alice_client.post_form(f"/questions/{question.slug}/recall/", {"rating": "3", "last_review": ""})
    assert ReviewLog.objects.filter(user=alice).count() == 1
    card = ReviewCard.objects.get(user=alice)
    alice_client.post_form(
        f"/questions/{question.slug}/recall/", {"rating": "1", "last_review": card.last_review.isoformat()}
    )
    assert ReviewLog.objects.filter(user=alice).count() == 2


@pytest.mark.parametrize("rating", ["0", "5", "good", ""])
def test_a_bad_rating_is_a_400(alice_client, alice, question, rating):
    response = alice_client.post_form(f"/questions/{question.slug}/recall/", {"rating": rating})
    assert response.status_code == 400
    assert not ReviewLog.objects.exists()


def test_rating_records_activity(alice_client, alice, question):
    alice_client.post_form(f"/questions/{question.slug}/recall/", {"rating": "4", "last_review": ""})
    alice_client.post_form(f"/questions/{question.slug}/studied/", {"studied": "1"})
    alice_client.post_form(f"/questions/{question.slug}/studied/", {"studied": "1"})  # no change: not counted
    day = ActivityDay.objects.get(user=alice)
    assert (day.ticks, day.reviews) == (1, 1)


def test_the_queue_puts_followed_paths_first_and_limits_new_cards(alice, topic):
    other = make_topic("other", sections=1, per_section=3, order=2)
    path = StudyPath.objects.create(slug="plan", title="Plan")
    PathStep.objects.create(path=path, topic=other)
    FollowedPath.objects.create(user=alice, path=path)
    ReviewSettings.objects.create(user=alice, new_cards_per_day=4)
    queue = review.due_queue(alice, now=START)
    slugs = list(Question.objects.filter(id__in=queue).values_list("id", "slug"))
    by_id = dict(slugs)
    assert [by_id[q] for q in queue] == ["other-q1-1", "other-q1-2", "other-q1-3", "ml-breadth-q1-1"]


def test_due_cards_come_before_new_ones_followed_first_by_due_date(alice, topic):
    other = make_topic("other", sections=1, per_section=2, order=2)
    path = StudyPath.objects.create(slug="plan", title="Plan")
    PathStep.objects.create(path=path, topic=other)
    FollowedPath.objects.create(user=alice, path=path)
    ReviewSettings.objects.create(user=alice, new_cards_per_day=0)
    early = START - timedelta(days=10)
    review.rate(alice, Question.objects.get(slug="ml-breadth-q2-1"), 1, now=early)
    review.rate(alice, Question.objects.get(slug="other-q1-2"), 1, now=early + timedelta(hours=1))
    review.rate(alice, Question.objects.get(slug="ml-breadth-q1-1"), 1, now=early - timedelta(hours=1))
    review.rate(alice, Question.objects.get(slug="ml-breadth-q1-2"), 4, now=START)  # due weeks later
    queue = [Question.objects.get(id=q).slug for q in review.due_queue(alice, now=START)]
    assert queue == ["other-q1-2", "ml-breadth-q1-1", "ml-breadth-q2-1"]


def test_new_cards_rated_today_count_against_the_limit(alice, topic):
    ReviewSettings.objects.create(user=alice, new_cards_per_day=2)
    for slug in ["ml-breadth-q1-1", "ml-breadth-q1-2"]:
        review.rate(alice, Question.objects.get(slug=slug), 3, now=START)
    assert review.due_queue(alice, now=START + timedelta(hours=1)) == []


def test_the_review_page_walks_through_the_queue_and_ends_with_a_summary(alice_client, alice, topic):
    ReviewSettings.objects.create(user=alice, new_cards_per_day=2)
    page = alice_client.get("/review/").content.decode()
    assert "<strong>2</strong> questions left today" in page
    first = Question.objects.get(slug="ml-breadth-q1-1")
    assert first.title in page
    response = alice_client.post_form(
        f"/questions/{first.slug}/recall/", {"rating": "3", "last_review": "", "next": "/review/"}, htmx=True
    )
    card_html = response.content.decode()
    assert card_html.lstrip().startswith('<div id="review-card"')
    assert "<strong>1</strong> question left today" in card_html
    second = Question.objects.get(slug="ml-breadth-q1-2")
    response = alice_client.post_form(
        f"/questions/{second.slug}/recall/", {"rating": "1", "last_review": "", "next": "/review/"}
    )
    assert response["Location"] == "/review/"
    page = alice_client.get("/review/").content.decode()
    assert "All done for today" in page and "Again 1 · Hard 0 · Good 1 · Easy 0" in page


def test_the_review_card_shows_the_questions_answers_as_they_are_now(
    alice_client, alice, topic, django_assert_num_queries
):
    from topics.models import Answer

    first = Question.objects.get(slug="ml-breadth-q1-1")
    alice_client.get("/review/")
    # The session and its user, the settings, the content version, the queue (followed paths,
    # cards), the card, today's ratings; the question and its answers come from the content snapshot.
    with django_assert_num_queries(8):
        page = alice_client.get("/review/").content.decode()
    assert f"The answer to <strong>{first.title}</strong>" in page
    answer = first.answers.get()
    answer.body = "An *edited* answer"
    answer.save()
    Answer.objects.create(question=first, body="A second answer", order=answer.order + 1)
    page = alice_client.get("/review/").content.decode()
    assert "The answer to" not in page.split('id="review-card"')[1].split("</details>")[0]
    assert page.index("An <em>edited</em> answer") < page.index("A second answer")


def test_the_dashboard_and_question_page_say_what_is_due(alice_client, alice, question):
    ReviewSettings.objects.create(user=alice, new_cards_per_day=3)
    assert "<strong>3</strong> due today" in alice_client.get("/").content.decode()
    review.rate(alice, question, 3)
    assert "Next review" in alice_client.get(question.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"desired_retention": "0.99", "new_cards_per_day": "10"},
        {"desired_retention": "0.85", "new_cards_per_day": "-1"},
    ],
)
def test_review_settings_are_validated(alice_client, alice, topic, data):
    response = alice_client.post_form("/review/settings/", data)
    assert response.status_code == 400
    assert not ReviewSettings.objects.filter(user=alice).exists()


def test_review_settings_are_saved(alice_client, alice, topic):
    alice_client.post_form("/review/settings/", {"desired_retention": "0.85", "new_cards_per_day": "5"})
    settings = ReviewSettings.objects.get(user=alice)
    assert (str(settings.desired_retention), settings.new_cards_per_day) == ("0.85", 5)


def test_review_needs_login(anon_client, topic):
    assert anon_client.get("/review/")["Location"].startswith("/accounts/login/")


def test_the_question_page_keeps_its_next_review_through_a_tick_and_a_rating(alice_client, alice, question):
    page = question.get_absolute_url()
    html = alice_client.post_form(
        f"/questions/{question.slug}/recall/", {"rating": "3", "last_review": "", "next": page}, htmx=True
    ).content.decode()
    assert f'id="next-due-{question.id}" hx-swap-oob="true">Next review ' in html  # beside the tick
    html = alice_client.post_form(
        f"/questions/{question.slug}/studied/", {"studied": "1", "next": page, "page": "question"}, htmx=True
    ).content.decode()
    assert f'id="next-due-{question.id}">Next review ' in html


def test_without_javascript_the_rating_message_dates_like_the_page(alice_client, alice, question):
    response = alice_client.post_form(f"/questions/{question.slug}/recall/", {"rating": "3", "last_review": ""})
    message = str(list(response.wsgi_request._messages)[0])
    card = ReviewCard.objects.get(user=alice)
    assert message == f"Rated. Next review {card.due.day} {card.due:%b %Y}."
