from io import StringIO

from django.core.management import call_command

from progress.models import Note
from topics.models import Answer, Question


def test_rerender_content_renders_the_content_and_every_note_again(alice, topic):
    question = Question.objects.filter(section__topic=topic).first()
    note = Note.objects.create(user=alice, question=question, body="*mine*")
    Note.objects.filter(pk=note.pk).update(html="stale")
    Answer.objects.filter(question=question).update(html="stale")
    out = StringIO()
    call_command("rerender_content", stdout=out)
    assert "<em>mine</em>" in Note.objects.get(pk=note.pk).html
    assert "stale" not in Answer.objects.get(question=question).html
    # the topic, its 2 sections, their 6 answers, and the note
    assert "Rendered 10 texts again." in out.getvalue()
