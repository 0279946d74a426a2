"""The issue's targets, checked against a run's results, and BENCHMARKS.md written from them.

A run's results are one JSON-able dict (run.py builds it; results.json keeps it):
`runs` (one per load measurement: phase, size, key, status, req/s, latencies, errors,
memory), `exports`, `queries`, `registers`, `machine`, `versions`, `settings`.
"""

from dataclasses import dataclass
from pathlib import Path

from bench.endpoints import (
    AFTER_WRITE,
    BASELINE,
    DATASETTE,
    DISTINCT_SIZES,
    ENDPOINTS,
    PARK,
    by_key,
    paired,
)

MEASURED = "measured"
# The phase in which the directory keeps nothing between requests (BENCH_UNCACHED).
UNCACHED = "uncached"
CHANGES = Path(__file__).with_name("CHANGES.md")

# The targets, as ratios within one run.
LIST_VS_BASELINE = 0.5
LIST_VS_DATASETTE = 3.0
DEEP_VS_FIRST = 0.9
LARGEST_VS_MAIN = 0.9
STATS_VS_DATASETTE = 10.0
P99_OVER_MEDIAN = 8.0
# Figures whose cost does not grow with the register: the smallest and largest registers
# of the targets, and the ratios between them.
SMALL, LARGE = 1_000, 1_000_000
RANDOM_DAY_LARGE_VS_SMALL = 0.8
RANDOM_DAY_VS_LIST = 0.5
LIST_AS_OF_VS_TODAY = 0.8
AFTER_WRITE_LARGE_OVER_SMALL = 2.0
# Every URL distinct (the DISTINCT endpoints), against the peers at each of DISTINCT_SIZES.
DISTINCT = "distinct"
DISTINCT_VS_DATASETTE = 2.0
DISTINCT_VS_BASELINE = 0.3
FILTERED_LARGE_VS_MAIN = 0.8
# A streamed export may grow a worker by a little, never by the size of the export.
EXPORT_GROWTH_FLOOR_MIB = 16.0
EXPORT_GROWTH_SHARE = 0.25


@dataclass(frozen=True)
class Target:
    target: str
    measured: str
    met: bool | None  # None: not measured

    @property
    def result(self) -> str:
        return {True: "met", False: "**not met**", None: "not measured"}[self.met]


def find_run(results: dict, *, key: str, phase: str = "main", size: int | None = None):
    """The measured run of `key` in `phase` (at `size`), or None."""
    size = results["settings"]["main_size"] if size is None else size
    for run in results.get("runs", []):
        if (run["key"], run["phase"], run["size"], run["status"]) == (key, phase, size, MEASURED):
            return run
    return None


def ratio(results: dict, key: str, other: str, **where) -> float | None:
    return _over(find_run(results, key=key, **where), find_run(results, key=other, **where))


def _over(run: dict | None, base: dict | None) -> float | None:
    """The throughput of `run` over that of `base`."""
    if not run or not base or not base["rps"]:
        return None
    return run["rps"] / base["rps"]


def check_targets(results: dict) -> list[Target]:
    """Every target of the issue, met, not met or not measured, with the numbers."""
    main = results["settings"]["main_size"]
    targets = [
        _ratio_target(
            results,
            f"Companies list, first page of 50: ≥ {LIST_VS_BASELINE}× the psycopg baseline",
            ratio(results, "list_first", "baseline_list"),
            LIST_VS_BASELINE,
        ),
        _ratio_target(
            results,
            f"Companies list, first page of 50: ≥ {LIST_VS_DATASETTE:g}× Datasette",
            ratio(results, "list_first", "datasette_list"),
            LIST_VS_DATASETTE,
        ),
    ]
    for size in (100_000, 1_000_000):
        where = {"phase": "growth", "size": size}
        targets.append(
            _ratio_target(
                results,
                f"Deep cursor page ≥ {DEEP_VS_FIRST}× the first page at {size:,} companies",
                ratio(results, "list_deep", "list_first", **where),
                DEEP_VS_FIRST,
            )
        )
    largest, at_main = (
        find_run(results, key="list_first", phase="growth", size=1_000_000),
        find_run(results, key="list_first", phase="growth", size=100_000),
    )
    targets.append(
        _ratio_target(
            results,
            f"First page at 1,000,000 companies ≥ {LARGEST_VS_MAIN}× its throughput at 100,000",
            largest["rps"] / at_main["rps"] if largest and at_main and at_main["rps"] else None,
            LARGEST_VS_MAIN,
        )
    )
    for key in ("stats", "stats_as_of"):
        targets.append(
            _ratio_target(
                results,
                f"{by_key(key).label}: ≥ {STATS_VS_DATASETTE:g}× Datasette's facet count",
                ratio(results, key, "datasette_facet"),
                STATS_VS_DATASETTE,
            )
        )
    targets += _figure_targets(results)
    targets += _distinct_targets(results)
    targets.append(_stats_not_recomputed(results, main))
    targets.append(_p99_target(results))
    targets.append(_constant_queries(results))
    targets.append(_export_memory(results, main))
    targets.append(_no_errors(results))
    return targets


