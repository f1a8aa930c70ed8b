"""Writing parsed content to the database without ever losing a user's progress.

Questions are matched by their stable key, so rewording, moving between sections or topics,
and re-importing keep every mark. A question missing from its topic's file is archived, not
deleted; when it returns it is unarchived. The whole import is one transaction.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from topics.content import ContentError, ExerciseSpec, PathSpec, TopicSpec
from topics.models import Answer, Exercise, PathStep, Question, Section, StudyPath, Topic, content_batch
from topics.rendering import render_markdown


@dataclass
class FileReport:
    source: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    archived: int = 0
    restored: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        line = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        if self.archived:
            line += f", {self.archived} archived"
        if self.restored:
            line += f" ({self.restored} restored from the archive)"
        return line


def _assign(instance, **values) -> bool:
    """Set fields that differ; return whether anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


def _refresh_html(instance, source: str) -> None:
    """Re-save when the stored HTML is not what the renderer makes of the source today (the
    renderer or its allowlist changed), so stored HTML never goes stale."""
    html_field = "html" if source == "body" else f"{source}_html"
    if getattr(instance, html_field) != render_markdown(getattr(instance, source), trusted=True):
        instance.save()


def _check_unique_keys(topics: list[TopicSpec]) -> None:
    seen: dict[str, str] = {}
    slugs: dict[str, str] = {}
    for topic in topics:
        if topic.slug in slugs:
            raise ContentError(topic.source, None, f"topic slug {topic.slug!r} is also used by {slugs[topic.slug]}")
        slugs[topic.slug] = topic.source
        for question in topic.questions:
            where = f"{topic.source}:{question.line}"
            if question.key in seen:
                raise ContentError(
                    topic.source, question.line, f"question key {question.key!r} is also used at {seen[question.key]}"
                )
            seen[question.key] = where


def _import_topic(spec: TopicSpec, on_question: Callable[[TopicSpec, int], None] | None = None) -> FileReport:
    report = FileReport(spec.source)
    topic, created = Topic.objects.get_or_create(
        slug=spec.slug,
        defaults={"title": spec.title, "summary": spec.summary, "order": spec.order, "intro": spec.intro},
    )
    if not created and _assign(topic, title=spec.title, summary=spec.summary, order=spec.order, intro=spec.intro):
        topic.save()
    _refresh_html(topic, "intro")

    existing_sections = {section.slug: section for section in topic.sections.all()}
    keys = [question.key for question in spec.questions]
    existing_questions = {
        question.slug: question for question in Question.objects.filter(slug__in=keys).prefetch_related("answers")
    }
    for section_order, section_spec in enumerate(spec.sections):
        section = existing_sections.pop(section_spec.slug, None)
        if section is None:
            section = Section.objects.create(
                topic=topic,
                slug=section_spec.slug,
                title=section_spec.title,
                intro=section_spec.intro,
                order=section_order,
            )
        elif _assign(section, title=section_spec.title, intro=section_spec.intro, order=section_order):
            section.save()
        else:
            _refresh_html(section, "intro")
        for order, question_spec in enumerate(section_spec.questions):
            question = existing_questions.get(question_spec.key)
            if question is None:
                question = Question.objects.create(
                    section=section,
                    slug=question_spec.key,
                    title=question_spec.title,
                    difficulty=question_spec.difficulty,
                    order=order,
                )
                if question_spec.answer:
                    Answer.objects.create(question=question, body=question_spec.answer)
                _sync_exercise(question, question_spec.exercise)
                report.created += 1
                if on_question:
                    on_question(spec, report.total)
                continue
            was_archived = question.archived
            changed = _assign(
                question,
                section_id=section.id,
                title=question_spec.title,
                difficulty=question_spec.difficulty,
                order=order,
                archived=False,
            )
            if changed:
                question.save()
            changed |= _sync_answer(question, question_spec.answer)
            changed |= _sync_exercise(question, question_spec.exercise)
            report.restored += was_archived
            if changed:
                report.updated += 1
            else:
                report.unchanged += 1
            if on_question:
                on_question(spec, report.total)

    report.archived = (
        Question.objects.filter(section__topic=topic, archived=False).exclude(slug__in=keys).update(archived=True)
    )
    # Sections gone from the file: delete them when empty; keep the ones holding archived
    # questions (their marks live on) but hide them.
    for section in existing_sections.values():
        if section.questions.exists():
            if _assign(section, intro=""):
                section.save()
        else:
            section.delete()
    return report


