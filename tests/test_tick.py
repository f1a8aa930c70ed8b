import pytest

from progress.models import StudiedMark
from tests.conftest import PASSWORD
from topics.models import Question


def tick(
    client,
    question,
    studied: str,
    htmx: bool = False,
    target: str = "",
    next_url: str = "/topics/ml-breadth/",
    page: str = "topic:ml-breadth",
):
    """A tick as its form sends it: the page it is on is in `next` and, for the response, `page`."""
    extra = {"HTTP_HX_TARGET": target} if target else {}
    return client.post_form(
        f"/questions/{question.slug}/studied/", {"studied": studied, "next": next_url, "page": page}, htmx=htmx, **extra
    )


@pytest.fixture
def question(topic) -> Question:
    return Question.objects.get(slug="ml-breadth-q1-1")


def test_it_marks_studied_with_a_plain_form_and_redirects_back(alice_client, alice, question):
    response = tick(alice_client, question, "1")
    assert response.status_code == 302
    assert response["Location"] == f"/topics/ml-breadth/#question-row-{question.id}"
    assert StudiedMark.objects.filter(user=alice, question=question).count() == 1
    page = alice_client.get("/topics/ml-breadth/").content.decode()
    assert "<strong>1</strong> / 6 studied" in page


def test_a_plain_tick_on_the_question_page_comes_back_to_its_panel(alice_client, alice, question):
    page = question.get_absolute_url()
    response = tick(alice_client, question, "1", next_url=page)
    assert response["Location"] == f"{page}#question-panel-{question.id}"
    assert f'id="question-panel-{question.id}"' in alice_client.get(page).content.decode()


def test_it_unmarks_with_studied_0(alice_client, alice, question):
    StudiedMark.objects.set_studied(alice, question, True)
    tick(alice_client, question, "0")
    assert not StudiedMark.objects.filter(user=alice, question=question).exists()


def test_a_repeated_request_changes_nothing(alice_client, alice, question):
    for _ in range(3):
        assert tick(alice_client, question, "1").status_code == 302
    assert StudiedMark.objects.filter(user=alice, question=question).count() == 1
    for _ in range(2):
        assert tick(alice_client, question, "0").status_code == 302
    assert StudiedMark.objects.filter(user=alice).count() == 0


def test_htmx_tick_returns_the_row_and_out_of_band_counters(alice_client, question):
    response = tick(alice_client, question, "1", htmx=True, target=f"question-row-{question.id}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="question-row-{question.id}"' in html
    assert 'class="question-row is-studied"' in html
    assert 'name="studied" value="0"' in html  # the next click unticks
    topic_id, section_id = question.section.topic_id, question.section_id
    assert f'id="topic-progress-{topic_id}" hx-swap-oob="true"' in html
    assert f'id="section-progress-{section_id}" hx-swap-oob="true"' in html
    assert "<strong>1</strong> / 6 studied" in html
    assert "<strong>1</strong> / 3 studied" in html
    # the buttons of the swapped row submit the page's form, which sends people back to the page they are on
    assert 'form="controls"' in html
    page = alice_client.get("/topics/ml-breadth/").content.decode()
    controls = page[page.index('<form id="controls"') :]
    assert 'name="next" value="/topics/ml-breadth/"' in controls[: controls.index("</form>")]


def test_htmx_tick_on_the_question_page_returns_the_panel(alice_client, question):
    response = tick(
        alice_client,
        question,
        "1",
        htmx=True,
        target=f"question-panel-{question.id}",
        next_url=question.get_absolute_url(),
        page="question",
    )
    html = response.content.decode()
    assert f'id="question-panel-{question.id}"' in html
    assert "question-row" not in html


def test_anonymous_tick_redirects_to_login_and_back(anon_client, question):
    response = tick(anon_client, question, "1")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Ftopics%2Fml-breadth%2F"
    assert StudiedMark.objects.count() == 0


def test_anonymous_htmx_tick_gets_hx_redirect(anon_client, question):
    response = tick(anon_client, question, "1", htmx=True)
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Ftopics%2Fml-breadth%2F"
    assert StudiedMark.objects.count() == 0


def test_it_rejects_get(alice_client, question):
    response = alice_client.get(f"/questions/{question.slug}/studied/")
    assert response.status_code == 405


def test_it_rejects_a_post_without_csrf_token(alice_client, alice, question):
    response = alice_client.post(f"/questions/{question.slug}/studied/", {"studied": "1"})
    assert response.status_code == 403
    assert not StudiedMark.objects.filter(user=alice).exists()


@pytest.mark.parametrize("value", ["", "2", "true", "yes"])
def test_it_rejects_a_request_that_does_not_state_the_result(alice_client, alice, question, value):
    response = tick(alice_client, question, value)
    assert response.status_code == 400
    assert b"studied=1 or studied=0" in response.content
    assert not StudiedMark.objects.filter(user=alice).exists()


def test_unknown_question_is_404(alice_client):
    response = alice_client.post_form("/questions/no-such-question/studied/", {"studied": "1"})
    assert response.status_code == 404


def test_archived_question_cannot_be_ticked(alice_client, question):
    Question.objects.filter(id=question.id).update(archived=True)
    assert tick(alice_client, question, "1").status_code == 404


def test_an_offsite_next_is_ignored(alice_client, question):
    response = tick(alice_client, question, "1", next_url="https://evil.example/")
    assert response["Location"].startswith(question.get_absolute_url())


def test_other_users_progress_is_untouched(alice_client, bob, alice, question):
    StudiedMark.objects.set_studied(bob, question, True)
    tick(alice_client, question, "0")
    assert StudiedMark.objects.filter(user=bob, question=question).exists()
    other = Question.objects.get(slug="ml-breadth-q1-2")
    tick(alice_client, other, "1")
    assert not StudiedMark.objects.filter(user=bob, question=other).exists()


def test_a_new_mark_counts_once_in_the_days_activity_a_repeat_does_not_and_an_untick_takes_it_back(
    alice_client, alice, topic
):
    from progress.models import ActivityDay

    first, second = Question.objects.filter(section__topic=topic).order_by("id")[:2]
    tick(alice_client, first, "1", htmx=True)
    tick(alice_client, first, "1", htmx=True)  # a double click
    tick(alice_client, second, "1")
    tick(alice_client, second, "0")
    tick(alice_client, second, "0")
    assert list(ActivityDay.objects.filter(user=alice).values_list("ticks", flat=True)) == [1]
    assert list(StudiedMark.objects.filter(user=alice).values_list("question", flat=True)) == [first.id]


def test_a_tick_whose_activity_cannot_be_counted_leaves_no_mark(alice, question):
    """The mark and the day's count are written together or not at all."""
    from django.db import DatabaseError, connection

    from progress.models import ActivityDay

    def refuse(execute, sql, params, many, context):
        if "activityday" in sql:
            raise DatabaseError("refused")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse), pytest.raises(DatabaseError):
        StudiedMark.objects.tick(alice, question, True)
    assert not StudiedMark.objects.filter(user=alice).exists()
    assert not ActivityDay.objects.filter(user=alice).exists()


