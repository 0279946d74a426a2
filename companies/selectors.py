"""Reads that compute the register's figures.

Amounts are US dollars (`Decimal`), jobs are headcounts. A figure of a company as of a
day is the value in its latest report dated on or before that day that has the figure;
the park's totals as of a day sum those figures over the companies resident on that day.
Everything here runs as SQL, on PostgreSQL and SQLite alike.

The park's totals come from the figure ledger (models.FigureChange, FigureSnapshot): the
snapshot of the day's week plus the changes of the days since, a few hundred rows
whatever the register's size. With filters the ledger cannot answer (search, ranges),
they are computed from the reports of the matching companies (`*_from_reports`, which
are also the reference the tests hold the ledger to).
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.db import connection, connections, router
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear, NullIf
from django.utils import timezone
from django.utils.translation import get_language
from modeltranslation import settings as mt_settings
from modeltranslation.utils import build_localized_fieldname

from .models import (
    Claim,
    Company,
    CompanyRemoval,
    FigureChange,
    FigureSnapshot,
    RegisterRevision,
    Report,
    Sector,
)

FIGURES = ("declared_investment", "realised_investment", "direct_jobs")
MONEY_FIGURES = ("declared_investment", "realised_investment")
# The languages translations are entered in, besides the default one that they fall back to.
TRANSLATED_LANGUAGES = tuple(
    language
    for language in mt_settings.AVAILABLE_LANGUAGES
    if language != mt_settings.DEFAULT_LANGUAGE
)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ParkTotals:
    """The park's headline figures as of a day."""

    as_of: date
    companies: int
    countries: int
    declared_investment: Decimal
    realised_investment: Decimal
    direct_jobs: int


@dataclass(frozen=True)
class FigureCheck:
    """One figure of a claim beside the register's own value."""

    figure: str
    stated: int | Decimal
    qualifier: str
    register: int | Decimal
    agrees: bool


@dataclass(frozen=True)
class ClaimCheck:
    """A claim, the register's totals as of its date, and whether they agree."""

    claim: Claim
    totals: ParkTotals
    figures: list[FigureCheck]

    @property
    def agrees(self) -> bool:
        return all(check.agrees for check in self.figures)


def _reports_with(*, figure: str, day: date) -> QuerySet:
    # A company's reports with `figure` up to `day`, the latest first.
    return Report.objects.filter(
        company=OuterRef("pk"), reported_on__lte=day, **{f"{figure}__isnull": False}
    ).order_by("-reported_on")


def figure_as_of(*, figure: str, day: date, column: str | None = None) -> Subquery:
    """A company's `figure` as of `day`: a subquery over its reports, None if never reported.

    With `column` (`reported_on`, `source_en`, ...), that column of the report the figure
    comes from instead of its value; `source`: the report's source in the active language."""
    return _latest(_reports_with(figure=figure, day=day), column or figure)


def _latest(reports: QuerySet, column: str) -> Subquery:
    # The column of the first of `reports`; `source` in the active language.
    if column == "source":
        reports, column = reports.annotate(local_source=localised("source")), "local_source"
    return Subquery(reports.values(column)[:1])


def source_copies(figure: str) -> dict[str, str]:
    """The company's columns that copy the source of the report its `figure` comes from,
    each with the report's column it copies: the English source, then its translations."""
    copies = {
        f"{figure}_source": build_localized_fieldname("source", mt_settings.DEFAULT_LANGUAGE)
    }
    for language in TRANSLATED_LANGUAGES:
        copies[build_localized_fieldname(f"{figure}_source", language)] = (
            build_localized_fieldname("source", language)
        )
    return copies


def companies_with_figures_as_of(*, companies: QuerySet, day: date) -> QuerySet:
    """Annotate each company with its figures as of `day` and where they come from.

    For every figure: `<figure>_as_of` (USD or headcount, None if never reported by then),
    `<figure>_as_of_reported_on` (the date of the report it comes from) and
    `<figure>_as_of_source` (that report's source; both None without the figure); and
    `status_as_of`: `exited` if the company exited on or before `day`, `resident` if its
    residence had begun by then, else None (applicants, and companies not yet resident,
    are in today's register only). The names differ from the derived columns
    (`<figure>_reported_on`, ...), which always hold today's provenance.

    For today the derived columns answer without touching the reports; for a past day
    each annotation is a subquery per company, which a database evaluates only for the
    rows it returns (a page), unless a filter or the ordering needs it."""
    if day >= timezone.localdate():
        annotations = {"status_as_of": F("status")}
        for figure in FIGURES:
            annotations[f"{figure}_as_of"] = F(figure)
            annotations[f"{figure}_as_of_reported_on"] = F(f"{figure}_reported_on")
            annotations[f"{figure}_as_of_source"] = localised(
                f"{figure}_source", default=f"{figure}_source"
            )
        return companies.annotate(**annotations)
    annotations = {"status_as_of": _status_as_of(day)}
    for figure in FIGURES:
        # One filtered queryset per figure for its three columns: building it is most of
        # what a list as of a day costs in Python.
        reports = _reports_with(figure=figure, day=day)
        for suffix, column in (
            ("", figure),
            ("_reported_on", "reported_on"),
            ("_source", "source"),
        ):
            annotations[f"{figure}_as_of{suffix}"] = _latest(reports, column)
    return companies.annotate(**annotations)


