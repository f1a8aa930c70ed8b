import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coding.models import Draft, Status, Submission
from mock.models import MockItem, MockSession
from progress import review
from progress.models import (
    FollowedPath,
    Note,
    PendingImport,
    ReviewCard,
    ReviewLog,
    ReviewSettings,
    Star,
    StudiedMark,
)
from progress.portability import apply_import, export_progress
from topics.models import PathStep, Question, StudyPath


def q(slug: str) -> Question:
    return Question.objects.get(slug=slug)


@pytest.fixture
def history(alice, topic):
    """Alice has a bit of everything."""
    now = timezone.now()
    StudiedMark.objects.create(user=alice, question=q("ml-breadth-q1-1"), created_at=now - timedelta(days=3))
    StudiedMark.objects.create(user=alice, question=q("ml-breadth-q2-1"), created_at=now - timedelta(days=2))
    Star.objects.create(user=alice, question=q("ml-breadth-q1-2"), created_at=now - timedelta(days=1))
    Note.objects.create(
        user=alice, question=q("ml-breadth-q1-1"), body="Mnemonic: *ABC*", updated_at=now - timedelta(hours=5)
    )
    review.rate(alice, q("ml-breadth-q1-1"), 3, now=now - timedelta(days=4))
    review.rate(alice, q("ml-breadth-q1-1"), 2, now=now - timedelta(days=1))
    ReviewSettings.objects.create(user=alice, desired_retention=Decimal("0.85"), new_cards_per_day=7)
    path = StudyPath.objects.create(slug="plan", title="Plan")
    PathStep.objects.create(path=path, topic=topic, section=topic.sections.get(slug="section-2"))
    follow = FollowedPath.objects.create(user=alice, path=path, target_date=now.date() + timedelta(days=20))
    FollowedPath.objects.filter(pk=follow.pk).update(started_at=now - timedelta(days=6), planned_from=now)
    Draft.objects.create(user=alice, question=q("ml-breadth-q2-2"), code="def f():\n    return 1\n")
    Submission.objects.create(
        user=alice,
        question=q("ml-breadth-q2-2"),
        code="def f():\n    return 0\n",
        status=Status.FAILED,
        results=[{"kind": "visible", "passed": True}, {"kind": "hidden", "passed": False}],
        finished_at=now - timedelta(hours=2),
    )
    session = MockSession.objects.create(
        user=alice,
        source="topic",
        source_value="ml-breadth",
        question_count=3,
        minutes_per_question=3,
        created_at=now - timedelta(days=2, hours=1),
        finished_at=now - timedelta(days=2),
    )
    for position, slug in enumerate(["ml-breadth-q1-3", "ml-breadth-q2-3"], start=1):
        MockItem.objects.create(
            session=session,
            question=q(slug),
            position=position,
            started_at=session.created_at + timedelta(minutes=3 * position),
            revealed_at=session.created_at + timedelta(minutes=3 * position + 2),
            graded_at=session.created_at + timedelta(minutes=3 * position + 3),
            checked=[0, 2],
            checklist_size=4,
            rating=position + 1,
        )
    return alice


def snapshot(user) -> dict:
    """What an import restores: all of the export but its header and the record of code runs."""
    data = export_progress(user)
    for kind in ("exported_at", "username", "code_runs"):
        data.pop(kind)
    return data


def upload(client, data, name="export.json"):
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return client.post_form("/account/progress/import/", {"file": SimpleUploadedFile(name, raw)})


def test_export_holds_everything(alice_client, history):
    response = alice_client.get("/account/progress/export.json")
    assert response["Content-Disposition"].startswith('attachment; filename="prepsite-progress-')
    data = json.loads(response.content)
    assert data["format"] == "prepsite-progress" and data["version"] == 1
    assert [m["question"] for m in data["marks"]] == ["ml-breadth-q1-1", "ml-breadth-q2-1"]
    assert data["stars"][0]["question"] == "ml-breadth-q1-2"
    assert data["notes"][0]["body"] == "Mnemonic: *ABC*"
    assert len(data["review_cards"]) == 1 and len(data["review_log"]) == 2
    assert data["followed_paths"][0]["path"] == "plan"
    assert data["drafts"] == [
        {
            "question": "ml-breadth-q2-2",
            "code": "def f():\n    return 1\n",
            "updated_at": data["drafts"][0]["updated_at"],
        }
    ]
    (session,) = data["mock_sessions"]
    assert [item["question"] for item in session["items"]] == ["ml-breadth-q1-3", "ml-breadth-q2-3"]
    assert session["items"][1]["rating"] == 3 and session["items"][0]["checked"] == [0, 2]
    (run,) = data["code_runs"]
    assert (run["status"], run["tests_passed"], run["tests"]) == ("failed", 1, 2)


