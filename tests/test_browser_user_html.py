"""What users write, in a real browser: hostile notes saved through the editor and through an
import do nothing, and an htmx attribute that got past the sanitizer would still be inert."""

import json

import pytest
from django.contrib.auth.models import User

from progress.models import Note, StudiedMark
from tests.browser import log_in_as
from tests.conftest import PASSWORD, make_topic
from tests.xss_payloads import XSS_PAYLOADS
from topics.models import Question

pytestmark = pytest.mark.browser


@pytest.fixture
def victim(transactional_db):
    make_topic("safety", sections=1, per_section=2)
    user = User.objects.create_user("vic", "vic@example.org", PASSWORD)
    for question in Question.objects.all():
        StudiedMark.objects.set_studied(user, question, True)
    return user


def log_in(page, base: str) -> None:
    log_in_as(page, base, "vic")


def record_posts(page) -> list[str]:
    posts: list[str] = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    return posts


def open_note_and_touch_everything(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    for element in page.locator(".note-body *").all()[:200]:
        if element.is_visible():
            element.hover()
    page.wait_for_timeout(300)


def test_an_htmx_attribute_in_a_note_does_nothing_even_past_the_sanitizer(live_server, victim, page):
    """As if the sanitizer had failed: the stored HTML itself carries hx-post. The note's
    container disables htmx, so the victim's browser posts nothing and their progress stays."""
    question = Question.objects.order_by("id").first()
    note = Note.objects.create(user=victim, question=question, body="placeholder")
    hostile = (
        '<p><a hx-post="/account/progress/reset/" hx-trigger="load" hx-vals=\'{"topic": "safety", "confirm": "on"}\' '
        'href="#">x</a><span data-hx-post="/account/progress/reset/" data-hx-trigger="mouseover">y</span></p>'
    )
    Note.objects.filter(id=note.id).update(html=hostile)  # bypasses the renderer on purpose
    log_in(page, live_server.url)
    posts = record_posts(page)
    open_note_and_touch_everything(page, f"{live_server.url}{question.get_absolute_url()}")
    assert page.locator(".note-body [hx-post]").count() == 1  # it is there, and inert
    assert posts == []
    assert StudiedMark.objects.filter(user=victim).count() == 2


def test_the_hostile_corpus_saved_in_the_editor_does_nothing(live_server, victim, page):
    question = Question.objects.order_by("id").first()
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}{question.get_absolute_url()}")
    page.click("text=Add a note")
    page.fill("#note textarea", "\n\n".join(XSS_PAYLOADS))
    page.click("#note button[type=submit]")
    page.wait_for_selector("#note .note-body")
    posts = record_posts(page)
    open_note_and_touch_everything(page, f"{live_server.url}{question.get_absolute_url()}")
    assert posts == []
    assert page.evaluate("() => document.querySelectorAll('.note-body [hx-post], .note-body script').length") == 0
    assert StudiedMark.objects.filter(user=victim).count() == 2


def test_the_hostile_corpus_arriving_in_an_import_does_nothing(live_server, victim, page, tmp_path):
    questions = list(Question.objects.order_by("id"))
    export = {
        "format": "prepsite-progress",
        "version": 1,
        "marks": [],
        "stars": [],
        "notes": [
            {"question": q.slug, "body": "\n\n".join(XSS_PAYLOADS[i::2]), "updated_at": "2026-01-01T00:00:00+00:00"}
            for i, q in enumerate(questions)
        ],
        "review_cards": [],
        "review_log": [],
    }
    file = tmp_path / "shared-export.json"
    file.write_text(json.dumps(export))
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/account/progress/")
    page.set_input_files("input[type=file]", str(file))
    page.click("text=Check the file")
    page.click("text=Apply these changes")
    page.wait_for_selector("text=Imported:")
    assert Note.objects.filter(user=victim).count() == 2
    posts = record_posts(page)
    for question in questions:
        open_note_and_touch_everything(page, f"{live_server.url}{question.get_absolute_url()}")
    assert posts == []
    assert StudiedMark.objects.filter(user=victim).count() == 2


def test_a_report_filed_in_the_browser_reaches_the_admin(live_server, victim, page):
    question = Question.objects.order_by("id").first()
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}{question.get_absolute_url()}")
    page.click("text=Report a problem with this answer")
    page.fill("textarea[name=problem]", "The second paragraph contradicts the table.")
    page.click("text=Send the report")
    page.wait_for_selector("text=your report is with us")
    User.objects.create_superuser("boss", "boss@example.org", PASSWORD)
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/progress/report/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/progress/report/")
    assert "The second paragraph contradicts the table." in page.inner_text("#result_list")
