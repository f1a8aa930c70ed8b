"""The pages that show the content with the user's progress on it: the dashboard, topics, the
question list, a question, study paths, and the random pick.

Each reads the content snapshot (topics.catalog.current()) and the user's flags
(progress.queries.flags_for), and puts the flags on copies of the questions it lists.
"""

import secrets
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from coding.queries import exercise_panel
from progress import plan, review
from progress import queries as progress
from progress.activity import heatmap
from progress.queries import Flags, Tally, flags_for, with_flags
from progress.review_views import rating_buttons
from topics import catalog as content
from topics.catalog import Catalog
from topics.listing import FILTER_FIELDS, BadFilter, Listing, build_listing
from topics.models import Difficulty, PathStep, Question, Section, StudyPath, Topic


@dataclass
class SectionView:
    section: Section
    questions: list[Question] = field(default_factory=list)
    tally: Tally = Tally(0, 0)


@dataclass
class TopicGroup:
    """A topic on the all-questions list: its counter over the questions that match, and its
    rows when it is open. A closed one sends no rows: they load when it is opened (`open_url`,
    with HTMX, or as a page without JavaScript)."""

    topic: Topic
    sections: list[SectionView] = field(default_factory=list)
    tally: Tally = Tally(0, 0)
    is_open: bool = True
    open_url: str = ""

    @property
    def progress_dom_id(self) -> str:
        return f"group-progress-{self.topic.id}"


@dataclass
class StepView:
    step: PathStep
    questions: list[Question] = field(default_factory=list)
    tally: Tally = Tally(0, 0)

    @property
    def progress_dom_id(self) -> str:
        return f"step-progress-{self.step.id}"


@dataclass
class PathView:
    path: StudyPath
    steps: list[StepView]
    tally: Tally
    follow: object = None  # progress.models.FollowedPath or None

    @property
    def questions(self) -> list[Question]:
        return [q for step in self.steps for q in step.questions]

    @property
    def next_up(self) -> Question | None:
        """The first unstudied question in path order."""
        return next((q for q in self.questions if not q.is_studied), None)

    @property
    def progress_dom_id(self) -> str:
        return f"path-progress-{self.path.id}"

    @property
    def current_step_id(self) -> int | None:
        """For a follower, the step they are on: the first that holds an unstudied question."""
        if self.follow is None:
            return None
        return next((view.step.id for view in self.steps if view.tally.studied < view.tally.total), None)

    schedule: plan.PathPlan | None = None  # the day-by-day plan, when followed with a target date

    @property
    def per_day(self) -> int | None:
        """Today's new questions at the path's pace (the plan's quota); None without a plan or
        once the target date has passed."""
        if self.schedule is None or self.schedule.overdue:
            return None
        return self.schedule.quota


def build_path_views(
    catalog: Catalog,
    flags: Flags,
    user,
    paths: list[StudyPath],
    state: plan.UserState | None = None,
    follows: dict | None = None,
) -> list[PathView]:
    """Plans for `paths` (catalog.plan: each step's questions in reading order, a question two
    steps would hold listed under the first), with the user's flags; with the user's `state`,
    also the day-by-day plan of each path they follow with a target date."""
    if not paths:
        return []
    if state:
        follows = {follow.path_id: follow for follow in state.follows}
    elif follows is None:
        follows = progress.followed_paths(user)
    today = timezone.localdate()
    views = []
    for path in paths:
        steps = []
        for planned in catalog.plan(path):
            questions = with_flags(map(catalog.question_by_id, planned.question_ids), flags)
            steps.append(StepView(planned.step, questions, Tally.of(questions, flags.studied)))
        tally = Tally.of([q for step in steps for q in step.questions], flags.studied)
        follow = follows.get(path.id)
        schedule = plan.build(catalog, state, follow, today) if state and follow else None
        views.append(PathView(path=path, steps=steps, tally=tally, follow=follow, schedule=schedule))
    return views


def topic_or_404(catalog: Catalog, slug: str) -> Topic:
    topic = catalog.topic(slug)
    if topic is None:
        raise Http404("No such topic.")
    return topic


def question_or_404(catalog: Catalog, slug: str) -> Question:
    """A live question of the snapshot (shared: not to be changed), with its section and topic;
    archived questions are 404."""
    question = catalog.question(slug)
    if question is None:
        raise Http404("No such question.")
    return question


def path_or_404(catalog: Catalog, slug: str) -> StudyPath:
    path = catalog.path(slug)
    if path is None:
        raise Http404("No such study path.")
    return path


