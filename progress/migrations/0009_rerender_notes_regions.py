"""Render every note again: code blocks, tables and display formulas that overflow are now
scroll regions that the keyboard can reach (topics.rendering). The stored HTML is derived from
the body, so this only replaces what the renderer now makes of it."""

from django.db import migrations

from progress.migrations._rerender import rerender_notes


class Migration(migrations.Migration):
    dependencies = [("progress", "0008_review_undo")]

    operations = [migrations.RunPython(rerender_notes, migrations.RunPython.noop, elidable=True)]