def _figure_targets(results: dict) -> list[Target]:
    """Totals as of a random day, nothing kept, cost the same at 1,000 and 1,000,000
    companies; the list as of a day costs about what today's does; the first pages after
    a write do not wait in proportion to the register."""
    growth = {"phase": "growth", "size": LARGE}
    targets = []
    for key in ("stats_random_day", "stats_random_day_country"):
        label = by_key(key).label
        large, small = (find_run(results, key=key, phase="growth", size=n) for n in (LARGE, SMALL))
        targets.append(
            _ratio_target(
                results,
                f"{label}, nothing kept: at {LARGE:,} companies ≥ "
                f"{RANDOM_DAY_LARGE_VS_SMALL}× its throughput at {SMALL:,}",
                _over(large, small),
                RANDOM_DAY_LARGE_VS_SMALL,
            )
        )
        for size in (SMALL, 100_000, LARGE):
            targets.append(
                _ratio_target(
                    results,
                    f"{label}, nothing kept: ≥ {RANDOM_DAY_VS_LIST}× the companies list's "
                    f"first page (nothing kept) at {size:,} companies",
                    ratio(results, key, "list_first", phase="growth", size=size),
                    RANDOM_DAY_VS_LIST,
                )
            )
    targets.append(
        _ratio_target(
            results,
            f"Companies list as of a random day: ≥ {LIST_AS_OF_VS_TODAY}× the list for today "
            f"at {LARGE:,} companies (nothing kept)",
            ratio(results, "list_random_day", "list_first", **growth),
            LIST_AS_OF_VS_TODAY,
        )
    )
    for key in ("home", "stats_years"):
        targets.append(_after_write_target(results, key))
    return targets


def _distinct_targets(results: dict) -> list[Target]:
    """Every URL distinct: the filtered list and the detail against Datasette and the
    baseline at each of DISTINCT_SIZES, and the filtered list's growth between them."""
    targets = []
    for key in ("list_filtered", "detail_random"):
        endpoint = by_key(key)
        for size in DISTINCT_SIZES:
            where = {"phase": DISTINCT, "size": size}
            for server, required, name in (
                (DATASETTE, DISTINCT_VS_DATASETTE, "Datasette"),
                (BASELINE, DISTINCT_VS_BASELINE, "the psycopg baseline"),
            ):
                targets.append(
                    _ratio_target(
                        results,
                        f"{endpoint.label}, every URL distinct: ≥ {required:g}× {name} at "
                        f"{size:,} companies",
                        ratio(results, key, paired(endpoint, server).key, **where),
                        required,
                    )
                )
    main, large = DISTINCT_SIZES
    targets.append(
        _ratio_target(
            results,
            f"{by_key('list_filtered').label}, every URL distinct: at {large:,} companies ≥ "
            f"{FILTERED_LARGE_VS_MAIN}× its throughput at {main:,}",
            _over(
                find_run(results, key="list_filtered", phase=DISTINCT, size=large),
                find_run(results, key="list_filtered", phase=DISTINCT, size=main),
            ),
            FILTERED_LARGE_VS_MAIN,
        )
    )
    return targets


