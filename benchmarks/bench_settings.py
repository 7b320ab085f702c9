"""Production settings with the benchmark's bare view mounted beside the site (benchmarks only)."""

from tenderbox.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bench_wsgi"