def _status_as_of(day: date) -> Case:
    return Case(
        When(exited_on__lte=day, then=Value(Company.Status.EXITED.value)),
        When(resident_since__lte=day, then=Value(Company.Status.RESIDENT.value)),
        default=None,
        output_field=CharField(),
    )


def companies_registered_as_of(*, companies: QuerySet, day: date) -> QuerySet:
    """The register as of `day`: of `companies`, those whose residence had begun by then
    (every company, applicants included, for today), annotated as by
    `companies_with_figures_as_of`."""
    if day < timezone.localdate():
        companies = companies.filter(resident_since__lte=day)
    return companies_with_figures_as_of(companies=companies, day=day)


def registered_at_most(*, day: date, most: int) -> bool:
    """Whether at most `most` companies (drafts too) had their residence begun by `day`:
    counted up to `most` + 1 on the residence index, so in bounded time whatever the
    register's size. In plain SQL: building the ORM's query cost more than running it."""
    sql = (
        f"SELECT COUNT(*) FROM (SELECT 1 FROM {Company._meta.db_table}"
        " WHERE resident_since <= %s LIMIT %s) begun"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [day, most + 1])
        (count,) = cursor.fetchone()
    return count <= most


def _with_figures_from_reports(*, companies: QuerySet, day: date) -> QuerySet:
    return companies.annotate(
        **{f"{figure}_as_of": figure_as_of(figure=figure, day=day) for figure in FIGURES}
    )


def companies_with_figures_in(*, companies: QuerySet, day: date, ranges: dict) -> QuerySet:
    """`companies` whose figures as of `day` lie in `ranges` ({figure: slice(min, max)},
    either end None for open, inclusive)."""
    if not ranges:
        return companies
    conditions = {}
    for figure, bounds in ranges.items():
        if bounds.start is not None:
            conditions[f"{figure}_as_of__gte"] = bounds.start
        if bounds.stop is not None:
            conditions[f"{figure}_as_of__lte"] = bounds.stop
    within = companies_with_figures_as_of(companies=companies, day=day).filter(**conditions)
    return companies.filter(pk__in=within.values("pk"))


def _with_figure_values_as_of(*, companies: QuerySet, day: date) -> QuerySet:
    # Totals need the values only.
    if day >= timezone.localdate():
        return companies.annotate(**{f"{figure}_as_of": F(figure) for figure in FIGURES})
    return _with_figures_from_reports(companies=companies, day=day)


def company_figures_as_of(*, company_id: int, day: date) -> dict:
    """One company's figures as of `day`, always from its reports (USD and headcount)."""
    row = (
        _with_figures_from_reports(companies=Company.objects.filter(pk=company_id), day=day)
        .values(*(f"{figure}_as_of" for figure in FIGURES))
        .first()
    )
    return {figure: row[f"{figure}_as_of"] if row else None for figure in FIGURES}


def company_figure_columns_as_of(*, company_id: int, day: date) -> dict:
    """The derived columns of a company as of `day`, from its reports, in one query: per
    figure its value (USD, headcount), `<figure>_reported_on` and `<figure>_source` with
    its translations (source_copies)."""
    return companies_figure_columns_as_of(company_ids=[company_id], day=day)[company_id]


def companies_figure_columns_as_of(*, company_ids: list[int], day: date) -> dict[int, dict]:
    """`company_figure_columns_as_of` of each of these companies, in one query."""
    found = {}
    for company_id in company_ids:
        found[company_id] = {}
        for figure in FIGURES:
            found[company_id].update({figure: None, f"{figure}_reported_on": None})
            found[company_id].update(dict.fromkeys(source_copies(figure)))
    sources = source_copies(FIGURES[0]).values()
    reports = (
        Report.objects.filter(company_id__in=company_ids, reported_on__lte=day)
        .order_by("company_id", "-reported_on")
        .values("company_id", "reported_on", *sources, *FIGURES)
    )
    for report in reports:
        columns = found[report["company_id"]]
        for figure in FIGURES:
            if report[figure] is not None and columns[f"{figure}_reported_on"] is None:
                columns[figure] = report[figure]
                columns[f"{figure}_reported_on"] = report["reported_on"]
                for copy, source in source_copies(figure).items():
                    columns[copy] = report[source]
    return found


def _totals_aggregates() -> dict:
    money = DecimalField(max_digits=20, decimal_places=2)
    return {
        "companies": Count("pk"),
        "countries": Count("country", distinct=True),
        "declared_investment": Coalesce(
            Sum("declared_investment_as_of"), Value(Decimal(0)), output_field=money
        ),
        "realised_investment": Coalesce(
            Sum("realised_investment_as_of"), Value(Decimal(0)), output_field=money
        ),
        "direct_jobs": Coalesce(Sum("direct_jobs_as_of"), Value(0), output_field=IntegerField()),
    }


def _with_cents(row: dict) -> dict:
    # SQLite sums decimals as floats; PostgreSQL keeps the scale. Both answer in cents.
    for figure in MONEY_FIGURES:
        row[figure] = Decimal(row[figure]).quantize(CENT)
    return row


