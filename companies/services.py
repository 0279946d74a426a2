"""Writes that must keep the register consistent.

Every surface (admin, API, import, commands) changes companies and reports through these
functions: each write goes through a RegisterWrite (register_write), which keeps, in the
write's transaction, the companies' current figures, the figure ledger and the removals
feed. The register revision rises on every save or delete of a register model, however
it arrives (signals.py).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from django.contrib.auth.models import Group, Permission
from django.db import connection, models, transaction
from django.db.models import F, Max, Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors
from .blank import same
from .models import (
    Company,
    CompanyRemoval,
    FigureChange,
    FigureSnapshot,
    ImportRecord,
    RegisterRevision,
    Report,
)
from .text import NameField
from .validators import mirrors

EDITORS_GROUP = "Editors"
# What editors manage: the register itself, never users or groups.
EDITOR_MODELS = ("company", "report", "sector", "claim")


class StaleWrite(Exception):
    """A write based on a version of a record that has changed since it was read."""

    def __init__(self, *, record: models.Model, expected_version: int):
        self.record = record
        self.expected_version = expected_version
        self.changed_fields = _changed_since(record=record, version=expected_version)
        self.changed_by = _changed_by(record=record, version=expected_version)
        who = ", ".join(self.changed_by) or _("someone")
        fields = ", ".join(
            str(record._meta.get_field(f).verbose_name) for f in self.changed_fields
        )
        super().__init__(
            _("%(record)s was changed by %(who)s since you read it (version %(expected)s, now "
              "%(current)s)%(fields)s. Reload it and apply your edits again.")
            % {
                "record": record,
                "who": who,
                "expected": expected_version,
                "current": record.version,
                "fields": f": {fields}" if fields else "",
            }
        )  # fmt: skip


def _changed_since(*, record: models.Model, version: int) -> list[str]:
    """Names of the fields that differ between `version` of the record and the current one."""
    seen = record.history.filter(version__lte=version).order_by("-version", "-history_id").first()
    if seen is None:
        return []
    # The version and a last-changed time move with every change: they are not edits.
    tracked = [
        f.name
        for f in seen.instance._meta.concrete_fields
        if f.name != "version"
        and not getattr(f, "auto_now", False)
        and f.name not in mirrors(type(record))
    ]
    current = type(record).objects.get(pk=record.pk)
    return [f for f in tracked if not same(getattr(seen.instance, f), getattr(current, f))]


def _changed_by(*, record: models.Model, version: int) -> list[str]:
    """Who changed the record since `version`, from its history (and, for a company,
    its reports' history, since new figures also raise the company's version)."""
    seen = record.history.filter(version__lte=version).order_by("-version", "-history_id").first()
    since = {"history_date__gt": seen.history_date} if seen else {}
    histories = [record.history.filter(**since)]
    if isinstance(record, Company):
        histories.append(Report.history.filter(company_id=record.pk, **since))
    users = set()
    for history in histories:
        users.update(
            str(entry.history_user)
            for entry in history.select_related("history_user")
            if entry.history_user is not None
        )
    return sorted(users)


def _changes(*, record: models.Model, fields: dict) -> list[str]:
    """The names of `fields` whose value, as it would be stored, differs from the record's
    (a name differing only in its spaces is the same name)."""
    return [
        name
        for name, value in fields.items()
        if not same(getattr(record, name), _as_stored(record, name, value))
    ]


def _as_stored(record: models.Model, name: str, value):
    field = record._meta.get_field(name)
    return field.to_python(value) if isinstance(field, NameField) else value


def register_lock() -> RegisterRevision:
    """Lock the register revision until the transaction ends; returns it.

    Every write raises the revision, so writers queue on its row anyway. Taking it
    first, before any record, gives all writers one lock order (no deadlocks) and
    makes each see the reports committed before it when it refreshes figures."""
    return RegisterRevision.objects.select_for_update().get_or_create(pk=1)[0]


def record_lock(*, record: models.Model, expected_version: int | None) -> models.Model:
    """Lock a company or report for writing until the transaction ends; returns the row.

    With `expected_version`, refuses (StaleWrite) if it changed since then."""
    return _locked(type(record), record.pk, expected_version)


def _locked(model: type[models.Model], pk: int, expected_version: int | None) -> models.Model:
    register_lock()
    record = model.objects.select_for_update().get(pk=pk)
    if expected_version is not None and record.version != expected_version:
        raise StaleWrite(record=record, expected_version=expected_version)
    return record


class RegisterWrite:
    """Saves and deletes of companies and reports, and what follows them.

    Before a company or report is first written, its companies' ledger changes are read;
    at `finish`, the figures of the companies whose reports changed are refreshed (once
    each), the ledger takes the difference, and a company deleted, unpublished or given
    another slug has been recorded in the removals feed. Other records are saved as they
    are. Made by register_write."""

    def __init__(self, *, user=None):
        self.user = user
        self.ledger = LedgerWatch(set())
        self.refresh: set[int] = set()

    def save(self, record: models.Model, **save_options) -> None:
        if isinstance(record, Company):
            self._company_save(record, **save_options)
        elif isinstance(record, Report):
            self._report_save(record, **save_options)
        else:
            record.save(**save_options)

    def delete(self, record: models.Model) -> None:
        if isinstance(record, Company):
            self.ledger.add({record.pk})
            slug, public = record.slug, record.is_published
            record.delete()
            company_removal_record(slug=slug, reason=CompanyRemoval.Reason.DELETED, public=public)
        elif isinstance(record, Report):
            self._report_companies({record.company_id, *self._stored_companies([record])})
            record.delete()
        else:
            record.delete()

    def save_all(self, records: list[models.Model], *, created: bool) -> None:
        """Save many new (`created`) or changed records of one model as `save` saves each,
        in a few statements (imports): each gets its version, its history record (by its
        `_history_user`, with its `_change_reason`) and what follows it; the register
        revision rises once."""
        if not records:
            return
        model = type(records[0])
        if model is Company:
            self._companies_save(records, created=created)
        elif model is Report:
            self._report_companies(
                {report.company_id for report in records}
                | (set() if created else set(self._stored_companies(records)))
            )
            _records_save(model, records, created=created)
        else:
            _records_save(model, records, created=created)
        register_touch()

    def _company_save(self, company: Company, **save_options) -> None:
        stored = None
        if not company._state.adding:
            self.ledger.add({company.pk})
            stored = Company.objects.filter(pk=company.pk).values("slug", "is_published").first()
        company.save(**save_options)
        self.ledger.add_created({company.pk})
        if stored is not None:
            _company_removals(company, stored)

    def _companies_save(self, companies: list[Company], *, created: bool) -> None:
        stored = {}
        if created:
            for company in companies:
                if not company.slug:
                    company.slug = company.unique_slug()
        else:
            ids = [company.pk for company in companies]
            self.ledger.add(set(ids))
            stored = {
                row["pk"]: row
                for row in Company.objects.filter(pk__in=ids).values("pk", "slug", "is_published")
            }
        _records_save(Company, companies, created=created)
        self.ledger.add_created({company.pk for company in companies})
        for company in companies:
            if company.pk in stored:
                _company_removals(company, stored[company.pk])

    def _report_save(self, report: Report, **save_options) -> None:
        # A report moved to another company changes the one it leaves too.
        self._report_companies({report.company_id, *self._stored_companies([report])})
        report.save(**save_options)

    @staticmethod
    def _stored_companies(reports: list[Report]) -> list[int]:
        ids = [r.pk for r in reports if not r._state.adding and r.pk is not None]
        if not ids:
            return []
        return list(Report.objects.filter(pk__in=ids).values_list("company", flat=True))

    def _report_companies(self, company_ids: set[int]) -> None:
        self.ledger.add(company_ids)
        self.refresh |= company_ids

    def finish(self) -> None:
        companies_refresh_figures_with_history(company_ids=sorted(self.refresh), user=self.user)
        if self.ledger.company_ids:
            self.ledger.settle()


def _company_removals(company: Company, stored: dict) -> None:
    """Record what a company's save took away from the change feed: the slug it had
    (`stored`, with whether it was published) or, unpublished, its place in it."""
    if stored["slug"] != company.slug:
        company_removal_record(
            slug=stored["slug"],
            reason=CompanyRemoval.Reason.RENAMED,
            public=stored["is_published"],
        )
    elif stored["is_published"] and not company.is_published:
        company_removal_record(
            slug=company.slug, reason=CompanyRemoval.Reason.UNPUBLISHED, public=True
        )


def _records_save(model: type[models.Model], records: list, *, created: bool) -> None:
    """Insert or update `records` as their model's save() would write them, and their
    history records, without a statement or a signal per record."""
    if created:
        model.objects.bulk_create(records)
    else:
        meta, quote = model._meta, connection.ops.quote_name
        fields = [field for field in meta.concrete_fields if not field.primary_key]
        rows = []
        for record in records:
            record.version += 1
            # What save() computes as it writes: the last-changed time, a name's key.
            values = [field.pre_save(record, False) for field in fields]
            pairs = zip(fields, values, strict=True)
            rows.append([*(f.get_db_prep_save(v, connection) for f, v in pairs), record.pk])
        # One statement run for every record: bulk_update() builds a CASE of every record
        # for every column, which costs seconds a thousand records.
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {quote(meta.db_table)} SET {assignments} "
                f"WHERE {quote(meta.pk.column)} = %s",
                rows,
            )
    model.history.bulk_history_create(records, update=not created)


@contextmanager
def register_write(*, user=None) -> Iterator[RegisterWrite]:
    """A transaction that takes the register's lock first and writes through the
    RegisterWrite it yields; what follows the writes (figures, ledger, removals) is done
    once at the end of the block. One call writes one record (the services below, the
    admin) or a whole import (resources.RegisterResource), whose companies are refreshed
    once each after the last row. A block that raises does nothing more; its transaction
    is rolled back."""
    with transaction.atomic():
        register_lock()
        write = RegisterWrite(user=user)
        yield write
        write.finish()


def _update(record: Company | Report, fields: dict, expected_version: int | None):
    with register_write() as write:
        record = _locked(type(record), record.pk, expected_version)
        if not _changes(record=record, fields=fields):
            return record
        for name, value in fields.items():
            setattr(record, name, value)
        record.full_clean()
        write.save(record)
    return record


def company_create(*, fields: dict) -> Company:
    """Validate and create a company; raises ValidationError naming the bad fields."""
    with register_write() as write:
        company = Company(**fields)
        company.full_clean()
        write.save(company)
    return company


def company_update(
    *, company: Company, fields: dict, expected_version: int | None = None
) -> Company:
    """Validate and apply `fields` to a company, locked against parallel writes.

    With `expected_version`, refuses (StaleWrite) if the company changed since then. A
    write that changes nothing saves nothing: no new version, no history entry."""
    return _update(company, fields, expected_version)


def company_delete(*, company: Company, expected_version: int | None = None) -> None:
    """Delete a company and its reports; refuses a stale delete like an update."""
    with register_write() as write:
        write.delete(_locked(Company, company.pk, expected_version))


def report_create(*, company: Company, fields: dict) -> Report:
    """Validate and create a report; the company's current figures follow."""
    with register_write() as write:
        report = Report(company=company, **fields)
        report.full_clean()
        write.save(report)
    return report