def find_after_write(results: dict, *, key: str, size: int) -> dict | None:
    for row in results.get("after_write", []):
        if (row["key"], row["size"], row["status"]) == (key, size, MEASURED):
            return row
    return None


def _after_write_target(results: dict, key: str) -> Target:
    label = next(page.label for page in AFTER_WRITE if page.key == key)
    text = (
        f"{label}, first request after a write: at {LARGE:,} companies ≤ "
        f"{AFTER_WRITE_LARGE_OVER_SMALL:g}× as long as at {SMALL:,} (median of 3)"
    )
    large, small = (find_after_write(results, key=key, size=n) for n in (LARGE, SMALL))
    if not large or not small or not small["median_s"]:
        return Target(text, "–", None)
    times = large["median_s"] / small["median_s"]
    measured = f"{large['median_s']:.3f} s against {small['median_s']:.3f} s ({times:.2f}×)"
    return Target(text, measured, times <= AFTER_WRITE_LARGE_OVER_SMALL)


def _ratio_target(results: dict, text: str, value: float | None, required: float) -> Target:
    if value is None:
        return Target(text, "–", None)
    return Target(text, f"{value:.2f}×", value >= required)


def _stats_not_recomputed(results: dict, main: int) -> Target:
    text = "Stats: no full recomputation per request for unchanged data"
    rows = [
        row
        for row in results.get("queries", [])
        if row["key"] in ("stats", "stats_as_of") and row["size"] == main and _ok(row)
    ]
    if not rows:
        return Target(text, "–", None)
    measured = "; ".join(
        f"{row['key']}: repeated request runs {row['queries'][-1]} queries, "
        + ("an aggregate among them" if row["aggregates"] else "no aggregate")
        for row in rows
    )
    return Target(text, measured, not any(row["aggregates"] for row in rows))


def _p99_target(results: dict) -> Target:
    run = find_run(results, key="list_first")
    text = f"First list page: p99 ≤ {P99_OVER_MEDIAN:g}× median at 16 connections"
    if not run or not run["requests"]:
        return Target(text, "–", None)
    measured = (
        f"p99 {run['p99_ms']:.1f} ms, median {run['p50_ms']:.1f} ms "
        f"({run['p99_ms'] / run['p50_ms']:.1f}×) at {run['connections']} connections"
    )
    met = run["p99_ms"] <= P99_OVER_MEDIAN * run["p50_ms"] and run["connections"] == 16
    return Target(text, measured, met)


def _constant_queries(results: dict) -> Target:
    text = "A constant number of SQL queries per request, whatever the page or register size"
    counts: dict[str, dict[int, list]] = {}
    for row in results.get("queries", []):
        if _ok(row) and by_key(row["key"]).server == PARK:
            counts.setdefault(row["key"], {}).setdefault(row["queries"][-1], []).append(row)
    if not counts:
        return Target(text, "–", None)
    parts = []
    for key, by_count in counts.items():
        if len(by_count) == 1:
            parts.append(f"{key} {next(iter(by_count))}")
        else:
            seen = ", ".join(
                f"{count} at {_where(row)}" for count, rows in by_count.items() for row in rows
            )
            parts.append(f"{key} varies: {seen}")
    return Target(text, "; ".join(parts), all(len(by_count) == 1 for by_count in counts.values()))


def _where(row: dict) -> str:
    page = f", page size {row['page_size']}" if row.get("page_size") else ""
    return f"{row['size']:,}{page}"


def _export_memory(results: dict, main: int) -> Target:
    text = "The whole-register CSV export streams in constant worker memory"
    export = next(
        (e for e in results.get("exports", []) if e["size"] == main and e["status"] == MEASURED),
        None,
    )
    if export is None or export["rss_growth_mib"] is None:
        return Target(text, "–", None)
    mib = export["bytes"] / (1 << 20)
    allowed = max(EXPORT_GROWTH_FLOOR_MIB, EXPORT_GROWTH_SHARE * mib)
    measured = (
        f"worker grew {export['rss_growth_mib']:.1f} MiB while sending {mib:.1f} MiB "
        f"(allowed {allowed:.1f} MiB)"
    )
    return Target(text, measured, export["rss_growth_mib"] <= allowed)


