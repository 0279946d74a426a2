"""A multi-node deployment on this machine, and its faults under load (`make cluster`).

Starts, from Debian's and PyPI's packages, on loopback: a PostgreSQL 15 primary (5441)
and a streaming replica made with pg_basebackup -R (5442), Redis (6381), two app
instances under gunicorn (8201, 8202) reading from the replica for anonymous visitors,
and nginx in front (8200) with the repository's configuration. Then, under load through
nginx (readers, and an editor who creates companies and reads each back at once):

1. kills one app instance (its master and workers, SIGKILL), and starts it again;
2. stops the replica, and starts it again;
3. stops Redis, and starts it again;
4. restarts the primary.

For each it records the requests that failed meanwhile (no answer, or a 5xx), how long
until everything answered again, and checks that every write the editor was told had
succeeded is on the primary at the end. Writes artifacts/cluster.json; passes when no
acknowledged write is lost, every fault recovers, and afterwards every path and a write
are answered within 30 s (clean 503s are allowed while the primary restarts).

    python scripts/cluster.py [--phase-seconds 10] [--readers 6]
"""

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import ExitStack, suppress
from typing import NamedTuple

import psycopg
import redis
from harness import (
    PG_BIN,
    Gunicorn,
    Nginx,
    PrivatePostgres,
    app_environment,
    as_postgres,
    manage,
    prepare_database,
    safe_request,
    write_result,
)

NGINX_PORT, APP_PORTS = 8200, (8201, 8202)
PRIMARY_PORT, REPLICA_PORT, REDIS_PORT = 5441, 5442, 6381
READ_PATHS = ["/api/v1/companies/", "/api/v1/stats/", "/en/", "/en/companies/", "/api/v1/"]
HTTPS = {"X-Forwarded-Proto": "https"}
EDITOR = (
    "from django.contrib.auth import get_user_model; from companies import services; "
    "u, _ = get_user_model().objects.get_or_create(username='cluster-editor', "
    "defaults={'is_staff': True}); u.groups.add(services.editors_group_sync())"
)


class RedisServer:
    def __init__(self, port: int):
        self.port, self.process = port, None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with suppress(redis.RedisError):
                if redis.Redis(port=self.port, socket_connect_timeout=0.2).ping():
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def replica_of(primary: PrivatePostgres, port: int) -> PrivatePostgres:
    """A hot standby streaming from `primary`, on `port`."""
    replica = PrivatePostgres(port)
    subprocess.run(
        as_postgres([str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port),
                     "-U", "postgres", "-D", str(replica.data), "-R", "-X", "stream",
                     "-c", "fast"]),
        check=True, capture_output=True,
    )  # fmt: skip
    replica.start()
    return replica


def transactions(port: int) -> int | None:
    """Transactions the server on `port` ran in the park database (None: unreachable)."""
    try:
        with psycopg.connect(
            f"postgresql://postgres@127.0.0.1:{port}/park", connect_timeout=2
        ) as db:
            db.execute("SELECT pg_stat_clear_snapshot()")
            row = db.execute(
                "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'park'"
            ).fetchone()
            return int(row[0])
    except psycopg.Error:
        return None


def post(port: int, path: str, body: dict, token: str, timeout: float = 30):
    """(status, parsed body or None) of a JSON POST; status 0 when nothing answered."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(
            "POST", path, json.dumps(body),
            {**HTTPS, "Content-Type": "application/json", "Authorization": f"Token {token}"},
        )  # fmt: skip
        response = connection.getresponse()
        data = response.read()
        return response.status, data
    except (OSError, http.client.HTTPException):
        return 0, b""
    finally:
        connection.close()


class Answered(NamedTuple):
    """A request of the load: a request belongs to the phase in which it `ended`
    (answered or given up), so one in flight when a fault strikes counts as the fault's."""

    sent: float
    ended: float
    kind: str
    status: int


