"""The page design's server side: the labelled star and where it sends a browser without
JavaScript, a visitor's star kept through logging in, the home page's counts, path roadmaps,
the folded tools of list pages, the all-questions list's topics, and compressed pages."""

import gzip
import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from progress.models import FollowedPath, Star, StudiedMark
from progress.pages import LIST_ROWS_SENT, ROUND_TOPICS
from tests.conftest import PASSWORD, CsrfClient, make_topic
from topics.models import Exercise, PathStep, Question, StudyPath


def star(client, question, starred: str, next_url: str = "/topics/ml-breadth/", htmx: bool = False, **data):
    return client.post_form(
        f"/questions/{question.slug}/star/", {"starred": starred, "next": next_url, **data}, htmx=htmx
    )


def log_in(client, username: str = "alice"):
    return client.post_form("/accounts/login/?next=/topics/ml-breadth/", {"username": username, "password": PASSWORD})


@pytest.fixture
def question(topic) -> Question:
    return Question.objects.get(slug="ml-breadth-q2-1")


def shown(page: str) -> list[str]:
    return re.findall(r'class="question-title" href="/questions/([^/]+)/"', page)


# The star: a labelled toggle button that comes back to its row without JavaScript.


def test_the_star_is_a_labelled_toggle_button(alice_client, alice, question):
    page = alice_client.get("/topics/ml-breadth/").content.decode()
    row = page[page.index(f'id="question-row-{question.id}"') :]
    row = row[: row.index("</li>")]
    assert re.search(r'class="star-button" id="star-button-\d+" aria-pressed="false"[^>]*>', row)
    assert '<span class="star-glyph" aria-hidden="true">☆</span> Star</button>' in row
    Star.objects.set_starred(alice, question, True)
    page = alice_client.get("/topics/ml-breadth/").content.decode()
    assert 'class="star-button is-starred"' in page and 'aria-pressed="true"' in page
    assert '<span class="star-glyph" aria-hidden="true">★</span> Starred</button>' in page


def test_a_star_without_javascript_comes_back_to_its_row(alice_client, alice, question):
    response = star(alice_client, question, "1", next_url="/topics/ml-breadth/?difficulty=medium")
    assert response.status_code == 302
    assert response["Location"] == f"/topics/ml-breadth/?difficulty=medium#question-row-{question.id}"
    assert Star.objects.filter(user=alice, question=question).exists()
    # From the all-questions list with a topic open, and from the question's own page (its panel).
    response = star(alice_client, question, "0", next_url="/questions/?open=ml-breadth")
    assert response["Location"] == f"/questions/?open=ml-breadth#question-row-{question.id}"
    page = question.get_absolute_url()
    assert star(alice_client, question, "1", next_url=page)["Location"] == f"{page}#question-panel-{question.id}"
    # An address from elsewhere is not followed.
    assert star(alice_client, question, "1", next_url="https://evil.example/")["Location"].startswith(page)


def test_a_visitors_star_is_made_on_login_once(anon_client, alice, question):
    response = star(anon_client, question, "1")
    assert response["Location"] == "/accounts/login/?next=%2Ftopics%2Fml-breadth%2F"
    assert "this question will be starred" in anon_client.get(response["Location"]).content.decode()
    assert not Star.objects.exists()
    response = log_in(anon_client)
    assert response.status_code == 302
    assert Star.objects.filter(user=alice, question=question).count() == 1
    assert f"Starred to revisit: {question.title}" in anon_client.get(response["Location"]).content.decode()
    # Made once: removed later, it is not put back by the next login.
    Star.objects.set_starred(alice, question, False)
    anon_client.post_form("/accounts/logout/")
    log_in(anon_client)
    assert not Star.objects.exists()