def report_update(*, report: Report, fields: dict, expected_version: int | None = None) -> Report:
    """Validate and apply `fields` to a report, locked; refuses a stale write. A write
    that changes nothing saves nothing."""
    return _update(report, fields, expected_version)


def report_delete(*, report: Report, expected_version: int | None = None) -> None:
    """Delete a report; the company's current figures follow."""
    with register_write() as write:
        write.delete(_locked(Report, report.pk, expected_version))


def company_refresh_figures(*, company_id: int, user=None) -> bool:
    """Copy a company's current figures (as of today) from its reports onto the company,
    with the date and source of the report each comes from.

    Returns whether they changed; an unchanged company keeps its version. A change
    enters the company's history like any other, by `user` (default: the user of the
    current request)."""
    return bool(companies_refresh_figures_with_history(company_ids=[company_id], user=user))


# Companies whose figures are read and written together.
REFRESH_CHUNK = 1000


def companies_refresh_figures_with_history(*, company_ids: list[int], user=None) -> int:
    """`company_refresh_figures` for each of these companies, a few queries for a
    thousand of them; returns how many changed."""
    today, changed = timezone.localdate(), []
    for start in range(0, len(company_ids), REFRESH_CHUNK):
        chunk = company_ids[start : start + REFRESH_CHUNK]
        figures = selectors.companies_figure_columns_as_of(company_ids=chunk, day=today)
        for company in Company.objects.filter(pk__in=chunk):
            columns = figures[company.pk]
            if all(getattr(company, name) == value for name, value in columns.items()):
                continue
            for name, value in columns.items():
                setattr(company, name, value)
            company.version += 1
            company.updated_at = timezone.now()
            if user is not None:
                company._history_user = user
            company._change_reason = _("figures from its reports")
            changed.append(company)
    fields = [
        name
        for figure in selectors.FIGURES
        for name in (figure, f"{figure}_reported_on", *selectors.source_copies(figure))
    ]
    fields += ["version", "updated_at"]
    Company.objects.bulk_update(changed, fields)
    # bulk_update() sends no signal, so the history records are written here.
    Company.history.bulk_history_create(changed, update=True)
    return len(changed)


