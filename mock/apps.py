from django.apps import AppConfig


class MockConfig(AppConfig):
    """Mock interviews: a few questions in a row, timed, answered aloud, then graded."""

    name = "mock"
    verbose_name = "Mock interviews"

    def ready(self) -> None:
        from mock.portability import PART
        from progress import portability

        portability.register(PART)