def _residents_with_figures(*, companies: QuerySet | None, day: date) -> QuerySet:
    if companies is None:
        companies = Company.objects.published()
    return _with_figure_values_as_of(companies=companies.resident_on(day), day=day)


def park_totals_from_reports(*, as_of: date, companies: QuerySet | None = None) -> ParkTotals:
    """The park's totals as of a day over `companies` (default: published), from their
    reports: a correlated subquery per company and figure, so in proportion to them."""
    day = as_of
    row = _residents_with_figures(companies=companies, day=day).aggregate(**_totals_aggregates())
    return ParkTotals(as_of=day, **_with_cents(row))


GROUPS = {"country": "country", "sector": "sector__slug"}


def park_totals_by_from_reports(
    *, group: str, as_of: date, companies: QuerySet | None = None
) -> list[dict]:
    """The totals as of a day over `companies` (default: published) grouped by `country`
    or `sector`, largest first, from their reports.

    Each row holds the group key (country code or sector slug) and the totals' fields."""
    day = as_of
    key = GROUPS[group]
    rows = (
        _residents_with_figures(companies=companies, day=day)
        .values(key)
        .annotate(**_totals_aggregates())
        .order_by("-companies", key)
    )
    return [{group: row.pop(key), **_with_cents(row)} for row in rows]


def park_totals_by_year_from_reports(
    *, until: date, companies: QuerySet | None = None
) -> list[dict]:
    """`park_totals_by_year` over `companies` (default: published), from their reports.

    Three queries: the year-end totals are running sums of the changes by year (see
    `_changes_by_year`), in one pass over the companies' reports."""
    day = until
    if companies is None:
        companies = Company.objects.published()
    joined = _count_by_year_and_country(companies=companies, field="resident_since", day=day)
    exited = _count_by_year_and_country(companies=companies, field="exited_on", day=day)
    if not joined:
        return []
    changes = _changes_by_year(companies=companies, day=day)
    residents = Counter()  # by country
    totals = dict.fromkeys(FIGURES, 0)
    series = []
    for year in range(min(joined), day.year + 1):
        residents.update(joined.get(year, {}))
        residents.subtract(exited.get(year, {}))
        for figure, change in changes.get(year, {}).items():
            totals[figure] += change
        series.append(
            {
                "year": year,
                "joined": joined.get(year, Counter()).total(),
                "exited": exited.get(year, Counter()).total(),
                "as_of": min(date(year, 12, 31), day),
                "companies": residents.total(),
                "countries": sum(1 for count in residents.values() if count),
                **_with_cents(dict(totals)),
            }
        )
    return series


def _count_by_year_and_country(
    *, companies: QuerySet, field: str, day: date
) -> dict[int, Counter]:
    """By year, how many of `companies` reached `field` that year, by country."""
    rows = (
        companies.filter(**{f"{field}__lte": day})
        .annotate(year=ExtractYear(field))
        .values("year", "country")
        .annotate(count=Count("pk"))
        .order_by()
    )
    by_year: dict[int, Counter] = {}
    for row in rows:
        by_year.setdefault(row["year"], Counter())[row["country"]] = row["count"]
    return by_year


def _changes_by_year(*, companies: QuerySet, day: date) -> dict[int, dict]:
    """By year, how much the park's total of each figure changed, up to `day`.

    A company's figure is the sum of its reports' changes to it (a report's value less
    the company's previous value of that figure; a report without the figure changes
    nothing). A change counts for the park from when both the report and the company's
    residence had begun, and is taken back in the year the company exits if it counted
    by then. One pass over the reports, for every year at once."""
    report, company = Report._meta.db_table, Company._meta.db_table
    among, among_params = companies.values("pk").query.sql_with_params()
    start_year, start_year_params = connection.ops.date_extract_sql("year", "start", ())
    exit_year, exit_year_params = connection.ops.date_extract_sql("year", "exited_on", ())
    # Partitioned by whether the figure is there, LAG reads the previous report that has it.
    changes = ", ".join(
        f"r.{figure} - LAG(r.{figure}, 1, 0) OVER (PARTITION BY r.company_id, "
        f"r.{figure} IS NULL ORDER BY r.reported_on) AS {figure}"
        for figure in FIGURES
    )
    sums = ", ".join(f"SUM({figure})" for figure in FIGURES)
    taken_back = ", ".join(f"-SUM({figure})" for figure in FIGURES)
    sql = f"""
        WITH changes AS (
            SELECT {changes},
                   CASE WHEN r.reported_on > c.resident_since THEN r.reported_on
                        ELSE c.resident_since END AS start,
                   c.exited_on
            FROM {report} r JOIN {company} c ON c.id = r.company_id
            WHERE c.id IN ({among})
        )
        SELECT {start_year}, {sums} FROM changes
        WHERE start <= %s AND (exited_on IS NULL OR start < exited_on)
        GROUP BY 1
        UNION ALL
        SELECT {exit_year}, {taken_back} FROM changes
        WHERE exited_on <= %s AND start < exited_on
        GROUP BY 1
    """
    by_year: dict[int, dict] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*among_params, *start_year_params, day, *exit_year_params, day])
        for year, *sums_of_year in cursor.fetchall():
            year_changes = by_year.setdefault(int(year), dict.fromkeys(FIGURES, 0))
            for figure, change in zip(FIGURES, sums_of_year, strict=True):
                year_changes[figure] += change or 0
    return by_year


