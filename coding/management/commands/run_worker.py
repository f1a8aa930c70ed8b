import os
import socket
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from coding import sandbox
from coding.models import Status, Submission, WorkerBeat
from coding.worker import run_submission

BEAT_SECONDS = 5


class Command(BaseCommand):
    help = "Run submitted exercise code in the sandbox, one submission at a time, until stopped."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--drain", action="store_true", help="Stop once the queue is empty.")
        parser.add_argument("--poll", type=float, default=0.5, help="Seconds between looks at an empty queue.")

    def handle(self, *args, drain: bool = False, poll: float = 0.5, **options) -> None:
        try:
            sandbox.check_available()
        except sandbox.SandboxUnavailable as error:
            raise CommandError(f"Cannot run code here: {error}. The site works; exercises say running is unavailable.")
        name = f"{socket.gethostname()}:{os.getpid()}"
        self._give_up_on_abandoned_runs()
        self.stdout.write(f"Worker {name} is running submissions.")
        last_beat = 0.0
        while True:
            if time.monotonic() - last_beat > BEAT_SECONDS:
                WorkerBeat.beat(name)
                last_beat = time.monotonic()
            submission = Submission.objects.claim_next(name)
            if submission is None:
                if drain:
                    return
                time.sleep(poll)
                continue
            try:
                run_submission(submission)
            except sandbox.SandboxUnavailable as error:
                Submission.objects.filter(id=submission.id).update(
                    status=Status.ERROR, error="Running code is unavailable here.", finished_at=timezone.now()
                )
                raise CommandError(f"The sandbox stopped working: {error}") from error

    def _give_up_on_abandoned_runs(self) -> None:
        """A run still marked running long after any run could last lost its worker."""
        from django.conf import settings

        cutoff = timezone.now() - timezone.timedelta(seconds=settings.SANDBOX_WALL_SECONDS * 4)
        Submission.objects.filter(status=Status.RUNNING, started_at__lt=cutoff).update(
            status=Status.ERROR, error="The worker running this stopped; run it again.", finished_at=timezone.now()
        )
