"""Render every note again with today's renderer: raw HTML in a note now shows as text, and the
sanitizer understands MathML, so HTML stored by the earlier sanitizer (which could carry an
attribute smuggled in through a formula) is replaced. The stored HTML is derived from the body,
so this only replaces what the renderer now makes of it."""

from django.db import migrations


def rerender_notes(apps, schema_editor) -> None:
    from django.utils.html import escape

    from topics.rendering import RenderRefused, render_markdown, sanitize_html

    Note = apps.get_model("progress", "Note")
    changed = []
    for note in Note.objects.only("id", "body", "html").iterator(chunk_size=500):
        try:
            html = render_markdown(note.body)
        except RenderRefused:  # a note too deeply nested to format: kept, and shown as its text
            html = sanitize_html(f"<pre>{escape(note.body)}</pre>")
        if html != note.html:
            note.html = html
            changed.append(note)
        if len(changed) >= 500:
            Note.objects.bulk_update(changed, ["html"])
            changed = []
    Note.objects.bulk_update(changed, ["html"])


class Migration(migrations.Migration):
    dependencies = [("progress", "0005_pending_import")]

    operations = [migrations.RunPython(rerender_notes, migrations.RunPython.noop, elidable=True)]
