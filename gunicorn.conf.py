"""gunicorn settings for production; each can be overridden from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers, one per core: more workers than cores gain nothing (FIELD-NOTES).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
# The app is imported once and each worker forked from it, so a worker replaced after
# max_requests (a guard against slow leaks) serves within milliseconds; with the app
# imported per worker, both workers of a busy server restarted within the same second
# and held every request for one (p99 1.3 s in BENCHMARKS.md). Nothing opens a
# connection at import, so no socket is shared across the fork.
preload_app = True
max_requests = 20_000
max_requests_jitter = 5000
# The app writes one JSON line per request (ops.middleware); this would repeat it.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
