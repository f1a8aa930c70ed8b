"""A stored rendering follows its source on every path that changes it (the note form, HTMX,
an import, the admin, update_or_create), checked on the page after a second edit; and text that
cannot be formatted is refused with a message, never a 500."""

import json

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from progress.models import Note
from tests.conftest import CsrfClient
from topics.models import Answer, Question, Topic
from topics.rendering import RenderRefused, check_render_time, render_markdown


@pytest.fixture
def question(topic) -> Question:
    return Question.objects.order_by("id").first()


def note_on_page(client, question) -> str:
    page = client.get(question.get_absolute_url()).content.decode()
    return page.split('<div class="prose note-body" hx-disable>', 1)[1].split("</div>", 1)[0]


def save_note(client, question, body: str, htmx: bool):
    return client.post_form(f"/questions/{question.slug}/note/", {"body": body}, htmx=htmx)


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_a_second_edit_shows_on_the_page(alice_client, alice, question, htmx):
    save_note(alice_client, question, "First **draft**", htmx)
    assert "First <strong>draft</strong>" in note_on_page(alice_client, question)
    response = save_note(alice_client, question, "Second *version* with $x^2$", htmx)
    assert response.status_code in (200, 302)
    shown = note_on_page(alice_client, question)
    assert "Second <em>version</em>" in shown and "<msup>" in shown and "draft" not in shown
    note = Note.objects.get(user=alice, question=question)
    assert note.body == "Second *version* with $x^2$" and "Second <em>version</em>" in note.html
    # And a third, back to plain text: nothing of the second is left either.
    save_note(alice_client, question, "Third", htmx)
    assert note_on_page(alice_client, question).strip() == "<p>Third</p>"


def upload(client, data: dict):
    raw = json.dumps(data).encode()
    preview = client.post_form("/account/progress/import/", {"file": SimpleUploadedFile("export.json", raw)})
    assert preview.status_code == 200, preview.content.decode()
    digest = preview.content.decode().split('name="digest" value="', 1)[1].split('"', 1)[0]
    return client.post_form("/account/progress/import/apply/", {"digest": digest})


def export_with_note(question: Question, body: str, minutes_from_now: int) -> dict:
    at = (timezone.now() + timezone.timedelta(minutes=minutes_from_now)).isoformat()
    return {
        "format": "prepsite-progress",
        "version": 1,
        "marks": [],
        "stars": [],
        "notes": [{"question": question.slug, "body": body, "updated_at": at}],
        "review_cards": [],
        "review_log": [],
    }


def test_an_imported_note_replaces_what_the_page_shows(alice_client, alice, question):
    save_note(alice_client, question, "Written **here**", htmx=False)
    upload(alice_client, export_with_note(question, "Imported *first*", 1))
    assert "Imported <em>first</em>" in note_on_page(alice_client, question)
    upload(alice_client, export_with_note(question, "Imported **again**", 2))
    shown = note_on_page(alice_client, question)
    assert "Imported <strong>again</strong>" in shown and "first" not in shown
    assert Note.objects.get(user=alice, question=question).body == "Imported **again**"


def test_an_edit_in_the_admin_shows_on_the_page(db, alice, question):
    Note.objects.create(user=alice, question=question, body="From the user")
    admin = User.objects.create_superuser("root", "root@example.org", "a long admin password")
    client = CsrfClient()
    client.force_login(admin)
    note = Note.objects.get()
    for body in ("Edited by **staff**", "Edited *twice*"):
        response = client.post_form(
            f"/admin/progress/note/{note.id}/change/",
            {
                "user": alice.id,
                "question": question.id,
                "body": body,
                "updated_at_0": "2026-01-02",
                "updated_at_1": "10:00:00",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    alice_client = CsrfClient()
    alice_client.force_login(alice)
    shown = note_on_page(alice_client, question)
    assert "Edited <em>twice</em>" in shown and "staff" not in shown


def test_update_or_create_writes_the_rendering_with_the_source(db, alice, question):
    Note.objects.update_or_create(user=alice, question=question, defaults={"body": "one"})
    Note.objects.update_or_create(user=alice, question=question, defaults={"body": "**two**"})
    assert Note.objects.get().html == "<p><strong>two</strong></p>"
    answer = Answer.objects.filter(question=question).get()
    Answer.objects.update_or_create(id=answer.id, defaults={"body": "New *answer*"})
    assert Answer.objects.get(id=answer.id).html == "<p>New <em>answer</em></p>"
    topic = Topic.objects.get()
    topic.intro = "An **intro**"
    topic.save(update_fields=["intro"])
    topic.refresh_from_db()
    assert topic.intro_html == "<p>An <strong>intro</strong></p>"


def test_raw_html_in_a_note_shows_as_text(alice_client, question):
    save_note(alice_client, question, "Use <b>bold</b> and <script>alert(1)</script>", htmx=False)
    shown = note_on_page(alice_client, question)
    assert "&lt;b&gt;bold&lt;/b&gt;" in shown and "<script" not in shown and "<b>" not in shown


def test_content_keeps_its_raw_html_sanitized():
    html = render_markdown('A <kbd>Ctrl</kbd> key <span onclick="x" hx-get="/">here</span>', trusted=True)
    assert html == "<p>A <kbd>Ctrl</kbd> key <span>here</span></p>"


NESTED_TEX = "$" + "{" * 500 + "x" + "}" * 500 + "$"


def test_deeply_nested_tex_in_a_note_renders_harmlessly(alice_client, alice, question):
    response = save_note(alice_client, question, NESTED_TEX, htmx=True)
    assert response.status_code == 200
    assert '<code class="math-error">' in note_on_page(alice_client, question)
    assert Note.objects.get(user=alice).body == NESTED_TEX


def test_deeply_nested_mathml_in_a_note_is_text(alice_client, question):
    body = "<math>" + "<mrow>" * 1000 + "x" + "</mrow>" * 1000 + "</math>"
    assert save_note(alice_client, question, body, htmx=True).status_code == 200
    assert "&lt;mrow&gt;" in note_on_page(alice_client, question)


@pytest.mark.parametrize(
    "body",
    ["".join("  " * depth + "- x\n" for depth in range(100)), ">" * 1000 + " x", "> " * 60 + "- x"],
    ids=["lists", "quotes", "both"],
)
def test_lists_nested_too_deeply_are_refused_and_the_old_note_kept(alice_client, alice, question, body):
    save_note(alice_client, question, "Keep me", htmx=False)
    response = save_note(alice_client, question, body, htmx=True)
    assert response.status_code == 400
    assert "nests lists or quotes too deeply" in response.content.decode()
    assert Note.objects.get(user=alice).body == "Keep me"


def test_a_render_that_crashes_outside_the_main_thread_is_an_error(monkeypatch):
    import threading

    from tests.render_crash import die_without_a_word

    monkeypatch.setattr("topics.rendering._render_in_child", die_without_a_word)
    outcome = {}

    def run():
        try:
            check_render_time(["any text"], 5)
        except RenderRefused as refused:
            outcome["refused"] = str(refused)
        else:
            outcome["passed"] = True

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert outcome == {"refused": "This text could not be formatted."}


def test_a_refusal_outside_the_main_thread_keeps_its_reason():
    import threading

    outcome = {}
    body = "".join("  " * depth + "- x\n" for depth in range(1500))

    def run():
        try:
            check_render_time([body], 10)
        except RenderRefused as refused:
            outcome["refused"] = str(refused)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert "nests lists or quotes too deeply" in outcome["refused"]
