"""The benchmark harness (`make bench`): its targets, its report, and the parts it runs.

The full benchmark is not part of the suite; these pin what it concludes from given
results and what its pieces do on a tiny register.
"""

import copy
import itertools
import json
import os
import shutil
import socket
import sqlite3
import threading
from datetime import date
from decimal import Decimal
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import path

from bench import baseline, draws, report, write
from bench.endpoints import ENDPOINTS, CursorWalk
from bench.export import export_companies
from bench.load import (
    NotAvailable,
    find_deep_cursor,
    one_day,
    parse_wrk,
    run_wrk,
    time_export,
    with_query,
)
from bench.queries import count_queries
from bench.registers import Registers, size_name
from bench.run import parse_args, pooled
from bench.servers import MemorySampler, Server, ServerError
from companies import selectors
from companies.models import Company, Report
from park import urls as park_urls
from tests.factories import CompanyFactory, ReportFactory, SectorFactory

MAIN = 100_000


def run(key, rps, *, phase="main", size=MAIN, p50=5.0, p99=20.0, errors=0, **extra):
    return {
        "phase": phase,
        "size": size,
        "key": key,
        "path": f"/{key}/",
        "connections": 16,
        "status": report.MEASURED,
        "requests": int(rps * 8),
        "rps": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "errors": errors,
        "peak_rss_mib": 80.0,
        **extra,
    }


def queries(key, counts, *, size=MAIN, page_size=None, aggregates=False, status=200):
    return {
        "key": key,
        "size": size,
        "path": f"/{key}/",
        "page_size": page_size,
        "status": status,
        "queries": counts,
        "aggregates": aggregates,
    }


def distinct_runs(size, *, filtered, detail):
    """The distinct-URL runs at `size`: the directory's throughput, the baseline's at
    three times it and Datasette's at a quarter."""
    return [
        run(f"{prefix}_{kind}" if prefix else key, rps * times, phase=report.DISTINCT,
            size=size, distinct_paths=30_000)
        for key, kind, rps in (("list_filtered", "filtered", filtered),
                               ("detail_random", "detail", detail))
        for prefix, times in (("", 1), ("baseline", 3), ("datasette", 0.25))
    ]  # fmt: skip


def after_write(key, size, seconds):
    return {"size": size, "key": key, "path": f"/{key}/", "status": report.MEASURED,
            "seconds": seconds, "median_s": sorted(seconds)[1]}  # fmt: skip


@pytest.fixture
def results():
    """A run in which every target is met, with some margin."""
    return {
        "started_at": "2026-11-28T23:40:00+00:00",
        "elapsed_s": 660,
        "settings": {
            "main_size": MAIN,
            "sizes": [1_000, 100_000, 1_000_000],
            "seconds": 8,
            "growth_seconds": 5,
            "warmup_seconds": 2,
            "max_requests": 200_000,
            "exports": 3,
            "workers": 2,
        },
        "machine": {"CPU": "Test CPU, 2 cores"},
        "versions": {"Python": "3.11.7", "PostgreSQL": "15.20"},
        "registers": [
            {
                "size": MAIN,
                "database": "park_bench_100k",
                "companies": MAIN,
                "reports": 250_000,
                "built_s": 14.2,
            },
            {
                "size": 1_000_000,
                "database": "park_bench_1m",
                "companies": 1_000_000,
                "reports": 2_460_000,
                "built_s": None,
            },
        ],
        "runs": [
            run("list_first", 1200.0),
            run("list_search", 700.0),
            run("detail", 1500.0),
            run("stats", 2000.0),
            run("stats_as_of", 1900.0),
            run("home", 400.0),
            run("directory", 350.0),
            {**run("list_deep", 0), "status": "not available", "note": "404"},
            run("baseline_list", 2000.0),
            run("datasette_list", 300.0),
            run("datasette_facet", 150.0),
            run("list_first", 1300.0, phase="growth", size=1_000),
            run("list_first", 1250.0, phase="growth", size=MAIN),
            run("list_deep", 1200.0, phase="growth", size=MAIN, depth=50_000),
            run("list_first", 1150.0, phase="growth", size=1_000_000),
            run("list_deep", 1100.0, phase="growth", size=1_000_000, depth=60_000),
            run("list_first", 400.0, phase=report.UNCACHED),
            run("stats_random_day", 900.0, phase="growth", size=1_000),
            run("stats_random_day", 850.0, phase="growth", size=1_000_000),
            run("stats_random_day_country", 880.0, phase="growth", size=1_000),
            run("stats_random_day_country", 800.0, phase="growth", size=1_000_000),
            run("list_random_day", 1000.0, phase="growth", size=1_000_000),
            run("stats_random_day", 870.0, phase="growth", size=MAIN),
            run("stats_random_day_country", 860.0, phase="growth", size=MAIN),
            *distinct_runs(MAIN, filtered=500.0, detail=1200.0),
            *distinct_runs(1_000_000, filtered=450.0, detail=1150.0),
        ],
        "after_write": [
            after_write("home", 1_000, [0.05, 0.04, 0.06]),
            after_write("home", 1_000_000, [0.08, 0.07, 0.09]),
            after_write("stats_years", 1_000, [0.02, 0.03, 0.02]),
            after_write("stats_years", 1_000_000, [0.03, 0.03, 0.04]),
        ],
        "exports": [
            {
                "size": MAIN,
                "key": "csv",
                "path": "/csv/",
                "status": report.MEASURED,
                "requests": 3,
                "errors": 0,
                "bytes": 30 << 20,
                "median_s": 4.2,
                "mib_per_s": 7.1,
                "first_byte_s": 0.02,
                "rss_growth_mib": 3.5,
                "peak_rss_mib": 85.0,
            },
        ],
        "queries": [
            queries("list_first", [3, 2], page_size=50),
            queries("list_first", [3, 2], page_size=10),
            queries("list_first", [3, 2], size=1_000, page_size=50),
            queries("stats", [4, 1]),
            queries("stats_as_of", [4, 1]),
            queries("csv", [1]),
            queries("home", [0, 0], status=404),
        ],
    }


