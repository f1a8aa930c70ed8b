from django import forms

from mock.checklist import Checklist
from mock.models import (
    DEFAULT_MINUTES,
    DEFAULT_QUESTIONS,
    MAX_MINUTES,
    MAX_QUESTIONS,
    MIN_MINUTES,
    MIN_QUESTIONS,
    Source,
)
from progress.models import Rating
from topics.catalog import Catalog


class StartForm(forms.Form):
    """Where the questions come from, how many, and the time for each."""

    source = forms.ChoiceField(choices=Source.choices, widget=forms.RadioSelect, label="Questions from")
    topic = forms.ChoiceField(required=False, label="Topic")
    path = forms.ChoiceField(required=False, label="Study path")
    filters = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)
    count = forms.IntegerField(
        min_value=MIN_QUESTIONS,
        max_value=MAX_QUESTIONS,
        initial=DEFAULT_QUESTIONS,
        label="Questions",
        help_text=f"From {MIN_QUESTIONS} to {MAX_QUESTIONS}; fewer if the source has fewer.",
    )
    minutes = forms.IntegerField(
        min_value=MIN_MINUTES,
        max_value=MAX_MINUTES,
        initial=DEFAULT_MINUTES,
        label="Minutes per question",
        help_text=f"From {MIN_MINUTES} to {MAX_MINUTES}: a typical answer in an interview takes two to five.",
    )

    def __init__(self, *args, catalog: Catalog, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", "Choose a topic")] + [(t.slug, t.title) for t in catalog.topics]
        self.fields["path"].choices = [("", "Choose a path")] + [(p.slug, p.title) for p in catalog.paths]

    def clean(self) -> dict:
        data = super().clean()
        source = data.get("source")
        if source == Source.TOPIC and not data.get("topic"):
            self.add_error("topic", "Choose a topic.")
        elif source == Source.PATH and not data.get("path"):
            self.add_error("path", "Choose a study path.")
        elif source == Source.FILTERS and not data.get("filters", "").strip():
            self.add_error("source", "There are no filters to use: open a list page, filter it, and follow its link.")
        return data

    @property
    def source_value(self) -> str:
        """The topic or path slug, or the filters, of the chosen source ("" for the others)."""
        source = self.cleaned_data["source"]
        return self.cleaned_data[source] if source in (Source.TOPIC, Source.PATH, Source.FILTERS) else ""


class GradeForm(forms.Form):
    """The checklist lines ticked and the rating of one answer."""

    checked = forms.TypedMultipleChoiceField(
        required=False, coerce=int, widget=forms.CheckboxSelectMultiple, label="Checklist"
    )
    rating = forms.TypedChoiceField(
        choices=Rating.choices,
        coerce=int,
        widget=forms.RadioSelect,
        label="How well did you answer?",
        error_messages={"required": "Rate your answer: Again, Hard, Good or Easy."},
    )

    def __init__(self, *args, checklist: Checklist, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["checked"].choices = [(str(index), line) for index, line in enumerate(checklist.lines)]