def test_marks_csv(alice_client, history):
    response = alice_client.get("/account/progress/marks.csv")
    lines = response.content.decode().strip().splitlines()
    assert lines[0] == "question,title,topic,section,difficulty,studied_at"
    assert lines[1].startswith("ml-breadth-q1-1,Question 1.1 of ml-breadth?,Ml Breadth,Section 1,easy,")
    assert len(lines) == 3


def test_export_then_import_into_a_fresh_account_is_lossless(history, bob):
    data = export_progress(history)
    apply_import(bob, data)
    assert snapshot(bob) == snapshot(history)


def test_import_is_idempotent(history, bob):
    data = export_progress(history)
    apply_import(bob, data)
    before = snapshot(bob)
    plan = apply_import(bob, data)
    assert plan.changes == 0
    assert snapshot(bob) == before


def test_import_never_replaces_newer_data_with_older(history):
    old = export_progress(history)
    note = Note.objects.get(user=history)
    note.body, note.updated_at = "Rewritten today", timezone.now()
    note.save()
    review.rate(history, q("ml-breadth-q1-1"), 4)
    newer = snapshot(history)
    plan = apply_import(history, old)
    assert plan.counts["notes"].unchanged == 1 and plan.counts["review_cards"].unchanged == 1
    assert snapshot(history) == newer


def test_import_takes_newer_items_from_the_file(history, bob):
    apply_import(bob, export_progress(history))
    note = Note.objects.get(user=history)
    note.body, note.updated_at = "Improved on another device", timezone.now()
    note.save()
    plan = apply_import(bob, export_progress(history))
    assert plan.counts["notes"].updated == 1
    assert Note.objects.get(user=bob).body == "Improved on another device"


