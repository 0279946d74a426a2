"""`make bench`: build the registers, serve, drive, count, and write BENCHMARKS.md.

Steps: the registers on PostgreSQL (built once, then reused); static files collected;
the main register exported to SQLite for Datasette; then the main run (every endpoint
of the directory at the main size, beside the psycopg baseline and Datasette, then again
on a server that keeps nothing between requests), the distinct-URL runs (a random search
and a random company, every request a URL of its own, beside the baseline and Datasette,
at DISTINCT_SIZES), the growth runs (list, detail and
stats at every size, keeping nothing; the deep cursor page from 100,000 companies up),
and the SQL queries per request. Raw results go to bench/out/results.json.
"""

import argparse
import json
import os
import platform
import secrets
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from bench import draws, report
from bench.endpoints import (
    AFTER_WRITE,
    AFTER_WRITE_REPEATS,
    BASELINE,
    CURSOR,
    DATASETTE,
    DEEP_CURSOR_MIN_SIZE,
    DISTINCT_DRAWS,
    DISTINCT_SIZES,
    DISTINCT_WARMUP_DRAWS,
    ENDPOINTS,
    PARK,
    Endpoint,
    by_key,
)
from bench.load import (
    NotAvailable,
    fetch,
    find_deep_cursor,
    one_day,
    run_wrk,
    time_export,
    with_query,
    wrk_available,
)
from bench.registers import ROOT, Registers, ensure_postgres, size_name
from bench.servers import MemorySampler, Server, ServerError

BIN = Path(sys.executable).parent
DEFAULT_SIZES = "1000,10000,100000,1000000"
# Page sizes at which the query count of a paged list must stay the same.
QUERY_PAGE_SIZES = (10, 50, 100)
# Connections when nothing is kept: two per worker, so that latency shows what computing
# an answer costs rather than a queue of answers that take seconds.
UNCACHED_CONNECTIONS = 4


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Benchmark the directory; writes BENCHMARKS.md."
    )
    parser.add_argument(
        "--sizes",
        type=_sizes,
        default=_sizes(DEFAULT_SIZES),
        help=f"register sizes of the growth runs (default {DEFAULT_SIZES})",
    )
    parser.add_argument("--main-size", type=_positive, default=100_000, metavar="N")
    parser.add_argument("--seconds", type=_positive, default=6, help="per endpoint, main run")
    parser.add_argument("--growth-seconds", type=_positive, default=4)
    parser.add_argument("--warmup-seconds", type=_positive, default=1)
    parser.add_argument("--max-requests", type=_positive, default=200_000)
    parser.add_argument("--exports", type=_positive, default=3, help="CSV downloads")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/park_bench"
        ),
        help="the registers are this database's name + _1k, _10k, ...",
    )
    parser.add_argument(
        "--ports", type=_ports, default=_ports("8104,8105,8106"), help="park,baseline,datasette"
    )
    parser.add_argument(
        "--deep-cursor-path", help="a path of a page deep in the list, instead of walking to one"
    )
    parser.add_argument(
        "--steps",
        type=_steps,
        default=_steps(",".join(STEPS)),
        help=f"which steps to run (default all: {','.join(STEPS)})",
    )
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args(argv)
    if args.main_size not in args.sizes:
        args.sizes = sorted({*args.sizes, args.main_size})
    return args


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' must be at least 1")
    return value


def _sizes(text: str) -> list[int]:
    return sorted({_positive(part) for part in text.split(",")})


STEPS = ("main", "distinct", "growth", "after-write", "queries")


def _steps(text: str) -> frozenset[str]:
    steps = frozenset(part.strip() for part in text.split(","))
    if unknown := steps - set(STEPS):
        raise argparse.ArgumentTypeError(
            f"unknown step {', '.join(sorted(unknown))}; the steps are {','.join(STEPS)}"
        )
    return steps


def _ports(text: str) -> dict[str, int]:
    ports = [_positive(part) for part in text.split(",")]
    if len(ports) != 3:
        raise argparse.ArgumentTypeError("three ports: park,baseline,datasette")
    return dict(zip((PARK, BASELINE, DATASETTE), ports, strict=True))


# What can go wrong with a server under load, without stopping the whole run.
FAILURES = (OSError, RuntimeError, ValueError, subprocess.SubprocessError)