# --- The figure ledger ----------------------------------------------------------------

# What a ledger row adds up: residences begun and ended, and the residents' figures.
LEDGER_FIELDS = ("joined", "exited", *FIGURES)
LEDGER_GROUP = ("country", "sector_id", "is_published")
WEEK = timedelta(days=7)
# Before any date of the register: where a sum "since the last snapshot" starts without one.
LEDGER_FLOOR = date(1900, 1, 1)


def ledger_period(day: date) -> date:
    """The first day of the ledger's period that holds `day`: its week's Monday.

    A week bounds what a total reads beyond its snapshot (at most six days of changes),
    and a report dated years back updates one group's snapshot per week since."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Among:
    """Which companies the ledger's totals are over: the published ones (every one with
    `drafts`) from any of `countries` (ISO codes), of any of `sectors` (ids), with any of
    `statuses` as of the day; an empty tuple restricts nothing."""

    drafts: bool = False
    countries: tuple[str, ...] = ()
    sectors: tuple[int, ...] = ()
    statuses: tuple[str, ...] = ()

    @property
    def residents_excluded(self) -> bool:
        # A resident on a day has the status "resident" as of that day.
        return bool(self.statuses) and Company.Status.RESIDENT not in self.statuses

    def where(self, alias: str) -> tuple[str, list]:
        """The SQL condition on ledger rows `alias` for these companies, and its params."""
        conditions, params = ["1 = 1"], []
        if not self.drafts:
            conditions.append(f"{alias}.is_published = %s")
            params.append(True)
        for column, values in (("country", self.countries), ("sector_id", self.sectors)):
            if values:
                conditions.append(f"{alias}.{column} IN ({', '.join(['%s'] * len(values))})")
                params.extend(values)
        return " AND ".join(conditions), params


def ledger_changes_sql(*, company_ids: list[int] | None = None) -> tuple[str, list]:
    """SQL of the ledger changes that companies make (all, or `company_ids`), by day and
    group (`LEDGER_GROUP`), with the columns of FigureChange in its order, and its params.

    A residence adds one to `joined` on its first day and one to `exited` on its exit.
    A report changes a figure by its value less the company's previous value of it (a
    report without the figure changes nothing); the change counts from the day both the
    report and the residence have begun, and is taken back on the exit if it counted by
    then. Summed over days up to D, these give the residents' totals as of D."""
    report, company = Report._meta.db_table, Company._meta.db_table
    among, reported_among, params, reported_params = "", "", [], []
    if company_ids is not None and not company_ids:
        among, reported_among = "AND 1 = 0", "AND 1 = 0"
    elif company_ids is not None:
        # The range as well as the list, so that reports are read by their company's index
        # even when the planner's statistics lag behind a bulk load.
        listed = ", ".join(["%s"] * len(company_ids))
        among = f"AND c.id BETWEEN %s AND %s AND c.id IN ({listed})"
        reported_among = f"AND r.company_id BETWEEN %s AND %s AND r.company_id IN ({listed})"
        params = [min(company_ids), max(company_ids), *company_ids]
        reported_params = params
    # Partitioned by whether the figure is there, LAG reads the previous report that has it.
    deltas = ", ".join(
        f"r.{figure} - LAG(r.{figure}, 1, 0) OVER (PARTITION BY r.company_id, "
        f"r.{figure} IS NULL ORDER BY r.reported_on) AS {figure}"
        for figure in FIGURES
    )
    group = ", ".join(LEDGER_GROUP)
    figures = ", ".join(FIGURES)
    taken_back = ", ".join(f"-{figure}" for figure in FIGURES)
    no_figures = ", ".join("0" for _ in FIGURES)
    sums = ", ".join(f"COALESCE(SUM({field}), 0)" for field in LEDGER_FIELDS)
    sql = f"""
        WITH reported AS (
            SELECT {deltas},
                   CASE WHEN r.reported_on > c.resident_since THEN r.reported_on
                        ELSE c.resident_since END AS start,
                   c.exited_on, c.country, c.sector_id, c.is_published
            FROM {report} r JOIN {company} c ON c.id = r.company_id
            WHERE c.resident_since IS NOT NULL {among} {reported_among}
        ),
        events (day, {group}, {", ".join(LEDGER_FIELDS)}) AS (
            SELECT start, {group}, 0, 0, {figures} FROM reported
            WHERE exited_on IS NULL OR start < exited_on
            UNION ALL
            SELECT exited_on, {group}, 0, 0, {taken_back} FROM reported
            WHERE start < exited_on
            UNION ALL
            SELECT resident_since, {group}, 1, 0, {no_figures} FROM {company} c
            WHERE resident_since IS NOT NULL {among}
            UNION ALL
            SELECT exited_on, {group}, 0, 1, {no_figures} FROM {company} c
            WHERE exited_on IS NOT NULL AND resident_since IS NOT NULL {among}
        )
        SELECT day, {group}, {sums} FROM events GROUP BY day, {group}
    """
    return sql, [*params, *reported_params, *params, *params]


