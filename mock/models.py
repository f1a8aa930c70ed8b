"""A mock interview: a handful of questions asked one at a time against a time budget, each
answered aloud, then revealed, checked against its checklist and rated."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from progress.models import Rating
from topics.models import Question

MIN_QUESTIONS, MAX_QUESTIONS, DEFAULT_QUESTIONS = 3, 10, 5
MIN_MINUTES, MAX_MINUTES, DEFAULT_MINUTES = 2, 5, 3


class Source(models.TextChoices):
    """Where a session's questions come from; `source_value` names which topic, path or filters."""

    TOPIC = "topic", "A topic"
    PATH = "path", "A study path"
    FILTERS = "filters", "The current filters"
    STARRED = "starred", "Your starred questions"
    WEAK = "weak", "Your weak spots"


class MockSession(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mock_sessions")
    source = models.CharField(max_length=10, choices=Source.choices)
    source_value = models.CharField(
        max_length=1000, blank=True, help_text="The topic's or path's slug, or the filters' query string."
    )
    question_count = models.PositiveSmallIntegerField(help_text="How many questions were asked for.")
    minutes_per_question = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(question_count__gte=MIN_QUESTIONS, question_count__lte=MAX_QUESTIONS),
                name="mock_question_count_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(minutes_per_question__gte=MIN_MINUTES, minutes_per_question__lte=MAX_MINUTES),
                name="mock_minutes_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · mock interview of {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


class MockItem(models.Model):
    """One question of a session. Its times say how it went: shown (`started_at`), answer
    revealed (`revealed_at`: the time taken is the difference), and graded."""

    session = models.ForeignKey(MockSession, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="mock_items")
    position = models.PositiveSmallIntegerField(help_text="1 for the first question asked.")
    started_at = models.DateTimeField(null=True, blank=True)
    revealed_at = models.DateTimeField(null=True, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    checked = models.JSONField(default=list, blank=True, help_text="Indexes of the checklist lines ticked.")
    checklist_size = models.PositiveSmallIntegerField(default=0, help_text="How many lines the checklist had.")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)

    class Meta:
        ordering = ["session_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="one_mock_item_per_position"),
            models.UniqueConstraint(fields=["session", "question"], name="a_question_once_per_mock_session"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=4),
                name="mock_rating_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} · question {self.position}"

    @property
    def graded(self) -> bool:
        return self.graded_at is not None

    @property
    def revealed(self) -> bool:
        return self.revealed_at is not None
