"""Production settings plus what the benchmark needs to measure them: two baseline views (bench/urls.py) and
a header with the number of SQL statements each request ran. Used only by the benchmark's own server."""

from config.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
MIDDLEWARE = ["bench.middleware.count_queries", *MIDDLEWARE]  # noqa: F405