def _short(error: Exception) -> str:
    return " ".join(str(error).split())[:200]


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Bench:
    """One run of the benchmark; `results` collects everything report.py needs."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.registers = Registers(args.database_url, secret_key=secrets.token_urlsafe(50))
        self.workdir: Path = args.workdir
        self.slugs: dict[int, str | None] = {}
        self.cursors: dict[int, dict | NotAvailable] = {}
        self.started = time.monotonic()
        self.results: dict = {
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "elapsed_s": 0,
            "settings": {
                "main_size": args.main_size,
                "sizes": args.sizes,
                "seconds": args.seconds,
                "growth_seconds": args.growth_seconds,
                "warmup_seconds": args.warmup_seconds,
                "max_requests": args.max_requests,
                "exports": args.exports,
                "steps": sorted(args.steps),
                "workers": int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 1)),
            },
            "machine": machine(),
            "versions": {},
            "registers": [],
            "runs": [],
            "exports": [],
            "after_write": [],
            "queries": [],
            "notes": [],
        }

    # --- steps ---------------------------------------------------------------------------

    def run(self) -> dict:
        self.workdir.mkdir(parents=True, exist_ok=True)
        for size in self.args.sizes:
            say(f"register of {size:,} companies")
            self.results["registers"].append(self.registers.ensure(size))
        self.results["versions"] = versions(self.registers.server_version())
        main = self.args.main_size
        say("collectstatic")
        self.registers.manage(main, "collectstatic", "--noinput", quiet=True)
        steps = self.args.steps
        database = None
        if {"main", "distinct"} & steps:
            say(f"exporting the register of {main:,} to SQLite for Datasette")
            database = self.export_for_datasette(main)
        if "main" in steps:
            say("main run")
            self.main_run(main, database)
        for size in self.distinct_sizes() if "distinct" in steps else []:
            if size != main:
                say(f"exporting the register of {size:,} to SQLite for Datasette")
            exported = database if size == main else self.export_for_datasette(size)
            say(f"every URL distinct, at {size:,} companies")
            self.distinct_run(size, exported)
        if "growth" in steps:
            say("growth runs")
            for size in self.args.sizes:
                self.growth_run(size)
        if "after-write" in steps:
            say("first requests right after a write")
            for size in self.args.sizes:
                self.after_write_run(size)
        if "queries" in steps:
            say("SQL queries per request")
            for size in self.args.sizes:
                self.count_queries(size)
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        self.results["machine"]["Load average at the end (1, 5, 15 min)"] = load
        return self.results

    def distinct_sizes(self) -> list[int]:
        return [size for size in DISTINCT_SIZES if size in self.args.sizes]

    def export_for_datasette(self, size: int) -> Path:
        folder = self.workdir / "datasette"
        if size != self.args.main_size:
            folder = folder.with_name(f"datasette-{size_name(size)}")
        folder.mkdir(exist_ok=True)
        database = folder / "park.db"
        subprocess.run(
            [sys.executable, "-m", "bench.export", str(database)],
            cwd=ROOT,
            env=self.registers.env(size),
            check=True,
        )
        subprocess.run(
            [BIN / "datasette", "inspect", database, "--inspect-file", folder / "inspect.json"],
            check=True,
        )
        return database

    def main_run(self, size: int, database: Path) -> None:
        servers = {
            PARK: self.park_server(size),
            BASELINE: self.baseline_server(size),
            DATASETTE: self.datasette_server(database),
        }
        with servers[PARK], servers[BASELINE], servers[DATASETTE]:
            for endpoint in ENDPOINTS:
                server = servers[endpoint.server]
                if endpoint.distinct:
                    continue
                if endpoint.export:
                    self.results["exports"].append(self.export(server, endpoint, size=size))
                else:
                    self.results["runs"].append(
                        self.measure(server, endpoint, phase="main", size=size)
                    )
        say("main run, nothing kept between requests")
        with self.park_server(size, uncached=True) as server:
            for endpoint in ENDPOINTS:
                if endpoint.server == PARK and not (endpoint.export or endpoint.distinct):
                    self.results["runs"].append(
                        self.measure(
                            server,
                            endpoint,
                            phase=report.UNCACHED,
                            size=size,
                            connections=UNCACHED_CONNECTIONS,
                        )
                    )

    def distinct_run(self, size: int, database: Path) -> None:
        """The DISTINCT endpoints at `size`, each server in turn on the same draws, the
        directory as served (its kept copies on: they cannot answer a new URL)."""
        folder = self.workdir / f"distinct-{size_name(size)}"
        folder.mkdir(exist_ok=True)
        count = DISTINCT_DRAWS + DISTINCT_WARMUP_DRAWS
        drawn = {
            "search": draws.searches(self.registers.url(size), count=count, seed=size),
            "company": draws.companies(self.registers.url(size), count=count),
        }
        servers = {
            PARK: self.park_server(size),
            BASELINE: self.baseline_server(size),
            DATASETTE: self.datasette_server(database),
        }
        with servers[PARK], servers[BASELINE], servers[DATASETTE]:
            for endpoint in ENDPOINTS:
                if not endpoint.distinct:
                    continue
                taken = drawn[draws.kind(endpoint.path)]
                if not taken:
                    note = "nothing to draw from: no published company"
                    self.results["runs"].append({"phase": "distinct", "size": size,
                        "key": endpoint.key, "path": endpoint.path,
                        "connections": endpoint.connections, "status": "not available",
                        "note": note})  # fmt: skip
                    continue
                files = (folder / f"{endpoint.key}.warmup", folder / f"{endpoint.key}.paths")
                draws.write_paths(endpoint.path, taken[:DISTINCT_WARMUP_DRAWS], files[0])
                written = draws.write_paths(endpoint.path, taken[DISTINCT_WARMUP_DRAWS:], files[1])
                run = self.measure(servers[endpoint.server], endpoint, phase="distinct",
                                   size=size, paths=files)  # fmt: skip
                self.results["runs"].append({**run, "distinct_paths": written})

    def growth_run(self, size: int) -> None:
        keys = [endpoint.key for endpoint in ENDPOINTS if endpoint.growth]
        if size >= DEEP_CURSOR_MIN_SIZE:
            # Right after the first page, which it is compared with.
            keys.insert(keys.index("list_first") + 1, "list_deep")
        # Nothing kept between requests: the growth of what computing a response costs.
        with self.park_server(size, uncached=True) as server:

            def measure(key: str) -> dict:
                return self.measure(
                    server,
                    by_key(key),
                    phase="growth",
                    size=size,
                    seconds=self.args.growth_seconds,
                    connections=UNCACHED_CONNECTIONS,
                )

            runs = {}
            for key in keys:
                runs[key] = measure(key)
                if key == "list_deep":
                    # The first page again right after the deep one, pooled with its first
                    # run, so that a drift of the machine's speed during the pair cancels.
                    runs["list_first"] = pooled(runs["list_first"], measure("list_first"))
            self.results["runs"] += runs.values()

    def after_write_run(self, size: int) -> None:
        """The first request of each AFTER_WRITE page right after a write (a backdated
        report added or deleted through the services), as served (kept copies on), the
        median of AFTER_WRITE_REPEATS writes."""
        slug = self.slugs.get(size) or self.registers.middle_slug(size)
        if slug is None:
            self.results["notes"].append(f"no write at {size:,}: no published company")
            return
        seconds: dict[str, list[float]] = {page.key: [] for page in AFTER_WRITE}
        failures: dict[str, str] = {}
        with self.park_server(size) as server:
            for page in AFTER_WRITE:
                fetch(server.base_url, page.path, timeout=600)  # kept, until the write
            for _ in range(AFTER_WRITE_REPEATS):
                try:
                    subprocess.run(
                        [sys.executable, "-m", "bench.write", slug],
                        cwd=ROOT,
                        env=self.registers.env(size),
                        check=True,
                        capture_output=True,
                        timeout=600,
                    )
                except FAILURES as error:
                    failures = dict.fromkeys(seconds, f"the write failed: {_short(error)}")
                    break
                for page in AFTER_WRITE:
                    started = time.perf_counter()
                    try:
                        response = fetch(server.base_url, page.path, timeout=600)
                    except FAILURES as error:
                        failures[page.key] = _short(error)
                        continue
                    if response.status != 200:
                        failures[page.key] = f"HTTP {response.status}"
                    seconds[page.key].append(time.perf_counter() - started)
        for page in AFTER_WRITE:
            row = {"size": size, "key": page.key, "path": page.path}
            if page.key in failures or not seconds[page.key]:
                row.update(status="failed", note=failures.get(page.key, "not measured"))
            else:
                median = statistics.median(seconds[page.key])
                row.update(status=report.MEASURED, seconds=seconds[page.key], median_s=median)
                say(f"  {page.key} at {size:,}: first request after a write {median:.3f} s")
            self.results["after_write"].append(row)

    def count_queries(self, size: int) -> None:
        everything = size in (self.args.main_size, self.args.sizes[0])
        deep = size >= DEEP_CURSOR_MIN_SIZE
        rows = []
        distinct = size in self.distinct_sizes()
        for endpoint in ENDPOINTS:
            measured_here = endpoint.growth or (deep and endpoint.key == "list_deep")
            measured_here |= endpoint.distinct and distinct
            if endpoint.server != PARK or not (everything or measured_here):
                continue
            try:
                path = self.resolve(endpoint, size)
            except NotAvailable:
                continue
            path = one_day(path)
            rows.append({"key": endpoint.key, "size": size, "path": path, "page_size": None})
            if endpoint.paged:
                rows[-1]["page_size"] = 50
                rows += [
                    {"key": endpoint.key, "size": size, "path": with_query(path, page_size=n),
                     "page_size": n}
                    for n in QUERY_PAGE_SIZES if n != 50
                ]  # fmt: skip
        for repeat, batch in (
            (2, [row for row in rows if not by_key(row["key"]).export]),
            (1, [row for row in rows if by_key(row["key"]).export]),
        ):
            if not batch:
                continue
            try:
                done = subprocess.run(
                    [sys.executable, "-m", "bench.queries", f"--repeat={repeat}"]
                    + [row["path"] for row in batch],
                    cwd=ROOT,
                    env=self.registers.env(size),
                    capture_output=True,
                    text=True,
                    check=True,
                    timeout=900,
                )
            except FAILURES as error:
                stderr = getattr(error, "stderr", None) or ""
                note = f"counting queries at {size:,} failed: {_short(error)} {stderr[-300:]}"
                say(f"  {note}")
                self.results["notes"].append(note)
                continue
            counted = json.loads(done.stdout.strip().splitlines()[-1])
            for row in batch:
                row.update(counted[row["path"]])
                self.results["queries"].append(row)

    # --- one measurement -----------------------------------------------------------------

    def measure(
        self,
        server: Server,
        endpoint: Endpoint,
        *,
        phase: str,
        size: int,
        seconds: float | None = None,
        connections: int | None = None,
        paths: tuple[Path, Path] | None = None,
    ) -> dict:
        """Probe, warm up and drive one endpoint; the run's figures, or why there are none.

        With `paths` (files of the warm-up's paths and the measurement's), the requests
        take those paths in turn."""
        run = {
            "phase": phase,
            "size": size,
            "key": endpoint.key,
            "path": endpoint.path,
            "connections": min(endpoint.connections, connections or endpoint.connections),
        }
        try:
            return self._measure(
                server, endpoint, run, seconds=seconds or self.args.seconds, paths=paths
            )
        except NotAvailable as reason:
            say(f"  {endpoint.key}: not available ({reason})")
            return {**run, "status": "not available", "note": str(reason)}
        except FAILURES as error:
            say(f"  {endpoint.key}: failed ({error})")
            return {**run, "status": "failed", "note": _short(error)}

    def _measure(
        self, server: Server, endpoint: Endpoint, run: dict, *, seconds: float, paths=None
    ) -> dict:
        size = run["size"]
        # A distinct-URL run shows its path as the template the draws fill.
        run["path"] = endpoint.path if paths else self.resolve(endpoint, size, server=server)
        if endpoint.key == "list_deep":
            run["depth"] = self.cursors[size]["depth"]
        warmup_paths = measured_paths = None
        probe_path = one_day(run["path"])
        if paths is not None:
            warmup_paths, measured_paths = paths
            probe_path = one_day(warmup_paths.read_text().splitlines()[0])
        probe = fetch(server.base_url, probe_path)
        if probe.status == 404:
            say(f"  {endpoint.key}: not available (404)")
            return {**run, "status": "not available", "note": "404"}
        if probe.status >= 300:
            say(f"  {endpoint.key}: fails with HTTP {probe.status}")
            return {**run, "status": "failed", "note": f"HTTP {probe.status}"}
        url = server.base_url + probe_path
        load = {"connections": run["connections"], "max_requests": self.args.max_requests}
        run_wrk(url, seconds=self.args.warmup_seconds, paths=warmup_paths, **load)
        # The warm-up's last requests are still queued when wrk leaves (sync workers
        # answer them all): one more request waits them out, so that the measurement
        # starts on an empty queue rather than behind them.
        fetch(server.base_url, probe_path, timeout=60)
        with MemorySampler(server.pids) as memory:
            figures = run_wrk(url, seconds=seconds, paths=measured_paths, **load)
        if not figures["requests"]:
            say(f"  {endpoint.key} at {size:,}: no request completed in {seconds} s")
            latencies = dict.fromkeys(("p50_ms", "p90_ms", "p99_ms", "max_ms"))
            note = f"no request completed in {seconds} s"
            return {**run, "status": report.MEASURED, **figures, **latencies, "note": note}
        say(
            f"  {endpoint.key} at {size:,}: {figures['rps']:,.0f} req/s, median "
            f"{figures['p50_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms, "
            f"{figures['errors']} errors"
        )
        return {**run, "status": report.MEASURED, **figures, "peak_rss_mib": memory.peak_mib}

    def export(self, server: Server, endpoint: Endpoint, *, size: int) -> dict:
        """Time the whole-register export and watch the workers' memory meanwhile."""
        run = {"size": size, "key": endpoint.key, "path": endpoint.path}
        try:
            with MemorySampler(server.pids) as memory:
                figures = time_export(
                    server.base_url, endpoint.path, exports=self.args.exports, timeout=600
                )
        except FAILURES as error:
            say(f"  {endpoint.key}: failed ({error})")
            return {**run, "status": "failed", "note": _short(error)}
        if figures["http_status"] == 404:
            say(f"  {endpoint.key}: not available (404)")
            return {**run, "status": "not available", "note": "404"}
        say(
            f"  {endpoint.key} at {size:,}: {figures['bytes'] / (1 << 20):.1f} MiB in "
            f"{figures['median_s']:.1f} s, worker grew {memory.growth_mib} MiB"
        )
        return {
            **run,
            "status": report.MEASURED,
            **figures,
            "rss_growth_mib": memory.growth_mib,
            "peak_rss_mib": memory.peak_mib,
        }

    def resolve(self, endpoint: Endpoint, size: int, *, server: Server | None = None) -> str:
        """The endpoint's path with its placeholders filled in for the register of `size`."""
        path = endpoint.path
        if draws.drawn(path):
            # One fixed draw where one request is made: the middle company, a search
            # that matches.
            if "{random_slug}" in path and size not in self.slugs:
                self.slugs[size] = self.registers.middle_slug(size)
            if "{random_slug}" in path and self.slugs[size] is None:
                raise NotAvailable("no published company")
            company = {"slug": self.slugs.get(size), "id": 1}
            path = draws.fill(path, {**draws.SOME_SEARCH, **company})
        if "{slug}" in path:
            if size not in self.slugs:
                self.slugs[size] = self.registers.middle_slug(size)
            if self.slugs[size] is None:
                raise NotAvailable("no published company")
            path = path.replace("{slug}", self.slugs[size])
        if "{deep_cursor}" in path:
            if self.args.deep_cursor_path:
                self.cursors[size] = {"path": self.args.deep_cursor_path, "depth": None}
            if size not in self.cursors:
                if server is None:
                    raise NotAvailable("not walked")
                try:
                    self.cursors[size] = find_deep_cursor(
                        server.base_url, walk=CURSOR, register_size=size
                    )
                except NotAvailable as reason:
                    self.cursors[size] = reason
            if isinstance(self.cursors[size], NotAvailable):
                raise self.cursors[size]
            path = self.cursors[size]["path"]
        return path

    # --- servers -------------------------------------------------------------------------

    def park_server(self, size: int, *, uncached: bool = False) -> Server:
        env = {"BENCH_UNCACHED": "1"} if uncached else {}
        return self._gunicorn("park", "park.wsgi:application", size, self.args.ports[PARK],
                              env=env)  # fmt: skip

    def baseline_server(self, size: int) -> Server:
        return self._gunicorn("baseline", "bench.baseline:application", size,
                              self.args.ports[BASELINE])  # fmt: skip

    def _gunicorn(self, name: str, app: str, size: int, port: int, env=None) -> Server:
        return Server(
            name,
            # No control socket: by default every gunicorn shares one path under ~/.gunicorn.
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--no-control-socket", app],
            port=port,
            env={**self.registers.env(size), "GUNICORN_BIND": f"127.0.0.1:{port}", **(env or {})},
            log_path=self.workdir / f"{name}.log",
            cwd=ROOT,
            preforked=True,
        )

    def datasette_server(self, database: Path) -> Server:
        port = self.args.ports[DATASETTE]
        settings = {"suggest_facets": "off", "sql_time_limit_ms": "10000",
                    "facet_time_limit_ms": "10000"}  # fmt: skip
        return Server(
            "datasette",
            [str(BIN / "datasette"), "serve", "-i", str(database), "--inspect-file",
             str(database.with_name("inspect.json")), "-h", "127.0.0.1", "-p", str(port),
             *(arg for name, value in settings.items() for arg in ("--setting", name, value))],
            port=port,
            env=dict(os.environ),
            log_path=self.workdir / "datasette.log",
            cwd=ROOT,
            preforked=False,
        )  # fmt: skip


