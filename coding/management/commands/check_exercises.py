from django.core.management.base import BaseCommand, CommandError

from coding import sandbox
from coding.worker import check_exercise
from topics.models import Exercise


class Command(BaseCommand):
    help = "Run every exercise's solution and starter against its tests in the sandbox."

    def handle(self, *args, **options) -> None:
        try:
            sandbox.check_available()
        except sandbox.SandboxUnavailable as error:
            raise CommandError(f"Cannot run code here: {error}")
        passed = failed = 0
        for exercise in Exercise.objects.select_related("question").order_by("question__slug"):
            problems = check_exercise(exercise)
            if problems:
                failed += 1
                self.stdout.write(f"{exercise.question.slug}: " + "; ".join(problems))
            else:
                passed += 1
        self.stdout.write(f"{passed} passed, {failed} failed")
        if failed:
            raise CommandError(f"{failed} exercise(s) are wrong")