def _no_errors(results: dict) -> Target:
    text = "No errors under the load"
    runs = [
        run
        for run in results.get("runs", []) + results.get("exports", [])
        if run["status"] == MEASURED and by_key(run["key"]).server == PARK
    ]
    if not runs:
        return Target(text, "–", None)
    failing = [run for run in runs if run["errors"] or not run["requests"]]
    requests = sum(run["requests"] for run in runs)
    if not failing:
        return Target(text, f"0 errors in {requests:,} requests", True)
    listed = ", ".join(
        f"{run['key']} at {run['size']:,}: "
        + (f"{run['errors']:,}" if run["requests"] else "no request completed")
        for run in failing
    )
    return Target(text, f"errors in {requests:,} requests: {listed}", False)


def _ok(row: dict) -> bool:
    return 200 <= row["status"] < 400


# --- BENCHMARKS.md ---------------------------------------------------------------------


def render(results: dict) -> str:
    """BENCHMARKS.md for a run."""
    settings = results["settings"]
    main = settings["main_size"]
    sections = [
        "# Benchmarks",
        f"Written by `make bench` on {results['started_at'][:16].replace('T', ' ')} UTC "
        f"(the run took {results['elapsed_s'] / 60:.1f} minutes). The machines are shared "
        "and noisy: compare the ratios within this run, not absolute numbers across runs.",
        "## Notes" if results.get("notes") else "",
        "\n".join(f"- {note}" for note in results.get("notes", [])),
        "## Targets",
        _table(
            ["target", "measured", "result"],
            [[t.target, t.measured, t.result] for t in check_targets(results)],
        ),
        f"## Endpoints at {main:,} companies",
        _endpoint_table(results),
        "## Baseline and Datasette, side by side in the same run",
        _peer_table(results),
        "## Every URL distinct, side by side",
        _distinct_table(results),
        "## CSV export of the whole register",
        _export_table(results),
        "## Growth with the register",
        _growth_table(results),
        "## First request right after a write",
        _after_write_table(results),
        "## Deep cursor page against the first page",
        _deep_table(results),
        "## SQL queries per request",
        _queries_table(results),
        "## Method",
        _method(results),
        "## Machine and versions",
        _machine(results),
        "## Registers",
        _registers_table(results),
        "## What each change bought",
        CHANGES.read_text().strip() if CHANGES.exists() else "",
    ]
    return "\n\n".join(section for section in sections if section) + "\n"


def write(results: dict, path: Path) -> None:
    path.write_text(render(results))


def _endpoint_table(results: dict) -> str:
    rows = []
    baseline = find_run(results, key="baseline_list")
    for endpoint in ENDPOINTS:
        if endpoint.server != PARK or endpoint.export:
            continue
        run = _any_run(results, endpoint.key)
        if run is None:
            continue
        queries = _queries_text(results, endpoint.key, results["settings"]["main_size"])
        if run["status"] != MEASURED:
            rows.append([endpoint.label, _path(run), _status(run)] + [""] * 11)
            continue
        uncached = find_run(results, key=endpoint.key, phase=UNCACHED)
        rows.append(
            [
                endpoint.label,
                _path(run),
                run["connections"],
                f"{run['requests']:,}",
                _number(run["rps"]),
                _ms(run["p50_ms"]),
                _ms(run["p99_ms"]),
                f"{run['errors']:,}",
                _times(ratio(results, endpoint.key, "baseline_list")),
                _times(ratio(results, endpoint.key, endpoint.peer)),
                queries,
                _number(run.get("peak_rss_mib")),
                _number(uncached["rps"]) if uncached else "–",
                _times(_over(uncached, baseline)),
            ]
        )
    header = ["endpoint", "path", "connections", "requests", "req/s", "median ms", "p99 ms"]
    header += ["errors", "× baseline", "× Datasette", "SQL queries", "peak worker RSS MiB"]
    header += ["req/s, nothing kept", "× baseline, nothing kept"]
    return _table(header, rows) + (
        "\n\n× baseline: throughput over the psycopg baseline's first page; × Datasette: "
        "over Datasette's first page, or its facet count for the stats. SQL queries: first "
        "request / repeated request. Nothing kept: the same endpoint on a server that keeps "
        "no computed value between requests (`BENCH_UNCACHED=1`), at 4 connections, so "
        "every request computes its answer: what a request costs the first time after a "
        "change to the register."
    )