def companies_ledger_changes(*, company_ids: list[int]) -> dict[tuple, tuple]:
    """The ledger changes that these companies make now, from their rows and reports:
    {(day, country, sector id, published): (joined, exited, declared, realised, jobs)}."""
    if not company_ids:
        return {}
    sql, params = ledger_changes_sql(company_ids=company_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            (_day(day), country, sector, bool(published)): tuple(
                _ledger_change(field, value)
                for field, value in zip(LEDGER_FIELDS, values, strict=True)
            )
            for day, country, sector, published, *values in cursor.fetchall()
        }


def _ledger_change(field: str, value):
    # Amounts in cents, so that a change undone elsewhere leaves exactly zero (SQLite
    # answers decimals as floats).
    if field in MONEY_FIGURES:
        return value if isinstance(value, Decimal) else Decimal(str(value)).quantize(CENT)
    return int(value)


def ledger_changes_of_values(*, companies: list[tuple[dict, list[dict]]]) -> dict[tuple, tuple]:
    """The ledger changes of companies given as field values (attnames) with their
    reports' values, as `companies_ledger_changes` reads them from the rows: for bulk
    loads, which have the values at hand and should not read back what they wrote."""
    changes: dict[tuple, list] = {}

    def add(day: date, group: tuple, values) -> None:
        row = changes.setdefault((day, *group), [0] * len(LEDGER_FIELDS))
        for i, value in enumerate(values):
            row[i] += value

    for company, reports in companies:
        since, exited = company.get("resident_since"), company.get("exited_on")
        if since is None:
            continue
        group = (company["country"], company["sector_id"], bool(company["is_published"]))
        add(since, group, (1, 0, *([0] * len(FIGURES))))
        if exited is not None:
            add(exited, group, (0, 1, *([0] * len(FIGURES))))
        previous = dict.fromkeys(FIGURES, 0)
        for report in sorted(reports, key=lambda report: report["reported_on"]):
            deltas = []
            for figure in FIGURES:
                value = report.get(figure)
                deltas.append(0 if value is None else value - previous[figure])
                if value is not None:
                    previous[figure] = value
            start = max(report["reported_on"], since)
            if exited is None or start < exited:
                add(start, group, (0, 0, *deltas))
            if exited is not None and start < exited:
                add(exited, group, (0, 0, *(-delta for delta in deltas)))
    return {key: tuple(row) for key, row in changes.items()}


def _day(value) -> date:
    # SQLite answers a computed date as text.
    return value if isinstance(value, date) else date.fromisoformat(value)


def _ledger_sums(
    *, days: list[date], among: Among, by_sector: bool = True
) -> list[dict[tuple[str, str | None], list]]:
    """For each of `days`, the ledger's sums (`LEDGER_FIELDS`) by (country, sector slug),
    or by (country, None) without `by_sector` (fewer rows, when no total is by sector).

    One query: for each day, the latest snapshot on or before it plus the changes dated
    from that snapshot's period to the day. Its cost is bounded by the number of groups
    (countries x sectors x published) and the days of a week, not by the register."""
    snapshot, change = FigureSnapshot._meta.db_table, FigureChange._meta.db_table
    sector = Sector._meta.db_table
    where_s, params_s = among.where("s")
    where_c, params_c = among.where("c")
    values = ", ".join("(%s, %s)" for _ in days)
    fields = {alias: ", ".join(f"{alias}.{f} AS {f}" for f in LEDGER_FIELDS) for alias in "sc"}
    sums = ", ".join(f"SUM(part.{f})" for f in LEDGER_FIELDS)
    if by_sector:
        slug, join = "sector.slug", f"JOIN {sector} sector ON sector.id = part.sector_id"
        group = "part.n, part.country, sector.slug"
    else:
        slug, join, group = "NULL", "", "part.n, part.country"
    # The snapshot's and the changes' rows are summed together: one row per day and
    # group for Python to convert.
    sql = f"""
        WITH days (n, day) AS (VALUES {values}),
        at AS (
            SELECT n, day, (SELECT MAX(period) FROM {snapshot} WHERE period <= days.day) AS period
            FROM days
        )
        SELECT part.n, part.country, {slug}, {sums}
        FROM (
            SELECT at.n AS n, s.country AS country, s.sector_id AS sector_id, {fields["s"]}
            FROM at JOIN {snapshot} s ON s.period = at.period
            WHERE {where_s}
            UNION ALL
            SELECT at.n, c.country, c.sector_id, {fields["c"]}
            FROM at JOIN {change} c ON c.day <= at.day AND c.day >= COALESCE(at.period, %s)
            WHERE {where_c}
        ) part
        {join}
        GROUP BY {group}
    """
    params = [value for n, day in enumerate(days) for value in (n, day)]
    by_day: list[dict[tuple[str, str | None], list]] = [{} for _ in days]
    convert = [_ledger_converter(field) for field in LEDGER_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *params_s, LEDGER_FLOOR, *params_c])
        for n, country, slug, *sums_of_group in cursor.fetchall():
            by_day[n][country, slug] = [
                to(value or 0) for to, value in zip(convert, sums_of_group, strict=True)
            ]
    return by_day


