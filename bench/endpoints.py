"""What the benchmark measures: one line per endpoint.

Paths may hold placeholders that the harness fills in for each register:
`{slug}` a published company from the middle of the register, `{deep_cursor}` the path
of a page far into the list, reached by following the API's cursor links (see CURSOR);
and `{random_day}`, which wrk replaces by a different day for every request (bench/wrk.lua),
so that no kept answer can serve it. The endpoints of the distinct-URL runs take
`{random_country}`, `{random_word}` and `{random_page_size}` (a search) or `{random_slug}`
and `{random_id}` (a company), drawn from the register for every request
(bench/draws.py).
"""

from dataclasses import dataclass

PARK, BASELINE, DATASETTE = "park", "baseline", "datasette"


@dataclass(frozen=True)
class Endpoint:
    """One URL to drive with load, on one of the servers of a run."""

    key: str
    label: str
    path: str
    server: str = PARK
    connections: int = 16
    # Measured at every register size of the growth runs.
    growth: bool = False
    # Its page size is a query parameter, so its query count is checked across sizes of it.
    paged: bool = False
    # Which peer measurement the Datasette ratio is taken against.
    peer: str = "datasette_list"
    # A whole-register export: timed one request at a time, with the worker's memory.
    export: bool = False
    # Measured in the distinct-URL runs (DISTINCT_SIZES), every request a URL of its own,
    # beside the peer of the same `pair` on the other servers.
    distinct: bool = False
    pair: str = ""


ENDPOINTS = [
    Endpoint("list_first", "Companies list, first page of 50",
             "/api/v1/companies/?page_size=50", growth=True, paged=True),
    Endpoint("list_deep", "Companies list, deep page by cursor", "{deep_cursor}"),
    Endpoint("list_search", "Companies list, filtered search",
             "/api/v1/companies/?country=CN&q=Huaxin&page_size=50", paged=True),
    Endpoint("detail", "Company detail", "/api/v1/companies/{slug}/", growth=True),
    Endpoint("stats", "Stats", "/api/v1/stats/", growth=True, peer="datasette_facet"),
    Endpoint("stats_as_of", "Stats as of 2024-01-01", "/api/v1/stats/?as_of=2024-01-01",
             peer="datasette_facet"),
    Endpoint("stats_country", "Stats, country=CN", "/api/v1/stats/?country=CN", growth=True,
             peer="datasette_facet"),
    Endpoint("stats_random_day", "Stats as of a random day",
             "/api/v1/stats/?as_of={random_day}", growth=True, peer="datasette_facet"),
    Endpoint("stats_random_day_country", "Stats as of a random day, country=CN",
             "/api/v1/stats/?as_of={random_day}&country=CN", growth=True,
             peer="datasette_facet"),
    Endpoint("countries", "Countries", "/api/v1/countries/", growth=True,
             peer="datasette_facet"),
    Endpoint("countries_random_day", "Countries as of a random day",
             "/api/v1/countries/?as_of={random_day}", growth=True, peer="datasette_facet"),
    Endpoint("list_random_day", "Companies list as of a random day, first page of 50",
             "/api/v1/companies/?as_of={random_day}&page_size=50", growth=True, paged=True),
    Endpoint("csv", "CSV export of the whole register", "/api/v1/companies/?format=csv",
             connections=1, export=True),
    Endpoint("home", "Home page", "/en/"),
    Endpoint("directory", "Directory page", "/en/companies/"),
    # Every URL distinct, side by side with the peers (the same draws for each server).
    Endpoint("list_filtered", "Companies list, a random country and name word",
             "/api/v1/companies/?country={random_country}&q={random_word}"
             "&page_size={random_page_size}", distinct=True, pair="filtered"),
    Endpoint("detail_random", "Company detail, a random company",
             "/api/v1/companies/{random_slug}/", distinct=True, pair="detail"),
    # The peers, served side by side in the same run.
    Endpoint("baseline_list", "Baseline: psycopg + orjson, first page of 50",
             "/companies/?page_size=50", server=BASELINE),
    Endpoint("datasette_list", "Datasette: first page of 50 (JSON objects)",
             "/park/companies.json?_size=50&_shape=objects", server=DATASETTE),
    Endpoint("datasette_facet", "Datasette: facet count by country",
             "/park/companies.json?_facet=country&_size=0", server=DATASETTE),
    Endpoint("baseline_filtered", "Baseline: a random country and name word (filtered first)",
             "/companies/?country={random_country}&q={random_word}"
             "&page_size={random_page_size}", server=BASELINE, distinct=True, pair="filtered"),
    Endpoint("baseline_detail", "Baseline: a random company", "/companies/{random_slug}/",
             server=BASELINE, distinct=True, pair="detail"),
    # Datasette's own table filter (a substring of the name) and its row page.
    Endpoint("datasette_filtered", "Datasette: a random country and name word",
             "/park/companies.json?country={random_country}&name__contains={random_word}"
             "&_size={random_page_size}&_shape=objects&_nocount=1", server=DATASETTE,
             distinct=True, pair="filtered"),
    Endpoint("datasette_detail", "Datasette: a random company",
             "/park/companies/{random_id}.json?_shape=objects", server=DATASETTE,
             distinct=True, pair="detail"),
]  # fmt: skip

# Register sizes of the distinct-URL runs (those of a run's sizes), and the draws of each:
# the warm-up takes its own, so that no measured URL was asked before.
DISTINCT_SIZES = (100_000, 1_000_000)
DISTINCT_DRAWS = 30_000
DISTINCT_WARMUP_DRAWS = 2_000


@dataclass(frozen=True)
class AfterWrite:
    """The first request of a page right after a write to the register, which makes every
    kept answer stale: what the first visitor after each change waits."""

    key: str
    label: str
    path: str


AFTER_WRITE = [
    AfterWrite("home", "Home page", "/en/"),
    AfterWrite("stats", "Stats", "/api/v1/stats/"),
    AfterWrite("stats_years", "Stats by year", "/api/v1/stats/years/"),
    AfterWrite("directory", "Directory page", "/en/companies/"),
]
# Writes per register size; each page's time is the median of its first requests.
AFTER_WRITE_REPEATS = 3


@dataclass(frozen=True)
class CursorWalk:
    """How to reach a page far into the companies list by cursor.

    The walk starts at `first_page`, takes the largest page size in `walk_page_sizes`
    that the API accepts, follows the `next` links (Link header or `next` in the body),
    which must carry `param`, until it is `depth` of the register deep or its time is up,
    and then asks for `page_size` rows from there."""

    first_page: str = "/api/v1/companies/?page_size={page_size}"
    param: str = "cursor"
    walk_page_sizes: tuple[int, ...] = (1000, 500, 200, 100, 50)
    page_size: int = 50
    depth: float = 0.5
    seconds: float = 20.0


CURSOR = CursorWalk()

# Register sizes at which the deep cursor page is compared with the first page.
DEEP_CURSOR_MIN_SIZE = 100_000


def by_key(key: str) -> Endpoint:
    return next(endpoint for endpoint in ENDPOINTS if endpoint.key == key)


def paired(endpoint: Endpoint, server: str) -> Endpoint:
    """The distinct-URL endpoint of `server` measured beside `endpoint`."""
    return next(
        e for e in ENDPOINTS if e.distinct and e.pair == endpoint.pair and e.server == server
    )
