"""Rendered every note again with the sanitizer of its day; superseded by 0006, which renders
them with today's, so nothing is done twice."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("progress", "0003_revision")]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop, elidable=True)]