def _peer_table(results: dict) -> str:
    rows = []
    for endpoint in ENDPOINTS:
        if endpoint.server not in (BASELINE, DATASETTE):
            continue
        run = _any_run(results, endpoint.key)
        if run is None:
            continue
        if run["status"] != MEASURED:
            rows.append([endpoint.label, _path(run), _status(run), "", "", "", ""])
            continue
        rows.append(
            [
                endpoint.label,
                _path(run),
                run["connections"],
                _number(run["rps"]),
                _ms(run["p50_ms"]),
                _ms(run["p99_ms"]),
                f"{run['errors']:,}",
            ]
        )
    return _table(["peer", "path", "connections", "req/s", "median ms", "p99 ms", "errors"], rows)


def _distinct_table(results: dict) -> str:
    rows = []
    for size in DISTINCT_SIZES:
        for endpoint in ENDPOINTS:
            if not endpoint.distinct:
                continue
            run = _any_run(results, endpoint.key, phase=DISTINCT, size=size)
            if run is None:
                continue
            if run["status"] != MEASURED:
                rows.append([f"{size:,}", endpoint.label, _path(run), _status(run)] + [""] * 6)
                continue
            where = {"phase": DISTINCT, "size": size}
            peers = ["–", "–"]
            if endpoint.server == PARK:
                peers = [
                    _times(ratio(results, endpoint.key, paired(endpoint, server).key, **where))
                    for server in (BASELINE, DATASETTE)
                ]
            repeats = run["requests"] > run.get("distinct_paths", run["requests"])
            rows.append(
                [
                    f"{size:,}",
                    endpoint.label,
                    _path(run),
                    f"{run['requests']:,}" + (" (some repeated)" if repeats else ""),
                    _number(run["rps"]),
                    _ms(run["p50_ms"]),
                    _ms(run["p99_ms"]),
                    f"{run['errors']:,}",
                    *peers,
                ]
            )
    header = ["companies", "endpoint", "path", "requests", "req/s", "median ms", "p99 ms"]
    header += ["errors", "× baseline", "× Datasette"]
    return _table(header, rows) + (
        "\n\nEach request a URL of its own: the placeholders are filled from draws of the "
        "register (`bench/draws.py`): a search is the country of one random published "
        "company and a word of another's name (so some match nothing), with a page size "
        "from 41 to 60; a company is a random published one. The three servers take the "
        "same draws in the same order, the directory as served (its kept copies cannot "
        "answer a new URL), at 16 connections. Datasette filters with its own "
        "`name__contains` (the name only; the directory's `q` searches the name, legal "
        "name and descriptions) in its own order (rowid), without counting (`_nocount`)."
    )


def _export_table(results: dict) -> str:
    rows = []
    for export in results.get("exports", []):
        if export["status"] != MEASURED:
            rows.append([f"{export['size']:,}", _status(export)] + [""] * 6)
            continue
        rows.append(
            [
                f"{export['size']:,}",
                f"{export['bytes'] / (1 << 20):.1f} MiB",
                export["requests"],
                f"{export['median_s']:.2f}",
                _number(export["mib_per_s"]),
                f"{export['first_byte_s']:.3f}",
                _number(export["rss_growth_mib"]),
                _number(export["peak_rss_mib"]),
            ]
        )
    header = ["companies", "size", "exports", "median s", "MiB/s", "first byte s"]
    header += ["worker RSS growth MiB", "peak worker RSS MiB"]
    return _table(header, rows) + (
        "\n\nOne export at a time. Worker RSS growth: the largest rise of a worker's resident "
        "memory (VmRSS, sampled every 50 ms) over its memory before the exports."
    )