def pooled(first: dict, second: dict) -> dict:
    """Two measurements of one endpoint as one: throughput over both, the worse tail."""
    if not all(run["status"] == report.MEASURED and run["requests"] for run in (first, second)):
        return first
    requests = first["requests"] + second["requests"]
    seconds = first["seconds"] + second["seconds"]
    worst = {key: max(first[key], second[key]) for key in ("p90_ms", "p99_ms", "max_ms")}
    return {
        **first,
        **worst,
        "requests": requests,
        "seconds": round(seconds, 2),
        "rps": round(requests / seconds, 1),
        "p50_ms": (first["p50_ms"] + second["p50_ms"]) / 2,
        "errors": first["errors"] + second["errors"],
        "peak_rss_mib": max(first.get("peak_rss_mib") or 0, second.get("peak_rss_mib") or 0),
        "rounds": 2,
    }


def machine() -> dict[str, str]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return {
        "CPU": f"{cpu}, {os.cpu_count()} cores",
        "Memory": f"{memory / (1 << 20):.0f} GiB",
        "System": platform.platform(),
        "Load average at the start (1, 5, 15 min)": load,
    }


def versions(postgresql: str) -> dict[str, str]:
    packages = ("Django", "djangorestframework", "psycopg", "gunicorn", "orjson", "datasette")
    found = {"Python": platform.python_version(), "PostgreSQL": postgresql}
    for package in packages:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    found["SQLite"] = sqlite3.sqlite_version
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    found["wrk"] = (wrk.stdout or wrk.stderr).split()[1] if wrk.stdout or wrk.stderr else "?"
    return found


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    missing = [tool for tool in ("wrk",) if not wrk_available()]
    missing += [tool for tool in ("gunicorn", "datasette") if not (BIN / tool).exists()]
    if missing:
        print(f"bench: missing {', '.join(missing)}; `make bench` installs them.", file=sys.stderr)
        return 1
    ensure_postgres(args.database_url)
    bench = Bench(args)
    status = 0
    try:
        results = bench.run()
    except (ServerError, subprocess.CalledProcessError) as error:
        # What was measured before the failure is still worth a report.
        print(f"bench: {error}", file=sys.stderr)
        results = bench.results
        results["notes"].append(f"The run stopped early: {_short(error)}")
        status = 1
    results["elapsed_s"] = round(time.monotonic() - bench.started)
    args.workdir.mkdir(parents=True, exist_ok=True)
    (args.workdir / "results.json").write_text(json.dumps(results, indent=1))
    report.write(results, args.output)
    say(f"wrote {args.output} in {results['elapsed_s'] / 60:.1f} minutes")
    for target in report.check_targets(results):
        say(f"  {target.result:>14}  {target.target}: {target.measured}")
    return status
