"""prepsite.rows reads instances equal to the ORM's, without compiling a queryset."""

from datetime import UTC, datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from prepsite import rows
from progress import review
from progress.models import Note, ReviewCard
from topics.models import Question


def fields_of(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def test_first_reads_the_same_instance_as_the_orm(alice, bob, topic):
    question, other = Question.objects.filter(section__topic=topic).order_by("id")[:2]
    review.rate(alice, question, 3, now=datetime(2026, 11, 30, 8, 15, 30, 123456, tzinfo=UTC))
    review.rate(alice, question, 2, now=datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    review.rate(bob, question, 4)
    Note.objects.create(user=alice, question=question, body="Mine, *with* Markdown.")
    for model in (ReviewCard, Note):
        expected = model.objects.filter(user=alice, question=question).first()
        found = rows.first(model, user_id=alice.pk, question_id=question.pk)
        assert type(found) is model and fields_of(found) == fields_of(expected)
        assert found.due.tzinfo is not None if model is ReviewCard else found.updated_at.tzinfo is not None
        assert rows.first(model, user_id=alice.pk, question_id=other.pk) is None
        assert rows.first(model, user_id=bob.pk, question_id=question.pk) == model.objects.filter(user=bob).first()


def test_first_runs_one_query(alice, topic):
    question = Question.objects.filter(section__topic=topic).first()
    with CaptureQueriesContext(connection) as context:
        assert rows.first(Note, user_id=alice.pk, question_id=question.pk) is None
    assert len(context.captured_queries) == 1