def test_the_preview_shows_what_would_change_and_writes_nothing(alice_client, history, bob_client, bob):
    data = export_progress(history)
    data["marks"].append({"question": "gone-from-the-site", "studied_at": timezone.now().isoformat()})
    response = upload(bob_client, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<th>Marks</th><td>2</td><td>0</td><td>0</td><td>1</td>" in page
    assert "gone-from-the-site" in page
    assert not StudiedMark.objects.filter(user=bob).exists()
    digest = digest_of(page)
    response = bob_client.post_form("/account/progress/import/apply/", {"digest": digest})
    assert response.status_code == 302
    assert StudiedMark.objects.filter(user=bob).count() == 2
    assert bob_client.post_form("/account/progress/import/apply/", {"digest": digest}).status_code == 302  # stale
    assert StudiedMark.objects.filter(user=bob).count() == 2


def digest_of(page: str) -> str:
    return page.split('name="digest" value="')[1].split('"')[0]


def test_a_previewed_file_is_held_outside_the_session(alice_client, history, bob_client, bob):
    """A large file waiting to be applied is not read back with the session on every page."""
    data = export_progress(history)
    at = timezone.now().isoformat()
    data["marks"] += [{"question": f"from-a-bigger-site-{n}", "studied_at": at} for n in range(3000)]  # 200 KB
    response = upload(bob_client, data)
    assert response.status_code == 200
    session = Session.objects.get(pk=bob_client.session.session_key)
    assert len(session.session_data) < 2000
    assert PendingImport.objects.get(user=bob).digest == digest_of(response.content.decode())
    bob_client.post_form("/account/progress/import/apply/", {"digest": digest_of(response.content.decode())})
    assert StudiedMark.objects.filter(user=bob).count() == 2
    assert not PendingImport.objects.filter(user=bob).exists()


def test_only_the_last_preview_of_the_user_who_made_it_can_be_applied(alice_client, alice, history, bob_client, bob):
    data = export_progress(history)
    first = digest_of(upload(bob_client, data).content.decode())
    data["stars"] = []
    second = digest_of(upload(bob_client, data).content.decode())
    assert PendingImport.objects.filter(user=bob).count() == 1
    response = bob_client.post_form("/account/progress/import/apply/", {"digest": first}, follow=True)
    assert "That import is no longer pending" in response.content.decode()
    assert not StudiedMark.objects.filter(user=bob).exists()
    # Alice cannot apply Bob's preview, even knowing its digest.
    alice_client.post_form("/account/progress/import/apply/", {"digest": second})
    assert PendingImport.objects.filter(user=bob).exists()
    bob_client.post_form("/account/progress/import/apply/", {"digest": second})
    assert StudiedMark.objects.filter(user=bob).count() == 2 and not Star.objects.filter(user=bob).exists()


def test_a_preview_older_than_a_day_is_no_longer_pending(history, bob_client, bob):
    digest = digest_of(upload(bob_client, export_progress(history)).content.decode())
    PendingImport.objects.filter(user=bob).update(created_at=timezone.now() - timedelta(hours=25))
    response = bob_client.post_form("/account/progress/import/apply/", {"digest": digest}, follow=True)
    assert "That import is no longer pending" in response.content.decode()
    assert not StudiedMark.objects.filter(user=bob).exists()


BAD_FILES = [
    (b"not json at all", "not JSON"),
    (b"\xff\xfe\x00garbage", "not JSON"),
    (json.dumps([1, 2, 3]).encode(), "not a Prepsite progress export"),
    (json.dumps({"format": "other-app"}).encode(), "not a Prepsite progress export"),
    (json.dumps({"format": "prepsite-progress", "version": 99}).encode(), "version 99"),
    (json.dumps({"format": "prepsite-progress", "version": 1, "marks": "all"}).encode(), "must be a list"),
    (
        json.dumps({"format": "prepsite-progress", "version": 1, "marks": [{"question": "ml-breadth-q1-1"}]}).encode(),
        "marks[0].studied_at",
    ),
    (
        json.dumps(
            {
                "format": "prepsite-progress",
                "version": 1,
                "marks": [{"question": "ml-breadth-q1-1", "studied_at": "2026-01-01T00:00:00+00:00"}],
                "review_log": [
                    {
                        "question": "ml-breadth-q1-1",
                        "rating": 9,
                        "reviewed_at": "2026-01-01T00:00:00+00:00",
                        "due_after": "2026-01-02T00:00:00+00:00",
                    }
                ],
            }
        ).encode(),
        "rating must be",
    ),
]


def export_with(**kinds) -> bytes:
    return json.dumps({"format": "prepsite-progress", "version": 1, **kinds}).encode()


def mark_at(when: str) -> bytes:
    return export_with(marks=[{"question": "ml-breadth-q1-1", "studied_at": when}])


def card(**fields) -> bytes:
    item = {"question": "ml-breadth-q1-1", "state": 2, "step": None, "stability": 3.5, "difficulty": 5.0}
    item |= {"due": "2026-01-05T00:00:00+00:00", "last_review": "2026-01-01T00:00:00+00:00"}
    return export_with(review_cards=[item | fields])


BAD_FILES += [
    (b"[" * 100_000, "not JSON"),  # nested too deeply for the parser
    (mark_at("2024-02-30T00:00:00+00:00"), "marks[0].studied_at"),
    (mark_at("2024-01-01T25:00:00+00:00"), "marks[0].studied_at"),
    (mark_at("2024-01-01T00:00:00+99:00"), "marks[0].studied_at"),
    (mark_at("9999-12-31T23:59:59-23:59"), "marks[0].studied_at"),  # past the calendar in UTC
    (mark_at("0001-01-01T00:00:00+23:59"), "marks[0].studied_at"),
    (
        export_with(marks=[{"question": "ml-breadth\u0000q1-1", "studied_at": "2026-01-01T00:00:00+00:00"}]),
        "marks[0] has no question key",
    ),
    (
        export_with(notes=[{"question": "ml-breadth-q1-1", "body": "a\u0000b", "updated_at": "2026-01-01T00:00:00Z"}]),
        "notes[0].body",
    ),
    (card(step=2**70), "step must be a whole number"),
    (card(step=40_000), "step must be a whole number"),
    (card(step=True), "step must be a whole number"),
    (card(stability=None), "invalid state, stability or difficulty"),
    (card(stability=float("nan")), "invalid state, stability or difficulty"),
    (card(stability=float("inf")), "invalid state, stability or difficulty"),
    (card(stability=-1.0), "invalid state, stability or difficulty"),
    (card(difficulty=11.0), "invalid state, stability or difficulty"),
    (card(difficulty="5"), "invalid state, stability or difficulty"),
    (card(state=True), "invalid state, stability or difficulty"),
    (b" " * (5 * 1024 * 1024 + 1), "larger than 5 MB"),
]


@pytest.mark.parametrize("raw, message", BAD_FILES)
def test_bad_files_are_refused_and_change_nothing(alice_client, history, raw, message):
    before = snapshot(history)
    response = upload(alice_client, raw)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "Nothing was changed." in page
    assert snapshot(history) == before


def test_import_and_export_need_login(anon_client, db):
    assert anon_client.get("/account/progress/export.json")["Location"].startswith("/accounts/login/")
    assert anon_client.get("/account/progress/")["Location"].startswith("/accounts/login/")


def test_reset_a_topic_clears_exactly_its_scope(alice_client, history, bob):
    from tests.conftest import make_topic

    make_topic("other", sections=1, per_section=2, order=2)
    StudiedMark.objects.create(user=history, question=q("other-q1-1"))
    StudiedMark.objects.create(user=bob, question=q("ml-breadth-q1-1"))
    page = alice_client.get("/account/progress/reset/?topic=ml-breadth").content.decode()
    assert "<strong>2</strong> studied marks" in page and "<strong>1</strong> star" in page
    assert "<strong>1</strong> review schedule and <strong>2</strong> review log entries" in page
    assert StudiedMark.objects.filter(user=history).count() == 3  # showing the page cleared nothing
    response = alice_client.post_form("/account/progress/reset/", {"topic": "ml-breadth", "confirm": "on"})
    assert response.status_code == 302
    assert list(StudiedMark.objects.filter(user=history).values_list("question__slug", flat=True)) == ["other-q1-1"]
    assert not Star.objects.filter(user=history).exists()
    assert not ReviewCard.objects.filter(user=history).exists() and not ReviewLog.objects.filter(user=history).exists()
    assert Note.objects.filter(user=history).exists()  # notes are kept, as the page says
    assert StudiedMark.objects.filter(user=bob).exists()  # nobody else's progress


def test_reset_a_path(alice_client, history, topic):
    """The history's path "Plan" is section 2 of the topic."""
    alice_client.post_form("/account/progress/reset/", {"path": "plan", "confirm": "on"})
    assert list(StudiedMark.objects.filter(user=history).values_list("question__slug", flat=True)) == [
        "ml-breadth-q1-1"
    ]


@pytest.mark.parametrize(
    "data",
    [
        {"topic": "ml-breadth"},
        {},
        {"topic": "ml-breadth", "path": "x", "confirm": "on"},
        {"topic": "nope", "confirm": "on"},
    ],
)
def test_a_reset_without_confirmation_or_scope_is_refused(alice_client, history, data):
    response = alice_client.post_form("/account/progress/reset/", data)
    assert response.status_code == 400
    assert StudiedMark.objects.filter(user=history).count() == 2


def test_deleting_the_account_deletes_everything_after_confirmation(alice_client, history, topic):
    FollowedPath.objects.create(user=history, path=StudyPath.objects.create(slug="p", title="P"))
    response = alice_client.post_form("/account/delete/", {"password": "wrong"})
    assert response.status_code == 400 and User.objects.filter(username="alice").exists()
    response = alice_client.post_form("/account/delete/", {"password": "correct horse battery staple"})
    assert response.status_code == 302
    assert not User.objects.filter(username="alice").exists()
    for model in (StudiedMark, Star, Note, ReviewCard, ReviewLog, FollowedPath):
        assert not model.objects.exists()


def test_an_imported_review_card_can_be_rated_again(alice_client, alice, topic):
    response = upload(alice_client, card())
    assert response.status_code == 200
    digest = response.context["digest"]
    assert alice_client.post_form("/account/progress/import/apply/", {"digest": digest}).status_code == 302
    assert ReviewCard.objects.get(user=alice).stability == 3.5
    review.rate(alice, q("ml-breadth-q1-1"), 3)
    assert ReviewLog.objects.filter(user=alice).count() == 1


def test_a_file_naming_more_questions_than_one_query_can_hold_is_previewed(alice_client, alice, topic):
    """PostgreSQL takes at most 65,535 parameters in a query."""
    marks = [{"question": f"gone-{n}", "studied_at": "2026-01-01T00:00:00+00:00"} for n in range(70_000)]
    marks.append({"question": "ml-breadth-q1-1", "studied_at": "2026-01-01T00:00:00+00:00"})
    response = upload(alice_client, export_with(marks=marks))
    assert response.status_code == 200
    plan = response.context["plan"]
    assert (plan.counts["marks"].added, plan.counts["marks"].unknown) == (1, 70_000)


def test_notes_too_slow_to_format_refuse_the_import(alice_client, history, settings):
    settings.IMPORT_RENDER_SECONDS = 0.2
    before = snapshot(history)
    notes = [{"question": "ml-breadth-q2-1", "body": "[" * 20000, "updated_at": "2026-01-01T00:00:00+00:00"}]
    response = upload(alice_client, export_with(notes=notes))
    assert response.status_code == 400
    assert "take too long to format" in response.content.decode()
    assert snapshot(history) == before


SURROGATE_MESSAGE = "an invalid character (a lone UTF-16 surrogate)."


def refused_and_nothing_changed(client, user, raw: bytes, message: str) -> None:
    """The upload is refused with the page naming the item, and nothing is written."""
    before = snapshot(user)
    response = upload(client, raw)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "Nothing was changed." in page
    assert snapshot(user) == before
    assert not PendingImport.objects.filter(user=user).exists()
    # The page still works afterwards, and says nothing is waiting to be applied.
    page = client.get("/account/progress/")
    assert page.status_code == 200 and 'name="digest"' not in page.content.decode()


def test_a_lone_surrogate_in_a_question_key_is_refused_with_its_item_named(alice_client, history):
    marks = [
        {"question": "ml-breadth-q1-2", "studied_at": "2026-01-01T00:00:00+00:00"},
        {"question": "ml-breadth-q1-\ud800", "studied_at": "2026-01-01T00:00:00+00:00"},
    ]
    message = f"marks[1].question contains {SURROGATE_MESSAGE}"
    refused_and_nothing_changed(alice_client, history, export_with(marks=marks), message)


def test_a_lone_surrogate_in_a_note_is_refused_with_its_item_named(alice_client, history):
    notes = [
        {"question": f"ml-breadth-q{s}-{n}", "body": "Fine", "updated_at": "2027-01-01T00:00:00+00:00"}
        for s, n in [(1, 1), (1, 2), (2, 1)]
    ]
    notes.append({"question": "ml-breadth-q2-2", "body": "Half a pair: \udc00!", "updated_at": "2027-01-01T00:00Z"})
    message = f"notes[3].body contains {SURROGATE_MESSAGE}"
    refused_and_nothing_changed(alice_client, history, export_with(notes=notes), message)
    assert list(Note.objects.filter(user=history).values_list("body", flat=True)) == ["Mnemonic: *ABC*"]


def test_a_lone_surrogate_in_a_field_name_is_refused(alice_client, history):
    marks = [{"question": "ml-breadth-q1-2", "studied_at": "2026-01-01T00:00:00+00:00", "\ud83d": 1}]
    message = f"marks[0] has a field name that contains {SURROGATE_MESSAGE}"
    refused_and_nothing_changed(alice_client, history, export_with(marks=marks), message)


def test_a_character_written_as_a_surrogate_pair_is_imported(alice_client, alice, topic):
    """JSON spells characters beyond U+FFFF as two escapes; together they are one character."""
    raw = export_with(
        notes=[{"question": "ml-breadth-q1-1", "body": "Smile \U0001f600", "updated_at": "2026-01-01T00:00Z"}]
    )
    assert b"\\ud83d\\ude00" in raw
    response = upload(alice_client, raw)
    assert response.status_code == 200
    response = alice_client.post_form(
        "/account/progress/import/apply/", {"digest": digest_of(response.content.decode())}
    )
    assert response.status_code == 302
    assert list(Note.objects.filter(user=alice).values_list("body", flat=True)) == ["Smile \U0001f600"]
    assert "Smile \U0001f600" in alice_client.get("/questions/ml-breadth-q1-1/").content.decode()


def apply_through_the_page(client, data) -> str:
    """Preview then apply, as a user does; the preview page's text."""
    response = upload(client, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert client.post_form("/account/progress/import/apply/", {"digest": digest_of(page)}).status_code == 302
    return page


def test_paths_drafts_and_mock_interviews_come_back_in_a_fresh_account(history, bob_client, bob):
    data = export_progress(history)
    data["mock_sessions"][0]["items"].append(
        {"question": "not-on-this-site", "position": 3, "checked": [], "checklist_size": 0, "rating": None}
    )
    data["followed_paths"].append({"path": "retired-path", "started_at": "2026-01-01T00:00:00Z", "target_date": None})
    page = apply_through_the_page(bob_client, data)
    assert "<th>Followed paths</th><td>1</td><td>0</td><td>0</td><td>1</td>" in page
    assert "<th>Code drafts</th><td>1</td><td>0</td><td>0</td><td>0</td>" in page
    assert "<th>Mock interviews</th><td>1</td><td>0</td><td>0</td><td>1</td>" in page
    assert "retired-path" in page and "not-on-this-site" in page

    follow = FollowedPath.objects.get(user=bob)
    original = FollowedPath.objects.get(user=history)
    assert (follow.path.slug, follow.started_at, follow.target_date, follow.planned_from) == (
        "plan",
        original.started_at,
        original.target_date,
        original.planned_from,
    )
    session = MockSession.objects.get(user=bob)
    assert [item.question.slug for item in session.items.all()] == ["ml-breadth-q1-3", "ml-breadth-q2-3"]
    # What the user sees: the session in the list with its scores, the path followed, the draft in the editor.
    mock_page = bob_client.get("/mock/").content.decode()
    assert "2 / 2" in mock_page and "4 / 8" in mock_page  # questions graded, checklist lines ticked
    assert "in progress" not in mock_page
    assert bob_client.get(f"/mock/{session.id}/summary/").status_code == 200

    # The second import of the same file changes nothing.
    assert "Nothing to change" in upload(bob_client, data).content.decode()
    apply_import(bob, data)
    assert MockSession.objects.filter(user=bob).count() == 1
    assert FollowedPath.objects.filter(user=bob).count() == 1
    assert Draft.objects.filter(user=bob).count() == 1


def test_a_path_already_followed_keeps_its_target_and_a_newer_draft_wins(history, bob):
    apply_import(bob, export_progress(history))
    mine = FollowedPath.objects.get(user=bob)
    FollowedPath.objects.filter(pk=mine.pk).update(target_date=mine.target_date + timedelta(days=30))
    draft = Draft.objects.get(user=history)
    draft.code, draft.updated_at = "def f():\n    return 2\n", timezone.now()
    draft.save()

    plan = apply_import(bob, export_progress(history))
    assert plan.counts["followed_paths"].unchanged == 1 and plan.counts["drafts"].updated == 1
    assert FollowedPath.objects.get(user=bob).target_date == mine.target_date + timedelta(days=30)
    assert Draft.objects.get(user=bob).code == "def f():\n    return 2\n"

    older = export_progress(bob)
    bob_draft = Draft.objects.get(user=bob)
    bob_draft.code, bob_draft.updated_at = "def f():\n    return 3\n", timezone.now()
    bob_draft.save()
    assert apply_import(bob, older).counts["drafts"].unchanged == 1
    assert Draft.objects.get(user=bob).code == "def f():\n    return 3\n"


def mock_session(**fields) -> dict:
    item = {"question": "ml-breadth-q1-1", "position": 1, "checked": [0], "checklist_size": 2, "rating": 3}
    session = {"source": "topic", "source_value": "ml-breadth", "question_count": 3, "minutes_per_question": 3}
    session |= {"created_at": "2026-01-01T00:00:00Z", "finished_at": None, "items": [item]}
    items = fields.pop("items", None)
    if isinstance(items, list):
        session["items"] = [item | extra for extra in items]
    elif items is not None:
        session["items"] = items
    return session | fields


BAD_OTHER_FILES = [
    (
        export_with(drafts=[{"question": "ml-breadth-q1-1", "code": "x" * 50_001, "updated_at": "2026-01-01T00:00Z"}]),
        "drafts[0].code must be text of at most 50,000 characters",
    ),
    (export_with(followed_paths=[{"path": "plan"}]), "followed_paths[0].started_at"),
    (export_with(followed_paths=[{"started_at": "2026-01-01T00:00Z"}]), "followed_paths[0] has no path key"),
    (
        export_with(followed_paths=[{"path": "plan", "started_at": "2026-01-01T00:00Z", "target_date": "2026-02-30"}]),
        "followed_paths[0].target_date must be a date",
    ),
    (export_with(mock_sessions=[mock_session(source="everything")]), "mock_sessions[0].source must be one of"),
    (export_with(mock_sessions=[mock_session(question_count=50)]), "mock_sessions[0].question_count must be"),
    (export_with(mock_sessions=[mock_session(minutes_per_question=True)]), "mock_sessions[0].minutes_per_question"),
    (export_with(mock_sessions=[mock_session(created_at="yesterday")]), "mock_sessions[0].created_at"),
    (export_with(mock_sessions=[mock_session(items=[{"rating": 7}])]), "mock_sessions[0].items[0].rating must be"),
    (export_with(mock_sessions=[mock_session(items=[{"rating": True}])]), "mock_sessions[0].items[0].rating must be"),
    (export_with(mock_sessions=[mock_session(items=[{"checked": [2]}])]), "mock_sessions[0].items[0].checked"),
    (
        export_with(mock_sessions=[mock_session(items=[{"revealed_at": "soon"}])]),
        "mock_sessions[0].items[0].revealed_at",
    ),
    (export_with(mock_sessions=[mock_session(items=[{}, {}])]), "mock_sessions[0].items[1].position"),
    (export_with(mock_sessions=[mock_session(items=[{}, {"position": 2}])]), "has already asked"),
    (
        export_with(mock_sessions=[mock_session(items=[{"question": None}])]),
        "mock_sessions[0].items[0] has no question",
    ),
    (export_with(mock_sessions=[mock_session(items="all")]), "mock_sessions[0].items must be a list of objects"),
    (export_with(review_settings="fast"), "review_settings must be an object or null"),
    (export_with(review_settings={"desired_retention": "0.5", "new_cards_per_day": 10}), "review_settings.desired"),
    (export_with(review_settings={"desired_retention": 0.9, "new_cards_per_day": 500}), "review_settings.new_cards"),
    (export_with(review_settings={"desired_retention": 0.9, "new_cards_per_day": 2.5}), "review_settings.new_cards"),
    (export_with(review_settings={"new_cards_per_day": 10}), "review_settings.desired_retention"),
]


@pytest.mark.parametrize("raw, message", BAD_OTHER_FILES)
def test_bad_paths_drafts_and_mock_interviews_are_refused_and_change_nothing(alice_client, history, raw, message):
    refused_and_nothing_changed(alice_client, history, raw, message)


def test_review_settings_come_with_the_file_unless_some_were_chosen_here(history, bob_client, bob):
    page = apply_through_the_page(bob_client, export_progress(history))
    assert "<th>Review settings</th><td>1</td><td>0</td><td>0</td><td>0</td>" in page
    settings = ReviewSettings.objects.get(user=bob)
    assert (settings.desired_retention, settings.new_cards_per_day) == (Decimal("0.85"), 7)
    page = bob_client.get("/review/").content.decode()  # the settings form shows them
    assert 'name="new_cards_per_day" value="7"' in page and 'name="desired_retention" value="0.85"' in page

    ReviewSettings.objects.filter(user=bob).update(new_cards_per_day=25)  # chosen here afterwards
    plan = apply_import(bob, export_progress(history))
    assert plan.counts["review_settings"].unchanged == 1
    assert ReviewSettings.objects.get(user=bob).new_cards_per_day == 25