def companies_refresh_figures(*, companies: QuerySet | None = None) -> int:
    """Recompute the current figures of many companies (default: all), with their
    reports' dates and sources, in one UPDATE.

    For bulk loads, which write without a RegisterWrite; returns the rows updated."""
    today = timezone.localdate()
    companies = Company.objects.all() if companies is None else companies
    columns = {}
    for figure in selectors.FIGURES:
        columns[figure] = selectors.figure_as_of(figure=figure, day=today)
        columns[f"{figure}_reported_on"] = selectors.figure_as_of(
            figure=figure, day=today, column="reported_on"
        )
        for copy, source in selectors.source_copies(figure).items():
            columns[copy] = selectors.figure_as_of(figure=figure, day=today, column=source)
    updated = companies.update(**columns)
    register_touch()
    return updated


def company_removal_record(*, slug: str, reason: str, public: bool) -> CompanyRemoval:
    """Record that `slug` left the register (`public`: the public one too), for the change
    feed; called whenever a company is deleted, unpublished or given another slug."""
    return CompanyRemoval.objects.create(slug=slug, reason=reason, public=public)


def register_touch() -> None:
    """Raise the register revision, which invalidates cached figures and ETags."""
    now = timezone.now()
    if not RegisterRevision.objects.filter(pk=1).update(number=F("number") + 1, changed_at=now):
        RegisterRevision.objects.get_or_create(pk=1, defaults={"number": 1, "changed_at": now})


