from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Signing up, the visitor's time zone, and login throttling's client address."""

    name = "accounts"