class Load:
    """Readers and one writer through nginx, every answer recorded with its time."""

    def __init__(self, readers: int, token: str, sector: str):
        self.token, self.sector = token, sector
        self.answers: list[Answered] = []
        self.acknowledged: list[str] = []
        self.unseen_after_write = 0
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.read, args=(n,)) for n in range(readers)]
        self.threads.append(threading.Thread(target=self.write))

    def start(self):
        for thread in self.threads:
            thread.start()

    def finish(self):
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def read(self, n: int) -> None:
        i = n
        while not self.stop.is_set():
            answer = safe_request(NGINX_PORT, READ_PATHS[i % len(READ_PATHS)], HTTPS, timeout=15)
            self.answers.append(Answered(answer.started, time.monotonic(), "read", answer.status))
            i += 1

    def write(self) -> None:
        n = 0
        auth = {**HTTPS, "Authorization": f"Token {self.token}"}
        while not self.stop.is_set():
            n += 1
            name = f"Cluster Probe {os.getpid()}-{n}"
            started = time.monotonic()
            body = {"name": name, "country": "BY", "sector": self.sector, "status": "applicant",
                    "is_published": True}  # fmt: skip
            status, data = post(NGINX_PORT, "/api/v1/companies/", body, self.token)
            self.answers.append(Answered(started, time.monotonic(), "write", status))
            if status == 201:
                self.acknowledged.append(name)
                slug = json.loads(data)["slug"]
                # The editor reads their own write at once: from the primary.
                seen = safe_request(NGINX_PORT, f"/api/v1/companies/{slug}/", auth, timeout=15)
                self.answers.append(
                    Answered(seen.started, time.monotonic(), "read-own-write", seen.status)
                )
                if seen.status == 404:
                    self.unseen_after_write += 1
            time.sleep(0.2)


