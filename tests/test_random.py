"""A question picked at random from a list and its filters, and the link to the next pick."""

from urllib.parse import parse_qs, urlsplit

import pytest

from progress.models import StudiedMark
from tests.test_filters import content  # noqa: F401  (fixture)
from topics.models import Question


def pick(client, query: str) -> tuple[str, dict]:
    """(slug of the question picked, its page's query) for /random/?query."""
    response = client.get(f"/random/?{query}")
    assert response.status_code == 302
    parts = urlsplit(response["Location"])
    assert parts.path.startswith("/questions/")
    return parts.path.split("/")[2], parse_qs(parts.query)


def picks(client, query: str, times: int = 40) -> set[str]:
    return {pick(client, query)[0] for _ in range(times)}


def test_picks_come_from_the_filtered_list_and_vary(anon_client, content):  # noqa: F811
    hard_in_topic = {"ml-breadth-q1-3", "ml-breadth-q2-2"}
    assert picks(anon_client, "topic=ml-breadth&difficulty=hard") == hard_in_topic
    everywhere = picks(anon_client, "difficulty=hard", times=80)
    assert hard_in_topic < everywhere and everywhere <= set(
        Question.objects.filter(difficulty="hard").values_list("slug", flat=True)
    )


def test_the_pick_names_its_list_for_the_next_one(anon_client, content):  # noqa: F811
    slug, query = pick(anon_client, "topic=ml-breadth&difficulty=hard&status=")
    assert query == {"practice": ["topic=ml-breadth&difficulty=hard"]}  # empty filters left out
    page = anon_client.get(f"/questions/{slug}/?practice=topic%3Dml-breadth%26difficulty%3Dhard").content.decode()
    assert f'href="/random/?topic=ml-breadth&amp;difficulty=hard&amp;after={slug}"' in page
    assert "Another random question from your list" in page
    assert "Another random question" not in anon_client.get(f"/questions/{slug}/").content.decode()


def test_the_question_just_shown_is_not_picked_again_while_there_is_another(anon_client, content):  # noqa: F811
    assert picks(anon_client, "topic=ml-breadth&difficulty=hard&after=ml-breadth-q1-3") == {"ml-breadth-q2-2"}
    assert picks(anon_client, "topic=ml-breadth&difficulty=hard&path=plan&after=ml-breadth-q2-2") == {"ml-breadth-q2-2"}


def test_status_filters_use_the_users_own_marks(alice_client, alice, bob_client, content):  # noqa: F811
    for slug in ("ml-breadth-q1-1", "ml-breadth-q1-2", "ml-breadth-q1-3"):
        StudiedMark.objects.set_studied(alice, Question.objects.get(slug=slug), True)
    assert picks(alice_client, "topic=ml-breadth&status=not-studied") == {
        "ml-breadth-q2-1",
        "ml-breadth-q2-2",
        "ml-breadth-q2-3",
    }
    assert len(picks(bob_client, "topic=ml-breadth&status=not-studied", times=80)) == 6


def test_an_empty_list_sends_back_to_it_with_a_message(alice_client, content):  # noqa: F811
    response = alice_client.get("/random/?topic=ml-breadth&status=studied", follow=True)
    assert response.redirect_chain == [("/topics/ml-breadth/?status=studied", 302)]
    assert "No question matches these filters, so there is none to pick." in response.content.decode()


def test_bad_filters_are_a_400_and_an_unknown_topic_a_404(anon_client, content):  # noqa: F811
    response = anon_client.get("/random/?topic=ml-breadth&difficulty=impossible")
    assert response.status_code == 400
    page = response.content.decode()
    assert "difficulty=impossible" in page and '<a href="/topics/ml-breadth/">Show everything</a>' in page
    assert anon_client.get("/random/?status=maybe").status_code == 400
    assert anon_client.get("/random/?topic=no-such-topic").status_code == 404
    assert anon_client.post_form("/random/").status_code == 405


@pytest.mark.parametrize(
    "url, link",
    [
        ("/topics/ml-breadth/?difficulty=hard", "/random/?topic=ml-breadth&amp;difficulty=hard"),
        ("/topics/ml-breadth/", "/random/?topic=ml-breadth"),
        ("/questions/?difficulty=easy&status=", "/random/?difficulty=easy"),
        ("/questions/", "/random/"),
    ],
)
def test_list_pages_link_to_a_pick_from_what_they_show(anon_client, content, url, link):  # noqa: F811
    assert f'<a href="{link}">A random question from this list →</a>' in anon_client.get(url).content.decode()


def test_an_empty_list_offers_no_pick(alice_client, content):  # noqa: F811
    assert "A random question from this list" not in alice_client.get("/questions/?status=studied").content.decode()


def test_a_path_page_links_to_a_pick_from_the_path(anon_client, content):  # noqa: F811
    page = anon_client.get("/paths/plan/").content.decode()
    assert '<a href="/random/?path=plan">A random question from this path →</a>' in page
    assert picks(anon_client, "path=plan") == {"ml-breadth-q2-1", "ml-breadth-q2-2", "ml-breadth-q2-3"}