def targets_by_name(results):
    return {target.target: target for target in report.check_targets(results)}


def test_every_target_is_met_by_a_run_that_reaches_the_issue_s_ratios(results):
    targets = report.check_targets(results)
    assert [t.result for t in targets] == ["met"] * len(targets)
    assert len(targets) == 32
    by_name = targets_by_name(results)
    assert by_name["Companies list, first page of 50: ≥ 0.5× the psycopg baseline"].measured == (
        "0.60×"
    )
    assert by_name["Companies list, first page of 50: ≥ 3× Datasette"].measured == "4.00×"
    assert by_name["No errors under the load"].measured == "0 errors in 191,283 requests"


def test_a_ratio_just_below_its_target_is_not_met(results):
    baseline_run = next(r for r in results["runs"] if r["key"] == "baseline_list")
    baseline_run["rps"] = 2401.0  # the list's 1200 req/s is then 0.4998 of it
    target = targets_by_name(results)[
        "Companies list, first page of 50: ≥ 0.5× the psycopg baseline"
    ]
    assert (target.met, target.measured, target.result) == (False, "0.50×", "**not met**")


def test_deep_cursor_and_growth_targets_compare_runs_of_the_same_size(results):
    slow_deep = copy.deepcopy(results)
    deep = next(r for r in slow_deep["runs"] if (r["key"], r["size"]) == ("list_deep", 1_000_000))
    deep["rps"] = 1000.0  # 0.87 of the first page at 1,000,000
    by_name = targets_by_name(slow_deep)
    assert by_name["Deep cursor page ≥ 0.9× the first page at 100,000 companies"].met is True
    assert by_name["Deep cursor page ≥ 0.9× the first page at 1,000,000 companies"].met is False
    growth = by_name["First page at 1,000,000 companies ≥ 0.9× its throughput at 100,000"]
    assert (growth.met, growth.measured) == (True, "0.92×")


def test_targets_without_measurements_are_not_measured_rather_than_met(results):
    results["runs"] = [r for r in results["runs"] if r["key"] not in ("stats", "list_deep")]
    results["exports"] = [{"size": MAIN, "key": "csv", "path": "/csv/",
                           "status": "not available", "note": "404"}]  # fmt: skip
    by_name = targets_by_name(results)
    assert by_name["Stats: ≥ 10× Datasette's facet count"].result == "not measured"
    assert by_name["Deep cursor page ≥ 0.9× the first page at 100,000 companies"].met is None
    export = by_name["The whole-register CSV export streams in constant worker memory"]
    assert export.met is None