def failed(status: int) -> bool:
    return status == 0 or status >= 500


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phase-seconds", type=float, default=10)
    parser.add_argument("--readers", type=int, default=6)
    options = parser.parse_args()
    phase = options.phase_seconds
    started_run = time.monotonic()
    events: dict[str, float] = {}
    recovery: dict[str, float | None] = {}

    with ExitStack() as stack:
        primary = PrivatePostgres(PRIMARY_PORT)
        stack.callback(primary.destroy)
        primary.start()
        env = app_environment(
            primary.url,
            REDIS_URL=f"redis://127.0.0.1:{REDIS_PORT}/0",
            DJANGO_NUM_PROXIES="1",
            DATABASE_POOL_TIMEOUT="3",
            # Every client is 127.0.0.1 here: the limits are not what this run measures.
            DJANGO_API_RATE_ANON="1000000/minute",
            DJANGO_API_RATE_USER="1000000/minute",
            DATABASE_REPLICA_CHECK_SECONDS="1",
        )
        prepare_database(env)
        manage(env, "shell", "--no-imports", "-c", EDITOR)
        token = manage(env, "api_token", "cluster-editor").strip()
        replica = replica_of(primary, REPLICA_PORT)
        stack.callback(replica.destroy)
        env["DATABASE_REPLICA_URL"] = f"postgres://postgres@127.0.0.1:{replica.port}/park"
        cache = RedisServer(REDIS_PORT)
        stack.callback(cache.stop)
        cache.start()
        apps = {port: Gunicorn(env, port, workers=2) for port in APP_PORTS}
        stack.callback(lambda: [app.stop() for app in apps.values()])
        nginx = Nginx(NGINX_PORT, list(APP_PORTS), replace={"rate=30r/s": "rate=100000r/s"})
        stack.callback(nginx.stop)
        sectors = json.loads(safe_request(NGINX_PORT, "/api/v1/sectors/", HTTPS).body)
        sector = sectors["results"][0]["slug"] if "results" in sectors else sectors[0]["slug"]
        ready = json.loads(safe_request(APP_PORTS[0], "/readyz", HTTPS).body)
        setup_seconds = round(time.monotonic() - started_run, 1)

        load = Load(options.readers, token, sector)
        replica_before = transactions(replica.port)
        load_started = time.monotonic()
        load.start()
        time.sleep(phase)
        replica_during = transactions(replica.port)

        # 1. An app instance killed outright, then started again.
        victim = apps[APP_PORTS[1]]
        events["kill_app"] = time.monotonic()
        for pid in [*victim.workers(), victim.process.pid]:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        victim.process.wait()
        time.sleep(phase)
        events["app_back"] = time.monotonic()
        apps[APP_PORTS[1]] = Gunicorn(env, APP_PORTS[1], workers=2)
        recovery["kill_app"] = round(time.monotonic() - events["app_back"], 2)
        events["app_served"] = time.monotonic()

        # 2. The replica stopped: reads move to the primary; then started again.
        time.sleep(phase / 2)
        events["stop_replica"] = time.monotonic()
        replica.stop()
        time.sleep(phase)
        events["replica_back"] = time.monotonic()
        replica.start()
        before = transactions(replica.port) or 0
        recovery["stop_replica"] = None
        while time.monotonic() - events["replica_back"] < 30:
            time.sleep(0.5)
            if (transactions(replica.port) or 0) > before + 20:
                recovery["stop_replica"] = round(time.monotonic() - events["replica_back"], 2)
                break

        # 3. Redis stopped, then started again.
        events["stop_redis"] = time.monotonic()
        cache.stop()
        time.sleep(phase)
        events["redis_back"] = time.monotonic()
        cache.start()
        recovery["stop_redis"] = None
        while time.monotonic() - events["redis_back"] < 30:
            answer = safe_request(APP_PORTS[0], "/readyz", HTTPS)
            if answer.status == 200 and json.loads(answer.body).get("cache") == "ok":
                recovery["stop_redis"] = round(time.monotonic() - events["redis_back"], 2)
                break
            time.sleep(0.2)

        # 4. The primary restarted.
        time.sleep(phase / 2)
        events["restart_primary"] = time.monotonic()
        primary.restart()
        events["primary_back"] = time.monotonic()
        time.sleep(phase)
        events["end"] = time.monotonic()
        time.sleep(3)
        load.finish()
        # Recovered: every path, and a write, answered through nginx within 30 s.
        recovered_after = None
        while time.monotonic() - events["end"] < 30:
            reads = [safe_request(NGINX_PORT, path, HTTPS).status for path in READ_PATHS]
            write, _ = post(NGINX_PORT, "/api/v1/companies/", {
                "name": f"Cluster Probe {os.getpid()}-final", "country": "BY",
                "sector": sector, "status": "applicant"}, token)  # fmt: skip
            if write in (201, 400) and all(status == 200 for status in reads):
                recovered_after = round(time.monotonic() - events["end"], 2)
                break
            time.sleep(0.5)

        with psycopg.connect(primary.url) as db:
            stored = {
                row[0]
                for row in db.execute(
                    "SELECT name FROM companies_company WHERE name LIKE 'Cluster Probe %%'"
                )
            }

    answers = load.answers

    def window(first: float, last: float) -> dict:
        inside = [a for a in answers if first <= a.ended < last]
        return {
            "requests": len(inside),
            "failed": sum(1 for a in inside if failed(a.status)),
            "failed_writes": sum(1 for a in inside if a.kind == "write" and failed(a.status)),
        }

    def first_success_after(moment: float, kind: str = "read") -> float | None:
        times = [
            a.sent for a in answers if a.sent >= moment and a.kind == kind and not failed(a.status)
        ]
        return round(min(times) - moment, 2) if times else None

    phases = {
        "baseline": window(load_started, events["kill_app"]),
        "kill_app": {
            **window(events["kill_app"], events["stop_replica"]),
            "restart_seconds": recovery["kill_app"],
        },
        "stop_replica": {
            **window(events["stop_replica"], events["stop_redis"]),
            "replica_used_again_after_s": recovery["stop_replica"],
        },
        "stop_redis": {
            **window(events["stop_redis"], events["restart_primary"]),
            "cache_ok_again_after_s": recovery["stop_redis"],
        },
        "restart_primary": {
            **window(events["restart_primary"], events["end"]),
            "restart_seconds": round(events["primary_back"] - events["restart_primary"], 2),
            "first_write_after_s": first_success_after(events["primary_back"], "write"),
        },
    }
    tail = [a for a in answers if a.sent >= events["end"]]
    lost = sorted(set(load.acknowledged) - stored)
    result = {
        "setup_seconds": setup_seconds,
        "run_seconds": round(time.monotonic() - started_run, 1),
        "readyz_at_start": ready,
        "replica_served_reads": (replica_during or 0) - (replica_before or 0),
        "requests": len(answers),
        "failed": sum(1 for a in answers if failed(a.status)),
        "phases": phases,
        "acknowledged_writes": len(load.acknowledged),
        "lost_writes": lost,
        # Each failed request: when it was sent and when it ended (seconds since the load
        # started), what it was, its status.
        "failures": [
            {
                "at_s": round(a.sent - load_started, 2),
                "ended_s": round(a.ended - load_started, 2),
                "kind": a.kind,
                "status": a.status,
            }
            for a in answers
            if failed(a.status)
        ][:30],
        "events_s": {name: round(moment - load_started, 2) for name, moment in events.items()},
        "own_write_not_found": load.unseen_after_write,
        "last_seconds": {
            "requests": len(tail),
            "failed": sum(1 for a in tail if failed(a.status)),
        },
        "all_answered_after_the_run_s": recovered_after,
    }
    passed = (
        not lost
        and load.acknowledged
        and result["replica_served_reads"] > 0
        and all(value is not None for value in recovery.values())
        and recovered_after is not None
        and load.unseen_after_write == 0
    )
    result["passed"] = bool(passed)
    print(json.dumps(result, indent=2))
    print(f"result written to {write_result('cluster', result)}")
    print("PASSED" if passed else "FAILED")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
