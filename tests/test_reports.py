"""Reporting a problem with an answer: a logged-in user's short form, kept for staff, limited
per user; staff see it in the admin and mark it resolved."""

import pytest
from django.contrib.auth.models import User

from progress.models import Report
from tests.conftest import CsrfClient
from topics.models import Question


@pytest.fixture
def question(topic) -> Question:
    return Question.objects.order_by("id").first()


def report(client, question, problem="The formula for the gradient has the wrong sign.", suggestion=""):
    return client.post_form(f"/questions/{question.slug}/report/", {"problem": problem, "suggestion": suggestion})


def test_a_report_is_kept_with_its_question_and_sender(alice_client, alice, question):
    assert "Report a problem with this answer" in alice_client.get(question.get_absolute_url()).content.decode()
    response = report(alice_client, question, suggestion="Use p - y.")
    assert response.status_code == 302 and response["Location"] == question.get_absolute_url()
    page = alice_client.get(question.get_absolute_url()).content.decode()
    assert "your report is with us" in page
    (kept,) = Report.objects.all()
    assert (kept.user, kept.question, kept.suggestion, kept.resolved) == (alice, question, "Use p - y.", False)
    report(alice_client, question, problem="A second problem.")
    assert Report.objects.count() == 2


def test_an_empty_report_is_refused_and_nothing_kept(alice_client, question):
    response = report(alice_client, question, problem="")
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    assert not Report.objects.exists()


def test_reports_need_login_and_csrf(anon_client, alice_client, question):
    assert "Report a problem" not in anon_client.get(question.get_absolute_url()).content.decode()
    response = report(anon_client, question)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert alice_client.post(f"/questions/{question.slug}/report/", {"problem": "x"}).status_code == 403
    assert not Report.objects.exists()


def test_reports_are_limited_per_user(alice_client, bob_client, question, settings):
    settings.REPORTS_PER_HOUR_PER_USER = 2
    for _ in range(2):
        assert report(alice_client, question).status_code == 302
    response = report(alice_client, question)
    assert response.status_code == 429 and "a lot of reports in an hour" in response.content.decode()
    assert report(bob_client, question).status_code == 302  # someone else is not limited by it
    assert Report.objects.count() == 3


def test_staff_see_open_reports_and_mark_them_resolved(alice, question):
    Report.objects.create(user=alice, question=question, problem="Typo in the table.")
    staff = User.objects.create_superuser("staff", "staff@example.org", "a long staff password")
    client = CsrfClient()
    client.force_login(staff)
    listing = client.get("/admin/progress/report/").content.decode()
    assert "Typo in the table." in listing and question.title in listing
    report_id = Report.objects.get().id
    response = client.post_form(
        "/admin/progress/report/", {"action": "mark_resolved", "_selected_action": [report_id]}, follow=True
    )
    assert "1 report marked resolved." in response.content.decode()
    assert Report.objects.get().resolved
    open_only = client.get("/admin/progress/report/?resolved_at__isnull=True").content.decode()
    assert "Typo in the table." not in open_only
