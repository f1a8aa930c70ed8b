"""The account forms in our own words, with every error at the field it is about.

Django's forms bring their own labels, help and error messages; `OwnWords` replaces them by the
error's code, so a message reads the same whichever check raised it. Django's password forms
check the second password field against the validators and show the result there; the person
chose the first one, so `NewPasswordFields` checks that one and shows its errors under it.
"""

from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError

PASSWORD_HELP = (
    "At least 8 characters, not only digits, and nothing like your username or email. "
    "A few unrelated words in a row are strong and easy to remember."
)
REPEAT_HELP = "Type it once more, to rule out a typo."

# Django's password validators (settings.AUTH_PASSWORD_VALIDATORS), by error code.
PASSWORD_WORDS = {
    "password_too_short": "Too short: use at least %(min_length)d characters.",
    "password_too_common": "Many people use this one, so it is among the first to be guessed. Choose another.",
    "password_entirely_numeric": "Digits alone are quick to guess: add a few letters or words.",
    "password_too_similar": "Too close to your %(verbose_name)s: someone who knows it could guess this.",
    "password_mismatch": "The two passwords differ. Type the same one in both boxes.",
}


class OwnWords:
    """Labels, help and error messages from `field_words`, a dict of field name to (label, help),
    and `error_words`, a dict from an error code, or a (field name, code) pair, to our message. Once the
    form is checked, the first field with an error gets the focus, not the first field."""

    field_words: dict[str, tuple[str, str]] = {}
    error_words: dict[str | tuple[str, str], str] = {}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, (label, help_text) in self.field_words.items():
            if name in self.fields:
                self.fields[name].label = label
                self.fields[name].help_text = help_text

    def full_clean(self) -> None:
        super().full_clean()
        if not self._errors:
            return
        for name, error_list in self._errors.items():
            error_list.data = [self._reword(name, error) for error in error_list.as_data()]
        invalid = [name for name in self.fields if name in self._errors]
        if invalid:
            for field in self.fields.values():
                field.widget.attrs.pop("autofocus", None)
            self.fields[invalid[0]].widget.attrs["autofocus"] = True

    def _reword(self, name: str, error: ValidationError) -> ValidationError:
        message = self.error_words.get((name, error.code)) or self.error_words.get(error.code)
        if message is None:
            return error
        return ValidationError(message, code=error.code, params=error.params)


class NewPasswordFields(OwnWords):
    """For Django's forms that set a password (SetPasswordMixin): a password the validators
    reject is reported at the first password field, where it was chosen, not at the second."""

    first_password = "password1"

    def validate_password_for_user(self, user, password_field_name: str = "", **kwargs) -> None:
        super().validate_password_for_user(user, self.first_password, **kwargs)


REQUIRED = {
    ("username", "required"): "Enter your username.",
    ("email", "required"): "Enter your email address.",
    ("email", "invalid"): "Enter an address like name@example.org: it needs an @ and a domain.",
    ("password", "required"): "Enter your password.",
    ("old_password", "required"): "Enter your current password.",
    ("password1", "required"): "Choose a password.",
    ("password2", "required"): "Type your password a second time.",
    ("new_password1", "required"): "Choose a new password.",
    ("new_password2", "required"): "Type your new password a second time.",
}


class SignupForm(NewPasswordFields, auth_forms.UserCreationForm):
    class Meta(auth_forms.UserCreationForm.Meta):
        fields = ("username", "email")

    field_words = {
        "username": ("Username", "Up to 150 letters, digits and @ . + - _ signs. You log in with it."),
        "email": ("Email", "Only for a link to choose a new password if you forget yours. Never shown to anyone."),
        "password1": ("Password", PASSWORD_HELP),
        "password2": ("Password again", REPEAT_HELP),
    }
    error_words = {
        **PASSWORD_WORDS,
        **REQUIRED,
        ("username", "unique"): "That username is taken. Try another one.",
        ("username", "invalid"): "Use only letters, digits and the signs @ . + - _ in a username.",
        ("username", "max_length"): "Keep it to 150 characters or fewer.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].widget.attrs["autocomplete"] = "email"


class SetPasswordForm(NewPasswordFields, auth_forms.SetPasswordForm):
    """Choosing a new password from a reset link."""

    first_password = "new_password1"
    field_words = {
        "new_password1": ("New password", PASSWORD_HELP),
        "new_password2": ("New password again", REPEAT_HELP),
    }
    error_words = {**PASSWORD_WORDS, **REQUIRED}


LOGIN_WORDS = {"username": ("Username", ""), "password": ("Password", "")}
LOGIN_ERRORS = {
    **REQUIRED,
    "invalid_login": "That username and password do not match an account. Check both and try again: capitals count.",
    "inactive": "This account is switched off.",
}
PASSWORD_CHANGE_WORDS = {
    "old_password": ("Current password", ""),
    "new_password1": ("New password", PASSWORD_HELP),
    "new_password2": ("New password again", REPEAT_HELP),
}
PASSWORD_CHANGE_ERRORS = {
    **PASSWORD_WORDS,
    **REQUIRED,
    "password_incorrect": "That is not your current password. Try again.",
}
RESET_WORDS = {"email": ("Email", "The address you signed up with. We send the link there.")}
RESET_ERRORS = dict(REQUIRED)