# --- The figure ledger ----------------------------------------------------------------
#
# Every write that can change a total (a company's residence, exit, country, sector,
# published flag or deletion; a report's creation, change or deletion) goes through a
# RegisterWrite, whose LedgerWatch reads the companies' changes before the write and
# applies the difference after it (selectors.ledger_changes_sql), in the write's
# transaction. Bulk loads, which write without one, call ledger_companies_added.

# Above this many changed (day, group) rows, a write rebuilds the later snapshots in one
# statement rather than updating them row by row (imports, bulk loads).
LEDGER_BULK_ROWS = 100


class LedgerWatch:
    """Companies about to change, and their ledger changes before the write."""

    def __init__(self, company_ids: set[int]):
        self.company_ids = set(company_ids)
        self.before = selectors.companies_ledger_changes(company_ids=sorted(self.company_ids))

    def add(self, company_ids: set[int]) -> None:
        new = set(company_ids) - self.company_ids
        if new:
            self.company_ids |= new
            before = selectors.companies_ledger_changes(company_ids=sorted(new))
            for key, values in before.items():
                self.before[key] = _plus(self.before.get(key), values)

    def add_created(self, company_ids: set[int]) -> None:
        # Written since the watch began: they had no changes before.
        self.company_ids |= set(company_ids)

    def settle(self) -> None:
        """Apply the difference between the companies' changes now and before."""
        after = selectors.companies_ledger_changes(company_ids=sorted(self.company_ids))
        difference = dict(after)
        for key, values in self.before.items():
            difference[key] = _plus(difference.get(key), tuple(-v for v in values))
        ledger_apply(changes=difference)