def section_tallies(questions: list[Question], studied: frozenset[int]) -> tuple[Tally, dict[int, Tally]]:
    """Counters for a topic and its sections from its live questions and the user's studied ids."""
    by_section: dict[int, list[Question]] = {}
    for question in questions:
        by_section.setdefault(question.section_id, []).append(question)
    tallies = {section_id: Tally.of(listed, studied) for section_id, listed in by_section.items()}
    return Tally.of(questions, studied), tallies


def listing_for(catalog: Catalog, flags: Flags, data: QueryDict, scope: list[Question]) -> Listing:
    return build_listing(catalog, data, scope, flags.studied, flags.starred)


def bad_filter(request: HttpRequest, error: BadFilter, template: str, context: dict) -> HttpResponse:
    return render(request, template, {**context, "filter_error": str(error)}, status=400)


def render_list_page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """The whole page, or only its results when HTMX swaps them in after a filter change."""
    if request.htmx and not request.htmx.history_restore_request:
        template = f"{template}#results"
    return render(request, template, context)


def list_context(listing: Listing, flags: Flags, page: str) -> dict:
    """What every list page and a tick's response on it show of a filtered list: its summary,
    and the page context its controls send back."""
    return {
        "listing": listing,
        "shown_tally": Tally.of(listing.matched, flags.studied),
        "page": page,
        "filters": list_query(listing.form.data) if listing.active else "",
    }


def topic_context(catalog: Catalog, flags: Flags, topic: Topic, data: QueryDict) -> dict:
    listing = listing_for(catalog, flags, data, catalog.topic_questions(topic.id))
    topic_tally, tallies = section_tallies(listing.scope, flags.studied)
    views = {
        section.id: SectionView(section, tally=tallies.get(section.id, Tally(0, 0)))
        for section in catalog.sections(topic)
    }
    for question in with_flags(listing.matched, flags):
        views[question.section_id].questions.append(question)
    if listing.active:  # the sections that hold a match, in the order of the matches (best first)
        visible = [views[section_id] for section_id in dict.fromkeys(q.section_id for q in listing.matched)]
    else:
        visible = [view for view in views.values() if view.questions or view.section.intro_html]
    return {
        "topic": topic,
        "sections": visible,
        "topic_tally": topic_tally,
        "random_url": random_url(listing, topic),
        **list_context(listing, flags, f"topic:{topic.slug}"),
    }


@vary_on_headers("HX-Request")
def topic_detail(request: HttpRequest, slug: str) -> HttpResponse:
    catalog = content.current()
    topic = topic_or_404(catalog, slug)
    try:
        context = topic_context(catalog, flags_for(request), topic, request.GET)
    except BadFilter as error:
        return bad_filter(request, error, "topics/topic_detail.html", {"topic": topic})
    context["next_url"] = request.get_full_path()
    return render_list_page(request, "topics/topic_detail.html", context)


LIST_ROWS_SENT = 100  # rows a filtered list sends at most, in whole topics (the first always); the rest load on opening


def question_list_context(catalog: Catalog, flags: Flags, data: QueryDict) -> dict:
    """The all-questions list as topics with their counters over the matching questions. With no
    filter every topic is closed and sends no rows; with one, the first topics are open with
    their rows, up to LIST_ROWS_SENT. `open` names a topic to open as well."""
    listing = listing_for(catalog, flags, data, catalog.questions)
    filters = list_query(listing.form.data)
    opened = data.get("open", "")
    by_topic: dict[int, list[Question]] = {}
    for question in listing.matched:
        by_topic.setdefault(question.section.topic_id, []).append(question)
    groups = []
    sent, room = 0, listing.active
    for questions in by_topic.values():
        topic = questions[0].section.topic
        fits = room and (sent == 0 or sent + len(questions) <= LIST_ROWS_SENT)
        room = fits
        group = TopicGroup(
            topic,
            tally=Tally.of(questions, flags.studied),
            is_open=fits or topic.slug == opened,
            open_url=f"{reverse('question_list')}?{'&'.join(filter(None, [filters, urlencode({'open': topic.slug})]))}",
        )
        if group.is_open:
            sent += len(questions)
            for question in with_flags(questions, flags):
                if not group.sections or group.sections[-1].section.id != question.section_id:
                    group.sections.append(SectionView(question.section))
                group.sections[-1].questions.append(question)
        groups.append(group)
    return {"groups": groups, "random_url": random_url(listing), **list_context(listing, flags, "list")}


def list_group(listing: Listing, flags: Flags, topic: Topic) -> TopicGroup:
    """A topic's group on the all-questions list, for the counter a tick or a star updates."""
    return TopicGroup(
        topic, tally=Tally.of([q for q in listing.matched if q.section.topic_id == topic.id], flags.studied)
    )


