"""The production settings with two reference pages added, for `make bench` only.

The reference pages measure what the framework costs before a page does any work of its own,
so the benchmark can show each endpoint's ratio beside the ratio of a page that does nothing.
The pages themselves are served exactly as in production; these settings are never deployed.
"""

from prepsite.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