def test_a_query_count_that_grows_with_page_or_register_size_is_named(results):
    results["queries"] += [
        queries("list_first", [3, 4], page_size=100),
        queries("detail", [2, 2], size=1_000),
        queries("detail", [2, 3], size=MAIN),
    ]
    target = targets_by_name(results)[
        "A constant number of SQL queries per request, whatever the page or register size"
    ]
    assert target.met is False
    assert "list_first varies: 2 at 100,000, page size 50" in target.measured
    assert "4 at 100,000, page size 100" in target.measured
    assert "detail varies: 2 at 1,000, 3 at 100,000" in target.measured
    assert "stats 1" in target.measured


def test_stats_that_aggregate_on_a_repeated_request_are_recomputed(results):
    results["queries"][3]["aggregates"] = True
    target = targets_by_name(results)[
        "Stats: no full recomputation per request for unchanged data"
    ]
    assert target.met is False
    assert "stats: repeated request runs 1 queries, an aggregate among them" in target.measured


def test_an_export_that_grows_the_worker_by_its_size_is_not_streaming(results):
    results["exports"][0]["rss_growth_mib"] = 31.0
    target = targets_by_name(results)[
        "The whole-register CSV export streams in constant worker memory"
    ]
    assert target.met is False
    assert target.measured == "worker grew 31.0 MiB while sending 30.0 MiB (allowed 16.0 MiB)"


def test_errors_and_a_long_tail_fail_their_targets(results):
    next(r for r in results["runs"] if r["key"] == "detail")["errors"] = 12
    results["runs"][0]["p99_ms"] = 41.0
    by_name = targets_by_name(results)
    errors = by_name["No errors under the load"]
    assert (errors.met, errors.measured) == (
        False,
        "errors in 191,283 requests: detail at 100,000: 12",
    )
    tail = by_name["First list page: p99 ≤ 8× median at 16 connections"]
    assert tail.met is False
    assert tail.measured == "p99 41.0 ms, median 5.0 ms (8.2×) at 16 connections"


def test_an_endpoint_that_completes_no_request_in_its_time_fails_the_load(results):
    stats_as_of = next(r for r in results["runs"] if r["key"] == "stats_as_of")
    stats_as_of.update(requests=0, rps=0.0, p50_ms=None, p99_ms=None, note="too slow")
    by_name = targets_by_name(results)
    errors = by_name["No errors under the load"]
    assert errors.met is False
    assert errors.measured.endswith("stats_as_of at 100,000: no request completed")
    assert by_name["Stats as of 2024-01-01: ≥ 10× Datasette's facet count"].measured == "0.00×"
    assert "| Stats as of 2024-01-01 | `/stats_as_of/` | 16 | 0 | 0.0 | – | – |" in (
        report.render(results)
    )


def test_benchmarks_md_shows_figures_ratios_growth_and_the_changes_section(results):
    text = report.render(results)
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Targets",
        "## Endpoints at 100,000 companies",
        "## Baseline and Datasette, side by side in the same run",
        "## Every URL distinct, side by side",
        "## CSV export of the whole register",
        "## Growth with the register",
        "## First request right after a write",
        "## Deep cursor page against the first page",
        "## SQL queries per request",
        "## Method",
        "## Machine and versions",
        "## Registers",
        "## What each change bought",
    ]
    assert (
        "| Companies list, first page of 50 | `/list_first/` | 16 | 9,600 | 1,200 | 5.0 | 20.0"
        " | 0 | 0.60× | 4.00× | 3 / 2 | 80.0 | 400 | 0.20× |" in text
    )
    assert "| 0 | 1.00× | 13.33× | 4 / 1 | 80.0 | – | – |" in text  # stats: not measured uncached
    # Stats are compared with Datasette's facet count, not its list.
    assert "| Stats | `/stats/` | 16 | 16,000 | 2,000 | 5.0 | 20.0 | 0 | 1.00× | 13.33× |" in text
    assert "| Companies list, deep page by cursor | `/list_deep/` | not available: 404 |" in text
    assert "| 1,000,000 | 60,000 | 1,150 | 1,100 | 0.96× |" in text
    assert "1,150 req/s (0.88×), 5.0 / 20.0 ms" in text
    assert "| 100,000 | 30.0 MiB | 3 | 4.20 | 7.1 | 0.020 | 3.5 | 85.0 |" in text
    assert "| 1,000,000 | park_bench_1m | 2,460,000 | reused |" in text
    assert "Home page" not in text.split("## SQL queries per request")[1].split("## Method")[0]
    assert "| change | endpoint | before | after | what it bought |" in text
    assert "Versions: Python 3.11.7, PostgreSQL 15.20" in text