def _ledger_converter(field: str):
    """How a ledger sum becomes what Python counts in: amounts Decimal, counts int.
    PostgreSQL sums bigints as numeric; SQLite sums decimals as floats, which Decimal
    keeps exactly until the totals are rounded to cents."""
    return Decimal if field in MONEY_FIGURES else int


def _totals_of(groups: list[list]) -> dict:
    """Totals of ledger sums by (country, sector): residents, countries, figures in cents."""
    residents_by_country: Counter = Counter()
    totals = dict.fromkeys(FIGURES, 0)
    for (country, _sector), (joined, exited, *figures) in groups:
        residents_by_country[country] += joined - exited
        for figure, value in zip(FIGURES, figures, strict=True):
            totals[figure] += value
    return {
        "companies": residents_by_country.total(),
        "countries": sum(1 for count in residents_by_country.values() if count > 0),
        **_with_cents(totals),
    }


def park_totals(
    *, as_of: date | None = None, among: Among | None = None, companies: QuerySet | None = None
) -> ParkTotals:
    """The park's totals as of a day (default today): residents on that day, their
    countries, declared and realised investment (USD) and direct jobs.

    Over `among` (default: the published companies) from the ledger, in one query
    whatever the register's size; over `companies` (other filters) from their reports."""
    day = as_of or timezone.localdate()
    if companies is not None:
        return park_totals_from_reports(as_of=day, companies=companies)
    among = among or Among()
    groups = [] if among.residents_excluded else _ledger_sums(days=[day], among=among)[0].items()
    return ParkTotals(as_of=day, **_totals_of(list(groups)))


def park_totals_on(*, days: Iterable[date]) -> dict[date, ParkTotals]:
    """The published register's totals as of each of `days`, as park_totals gives them,
    from one ledger query."""
    days = sorted(days)
    if not days:
        return {}
    sums = _ledger_sums(days=days, among=Among(), by_sector=False)
    return {
        day: ParkTotals(as_of=day, **_totals_of(list(of_day.items())))
        for day, of_day in zip(days, sums, strict=True)
    }


def park_totals_by(
    *,
    group: str,
    as_of: date | None = None,
    among: Among | None = None,
    companies: QuerySet | None = None,
) -> list[dict]:
    """The totals as of a day (default today) grouped by `country` or `sector`, the
    groups with residents only, largest first.

    Each row holds the group key (country code or sector slug) and the totals' fields.
    Over `among` from the ledger (one query), over `companies` from their reports."""
    day = as_of or timezone.localdate()
    if companies is not None:
        return park_totals_by_from_reports(group=group, as_of=day, companies=companies)
    among = among or Among()
    if among.residents_excluded:
        return []
    return _totals_by(_ledger_sums(days=[day], among=among)[0], group=group)


def _totals_by(sums: dict[tuple[str, str], list], *, group: str) -> list[dict]:
    by_key: dict[str, list] = {}
    position = 0 if group == "country" else 1
    for key, sums_of_group in sums.items():
        by_key.setdefault(key[position], []).append((key, sums_of_group))
    rows = [{group: key, **_totals_of(groups)} for key, groups in by_key.items()]
    rows = [row for row in rows if row["companies"] > 0]
    return sorted(rows, key=lambda row: (-row["companies"], row[group]))


def park_overview(*, as_of: date | None = None) -> dict:
    """The published register as of a day (default today): `totals` as park_totals gives
    them, `by_country` and `by_sector` as park_totals_by does, from one ledger query."""
    day = as_of or timezone.localdate()
    sums = _ledger_sums(days=[day], among=Among())[0]
    return {
        "totals": ParkTotals(as_of=day, **_totals_of(list(sums.items()))),
        "by_country": _totals_by(sums, group="country"),
        "by_sector": _totals_by(sums, group="sector"),
    }


def park_countries(
    *, as_of: date | None = None, among: Among | None = None, companies: QuerySet | None = None
) -> list[dict]:
    """The countries listed for a day (default today): those of the residents on that day,
    each with its totals as in `park_totals_by`, largest first. A country without a
    resident that day is not listed; the API's countries/ and the countries page both
    list these."""
    return park_totals_by(group="country", as_of=as_of, among=among, companies=companies)


def park_totals_by_year(
    *, until: date | None = None, among: Among | None = None, companies: QuerySet | None = None
) -> list[dict]:
    """For each year since the first resident: the totals at the year's end (or at `until`
    in its last year), and how many companies joined and exited that year.

    Over `among` from the ledger in two queries (the first residence, then every year's
    end at once); over `companies` from their reports."""
    day = until or timezone.localdate()
    if companies is not None:
        return park_totals_by_year_from_reports(until=day, companies=companies)
    among = among or Among()
    first = None if among.residents_excluded else _ledger_first_residence(among=among)
    if first is None or first > day:
        return []
    ends = [min(date(year, 12, 31), day) for year in range(first.year, day.year + 1)]
    series, joined_before, exited_before = [], 0, 0
    sums = _ledger_sums(days=ends, among=among, by_sector=False)
    for end, groups in zip(ends, sums, strict=True):
        joined = sum(sums[0] for sums in groups.values())
        exited = sum(sums[1] for sums in groups.values())
        series.append(
            {
                "year": end.year,
                "joined": joined - joined_before,
                "exited": exited - exited_before,
                "as_of": end,
                **_totals_of(list(groups.items())),
            }
        )
        joined_before, exited_before = joined, exited
    return series


