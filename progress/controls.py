"""The tick and star controls and the question row, built in Python.

These are the most repeated markup on the site (every row of every list holds both forms), so
they are formatted directly rather than through nested template includes, which cost most of
a topic page's rendering time. Every text value is escaped with html.escape, the same escaping
Django's templates apply; the values shared by all rows of a page are escaped once.
"""

from functools import lru_cache
from html import escape
from types import SimpleNamespace

from django.utils.safestring import SafeString, mark_safe

from prepsite.addresses import cached_reverse

# Each button has an id, so that htmx gives focus back to the new button after the swap.
_STUDIED_BUTTON = (
    '<button type="submit" class="tick-button is-studied" id="{id}" aria-pressed="true" title="Mark as not studied">'
    '<span aria-hidden="true">✓</span> Studied</button>'
)
_TICK_BUTTON = (
    '<button type="submit" class="tick-button" id="{id}" aria-pressed="false" title="Mark as studied">'
    "Mark studied</button>"
)
_DIFFICULTY_LABELS = {"easy": "Easy", "medium": "Medium", "hard": "Hard"}


def _url(name: str, slug: str) -> str:
    return escape(cached_reverse(name, slug))


# Stands for a page's hidden inputs in cached rows; escaped text can never contain "<".
_SLOT = "<hidden-inputs>"


class Controls:
    """Renders controls for one page: `next_url` (where a plain form post returns to) and the
    CSRF token are the same for every row."""

    def __init__(self, next_url: str, csrf_token: str, hidden: str | None = None) -> None:
        self.hidden = hidden or (
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
            f'<input type="hidden" name="next" value="{escape(next_url)}">'
        )

    def question_rows(self, questions) -> str:
        """Rows for `questions` (with their flags set). Rows are formatted once per question,
        content and flags, and then only joined with this page's hidden inputs."""
        hidden = self.hidden
        return "".join(
            hidden.join(
                _row_parts(
                    q.id,
                    q.slug,
                    q.title,
                    q.difficulty,
                    q.is_studied,
                    getattr(q, "is_starred", False),
                    getattr(q, "has_note", False),
                )
            )
            for q in questions
        )

    def topic_sections(self, sections, show_intros: bool) -> str:
        """A topic page's sections (topics.views.SectionView): each heading with its counter,
        its intro when `show_intros`, and its rows."""
        parts = []
        for entry in sections:
            section = entry.section
            parts.append(
                f'<section class="section" id="section-{escape(section.slug)}">'
                f'<header class="section-header"><h2>{escape(section.title)}</h2>'
            )
            if entry.tally.total:
                parts.append(progress_bar(entry.tally, section.progress_dom_id))
            parts.append("</header>")
            if show_intros and section.intro_html:
                parts.append(f'<div class="prose">{section.intro_html}</div>')  # stored sanitized HTML
            if entry.questions:
                parts.append(f'<ol class="question-list">{self.question_rows(entry.questions)}</ol>')
            parts.append("</section>")
        return "".join(parts)

    def topic_groups(self, groups) -> str:
        """The site-wide list's topics (topics.views.TopicGroup), each with its sections' rows."""
        parts = []
        for group in groups:
            topic = group.topic
            parts.append(
                f'<section class="topic-group"><h2><a href="{_url("topic_detail", topic.slug)}">'
                f"{escape(topic.title)}</a></h2>"
            )
            for entry in group.sections:
                parts.append(
                    f'<h3 class="section-title">{escape(entry.section.title)}</h3>'
                    f'<ol class="question-list">{self.question_rows(entry.questions)}</ol>'
                )
            parts.append("</section>")
        return "".join(parts)

    def tick_form(self, question, swap: str) -> str:
        """A tick that states the wanted result; `swap` ("row" or "panel") names what HTMX replaces."""
        url = _url("set_studied", question.slug)
        studied = question.is_studied
        return (
            f'<form class="tick" method="post" action="{url}" hx-post="{url}" '
            f'hx-target="#question-{escape(swap)}-{int(question.id)}" hx-swap="outerHTML" hx-disabled-elt="find button" '
            # One tick at a time per page, so the counters swapped in last are the latest.
            f'hx-sync="closest main:queue all">'
            f'{self.hidden}<input type="hidden" name="studied" value="{"0" if studied else "1"}">'
            f"{(_STUDIED_BUTTON if studied else _TICK_BUTTON).format(id=f'tick-{escape(swap)}-{int(question.id)}')}</form>"
        )

    def star_form(self, question) -> str:
        url = _url("set_starred", question.slug)
        starred = bool(getattr(question, "is_starred", False))
        title = "Starred to revisit: remove the star" if starred else "Star to revisit later"
        return (
            f'<form class="star" id="star-{int(question.id)}" method="post" action="{url}" hx-post="{url}" '
            f'hx-target="this" hx-swap="outerHTML" hx-disabled-elt="find button">'
            f'{self.hidden}<input type="hidden" name="starred" value="{"0" if starred else "1"}">'
            f'<button type="submit" class="star-button{" is-starred" if starred else ""}" id="star-button-{int(question.id)}" '
            f'aria-pressed="{"true" if starred else "false"}" title="{title}">'
            f'<span aria-hidden="true">{"★" if starred else "☆"}</span><span class="visually-hidden">Revisit</span>'
            f"</button></form>"
        )

    def question_row(self, question) -> str:
        url = _url("question_detail", question.slug)
        note = (
            f'<a class="note-marker" href="{url}#note" title="You have a note on this question">✎'
            f'<span class="visually-hidden"> note</span></a>'
            if getattr(question, "has_note", False)
            else ""
        )
        difficulty = escape(question.difficulty)
        return (
            f'<li class="question-row{" is-studied" if question.is_studied else ""}" id="question-row-{int(question.id)}">'
            f'<a class="question-title" href="{url}">{escape(question.title)}</a>{note}'
            f'<span class="chip chip-{difficulty}">{_DIFFICULTY_LABELS.get(question.difficulty, difficulty)}</span>'
            f"{self.star_form(question)}{self.tick_form(question, 'row')}</li>"
        )


@lru_cache(maxsize=8192)
def _row_parts(id, slug, title, difficulty, is_studied, is_starred, has_note) -> tuple[str, ...]:
    """A question row cut around the page's hidden inputs. Keyed by everything the row shows,
    so an edited question or a changed flag simply misses the cache."""
    fields = SimpleNamespace(
        id=id, slug=slug, title=title, difficulty=difficulty,
        is_studied=is_studied, is_starred=is_starred, has_note=has_note,
    )  # fmt: skip
    return tuple(_SLOT_CONTROLS.question_row(fields).split(_SLOT))


_SLOT_CONTROLS = Controls("", "", hidden=_SLOT)


def safe(html: str) -> SafeString:
    return mark_safe(html)  # noqa: S308 -- built above from escaped values only


def progress_bar(tally, dom_id: str, oob: bool = False) -> str:
    """The "N / M studied" counter with its bar; `oob` marks it for an HTMX out-of-band swap."""
    studied, total = int(tally.studied), int(tally.total)
    swap = ' hx-swap-oob="true"' if oob else ""
    return (
        f'<div class="progress" id="{escape(dom_id)}"{swap}>'
        f'<progress max="{total or 1}" value="{studied}" aria-hidden="true"></progress>'
        f'<span class="progress-text"><strong>{studied}</strong> / {total} studied</span></div>'
    )