def _plus(a: tuple | None, b: tuple) -> tuple:
    return b if a is None else tuple(x + y for x, y in zip(a, b, strict=True))


def ledger_companies_added(*, company_ids: list[int]) -> None:
    """Bulk loads: add the changes of companies written without signals (new companies
    with their reports), in one statement, and take the later snapshots again."""
    if not company_ids:
        return
    sql, params = selectors.ledger_changes_sql(company_ids=company_ids)
    _ledger_changes_add_sql(sql, params)
    # No change of a company comes before its residence.
    first = Company.objects.filter(pk__in=company_ids).aggregate(first=Min("resident_since"))
    if first["first"] is not None:
        FigureSnapshot.objects.filter(period__gt=first["first"]).delete()
    ledger_snapshots_extend()


def ledger_apply(*, changes: dict[tuple, tuple], snapshots: bool = True) -> None:
    """Add `changes` ({(day, country, sector id, published): LEDGER_FIELDS values}) to the
    ledger's changes, and to every snapshot after each change's day.

    A few changes update the later snapshots of their group, one UPDATE per change (a
    report dated years back updates one row per week since); many drop the snapshots
    after the earliest change and rebuild them from the changes in one statement.
    Without `snapshots` (the batches of a bulk load) they are only dropped: totals stay
    exact, reading more changes, until ledger_snapshots_extend takes them again."""
    changes = {key: values for key, values in changes.items() if any(values)}
    if not changes:
        return
    if snapshots:
        last = ledger_snapshots_extend()
    else:
        last = FigureSnapshot.objects.aggregate(last=Max("period"))["last"]
    _ledger_changes_add(changes)
    if last is None:
        if snapshots:
            ledger_snapshots_extend()  # the first snapshots, from every change
        return
    earliest = min(day for day, *_ in changes)
    if earliest >= last:
        return  # no snapshot comes after any of these days
    if len(changes) > LEDGER_BULK_ROWS or not snapshots:
        FigureSnapshot.objects.filter(period__gt=earliest).delete()
        if snapshots:
            ledger_snapshots_extend()
        return
    _ledger_snapshots_add(changes, last=last)


def _ledger_changes_add(changes: dict[tuple, tuple]) -> None:
    rows = [(*key, *values) for key, values in changes.items()]
    if connection.vendor == "postgresql" and len(rows) > 500:
        _ledger_changes_copy(rows)
        return
    width = len(rows[0])
    # Bounded by SQLite's limit on parameters per statement.
    for start in range(0, len(rows), 500):
        chunk = rows[start : start + 500]
        values = ", ".join(f"({', '.join(['%s'] * width)})" for _ in chunk)
        _ledger_changes_add_sql(f"VALUES {values}", [value for row in chunk for value in row])