def _ledger_first_residence(*, among: Among) -> date | None:
    where, params = among.where("c")
    sql = f"SELECT MIN(c.day) FROM {FigureChange._meta.db_table} c WHERE c.joined > 0 AND {where}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (first,) = cursor.fetchone()
    return None if first is None else _day(first)


def claim_check(*, claim: Claim, totals: ParkTotals | None = None) -> ClaimCheck:
    """Compare a claim's stated figures with the published register as of its date."""
    totals = totals or park_totals(as_of=claim.claimed_on)
    checks = []
    for figure in Claim.FIGURES:
        stated = getattr(claim, figure)
        if stated is None:
            continue
        qualifier = getattr(claim, f"{figure}_qualifier")
        register = getattr(totals, figure)
        checks.append(
            FigureCheck(
                figure=figure,
                stated=stated,
                qualifier=qualifier,
                register=register,
                agrees=_agrees(register=register, stated=stated, qualifier=qualifier),
            )
        )
    return ClaimCheck(claim=claim, totals=totals, figures=checks)


def claims_checked(*, claims: QuerySet | None = None) -> list[ClaimCheck]:
    """Check each claim (default: the published ones): two queries, the claims and the
    totals as of all their dates at once."""
    if claims is None:
        claims = Claim.objects.filter(is_published=True)
    claims = list(claims)
    totals = park_totals_on(days={claim.claimed_on for claim in claims})
    return [claim_check(claim=claim, totals=totals[claim.claimed_on]) for claim in claims]


def _agrees(*, register, stated, qualifier: str) -> bool:
    match qualifier:
        case Claim.Qualifier.MORE_THAN:
            return register > stated
        case Claim.Qualifier.AT_LEAST:
            return register >= stated
        case Claim.Qualifier.ABOUT:
            return abs(register - stated) <= Decimal("0.05") * stated
        case _:
            return register == stated


@dataclass(frozen=True)
class Revision:
    """The register's revision: raised by every change, so caches and ETags know when
    their data is stale. `changed_at` is None before the first change; `is_demo` says
    whether `load_demo` built the register (the pages' footer shows both)."""

    number: int
    changed_at: datetime | None
    is_demo: bool = False

    @property
    def key(self) -> str:
        # With the time, a number repeated by a restore or a rollback is still new.
        return f"{self.number}.{self.changed_at.timestamp() if self.changed_at else 0}"


def register_revision() -> Revision:
    """The register's current revision: its number and when it last changed.

    Every API read asks for it first, so it is plain SQL: building the ORM query cost
    five times as much as running it (BENCHMARKS.md)."""
    # From the database the request's other reads go to (a replica may lag): a kept copy
    # is then never stored under a newer revision than its rows.
    with connections[router.db_for_read(RegisterRevision)].cursor() as cursor:
        cursor.execute(_REVISION_SQL)
        row = cursor.fetchone()
    if row is None:
        return Revision(0, None)
    number, changed_at, is_demo = row
    if timezone.is_naive(changed_at):  # SQLite keeps UTC without the zone
        changed_at = changed_at.replace(tzinfo=UTC)
    return Revision(number, changed_at, bool(is_demo))


_REVISION_SQL = (
    f"SELECT number, changed_at, is_demo FROM {RegisterRevision._meta.db_table} WHERE id = 1"
)


@dataclass(frozen=True)
class FigureShown:
    """A company's figure as shown in a row dated `as_of`: its value (USD or headcount,
    None if never reported by then), the date and source of the report it comes from,
    and whether that report is older than the row (the value was carried forward)."""

    value: Decimal | int | None
    reported_on: date | None
    source: str
    carried: bool


def company_figures_over_time(*, company_id: int) -> list[dict]:
    """A company's figures as of each of its report dates, oldest first.

    Each row holds the report's `reported_on` and `source`, and for each figure a
    FigureShown: a figure the report leaves out keeps the value of the latest earlier
    report that has it (as in `company_figures_as_of`), named with that report's date
    and source and marked as carried. The last row gives the company's current figures."""
    latest: dict = dict.fromkeys(FIGURES)  # figure -> the report that gave it
    series = []
    reports = (
        Report.objects.filter(company_id=company_id)
        .order_by("reported_on")
        .annotate(local_source=localised("source"))
        .values("reported_on", "local_source", *FIGURES)
    )
    for report in reports:
        row = {"reported_on": report["reported_on"], "source": report["local_source"]}
        for figure in FIGURES:
            if report[figure] is not None:
                latest[figure] = report
            given = latest[figure]
            row[figure] = FigureShown(
                value=given[figure] if given else None,
                reported_on=given["reported_on"] if given else None,
                source=given["local_source"] if given else "",
                carried=given is not None and given is not report,
            )
        series.append(row)
    return series