def test_the_tick_costs_a_constant_number_of_queries(alice_client, question):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import make_topic

    large = make_topic("large", sections=10, per_section=50, order=2)
    tick(alice_client, question, "1")  # the day's first tick also creates its activity row

    def cost(target: Question) -> int:
        with CaptureQueriesContext(connection) as context:
            response = tick(alice_client, target, "1", htmx=True, next_url=f"/topics/{target.section.topic.slug}/")
        assert response.status_code == 200
        return len(context.captured_queries)

    small_cost = cost(Question.objects.get(slug="ml-breadth-q2-1"))
    large_cost = cost(Question.objects.filter(section__topic=large).last())
    assert small_cost == large_cost <= 14


@pytest.mark.parametrize("htmx", [False, True])
def test_a_tick_made_before_logging_in_is_made_on_login(anon_client, alice, question, htmx):
    tick(anon_client, question, "1", htmx=htmx)
    assert not StudiedMark.objects.exists()
    response = anon_client.post_form(
        "/accounts/login/?next=/topics/ml-breadth/", {"username": "alice", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert StudiedMark.objects.filter(user=alice, question=question).count() == 1
    page = anon_client.get(response["Location"]).content.decode()
    assert f"Marked studied: {question.title}" in page
    assert "<strong>1</strong> / 6 studied" in page
    # Made once: logging in again later does not repeat it, and an untick is not undone.
    StudiedMark.objects.set_studied(alice, question, False)
    anon_client.post_form("/accounts/logout/")
    anon_client.post_form("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert not StudiedMark.objects.exists()


def test_a_tick_made_before_signing_up_is_made_for_the_new_account(anon_client, question):
    tick(anon_client, question, "1")
    anon_client.post_form(
        "/accounts/signup/",
        {"username": "newbie", "email": "n@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert StudiedMark.objects.filter(user__username="newbie", question=question).exists()


def test_a_pending_tick_from_long_ago_is_not_made(anon_client, alice, question):
    from datetime import timedelta

    from django.utils import timezone

    tick(anon_client, question, "1")
    session = anon_client.session
    session["pending_tick"]["at"] = (timezone.now() - timedelta(hours=2)).isoformat()
    session.save()
    anon_client.post_form("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert not StudiedMark.objects.exists()
