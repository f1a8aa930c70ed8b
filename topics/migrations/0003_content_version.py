import secrets

from django.db import migrations, models


def create_version(apps, schema_editor):
    ContentVersion = apps.get_model("topics", "ContentVersion")
    ContentVersion.objects.using(schema_editor.connection.alias).create(pk=1, token=secrets.randbits(62) or 1)


class Migration(migrations.Migration):
    dependencies = [
        ("topics", "0002_studypath_pathstep"),
    ]

    operations = [
        migrations.CreateModel(
            name="ContentVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_version, migrations.RunPython.noop),
    ]
