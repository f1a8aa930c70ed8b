import pytest

from progress.models import StudiedMark
from tests.conftest import make_topic
from topics.models import PathStep, Question, StudyPath


@pytest.fixture
def content(topic):
    """ml-breadth: 6 questions (section 1: easy, medium, hard; section 2: medium, hard, easy);
    a path through its section 2; another topic with 3 questions."""
    make_topic("other", sections=1, per_section=3, order=2)
    path = StudyPath.objects.create(slug="plan", title="Plan")
    PathStep.objects.create(path=path, topic=topic, section=topic.sections.get(slug="section-2"))
    return topic


def shown(page: str) -> list[str]:
    import re

    return re.findall(r'class="question-title" href="/questions/([^/]+)/"', page)


@pytest.fixture
def ticked(alice, content):
    for slug in ["ml-breadth-q1-1", "ml-breadth-q2-2", "other-q1-3"]:
        StudiedMark.objects.set_studied(alice, Question.objects.get(slug=slug), True)


CASES = [
    (
        "",
        [
            "ml-breadth-q1-1",
            "ml-breadth-q1-2",
            "ml-breadth-q1-3",
            "ml-breadth-q2-1",
            "ml-breadth-q2-2",
            "ml-breadth-q2-3",
        ],
    ),
    ("difficulty=hard", ["ml-breadth-q1-3", "ml-breadth-q2-2"]),
    ("difficulty=easy&difficulty=hard", ["ml-breadth-q1-1", "ml-breadth-q1-3", "ml-breadth-q2-2", "ml-breadth-q2-3"]),
    ("status=studied", ["ml-breadth-q1-1", "ml-breadth-q2-2"]),
    ("status=not-studied", ["ml-breadth-q1-2", "ml-breadth-q1-3", "ml-breadth-q2-1", "ml-breadth-q2-3"]),
    ("path=plan", ["ml-breadth-q2-1", "ml-breadth-q2-2", "ml-breadth-q2-3"]),
    ("path=plan&difficulty=hard", ["ml-breadth-q2-2"]),
    ("path=plan&difficulty=hard&status=not-studied", []),
    ("path=plan&difficulty=medium&difficulty=easy&status=not-studied", ["ml-breadth-q2-1", "ml-breadth-q2-3"]),
    (
        "status=&path=&unknown=ignored",
        [
            "ml-breadth-q1-1",
            "ml-breadth-q1-2",
            "ml-breadth-q1-3",
            "ml-breadth-q2-1",
            "ml-breadth-q2-2",
            "ml-breadth-q2-3",
        ],
    ),
]


@pytest.mark.parametrize("query, expected", CASES, ids=[c[0] or "none" for c in CASES])
def test_topic_page_filters(alice_client, ticked, query, expected):
    response = alice_client.get(f"/topics/ml-breadth/?{query}")
    assert response.status_code == 200
    assert shown(response.content.decode()) == expected


def test_counters_stay_honest_under_filters(alice_client, ticked):
    page = alice_client.get("/topics/ml-breadth/?difficulty=hard").content.decode()
    assert "Showing <strong>2</strong> of 6 questions" in page
    assert 'id="filter-progress"' in page and "<strong>1</strong> / 2 studied" in page  # progress on what is shown
    assert "<strong>2</strong> / 6 studied" in page  # the topic's own counter keeps its meaning


def test_sections_without_a_match_are_hidden_and_an_empty_result_says_so(alice_client, ticked):
    page = alice_client.get("/topics/ml-breadth/?path=plan").content.decode()
    assert 'id="section-section-1"' not in page and 'id="section-section-2"' in page
    page = alice_client.get("/topics/ml-breadth/?path=plan&difficulty=hard&status=not-studied").content.decode()
    assert "No question in this topic matches these filters." in page


@pytest.mark.parametrize(
    "query, message",
    [
        ("difficulty=impossible", "difficulty=impossible"),
        ("status=maybe", "status=maybe"),
        ("path=no-such-path", "path=no-such-path"),
    ],
)
@pytest.mark.parametrize("url", ["/topics/ml-breadth/", "/questions/"])
def test_bad_filter_values_are_a_400_with_a_clear_message(alice_client, content, url, query, message):
    response = alice_client.get(f"{url}?{query}")
    assert response.status_code == 400
    page = response.content.decode()
    assert "A filter in this address cannot be used." in page and message in page


