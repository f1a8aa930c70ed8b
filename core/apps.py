from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every request goes through: the health check and our middleware."""

    name = "core"