def test_a_visitors_star_and_tick_are_both_made_for_a_new_account(anon_client, question):
    star(anon_client, question, "1")
    anon_client.post_form(f"/questions/{question.slug}/studied/", {"studied": "1", "next": "/topics/ml-breadth/"})
    anon_client.post_form(
        "/accounts/signup/",
        {"username": "newbie", "email": "n@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert Star.objects.filter(user__username="newbie", question=question).exists()
    assert StudiedMark.objects.filter(user__username="newbie", question=question).exists()


def test_a_visitors_star_stays_in_their_own_session_and_expires(anon_client, alice, bob, question):
    star(anon_client, question, "1")
    other_browser = CsrfClient()
    log_in(other_browser, "bob")
    assert not Star.objects.exists()  # another session has nothing pending
    session = anon_client.session
    session["pending_star"]["at"] = (timezone.now() - timedelta(hours=2)).isoformat()
    session.save()
    log_in(anon_client)
    assert not Star.objects.exists()


def test_a_visitor_removing_a_star_leaves_nothing_pending(anon_client, alice, question):
    response = star(anon_client, question, "0")
    assert response["Location"].startswith("/accounts/login/")
    assert "pending_star" not in anon_client.session
    log_in(anon_client)
    assert not Star.objects.exists()


def test_a_star_on_the_filtered_list_updates_its_topics_counter(alice_client, alice, question):
    Star.objects.set_starred(alice, question, True)
    html = star(
        alice_client, question, "0", "/questions/?status=starred", htmx=True, page="list", filters="status=starred"
    ).content.decode()
    assert f'<li id="question-row-{question.id}" hx-swap-oob="delete"></li>' in html
    assert f'id="group-progress-{question.section.topic_id}" hx-swap-oob="true"' in html
    assert "<strong>0</strong> / 0 studied" in html


# The home page.


@pytest.fixture
def rounds(db):
    """ML Breadth, two more topics of questions, and the three rounds with topics of their own:
    coding exercises (each with its Exercise), design cases and behavioural questions."""
    breadth = make_topic("ml-breadth", sections=2, per_section=3, order=1)
    make_topic("maths", sections=1, per_section=4, order=2)
    make_topic("llms", sections=2, per_section=2, order=3)
    coding = make_topic("ml-coding", sections=2, per_section=2, order=4)
    for question in Question.objects.filter(section__topic=coding):
        Exercise.objects.create(
            question=question, statement="Write it.", starter="x = 0", tests="", hidden_tests="", solution="x = 1"
        )
    make_topic("ml-system-design", sections=1, per_section=3, order=5)
    make_topic("behavioural", sections=1, per_section=2, order=6)
    # Archived questions count nowhere.
    Question.objects.filter(slug__in=["maths-q1-4", "ml-coding-q2-2"]).update(archived=True)
    return breadth


def inside(page: str) -> dict[str, int]:
    return {
        name: int(count.replace(",", ""))
        for name, count in re.findall(r'class="inside-count" id="inside-(\w+)">([\d,]+)<', page)
    }


def test_the_home_page_tells_a_visitor_what_is_inside_as_the_database_counts_it(anon_client, rounds):
    page = anon_client.get("/").content.decode()
    live = Question.objects.live()
    round_slugs = list(ROUND_TOPICS)
    assert inside(page) == {
        "questions": live.exclude(section__topic__slug__in=round_slugs).count(),
        "coding": Exercise.objects.filter(question__archived=False).count(),
        "design": live.filter(section__topic__slug="ml-system-design").count(),
        "behavioural": live.filter(section__topic__slug="behavioural").count(),
    }
    assert inside(page) == {"questions": 13, "coding": 3, "design": 3, "behavioural": 2}
    assert "in 3 topics" in page
    assert live.filter(section__topic__slug="ml-coding").count() == inside(page)["coding"]


def test_the_home_page_offers_a_sample_question_and_a_plan(anon_client, rounds):
    StudyPath.objects.create(slug="sprint", title="The sprint")
    page = anon_client.get("/").content.decode()
    sample = page[page.index('id="sample-heading"') :]
    sample = sample[: sample.index("</section>")]
    first_easy = Question.objects.get(slug="ml-breadth-q1-1")
    assert first_easy.difficulty == "easy"
    assert f'<a href="{first_easy.get_absolute_url()}">{first_easy.title}</a>' in sample
    assert '<a class="button" href="/paths/">Start a plan</a>' in page
    assert 'href="/paths/sprint/"' in page
    assert "to save your progress" in page


def test_a_members_home_opens_on_today_then_cards(alice_client, alice, rounds):
    page = alice_client.get("/").content.decode()
    assert 'id="today-heading"' in page and "today-card" in page
    assert page.index('id="today-heading"') < page.index("Your progress") < page.index("Starred to revisit")
    assert 'class="card starred-card"' in page and 'class="card paths-card"' in page
    assert 'id="inside-heading"' not in page  # the introduction is for visitors
    assert '<a class="button" href="/paths/">Start a plan</a>' in page  # no path followed yet


def test_the_home_page_costs_the_same_queries_however_large_the_content(anon_client, rounds):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        anon_client.get("/")
        with CaptureQueriesContext(connection) as context:
            assert anon_client.get("/").status_code == 200
        return len(context.captured_queries)

    before = count()
    make_topic("large", sections=5, per_section=40, order=9)
    assert count() == before


# Study paths as roadmaps.


@pytest.fixture
def path(topic):
    other = make_topic("other", sections=1, per_section=2, order=2)
    path = StudyPath.objects.create(slug="plan", title="The plan")
    PathStep.objects.create(path=path, topic=topic, section=topic.sections.get(slug="section-1"), order=0)
    PathStep.objects.create(path=path, topic=topic, section=topic.sections.get(slug="section-2"), order=1)
    PathStep.objects.create(path=path, topic=other, order=2)
    return path


def current_steps(page: str) -> list[str]:
    return re.findall(r'<li class="[^"]*is-current"(?: id="([^"]*)")? aria-current="step"', page)


def test_the_roadmap_marks_a_followers_current_step(alice_client, alice, path):
    FollowedPath.objects.create(user=alice, path=path)
    for question in Question.objects.filter(section__slug="section-1", section__topic__slug="ml-breadth"):
        StudiedMark.objects.set_studied(alice, question, True)
    second = path.steps.get(order=1)
    page = alice_client.get("/paths/plan/").content.decode()
    assert current_steps(page) == [f"step-{second.id}"]
    assert page.count('aria-current="step"') == 1
    first = path.steps.get(order=0)
    assert re.search(rf'<li class="step roadmap-step is-done" id="step-{first.id}"', page)
    # The current step's questions are the ones unfolded.
    step = page[page.index(f'id="step-{second.id}"') :]
    assert '<details class="step-questions" open>' in step[: step.index("</li>")]
    # The list of paths draws the same roadmap, with the same step marked.
    paths = alice_client.get("/paths/").content.decode()
    assert paths.count('aria-current="step"') == 1
    assert re.search(r'aria-current="step">\s*<span class="roadmap-node" aria-hidden="true">2</span>', paths)


def tick_on_path_page(client, question, studied: str) -> dict:
    """Tick on the path page as htmx does; the "roadmap" event the response carries."""
    response = client.post_form(
        f"/questions/{question.slug}/studied/", {"studied": studied, "page": "path:plan"}, htmx=True
    )
    assert response.status_code == 200
    return json.loads(response["HX-Trigger-After-Settle"])["roadmap"]


def test_a_tick_on_the_path_page_moves_the_roadmaps_marks(alice_client, alice, path):
    """The marks the page draws and the ones a tick's response sends agree, tick after tick."""
    FollowedPath.objects.create(user=alice, path=path)
    first, second, third = path.steps.order_by("order")
    questions = list(Question.objects.filter(section__slug="section-1", section__topic__slug="ml-breadth"))
    for question in questions[:-1]:
        assert tick_on_path_page(alice_client, question, "1") == {"current": first.id, "done": []}
    assert tick_on_path_page(alice_client, questions[-1], "1") == {"current": second.id, "done": [first.id]}
    assert current_steps(alice_client.get("/paths/plan/").content.decode()) == [f"step-{second.id}"]
    assert tick_on_path_page(alice_client, questions[0], "0") == {"current": first.id, "done": []}
    page = alice_client.get("/paths/plan/").content.decode()
    assert current_steps(page) == [f"step-{first.id}"] and "is-done" not in page


def row_ids(html: str) -> list[str]:
    return re.findall(r'<li class="question-row[^"]*" id="question-row-(\d+)"', html)


def ids_of(**filters) -> list[str]:
    return [str(q.id) for q in Question.objects.filter(**filters).order_by("order", "id")]


def test_a_path_page_sends_the_rows_of_its_open_step_and_loads_the_others_on_opening(alice_client, alice, path):
    first, second, third = path.steps.order_by("order")
    section_1 = ids_of(section__slug="section-1", section__topic__slug="ml-breadth")
    section_2 = ids_of(section__slug="section-2", section__topic__slug="ml-breadth")
    page = alice_client.get("/paths/plan/").content.decode()
    assert row_ids(page) == section_1  # a visitor's or a new follower's page: the first step only
    assert f'<a href="/paths/plan/?open={second.id}#step-{second.id}">Show its 3 questions</a>' in page
    assert f'hx-get="/paths/plan/?open={third.id}" hx-trigger="toggle once"' in page

    # Opened with JavaScript: the rows alone, with the user's ticks.
    StudiedMark.objects.set_studied(alice, Question.objects.get(id=section_2[0]), True)
    rows = alice_client.get(f"/paths/plan/?open={second.id}", HTTP_HX_REQUEST="true")
    assert "HX-Request" in rows["Vary"]
    html = rows.content.decode()
    assert row_ids(html) == section_2 and "<header" not in html
    assert html.count('class="question-row is-studied"') == 1
    # Without it: the page with that step open as well.
    page = alice_client.get(f"/paths/plan/?open={second.id}").content.decode()
    assert row_ids(page) == section_1 + section_2
    assert page.count('<details class="step-questions" open>') == 2

    # A follower's page opens the step they are on.
    FollowedPath.objects.create(user=alice, path=path)
    for question in Question.objects.filter(id__in=section_1):
        StudiedMark.objects.set_studied(alice, question, True)
    assert row_ids(alice_client.get("/paths/plan/").content.decode()) == section_2

    for bad in ("x", "", "999999", str(Question.objects.first().id + 10_000)):
        assert alice_client.get(f"/paths/plan/?open={bad}").status_code == 404
        assert alice_client.get(f"/paths/plan/?open={bad}", HTTP_HX_REQUEST="true").status_code == 404


def test_a_roadmap_marks_no_step_for_someone_not_following(alice_client, bob_client, alice, path):
    FollowedPath.objects.create(user=alice, path=path)
    for url in ("/paths/plan/", "/paths/"):
        page = bob_client.get(url).content.decode()
        assert 'aria-current="step"' not in page and 'class="roadmap-node"' in page


def test_a_finished_path_has_no_current_step(alice_client, alice, path):
    FollowedPath.objects.create(user=alice, path=path)
    for question in Question.objects.all():
        StudiedMark.objects.set_studied(alice, question, True)
    page = alice_client.get("/paths/plan/").content.decode()
    assert 'aria-current="step"' not in page and page.count("roadmap-step is-done") == 3


# Topic pages: the folded tools, the section index, the sticky counter.


def test_the_filter_form_is_folded_unless_a_filter_is_in_use(anon_client, topic):
    page = anon_client.get("/topics/ml-breadth/").content.decode()
    assert '<details class="tool filter-disclosure" id="filter-disclosure">' in page
    filtered = anon_client.get("/topics/ml-breadth/?difficulty=hard&difficulty=easy&q=question").content.decode()
    assert '<details class="tool filter-disclosure" id="filter-disclosure" open>' in filtered
    labels = filtered[filtered.index('id="filter-labels"') :]
    labels = labels[: labels.index("</summary>")]
    assert re.findall(r'<span class="filter-label">([^<]*)</span>', labels) == ["“question”", "Easy, Hard"]


def test_a_filter_changed_in_place_updates_the_folded_summary_and_the_index(anon_client, topic):
    html = anon_client.get("/topics/ml-breadth/?status=not-studied&difficulty=hard", HTTP_HX_REQUEST="true")
    html = html.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert 'id="filter-labels" hx-swap-oob="true"' in html and "Not studied" in html
    assert 'id="section-index-list" hx-swap-oob="true"' in html


def test_the_section_index_jumps_to_every_section_with_its_counter(alice_client, alice, topic):
    StudiedMark.objects.set_studied(alice, Question.objects.get(slug="ml-breadth-q2-1"), True)
    page = alice_client.get("/topics/ml-breadth/").content.decode()
    index = page[page.index('id="section-index-list"') :]
    index = index[: index.index("</ol>")]
    links = re.findall(r'<a href="#(section-[\w-]+)"><span class="index-title">([^<]+)</span>.*?>(\d+ / \d+)<', index)
    assert links == [("section-section-1", "Section 1", "0 / 3"), ("section-section-2", "Section 2", "1 / 3")]
    for anchor, _, _ in links:
        assert f'<section class="section" id="{anchor}">' in page
    # The topic's counter is outside the header, in the sticky bar, with its id for the swaps.
    sticky = page[page.index('<div class="sticky-progress">') :]
    assert sticky.index(f'id="topic-progress-{topic.id}"') < sticky.index("</div>")


def test_a_tick_on_a_topic_page_updates_the_section_indexs_counter(alice_client, question):
    html = alice_client.post_form(
        f"/questions/{question.slug}/studied/",
        {"studied": "1", "next": "/topics/ml-breadth/", "page": "topic:ml-breadth"},
        htmx=True,
    ).content.decode()
    assert f'id="index-count-{question.section_id}" hx-swap-oob="true">1 / 3<' in html
    assert f'id="topic-progress-{question.section.topic_id}" hx-swap-oob="true"' in html
    # Not on the question's own page, which has no index.
    html = alice_client.post_form(
        f"/questions/{question.slug}/studied/",
        {"studied": "0", "next": question.get_absolute_url(), "page": "question"},
        htmx=True,
    ).content.decode()
    assert "index-count" not in html


# The all-questions list: topics folded to their counters, rows sent only for open ones.


@pytest.fixture
def two_topics(alice, topic):
    make_topic("other", sections=1, per_section=3, order=2)
    for slug in ["ml-breadth-q1-1", "other-q1-3"]:
        StudiedMark.objects.set_studied(alice, Question.objects.get(slug=slug), True)


def group_counters(page: str) -> dict[str, str]:
    found = re.findall(
        r'<details class="topic-group" id="topic-([\w-]+)".*?<span class="progress" id="group-progress-\d+">.*?'
        r"<strong>(\d+)</strong> / (\d+) studied",
        page,
        re.S,
    )
    return {slug: f"{studied} / {total}" for slug, studied, total in found}


def test_unfiltered_the_list_sends_topics_and_counters_but_no_rows(alice_client, two_topics):
    page = alice_client.get("/questions/").content.decode()
    assert shown(page) == []
    assert group_counters(page) == {"ml-breadth": "1 / 6", "other": "1 / 3"}
    assert 'hx-get="/questions/?open=ml-breadth" hx-trigger="toggle once"' in page
    assert '<a href="/questions/?open=ml-breadth#topic-ml-breadth">Show its 6 questions</a>' in page


def test_opening_a_topic_loads_its_rows(alice_client, two_topics):
    rows = alice_client.get("/questions/?open=other", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in rows and "<details" not in rows
    assert shown(rows) == ["other-q1-1", "other-q1-2", "other-q1-3"]
    # Without JavaScript, the link opens the list with that topic open.
    page = alice_client.get("/questions/?open=other").content.decode()
    assert shown(page) == ["other-q1-1", "other-q1-2", "other-q1-3"]
    assert '<details class="topic-group" id="topic-other" open>' in page
    assert alice_client.get("/questions/?open=nothing", HTTP_HX_REQUEST="true").status_code == 404
    # A topic whose matches went while its page was open says so rather than failing.
    gone = alice_client.get("/questions/?status=studied&open=other&q=zzz", HTTP_HX_REQUEST="true")
    assert gone.status_code == 200 and "No question of this topic matches now." in gone.content.decode()


def test_a_filter_opens_the_topics_that_match_and_counts_every_match(alice_client, two_topics):
    page = alice_client.get("/questions/?difficulty=easy").content.decode()
    assert shown(page) == ["ml-breadth-q1-1", "ml-breadth-q2-3", "other-q1-1"]
    assert group_counters(page) == {"ml-breadth": "1 / 2", "other": "0 / 1"}
    assert "Showing <strong>3</strong> of 9 questions" in page
    # The lazy rows of a filtered list keep the filter.
    rows = alice_client.get("/questions/?difficulty=easy&open=other", HTTP_HX_REQUEST="true").content.decode()
    assert shown(rows) == ["other-q1-1"]


def test_a_long_filtered_list_sends_at_most_its_budget_of_rows(alice_client, alice):
    for order in range(4):
        make_topic(f"t{order}", sections=2, per_section=20, order=order)
    page = alice_client.get("/questions/?status=not-studied").content.decode()
    assert len(shown(page)) <= LIST_ROWS_SENT
    counters = group_counters(page)
    assert counters == {f"t{order}": "0 / 40" for order in range(4)}  # every match counted
    assert "Showing <strong>160</strong> of 160 questions" in page
    closed = re.findall(r'<details class="topic-group" id="topic-([\w-]+)" hx-get="([^"]+)"', page)
    assert closed and all("status=not-studied" in url for _, url in closed)


def test_a_tick_on_the_list_updates_its_topics_counter(alice_client, two_topics):
    question = Question.objects.get(slug="other-q1-1")
    html = alice_client.post_form(
        f"/questions/{question.slug}/studied/",
        {"studied": "1", "next": "/questions/?open=other", "page": "list"},
        htmx=True,
    ).content.decode()
    assert f'id="group-progress-{question.section.topic_id}" hx-swap-oob="true"' in html
    assert "<strong>2</strong> / 3 studied" in html


def test_the_list_costs_the_same_queries_for_a_small_or_a_large_site(alice_client, two_topics):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url: str) -> int:
        alice_client.get(url)
        with CaptureQueriesContext(connection) as context:
            assert alice_client.get(url).status_code == 200
        return len(context.captured_queries)

    before = [count("/questions/"), count("/questions/?open=ml-breadth")]
    make_topic("large", sections=10, per_section=50, order=9)
    assert [count("/questions/"), count("/questions/?open=ml-breadth")] == before


# Compression.


def without_tokens(html: str) -> str:
    """The page with its CSRF tokens blanked: Django masks the token anew in every response."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', html)
    return re.sub(r'"x-csrftoken": "[^"]+"', '"x-csrftoken": ""', html)


@pytest.mark.parametrize("url", ["/", "/topics/ml-breadth/", "/questions/", "/questions/ml-breadth-q1-1/"])
def test_a_client_that_accepts_gzip_gets_the_same_page_compressed(alice_client, topic, url):
    plain = alice_client.get(url)
    packed = alice_client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert plain.status_code == packed.status_code == 200
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content)
    assert without_tokens(gzip.decompress(packed.content).decode()) == without_tokens(plain.content.decode())


def test_a_client_that_does_not_accept_gzip_gets_the_page_as_it_is(anon_client, topic):
    for accept in ({}, {"HTTP_ACCEPT_ENCODING": "identity"}, {"HTTP_ACCEPT_ENCODING": "br"}):
        response = anon_client.get("/topics/ml-breadth/", **accept)
        assert response.status_code == 200 and not response.has_header("Content-Encoding")
        assert "Accept-Encoding" in response["Vary"]
        assert response.content.decode().startswith("<!doctype html>")


def test_htmx_responses_are_compressed_too_and_still_post(alice_client, question):
    response = alice_client.post_form(
        f"/questions/{question.slug}/studied/",
        {"studied": "1", "next": "/topics/ml-breadth/", "page": "topic:ml-breadth"},
        htmx=True,
        HTTP_ACCEPT_ENCODING="gzip",
    )
    assert response["Content-Encoding"] == "gzip"
    assert f'id="question-row-{question.id}"' in gzip.decompress(response.content).decode()
