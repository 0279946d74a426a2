"""Fault: a gunicorn worker killed (SIGKILL) in the middle of a request.

Runs the directory under gunicorn with several workers against a PostgreSQL of its own,
keeps clients busy on slow and fast pages, and kills one busy worker several times. It
passes when:
- the only failed requests are those the killed workers were serving (at most one per
  kill, as a dropped connection: behind nginx a 502, or a retry on another replica);
- every other request succeeds, during and after each kill;
- the master replaces each killed worker, and keeps its own process.

    python scripts/fault_worker_kill.py [--kills 3] [--workers 3] [--clients 6]
"""

import argparse
import json
import os
import random
import signal
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

# The admin's company list takes long enough to be caught in the middle.
PATHS = ["/admin/companies/company/", "/readyz", "/api/v1/companies/", "/en/companies/"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--port", type=int, default=8112)
    parser.add_argument("--pg-port", type=int, default=55433)
    options = parser.parse_args()
    random.seed(7)

    with private_postgres(options.pg_port) as database:
        env = app_environment(database.url)
        prepare_database(env)
        cookie = {"Cookie": f"sessionid={editor_session(env)}"}
        server = Gunicorn(env, options.port, workers=options.workers)
        try:
            require_served(options.port, PATHS, cookie)
            paths = PATHS
            master = server.process.pid
            answers, kills = [], []
            stop = threading.Event()

            def client(n: int) -> None:
                i = n
                while not stop.is_set():
                    answers.append(safe_request(options.port, paths[i % len(paths)], cookie))
                    i += 1

            threads = [threading.Thread(target=client, args=(n,)) for n in range(options.clients)]
            for thread in threads:
                thread.start()
            time.sleep(3)
            for _ in range(options.kills):
                victim = random.choice(server.workers())
                killed_at = time.monotonic()
                os.kill(victim, signal.SIGKILL)
                replaced = None
                while time.monotonic() - killed_at < 30:
                    workers = server.workers()
                    if victim not in workers and len(workers) == options.workers:
                        replaced = round(time.monotonic() - killed_at, 2)
                        break
                    time.sleep(0.05)
                kills.append({"pid": victim, "at": killed_at, "replaced_after_s": replaced})
                time.sleep(4)
            stop.set()
            for thread in threads:
                thread.join()
            master_alive = server.process.poll() is None and server.process.pid == master
        finally:
            server.stop()

    failed = [a for a in answers if not 200 <= a.status < 400]
    # A request lost with its worker was in flight at the moment of a kill.
    in_flight = [
        a for a in failed
        if a.status == 0 and any(a.started <= k["at"] <= a.started + a.seconds for k in kills)
    ]  # fmt: skip
    other_failures = [a for a in failed if a not in in_flight]
    result = {
        "paths": paths,
        "workers": options.workers,
        "requests": len(answers),
        "ok": len(answers) - len(failed),
        "lost_with_the_killed_worker": len(in_flight),
        "other_failures": len(other_failures),
        "other_failure_examples": [
            {"path": a.path, "status": a.status, "error": a.error} for a in other_failures[:5]
        ],
        "kills": [{"pid": k["pid"], "replaced_after_s": k["replaced_after_s"]} for k in kills],
        "master_kept": master_alive,
        "gunicorn_log": str(server.log_path),
    }
    passed = (
        not other_failures
        and len(in_flight) <= len(kills)
        and all(k["replaced_after_s"] is not None for k in kills)
        and master_alive
    )
    result["passed"] = passed
    print(json.dumps(result, indent=2))
    print(f"result written to {write_result('fault_worker_kill', result)}")
    print("PASSED" if passed else "FAILED")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
