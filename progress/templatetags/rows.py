"""The two controls repeated most, each rendered from its partial in progress/controls.html once
per state and then reused: `{{ question|question_row }}` (`{{ questions|question_rows }}` for a
list of them) and `{{ tally|progress_bar:dom_id }}`.

A topic page shows up to 67 rows and a counter per section; rendered each time, they cost about
ten times the rest of the page (the measurements are in the README). Neither holds anything of
the user or the page but what the key names (the CSRF token and the page address are in the
page's "controls" form), so the key is exactly what the markup shows.
"""

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString

register = template.Library()

ROW = "progress/controls.html#question-row"
BAR = "progress/controls.html#progress-bar"
_RENDERED: dict[tuple, SafeString] = {}
_MOST = 16384  # rows and counters of a few versions of the content in the states in use; then start again


def _rendered(key: tuple, partial: str, context: dict) -> SafeString:
    html = _RENDERED.get(key)
    if html is None:
        if len(_RENDERED) >= _MOST:
            _RENDERED.clear()
        html = _RENDERED[key] = render_to_string(partial, context)
    return html


@register.filter
def question_row(question) -> SafeString:
    key = (
        ROW,
        get_script_prefix(),
        question.id,
        question.slug,
        question.title,
        question.difficulty,
        question.is_studied,
        question.is_starred,
        question.has_note,
    )
    return _rendered(key, ROW, {"q": question})


@register.filter
def question_rows(questions) -> SafeString:
    """The rows of `questions`, one after another."""
    return SafeString("".join(map(question_row, questions)))


@register.filter
def progress_bar(tally, dom_id: str) -> SafeString:
    """The "N / M studied" counter with its bar."""
    return _rendered((BAR, dom_id, tally.studied, tally.total), BAR, {"tally": tally, "dom_id": dom_id})


@register.filter
def progress_bar_oob(tally, dom_id: str) -> SafeString:
    """The counter, marked for an HTMX out-of-band swap."""
    return _rendered(
        (BAR, dom_id, tally.studied, tally.total, True), BAR, {"tally": tally, "dom_id": dom_id, "oob": True}
    )
