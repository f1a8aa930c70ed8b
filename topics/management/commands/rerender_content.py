from django.core.management.base import BaseCommand
from django.db import transaction

from topics.models import Answer, Section, Topic
from topics.signals import markdown_rerendered


class Command(BaseCommand):
    help = "Render every stored Markdown text to HTML again (after a change to the renderer or its allowlist)."

    def handle(self, *args, **options) -> None:
        count = 0
        with transaction.atomic():
            for model in (Topic, Section, Answer):
                for item in model.objects.all():
                    item.save()
                    count += 1
        # Other apps' texts (users' notes) are rendered by the same function, by their own code.
        count += sum(rendered or 0 for _, rendered in markdown_rerendered.send(sender=self.__class__))
        self.stdout.write(f"Rendered {count} texts again.")