def test_what_went_wrong_in_a_run_is_noted_before_the_targets(results):
    results["notes"] = ["The run stopped early: park did not start"]
    text = report.render(results)
    assert "## Notes\n\n- The run stopped early: park did not start\n\n## Targets" in text


def test_wrk_results_are_read_from_the_script_s_json_line():
    output = (
        "Running 8s test @ http://127.0.0.1:8104/\n"
        'WRK_JSON {"duration_us": 2000000, "requests": 3000, "bytes": 6000000, '
        '"connect_errors": 0, "read_errors": 2, "write_errors": 0, "status_errors": 5, '
        '"timeouts": 1, "latency_mean_us": 5000.0, "latency_max_us": 90000, '
        '"p50_us": 4500, "p90_us": 9000, "p99_us": 30000, "stopped_by_limit": false}\n'
    )
    figures = parse_wrk(output)
    assert figures["rps"] == 1500.0
    assert (figures["p50_ms"], figures["p99_ms"]) == (4.5, 30.0)
    assert (figures["status_errors"], figures["socket_errors"], figures["errors"]) == (5, 3, 8)
    assert figures["bytes_per_request"] == 2000
    with pytest.raises(RuntimeError, match="wrk printed no results"):
        parse_wrk("unable to connect to 127.0.0.1:8104 Connection refused\n")


# --- A fake API on loopback, for the cursor walk and the export timer ------------------