@vary_on_headers("HX-Request")
def question_list(request: HttpRequest) -> HttpResponse:
    catalog = content.current()
    try:
        context = question_list_context(catalog, flags_for(request), request.GET)
    except BadFilter as error:
        return bad_filter(request, error, "topics/question_list.html", {})
    context["next_url"] = request.get_full_path()
    opened = request.GET.get("open")
    if opened and request.htmx and not request.htmx.history_restore_request:
        # A topic opened on the page: its rows only.
        group = next((group for group in context["groups"] if group.topic.slug == opened), None)
        if group is None:  # none of its questions matches any more (ticked elsewhere, say)
            group = TopicGroup(topic_or_404(catalog, opened))
        return render(request, "topics/question_list.html#group-body", {**context, "group": group})
    return render_list_page(request, "topics/question_list.html", context)


def question_counters(catalog: Catalog, flags: Flags, question: Question) -> dict:
    """The topic's and the section's counters shown beside a question."""
    topic_tally, tallies = section_tallies(catalog.topic_questions(question.section.topic_id), flags.studied)
    return {
        "topic": question.section.topic,
        "section": question.section,
        "topic_tally": topic_tally,
        "section_tally": tallies[question.section_id],
    }


def question_detail(request: HttpRequest, slug: str) -> HttpResponse:
    catalog = content.current()
    flags = flags_for(request)
    (question,) = with_flags([question_or_404(catalog, slug)], flags)
    ordered = catalog.topic_questions(question.section.topic_id)
    position = next(index for index, item in enumerate(ordered) if item.id == question.id)
    note = progress.note_for(request.user, question) if question.has_note else None
    card = progress.review_card_for(request.user, question)
    return render(
        request,
        "topics/question_detail.html",
        {
            "question": question,
            "answers": catalog.answers_html(question.id),
            "previous_question": ordered[position - 1] if position > 0 else None,
            "next_question": ordered[position + 1] if position + 1 < len(ordered) else None,
            "position": position + 1,
            "count": len(ordered),
            "next_url": request.get_full_path(),
            "page": "question",
            "note": note,
            "card": card,
            "rating_buttons": rating_buttons(request, card, question) if request.user.is_authenticated else [],
            **question_counters(catalog, flags, question),
            **practice_context(request, question),
            **exercise_panel(request, question),
        },
    )


def path_list(request: HttpRequest) -> HttpResponse:
    catalog = content.current()
    views = build_path_views(catalog, flags_for(request), request.user, catalog.paths)
    return render(request, "topics/path_list.html", {"path_views": views})


@vary_on_headers("HX-Request")
def path_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A path's steps. The step a follower is on (or the first) comes with its rows; the others
    are folded and load theirs when opened (`?open=<step id>`: the rows alone for htmx, else the
    page with that step open too)."""
    catalog = content.current()
    path = path_or_404(catalog, slug)
    # The user's marks and cards are read only for the plan of a path followed with a target date.
    follows = progress.followed_paths(request.user)
    follow = follows.get(path.id)
    state = plan.UserState.load(request.user) if follow and follow.target_date else None
    (view,) = build_path_views(catalog, flags_for(request), request.user, [path], state, follows)
    context = {"view": view, "today": timezone.localdate(), "next_url": request.get_full_path(), "page": f"path:{slug}"}
    steps = {str(step_view.step.id): step_view for step_view in view.steps}
    opened = steps.get(request.GET.get("open", ""))
    if request.GET.get("open") is not None and opened is None:
        raise Http404("This path has no such step.")
    if opened and request.htmx and not request.htmx.history_restore_request:
        return render(request, "topics/path_detail.html#step-rows", {**context, "step_view": opened})
    current = view.current_step_id or (view.steps[0].step.id if view.steps else None)
    context["open_steps"] = {current, opened.step.id if opened else None}
    return render(request, "topics/path_detail.html", context)


# The interview rounds that have a topic of their own; every other topic holds concept questions.
ROUND_TOPICS = {"ml-coding": "coding", "ml-system-design": "design", "behavioural": "behavioural"}


@dataclass
class Inside:
    """What the site holds, by interview round, for the visitor's home page."""

    questions: int  # concept questions, in the topics that are not a round of their own
    question_topics: int
    coding: int
    design: int
    behavioural: int
    rounds: dict[str, Topic]  # the round's topic by kind, where there is one


def what_is_inside(catalog: Catalog) -> Inside:
    counts = dict.fromkeys(ROUND_TOPICS.values(), 0)
    rounds = {}
    questions, question_topics = 0, 0
    for topic in catalog.topics:
        count = len(catalog.topic_questions(topic.id))
        kind = ROUND_TOPICS.get(topic.slug)
        if kind:
            counts[kind] += count
            rounds[kind] = topic
        elif count:
            questions += count
            question_topics += 1
    return Inside(questions=questions, question_topics=question_topics, rounds=rounds, **counts)


