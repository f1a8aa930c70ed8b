from django.conf import settings
from django.db import models

from topics.models import Question


class StudiedMarkManager(models.Manager):
    def set_studied(self, user, question: Question, studied: bool) -> None:
        """Make the mark match `studied`. Idempotent, so a double click or a replay is harmless,
        and safe under concurrency: the database's unique constraint decides, not Python."""
        if studied:
            self.bulk_create([self.model(user=user, question=question)], ignore_conflicts=True)
        else:
            self.filter(user=user, question=question).delete()


class StudiedMark(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="studied_marks")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="studied_marks")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StudiedMarkManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "question"], name="one_mark_per_user_and_question")]

    def __str__(self) -> str:
        return f"{self.user} studied {self.question}"


class FollowedPath(models.Model):
    """A user following a study path, since `started_at`, optionally aiming to finish by `target_date`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_paths")
    path = models.ForeignKey("topics.StudyPath", on_delete=models.CASCADE, related_name="followers")
    started_at = models.DateTimeField(auto_now_add=True)
    target_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "path"], name="follow_a_path_once")]
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"{self.user} follows {self.path}"
