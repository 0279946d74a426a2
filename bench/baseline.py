"""The practical ceiling for Python: the companies list's first page straight from psycopg.

A bare WSGI app, served by gunicorn with the directory's own settings: one prepared
query per request on a connection kept by each worker, rows as dicts, orjson. It
answers `GET /companies/?page_size=N` with the published companies in the directory's
order (name, case-insensitively, then id), with the fields a list page shows.
"""

import os
from collections.abc import Callable
from urllib.parse import parse_qs

import orjson
import psycopg
from psycopg.rows import dict_row

MAX_PAGE_SIZE = 100

QUERY = """
SELECT c.slug, c.name, c.country, s.slug AS sector, s.name_en AS sector_name, c.status,
       c.resident_since, c.website, c.declared_investment::text AS declared_investment,
       c.realised_investment::text AS realised_investment, c.direct_jobs
FROM companies_company c JOIN companies_sector s ON s.id = c.sector_id
WHERE c.is_published
ORDER BY lower(c.name), c.id
LIMIT %s
"""


def make_app(connect: Callable[[], psycopg.Connection]):
    """The WSGI app; `connect` opens the database connection, lazily, in each worker."""
    kept: list[psycopg.Connection] = []

    def connection() -> psycopg.Connection:
        if not kept or kept[0].closed or kept[0].broken:
            kept[:] = [connect()]
        return kept[0]

    def app(environ, start_response):
        if environ.get("PATH_INFO") != "/companies/":
            return _answer(start_response, "404 Not Found", {"detail": "Not found."})
        query = parse_qs(environ.get("QUERY_STRING", ""))
        try:
            page_size = int(query.get("page_size", ["50"])[0])
        except ValueError:
            page_size = 0
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            reason = f"page_size: a whole number from 1 to {MAX_PAGE_SIZE}."
            return _answer(start_response, "400 Bad Request", {"detail": reason})
        with connection().cursor(row_factory=dict_row) as cursor:
            rows = cursor.execute(QUERY, [page_size]).fetchall()
        return _answer(start_response, "200 OK", {"results": rows})

    return app


def _answer(start_response, status: str, payload: dict) -> list[bytes]:
    body = orjson.dumps(payload)
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


def _connect() -> psycopg.Connection:
    return psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)


application = make_app(_connect)
