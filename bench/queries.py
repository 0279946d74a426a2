"""SQL queries per request, counted inside the directory's Django.

Run as `python -m bench.queries PATH...` (DATABASE_URL says which register); prints one
JSON object. Each path is requested twice through Django's test client under
`CaptureQueriesContext`, against the same database and settings as the served
directory: the first request, with every cache emptied before it, shows the cold cost,
the second the steady state that the load sees once caches are warm. A streamed
response is read to its end inside the count, so queries made while streaming are
counted too.
"""

import argparse
import json
import re
import sys

# An aggregate over the register: what "a full recomputation" of figures looks like.
AGGREGATE = re.compile(r"\b(SUM|COUNT|AVG)\s*\(", re.IGNORECASE)


def count_queries(paths: list[str], *, repeat: int = 2) -> dict[str, dict]:
    """For each path: status, bytes, the query count of each request, and whether the
    last request ran an aggregate query."""
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(raise_request_exception=False, HTTP_X_FORWARDED_PROTO="https")
    counted = {}
    for path in paths:
        for cache in caches.all():  # the benchmark's own: settings.py, BENCH_REDIS_URL
            cache.clear()
        counts = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path, secure=True, HTTP_HOST="127.0.0.1")
                if response.streaming:
                    size = sum(len(chunk) for chunk in response.streaming_content)
                else:
                    size = len(response.content)
            counts.append(len(captured.captured_queries))
        counted[path] = {
            "status": response.status_code,
            "bytes": size,
            "queries": counts,
            "aggregates": any(AGGREGATE.search(q["sql"]) for q in captured.captured_queries),
        }
    return counted


def main(argv: list[str]) -> int:
    import django

    parser = argparse.ArgumentParser(prog="python -m bench.queries")
    parser.add_argument("--repeat", type=int, default=2, help="requests per path")
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args(argv)
    django.setup()
    print(json.dumps(count_queries(args.paths, repeat=args.repeat)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
