from django import forms
from django.utils import timezone


class FollowForm(forms.Form):
    follow = forms.TypedChoiceField(choices=[("1", "Follow"), ("0", "Unfollow")], coerce=lambda value: value == "1")
    target_date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_target_date(self):
        target = self.cleaned_data["target_date"]
        if target and target < timezone.localdate():
            raise forms.ValidationError("Choose a target date that is today or later.")
        return target
