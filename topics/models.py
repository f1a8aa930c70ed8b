from django.db import models
from django.urls import reverse

from topics.rendering import render_markdown


class Difficulty(models.TextChoices):
    EASY = "easy", "Easy"
    MEDIUM = "medium", "Medium"
    HARD = "hard", "Hard"


class Topic(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    intro = models.TextField(blank=True, help_text="Markdown shown at the top of the topic page.")
    intro_html = models.TextField(blank=True, editable=False)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.intro_html = render_markdown(self.intro)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("topic_detail", args=[self.slug])

    @property
    def progress_dom_id(self) -> str:
        return f"topic-progress-{self.id}"


class Section(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="sections")
    slug = models.SlugField(max_length=80)
    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True, help_text="Markdown shown above the section's questions.")
    intro_html = models.TextField(blank=True, editable=False)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["topic__order", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["topic", "slug"], name="unique_section_slug_per_topic")]

    def __str__(self) -> str:
        return f"{self.topic.title} · {self.title}"

    def save(self, *args, **kwargs) -> None:
        self.intro_html = render_markdown(self.intro)
        super().save(*args, **kwargs)

    @property
    def progress_dom_id(self) -> str:
        return f"section-progress-{self.id}"


class QuestionQuerySet(models.QuerySet):
    def live(self) -> "QuestionQuerySet":
        """Questions users see: not archived."""
        return self.filter(archived=False)

    def in_topic(self, topic: Topic) -> "QuestionQuerySet":
        return self.filter(section__topic=topic)

    def in_path(self, path: "StudyPath") -> "QuestionQuerySet":
        """Questions that belong to one of the path's steps (a whole topic or one section)."""
        steps = PathStep.objects.filter(path=path)
        return self.filter(
            models.Q(section__topic_id__in=steps.filter(section__isnull=True).values("topic_id"))
            | models.Q(section_id__in=steps.filter(section__isnull=False).values("section_id"))
        )

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


class Answer(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    body = models.TextField(help_text="Markdown: tables, fenced code and $math$.")
    html = models.TextField(blank=True, editable=False)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"Answer to {self.question}"

    def save(self, *args, **kwargs) -> None:
        self.html = render_markdown(self.body)
        super().save(*args, **kwargs)


class StudyPath(models.Model):
    """A named, ordered plan of topics and sections, loaded from the content files."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    audience = models.CharField(max_length=200, blank=True)
    duration = models.CharField(max_length=100, blank=True, help_text='For example "2–3 weeks".')
    order = models.PositiveIntegerField(default=0)
    archived = models.BooleanField(default=False, help_text="Hidden; followers keep their data.")

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

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.topic.title} · {self.section.title}" if self.section_id else self.topic.title
