"""Every URL distinct: the random searches and companies of the distinct-URL runs.

A path with DRAWN placeholders is written out once per draw into a file of paths, one a
line, which bench/wrk.lua reads and walks through, each thread its own share, so that
no two requests of a run ask for the same URL (until the file is used up) and nothing
kept can answer. The draws come from the register itself: a search is the country of
one random published company and a word of another's name (as a user who picks a
country and types a name they have seen: sometimes nothing matches), with a page size
from PAGE_SIZES to make each combination a URL of its own; a company is a random
published one. The same draws, in the same order, go to every server of a run.
"""

import random
import re
from pathlib import Path
from urllib.parse import quote

import psycopg

# Placeholders filled per request from the draws; {random_day} is wrk.lua's own.
SEARCH_FIELDS = ("country", "word", "page_size")
COMPANY_FIELDS = ("slug", "id")
DRAWN = {f"{{random_{name}}}" for name in (*SEARCH_FIELDS, *COMPANY_FIELDS)}
# Page sizes around the usual 50, so that each (country, word) pair gives many URLs.
PAGE_SIZES = range(41, 61)
# Name words worth typing: letters only (the synthetic names end in a serial number).
WORD = re.compile(r"[^\W\d_]{3,}")
# Where one request is made (probes, query counts): a search that matches.
SOME_SEARCH = {"country": "CN", "word": "Huaxin", "page_size": 50}


def drawn(path: str) -> bool:
    return any(placeholder in path for placeholder in DRAWN)


def kind(path: str) -> str:
    """`search` or `company`: which draws a path with DRAWN placeholders takes."""
    return "company" if any(f"{{random_{n}}}" in path for n in COMPANY_FIELDS) else "search"


def fill(path: str, draw: dict) -> str:
    """`path` with its placeholders replaced by the draw's values, URL-quoted."""
    for name, value in draw.items():
        path = path.replace(f"{{random_{name}}}", quote(str(value), safe=""))
    return path


def searches(database_url: str, *, count: int, seed: int = 0) -> list[dict]:
    """Up to `count` distinct searches (country, word, page size) drawn from the register."""
    rng = random.Random(seed)
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT country, name FROM companies_company WHERE is_published"
            " ORDER BY random() LIMIT %s",
            [min(count, 20_000)],
        ).fetchall()
    countries = [country for country, _ in rows]
    words = [word for _, name in rows for word in WORD.findall(name)]
    if not countries or not words:
        return []
    found: dict[tuple, dict] = {}
    for _ in range(count * 5):
        draw = {"country": rng.choice(countries), "word": rng.choice(words),
                "page_size": rng.choice(PAGE_SIZES)}  # fmt: skip
        found.setdefault(tuple(draw.values()), draw)
        if len(found) == count:
            break
    return list(found.values())


def companies(database_url: str, *, count: int) -> list[dict]:
    """Up to `count` distinct published companies (slug, id), in random order."""
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT slug, id FROM companies_company WHERE is_published ORDER BY random() LIMIT %s",
            [count],
        ).fetchall()
    return [{"slug": slug, "id": pk} for slug, pk in rows]


def write_paths(path_template: str, draws: list[dict], file: Path) -> int:
    """Write one path per draw into `file`; returns how many."""
    file.write_text("".join(fill(path_template, draw) + "\n" for draw in draws))
    return len(draws)