def _growth_table(results: dict) -> str:
    sizes = results["settings"]["sizes"]
    rows = []
    for endpoint in ENDPOINTS:
        if not endpoint.growth:
            continue
        cells = []
        smallest = None
        for size in sizes:
            run = find_run(results, key=endpoint.key, phase="growth", size=size)
            if run is None:
                failed = _any_run(results, endpoint.key, phase="growth", size=size)
                cells.append(_status(failed) if failed else "–")
                continue
            smallest = smallest or run["rps"]
            growth = f" ({run['rps'] / smallest:.2f}×)" if smallest else ""
            cells.append(
                f"{_number(run['rps'])} req/s{growth}, "
                f"{_ms(run['p50_ms'])} / {_ms(run['p99_ms'])} ms, "
                f"{_queries_text(results, endpoint.key, size)} q"
            )
        rows.append([endpoint.label, *cells])
    return _table(["endpoint", *(f"{size:,}" for size in sizes)], rows) + (
        "\n\nEach cell: throughput (and its ratio to the smallest register), median / p99 "
        "latency, SQL queries (first / repeated request). Measured with nothing kept "
        "between requests (`BENCH_UNCACHED=1`) at 4 connections, so that the cost of "
        "computing each answer shows; as served, a repeated request is answered from what "
        "was kept."
    )


def _after_write_table(results: dict) -> str:
    sizes = results["settings"]["sizes"]
    rows = []
    for page in AFTER_WRITE:
        cells = []
        for size in sizes:
            row = next(
                (
                    r
                    for r in results.get("after_write", [])
                    if (r["key"], r["size"]) == (page.key, size)
                ),
                None,
            )
            if row is None:
                cells.append("–")
            elif row["status"] != MEASURED:
                cells.append(_status(row))
            else:
                each = ", ".join(f"{s:.3f}" for s in row["seconds"])
                cells.append(f"{row['median_s']:.3f} s ({each})")
        rows.append([page.label, f"`{page.path}`", *cells])
    return _table(["page", "path", *(f"{size:,}" for size in sizes)], rows) + (
        "\n\nAfter each of three writes (a report dated years back, added or deleted through "
        "the services by `bench/write.py`), one request of each page in turn on the server "
        "as served, whose kept answers the write made stale: the median, and each time."
    )


def _deep_table(results: dict) -> str:
    rows = []
    for size in results["settings"]["sizes"]:
        deep = _any_run(results, "list_deep", phase="growth", size=size)
        if deep is None:
            continue
        first = find_run(results, key="list_first", phase="growth", size=size)
        if deep["status"] != MEASURED:
            rows.append([f"{size:,}", _status(deep), "", "", ""])
            continue
        rows.append(
            [
                f"{size:,}",
                "given" if deep.get("depth") is None else f"{deep['depth']:,}",
                _number(first["rps"]) if first else "–",
                _number(deep["rps"]),
                _times(ratio(results, "list_deep", "list_first", phase="growth", size=size)),
            ]
        )
    return _table(
        ["companies", "depth (rows)", "first page req/s", "deep page req/s", "ratio"], rows
    )


def _queries_table(results: dict) -> str:
    rows = [
        [
            by_key(row["key"]).label,
            f"{row['size']:,}",
            row.get("page_size") or "",
            row["status"],
            " / ".join(str(n) for n in row["queries"]),
        ]
        for row in results.get("queries", [])
        if row["status"] != 404
    ]
    return _table(["endpoint", "companies", "page size", "status", "queries"], rows) + (
        "\n\nCounted in-process: each path requested through Django's test client under "
        "`CaptureQueriesContext`, against the same database and settings as the served "
        "directory (first request / repeated request; a streamed body read to its end). "
        "Paths that answer 404 are left out."
    )


