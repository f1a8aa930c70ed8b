from django.apps import AppConfig


class MockConfig(AppConfig):
    """Mock interviews: a few questions in a row, timed, answered aloud, then graded."""

    name = "mock"
    verbose_name = "Mock interviews"
