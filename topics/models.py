import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, IntegrityError, models, transaction
from django.urls import reverse

from topics.rendering import render_markdown


class RendersMarkdown(models.Model):
    """A model that stores the sanitized HTML of its Markdown fields beside them.

    The HTML is written on every save that writes its source, `update_fields` included (as
    `update_or_create` passes them), so no code path can change a text and leave stale HTML.
    """

    rendered_fields: dict[str, str] = {}  # Markdown source field -> HTML field
    code_fields: dict[str, str] = {}  # Python source field -> HTML field, shown as highlighted code
    trusted_markdown = True  # our content; user-written text sets False (topics.rendering)

    class Meta:
        abstract = True

    def save(self, **kwargs) -> None:
        update_fields = kwargs.get("update_fields")
        fence = "`" * 4  # longer than any fence the code itself may hold
        sources = [(source, target, getattr(self, source)) for source, target in self.rendered_fields.items()]
        sources += [
            (source, target, f"{fence}python\n{getattr(self, source)}{fence}")
            for source, target in self.code_fields.items()
        ]
        for source, target, markdown in sources:
            setattr(self, target, render_markdown(markdown, trusted=self.trusted_markdown))
            if update_fields is not None and source in update_fields:
                kwargs["update_fields"] = update_fields = {*update_fields, target}
        super().save(**kwargs)


class Difficulty(models.TextChoices):
    EASY = "easy", "Easy"
    MEDIUM = "medium", "Medium"
    HARD = "hard", "Hard"


class ContentQuerySet(models.QuerySet):
    """Bulk writes to the content move the content version, as saves and deletes do (through
    signals, see topics.catalog), so no write path leaves a process serving stale content."""

    def update(self, **kwargs) -> int:
        rows = super().update(**kwargs)
        if rows:
            ContentVersion.changed(self.db)
        return rows

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            ContentVersion.changed(self.db)
        return created

    bulk_create.alters_data = True


class Topic(RendersMarkdown):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    intro = models.TextField(blank=True, help_text="Markdown shown at the top of the topic page.")
    intro_html = models.TextField(blank=True, editable=False)
    rendered_fields = {"intro": "intro_html"}
    order = models.PositiveIntegerField(default=0)

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("topic_detail", args=[self.slug])

    @property
    def progress_dom_id(self) -> str:
        return f"topic-progress-{self.id}"


class Section(RendersMarkdown):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="sections")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True, help_text="Markdown shown above the section's questions.")
    intro_html = models.TextField(blank=True, editable=False)
    rendered_fields = {"intro": "intro_html"}
    order = models.PositiveIntegerField(default=0)

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["topic__order", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["topic", "slug"], name="unique_section_slug_per_topic")]

    def __str__(self) -> str:
        return f"{self.topic.title} · {self.title}"

    @property
    def progress_dom_id(self) -> str:
        return f"section-progress-{self.id}"


class QuestionQuerySet(ContentQuerySet):
    def live(self) -> "QuestionQuerySet":
        """Questions users see: not archived."""
        return self.filter(archived=False)

    def in_topic(self, topic: Topic) -> "QuestionQuerySet":
        return self.filter(section__topic=topic)

    def in_reading_order(self) -> "QuestionQuerySet":
        return self.order_by("section__topic__order", "section__order", "section_id", "order", "id")


class Question(models.Model):
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="questions")
    slug = models.SlugField(
        max_length=120, unique=True, help_text="Stable key: the page address and what progress is attached to."
    )
    title = models.CharField(max_length=300)
    difficulty = models.CharField(max_length=10, choices=Difficulty.choices, default=Difficulty.MEDIUM)
    order = models.PositiveIntegerField(default=0)
    archived = models.BooleanField(default=False, help_text="Hidden everywhere; users' marks are kept.")

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["section__order", "order", "id"]
        indexes = [models.Index(fields=["section", "archived", "order"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("question_detail", args=[self.slug])


class Answer(RendersMarkdown):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    body = models.TextField(help_text="Markdown: tables, fenced code and $math$.")
    html = models.TextField(blank=True, editable=False)
    rendered_fields = {"body": "html"}
    order = models.PositiveIntegerField(default=0)

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"Answer to {self.question}"


class Exercise(RendersMarkdown):
    """The coding parts of a question that is an exercise. The task and the visible tests are
    shown with the question; the hidden tests never leave the server; the solution is shown only
    to a user who asks for it. The explanation is the question's answer, as for any question."""

    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="exercise")
    statement = models.TextField(help_text="The task, in Markdown.")
    statement_html = models.TextField(blank=True, editable=False)
    starter = models.TextField(help_text="The code the editor starts with; it fails the tests.")
    tests = models.TextField(help_text="Visible tests: test_* functions with asserts.")
    hidden_tests = models.TextField(help_text="Tests run on every submission, never shown.")
    solution = models.TextField(help_text="Our solution; shown only when asked for.")
    tests_html = models.TextField(blank=True, editable=False)
    solution_html = models.TextField(blank=True, editable=False)

    rendered_fields = {"statement": "statement_html"}
    code_fields = {"tests": "tests_html", "solution": "solution_html"}

    def __str__(self) -> str:
        return f"Exercise: {self.question}"


class StudyPath(models.Model):
    """A named, ordered plan of topics and sections, loaded from the content files."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    audience = models.CharField(max_length=200, blank=True)
    duration = models.CharField(max_length=100, blank=True, help_text='For example "2–3 weeks".')
    order = models.PositiveIntegerField(default=0)
    archived = models.BooleanField(default=False, help_text="Hidden; followers keep their data.")

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("path_detail", args=[self.slug])


class PathStep(models.Model):
    """One step of a path: a whole topic, or one section of it when `section` is set."""

    path = models.ForeignKey(StudyPath, on_delete=models.CASCADE, related_name="steps")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    order = models.PositiveIntegerField(default=0)

    objects = ContentQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.topic.title} · {self.section.title}" if self.section_id else self.topic.title


_batch = threading.local()


class ContentVersion(models.Model):
    """One row whose token changes, in the same transaction, with every change to the content.

    Each process keeps the content it serves in memory (topics.catalog) and compares this token
    on every request, so an import or an admin edit reaches every process at its next request.
    The token is random rather than a counter so that it never repeats, even after the table is
    emptied and refilled.
    """

    token = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"content version {self.token}"

    @classmethod
    def bump(cls, using: str = DEFAULT_DB_ALIAS) -> None:
        """Give the content a new token (inside the caller's transaction, if any)."""
        token = secrets.randbits(62) or 1
        if cls.objects.using(using).filter(pk=1).update(token=token):
            return
        try:
            with transaction.atomic(using=using):
                cls.objects.using(using).create(pk=1, token=token)
        except IntegrityError:  # created by a concurrent change a moment ago
            cls.objects.using(using).filter(pk=1).update(token=token)

    @classmethod
    def changed(cls, using: str = DEFAULT_DB_ALIAS) -> None:
        """Content was written: a new token now, or once at the end of the enclosing batch."""
        if getattr(_batch, "depth", 0):
            _batch.dirty = True
        else:
            cls.bump(using)


@contextmanager
def content_batch(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Within the block, writes to the content do not each move the version: it moves once at
    the end if anything was written (and not at all if the block raises). Use it inside the
    transaction it covers."""
    depth = getattr(_batch, "depth", 0)
    if depth == 0:
        _batch.dirty = False
    _batch.depth = depth + 1
    try:
        yield
    finally:
        _batch.depth = depth
    if depth == 0 and _batch.dirty:
        ContentVersion.bump(using)
