"""The site's settings plus a bare view for the benchmark's ceiling (benchmarks/http.py)."""

from kb.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
