"""Search on the list pages: words found in a question's title, its section or topic, or its
answer; combined with the other filters, counted honestly, and never a 500."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from progress.models import StudiedMark
from tests.test_filters import content, shown  # noqa: F401  (fixture)
from topics.models import Answer, Question


@pytest.fixture
def searchable(content):  # noqa: F811
    kl = Question.objects.get(slug="ml-breadth-q1-2")
    kl.title = "What does the KL divergence measure, and why is it not symmetric?"
    kl.save()
    answer = Answer.objects.get(question__slug="other-q1-1")
    answer.body = "Minimising cross-entropy is minimising the **Kullback–Leibler** divergence plus a constant."
    answer.save()
    section = content.sections.get(slug="section-2")
    section.title = "Gradient boosting"
    section.save()
    return content


def test_words_are_found_in_titles_and_answers_in_any_case(anon_client, searchable):
    assert shown(anon_client.get("/questions/?q=kl+DIVERGENCE").content.decode()) == ["ml-breadth-q1-2"]
    assert shown(anon_client.get("/questions/?q=divergence").content.decode()) == ["ml-breadth-q1-2", "other-q1-1"]
    assert shown(anon_client.get("/questions/?q=kullback").content.decode()) == ["other-q1-1"]


def test_a_word_is_found_where_a_word_starts(anon_client, searchable):
    assert shown(anon_client.get("/questions/?q=diverg").content.decode()) == ["ml-breadth-q1-2", "other-q1-1"]
    assert shown(anon_client.get("/questions/?q=ergence").content.decode()) == []  # inside a word
    assert shown(anon_client.get("/questions/?q=leibler").content.decode()) == ["other-q1-1"]  # after a dash
    assert shown(anon_client.get("/questions/?q=**kullback").content.decode()) == ["other-q1-1"]


def test_every_word_must_be_found(anon_client, searchable):
    assert shown(anon_client.get("/questions/?q=divergence+symmetric").content.decode()) == ["ml-breadth-q1-2"]
    page = anon_client.get("/questions/?q=divergence+transformer").content.decode()
    assert shown(page) == [] and "No question matches these filters." in page


def test_section_and_topic_titles_are_searched(anon_client, searchable):
    found = shown(anon_client.get("/questions/?q=other").content.decode())
    assert found[:3] == ["other-q1-1", "other-q1-2", "other-q1-3"]  # by the topic's title
    page = anon_client.get("/topics/ml-breadth/?q=boosting").content.decode()
    assert shown(page) == ["ml-breadth-q2-1", "ml-breadth-q2-2", "ml-breadth-q2-3"]  # by the section's title


def test_search_within_a_topic_and_with_other_filters(alice_client, alice, searchable):
    StudiedMark.objects.set_studied(alice, Question.objects.get(slug="ml-breadth-q1-2"), True)
    page = alice_client.get("/topics/ml-breadth/?q=divergence").content.decode()
    assert shown(page) == ["ml-breadth-q1-2"]  # not the other topic's answer
    assert "Showing <strong>1</strong> of 6 questions" in page
    assert "<strong>1</strong> / 1 studied" in page
    assert shown(alice_client.get("/questions/?q=divergence&status=not-studied").content.decode()) == ["other-q1-1"]
    assert shown(alice_client.get("/questions/?q=divergence&difficulty=hard").content.decode()) == []


def test_the_search_box_keeps_the_words(anon_client, searchable):
    page = anon_client.get("/questions/?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E").content.decode()
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page
    assert "<script>alert(1)" not in page


def test_a_search_after_an_edit_finds_the_new_words(anon_client, searchable):
    assert shown(anon_client.get("/questions/?q=kullback").content.decode()) == ["other-q1-1"]
    answer = Answer.objects.get(question__slug="other-q1-1")
    answer.body = "Now about entropy only."
    answer.save()
    assert shown(anon_client.get("/questions/?q=kullback").content.decode()) == []


def test_a_tick_on_a_searched_list_updates_its_counters(alice_client, searchable):
    response = alice_client.post_form(
        "/questions/ml-breadth-q1-2/studied/",
        {"studied": "1", "next": "/questions/?q=divergence", "page": "list", "filters": "q=divergence"},
        htmx=True,
    )
    assert response.status_code == 200
    assert "Showing <strong>2</strong> of 9 questions" in response.content.decode()
    assert "<strong>1</strong> / 2 studied" in response.content.decode()


@pytest.mark.parametrize("url", ["/topics/ml-breadth/", "/questions/"])
def test_a_search_too_long_is_a_400_with_a_clear_message(anon_client, searchable, url):
    response = anon_client.get(f"{url}?q={'x' * 101}")
    assert response.status_code == 400
    assert "Ensure this value has at most 100 characters" in response.content.decode()


def test_a_search_costs_no_query_after_the_first(alice_client, searchable):
    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert alice_client.get(url).status_code == 200
        return len(queries)

    alice_client.get("/questions/")
    unfiltered = count("/questions/")
    assert count("/questions/?q=divergence") == unfiltered + 1  # the answers, read once
    assert count("/questions/?q=kullback") == unfiltered
    assert count("/topics/ml-breadth/?q=divergence") == count("/topics/ml-breadth/")


def test_best_matches_come_first_and_topics_and_sections_stay_whole(anon_client, searchable):
    def retitle(slug: str, title: str) -> None:
        question = Question.objects.get(slug=slug)
        question.title = title
        question.save()

    def answer(slug: str, body: str) -> None:
        found = Answer.objects.get(question__slug=slug)
        found.body = body
        found.save()

    retitle("other-q1-2", "What is entropy?")
    answer("ml-breadth-q1-1", "Entropy comes up here too.")
    # a title match in a later topic before an answer match in an earlier one; the later topic's
    # other match ("cross-entropy", in an answer) stays with it
    found = shown(anon_client.get("/questions/?q=entropy").content.decode())
    assert found == ["other-q1-2", "other-q1-1", "ml-breadth-q1-1"]

    retitle("ml-breadth-q2-3", "When does boosting overfit?")
    answer("ml-breadth-q1-3", "Compare with boosting.")
    page = anon_client.get("/topics/ml-breadth/?q=boosting").content.decode()
    # section 2 ("Gradient boosting") first, its titled question first; then section 1's answer match
    assert shown(page) == ["ml-breadth-q2-3", "ml-breadth-q2-1", "ml-breadth-q2-2", "ml-breadth-q1-3"]
    assert page.index('id="section-section-2"') < page.index('id="section-section-1"')
    assert "Showing <strong>4</strong> of 6 questions" in page


def test_every_page_has_a_search_box_in_its_header(alice_client, anon_client, searchable):
    form = '<form class="site-search" role="search" method="get" action="/questions/">'
    for client in (alice_client, anon_client):
        for url in ("/", "/topics/ml-breadth/", "/questions/ml-breadth-q1-1/", "/paths/"):
            page = client.get(url).content.decode()
            assert form in page and 'name="q"' in page.split(form)[1].split("</form>")[0], url
