from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models, router, transaction
from django.utils import timezone

from topics.models import Question, RendersMarkdown


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    """When `day` starts and the next day starts, in the active time zone."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), zone)
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), zone)


class StudiedMarkManager(models.Manager):
    def set_studied(self, user, question: Question, studied: bool) -> bool:
        """Make the mark match `studied`; return whether anything changed. Idempotent, so a
        double click or a replay is harmless, and safe under concurrency: the database's unique
        constraint decides, in one statement (INSERT … ON CONFLICT DO NOTHING, which PostgreSQL
        and SQLite both run), so concurrent ticks never fail and never make two rows."""
        connection = connections[self.db]
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            if studied:
                created_at = connection.ops.adapt_datetimefield_value(timezone.now())
                cursor.execute(
                    f"INSERT INTO {table} (user_id, question_id, created_at) VALUES (%s, %s, %s) "
                    "ON CONFLICT (user_id, question_id) DO NOTHING",
                    [user.pk, question.pk, created_at],
                )
            else:
                # Nothing refers to a mark and no signal listens for its deletion, so a plain
                # DELETE does what QuerySet.delete() would, without collecting the rows first.
                cursor.execute(f"DELETE FROM {table} WHERE user_id = %s AND question_id = %s", [user.pk, question.pk])
            return cursor.rowcount == 1

    def tick(self, user, question: Question, studied: bool) -> bool:
        """set_studied, and the day's activity follows, both or neither; return whether anything
        changed. A new mark counts in today's ticks, and unticking a mark made today takes it
        back off, so a day counts questions, not clicks: tick, untick, tick counts 1."""
        connection = connections[self.db]
        quote = connection.ops.quote_name
        marks, days = quote(self.model._meta.db_table), quote(ActivityDay._meta.db_table)
        today = timezone.localdate()
        # "Made today" is compared in SQL, against when today starts and ends in the user's zone.
        start, end = (connection.ops.adapt_datetimefield_value(when) for when in _day_bounds(today))
        if connection.vendor != "postgresql":
            with transaction.atomic(using=self.db):
                if studied:
                    changed = self.set_studied(user, question, studied)
                    if changed:
                        ActivityDay.record(user, ticks=1)
                    return changed
                with connection.cursor() as cursor:
                    # DELETE … RETURNING needs SQLite 3.35 (2021), older than any Python 3.11 ships.
                    cursor.execute(
                        f"DELETE FROM {marks} WHERE user_id = %s AND question_id = %s "
                        "RETURNING created_at >= %s AND created_at < %s",
                        [user.pk, question.pk, start, end],
                    )
                    removed = cursor.fetchall()
                if removed and removed[0][0]:
                    ActivityDay.take_back(user, today, count="ticks")
                return bool(removed)
        # PostgreSQL: one statement, so one round trip and one commit.
        with connection.cursor() as cursor:
            if studied:
                # The day's row is created or counted only when the mark was inserted (the CTE
                # returns a row).
                cursor.execute(
                    f"WITH mark AS (INSERT INTO {marks} (user_id, question_id, created_at) VALUES (%s, %s, %s) "
                    "ON CONFLICT (user_id, question_id) DO NOTHING RETURNING user_id) "
                    f"INSERT INTO {days} (user_id, day, ticks, reviews) SELECT user_id, %s, 1, 0 FROM mark "
                    f"ON CONFLICT (user_id, day) DO UPDATE SET ticks = {days}.ticks + 1",
                    [
                        user.pk,
                        question.pk,
                        connection.ops.adapt_datetimefield_value(timezone.now()),
                        connection.ops.adapt_datefield_value(today),
                    ],
                )
                return cursor.rowcount == 1
            # A data-modifying CTE runs whether or not the query reads it: the day's count goes
            # down when the deleted mark was made today, and the query counts the deleted marks.
            cursor.execute(
                f"WITH gone AS (DELETE FROM {marks} WHERE user_id = %s AND question_id = %s RETURNING created_at), "
                f"taken_back AS (UPDATE {days} SET ticks = {days}.ticks - 1 FROM gone "
                f"WHERE {days}.user_id = %s AND {days}.day = %s AND {days}.ticks > 0 "
                "AND gone.created_at >= %s AND gone.created_at < %s) "
                "SELECT count(*) FROM gone",
                [user.pk, question.pk, user.pk, connection.ops.adapt_datefield_value(today), start, end],
            )
            return cursor.fetchone()[0] == 1


class StudiedMark(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="studied_marks")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="studied_marks")
    created_at = models.DateTimeField(default=timezone.now)

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
    planned_from = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the target date was last set or changed: the plan's days start that day (or at the "
        "follow's start when empty).",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "path"], name="follow_a_path_once")]
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"{self.user} follows {self.path}"

    def aim_at(self, target_date) -> bool:
        """Set the target date. A new or changed target lays the plan out again from now, so
        days from before there was this plan are never counted as missed. Whether it changed."""
        if target_date == self.target_date:
            return False
        self.target_date = target_date
        self.planned_from = timezone.now() if target_date else None
        return True


class StarManager(models.Manager):
    def set_starred(self, user, question: Question, starred: bool) -> None:
        """Make the star match `starred`; repeating it changes nothing."""
        if starred:
            self.get_or_create(user=user, question=question)
        else:
            self.filter(user=user, question=question).delete()


class Star(models.Model):
    """A "revisit" star: the user wants to come back to this question."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stars")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="stars")
    created_at = models.DateTimeField(default=timezone.now)

    objects = StarManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "question"], name="one_star_per_user_and_question")]


