from django.core.management.base import BaseCommand
from django.db import transaction

from topics.models import Answer, Section, Topic


class Command(BaseCommand):
    help = "Render every stored Markdown text to HTML again (after a change to the renderer or its allowlist)."

    def handle(self, *args, **options) -> None:
        count = 0
        with transaction.atomic():
            for model in (Topic, Section, Answer):
                for item in model.objects.all():
                    item.save()
                    count += 1
        # Notes belong to users and are rendered by the same function.
        from progress.models import Note

        with transaction.atomic():
            for note in Note.objects.all():
                note.save()
                count += 1
        self.stdout.write(f"Rendered {count} texts again.")
