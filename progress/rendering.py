from django.db import transaction
from django.dispatch import receiver

from topics.signals import markdown_rerendered


@receiver(markdown_rerendered, dispatch_uid="progress.rendering.rerender_notes")
def rerender_notes(sender, **kwargs) -> int:
    """Users' notes, rendered again with the content (`manage.py rerender_content`)."""
    from progress.models import Note

    count = 0
    with transaction.atomic():
        for note in Note.objects.all():
            note.save()
            count += 1
    return count
