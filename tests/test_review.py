from datetime import datetime, timedelta, timezone

import pytest
from django.utils import timezone as dj_timezone
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
    scheduler = Scheduler(
        desired_retention=0.9,
        learning_steps=(timedelta(minutes=1), timedelta(minutes=10)),
        relearning_steps=(timedelta(minutes=10),),
        enable_fuzzing=False,
    )
    expected = Card(card_id=question.id)
    now = START
    for rating in ratings:
        card = review.rate(alice, question, rating, now=now).card
        expected, _ = scheduler.review_card(expected, Rating(rating), review_datetime=now)
        assert card.due == expected.due
        assert card.stability == pytest.approx(expected.stability)
        assert card.difficulty == pytest.approx(expected.difficulty)
        now = card.due
    assert list(ReviewLog.objects.filter(user=alice).values_list("rating", flat=True)) == ratings


def test_the_known_first_intervals(alice, topic):
    """Fixed points of FSRS with default parameters and learning steps of 1 and 10 minutes: a new
    card rated Good goes to the 10-minute step, then Good graduates it to 2 days, then 11 days."""
    q = Question.objects.get(slug="ml-breadth-q1-1")
    first = review.rate(alice, q, 3, now=START).card
    assert first.due - START == timedelta(minutes=10)
    second = review.rate(alice, q, 3, now=first.due).card
    assert second.due - first.due == timedelta(days=2)
    third = review.rate(alice, q, 3, now=second.due).card
    assert third.due - second.due == timedelta(days=11)


def test_each_rating_button_shows_its_interval(alice_client, alice, question):
    """The previews are FSRS's own next intervals, for a new card and after a lapse."""
    labels = {r: review.interval_label(i) for r, i in review.previews(alice, None, question.id, now=START).items()}
    assert labels == {1: "1 min", 2: "6 min", 3: "10 min", 4: "8 days"}
    card = review.rate(alice, question, 4, now=START).card
    lapse = review.rate(alice, question, 1, now=card.due).card  # forgotten: relearning, 10 minutes
    assert lapse.state == 3 and lapse.due - card.due == timedelta(minutes=10)
    page = alice_client.get(question.get_absolute_url()).content.decode()
    for value, label in enumerate(["Again", "Hard", "Good", "Easy"], start=1):
        assert f'<span class="rate-label">{label}</span> <span class="rate-interval">· ' in page
    intervals = review.previews(alice, ReviewCard.objects.get(user=alice), question.id)
    assert f"· {review.interval_label(intervals[3])}</span>" in page


@pytest.mark.parametrize(
    "interval, label",
    [
        (timedelta(seconds=20), "1 min"),
        (timedelta(minutes=10), "10 min"),
        (timedelta(hours=5), "5 h"),
        (timedelta(days=1), "1 day"),
        (timedelta(days=12), "12 days"),
        (timedelta(days=76), "2.5 months"),
        (timedelta(days=365), "1 year"),
        (timedelta(days=800), "2.2 years"),
    ],
)
def test_interval_labels(interval, label):
    assert review.interval_label(interval) == label


def test_higher_desired_retention_means_sooner_reviews(alice, bob, question):
    ReviewSettings.objects.create(user=bob, desired_retention="0.95")
    a = review.rate(alice, question, 4, now=START).card
    b = review.rate(bob, question, 4, now=START).card
    a = review.rate(alice, question, 3, now=a.due).card
    b = review.rate(bob, question, 3, now=b.due).card
    assert b.due - b.last_review < a.due - a.last_review


@pytest.fixture
def clock(monkeypatch):
    """A fixed clock for the pages: `clock.now` is what timezone.now() returns; move it on."""

    class Clock:
        now = START

        def advance(self, **delta):
            self.now += timedelta(**delta)

    found = Clock()
    monkeypatch.setattr(dj_timezone, "now", lambda: found.now)
    return found


