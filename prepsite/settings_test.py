"""Settings for the test suite: the site's own, with a fast password hasher (hashing with the
real one took most of the suite's time)."""

from prepsite.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Schedules reproducible from a fixed clock (progress.review).
REVIEW_FUZZ = False
