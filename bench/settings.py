"""The production settings, as the benchmark serves them.

One change: API throttle rates, where the API defines them, are raised out of reach,
because the load generator is a single client on loopback and would otherwise measure
the limiter. The throttle classes still run, so their cost stays in the figures.
"""

from park.settings import *  # noqa: F403

REST_FRAMEWORK = dict(globals().get("REST_FRAMEWORK", {}))
if REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES"):
    REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = dict.fromkeys(
        REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "1000000/second"
    )
