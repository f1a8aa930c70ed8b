from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "progress"

    def ready(self) -> None:
        from progress import pending, rendering  # noqa: F401  (connect the login and re-rendering signals)
