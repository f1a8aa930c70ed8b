import re
import threading

import pytest

from progress.forms import NoteForm
from progress.models import Note, Star
from tests.xss_payloads import FORBIDDEN, XSS_PAYLOADS, markup_of
from topics.models import Question


@pytest.fixture
def question(topic) -> Question:
    return Question.objects.get(slug="ml-breadth-q1-2")


def save_note(client, question, body: str, htmx: bool = False):
    return client.post_form(f"/questions/{question.slug}/note/", {"body": body}, htmx=htmx)


def test_a_note_is_saved_rendered_and_shown_under_the_answer(alice_client, alice, question):
    response = save_note(alice_client, question, "Remember **the chain rule** and $\\nabla f$.")
    assert response.status_code == 302 and response["Location"] == f"{question.get_absolute_url()}#note"
    note = Note.objects.get(user=alice, question=question)
    assert "<strong>the chain rule</strong>" in note.html and "<math" in note.html
    page = alice_client.get(question.get_absolute_url()).content.decode()
    assert page.index("Show the model answer") < page.index("<strong>the chain rule</strong>")


def test_editing_with_htmx_swaps_the_note_in_place(alice_client, alice, question):
    editor = alice_client.get(f"/questions/{question.slug}/note/", HTTP_HX_REQUEST="true").content.decode()
    assert editor.lstrip().startswith('<section class="note" id="note">') and "<textarea" in editor
    response = save_note(alice_client, question, "First draft", htmx=True)
    html = response.content.decode()
    assert response.status_code == 200 and "First draft" in html and "Edit note" in html
    save_note(alice_client, question, "Second draft", htmx=True)
    assert Note.objects.get(user=alice).body == "Second draft"


def test_without_javascript_the_editor_is_a_page(alice_client, question):
    page = alice_client.get(f"/questions/{question.slug}/note/").content.decode()
    assert "<html" in page and "<textarea" in page


def test_an_empty_note_deletes_it(alice_client, alice, question):
    save_note(alice_client, question, "Something")
    save_note(alice_client, question, "   ")
    assert not Note.objects.filter(user=alice).exists()


def test_a_too_long_note_is_refused_and_the_old_one_kept(alice_client, alice, question):
    save_note(alice_client, question, "Keep me")
    response = save_note(alice_client, question, "x" * 20001)
    assert response.status_code == 400
    assert "at most 20000 characters" in response.content.decode()
    assert Note.objects.get(user=alice).body == "Keep me"


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_notes_are_sanitized(alice_client, alice, question, payload):
    save_note(alice_client, question, payload)
    note = Note.objects.filter(user=alice).first()
    if note is None:
        return  # a payload of only white space after stripping deletes the note
    markup = markup_of(note.html).lower()
    for forbidden in FORBIDDEN:
        assert forbidden not in markup


def test_notes_are_private(alice_client, bob_client, alice, question):
    save_note(alice_client, question, "Alice's secret mnemonic")
    assert "secret mnemonic" not in bob_client.get(question.get_absolute_url()).content.decode()
    assert "secret mnemonic" not in bob_client.get(f"/questions/{question.slug}/note/").content.decode()
    save_note(bob_client, question, "Bob's own")
    assert Note.objects.get(user=alice).body == "Alice's secret mnemonic"


def test_notes_need_login_and_csrf(anon_client, alice_client, alice, question):
    response = anon_client.post_form(f"/questions/{question.slug}/note/", {"body": "x"})
    assert response["Location"].startswith("/accounts/login/")
    assert alice_client.post(f"/questions/{question.slug}/note/", {"body": "x"}).status_code == 403
    assert not Note.objects.exists()


def test_lists_show_a_note_marker(alice_client, question):
    save_note(alice_client, question, "A note")
    page = alice_client.get("/topics/ml-breadth/").content.decode()
    assert page.count('class="note-marker"') == 1
    assert f'href="{question.get_absolute_url()}#note"' in page


def test_a_star_is_toggled_by_stating_the_result(alice_client, alice, question):
    for _ in range(2):
        alice_client.post_form(f"/questions/{question.slug}/star/", {"starred": "1"})
    assert Star.objects.filter(user=alice, question=question).count() == 1
    response = alice_client.post_form(f"/questions/{question.slug}/star/", {"starred": "0"}, htmx=True)
    assert response.status_code == 200 and 'aria-pressed="false"' in response.content.decode()
    assert not Star.objects.exists()
    assert alice_client.post_form(f"/questions/{question.slug}/star/", {"starred": "yes"}).status_code == 400
    assert alice_client.get(f"/questions/{question.slug}/star/").status_code == 405


def test_starred_filter_and_dashboard_list(alice_client, bob_client, alice, question):
    Star.objects.set_starred(alice, question, True)
    page = alice_client.get("/topics/ml-breadth/?status=starred").content.decode()
    assert re.findall(r'class="question-title" href="/questions/([^/]+)/"', page) == [question.slug]
    assert question.title in alice_client.get("/").content.decode().split("Starred to revisit")[1]
    assert "No stars yet" in bob_client.get("/").content.decode()


def test_the_migration_renders_stored_notes_again(alice, question):
    """Notes stored by an older sanitizer are replaced by what today's renderer makes of them."""
    import importlib

    from django.apps import apps

    body = '<div class="<math><mtext>&quot; hx-post=&quot;/x/&quot; hx-trigger=&quot;load&quot;</mtext></math>">x</div>'
    Note.objects.create(user=alice, question=question, body=body)
    stale = '<div class="<math><mtext>" hx-post="/x/" hx-trigger="load"</mtext></math>">x</div>'
    Note.objects.update(html=stale)
    migration = importlib.import_module("progress.migrations.0006_rerender_notes")
    migration.rerender_notes(apps, None)
    note = Note.objects.get(user=alice)
    assert "hx-" not in markup_of(note.html)
    assert note.body == body


def test_a_note_too_slow_to_format_is_refused_and_the_old_one_kept(alice_client, alice, question, settings):
    """Python-Markdown takes time quadratic in a paragraph's length on runs of "["."""
    settings.NOTE_RENDER_SECONDS = 0.2
    save_note(alice_client, question, "Keep me")
    response = save_note(alice_client, question, "[" * 20000)
    assert response.status_code == 400
    assert "takes too long to format" in response.content.decode()
    assert Note.objects.get(user=alice).body == "Keep me"


def in_a_thread(function):
    """function() run in a thread other than the main one, as gthread workers and runserver run
    requests; its result, or the exception it raised."""
    outcome = {}

    def run():
        try:
            outcome["value"] = function()
        except Exception as error:  # handed back to the test
            outcome["value"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return outcome["value"]


def test_the_time_limit_holds_outside_the_main_thread_too(settings):
    settings.NOTE_RENDER_SECONDS = 0.5
    slow = NoteForm({"body": "[" * 20000})
    assert in_a_thread(slow.is_valid) is False
    assert "takes too long to format" in slow.errors["body"][0]
    quick = NoteForm({"body": "A note with a [link](https://example.org) and $x^2$."})
    assert in_a_thread(quick.is_valid) is True