class Note(RendersMarkdown):
    """A private Markdown note on a question; the rendered HTML is stored on save."""

    rendered_fields = {"body": "html"}
    trusted_markdown = False

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notes")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="notes")
    body = models.TextField(max_length=20000)
    html = models.TextField(editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "question"], name="one_note_per_user_and_question")]


class ReviewSettings(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_settings")
    desired_retention = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.90"),
        validators=[MinValueValidator(Decimal("0.80")), MaxValueValidator(Decimal("0.95"))],
        help_text="The chance of recalling an answer when it comes due: higher means more frequent reviews.",
    )
    new_cards_per_day = models.PositiveSmallIntegerField(
        default=10, validators=[MaxValueValidator(200)], help_text="Questions reviewed for the first time each day."
    )


class ReviewCard(models.Model):
    """The FSRS scheduling state of one question for one user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="review_cards")
    state = models.PositiveSmallIntegerField()
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField(db_index=True)
    last_review = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, help_text="When the question was first rated.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "question"], name="one_card_per_user_and_question")]


class Rating(models.IntegerChoices):
    AGAIN = 1, "Again"
    HARD = 2, "Hard"
    GOOD = 3, "Good"
    EASY = 4, "Easy"


class ReviewLog(models.Model):
    """One rating, kept forever: the log only grows, except that the user may undo their last
    rating (progress.review.undo), which takes its row away and puts the card back as it was."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_logs")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="review_logs")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    reviewed_at = models.DateTimeField()
    due_after = models.DateTimeField(help_text="When the question came due next after this rating.")
    card_before = models.JSONField(
        null=True, blank=True, help_text="The card as it was before this rating (none: it was new), for undo."
    )
    ticked = models.BooleanField(default=False, help_text="This rating marked the question studied.")

    class Meta:
        ordering = ["reviewed_at", "id"]
        indexes = [models.Index(fields=["user", "reviewed_at"])]


class ActivityDay(models.Model):
    """How many ticks and reviews a user made on one day: the day in their time zone at the time
    (accounts.time_zone)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activity_days")
    day = models.DateField()
    ticks = models.PositiveIntegerField(default=0)
    reviews = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_activity_row_per_day")]

    @classmethod
    def record(cls, user, *, ticks: int = 0, reviews: int = 0, when=None) -> None:
        """Add to the user's counts for the day of `when` (now by default), in one statement that
        creates the day's row or adds to it, so concurrent requests never lose a count."""
        day = timezone.localdate(when) if when else timezone.localdate()
        connection = connections[router.db_for_write(cls)]
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (user_id, day, ticks, reviews) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (user_id, day) DO UPDATE "
                f"SET ticks = {table}.ticks + excluded.ticks, reviews = {table}.reviews + excluded.reviews",
                [user.pk, connection.ops.adapt_datefield_value(day), ticks, reviews],
            )

    @classmethod
    def take_back(cls, user, day: date, *, count: str) -> None:
        """Take one off the user's `count` ("ticks" or "reviews") for `day`, never below 0: what
        it counted is gone (a mark unticked the same day, a rating undone)."""
        if count not in ("ticks", "reviews"):
            raise ValueError(f"no such count: {count}")
        connection = connections[router.db_for_write(cls)]
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {count} = {count} - 1 WHERE user_id = %s AND day = %s AND {count} > 0",
                [user.pk, connection.ops.adapt_datefield_value(day)],
            )


class PendingImport(models.Model):
    """An uploaded export the user has previewed and not yet applied: one per user, replaced by
    the next preview and removed when applied. Kept here, not in the session, so that a large
    file is not read back with the session on every page until then."""

    KEPT_FOR_HOURS = 24

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_import")
    digest = models.CharField(max_length=64, help_text="SHA-256 of the uploaded file, named by the apply form.")
    data = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    @classmethod
    def hold(cls, user, digest: str, data: dict) -> None:
        cls.objects.update_or_create(user=user, defaults={"digest": digest, "data": data, "created_at": timezone.now()})

    @classmethod
    def take(cls, user, digest: str) -> "PendingImport | None":
        """The user's pending import if it is the one `digest` names and not older than a day,
        locked until the end of the transaction, so that a second click waits and then finds
        it applied."""
        fresh_since = timezone.now() - timedelta(hours=cls.KEPT_FOR_HOURS)
        found = cls.objects.select_for_update().filter(user=user, digest=digest, created_at__gte=fresh_since)
        return found.first()


class Report(models.Model):
    """A user's report of a problem with a question or its answer, for staff to read and resolve
    in the admin."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="reports")
    problem = models.TextField(max_length=2000, help_text="What is wrong.")
    suggestion = models.TextField(max_length=2000, blank=True, help_text="How it could be put right.")
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["resolved_at", "-created_at"]
        indexes = [models.Index(fields=["resolved_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user} on {self.question}"

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None
