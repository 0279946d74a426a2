"""Fault: PostgreSQL restarted, then down for a while, under load.

Starts a PostgreSQL of its own (never the machine's shared one), the directory under
gunicorn against it, and clients that keep requesting pages, the API and the admin.
Meanwhile it restarts the database (a quick restart) and later stops it for OUTAGE
seconds. It passes when:
- every answer is a success or a clean 503 (Retry-After; JSON for /api/ and /readyz,
  the 503 page otherwise): no 500, no 502, no dropped connection, no stack trace;
- the app recovers by itself (the same gunicorn workers, never restarted) and answers
  every request after the database is back.

    python scripts/fault_database_restart.py [--seconds 40] [--outage 8] [--clients 8]
"""

import argparse
import json
import sys
import threading
import time

from harness import (
    Gunicorn,
    app_environment,
    editor_session,
    prepare_database,
    private_postgres,
    require_served,
    safe_request,
    write_result,
)

PATHS = [
    "/readyz",
    "/admin/companies/company/",
    "/api/v1/companies/",
    "/api/v1/stats/",
    "/en/",
    "/en/companies/",
]


def clean_503(answer) -> bool:
    if answer.status != 503 or not answer.headers.get("Retry-After"):
        return False
    if answer.content_type.startswith("application/json"):
        body = json.loads(answer.body)
        return body.get("code") == "database_unavailable" or body.get("database") == "unreachable"
    text = answer.body.decode(errors="replace")
    return "briefly unavailable" in text and "Traceback" not in text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--outage", type=float, default=8)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--port", type=int, default=8111)
    parser.add_argument("--pg-port", type=int, default=55432)
    options = parser.parse_args()

    with private_postgres(options.pg_port) as database:
        env = app_environment(database.url, DATABASE_POOL_TIMEOUT="3")
        prepare_database(env)
        cookie = {"Cookie": f"sessionid={editor_session(env)}"}
        server = Gunicorn(env, options.port, workers=2)
        try:
            require_served(options.port, PATHS, cookie)
            paths = PATHS
            workers_before = sorted(server.workers())
            answers, events = [], {}
            stop = threading.Event()

            def client(n: int) -> None:
                i = n
                while not stop.is_set():
                    answers.append(safe_request(options.port, paths[i % len(paths)], cookie))
                    i += 1

            threads = [threading.Thread(target=client, args=(n,)) for n in range(options.clients)]
            start = time.monotonic()
            for thread in threads:
                thread.start()
            time.sleep(options.seconds * 0.2)
            events["restart"] = time.monotonic()
            database.restart()
            events["restarted"] = time.monotonic()
            time.sleep(options.seconds * 0.2)
            events["stop"] = time.monotonic()
            database.stop()
            time.sleep(options.outage)
            events["start"] = time.monotonic()
            database.start()
            events["started"] = time.monotonic()
            time.sleep(max(5.0, options.seconds - (time.monotonic() - start)))
            stop.set()
            for thread in threads:
                thread.join()
            workers_after = sorted(server.workers())
        finally:
            server.stop()

    def during(a, first, last):
        """Whether the request was in flight at some moment between first and last."""
        return a.started <= last and a.started + a.seconds >= first

    ok = [a for a in answers if 200 <= a.status < 400]
    clean = [a for a in answers if clean_503(a)]
    bad = [a for a in answers if a not in ok and a not in clean]
    recovered_at = min(
        (a.started + a.seconds for a in ok
         if a.started >= events["started"] and a.path != "/readyz"),
        default=None,
    )  # fmt: skip
    after = [a for a in answers if recovered_at and a.started > recovered_at + 1]
    result = {
        "paths": paths,
        "requests": len(answers),
        "ok": len(ok),
        "clean_503": len(clean),
        "bad": len(bad),
        "bad_examples": [
            {"path": a.path, "status": a.status, "error": a.error, "body": a.body[:200]}
            for a in bad[:5]
        ],
        "quick_restart": {
            "seconds": round(events["restarted"] - events["restart"], 2),
            "clean_503": sum(
                1 for a in clean if during(a, events["restart"] - 1, events["restarted"] + 3)
            ),
            "ok": sum(1 for a in ok if during(a, events["restart"], events["restarted"] + 3)),
        },
        "outage": {
            "seconds": round(events["started"] - events["stop"], 2),
            "clean_503": sum(1 for a in clean if during(a, events["stop"], events["started"])),
            "max_503_seconds": round(max((a.seconds for a in clean), default=0), 2),
        },
        "recovery_seconds": round(recovered_at - events["started"], 2) if recovered_at else None,
        "after_recovery": {
            "requests": len(after),
            "not_ok": sum(1 for a in after if not 200 <= a.status < 400),
        },
        "workers_restarted": workers_before != workers_after,
        "gunicorn_log": str(server.log_path),
    }
    passed = (
        not bad
        and result["outage"]["clean_503"] > 0
        and recovered_at is not None
        and result["after_recovery"]["requests"] > 0
        and result["after_recovery"]["not_ok"] == 0
        and not result["workers_restarted"]
    )
    result["passed"] = passed
    print(json.dumps(result, indent=2, default=str))
    print(f"result written to {write_result('fault_database_restart', result)}")
    print("PASSED" if passed else "FAILED")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
