from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from accounts.throttle import check_password_like_login
from progress.portability import MAX_IMPORT_BYTES
from topics.rendering import RenderRefused, RenderTooSlow, check_render_time

MAX_PLAN_DAYS = 730


class FollowForm(forms.Form):
    follow = forms.TypedChoiceField(choices=[("1", "Follow"), ("0", "Unfollow")], coerce=lambda value: value == "1")
    target_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_target_date(self):
        target = self.cleaned_data["target_date"]
        if target and target < timezone.localdate():
            raise forms.ValidationError("Choose a target date that is today or later.")
        if target and (target - timezone.localdate()).days > MAX_PLAN_DAYS:
            raise forms.ValidationError("Choose a target date within two years: a plan is laid out day by day.")
        return target


class NoteForm(forms.Form):
    body = forms.CharField(
        required=False,
        max_length=20000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Your note",
        help_text="Private to you. Markdown, with $math$ and code. Save an empty note to delete it.",
    )

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        try:
            check_render_time([body.strip()], settings.NOTE_RENDER_SECONDS)
        except RenderTooSlow:
            raise forms.ValidationError(
                "This note takes too long to format. Split very long paragraphs, or remove runs of "
                "brackets or other markup characters."
            ) from None
        except RenderRefused as refused:
            raise forms.ValidationError(str(refused)) from None
        return body


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(choices=[(str(n), str(n)) for n in range(1, 5)], coerce=int)
    last_review = forms.CharField(required=False)


class ReviewSettingsForm(forms.ModelForm):
    class Meta:
        from progress.models import ReviewSettings

        model = ReviewSettings
        fields = ["desired_retention", "new_cards_per_day"]
        widgets = {"desired_retention": forms.NumberInput(attrs={"step": "0.01", "min": "0.80", "max": "0.95"})}


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Export file (JSON)", help_text="A file downloaded from this page, on this site or another."
    )

    def clean_file(self):
        """Refuse a file too large to be an export before reading it into memory."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB. Nothing was changed."
            )
        return upload


class ResetForm(forms.Form):
    topic = forms.ModelChoiceField(queryset=None, to_field_name="slug", required=False, empty_label="—")
    path = forms.ModelChoiceField(queryset=None, to_field_name="slug", required=False, empty_label="—")
    confirm = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from topics.models import StudyPath, Topic

        self.fields["topic"].queryset = Topic.objects.all()
        self.fields["path"].queryset = StudyPath.objects.filter(archived=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("topic")) == bool(data.get("path")):
            raise forms.ValidationError("Choose either one topic or one path to reset.")
        return data


class DeleteAccountForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, help_text="Your password, to confirm it is you.")

    def __init__(self, user, *args, request: HttpRequest, **kwargs) -> None:
        self.user = user
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self):
        """A wrong password counts as a failed login for this user from this client."""
        password = self.cleaned_data["password"]
        if not check_password_like_login(self.request, self.user, password):
            raise forms.ValidationError("That is not your password.")
        return password


class ReportForm(forms.Form):
    problem = forms.CharField(
        label="What is wrong?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="A wrong fact, a formula that does not render, something unclear or out of date.",
    )
    suggestion = forms.CharField(
        label="Your suggestion (optional)", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
