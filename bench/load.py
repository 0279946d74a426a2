"""Driving the servers: wrk for load, plain HTTP for probes, exports and the cursor walk.

Every request carries `X-Forwarded-Proto: https`, as the TLS-terminating proxy in front
of a production deployment would, so that HTTPS-only settings answer rather than
redirect. Every loop here is bounded in time and in requests.
"""

import http.client
import json
import math
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bench.endpoints import CursorWalk

LINK = re.compile(r"<([^>]*)>((?:\s*;[^,;]*)*)")
REL = re.compile(r'rel\s*=\s*"?([^";]+)"?')
WRK_SCRIPT = Path(__file__).with_name("wrk.lua")
HEADERS = {"X-Forwarded-Proto": "https"}


class NotAvailable(Exception):
    """The endpoint cannot be measured (yet); the message says why."""


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def fetch(base_url: str, path: str, *, timeout: float = 60) -> Response:
    """One GET, without following redirects."""
    host, port = urlsplit(base_url).hostname, urlsplit(base_url).port
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request("GET", path, headers=HEADERS)
        response = connection.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        connection.close()


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


# In a path, replaced by a different day for every request (bench/wrk.lua).
RANDOM_DAY = "{random_day}"
# The day that stands for it where one request is made (probes, query counts).
SOME_DAY = "2019-06-30"


def one_day(path: str) -> str:
    """`path` with the random day, if any, replaced by one fixed day."""
    return path.replace(RANDOM_DAY, SOME_DAY)


def run_wrk(
    url: str,
    *,
    connections: int,
    seconds: float,
    max_requests: int,
    timeout: float = 10,
    paths: Path | None = None,
) -> dict:
    """Drive `url` for `seconds` (at most `max_requests`) on `connections` connections.

    A path holding RANDOM_DAY asks for a different day with every request. With `paths`
    (a file of paths, one a line: bench/draws.py), the requests take its paths in turn
    instead, on `url`'s server."""
    parts = urlsplit(url)
    template = parts.path + (f"?{parts.query}" if parts.query else "")
    threads = min(2, connections)
    script_args = [template] if RANDOM_DAY in template else []
    if paths is not None:
        script_args = [f"@{paths}", str(threads)]
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={max(1, round(timeout))}s",
        *(arg for name, value in HEADERS.items() for arg in ("-H", f"{name}: {value}")),
        "-s",
        str(WRK_SCRIPT),
        one_day(url),
        "--",
        str(math.ceil(max_requests / threads)),
        *script_args,
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + timeout + 30, check=True
    )
    return parse_wrk(done.stdout)


def parse_wrk(output: str) -> dict:
    """The figures of a run from the JSON line that bench/wrk.lua prints."""
    line = next((line for line in output.splitlines() if line.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no results:\n{output}")
    raw = json.loads(line.removeprefix("WRK_JSON "))
    seconds = raw["duration_us"] / 1e6
    requests = raw["requests"]
    socket_errors = sum(raw[k] for k in ("connect_errors", "read_errors", "write_errors"))
    socket_errors += raw["timeouts"]
    return {
        "requests": requests,
        "seconds": round(seconds, 2),
        "rps": round(requests / seconds, 1) if seconds else 0.0,
        "p50_ms": raw["p50_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["latency_max_us"] / 1000,
        "status_errors": raw["status_errors"],
        "socket_errors": socket_errors,
        "errors": raw["status_errors"] + socket_errors,
        "bytes_per_request": round(raw["bytes"] / requests) if requests else 0,
        "stopped_by_limit": raw["stopped_by_limit"],
    }


def time_export(base_url: str, path: str, *, exports: int, timeout: float) -> dict:
    """Download `path` `exports` times in a row, reading it in chunks as a client would."""
    seconds, sizes, first_bytes, statuses = [], [], [], []
    host, port = urlsplit(base_url).hostname, urlsplit(base_url).port
    for _ in range(exports):
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=HEADERS)
            response = connection.getresponse()
            first_bytes.append(time.perf_counter() - started)
            size = 0
            while chunk := response.read(1 << 16):
                size += len(chunk)
        finally:
            connection.close()
        seconds.append(time.perf_counter() - started)
        sizes.append(size)
        statuses.append(response.status)
    errors = sum(1 for status in statuses if status >= 400)
    return {
        "requests": exports,
        "seconds_each": [round(s, 2) for s in seconds],
        "median_s": round(sorted(seconds)[len(seconds) // 2], 2),
        "first_byte_s": round(min(first_bytes), 3),
        "bytes": max(sizes),
        "mib_per_s": round(max(sizes) / (1 << 20) / min(seconds), 1),
        "http_status": statuses[-1],
        "errors": errors,
    }


def find_deep_cursor(base_url: str, *, walk: CursorWalk, register_size: int) -> dict:
    """Follow the list's cursor links deep into the register; returns the path of a page
    of `walk.page_size` rows there, and how deep it is. Raises NotAvailable."""
    target = int(register_size * walk.depth)
    first = None
    for size in [n for n in walk.walk_page_sizes if n <= max(target, walk.page_size)]:
        response = fetch(base_url, walk.first_page.format(page_size=size))
        if response.status == 404:
            raise NotAvailable("the companies list answers 404")
        if response.status == 200:
            first = response
            break
    if first is None:
        raise NotAvailable("the companies list refuses every page size of the walk")
    rows, next_path = _page(first)
    depth = len(rows)
    if next_path is None:
        raise NotAvailable("the first page has no link to a next one")
    if walk.param not in dict(parse_qsl(urlsplit(next_path).query)):
        raise NotAvailable(f"the list's next link has no '{walk.param}' parameter: {next_path}")
    deadline = time.monotonic() + walk.seconds
    while depth < target and time.monotonic() < deadline:
        response = fetch(base_url, next_path)
        if response.status != 200:
            raise NotAvailable(f"following the next link answered {response.status}")
        rows, following = _page(response)
        if following is None:
            break
        depth, next_path = depth + len(rows), following
    return {"path": with_query(next_path, page_size=walk.page_size), "depth": depth}


def _page(response: Response) -> tuple[list, str | None]:
    try:
        body = json.loads(response.body)
    except ValueError as error:
        raise NotAvailable("the companies list does not answer JSON") from error
    rows = body.get("results", body.get("data")) if isinstance(body, dict) else body
    if not isinstance(rows, list):
        raise NotAvailable("the companies list has no list of results")
    link = _link_next(response.headers.get("Link", ""))
    if link is None and isinstance(body, dict):
        link = body.get("next") or (body.get("links") or {}).get("next")
    return rows, _relative(link) if link else None


def _link_next(header: str) -> str | None:
    """The `rel="next"` target of an RFC 8288 Link header."""
    for target, params in LINK.findall(header):
        rel = REL.search(params)
        if rel and "next" in rel.group(1).split():
            return target
    return None


def _relative(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("", "", parts.path, parts.query, ""))


def with_query(path: str, **params) -> str:
    """`path` with the given query parameters set (replacing any of the same name)."""
    parts = urlsplit(path)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update({name: str(value) for name, value in params.items()})
    return urlunsplit(("", "", parts.path, urlencode(query), ""))