@pytest.mark.parametrize("rating, ticks", [(1, False), (2, False), (3, True), (4, True)])
def test_good_or_easy_marks_studied_and_says_so(alice_client, alice, question, rating, ticks):
    response = alice_client.post_form(f"/questions/{question.slug}/recall/", {"rating": str(rating), "last_review": ""})
    assert StudiedMark.objects.filter(user=alice, question=question).exists() == ticks
    message = str(list(response.wsgi_request._messages)[0])
    assert ("Marked studied." in message) == ticks
    page = alice_client.get(question.get_absolute_url()).content.decode()
    assert ('aria-pressed="true" title="Mark as not studied"' in page) == ticks
    # The topic's counter reads the same state.
    topic_page = alice_client.get(question.section.topic.get_absolute_url()).content.decode()
    assert f"<strong>{int(ticks)}</strong> / " in topic_page


def test_good_on_a_new_card_moves_every_counter_in_the_htmx_response(alice_client, alice, question):
    html = alice_client.post_form(
        f"/questions/{question.slug}/recall/",
        {"rating": "3", "last_review": "", "next": question.get_absolute_url(), "page": "question"},
        htmx=True,
    ).content.decode()
    topic = question.section.topic
    assert f'id="question-panel-{question.id}" hx-swap-oob="true"' in html
    assert 'aria-pressed="true" title="Mark as not studied"' in html
    assert f'id="{topic.progress_dom_id}" hx-swap-oob="true"' in html
    assert "<strong>1</strong> / " in html
    assert "Marked studied." in html  # the message, out of band
    # A second rating (Again, from the form as the page now shows it) keeps the tick.
    card = ReviewCard.objects.get(user=alice)
    alice_client.post_form(
        f"/questions/{question.slug}/recall/",
        {"rating": "1", "last_review": card.last_review.isoformat(), "next": question.get_absolute_url()},
    )
    assert StudiedMark.objects.filter(user=alice, question=question).exists()
    assert ReviewLog.objects.filter(user=alice).count() == 2


def test_unticking_keeps_the_review_history(alice_client, alice, question):
    alice_client.post_form(f"/questions/{question.slug}/recall/", {"rating": "3", "last_review": ""})
    alice_client.post_form(f"/questions/{question.slug}/studied/", {"studied": "0"})
    assert not StudiedMark.objects.filter(user=alice).exists()
    assert ReviewLog.objects.filter(user=alice, question=question).count() == 1
    assert ReviewCard.objects.filter(user=alice, question=question).exists()


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
    queue = review.due_queue(alice, now=START).ids
    slugs = list(Question.objects.filter(id__in=queue).values_list("id", "slug"))
    by_id = dict(slugs)
    assert [by_id[q] for q in queue] == ["other-q1-1", "other-q1-2", "other-q1-3", "ml-breadth-q1-1"]


def test_due_cards_come_before_new_ones_followed_first_by_due_date(alice, topic):
    other = make_topic("other", sections=1, per_section=2, order=2)
    path = StudyPath.objects.create(slug="plan", title="Plan")
    PathStep.objects.create(path=path, topic=other)
    FollowedPath.objects.create(user=alice, path=path)
    ReviewSettings.objects.create(user=alice, new_cards_per_day=0)
    early = START - timedelta(days=10)  # Easy on a new card: due 8 days later, so before START
    review.rate(alice, Question.objects.get(slug="ml-breadth-q2-1"), 4, now=early)
    review.rate(alice, Question.objects.get(slug="other-q1-2"), 4, now=early + timedelta(hours=1))
    review.rate(alice, Question.objects.get(slug="ml-breadth-q1-1"), 4, now=early - timedelta(hours=1))
    review.rate(alice, Question.objects.get(slug="ml-breadth-q1-2"), 4, now=START)  # due days later
    # Learning cards that are due come first, by due time, wherever they are.
    review.rate(alice, Question.objects.get(slug="ml-breadth-q2-2"), 1, now=START - timedelta(minutes=5))
    queue = [Question.objects.get(id=q).slug for q in review.due_queue(alice, now=START).ids]
    assert queue == ["ml-breadth-q2-2", "other-q1-2", "ml-breadth-q1-1", "ml-breadth-q2-1"]


