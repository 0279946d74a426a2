"""Soak: twice the expected peak of concurrent clients for a few minutes, on loopback.

Normal clients (2 x PEAK, default 2 x 16) browse the pages and the API with think time,
each from its own address (as a proxy in front would forward it); a few abusive clients
hammer the API without pause. Passes when nothing answers 5xx or drops a connection,
no normal client is ever throttled, the abusive ones get 429, and latency holds: the
normal clients' p99 within 8 x their median (the benchmark's target ratio), and the
median of the last third of the run within 2 x that of the first third. (A p99 under
--p99-floor-ms passes whatever the ratio: a 4 ms median is all noise on a shared box.)

    python scripts/soak.py [--seconds 180] [--peak 16] [--abusers 2]
    SOAK_SECONDS=20 make soak     # a short run, as CI could afford
"""

import argparse
import json
import multiprocessing
import os
import random
import sys
import threading
import time
from collections import Counter

import redis
from harness import (
    Gunicorn,
    app_environment,
    percentile,
    prepare_database,
    private_postgres,
    require_served,
    safe_request,
    write_result,
)

BROWSING = ["/en/", "/en/companies/", "/api/v1/companies/", "/api/v1/stats/", "/api/v1/countries/"]
ABUSED = "/api/v1/companies/"
REDIS_URL = os.environ.get("PARK_SOAK_REDIS_URL", "redis://127.0.0.1:6379/5")


def redis_available() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds", type=float, default=float(os.environ.get("SOAK_SECONDS", 180))
    )
    parser.add_argument("--peak", type=int, default=16, help="expected peak concurrent clients")
    parser.add_argument("--abusers", type=int, default=2)
    parser.add_argument(
        "--p99-floor-ms",
        type=float,
        default=250,
        help="below this p99 is fine whatever the ratio (millisecond medians on a shared box)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8113)
    parser.add_argument("--pg-port", type=int, default=55434)
    options = parser.parse_args()
    random.seed(11)
    cache = "redis" if redis_available() else "database"
    extra = {"DJANGO_NUM_PROXIES": "1", "WEB_CONCURRENCY": str(options.workers)}
    if cache == "redis":
        extra["REDIS_URL"] = REDIS_URL
        # The soak's own Redis database: emptied so earlier runs' counts do not carry over.
        redis.Redis.from_url(REDIS_URL).flushdb()

    with private_postgres(options.pg_port) as database:
        env = app_environment(database.url, **extra)
        prepare_database(env)
        server = Gunicorn(env, options.port, workers=options.workers)
        try:
            require_served(options.port, BROWSING, {"X-Forwarded-For": "192.0.2.250"})
            paths = BROWSING
            abusers = options.abusers
            normal, abusive = [], []
            stop = threading.Event()
            stop_abusers = multiprocessing.Event()
            abuse_results = multiprocessing.Queue()

            def normal_client(n: int) -> None:
                headers = {"X-Forwarded-For": f"198.51.100.{n + 1}"}
                stop.wait(random.uniform(0, 1.5))  # clients arrive over time, not at once
                while not stop.is_set():
                    normal.append(safe_request(options.port, random.choice(paths), headers))
                    stop.wait(random.uniform(0.5, 1.5))

            def abusive_client(n: int) -> None:
                # A process of its own, so that its tight loop does not slow down (and so
                # distort the timing of) the normal clients in this one.
                headers = {"X-Forwarded-For": f"203.0.113.{n + 1}"}
                answers = []
                while not stop_abusers.is_set():
                    answer = safe_request(options.port, ABUSED, headers)
                    answers.append((answer.status, bool(answer.headers.get("Retry-After"))))
                abuse_results.put(answers)

            processes = [
                multiprocessing.Process(target=abusive_client, args=(n,)) for n in range(abusers)
            ]
            threads = [
                threading.Thread(target=normal_client, args=(n,)) for n in range(2 * options.peak)
            ]
            for process in processes:
                process.start()
            start = time.monotonic()
            for thread in threads:
                thread.start()
            time.sleep(options.seconds)
            stop.set()
            stop_abusers.set()
            for thread in threads:
                thread.join()
            for _ in processes:
                abusive.extend(abuse_results.get(timeout=60))
            for process in processes:
                process.join()
        finally:
            server.stop()

    statuses = [a.status for a in normal] + [status for status, _ in abusive]
    # Latency is measured after a warm-up, once the workers have their connections.
    warm_up = min(10.0, options.seconds / 6)
    measured = [a for a in normal if a.started - start >= warm_up]
    third = (options.seconds - warm_up) / 3
    first = [
        a.seconds for a in measured if a.started - start < warm_up + third and a.status == 200
    ]
    last = [
        a.seconds for a in measured if a.started - start >= warm_up + 2 * third and a.status == 200
    ]
    latencies = [a.seconds for a in measured if a.status == 200]

    def ms(value: float) -> float:
        return round(value * 1000, 1)

    result = {
        "seconds": options.seconds,
        "warm_up_seconds": warm_up,
        "load_average_at_end": os.getloadavg(),
        "workers": options.workers,
        "cache": cache,
        "normal_clients": 2 * options.peak,
        "abusive_clients": abusers,
        "paths": paths,
        "requests": len(statuses),
        "per_path": {
            path: dict(Counter(a.status for a in normal if a.path == path))
            for path in sorted({a.path for a in normal})
        },
        "normal_latency_per_path_ms": {
            path: {
                "p50": ms(percentile(per_path, 0.5)),
                "p99": ms(percentile(per_path, 0.99)),
            }
            for path in paths
            if (per_path := [a.seconds for a in measured if a.path == path and a.status == 200])
        },
        "server_errors": sum(1 for status in statuses if status >= 500),
        "dropped_connections": sum(1 for status in statuses if status == 0),
        "normal": {
            "requests": len(normal),
            "throttled": sum(1 for a in normal if a.status == 429),
            "p50_ms": ms(percentile(latencies, 0.5)),
            "p95_ms": ms(percentile(latencies, 0.95)),
            "p99_ms": ms(percentile(latencies, 0.99)),
            "first_third_p50_ms": ms(percentile(first, 0.5)),
            "last_third_p50_ms": ms(percentile(last, 0.5)),
        },
        "abusive": {
            "requests": len(abusive),
            "throttled": sum(1 for status, _ in abusive if status == 429),
            "with_retry_after": sum(1 for status, retry in abusive if status == 429 and retry),
        },
    }
    n = result["normal"]
    checks = {
        "no 5xx": result["server_errors"] == 0,
        "no dropped connection": result["dropped_connections"] == 0,
        "no normal client throttled": n["throttled"] == 0,
        "abusive clients throttled": not abusers or result["abusive"]["throttled"] > 0,
        f"p99 within 8 x median (or {options.p99_floor_ms:g} ms) on each path": all(
            latency["p99"] <= max(8 * latency["p50"], options.p99_floor_ms)
            for latency in result["normal_latency_per_path_ms"].values()
        ),
        "no degradation over the run": n["last_third_p50_ms"] <= 2 * n["first_third_p50_ms"],
    }
    result["checks"] = checks
    result["passed"] = all(checks.values())
    print(json.dumps(result, indent=2))
    print(f"result written to {write_result('soak', result)}")
    print("PASSED" if result["passed"] else "FAILED")
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
