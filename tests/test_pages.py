import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from progress.models import StudiedMark
from tests.conftest import CsrfClient, make_topic
from topics.models import Question


def test_home_lists_topics_with_zero_progress_for_anonymous_visitors(anon_client, topic):
    page = anon_client.get("/").content.decode()
    assert "Ml Breadth" in page and "About ml-breadth" in page
    assert "<strong>0</strong> / 6 studied" in page
    assert "to save your progress" in page


def test_home_shows_the_users_own_progress(alice_client, alice, bob, topic):
    for question in Question.objects.all()[:2]:
        StudiedMark.objects.set_studied(alice, question, True)
    StudiedMark.objects.set_studied(bob, Question.objects.last(), True)
    page = alice_client.get("/").content.decode()
    assert "<strong>2</strong> / 6 studied" in page


def test_topic_page_shows_counters_rows_and_chips(alice_client, alice, topic):
    StudiedMark.objects.set_studied(alice, Question.objects.get(slug="ml-breadth-q2-3"), True)
    response = alice_client.get("/topics/ml-breadth/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<strong>1</strong> / 6 studied" in page  # topic
    assert page.count("<strong>0</strong> / 3 studied") == 1  # section 1
    assert page.count("<strong>1</strong> / 3 studied") == 1  # section 2
    assert page.count('class="question-row is-studied"') == 1
    assert 'class="chip chip-hard"' in page
    assert page.count('<div class="tick">') == 6


def test_archived_questions_are_hidden_and_not_counted(alice_client, alice, topic):
    archived = Question.objects.get(slug="ml-breadth-q1-1")
    StudiedMark.objects.set_studied(alice, archived, True)
    Question.objects.filter(id=archived.id).update(archived=True)
    page = alice_client.get("/topics/ml-breadth/").content.decode()
    assert archived.title not in page
    assert "<strong>0</strong> / 5 studied" in page
    assert alice_client.get(archived.get_absolute_url()).status_code == 404


def test_another_users_progress_is_never_shown(bob_client, alice, topic):
    for question in Question.objects.all():
        StudiedMark.objects.set_studied(alice, question, True)
    page = bob_client.get("/topics/ml-breadth/").content.decode()
    assert "<strong>0</strong> / 6 studied" in page
    assert "is-studied" not in page


def test_unknown_topic_and_question_are_404(anon_client, db):
    assert anon_client.get("/topics/nope/").status_code == 404
    assert anon_client.get("/questions/nope/").status_code == 404


def test_question_page_hides_the_answer_behind_details_and_links_neighbours(anon_client, topic):
    response = anon_client.get("/questions/ml-breadth-q1-3/")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<details class="answer">' in page
    assert "<strong>Question 1.3 of ml-breadth?</strong>" in page  # the rendered answer
    assert 'rel="prev" href="/questions/ml-breadth-q1-2/"' in page
    assert 'rel="next" href="/questions/ml-breadth-q2-1/"' in page  # across sections
    assert "3 of 6" in page
    assert "Section 1" in page and "Ml Breadth" in page


def test_first_and_last_questions_have_one_neighbour(anon_client, topic):
    first = anon_client.get("/questions/ml-breadth-q1-1/").content.decode()
    last = anon_client.get("/questions/ml-breadth-q2-3/").content.decode()
    assert 'rel="prev"' not in first and 'rel="next"' in first
    assert 'rel="next"' not in last and 'rel="prev"' in last


def _queries(client, url: str) -> int:
    """Queries of a request once the process holds the current content (see test_catalog)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "url, most",
    [
        ("/topics/{slug}/", 9),
        ("/topics/{slug}/?difficulty=hard&difficulty=easy&status=not-studied", 10),
        ("/", 18),
        ("/questions/{slug}-q1-2/", 9),
        ("/questions/?difficulty=medium", 9),
    ],
)
def test_pages_cost_the_same_queries_for_10_or_500_questions(alice_client, alice, url, most):
    small = make_topic("small", sections=2, per_section=5)
    large = make_topic("large", sections=10, per_section=50, order=2)
    for question in Question.objects.filter(section__topic=large)[:200]:
        StudiedMark.objects.set_studied(alice, question, True)
    small_count = _queries(alice_client, url.format(slug=small.slug))
    large_count = _queries(alice_client, url.format(slug=large.slug))
    assert small_count == large_count
    assert large_count <= most


def test_healthz_answers_without_the_database(anon_client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = anon_client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_home_lists_topics_in_their_order(anon_client, db):
    make_topic("zeta", order=1)
    make_topic("alpha", order=2)
    page = anon_client.get("/").content.decode()
    assert page.index("/topics/zeta/") < page.index("/topics/alpha/")


def test_the_header_offers_log_in_that_returns_to_the_page(anon_client, topic):
    html = anon_client.get("/topics/ml-breadth/?difficulty=hard").content.decode()
    assert 'href="/accounts/login/?next=%2Ftopics%2Fml-breadth%2F%3Fdifficulty%3Dhard">Log in</a>' in html
    assert "Log out" not in html and ">Review</a>" not in html


def test_the_header_names_the_user_escaped_and_logs_out_with_a_token(db):
    user = User.objects.create_user("<b>eve</b>", "eve@example.org", "correct horse battery staple")
    client = CsrfClient()
    client.force_login(user)
    html = client.get("/").content.decode()
    assert '<span class="who">&lt;b&gt;eve&lt;/b&gt;</span>' in html
    logout = html[html.index('<form method="post" action="/accounts/logout/"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', logout[: logout.index("</form>")]).group(1)
    assert client.post("/accounts/logout/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert "Log in" in client.get("/").content.decode()
