"""gunicorn settings for production; each can be overridden from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers, one per core: more workers than cores gain nothing (FIELD-NOTES).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
max_requests = 5000
max_requests_jitter = 500
# The app writes one JSON line per request (ops.middleware); this would repeat it.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
