"""Submissions of exercise code, their results, and drafts. A submission is a row: the web
writes it, a worker (manage.py run_worker) claims it, runs it in the sandbox and writes back."""

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from topics.models import Question


class Status(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    PASSED = "passed", "Passed"
    FAILED = "failed", "Failed"
    ERROR = "error", "Could not run"


FINISHED = (Status.PASSED, Status.FAILED, Status.ERROR)


class SubmissionQuerySet(models.QuerySet):
    def waiting(self) -> "SubmissionQuerySet":
        return self.filter(status=Status.QUEUED)

    def unfinished(self) -> "SubmissionQuerySet":
        return self.filter(status__in=(Status.QUEUED, Status.RUNNING))

    def claim_next(self, worker: str) -> "Submission | None":
        """Take the oldest queued submission for `worker`, or None. Workers never take the same
        one: PostgreSQL skips rows another worker has locked (SKIP LOCKED); SQLite lets one
        writer in at a time (immediate transactions), which serializes the claim."""
        with transaction.atomic():
            submission = self.waiting().select_for_update(skip_locked=True).order_by("id").first()
            if submission is None:
                return None
            submission.status = Status.RUNNING
            submission.worker = worker
            submission.started_at = timezone.now()
            submission.save(update_fields=["status", "worker", "started_at"])
            return submission


class Submission(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="submissions")
    code = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    results = models.JSONField(default=list, blank=True, help_text="One entry per test, visible tests first.")
    error = models.TextField(blank=True, help_text="Why the run has no results (stopped, could not start).")
    worker = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["status", "id"]),
            models.Index(fields=["user", "question", "-id"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.question}: {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def visible_results(self) -> list[dict]:
        return [result for result in self.results if result.get("kind") == "visible"]

    @property
    def hidden_results(self) -> list[dict]:
        return [result for result in self.results if result.get("kind") == "hidden"]

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return round((self.finished_at - self.started_at).total_seconds(), 2)
        return None


class Draft(models.Model):
    """The code a user last ran or saved for an exercise, so the editor opens where they left."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="drafts")
    code = models.TextField(max_length=50_000)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "question"], name="one_draft_per_user_and_question")]


class WorkerBeat(models.Model):
    """A worker that can run code says so every few seconds; the site offers running code only
    while one has spoken recently."""

    name = models.CharField(max_length=100, unique=True)
    seen_at = models.DateTimeField(default=timezone.now)

    @classmethod
    def beat(cls, name: str) -> None:
        cls.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})

    @classmethod
    def any_alive(cls) -> bool:
        since = timezone.now() - timezone.timedelta(seconds=settings.WORKER_SILENT_AFTER_SECONDS)
        return cls.objects.filter(seen_at__gte=since).exists()
