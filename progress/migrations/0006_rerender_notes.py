"""Render every note again with today's renderer: raw HTML in a note now shows as text, and the
sanitizer understands MathML, so HTML stored by the earlier sanitizer (which could carry an
attribute smuggled in through a formula) is replaced. The stored HTML is derived from the body,
so this only replaces what the renderer now makes of it."""

from django.db import migrations

from progress.migrations._rerender import rerender_notes


class Migration(migrations.Migration):
    dependencies = [("progress", "0005_pending_import")]

    operations = [migrations.RunPython(rerender_notes, migrations.RunPython.noop, elidable=True)]