def _ledger_changes_copy(rows: list[tuple]) -> None:
    # Thousands of rows (a bulk load's batch): through COPY, since binding that many
    # parameters costs seconds on the client.
    columns = ("day", *selectors.LEDGER_GROUP, *selectors.LEDGER_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE ledger_added (day date, country varchar(2), "
            "sector_id bigint, is_published boolean, joined bigint, exited bigint, "
            "declared_investment numeric, realised_investment numeric, direct_jobs bigint)"
        )
        with cursor.cursor.copy(f"COPY ledger_added ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    _ledger_changes_add_sql(f"SELECT {', '.join(columns)} FROM ledger_added", [])
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE ledger_added")


def _ledger_changes_add_sql(rows_sql: str, params: list) -> None:
    """Add the rows of `rows_sql` (the columns of FigureChange, each (day, group) once)
    to the ledger's changes: a new row, or the sums added to the row already there."""
    table = FigureChange._meta.db_table
    columns = ", ".join(("day", *selectors.LEDGER_GROUP, *selectors.LEDGER_FIELDS))
    added = ", ".join(f"{f} = {table}.{f} + excluded.{f}" for f in selectors.LEDGER_FIELDS)
    # WHERE 1 = 1 tells SQLite that ON CONFLICT belongs to the INSERT, not to a join.
    sql = (
        f"INSERT INTO {table} ({columns}) SELECT * FROM ({rows_sql}) AS added WHERE 1 = 1 "
        f"ON CONFLICT (day, {', '.join(selectors.LEDGER_GROUP)}) DO UPDATE SET {added}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _ledger_snapshots_add(changes: dict[tuple, tuple], *, last: date) -> None:
    table = FigureSnapshot._meta.db_table
    group_sql = " AND ".join(f"{column} = %s" for column in selectors.LEDGER_GROUP)
    earliest_by_group: dict[tuple, date] = {}
    for day, *group in changes:
        group = tuple(group)
        earliest_by_group[group] = min(day, earliest_by_group.get(group, day))
    for group, day in earliest_by_group.items():
        _ledger_snapshots_ensure(group=group, since=day, last=last)
    added = ", ".join(f"{f} = {f} + %s" for f in selectors.LEDGER_FIELDS)
    with connection.cursor() as cursor:
        for (day, *group), values in changes.items():
            cursor.execute(
                f"UPDATE {table} SET {added} WHERE {group_sql} AND period > %s",
                [*values, *group, day],
            )


def _ledger_snapshots_ensure(*, group: tuple, since: date, last: date) -> None:
    """Give `group` a snapshot in every period after `since` up to `last` (zeros where it
    had none: it had no changes before them), so that each period's snapshots hold every
    group that changed before it."""
    country, sector_id, is_published = group
    first = (
        FigureSnapshot.objects.filter(
            country=country, sector_id=sector_id, is_published=is_published
        )
        .order_by("period")
        .values_list("period", flat=True)
        .first()
    )
    period = selectors.ledger_period(since) + selectors.WEEK
    stop = first or last + selectors.WEEK
    missing = []
    while period < stop and period <= last:
        missing.append(
            FigureSnapshot(
                period=period, country=country, sector_id=sector_id, is_published=is_published
            )
        )
        period += selectors.WEEK
    FigureSnapshot.objects.bulk_create(missing, batch_size=500)


def ledger_snapshots_extend() -> date | None:
    """Add the snapshots of every period after the last one up to this week's, from the
    last snapshot and the changes since, in one statement; returns the last period.

    Run by every ledger write, so that a week's first write also takes its snapshot;
    between writes, totals read the changes since the last snapshot, exact either way."""
    last = FigureSnapshot.objects.aggregate(last=Max("period"))["last"]
    if last is None:
        first_change = FigureChange.objects.aggregate(first=Min("day"))["first"]
        if first_change is None:
            return None
        start = selectors.ledger_period(first_change) + selectors.WEEK
    else:
        start = last + selectors.WEEK
    current = selectors.ledger_period(timezone.localdate())
    periods = []
    while start <= current:
        periods.append(start)
        start += selectors.WEEK
    if not periods:
        return last
    previous = [last or selectors.LEDGER_FLOOR, *periods[:-1]]
    snapshot, change = FigureSnapshot._meta.db_table, FigureChange._meta.db_table
    group = ", ".join(selectors.LEDGER_GROUP)
    fields = ", ".join(selectors.LEDGER_FIELDS)
    on_group = lambda a, b: " AND ".join(f"{a}.{c} = {b}.{c}" for c in selectors.LEDGER_GROUP)  # noqa: E731
    running = ", ".join(
        f"COALESCE(base.{f}, 0) + SUM(COALESCE(buckets.{f}, 0)) OVER running"
        for f in selectors.LEDGER_FIELDS
    )
    bucket_sums = ", ".join(f"SUM(c.{f}) AS {f}" for f in selectors.LEDGER_FIELDS)
    values = ", ".join("(%s, %s)" for _ in periods)
    sql = f"""
        WITH periods (period, previous) AS (VALUES {values}),
        base AS (SELECT {group}, {fields} FROM {snapshot} WHERE period = %s),
        buckets AS (
            SELECT p.period, {", ".join(f"c.{c}" for c in selectors.LEDGER_GROUP)}, {bucket_sums}
            FROM periods p JOIN {change} c ON c.day >= p.previous AND c.day < p.period
            GROUP BY p.period, {", ".join(f"c.{c}" for c in selectors.LEDGER_GROUP)}
        ),
        groups AS (
            SELECT {group} FROM base UNION SELECT {group} FROM buckets
        ),
        grid AS (
            SELECT p.period, {", ".join(f"g.{c}" for c in selectors.LEDGER_GROUP)}
            FROM periods p CROSS JOIN groups g
        )
        INSERT INTO {snapshot} (period, {group}, {fields})
        SELECT grid.period, {", ".join(f"grid.{c}" for c in selectors.LEDGER_GROUP)}, {running}
        FROM grid
        LEFT JOIN buckets ON buckets.period = grid.period AND {on_group("buckets", "grid")}
        LEFT JOIN base ON {on_group("base", "grid")}
        WINDOW running AS (
            PARTITION BY {", ".join(f"grid.{c}" for c in selectors.LEDGER_GROUP)}
            ORDER BY grid.period
        )
    """
    params = [value for pair in zip(periods, previous, strict=True) for value in pair]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, last])
    return periods[-1]


def ledger_cluster() -> None:
    """On PostgreSQL, lay the ledger's rows out in the order totals read them, after a
    bulk load or a rebuild wrote them in another: a week's changes and a period's
    snapshots then sit on a few pages (a total as of a day at 1,000,000 companies read
    526 pages in 28 ms before, 9 pages in 1.8 ms after)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # CLUSTER refuses a table with pending deferred foreign-key checks (rows written
        # earlier in this transaction): run those checks now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for model, index in ((FigureChange, "figure_change_unique"),
                             (FigureSnapshot, "figure_snapshot_unique")):  # fmt: skip
            cursor.execute(f"CLUSTER {model._meta.db_table} USING {index}")


@transaction.atomic
def ledger_rebuild() -> None:
    """Derive the whole ledger again from the companies and their reports (after a
    migration or a restore, or to check it): its changes, then its snapshots."""
    register_lock()
    FigureSnapshot.objects.all().delete()
    FigureChange.objects.all().delete()
    sql, params = selectors.ledger_changes_sql()
    columns = ", ".join(("day", *selectors.LEDGER_GROUP, *selectors.LEDGER_FIELDS))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {FigureChange._meta.db_table} ({columns}) {sql}", params)
    ledger_snapshots_extend()
    ledger_cluster()


def companies_set_published(*, companies: QuerySet, published: bool, user=None) -> int:
    """Publish or unpublish companies one by one, so that each change enters the history.

    Returns how many companies changed."""
    changed = 0
    with register_write(user=user) as write:
        for company in companies.select_for_update().exclude(is_published=published):
            company.is_published = published
            write.save(company, update_fields=["is_published", "version", "updated_at"])
            changed += 1
    return changed


def import_record_create(
    *, user, sheet: str, file_name: str, preview: str | None, counts: dict
) -> ImportRecord:
    """Record a confirmed import (who, which sheet and file, the rows created, updated and
    left unchanged), inside the import's transaction; `user` may be None or anonymous."""
    return ImportRecord.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        sheet=sheet,
        file_name=file_name[:255],
        preview=preview,
        created=counts.get("new", 0),
        updated=counts.get("update", 0),
        unchanged=counts.get("skip", 0),
    )


def editors_group_sync() -> Group:
    """Create or update the Editors group with exactly the permissions editors need."""
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    permissions = Permission.objects.filter(
        content_type__app_label="companies", content_type__model__in=EDITOR_MODELS
    )
    group.permissions.set(permissions)
    return group


def editors_group_sync_on_migrate(**kwargs) -> None:
    """post_migrate hook: permissions exist only once migrations have run."""
    editors_group_sync()


def register_mark_demo() -> None:
    """Record that the register holds the synthetic demo data, which every page then says."""
    # Only the flag: a concurrent change's raised number must survive.
    if not RegisterRevision.objects.filter(pk=1).update(is_demo=True):
        RegisterRevision.objects.get_or_create(pk=1, defaults={"is_demo": True})