def test_new_cards_rated_today_count_against_the_limit(alice, topic):
    ReviewSettings.objects.create(user=alice, new_cards_per_day=2)
    for slug in ["ml-breadth-q1-1", "ml-breadth-q1-2"]:
        review.rate(alice, Question.objects.get(slug=slug), 3, now=START)
    queue = review.due_queue(alice, now=START + timedelta(hours=1))
    assert queue.new == []
    assert queue.ids == [Question.objects.get(slug=s).id for s in ["ml-breadth-q1-1", "ml-breadth-q1-2"]]


def rate_on_review_page(client, slug: str, rating: int, htmx: bool = True) -> str:
    card = ReviewCard.objects.filter(question__slug=slug).first()
    last = card.last_review.isoformat() if card else ""
    response = client.post_form(
        f"/questions/{slug}/recall/", {"rating": str(rating), "last_review": last, "next": "/review/"}, htmx=htmx
    )
    return response.content.decode() if htmx else response["Location"]


def current_title(html: str) -> str:
    return html.split('<h2 class="review-question">')[1].split("</h2>")[0]


def test_a_session_brings_again_back_and_ends_when_nothing_is_due_soon(alice_client, alice, topic, clock):
    ReviewSettings.objects.create(user=alice, new_cards_per_day=2)
    first, second = (Question.objects.get(slug=s) for s in ["ml-breadth-q1-1", "ml-breadth-q1-2"])
    page = alice_client.get("/review/").content.decode()
    assert "<strong>2</strong> cards in this session (2 new)" in page
    assert current_title(page) == first.title
    assert "<a" not in current_title(page)  # the title is not a link out of the session
    assert f'<a href="{first.get_absolute_url()}" target="_blank"' in page

    html = rate_on_review_page(alice_client, first.slug, 3)  # Good: the 10-minute step
    assert html.lstrip().startswith('<div id="review-card"')
    assert current_title(html) == second.title
    assert "<strong>2</strong> cards in this session (1 new)" in html  # the first comes back in 10 min
    assert "Marked studied." in html and "Undo</button>" in html

    html = rate_on_review_page(alice_client, second.slug, 1)  # Again: back in a minute, same session
    assert current_title(html) == second.title
    assert "It comes back in 1 min." in html
    clock.advance(minutes=2)
    html = rate_on_review_page(alice_client, second.slug, 3)
    assert current_title(html) == first.title  # due sooner than the second's 10-minute step
    html = rate_on_review_page(alice_client, first.slug, 3)  # graduates: 2 days
    assert current_title(html) == second.title
    html = rate_on_review_page(alice_client, second.slug, 3)
    assert "All done for today" in html and "Again 1 · Hard 0 · Good 4 · Easy 0" in html
    assert "The next card is due" in html
    assert ReviewLog.objects.filter(user=alice).count() == 5
    assert set(StudiedMark.objects.filter(user=alice).values_list("question__slug", flat=True)) == {
        first.slug,
        second.slug,
    }


def test_the_session_says_when_a_later_learning_card_is_due(alice_client, alice, topic, clock):
    ReviewSettings.objects.create(user=alice, new_cards_per_day=1)
    first = Question.objects.get(slug="ml-breadth-q1-1")
    rate_on_review_page(alice_client, first.slug, 1)
    ReviewCard.objects.filter(user=alice).update(due=START + timedelta(minutes=45))
    page = alice_client.get("/review/").content.decode()
    assert "Nothing due for the next twenty minutes" in page
    assert 'datetime="2026-03-02T09:45:00+00:00"' in page
    clock.advance(minutes=26)  # now within twenty minutes: the session goes on
    page = alice_client.get("/review/").content.decode()
    assert current_title(page) == first.title


