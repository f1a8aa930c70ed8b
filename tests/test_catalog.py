"""Each process serves the content from memory (topics.catalog): every write to the content must
reach the next request, whichever way it is made, and a user's flags never leak between users."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from progress.models import StudiedMark
from tests.conftest import make_topic
from tests.test_load_content import PATHS, TOPIC, load, write
from topics import catalog
from topics.models import Answer, ContentVersion, PathStep, Question, Section, StudyPath, Topic


def token() -> int:
    return catalog.current().token


def page(client, url: str = "/topics/ml-breadth/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_saved_question_is_served_at_the_next_request(alice_client, topic):
    assert "Question 1.1 of ml-breadth?" in page(alice_client)
    question = Question.objects.get(slug="ml-breadth-q1-1")
    question.title = "A reworded question?"
    question.save()
    assert "A reworded question?" in page(alice_client)
    assert "A reworded question?" in page(alice_client, question.get_absolute_url())


def test_bulk_updates_and_deletes_are_served_at_the_next_request(alice_client, topic):
    page(alice_client)
    Question.objects.filter(slug="ml-breadth-q1-1").update(archived=True)
    assert "Question 1.1 of ml-breadth?" not in page(alice_client)
    assert alice_client.get("/questions/ml-breadth-q1-1/").status_code == 404
    Question.objects.filter(slug="ml-breadth-q1-1").update(archived=False)
    assert "Question 1.1 of ml-breadth?" in page(alice_client)
    Section.objects.get(slug="section-2").questions.all().delete()
    assert "<strong>0</strong> / 3 studied" in page(alice_client)


def test_topics_and_paths_changed_in_the_admin_are_served_at_once(alice_client, topic):
    page(alice_client, "/")
    Topic.objects.filter(id=topic.id).update(title="Renamed breadth")
    assert "Renamed breadth" in page(alice_client, "/")
    path = StudyPath.objects.create(slug="fresh", title="A fresh path")
    PathStep.objects.create(path=path, topic=topic, order=1)
    assert "A fresh path" in page(alice_client, "/paths/")
    assert "<strong>0</strong> / 6 studied" in page(alice_client, "/paths/fresh/")


def test_an_import_moves_the_version_once_and_only_when_it_changes_something(tmp_path, db):
    write(tmp_path, "basics.md", TOPIC)
    write(tmp_path, "paths.yaml", PATHS)
    with CaptureQueriesContext(connection) as context:
        load(tmp_path)
    moves = [q for q in context.captured_queries if ContentVersion._meta.db_table in q["sql"]]
    assert len(moves) == 1  # one new token for the whole import, not one per question
    first = token()
    assert first
    load(tmp_path)
    assert token() == first  # nothing changed, nothing to rebuild
    write(tmp_path, "basics.md", TOPIC.replace("What is a gradient?", "What is a gradient, exactly?"))
    load(tmp_path)
    assert token() != first


def test_a_failed_import_keeps_the_version(tmp_path, db):
    write(tmp_path, "basics.md", TOPIC)
    load(tmp_path)
    before = token()
    write(tmp_path, "basics.md", TOPIC.replace("{#overfitting hard}", "{#overfitting impossible}"))
    try:
        load(tmp_path)
    except Exception:
        pass
    assert token() == before


def test_the_content_is_read_once_per_version(alice_client, topic):
    page(alice_client)
    with CaptureQueriesContext(connection) as warm:
        page(alice_client)
    assert len(warm.captured_queries) == 4  # the version, the session, its user, their flags
    Question.objects.filter(slug="ml-breadth-q1-1").update(title="Changed")
    with CaptureQueriesContext(connection) as cold:
        page(alice_client)
    assert len(cold.captured_queries) == 4 + 5  # plus topics, sections, questions, paths, steps


def test_flags_are_set_on_copies_and_never_on_the_shared_content(alice, alice_client, bob_client, topic):
    question = Question.objects.get(slug="ml-breadth-q1-1")
    StudiedMark.objects.set_studied(alice, question, True)
    assert 'id="question-row-%d"' % question.id in page(alice_client)
    shared = catalog.current().question(question.slug)
    assert not hasattr(shared, "is_studied")
    assert "<strong>1</strong> / 6 studied" in page(alice_client)
    assert "<strong>0</strong> / 6 studied" in page(bob_client)


def test_the_version_row_is_recreated_when_missing(alice_client, db):
    ContentVersion.objects.all().delete()
    assert token() == 0
    make_topic()
    assert token() != 0
    assert "Question 1.1 of ml-breadth?" in page(alice_client)


def test_answers_saved_updated_or_deleted_move_the_version(alice_client, topic):
    assert "ml-breadth-q1-1" not in page(alice_client, "/questions/?q=eigenvalue")
    answer = Answer.objects.get(question__slug="ml-breadth-q1-1")
    answer.body = "An eigenvalue answer."
    answer.save()
    assert "ml-breadth-q1-1" in page(alice_client, "/questions/?q=eigenvalue")
    Answer.objects.filter(id=answer.id).update(body="A singular value answer.")
    assert "ml-breadth-q1-1" not in page(alice_client, "/questions/?q=eigenvalue")
    assert "ml-breadth-q1-1" in page(alice_client, "/questions/?q=singular")
    Answer.objects.filter(id=answer.id).delete()
    assert "ml-breadth-q1-1" not in page(alice_client, "/questions/?q=singular")


def test_the_question_page_reads_its_answers_once_per_version_and_shows_each_edit(alice_client, topic):
    url = "/questions/ml-breadth-q1-1/"
    answer = Answer.objects.get(question__slug="ml-breadth-q1-1")
    answer.body = "First *wording*."
    answer.save()
    assert "First <em>wording</em>." in page(alice_client, url)
    with CaptureQueriesContext(connection) as warm:
        page(alice_client, url)
    assert not [q for q in warm.captured_queries if Answer._meta.db_table in q["sql"]]
    answer.body = "Second wording."
    answer.save()
    shown = page(alice_client, url)
    assert "Second wording." in shown and "First" not in shown
    Answer.objects.create(question=answer.question, body="A second answer.", order=answer.order + 1)
    shown = page(alice_client, url)
    assert shown.index("Second wording.") < shown.index("A second answer.")
    Answer.objects.filter(question=answer.question).delete()
    assert "No answer written yet." in page(alice_client, url)
