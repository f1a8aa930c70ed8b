from datetime import timedelta

import pytest
from django.utils import timezone

from progress.models import FollowedPath, StudiedMark
from tests.conftest import make_topic
from topics.models import PathStep, Question, StudyPath


@pytest.fixture
def path(topic):
    """A path through the second section of ml-breadth, then the whole of another topic."""
    other = make_topic("other", sections=1, per_section=2, order=2)
    path = StudyPath.objects.create(slug="plan", title="The plan", duration="2–3 weeks", audience="Engineers")
    PathStep.objects.create(
        path=path, topic=topic, section=topic.sections.get(slug="section-2"), note="Start here.", order=0
    )
    PathStep.objects.create(path=path, topic=other, order=1)
    return path


def test_paths_list_shows_steps_questions_and_the_users_progress(alice_client, alice, path):
    StudiedMark.objects.set_studied(alice, Question.objects.get(slug="other-q1-1"), True)
    StudiedMark.objects.set_studied(alice, Question.objects.get(slug="ml-breadth-q1-1"), True)  # not on the path
    page = alice_client.get("/paths/").content.decode()
    assert "The plan" in page
    assert "2 steps · 5 questions" in page
    assert "<strong>1</strong> / 5 studied" in page


def test_path_page_shows_steps_in_order_with_counters_and_next_up(alice_client, alice, path):
    for slug in ["ml-breadth-q2-1", "ml-breadth-q2-2"]:
        StudiedMark.objects.set_studied(alice, Question.objects.get(slug=slug), True)
    page = alice_client.get("/paths/plan/").content.decode()
    assert page.index("Ml Breadth · Section 2") < page.index("Other")
    assert "<strong>2</strong> / 5 studied" in page  # the path
    assert "<strong>2</strong> / 3 studied" in page  # step 1
    assert "<strong>0</strong> / 2 studied" in page  # step 2
    assert "Start here." in page
    assert 'Next up:</span> <a href="/questions/ml-breadth-q2-3/"' in page


def test_next_up_follows_path_order_and_says_when_done(alice_client, alice, path):
    from topics import catalog

    for question in Question.objects.filter(id__in=catalog.current().path_question_ids(path)).exclude(
        slug="other-q1-2"
    ):
        StudiedMark.objects.set_studied(alice, question, True)
    assert (
        'href="/questions/other-q1-2/"' in alice_client.get("/paths/plan/").content.decode().split("Next up:")[1][:80]
    )
    StudiedMark.objects.set_studied(alice, Question.objects.get(slug="other-q1-2"), True)
    assert "Path complete." in alice_client.get("/paths/plan/").content.decode()


def test_a_question_in_two_steps_counts_once(alice_client, path, topic):
    PathStep.objects.create(path=path, topic=topic, order=2)  # the whole topic, overlapping step 1
    page = alice_client.get("/paths/plan/").content.decode()
    assert "0</strong> / 8 studied" in page  # 3 + 2 + the 3 questions of section 1


def test_follow_and_unfollow_with_a_plain_form(alice_client, alice, path):
    response = alice_client.post_form("/paths/plan/follow/", {"follow": "1", "next": "/paths/plan/"})
    assert response.status_code == 302 and response["Location"] == "/paths/plan/"
    follow = FollowedPath.objects.get(user=alice, path=path)
    assert follow.started_at is not None
    assert "You follow this path since" in alice_client.get("/paths/plan/").content.decode()
    alice_client.post_form("/paths/plan/follow/", {"follow": "1"})  # again: still one row
    assert FollowedPath.objects.filter(user=alice).count() == 1
    alice_client.post_form("/paths/plan/follow/", {"follow": "0"})
    assert not FollowedPath.objects.filter(user=alice).exists()


def test_follow_with_htmx_returns_the_panel(alice_client, alice, path):
    response = alice_client.post_form("/paths/plan/follow/", {"follow": "1", "next": "/paths/plan/"}, htmx=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div class="follow-panel" id="follow-panel">')
    assert "Unfollow" in html


def test_a_target_date_says_how_many_questions_a_day(alice_client, alice, path):
    target = timezone.localdate() + timedelta(days=1)  # today and tomorrow: 2 days for 5 questions
    alice_client.post_form("/paths/plan/follow/", {"follow": "1", "target_date": target.isoformat()})
    assert FollowedPath.objects.get(user=alice).target_date == target
    page = alice_client.get("/paths/plan/").content.decode()
    assert "<strong>Today: 0 of 3</strong> new questions done, 3 left" in page
    assert "2 days to" in page


@pytest.mark.parametrize(
    "data",
    [{"follow": "1", "target_date": "2001-01-01"}, {"follow": "1", "target_date": "soon"}, {"follow": "maybe"}, {}],
)
def test_bad_follow_input_is_a_400_with_a_message(alice_client, alice, path, data):
    response = alice_client.post_form("/paths/plan/follow/", data)
    assert response.status_code == 400
    assert 'class="form-errors"' in response.content.decode()
    assert not FollowedPath.objects.exists()


def test_follow_needs_login_and_csrf(anon_client, alice_client, alice, path):
    response = anon_client.post_form("/paths/plan/follow/", {"follow": "1", "next": "/paths/plan/"})
    assert response["Location"] == "/accounts/login/?next=%2Fpaths%2Fplan%2F"
    assert alice_client.post("/paths/plan/follow/", {"follow": "1"}).status_code == 403
    assert alice_client.get("/paths/plan/follow/").status_code == 405
    assert not FollowedPath.objects.exists()


def test_unknown_and_archived_paths_are_404(alice_client, path):
    assert alice_client.get("/paths/nope/").status_code == 404
    StudyPath.objects.filter(id=path.id).update(archived=True)
    assert alice_client.get("/paths/plan/").status_code == 404
    assert alice_client.post_form("/paths/plan/follow/", {"follow": "1"}).status_code == 404


def test_ticking_on_the_path_page_swaps_path_and_step_counters(alice_client, path):
    question = Question.objects.get(slug="other-q1-1")
    step = path.steps.get(order=1)
    response = alice_client.post_form(
        "/questions/other-q1-1/studied/", {"studied": "1", "next": "/paths/plan/", "page": "path:plan"}, htmx=True
    )
    html = response.content.decode()
    assert f'id="question-row-{question.id}"' in html
    assert f'id="path-progress-{path.id}" hx-swap-oob="true"' in html
    assert f'id="step-progress-{step.id}" hx-swap-oob="true"' in html
    assert f'id="next-up-{path.id}" hx-swap-oob="true"' in html
    assert "<strong>1</strong> / 5 studied" in html and "<strong>1</strong> / 2 studied" in html
    assert "topic-progress" not in html


def test_other_users_never_see_your_follows(bob_client, alice, path):
    FollowedPath.objects.create(user=alice, path=path)
    assert "You follow this path" not in bob_client.get("/paths/plan/").content.decode()
    assert "Following" not in bob_client.get("/paths/").content.decode()


def test_path_pages_cost_constant_queries(alice_client, alice, path, django_assert_max_num_queries):
    FollowedPath.objects.create(user=alice, path=path)
    # Django's session and its user are two queries (one, with the earlier session engine).
    with django_assert_max_num_queries(10):
        alice_client.get("/paths/plan/")
    with django_assert_max_num_queries(10):
        alice_client.get("/paths/")
