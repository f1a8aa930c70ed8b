"""Rendering every stored note again with today's renderer, for the data migrations that need
it (0006, 0009). The stored HTML is derived from the body, so this only replaces what the
renderer now makes of it. (Django's migration loader skips modules whose name starts with "_".)"""


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