def _sync_exercise(question: Question, spec: ExerciseSpec | None) -> bool:
    """Make the question's exercise match the file; return whether anything changed."""
    exercise = Exercise.objects.filter(question=question).first()
    if spec is None:
        if exercise:
            exercise.delete()
        return exercise is not None
    values = {
        "statement": spec.statement,
        "starter": spec.starter,
        "tests": spec.tests,
        "hidden_tests": spec.hidden_tests,
        "solution": spec.solution,
    }
    if exercise is None:
        Exercise.objects.create(question=question, **values)
        return True
    if _assign(exercise, **values):
        exercise.save()
        return True
    _refresh_html(exercise, "statement")
    return False


def _sync_answer(question: Question, body: str) -> bool:
    answers = list(question.answers.all())
    if not body:
        if answers:
            Answer.objects.filter(question=question).delete()
            return True
        return False
    if answers and answers[0].body == body and len(answers) == 1:
        _refresh_html(answers[0], "body")
        return False
    if answers:
        first = answers[0]
        first.body = body
        first.save()
        Answer.objects.filter(question=question).exclude(id=first.id).delete()
    else:
        Answer.objects.create(question=question, body=body)
    return True


def _import_paths(specs: list[PathSpec], source: str) -> FileReport:
    report = FileReport(source)
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    sections = {(section.topic.slug, section.slug): section for section in Section.objects.select_related("topic")}
    for spec in specs:
        steps = []
        for order, step in enumerate(spec.steps):
            topic = topics.get(step.topic)
            if topic is None:
                raise ContentError(source, step.line, f"path {spec.slug!r} names unknown topic {step.topic!r}")
            section = None
            if step.section:
                section = sections.get((step.topic, step.section))
                if section is None:
                    raise ContentError(
                        source,
                        step.line,
                        f"path {spec.slug!r} names unknown section {step.section!r} of topic {step.topic!r}",
                    )
            steps.append((topic.id, section.id if section else None, step.note, order))
        path, created = StudyPath.objects.get_or_create(slug=spec.slug, defaults={"title": spec.title})
        changed = _assign(
            path,
            title=spec.title,
            description=spec.description,
            audience=spec.audience,
            duration=spec.duration,
            order=spec.order,
            archived=False,
        )
        if changed:
            path.save()
        current = list(path.steps.order_by("order", "id").values_list("topic_id", "section_id", "note", "order"))
        if current != steps:
            path.steps.all().delete()
            PathStep.objects.bulk_create(
                PathStep(path=path, topic_id=topic_id, section_id=section_id, note=note, order=order)
                for topic_id, section_id, note, order in steps
            )
            changed = True
        if created:
            report.created += 1
        elif changed:
            report.updated += 1
        else:
            report.unchanged += 1
    report.archived = (
        StudyPath.objects.filter(archived=False).exclude(slug__in=[spec.slug for spec in specs]).update(archived=True)
    )
    return report


def import_content(
    topics: list[TopicSpec],
    paths: tuple[list[PathSpec], str] | None = None,
    on_question: Callable[[TopicSpec, int], None] | None = None,
) -> list[FileReport]:
    """Import topics (and optionally the paths file) in one transaction: all or nothing.

    `on_question(topic, done)` is called after each question, for progress display.
    """
    _check_unique_keys(topics)
    with transaction.atomic(), content_batch():
        reports = [_import_topic(spec, on_question) for spec in topics]
        if paths is not None:
            reports.append(_import_paths(*paths))
    return reports
