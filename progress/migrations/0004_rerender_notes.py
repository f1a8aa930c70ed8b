"""Render every note again with today's sanitizer: a formula written inside an HTML attribute
was put back there, where it could end the attribute. The stored HTML is derived from the body,
so this only replaces what the renderer now makes of it."""

from django.db import migrations


def rerender_notes(apps, schema_editor) -> None:
    from topics.rendering import render_markdown

    Note = apps.get_model("progress", "Note")
    changed = []
    for note in Note.objects.only("id", "body", "html").iterator(chunk_size=500):
        html = render_markdown(note.body)
        if html != note.html:
            note.html = html
            changed.append(note)
        if len(changed) >= 500:
            Note.objects.bulk_update(changed, ["html"])
            changed = []
    Note.objects.bulk_update(changed, ["html"])


class Migration(migrations.Migration):
    dependencies = [("progress", "0003_revision")]

    operations = [migrations.RunPython(rerender_notes, migrations.RunPython.noop, elidable=True)]
