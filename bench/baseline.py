"""The practical ceiling for Python: the companies list and a company straight from psycopg.

A bare WSGI app, served by gunicorn with the directory's own settings: one prepared
query per request on a connection kept by each worker, rows as dicts, orjson. It
answers `GET /companies/?page_size=N` with the published companies in the directory's
order (name, case-insensitively, then id), with the fields a list page shows; with
`country` (repeatable) and `q` (every word in the name, legal name or a description,
case-insensitively, as the directory's search) the matching ones, the match made first
and then sorted (a materialised CTE: the planner cannot walk the name index and filter
on the way); and `GET /companies/SLUG/` one published company.
"""

import os
from collections.abc import Callable
from urllib.parse import parse_qs, unquote

import orjson
import psycopg
from psycopg.rows import dict_row

MAX_PAGE_SIZE = 100
PREFIX = "/companies/"

COLUMNS = """c.slug, c.name, c.country, s.slug AS sector, s.name_en AS sector_name, c.status,
       c.resident_since, c.website, c.declared_investment::text AS declared_investment,
       c.realised_investment::text AS realised_investment, c.direct_jobs"""

QUERY = f"""
SELECT {COLUMNS}
FROM companies_company c JOIN companies_sector s ON s.id = c.sector_id
WHERE c.is_published
ORDER BY lower(c.name), c.id
LIMIT %s
"""

# The searched columns as one text, as the directory's SearchText writes it, so that its
# trigram index (with the country) serves the match.
SEARCH_TEXT = " || ' ' || ".join(
    f"COALESCE(c.{column}, '')"
    for column in ("name", "legal_name", "description_en", "description_ru", "description_zh_hans")
)
WORD_MATCH = f"UPPER(({SEARCH_TEXT})::text) LIKE UPPER(%(w{{n}})s)"

FILTERED = """
WITH matching AS MATERIALIZED (
    SELECT c.id FROM companies_company c
    WHERE c.is_published {conditions}
)
SELECT {columns}
FROM matching m JOIN companies_company c ON c.id = m.id
JOIN companies_sector s ON s.id = c.sector_id
ORDER BY lower(c.name), c.id
LIMIT %(limit)s
"""

DETAIL = f"""
SELECT {COLUMNS}, c.legal_name, c.description_en
FROM companies_company c JOIN companies_sector s ON s.id = c.sector_id
WHERE c.is_published AND c.slug = %s
"""


def make_app(connect: Callable[[], psycopg.Connection]):
    """The WSGI app; `connect` opens the database connection, lazily, in each worker."""
    kept: list[psycopg.Connection] = []

    def connection() -> psycopg.Connection:
        if not kept or kept[0].closed or kept[0].broken:
            kept[:] = [connect()]
        return kept[0]

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "")
        slug = unquote(path.removeprefix(PREFIX).removesuffix("/"))
        if path == PREFIX:
            return _list(environ, start_response)
        if path.startswith(PREFIX) and path.endswith("/") and slug and "/" not in slug:
            with connection().cursor(row_factory=dict_row) as cursor:
                row = cursor.execute(DETAIL, [slug]).fetchone()
            if row is not None:
                return _answer(start_response, "200 OK", row)
        return _answer(start_response, "404 Not Found", {"detail": "Not found."})

    def _list(environ, start_response):
        query = parse_qs(environ.get("QUERY_STRING", ""))
        try:
            page_size = int(query.get("page_size", ["50"])[0])
        except ValueError:
            page_size = 0
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            reason = f"page_size: a whole number from 1 to {MAX_PAGE_SIZE}."
            return _answer(start_response, "400 Bad Request", {"detail": reason})
        countries = query.get("country", [])
        words = " ".join(query.get("q", [])).split()
        with connection().cursor(row_factory=dict_row) as cursor:
            if not countries and not words:
                rows = cursor.execute(QUERY, [page_size]).fetchall()
            else:
                rows = cursor.execute(*filtered(countries, words, page_size)).fetchall()
        return _answer(start_response, "200 OK", {"results": rows})

    return app


def filtered(countries: list[str], words: list[str], limit: int) -> tuple[str, dict]:
    """The filtered list's query and its parameters."""
    values = {"countries": countries, "limit": limit}
    conditions = " AND c.country = ANY(%(countries)s)" if countries else ""
    for n, word in enumerate(words):
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        values[f"w{n}"] = f"%{escaped}%"
        conditions += " AND " + WORD_MATCH.format(n=n)
    return FILTERED.format(conditions=conditions, columns=COLUMNS), values


def _answer(start_response, status: str, payload: dict) -> list[bytes]:
    body = orjson.dumps(payload)
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


def _connect() -> psycopg.Connection:
    return psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)


application = make_app(_connect)