def _method(results: dict) -> str:
    s = results["settings"]
    return "\n".join(
        [
            f"- Registers on PostgreSQL of {', '.join(f'{n:,}' for n in s['sizes'])} companies "
            "with their reports, built by `manage.py load_demo --companies N` (COPY) and "
            "reused while they have the right size; the main table is measured at "
            f"{s['main_size']:,}.",
            "- The directory served as in production: gunicorn with the repository's "
            f"`gunicorn.conf.py` ({s['workers']} sync workers), `DJANGO_DEBUG` off, a "
            "generated secret key, collected static files; API throttle rates raised out of "
            "reach (`bench/settings.py`), since one load generator is one client.",
            "- The baseline (`bench/baseline.py`): a bare WSGI app under the same gunicorn "
            "settings, one query per request on a kept psycopg connection, orjson.",
            "- Datasette: the published companies, every column, exported to SQLite with the "
            "model's plain indexes, served immutable (`-i`, counts from `datasette inspect`), "
            "facet suggestions off; first page with `_size=50&_shape=objects`. Datasette is "
            "one uvicorn process with keep-alive; gunicorn's sync workers close each "
            "connection, so every request to them pays a new loopback connection.",
            f"- Load: wrk on loopback, {s['warmup_seconds']} s of warm-up, then "
            f"{s['seconds']} s per endpoint ({s['growth_seconds']} s in the growth runs), "
            f"at most {s['max_requests']:,} requests, the connections stated per row. Errors: "
            "answers of 400 and above, and socket errors (connect, read, write, timeout).",
            f"- The CSV export: {s['exports']} downloads one after another, read in chunks; "
            "the workers' resident memory sampled meanwhile from /proc.",
            "- Deep cursor page: the harness follows the list's cursor links with the largest "
            "page size the API accepts, until half the register deep or 20 s, and measures "
            "50 rows from there, right after the first page, which it measures again after "
            "the deep page and pools with its first run (a drift of the machine's speed "
            "during the pair cancels out).",
            "- A path with `{random_day}` (the totals and the list as of a random day) asks "
            "for a different day with every request, from 2013-01-01 to today "
            "(`bench/wrk.lua`), so no kept answer serves it; probes and query counts use "
            "2019-06-30.",
            "- Every URL distinct: see the note under that table; the runs at "
            + ", ".join(f"{n:,}" for n in DISTINCT_SIZES if n in s["sizes"])
            + " companies serve that register on all three servers, Datasette from its own "
            "SQLite export.",
            "- SQL queries per request: see the note under that table.",
        ]
    )


def _machine(results: dict) -> str:
    machine = results["machine"]
    lines = [f"- {name}: {value}" for name, value in machine.items()]
    versions = ", ".join(f"{name} {version}" for name, version in results["versions"].items())
    return "\n".join([*lines, f"- Versions: {versions}"])


def _registers_table(results: dict) -> str:
    rows = [
        [
            f"{register['size']:,}",
            register["database"],
            f"{register['reports']:,}",
            "reused" if register["built_s"] is None else f"{register['built_s']:.0f} s",
        ]
        for register in results.get("registers", [])
    ]
    return _table(["companies", "database", "reports", "built in"], rows)


def _any_run(results: dict, key: str, *, phase: str = "main", size: int | None = None):
    size = results["settings"]["main_size"] if size is None else size
    for run in results.get("runs", []):
        if (run["key"], run["phase"], run["size"]) == (key, phase, size):
            return run
    return None


def _queries_text(results: dict, key: str, size: int) -> str:
    for row in results.get("queries", []):
        if row["key"] == key and row["size"] == size and row.get("page_size") in (None, 50):
            return " / ".join(str(n) for n in row["queries"])
    return "–"


def _status(run: dict) -> str:
    return f"{run['status']}: {run['note']}" if run.get("note") else run["status"]


def _path(run: dict) -> str:
    path = run["path"]
    return f"`{path if len(path) <= 60 else path[:57] + '...'}`"


def _number(value) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def _ms(value) -> str:
    return "–" if value is None else f"{value:.1f}"


def _times(value) -> str:
    return "–" if value is None else f"{value:.2f}×"


def _table(header: list[str], rows: list[list]) -> str:
    if not rows:
        return "Not measured in this run."
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += [
        "| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows
    ]
    return "\n".join(lines)
