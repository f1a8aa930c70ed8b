"""Mock interviews: starting a session from each source, one question at a time with reveal and
grading, the summary and its buttons, the past sessions, and the checklist read from answers."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from mock.checklist import Checklist, checklist_for, labelled_parts, plain_math, plain_text
from mock.models import MockItem, MockSession
from progress import queries, review
from progress.models import ReviewCard, ReviewLog, Star
from tests.conftest import make_topic
from tests.test_dependencies import ROOT, importers
from topics.content import parse_topic_file, read_text
from topics.models import PathStep, Question, StudyPath, Topic

CONTENT = ROOT / "fixtures" / "content"

ANSWER = """Gradient clipping caps the norm of the gradient before the step.

**What the interviewer is probing**

Whether you know *why* clipping helps with [exploding gradients](/questions/gradient-clipping/).

**Common mistakes**

- Clipping the loss instead of the gradient.
- Using `clip_grad_value_` when you meant the norm.
- Forgetting that $\\lVert g \\rVert$ is computed over all parameters.

**Follow-ups**

- What does clipping do to Adam?
"""


@pytest.fixture
def question(topic) -> Question:
    """A question of the topic whose answer has a checklist: 1 probe and 3 mistakes."""
    question = Question.objects.get(slug="ml-breadth-q1-1")
    answer = question.answers.get()
    answer.body = ANSWER
    answer.save()
    return question


def start(client, **data):
    form = {"source": "topic", "topic": "ml-breadth", "count": "3", "minutes": "3"} | data
    return client.post_form("/mock/", form)


def started(client, **data) -> MockSession:
    response = start(client, **data)
    assert response.status_code == 302, response.content.decode()
    session = MockSession.objects.latest("id")
    assert response["Location"] == f"/mock/{session.id}/"
    return session


def slugs(session: MockSession) -> list[str]:
    return [item.question.slug for item in session.items.order_by("position")]


def html(response) -> str:
    return response.content.decode()


def field_errors(page: str, field_id: str) -> str:
    """The error text shown at the form field `field_id`."""
    found = re.search(rf'<div class="field-errors" id="{field_id}_errors"[^>]*>(.*?)</div>', page, re.S)
    return re.sub(r"<[^>]+>", " ", found.group(1)) if found else ""


# Starting a session.


def test_the_pages_need_login(anon_client, topic):
    assert anon_client.get("/mock/")["Location"].startswith("/accounts/login/?next=/mock/")
    response = anon_client.post_form("/mock/", {"source": "topic", "topic": "ml-breadth", "count": "3", "minutes": "3"})
    assert response["Location"].startswith("/accounts/login/")
    assert not MockSession.objects.exists()


def test_the_start_form_has_its_defaults(alice_client, topic):
    page = html(alice_client.get("/mock/"))
    assert 'name="count" value="5" min="3" max="10"' in page
    assert 'name="minutes" value="3" min="2" max="5"' in page
    assert '<option value="ml-breadth">Ml Breadth</option>' in page
    assert 'value="topic" id="id_source_topic" checked' in page
    assert "The current filters" not in page  # only when coming from a filtered list
    assert "No sessions yet" in page


def test_it_starts_from_a_topic(alice_client, alice, topic):
    other = make_topic("other", sections=1, per_section=3, order=2)
    session = started(alice_client, count="4", minutes="2")
    assert (session.user, session.source, session.source_value) == (alice, "topic", "ml-breadth")
    assert (session.question_count, session.minutes_per_question, session.finished_at) == (4, 2, None)
    items = list(session.items.order_by("position"))
    assert [item.position for item in items] == [1, 2, 3, 4]
    assert len(set(slugs(session))) == 4
    assert all(item.question.section.topic == topic for item in items)
    assert not any(item.question.section.topic == other for item in items)
    assert all(item.started_at is None and item.rating is None for item in items)


def test_a_second_session_is_a_new_one(alice_client, topic):
    first = started(alice_client)
    second = started(alice_client, count="6")
    assert second.id != first.id
    assert MockSession.objects.count() == 2
    assert sorted(slugs(second)) == sorted(q.slug for q in Question.objects.all())  # all 6 of the topic


def test_it_starts_from_a_path(alice_client, topic):
    other = make_topic("other", sections=2, per_section=3, order=2)
    path = StudyPath.objects.create(slug="plan", title="Plan")
    PathStep.objects.create(path=path, topic=other, section=other.sections.get(slug="section-2"))
    session = started(alice_client, source="path", path="plan", count="5")
    assert (session.source, session.source_value) == ("path", "plan")
    assert sorted(slugs(session)) == ["other-q2-1", "other-q2-2", "other-q2-3"]  # all the path holds


def test_it_starts_from_the_filters_of_a_list(alice_client, topic):
    make_topic("other", sections=1, per_section=3, order=2)
    page = html(alice_client.get("/mock/?filters=topic%3Dml-breadth%26difficulty%3Dhard%26junk%3D1"))
    assert 'value="filters" id="id_source_filters" checked' in page
    assert 'The current filters: <span class="muted">Ml Breadth · Hard</span>' in page
    assert 'name="filters" value="topic=ml-breadth&amp;difficulty=hard"' in page
    session = started(alice_client, source="filters", filters="topic=ml-breadth&difficulty=hard")
    assert (session.source, session.source_value) == ("filters", "topic=ml-breadth&difficulty=hard")
    hard = Question.objects.filter(section__topic__slug="ml-breadth", difficulty="hard")
    assert sorted(slugs(session)) == sorted(q.slug for q in hard)
    # without a topic, the filters apply to every question of the site
    session = started(alice_client, source="filters", filters="difficulty=easy", count="10")
    assert sorted(slugs(session)) == sorted(q.slug for q in Question.objects.filter(difficulty="easy"))


def test_a_filtered_list_links_to_a_mock_interview_of_its_questions(alice_client, anon_client, topic):
    page = html(alice_client.get("/topics/ml-breadth/?difficulty=hard"))
    assert 'href="/mock/?filters=topic%3Dml-breadth%26difficulty%3Dhard">Mock interview from these questions' in page
    page = html(alice_client.get("/questions/?difficulty=easy&status=not-studied"))
    assert 'href="/mock/?filters=difficulty%3Deasy%26status%3Dnot-studied">' in page
    assert "Mock interview from these questions" not in html(alice_client.get("/questions/"))  # no filter
    assert "Mock interview from these questions" not in html(anon_client.get("/questions/?difficulty=easy"))


def test_it_starts_from_starred_questions(alice_client, alice, bob, topic):
    starred = Question.objects.filter(slug__in=["ml-breadth-q1-2", "ml-breadth-q2-3"])
    for question in starred:
        Star.objects.set_starred(alice, question, True)
    Star.objects.set_starred(bob, Question.objects.get(slug="ml-breadth-q1-1"), True)
    assert 'Your starred questions <span class="muted">(2)</span>' in html(alice_client.get("/mock/"))
    session = started(alice_client, source="starred", count="3")
    assert (session.source, session.source_value) == ("starred", "")
    assert sorted(slugs(session)) == ["ml-breadth-q1-2", "ml-breadth-q2-3"]


def rate(user, slug: str, ratings: list[int], start) -> None:
    question = Question.objects.get(slug=slug)
    for day, rating in enumerate(ratings):
        review.rate(user, question, rating, now=start + timedelta(days=3 * day))


def test_weak_spots_are_lapses_and_low_latest_ratings_weakest_first(alice, bob, topic):
    start = timezone.now() - timedelta(days=30)
    rate(alice, "ml-breadth-q1-1", [3, 1, 3], start)  # lapsed once, latest Good
    rate(alice, "ml-breadth-q1-2", [3, 2], start)  # latest Hard
    rate(alice, "ml-breadth-q1-3", [1, 3], start)  # Again on the first rating is not a lapse
    rate(alice, "ml-breadth-q2-1", [3, 3, 1], start)  # latest Again
    rate(alice, "ml-breadth-q2-2", [4], start)  # fine, but relearning now
    ReviewCard.objects.filter(user=alice, question__slug="ml-breadth-q2-2").update(state=3)
    rate(bob, "ml-breadth-q2-3", [1], start)  # someone else's
    weak = [Question.objects.get(id=id_).slug for id_ in queries.weak_question_ids(alice)]
    assert weak == ["ml-breadth-q2-1", "ml-breadth-q1-2", "ml-breadth-q1-1", "ml-breadth-q2-2"]
    Question.objects.filter(slug="ml-breadth-q2-1").update(archived=True)
    assert len(queries.weak_question_ids(alice)) == 3  # live questions only


def test_it_starts_from_weak_spots_taking_the_weakest(alice_client, alice, topic):
    start = timezone.now() - timedelta(days=30)
    rate(alice, "ml-breadth-q1-1", [2], start)
    rate(alice, "ml-breadth-q1-2", [1], start)
    rate(alice, "ml-breadth-q1-3", [3, 1], start)
    rate(alice, "ml-breadth-q2-1", [2], start + timedelta(days=1))
    rate(alice, "ml-breadth-q2-2", [3], start)
    assert 'Your weak spots <span class="muted">(4:' in html(alice_client.get("/mock/"))
    session = started(alice_client, source="weak", count="3")
    assert session.source == "weak"
    # the two rated Again, then of the two rated Hard the more recently rated
    assert sorted(slugs(session)) == ["ml-breadth-q1-2", "ml-breadth-q1-3", "ml-breadth-q2-1"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"count": "11"}, "id_count", "less than or equal to 10"),
        ({"count": "2"}, "id_count", "greater than or equal to 3"),
        ({"count": "many"}, "id_count", "Enter a whole number"),
        ({"count": ""}, "id_count", "This field is required"),
        ({"minutes": "6"}, "id_minutes", "less than or equal to 5"),
        ({"minutes": "1"}, "id_minutes", "greater than or equal to 2"),
    ],
)
def test_invalid_numbers_are_a_400_with_the_error_at_the_field(alice_client, topic, data, field, message):
    response = start(alice_client, **data)
    assert response.status_code == 400
    page = html(response)
    assert message in field_errors(page, field)
    assert 'aria-invalid="true"' in page
    assert not MockSession.objects.exists()


def test_a_source_needs_its_topic_or_path(alice_client, topic):
    response = start(alice_client, topic="")
    assert response.status_code == 400
    assert re.search(r'<select name="topic"[^>]*aria-invalid="true"', html(response))
    assert "Choose a topic." in html(response)
    response = start(alice_client, source="path", path="")
    assert response.status_code == 400 and "Choose a study path." in html(response)
    response = start(alice_client, topic="no-such-topic")
    assert response.status_code == 400 and "Select a valid choice" in html(response)
    response = start(alice_client, source="interview")
    assert response.status_code == 400 and "Select a valid choice" in html(response)
    assert not MockSession.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"source": "starred"}, "You have not starred any question yet."),
        ({"source": "weak"}, "You have no weak spots yet"),
        ({"source": "filters", "filters": "q=zzzzzz"}, "No question matches these filters"),
        ({"source": "filters", "filters": ""}, "There are no filters to use"),
        ({"source": "filters", "filters": "unknown=1"}, "There are no filters to use"),
        ({"source": "topic", "topic": "empty"}, "Empty has no questions yet"),
        ({"source": "filters", "filters": "difficulty=impossible"}, "A filter in this address cannot be used"),
    ],
)
def test_a_source_without_questions_is_a_400_with_a_message_and_nothing_is_created(alice_client, topic, data, message):
    Topic.objects.create(slug="empty", title="Empty", order=5)
    response = start(alice_client, **data)
    assert response.status_code == 400
    assert message in html(response)
    assert 'class="field-errors"' in html(response)
    assert not MockSession.objects.exists() and not MockItem.objects.exists()


# One question at a time.


def test_the_question_page_shows_the_first_question_and_its_clock(alice_client, alice, question):
    Star.objects.set_starred(alice, question, True)
    session = started(alice_client, source="starred")
    page = html(alice_client.get(f"/mock/{session.id}/"))
    item = session.items.get()
    assert item.started_at is not None
    started_at = timezone.localtime(item.started_at)
    assert "Question 1 of 1" in page
    assert f'<h1 id="mock-question-title">{question.title}</h1>' in page
    assert f'3 minutes · started <time datetime="{started_at.isoformat()}">{started_at:%H:%M}</time>' in page
    deadline = (item.started_at + timedelta(minutes=3)).isoformat(timespec="seconds")
    assert f'data-deadline="{deadline}"' in page
    assert "Answer aloud, then reveal the model answer." in page
    assert "Recordings stay in this browser: they are never uploaded." in page
    # The model answer is not in the page before it is revealed.
    assert "Gradient clipping caps the norm" not in page and "Common mistakes" not in page
    assert 'action="/mock/%d/reveal/"' % session.id in page
    # Showing it again keeps its start time.
    alice_client.get(f"/mock/{session.id}/")
    assert session.items.get().started_at == item.started_at


def reveal(client, session, position: int = 1, **extra):
    return client.post_form(f"/mock/{session.id}/reveal/", {"position": str(position)}, **extra)


def grade(client, session, position: int = 1, rating="3", checked=(), **extra):
    data = {"position": str(position), "checked": [str(c) for c in checked]}
    if rating is not None:
        data["rating"] = rating
    return client.post_form(f"/mock/{session.id}/grade/", data, **extra)


@pytest.fixture
def session(alice_client, alice, question) -> MockSession:
    """Alice's session of 3 questions, started through the form, whose first is `question`
    (the one with a checklist); its first question has been shown."""
    session = started(alice_client)
    others = Question.objects.exclude(id=question.id).order_by("id")[:2]
    session.items.all().delete()
    MockItem.objects.bulk_create(
        MockItem(session=session, question=q, position=position)
        for position, q in enumerate([question, *others], start=1)
    )
    alice_client.get(f"/mock/{session.id}/")
    return session


def test_reveal_then_grade_writes_the_item_and_a_review_log_and_replays_add_nothing(alice_client, alice, session):
    response = reveal(alice_client, session)
    assert response.status_code == 302 and response["Location"] == f"/mock/{session.id}/#answer"
    item = session.items.get(position=1)
    assert item.revealed_at is not None and item.revealed_at >= item.started_at
    page = html(alice_client.get(f"/mock/{session.id}/"))
    assert "Gradient clipping caps the norm" in page and "Model answer" in page
    assert "Answered in <strong" in page and "data-deadline" not in page
    assert "Things to have covered" in page and "Mistakes you avoided" in page
    assert '<label for="check-0">Whether you know why clipping helps with exploding gradients</label>' in page
    assert '<label for="check-2">Using clip_grad_value_ when you meant the norm</label>' in page
    assert "Forgetting that ‖ g ‖ is computed over all parameters" in page
    assert page.count('type="radio" name="rating"') == 4
    for label in ["Again", "Hard", "Good", "Easy"]:
        assert f">{label}</label>" in page

    revealed_at = item.revealed_at
    reveal(alice_client, session)  # replayed: the first reveal's time stays
    assert session.items.get(position=1).revealed_at == revealed_at

    response = grade(alice_client, session, rating="2", checked=[0, 3])
    assert response.status_code == 302 and response["Location"] == f"/mock/{session.id}/"
    item.refresh_from_db()
    assert (item.checked, item.checklist_size, item.rating) == ([0, 3], 4, 2)
    assert item.graded_at is not None
    assert list(ReviewLog.objects.filter(user=alice).values_list("question_id", "rating")) == [(item.question_id, 2)]
    assert ReviewCard.objects.filter(user=alice, question=item.question).exists()
    page = html(alice_client.get(f"/mock/{session.id}/"))
    assert "Question 2 of 3" in page

    # Replays of the first question's grade and reveal change nothing.
    graded_at = item.graded_at
    response = grade(alice_client, session, rating="4", checked=[0, 1, 2, 3])
    assert response.status_code == 302
    reveal(alice_client, session)
    item.refresh_from_db()
    assert (item.checked, item.rating, item.graded_at) == ([0, 3], 2, graded_at)
    assert ReviewLog.objects.filter(user=alice).count() == 1
    second = session.items.get(position=2)
    assert second.revealed_at is None and second.graded_at is None
    assert session.items.filter(graded_at__isnull=False).count() == 1


def test_reveal_with_htmx_returns_the_answer_in_place(alice_client, session):
    response = reveal(alice_client, session, htmx=True)
    assert response.status_code == 200
    part = html(response)
    assert part.lstrip().startswith('<div id="mock-stage"')
    assert "Gradient clipping caps the norm" in part and 'id="recording-slot"' in part
    assert "<html" not in part and "Question 1 of 3" not in part
    assert session.items.get(position=1).revealed_at is not None
    # once graded, a replayed reveal sends the page to the current question
    grade(alice_client, session)
    response = reveal(alice_client, session, htmx=True)
    assert response["HX-Redirect"] == f"/mock/{session.id}/"


def test_grading_needs_a_rating_and_known_checklist_lines(alice_client, alice, session):
    reveal(alice_client, session)
    response = grade(alice_client, session, rating=None, checked=[1])
    assert response.status_code == 400
    page = html(response)
    assert 'id="rating-errors"' in page and "Rate your answer: Again, Hard, Good or Easy." in page
    assert 'id="check-1" checked' in page  # what was ticked stays ticked
    response = grade(alice_client, session, rating="5")
    assert response.status_code == 400 and "Select a valid choice" in html(response)
    response = grade(alice_client, session, rating="3", checked=[9])
    assert response.status_code == 400
    item = session.items.get(position=1)
    assert item.graded_at is None and item.rating is None
    assert not ReviewLog.objects.exists()


def test_grading_before_the_reveal_changes_nothing(alice_client, alice, session):
    response = grade(alice_client, session)
    assert response["Location"] == f"/mock/{session.id}/"
    assert "Reveal the model answer before grading" in html(alice_client.get(response["Location"]))
    assert not session.items.filter(graded_at__isnull=False).exists() and not ReviewLog.objects.exists()


def test_questions_are_answered_in_order(alice_client, alice, session):
    assert reveal(alice_client, session, position=2)["Location"] == f"/mock/{session.id}/"
    assert grade(alice_client, session, position=3)["Location"] == f"/mock/{session.id}/"
    assert not session.items.filter(revealed_at__isnull=False).exists()
    assert reveal(alice_client, session, position=9).status_code == 400
    assert alice_client.post_form(f"/mock/{session.id}/reveal/", {}).status_code == 400


def test_an_answer_without_checklist_asks_only_the_rating(alice_client, alice, topic):
    Star.objects.set_starred(alice, Question.objects.get(slug="ml-breadth-q2-2"), True)
    session = started(alice_client, source="starred")
    alice_client.get(f"/mock/{session.id}/")
    reveal(alice_client, session)
    page = html(alice_client.get(f"/mock/{session.id}/"))
    assert 'type="checkbox"' not in page and "Things to have covered" not in page
    assert page.count('type="radio" name="rating"') == 4
    assert "Finish and see the summary" in page
    response = grade(alice_client, session, rating="4")
    assert response["Location"] == f"/mock/{session.id}/summary/"
    item = session.items.get()
    assert (item.checked, item.checklist_size, item.rating) == ([], 0, 4)
    session.refresh_from_db()
    assert session.finished_at == item.graded_at
    # a finished session's question page is its summary
    assert alice_client.get(f"/mock/{session.id}/")["Location"] == f"/mock/{session.id}/summary/"


def test_checklist_lines_are_escaped(alice_client, alice, topic):
    question = Question.objects.get(slug="ml-breadth-q1-3")
    answer = question.answers.get()
    answer.body = "Text.\n\n**Common mistakes**\n\n- Writing <script>alert(1)</script> & `<b>` in a note.\n"
    answer.save()
    Star.objects.set_starred(alice, question, True)
    session = started(alice_client, source="starred")
    alice_client.get(f"/mock/{session.id}/")
    reveal(alice_client, session)
    page = html(alice_client.get(f"/mock/{session.id}/"))
    assert "Writing &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt; in a note</label>" in page
    assert "<script>alert(1)" not in page


# The summary.


def test_a_whole_session_ends_in_a_summary_with_its_figures(alice_client, alice, session):
    for position, (rating, checked) in enumerate([("2", [0, 3]), ("4", []), ("1", [])], start=1):
        alice_client.get(f"/mock/{session.id}/")
        reveal(alice_client, session, position)
        response = grade(alice_client, session, position, rating=rating, checked=checked)
    assert response["Location"] == f"/mock/{session.id}/summary/"
    # Fix the times to known durations: 1:05, 3:30 (over the 3 minute budget) and 0:40.
    base = timezone.now() - timedelta(hours=1)
    for position, seconds in [(1, 65), (2, 210), (3, 40)]:
        session.items.filter(position=position).update(started_at=base, revealed_at=base + timedelta(seconds=seconds))
    page = html(alice_client.get(response["Location"]))
    rows = {item.position: item for item in session.items.select_related("question")}
    row = page.split('id="mock-row-1"')[1].split("</tr>")[0]
    assert rows[1].question.title in row and "1:05" in row and "/ 3:00" in row and "over" not in row
    assert "2 / 4" in row and "Hard" in row
    row = page.split('id="mock-row-2"')[1].split("</tr>")[0]
    assert "3:30" in row and "over" in row and "0 / 0" in row and "Easy" in row
    row = page.split('id="mock-row-3"')[1].split("</tr>")[0]
    assert "0:40" in row and "Again" in row
    assert re.search(r'id="total-answered">3 of 3<', page)
    assert re.search(r'id="total-time">5:15 <span class="muted">of 9:00', page)
    assert re.search(r'id="total-checklist">2 / 4 <span class="muted">\(50%\)', page)
    assert re.search(r'id="total-rating">2.3 of 4 <span class="muted">\(Hard\)', page)
    weakest = page.split('id="weakest"')[1]
    order = [rows[3].question.title, rows[1].question.title, rows[2].question.title]
    assert [weakest.index(title) for title in order] == sorted(weakest.index(title) for title in order)
    assert weakest.count("Review it today") == 3 and weakest.count(">Star<") == 3
    assert ReviewLog.objects.filter(user=alice).count() == 3


def finish(client, session) -> None:
    for position in range(1, session.items.count() + 1):
        client.get(f"/mock/{session.id}/")
        reveal(client, session, position)
        grade(client, session, position, rating="2")


def test_star_from_the_summary(alice_client, alice, session):
    finish(alice_client, session)
    target = session.items.get(position=2).question
    response = alice_client.post_form(f"/mock/{session.id}/star/", {"question": target.id, "starred": "1"})
    assert response["Location"] == f"/mock/{session.id}/summary/#weakest"
    assert list(Star.objects.filter(user=alice).values_list("question_id", flat=True)) == [target.id]
    page = html(alice_client.get(response["Location"]))
    assert f"Starred “{target.title}” to revisit." in page
    assert page.split(f'id="weak-{target.id}"')[1].split("</li>")[0].count("★</span> Starred") == 1
    alice_client.post_form(f"/mock/{session.id}/star/", {"question": target.id, "starred": "1"})  # replay
    assert Star.objects.filter(user=alice).count() == 1
    alice_client.post_form(f"/mock/{session.id}/star/", {"question": target.id, "starred": "0"})
    assert not Star.objects.filter(user=alice).exists()
    assert alice_client.post_form(f"/mock/{session.id}/star/", {"question": target.id}).status_code == 400


def test_review_it_today_from_the_summary(alice_client, alice, session):
    finish(alice_client, session)
    target = session.items.get(position=1).question
    later = timezone.now() + timedelta(days=9)
    ReviewCard.objects.filter(user=alice).update(due=later)
    response = alice_client.post_form(f"/mock/{session.id}/review-today/", {"question": target.id})
    assert response["Location"] == f"/mock/{session.id}/summary/#weakest"
    assert ReviewCard.objects.get(user=alice, question=target).due <= timezone.now()
    assert ReviewCard.objects.filter(user=alice, due=later).count() == 2  # the others are untouched
    assert f"“{target.title}” is due in today&#x27;s review." in html(alice_client.get(response["Location"]))


def test_the_summary_buttons_only_take_the_sessions_questions(alice_client, alice, session):
    finish(alice_client, session)
    outside = Question.objects.exclude(id__in=session.items.values("question_id")).first()
    for action, data in [("star", {"starred": "1"}), ("review-today", {})]:
        url = f"/mock/{session.id}/{action}/"
        assert alice_client.post_form(url, {"question": outside.id, **data}).status_code == 404
        assert alice_client.post_form(url, {"question": "x", **data}).status_code == 404
    assert not Star.objects.exists()


def test_past_sessions_are_listed_most_recent_first(alice_client, alice, bob_client, session):
    finish(alice_client, session)
    MockSession.objects.filter(pk=session.pk).update(created_at=timezone.now() - timedelta(days=2))
    Star.objects.set_starred(alice, session.items.get(position=1).question, True)
    second = started(alice_client, source="starred")
    started(bob_client)  # someone else's
    page = html(alice_client.get("/mock/"))
    rows = page.split('<tr class="mock-past">')[1:]
    assert len(rows) == 2
    assert f'href="/mock/{second.id}/summary/"' in rows[0] and "Your starred questions" in rows[0]
    assert "in progress" in rows[0] and "0 / 1" in rows[0]
    assert f'href="/mock/{session.id}/summary/"' in rows[1] and "Topic: Ml Breadth" in rows[1]
    assert "3 / 3" in rows[1] and "0 / 4" in rows[1] and '2.0 <span class="muted">(Hard)' in rows[1]
    assert "in progress" not in rows[1]


# Who sees what.


def test_another_users_session_is_404_and_untouched(alice_client, bob_client, alice, session):
    reveal(alice_client, session)
    item = session.items.get(position=1)
    assert bob_client.get(f"/mock/{session.id}/").status_code == 404
    assert bob_client.get(f"/mock/{session.id}/summary/").status_code == 404
    assert reveal(bob_client, session, 1).status_code == 404
    assert grade(bob_client, session, 1, rating="1").status_code == 404
    data = {"question": item.question_id, "starred": "1"}
    assert bob_client.post_form(f"/mock/{session.id}/star/", data).status_code == 404
    assert bob_client.post_form(f"/mock/{session.id}/review-today/", data).status_code == 404
    assert session.items.get(position=1).graded_at is None
    assert not ReviewLog.objects.exists() and not Star.objects.exists()
    assert bob_client.get("/mock/999999/").status_code == 404


def test_every_post_needs_the_csrf_token(alice_client, session):
    for url in ["/mock/", f"/mock/{session.id}/reveal/", f"/mock/{session.id}/grade/", f"/mock/{session.id}/star/"]:
        response = alice_client.post(url, {"position": "1", "rating": "3"})
        assert response.status_code == 403, url
    assert session.items.get(position=1).revealed_at is None


def test_actions_refuse_get(alice_client, session):
    for action in ["reveal", "grade", "star", "review-today"]:
        assert alice_client.get(f"/mock/{session.id}/{action}/").status_code == 405


def test_the_nav_links_to_mock_interviews_for_logged_in_users(alice_client, anon_client, topic):
    assert '<a href="/mock/">Mock</a>' in html(alice_client.get("/"))
    assert '<a href="/mock/">Mock</a>' not in html(anon_client.get("/"))


def test_the_pages_keep_the_security_policies(alice_client, session):
    question_page = alice_client.get(f"/mock/{session.id}/")
    policy = question_page["Content-Security-Policy"]
    assert "media-src 'self' blob:" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "microphone=(self)" in question_page["Permissions-Policy"]
    assert "camera=()" in question_page["Permissions-Policy"]
    for url in ["/mock/", f"/mock/{session.id}/summary/"]:
        response = alice_client.get(url)
        assert "microphone=()" in response["Permissions-Policy"]
        assert "media-src" not in response["Content-Security-Policy"]
    reveal(alice_client, session)
    for url in ["/mock/", f"/mock/{session.id}/", f"/mock/{session.id}/summary/"]:
        page = html(alice_client.get(url))
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url
        assert "<style" not in page and " style=" not in page and " onclick=" not in page, url
        assert "no-store" in alice_client.get(url)["Cache-Control"]


def test_pages_cost_a_constant_number_of_queries(alice_client, alice, session, django_assert_num_queries):
    finish(alice_client, session)
    for _ in range(3):
        started(alice_client)
    # The session and its user, the content version, the user's flags, the sessions and their
    # items, and the weak spots (cards, then the log).
    with django_assert_num_queries(8):
        alice_client.get("/mock/")
    # The session and its user, the session, the content version, its items, the flags.
    with django_assert_num_queries(6):
        alice_client.get(f"/mock/{session.id}/summary/")
    latest = MockSession.objects.latest("id")
    alice_client.get(f"/mock/{latest.id}/")
    with django_assert_num_queries(4):  # the session and its user, the session, its items
        alice_client.get(f"/mock/{latest.id}/")
    reveal(alice_client, latest)
    alice_client.get(f"/mock/{latest.id}/")
    with django_assert_num_queries(6):  # and the content version and the answer's source
        alice_client.get(f"/mock/{latest.id}/")


def test_the_admin_lists_sessions_and_items(alice_client, session, django_user_model):
    from django.test import Client

    staff = django_user_model.objects.create_superuser("root", "root@example.org", "admin password 123")
    client = Client()
    client.force_login(staff)
    assert client.get("/admin/mock/mocksession/").status_code == 200
    assert client.get(f"/admin/mock/mocksession/{session.id}/change/").status_code == 200
    assert client.get("/admin/mock/mockitem/").status_code == 200
    assert client.get("/admin/mock/mocksession/add/").status_code == 403


def test_the_content_and_progress_apps_never_import_mock():
    assert importers("topics", "mock") == [] and importers("progress", "mock") == []
    assert importers("mock", "prepsite") == []


# The checklist, read from the Markdown of an answer.


def shipped_answer(file: str, key: str) -> str:
    topic = parse_topic_file(read_text(CONTENT / file), file)
    return next(question.answer for question in topic.questions if question.key == key)


def test_the_checklist_of_a_shipped_answer_in_paragraphs():
    checklist = checklist_for([shipped_answer("ml-breadth.md", "backpropagation-vanishing-gradients")])
    assert checklist.covered == (
        "Whether you see backprop as the chain rule organized for efficiency, can reason about a product of "
        "Jacobians, and can explain why each standard fix works instead of listing them",
    )
    assert checklist.avoided == (
        'Saying ReLU "solves" vanishing gradients (units can die, and depth still multiplies gains)',
        "Blaming a small learning rate for what is really vanishing",
        "Proposing clipping as a cure for vanishing gradients, when it only caps explosions",
        "Describing backprop as the optimization algorithm itself",
    )
    assert checklist.numbered_avoided()[0] == (1, checklist.avoided[0])


def test_the_checklist_of_a_shipped_answer_with_a_bullet_list():
    checklist = checklist_for([shipped_answer("advanced-deep-learning.md", "adl-diffusion-basics")])
    assert checklist.covered == (
        "Whether you can state the training task and the sampling loop plainly, without the derivation, "
        "and say why the iterative structure helps",
    )
    assert checklist.avoided == (
        "Saying the network maps noise to an image in one pass during training",
        "Describing training as running the whole noising chain, when any noise level is one formula away",
        'Calling diffusion "a kind of VAE" or "a kind of GAN" without saying what differs',
    )


def test_the_checklist_of_a_shipped_answer_with_the_labels_inline():
    source = shipped_answer("advanced-deep-learning.md", "adl-flow-matching")
    checklist = checklist_for([source])
    assert len(checklist.covered) == 1 and checklist.covered[0].startswith("Whether you see flow matching")
    assert checklist.avoided == (
        "Claiming the sampling trajectories are exactly straight",
        "Treating flow matching as unrelated to diffusion",
        "Forgetting the integration direction and sign of the velocity",
    )


def test_mistakes_written_as_sentences_are_one_line_each():
    source = "**Common mistakes**\n\nCalling KL a metric. Swapping the arguments; twice. Using e.g. Adam badly.\n"
    assert checklist_for([source]).avoided == (
        "Calling KL a metric",
        "Swapping the arguments; twice",
        "Using e.g. Adam badly",
    )


def test_every_shipped_answer_has_a_checklist_of_plain_text():
    count = 0
    for path in sorted(Path(CONTENT).glob("*.md")):
        if path.name == "README.md":
            continue
        for question in parse_topic_file(read_text(path), path.name).questions:
            checklist = checklist_for([question.answer])
            assert checklist.covered and checklist.avoided, question.key
            for line in checklist.lines:
                assert line == line.strip() and line, question.key
                assert not re.search(r"\*\*\w.*?\w\*\*", line), line  # g**2 in code is fine
                assert "](" not in line and "$" not in line and "`" not in line, line
                assert "\\" not in line, line
            count += 1
    assert count > 400


def test_an_answer_without_the_parts_has_an_empty_checklist():
    assert checklist_for(["The answer to **this**.\n\n**Follow-ups**\n\n- And then?"]) == Checklist()
    assert len(checklist_for([])) == 0


def test_labels_inside_code_are_not_parts():
    source = "```text\n**Common mistakes**\n\n- not one\n```\n\n**Common mistakes**\n\n- Real one.\n"
    assert checklist_for([source]).avoided == ("Real one",)


def test_a_loose_list_and_continuation_lines_are_read_whole():
    source = "**Common mistakes**:\n\n- First, which\n  goes on.\n\n- Second.\n\nAfter the list.\n"
    assert labelled_parts(source, ["Common mistakes"]) == {"Common mistakes": ["First, which goes on", "Second"]}


def test_inline_markdown_becomes_plain_text():
    assert (
        plain_text("**Bold**, *it*, _under_, [a link](/x/), ![img](/i.png), `x_y*z`")
        == "Bold, it, under, a link, img, x_y*z"
    )
    assert plain_text("snake_case_name and 2*3*4 stay") == "snake_case_name and 2*3*4 stay"
    assert plain_text(r"an escaped \* star") == "an escaped * star"
    assert plain_math(r"\frac{1}{\sqrt{d_k}} \approx \alpha \cdot \lVert x \rVert") == "1/√d_k ≈ α · ‖ x ‖"
    assert plain_math(r"\nabla\log\det X") == "∇log det X"
