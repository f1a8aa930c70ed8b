"""Django's login, password-change and password-reset views, hardened.

- Login: a username longer than any account's is refused like a wrong password before
  `authenticate()` (and django-axes, which stores it in a 255-character column) sees it.
- Password change: a wrong current password counts as a failed login; once locked out, the
  login's lockout page (429) and no password check (accounts.throttle).
- Password reset: hourly limits per client and per address (see `password_reset`).
"""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from accounts import throttle
from accounts.forms import (
    LOGIN_ERRORS,
    LOGIN_WORDS,
    PASSWORD_CHANGE_ERRORS,
    PASSWORD_CHANGE_WORDS,
    RESET_ERRORS,
    RESET_WORDS,
    NewPasswordFields,
    OwnWords,
    SetPasswordForm,
)


class RefuseOverlongUsername:
    """For a login form: a username longer than the user model allows cannot be anyone's, so it is
    the usual "enter a correct username and password" error, without authenticating."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if username is not None and len(username) > self.username_field.max_length:
            raise self.get_invalid_login_error()
        return super().clean()


class LoginForm(OwnWords, RefuseOverlongUsername, auth_forms.AuthenticationForm):
    field_words = LOGIN_WORDS
    error_words = LOGIN_ERRORS


class AdminLoginForm(RefuseOverlongUsername, AdminAuthenticationForm):
    pass


class PasswordChangeForm(NewPasswordFields, auth_forms.PasswordChangeForm):
    """Django's form in our words; a wrong current password is a failed login for this user from
    this client."""

    first_password = "new_password1"
    field_words = PASSWORD_CHANGE_WORDS
    error_words = PASSWORD_CHANGE_ERRORS

    def __init__(self, user, *args, request: HttpRequest, **kwargs) -> None:
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        if not throttle.check_password_like_login(self.request, self.user, old_password):
            raise ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if throttle.password_checks_locked(request, request.user):
            return throttle.lockout_response(request, request.user)
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "request": self.request}


class PasswordResetForm(OwnWords, auth_forms.PasswordResetForm):
    field_words = RESET_WORDS
    error_words = RESET_ERRORS

    def save(self, *args, request: HttpRequest | None = None, **kwargs) -> None:
        """Send the mail unless this address has had its PASSWORD_RESET_MAILS_PER_HOUR_PER_ADDRESS.

        Past that limit the page still says "if an account uses that address, a link is on its
        way", exactly as for an address no account uses: a different answer would tell anyone
        which addresses have accounts. Every valid request counts, whether or not an account
        uses the address, for the same reason."""
        address = self.cleaned_data["email"].casefold()
        if throttle.over_limit(request, "password-reset-address", "PASSWORD_RESET_MAILS_PER_HOUR_PER_ADDRESS", address):
            return
        super().save(*args, request=request, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choosing a new password from a reset link, in our words (accounts.forms.SetPasswordForm)."""

    form_class = SetPasswordForm


_password_reset = auth_views.PasswordResetView.as_view(form_class=PasswordResetForm)


@throttle.limit_per_client("password-reset", "PASSWORD_RESETS_PER_HOUR_PER_CLIENT")
def password_reset(request: HttpRequest) -> HttpResponse:
    """Django's password-reset view, limited to PASSWORD_RESETS_PER_HOUR_PER_CLIENT requests an
    hour from one client (past it: the form again with the reason, status 429, and no mail), and
    to PASSWORD_RESET_MAILS_PER_HOUR_PER_ADDRESS mails an hour to one address (PasswordResetForm)."""
    if request.limited:
        message = f"Too many password-reset requests from your network. {throttle.TRY_LATER}"
        return throttle.refused(request, "registration/password_reset_form.html", PasswordResetForm(), message)
    return _password_reset(request)