def test_htmx_filter_requests_get_only_the_results(alice_client, ticked):
    response = alice_client.get("/topics/ml-breadth/?difficulty=hard", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]
    restore = alice_client.get(
        "/topics/ml-breadth/?difficulty=hard", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in restore.content.decode()


def test_global_list_spans_topics_and_filters(alice_client, ticked):
    page = alice_client.get("/questions/").content.decode()
    # Unfiltered, every topic is folded to its counter and sends no rows until it is opened.
    assert shown(page) == [] and page.count('<details class="topic-group"') == 2
    assert "9 questions in 2 topics" in page
    opened = alice_client.get("/questions/?open=ml-breadth").content.decode()
    assert len(shown(opened)) == 6
    page = alice_client.get("/questions/?status=studied").content.decode()
    assert shown(page) == ["ml-breadth-q1-1", "ml-breadth-q2-2", "other-q1-3"]
    assert "Showing <strong>3</strong> of 9 questions" in page


def test_anonymous_visitors_have_studied_nothing(anon_client, ticked):
    assert shown(anon_client.get("/questions/?status=studied").content.decode()) == []
    assert len(shown(anon_client.get("/questions/?status=not-studied").content.decode())) == 9


def test_filters_show_only_the_users_own_marks(bob_client, ticked):
    assert shown(bob_client.get("/topics/ml-breadth/?status=studied").content.decode()) == []


def test_ticking_on_a_filtered_page_updates_the_filtered_counter(alice_client, ticked):
    response = alice_client.post_form(
        "/questions/ml-breadth-q1-3/studied/",
        {
            "studied": "1",
            "next": "/topics/ml-breadth/?difficulty=hard",
            "page": "topic:ml-breadth",
            "filters": "difficulty=hard",
        },
        htmx=True,
    )
    html = response.content.decode()
    assert 'id="filter-summary" hx-swap-oob="true"' in html
    assert "<strong>2</strong> / 2 studied" in html  # the filtered view: both hard ones now
    assert "<strong>3</strong> / 6 studied" in html  # the topic


def summary_count(html: str) -> str:
    import re

    return re.search(r'id="filter-summary".*?Showing <strong>(\d+)</strong>', html, re.S).group(1)


@pytest.mark.parametrize("page, named", [("/topics/ml-breadth/", "topic:ml-breadth"), ("/questions/", "list")])
def test_a_tick_that_leaves_a_status_filter_takes_the_row_out_of_the_list(alice_client, ticked, page, named):
    """What the page then shows agrees with "Showing N", as a reload would."""
    next_url = f"{page}?status=not-studied"
    before = summary_count(alice_client.get(next_url).content.decode())
    html = alice_client.post_form(
        "/questions/ml-breadth-q1-2/studied/",
        {"studied": "1", "next": next_url, "page": named, "filters": "status=not-studied"},
        htmx=True,
    ).content.decode()
    assert 'id="question-row-' not in html  # the row's swap is empty: it leaves the list
    assert int(summary_count(html)) == int(before) - 1
    assert summary_count(alice_client.get(next_url).content.decode()) == summary_count(html)
    # A tick that keeps the row in the filter swaps the row as usual.
    html = alice_client.post_form(
        "/questions/ml-breadth-q1-3/studied/",
        {"studied": "1", "next": f"{page}?difficulty=hard", "page": named, "filters": "difficulty=hard"},
        htmx=True,
    ).content.decode()
    assert f'id="question-row-{Question.objects.get(slug="ml-breadth-q1-3").id}"' in html


def test_removing_a_star_on_the_starred_list_takes_the_row_out(alice_client, alice, ticked):
    question = Question.objects.get(slug="ml-breadth-q1-2")
    alice_client.post_form(f"/questions/{question.slug}/star/", {"starred": "1"})
    next_url = "/topics/ml-breadth/?status=starred"
    assert summary_count(alice_client.get(next_url).content.decode()) == "1"
    html = alice_client.post_form(
        f"/questions/{question.slug}/star/",
        {"starred": "0", "next": next_url, "page": "topic:ml-breadth", "filters": "status=starred"},
        htmx=True,
    ).content.decode()
    assert f'<li id="question-row-{question.id}" hx-swap-oob="delete"></li>' in html
    assert summary_count(html) == "0"
    # On an unfiltered page the row stays and no summary is sent.
    html = alice_client.post_form(
        f"/questions/{question.slug}/star/",
        {"starred": "1", "next": "/topics/ml-breadth/", "page": "topic:ml-breadth"},
        htmx=True,
    ).content.decode()
    assert "hx-swap-oob" not in html


def test_global_list_filtered_by_path_and_difficulty_costs_constant_queries(alice, alice_client, content):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        assert alice_client.get("/questions/?path=plan&difficulty=hard").status_code == 200  # content read
        with CaptureQueriesContext(connection) as context:
            assert alice_client.get("/questions/?path=plan&difficulty=hard").status_code == 200
        return len(context.captured_queries)

    before = count()
    big = make_topic("big", sections=8, per_section=40, order=3)
    PathStep.objects.create(path=StudyPath.objects.get(slug="plan"), topic=big)
    for question in Question.objects.filter(section__topic=big)[:100]:
        StudiedMark.objects.set_studied(alice, question, True)
    after = count()
    assert before == after <= 9
