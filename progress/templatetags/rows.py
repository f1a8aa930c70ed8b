"""{{ question|question_row }}: a question's row (progress/controls.html#question-row), rendered
once per question and state and then reused.

A topic page lists up to 67 rows; rendered each time, they cost about ten times the rest of the
page (the measurements are in the README). A row shows only the question's own fields and the
user's flags on it, and no token or page address (those are in the page's "controls" form), so
it is the same for every user and page with the same state: the key is exactly what it shows.
"""

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString

register = template.Library()

ROW = "progress/controls.html#question-row"
_ROWS: dict[tuple, SafeString] = {}
_MOST = 8192  # rows of a few versions of the content in every state in use; then start again


@register.filter
def question_row(question) -> SafeString:
    key = (
        get_script_prefix(),
        question.id,
        question.slug,
        question.title,
        question.difficulty,
        question.is_studied,
        question.is_starred,
        question.has_note,
    )
    html = _ROWS.get(key)
    if html is None:
        if len(_ROWS) >= _MOST:
            _ROWS.clear()
        html = _ROWS[key] = render_to_string(ROW, {"q": question})
    return html