def test_undo_restores_the_card_and_the_log_exactly(alice_client, alice, topic, clock):
    ReviewSettings.objects.create(user=alice, new_cards_per_day=1)
    first = Question.objects.get(slug="ml-breadth-q1-1")
    rate_on_review_page(alice_client, first.slug, 3)
    clock.advance(minutes=11)
    rate_on_review_page(alice_client, first.slug, 3)  # graduates
    card_fields = ("state", "step", "stability", "difficulty", "due", "last_review", "created_at")
    before = ReviewCard.objects.filter(user=alice).values(*card_fields).get()
    logs_before = list(ReviewLog.objects.filter(user=alice).values())
    activity_before = ActivityDay.objects.values("ticks", "reviews").get()
    clock.advance(days=2)
    html = rate_on_review_page(alice_client, first.slug, 1)  # a lapse
    assert ReviewCard.objects.get(user=alice).state == 3
    log = ReviewLog.objects.filter(user=alice).latest("id")
    html = alice_client.post_form("/review/undo/", {"log": str(log.id)}, htmx=True).content.decode()
    assert "Undone: your rating of" in html
    assert current_title(html) == first.title  # due again, as before the rating
    assert ReviewCard.objects.filter(user=alice).values(*card_fields).get() == before
    assert list(ReviewLog.objects.filter(user=alice).values()) == logs_before
    # One level: a second undo (a replay, or of the rating before) changes nothing.
    response = alice_client.post_form("/review/undo/", {"log": str(log.id)})
    assert response.status_code == 302
    previous = logs_before[-1]["id"]
    alice_client.post_form("/review/undo/", {"log": str(previous)})
    assert list(ReviewLog.objects.filter(user=alice).values()) == logs_before
    assert ReviewCard.objects.filter(user=alice).values(*card_fields).get() == before
    assert ActivityDay.objects.filter(day=START.date()).values("ticks", "reviews").get() == activity_before


def test_undo_of_a_first_rating_takes_back_the_card_and_the_tick(alice_client, alice, topic, clock):
    ReviewSettings.objects.create(user=alice, new_cards_per_day=1)
    first = Question.objects.get(slug="ml-breadth-q1-1")
    location = rate_on_review_page(alice_client, first.slug, 4, htmx=False)
    assert location == "/review/"
    page = alice_client.get("/review/").content.decode()
    assert "Undo</button>" in page
    log = ReviewLog.objects.get(user=alice)
    assert alice_client.post_form("/review/undo/", {"log": str(log.id)})["Location"] == "/review/"
    assert not ReviewCard.objects.filter(user=alice).exists()
    assert not ReviewLog.objects.filter(user=alice).exists()
    assert not StudiedMark.objects.filter(user=alice).exists()
    assert ActivityDay.objects.values("ticks", "reviews").get() == {"ticks": 0, "reviews": 0}
    page = alice_client.get("/review/").content.decode()
    assert current_title(page) == first.title and "(1 new)" in page
    assert "Undo</button>" not in page


def test_undo_is_only_for_the_users_own_latest_rating(alice_client, bob_client, alice, bob, topic):
    question = Question.objects.get(slug="ml-breadth-q1-1")
    rate_on_review_page(alice_client, question.slug, 3)
    log = ReviewLog.objects.get(user=alice)
    bob_client.post_form("/review/undo/", {"log": str(log.id)})
    assert ReviewLog.objects.filter(user=alice).count() == 1
    for bad in ["", "x", "-1"]:
        assert alice_client.post_form("/review/undo/", {"log": bad}).status_code == 302
    assert ReviewLog.objects.filter(user=alice).count() == 1


def test_the_review_card_shows_the_questions_answers_as_they_are_now(
    alice_client, alice, topic, django_assert_num_queries
):
    from topics.models import Answer

    first = Question.objects.get(slug="ml-breadth-q1-1")
    alice_client.get("/review/")
    # The session and its user, the settings, the content version, the user's marks, cards and
    # followed paths (the queue and the plan), the card, today's ratings; the question and its
    # answers come from the content snapshot.
    with django_assert_num_queries(9):
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


def test_without_javascript_the_rating_message_dates_like_the_page(alice_client, alice, question, clock):
    response = alice_client.post_form(f"/questions/{question.slug}/recall/", {"rating": "4", "last_review": ""})
    message = str(list(response.wsgi_request._messages)[0])
    assert message == f"Easy on “{question.title}”. Marked studied. It comes back on 10 Mar 2026."
    page = alice_client.get(question.get_absolute_url()).content.decode()
    assert "Next review: <strong>10 Mar 2026</strong>" in page