def fake_api(*, rows=1000, max_page_size=200, cursor_param="cursor"):
    def app(environ, start_response):
        query = dict(part.split("=", 1) for part in environ["QUERY_STRING"].split("&") if part)
        if environ["PATH_INFO"] == "/export.csv":
            start_response("200 OK", [("Content-Type", "text/csv")])
            return itertools.chain([b"id,name\n"], (b"%d,company\n" % n for n in range(rows)))
        if environ["PATH_INFO"] != "/api/v1/companies/":
            start_response("404 Not Found", [])
            return [b""]
        size, start = int(query.get("page_size", 50)), int(query.get(cursor_param, 0))
        if size > max_page_size:
            start_response("400 Bad Request", [("Content-Type", "application/json")])
            return [b'{"page_size": ["Too large."]}']
        headers = [("Content-Type", "application/json")]
        if start + size < rows:
            link = f"http://testserver/api/v1/companies/?{cursor_param}={start + size}"
            headers.append(("Link", f'<{link}&page_size={size}>; rel="next"'))
        start_response("200 OK", headers)
        page = list(range(start, min(start + size, rows)))
        return [json.dumps({"results": page}).encode()]

    return app


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def serve():
    """Serve a WSGI app on a free loopback port for the test; yields its base URL."""
    servers = []

    def start(app):
        server = make_server("127.0.0.1", 0, app, handler_class=QuietHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_the_cursor_walk_follows_next_links_with_the_largest_accepted_page(serve):
    base = serve(fake_api(rows=1000, max_page_size=200))
    found = find_deep_cursor(base, walk=CursorWalk(), register_size=1000)
    # 1000 and 500 are refused; 200 rows a step until half the register is behind.
    assert found == {"path": "/api/v1/companies/?cursor=600&page_size=50", "depth": 600}


def test_the_cursor_walk_stops_at_the_end_of_a_short_list(serve):
    base = serve(fake_api(rows=130, max_page_size=50))
    found = find_deep_cursor(base, walk=CursorWalk(depth=1.0), register_size=10_000)
    assert found == {"path": "/api/v1/companies/?cursor=100&page_size=50", "depth": 100}


def test_a_list_without_cursor_links_is_reported_not_available(serve):
    base = serve(fake_api(cursor_param="page"))
    with pytest.raises(NotAvailable, match="next link has no 'cursor' parameter"):
        find_deep_cursor(base, walk=CursorWalk(), register_size=1000)
    missing = CursorWalk(first_page="/api/v2/companies/?page_size={page_size}")
    with pytest.raises(NotAvailable, match="answers 404"):
        find_deep_cursor(base, walk=missing, register_size=1000)
    one_page = serve(fake_api(rows=40))
    with pytest.raises(NotAvailable, match="no link to a next one"):
        find_deep_cursor(one_page, walk=CursorWalk(), register_size=40)


def test_an_export_is_timed_to_its_last_byte(serve):
    base = serve(fake_api(rows=5000))
    figures = time_export(base, "/export.csv", exports=2, timeout=10)
    expected = len(b"id,name\n") + sum(len(b"%d,company\n" % n) for n in range(5000))
    assert (figures["bytes"], figures["requests"], figures["http_status"]) == (expected, 2, 200)
    assert figures["errors"] == 0
    assert len(figures["seconds_each"]) == 2
    assert time_export(base, "/missing.csv", exports=1, timeout=10)["errors"] == 1


def test_with_query_replaces_only_the_named_parameter():
    assert with_query("/api/v1/companies/?cursor=cD0x&page_size=1000", page_size=50) == (
        "/api/v1/companies/?cursor=cD0x&page_size=50"
    )


# --- Memory, servers, arguments, registers ----------------------------------------------


def test_the_memory_sampler_sees_a_process_grow():
    with MemorySampler(lambda: [os.getpid()], interval=0.01) as memory:
        ballast = b"\x01" * (96 << 20)
        threading.Event().wait(0.1)
    del ballast
    assert memory.growth_mib >= 80
    assert memory.peak_mib >= memory.growth_mib


def test_a_server_refuses_a_port_already_in_use(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = Server("park", ["true"], port=port, env={}, log_path=tmp_path / "log",
                        cwd=tmp_path, preforked=True)  # fmt: skip
        with pytest.raises(ServerError, match=f"port {port} is already in use"), server:
            pass
    assert server.process is None


def test_bad_options_are_refused_naming_the_option(capsys):
    with pytest.raises(SystemExit) as exit_:
        parse_args(["--sizes", "1000,lots"])
    assert exit_.value.code == 2
    assert "argument --sizes: 'lots' is not a whole number" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parse_args(["--seconds", "0"])
    assert "argument --seconds: '0' must be at least 1" in capsys.readouterr().err


def test_the_main_size_is_always_among_the_sizes():
    args = parse_args(["--sizes", "10000,1000", "--main-size", "5000"])
    assert args.sizes == [1000, 5000, 10000]


def test_each_register_size_has_its_own_database():
    registers = Registers("postgres://postgres@127.0.0.1:5432/park_bench", secret_key="k")
    assert [size_name(n) for n in (1000, 10_000, 1_000_000, 2500)] == ["1k", "10k", "1m", "2500"]
    assert registers.url(100_000) == "postgres://postgres@127.0.0.1:5432/park_bench_100k"
    env = registers.env(1000)
    assert (env["DJANGO_DEBUG"], env["DJANGO_SETTINGS_MODULE"]) == ("0", "bench.settings")


# --- The parts that run inside Django ---------------------------------------------------


@pytest.fixture
def tiny_register(db):
    sector = SectorFactory(slug="logistics", name_en="Logistics", name_ru="Логистика")
    companies = [
        CompanyFactory(name=name, sector=sector, country=country)
        for name, country in [("beta Freight", "BY"), ("Alpha Rail", "CN"), ("Gamma Port", "CN")]
    ]
    ReportFactory(company=companies[0], declared_investment=Decimal("1500000.50"))
    CompanyFactory(name="Draft Cargo", sector=sector, is_published=False)
    return companies


def test_the_datasette_export_holds_the_published_companies_and_every_column(
    tiny_register, tmp_path
):
    written = export_companies(path=tmp_path / "park.db", chunk_size=2)
    assert written == 3
    database = sqlite3.connect(tmp_path / "park.db")
    database.row_factory = sqlite3.Row
    columns = [row["name"] for row in database.execute("PRAGMA table_info(companies)")]
    assert columns == [field.column for field in Company._meta.concrete_fields]
    rows = {row["name"]: row for row in database.execute("SELECT * FROM companies")}
    assert sorted(rows) == ["Alpha Rail", "Gamma Port", "beta Freight"]
    assert rows["beta Freight"]["declared_investment"] == 1_500_000.5
    assert rows["beta Freight"]["country"] == "BY"
    assert rows["beta Freight"]["description"] == "Makes things in the park."
    sector = database.execute("SELECT slug, name_ru FROM sectors").fetchone()
    assert tuple(sector) == ("logistics", "Логистика")
    indexes = {row["name"] for row in database.execute("PRAGMA index_list(companies)")}
    assert {"company_country_idx", "company_declared_idx"} <= indexes
    assert database.execute("PRAGMA foreign_key_list(companies)").fetchone()["table"] == "sectors"


def call(app, query_string, path_info="/companies/"):
    answer = {}

    def start_response(status, headers):
        answer["status"], answer["headers"] = status, dict(headers)

    body = b"".join(app({"PATH_INFO": path_info, "QUERY_STRING": query_string}, start_response))
    return answer["status"], answer["headers"], json.loads(body)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the baseline reads PostgreSQL")
def test_the_baseline_serves_the_first_page_of_published_companies_as_json(tiny_register):
    CompanyFactory.create_batch(60, sector=tiny_register[0].sector)
    connection.ensure_connection()
    app = baseline.make_app(lambda: connection.connection)
    status, headers, body = call(app, "page_size=50")
    assert (status, headers["Content-Type"]) == ("200 OK", "application/json")
    names = [row["name"] for row in body["results"]]
    assert len(names) == 50
    assert names[:2] == ["Alpha Rail", "beta Freight"]
    assert names == sorted(names, key=str.lower)
    assert "Draft Cargo" not in names
    assert body["results"][1] == {
        "slug": "beta-freight",
        "name": "beta Freight",
        "country": "BY",
        "sector": "logistics",
        "sector_name": "Logistics",
        "status": "resident",
        "resident_since": "2018-01-01",
        "website": "",
        "declared_investment": "1500000.50",
        "realised_investment": "250000.00",
        "direct_jobs": 10,
    }
    assert len(call(app, "page_size=5")[2]["results"]) == 5


def test_the_baseline_refuses_a_bad_page_size_and_unknown_paths():
    app = baseline.make_app(lambda: pytest.fail("no query for a refused request"))
    assert call(app, "page_size=lots")[:1] == ("400 Bad Request",)
    assert call(app, "page_size=101")[2] == {"detail": "page_size: a whole number from 1 to 100."}
    assert call(app, "", path_info="/")[0] == "404 Not Found"


def three_queries(request):
    for _ in range(3):
        Company.objects.count()
    return HttpResponse("ok")


def streamed(request):
    def rows():
        for name in Company.objects.order_by("pk").values_list("name", flat=True).iterator():
            yield name + "\n"
        yield str(Report.objects.count())

    return StreamingHttpResponse(rows())


# The site's own routes stay, so that its 404 page can render.
def kept_count(request):
    return HttpResponse(str(cache.get_or_set("bench-kept-count", Company.objects.count)))


urlpatterns = [
    path("three/", three_queries),
    path("streamed/", streamed),
    path("kept/", kept_count),
    *park_urls.urlpatterns,
]


def test_queries_are_counted_per_request_including_while_streaming(tiny_register, settings):
    settings.ROOT_URLCONF = __name__
    counted = count_queries(["/three/", "/streamed/", "/missing/"])
    assert counted["/three/"] == {"status": 200, "bytes": 2, "queries": [3, 3], "aggregates": True}
    assert counted["/streamed/"]["queries"] == [2, 2]
    assert counted["/streamed/"]["bytes"] == len("beta Freight\nAlpha Rail\nGamma Port\n") + len(
        "Draft Cargo\n1"
    )
    assert counted["/missing/"]["status"] == 404


def test_the_first_count_is_cold_whatever_the_caches_hold(tiny_register, settings):
    settings.ROOT_URLCONF = __name__
    cache.set("bench-kept-count", 99)
    assert count_queries(["/kept/"])["/kept/"]["queries"] == [1, 0]


def test_two_runs_of_an_endpoint_are_pooled_into_one():
    first = run("list_first", 100.0, p50=4.0, p99=10.0)
    second = run("list_first", 300.0, p50=6.0, p99=30.0)
    first.update(seconds=8.0, p90_ms=8.0, max_ms=12.0)
    second.update(seconds=8.0, p90_ms=20.0, max_ms=40.0)
    both = pooled(first, second)
    assert (both["requests"], both["rps"], both["p50_ms"], both["p99_ms"]) == (
        3200,
        200.0,
        5.0,
        30.0,
    )
    failed = {**second, "status": "failed"}
    assert pooled(first, failed) is first


def test_totals_as_of_a_random_day_that_slow_down_with_the_register_miss_their_target(results):
    slow = next(
        r for r in results["runs"] if (r["key"], r["size"]) == ("stats_random_day", 1_000_000)
    )
    slow["rps"] = 600.0  # 0.67 of its throughput at 1,000
    by_name = targets_by_name(results)
    growth = by_name[
        "Stats as of a random day, nothing kept: at 1,000,000 companies ≥ 0.8× its "
        "throughput at 1,000"
    ]
    assert (growth.met, growth.measured) == (False, "0.67×")
    against_list = by_name[
        "Stats as of a random day, nothing kept: ≥ 0.5× the companies list's first page "
        "(nothing kept) at 1,000,000 companies"
    ]
    assert (against_list.met, against_list.measured) == (True, "0.52×")


def test_a_first_page_after_a_write_that_waits_with_the_register_misses_its_target(results):
    results["after_write"][1] = after_write("home", 1_000_000, [0.2, 0.3, 0.25])
    by_name = targets_by_name(results)
    home = by_name[
        "Home page, first request after a write: at 1,000,000 companies ≤ 2× as long as at "
        "1,000 (median of 3)"
    ]
    assert (home.met, home.measured) == (False, "0.250 s against 0.050 s (5.00×)")
    assert "## First request right after a write" in report.render(results)


def test_a_path_with_a_random_day_is_probed_and_counted_with_one_fixed_day():
    assert one_day("/api/v1/stats/?as_of={random_day}&country=CN") == (
        "/api/v1/stats/?as_of=2019-06-30&country=CN"
    )
    assert one_day("/api/v1/stats/") == "/api/v1/stats/"


@pytest.mark.django_db
def test_the_bench_s_write_adds_its_report_then_takes_it_away():
    company = CompanyFactory(slug="middle", resident_since=date(2018, 1, 1))
    before = selectors.park_totals(as_of=date(2019, 6, 30))
    assert write.toggle("middle") == "added"
    assert selectors.park_totals(as_of=date(2019, 6, 30)).direct_jobs == before.direct_jobs + 7
    assert write.toggle("middle") == "deleted"
    assert selectors.park_totals(as_of=date(2019, 6, 30)) == before
    assert not Report.objects.filter(company=company).exists()


# --- Every URL distinct -----------------------------------------------------------------


def distinct_run(results, key, size):
    return next(
        r
        for r in results["runs"]
        if (r["key"], r["size"], r["phase"]) == (key, size, report.DISTINCT)
    )


def test_distinct_urls_are_compared_with_the_peers_of_the_same_size(results):
    distinct_run(results, "datasette_filtered", 1_000_000)["rps"] = 300.0  # 1.5 of 450
    distinct_run(results, "baseline_detail", MAIN)["rps"] = 4200.0  # 0.29 of 1200
    by_name = targets_by_name(results)
    label = "Companies list, a random country and name word, every URL distinct"
    against = by_name[f"{label}: ≥ 2× Datasette at 1,000,000 companies"]
    assert (against.met, against.measured) == (False, "1.50×")
    assert by_name[f"{label}: ≥ 2× Datasette at 100,000 companies"].met is True
    detail = by_name[
        "Company detail, a random company, every URL distinct: ≥ 0.3× the psycopg baseline "
        "at 100,000 companies"
    ]
    assert (detail.met, detail.measured) == (False, "0.29×")
    growth = by_name[f"{label}: at 1,000,000 companies ≥ 0.8× its throughput at 100,000"]
    assert (growth.met, growth.measured) == (True, "0.90×")
    distinct_run(results, "list_filtered", 1_000_000)["rps"] = 390.0
    growth = targets_by_name(results)[growth.target]
    assert (growth.met, growth.measured) == (False, "0.78×")


def test_distinct_targets_without_their_runs_are_not_measured(results):
    results["runs"] = [r for r in results["runs"] if r["phase"] != report.DISTINCT]
    distinct = [t for t in report.check_targets(results) if "every URL distinct" in t.target]
    assert len(distinct) == 9
    assert {t.result for t in distinct} == {"not measured"}
    assert "## Every URL distinct, side by side\n\nNot measured in this run." in (
        report.render(results)
    )


def test_the_distinct_table_shows_each_server_and_the_ratios(results):
    distinct_run(results, "detail_random", MAIN)["requests"] = 40_000  # more than drawn
    text = report.render(results).split("## Every URL distinct, side by side")[1]
    text = text.split("## CSV export")[0]
    assert (
        "| 100,000 | Companies list, a random country and name word | `/list_filtered/` | 4,000 "
        "| 500 | 5.0 | 20.0 | 0 | 0.33× | 4.00× |" in text
    )
    assert "| 1,000,000 | Datasette: a random company | `/datasette_detail/` | 2,300 |" in text
    assert "| 40,000 (some repeated) |" in text


def test_a_path_is_filled_from_a_draw_and_quoted():
    search = "/api/v1/companies/?country={random_country}&q={random_word}"
    assert draws.drawn(search) and draws.kind(search) == "search"
    assert draws.kind("/park/companies/{random_id}.json") == "company"
    assert not draws.drawn("/api/v1/stats/?as_of={random_day}")
    assert draws.fill(search, {"country": "CN", "word": "Jin Long&Co"}) == (
        "/api/v1/companies/?country=CN&q=Jin%20Long%26Co"
    )
    # Every distinct endpoint of a server has its peers on the others.
    pairs = {(e.pair, e.server) for e in ENDPOINTS if e.distinct}
    assert pairs == {(pair, server) for pair in ("filtered", "detail")
                     for server in ("park", "baseline", "datasette")}  # fmt: skip


def database_url():
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the draws read PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_searches_and_companies_are_drawn_from_the_published_register():
    sector = SectorFactory()
    for name, country in [("Huaxin Telecom 0000001", "CN"), ("Neman Freight 0000002", "BY"),
                          ("Volga Data 0000003", "RU")]:  # fmt: skip
        CompanyFactory(name=name, country=country, sector=sector)
    CompanyFactory(name="Hidden Draft 0000004", country="DE", sector=sector, is_published=False)
    searches = draws.searches(database_url(), count=50, seed=1)
    assert len(searches) == 50
    assert len({tuple(s.values()) for s in searches}) == 50
    assert {s["country"] for s in searches} <= {"CN", "BY", "RU"}
    words = {s["word"] for s in searches}
    assert words <= {"Huaxin", "Telecom", "Neman", "Freight", "Volga", "Data"}
    assert {s["page_size"] for s in searches} <= set(draws.PAGE_SIZES)
    companies = draws.companies(database_url(), count=10)
    assert sorted(c["slug"] for c in companies) == [
        "huaxin-telecom-0000001", "neman-freight-0000002", "volga-data-0000003"
    ]  # fmt: skip


@pytest.mark.skipif(shutil.which("wrk") is None, reason="needs wrk")
def test_wrk_takes_each_path_of_the_file_once_across_its_threads(serve, tmp_path):
    seen = []

    def app(environ, start_response):
        seen.append(f"{environ['PATH_INFO']}?{environ['QUERY_STRING']}")
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    base = serve(app)
    searches = [{"country": "CN", "word": f"w{n}", "page_size": 50} for n in range(60)]
    paths = tmp_path / "paths"
    written = draws.write_paths("/s/?country={random_country}&q={random_word}", searches, paths)
    assert written == 60
    # 40 requests (and the one each thread sends as it stops), on two threads.
    figures = run_wrk(base + "/s/", connections=2, seconds=1, max_requests=40, paths=paths)
    assert figures["requests"] >= 38
    assert len(seen) == len(set(seen)) >= 38
    assert set(seen) <= {f"/s/?country=CN&q=w{n}" for n in range(60)}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the baseline reads PostgreSQL")
def test_the_baseline_filters_by_country_and_words_and_serves_one_company(tiny_register):
    sector = tiny_register[0].sector
    CompanyFactory(name="Rail 100% Cargo", sector=sector, country="CN",
                   description_en="Moves freight by rail.")  # fmt: skip
    connection.ensure_connection()
    app = baseline.make_app(lambda: connection.connection)
    names = lambda query: [row["name"] for row in call(app, query)[2]["results"]]  # noqa: E731
    assert names("country=CN&q=rail") == ["Alpha Rail", "Rail 100% Cargo"]
    assert names("country=CN&country=BY&q=freight") == ["beta Freight", "Rail 100% Cargo"]
    assert names("q=100%25") == ["Rail 100% Cargo"]
    assert names("q=10_") == []
    assert names("country=BY&q=rail") == []
    status, _, body = call(app, "", path_info="/companies/alpha-rail/")
    assert (status, body["name"], body["country"]) == ("200 OK", "Alpha Rail", "CN")
    assert call(app, "", path_info="/companies/draft-cargo/")[0] == "404 Not Found"
    assert call(app, "", path_info="/companies/nobody/")[0] == "404 Not Found"