def sample_question(catalog: Catalog) -> Question | None:
    """A question to try on the home page: ML Breadth's first easy one, else the site's."""
    flagship = catalog.topic("ml-breadth")
    for scope in (catalog.topic_questions(flagship.id) if flagship else [], catalog.questions):
        found = next((q for q in scope if q.difficulty == Difficulty.EASY), None)
        if found:
            return found
    return catalog.questions[0] if catalog.questions else None


def home(request: HttpRequest) -> HttpResponse:
    """The dashboard for a logged-in user: Today first; for a visitor, what the site is and holds.
    Topics and paths for everyone."""
    catalog = content.current()
    flags = flags_for(request)
    studied = flags.studied
    rows = [(topic, Tally.of(catalog.topic_questions(topic.id), studied)) for topic in catalog.topics]
    context = {"rows": rows}
    if request.user.is_authenticated:
        state = plan.UserState.load(request.user)
        followed_ids = [follow.path_id for follow in state.follows]
        followed = [path for path in catalog.paths if path.id in followed_ids]
        views = build_path_views(catalog, flags, request.user, followed, state)
        queue = review.due_queue(request.user, catalog=catalog, state=state)
        schedules = [view.schedule for view in views if view.schedule]
        by_difficulty = [
            (label, Tally.of([q for q in catalog.questions if q.difficulty == value], studied))
            for value, label in Difficulty.choices
        ]
        context |= {
            "overall": Tally.of(catalog.questions, studied),
            "by_difficulty": by_difficulty,
            "followed": views,
            "latest": progress.latest_studied_question(request.user),
            "today": timezone.localdate(),
            "due_today": len(queue),
            "reviews_due": len(queue) - len(queue.new),
            "new_today": len(queue.new),
            "schedules": schedules,
            "starred": progress.starred_questions(request.user),
            "heatmap": heatmap(progress.activity_by_day(request.user), timezone.localdate()),
        }
    else:
        context |= {
            "paths": catalog.paths,
            "inside": what_is_inside(catalog),
            "sample": sample_question(catalog),
        }
    return render(request, "topics/home.html", context)


def list_query(data: QueryDict, topic_slug: str = "", after: str = "") -> str:
    """The address query that names a list: its topic (for the random pick) and its filters,
    without the empty ones; then `after`, the question a random pick is not to repeat."""
    kept = QueryDict(mutable=True)
    if topic_slug:
        kept["topic"] = topic_slug
    for name in FILTER_FIELDS:
        values = [value for value in data.getlist(name) if value]
        if values:
            kept.setlist(name, values)
    if after:
        kept["after"] = after
    return kept.urlencode()


def random_address(query: str) -> str:
    return f"{reverse('random_question')}?{query}" if query else reverse("random_question")


def random_url(listing, topic: Topic | None = None) -> str:
    """Where "a random question from this list" points; "" when the list is empty."""
    if not listing.matched:
        return ""
    return random_address(list_query(listing.form.data, topic.slug if topic else ""))


@require_GET
def random_question(request: HttpRequest) -> HttpResponse:
    """A question picked at random from a list (a topic's with `topic`, else the site's) and its
    filters: interviews do not ask in reading order. `after` names the question just shown, which
    is not picked again while there is another. The question page links to the next pick."""
    catalog = content.current()
    topic = None
    if request.GET.get("topic"):
        topic = topic_or_404(catalog, request.GET["topic"])
    scope = catalog.topic_questions(topic.id) if topic else catalog.questions
    list_url = topic.get_absolute_url() if topic else reverse("question_list")
    try:
        listing = listing_for(catalog, flags_for(request), request.GET, scope)
    except BadFilter as error:
        template = "topics/topic_detail.html" if topic else "topics/question_list.html"
        return bad_filter(request, error, template, {"topic": topic, "clear_url": list_url})
    if not listing.matched:
        messages.info(request, "No question matches these filters, so there is none to pick.")
        query = list_query(request.GET)
        return redirect(f"{list_url}?{query}" if query else list_url)
    after = request.GET.get("after", "")
    candidates = [q for q in listing.matched if q.slug != after] or listing.matched
    question = secrets.choice(candidates)
    return redirect(
        f"{question.get_absolute_url()}?{urlencode({'practice': list_query(request.GET, topic.slug if topic else '')})}"
    )


def practice_context(request: HttpRequest, question: Question) -> dict:
    """On a question reached by a random pick (`practice` names its list): the link to the next."""
    practice = request.GET.get("practice")
    if practice is None:
        return {}
    data = QueryDict(practice)
    return {"practice_url": random_address(list_query(data, data.get("topic", ""), after=question.slug))}