def companies_removed(*, since: datetime | None, drafts_visible: bool) -> QuerySet:
    """Slugs that left the register at or after `since` (default: ever), oldest first.

    Without `drafts_visible`, those that left the public register (deleted or unpublished
    while published, or given another slug); with it, the editors' register, which
    unpublishing leaves."""
    removals = CompanyRemoval.objects.all()
    if since is not None:
        removals = removals.filter(removed_at__gte=since)
    if drafts_visible:
        return removals.exclude(reason=CompanyRemoval.Reason.UNPUBLISHED)
    return removals.filter(public=True)


def companies_countries(*, companies: QuerySet | None = None) -> list[str]:
    """The country codes of `companies` (default: published), each once, in code order."""
    if companies is None and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_PUBLISHED_COUNTRIES_SQL)
            return [code for (code,) in cursor.fetchall()]
    if companies is None:
        companies = Company.objects.published()
    return list(companies.order_by("country").values_list("country", flat=True).distinct())


# DISTINCT reads every published company (40 ms at 100,000); this walks the (country,
# is_published) index from one country to the next instead, a probe per country.
_PUBLISHED_COUNTRIES_SQL = f"""
    WITH RECURSIVE found AS (
        (SELECT country FROM {Company._meta.db_table} WHERE is_published
         ORDER BY country LIMIT 1)
        UNION ALL
        SELECT (SELECT c.country FROM {Company._meta.db_table} c
                WHERE c.is_published AND c.country > found.country
                ORDER BY c.country LIMIT 1)
        FROM found WHERE found.country IS NOT NULL
    )
    SELECT country FROM found WHERE country IS NOT NULL
"""


def localised(field: str, *, default: str | None = None):
    """A translated field in the active language, falling back to the default language
    where it is empty (as modeltranslation does for model instances), for `.values()`.

    `default`: the column that holds the default language's text, if not `<field>_en`."""
    default = default or build_localized_fieldname(field, mt_settings.DEFAULT_LANGUAGE)
    language = get_language()
    if language not in mt_settings.AVAILABLE_LANGUAGES or language == mt_settings.DEFAULT_LANGUAGE:
        return F(default)
    local = build_localized_fieldname(field, language)
    return Coalesce(NullIf(F(local), Value("")), F(default), output_field=TextField())


@dataclass(frozen=True)
class RegisterStatus:
    """What every page says about the register: when it last changed (None before the
    first change) and whether it is the synthetic demo register."""

    changed_at: datetime | None
    is_demo: bool


def register_status() -> RegisterStatus:
    """The register's last change and whether `load_demo` built it (one small query)."""
    row = RegisterRevision.objects.filter(pk=1).values_list("changed_at", "is_demo").first()
    return RegisterStatus(*row) if row else RegisterStatus(None, False)


@dataclass(frozen=True)
class Contradiction:
    """Two published claims that cannot both be right about one figure.

    `kind` is "falls" (a later claim states fewer residents than an earlier one could
    have had) or "same_month" (two claims about the same month state numbers too far
    apart for one figure)."""

    earlier: Claim
    later: Claim
    figure: str
    kind: str


# Two claims dated at most this far apart speak of the same month: an approximate "end
# of the year" may fall either side of 1 January.
SAME_MONTH = timedelta(days=31)
ABOUT = Decimal("0.05")


def _bounds(*, stated, qualifier: str) -> tuple:
    """The least and the most a stated figure allows (None: no upper bound)."""
    step = 1 if isinstance(stated, int) else CENT
    match qualifier:
        case Claim.Qualifier.MORE_THAN:
            return stated + step, None
        case Claim.Qualifier.AT_LEAST:
            return stated, None
        case Claim.Qualifier.ABOUT:
            return stated * (1 - ABOUT), stated * (1 + ABOUT)
        case _:
            return stated, stated


def claims_contradictions(*, claims: list[Claim]) -> list[Contradiction]:
    """Every pair of `claims` that contradict each other, earlier claim first.

    A claim contradicts an earlier one when
    - it states fewer resident companies than the earlier one allows at the least
      ("falls": the most it allows is below the least the earlier allows), however far
      apart they are; or
    - both speak of the same month (dated at most 31 days apart) and state countries,
      declared investment or jobs whose numbers differ by more than 5% of the larger
      ("same_month"), whatever their qualifiers: a headline's number is its speaker's
      estimate of the figure, and one figure is not both 11 and 15 countries, or both
      "more than 1,000" and "more than 6,000" jobs, within a month. Resident counts
      are not compared so: they rise by whole residents within a week.
    """
    ordered = sorted(claims, key=lambda claim: (claim.claimed_on, claim.pk or 0))
    found = []
    for n, later in enumerate(ordered):
        for earlier in ordered[:n]:
            if later.companies is not None and earlier.companies is not None:
                least, _ = _bounds(stated=earlier.companies, qualifier=earlier.companies_qualifier)
                _, most = _bounds(stated=later.companies, qualifier=later.companies_qualifier)
                if most is not None and most < least:
                    found.append(Contradiction(earlier, later, "companies", "falls"))
            if later.claimed_on - earlier.claimed_on > SAME_MONTH:
                continue
            for figure in ("countries", "declared_investment", "direct_jobs"):
                a, b = getattr(earlier, figure), getattr(later, figure)
                if a is not None and b is not None and abs(a - b) > ABOUT * max(a, b):
                    found.append(Contradiction(earlier, later, figure, "same_month"))
    return found
