"""The production settings, as the benchmark serves them.

As served, one change: API throttle rates, where the API defines them, are raised out of reach,
because the load generator is a single client on loopback and would otherwise measure
the limiter. The throttle classes still run, so their cost stays in the figures.

With BENCH_UNCACHED=1 nothing computed is kept between requests (companies.caching), to
measure what computing a response costs and how that grows with the register.
"""

import os

from park.settings import *  # noqa: F403

REST_FRAMEWORK = dict(globals().get("REST_FRAMEWORK", {}))
if REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES"):
    REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = dict.fromkeys(
        REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "1000000/second"
    )

if os.environ.get("BENCH_UNCACHED") == "1":
    KEPT_CACHES = []
    MIDDLEWARE = [m for m in MIDDLEWARE if m != "companies.api.middleware.KeptResponseMiddleware"]  # noqa: F405
