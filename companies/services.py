"""Writes that must keep the register consistent.

Every surface (admin, API, import, commands) changes data through these functions or
through model saves whose signals call them (see signals.py), so the derived figures
on Company and the register revision are right whichever way a change arrives.
"""

import contextvars
from contextlib import contextmanager

from django.contrib.auth.models import Group, Permission
from django.db import models, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors
from .models import Company, CompanyRemoval, ImportRecord, RegisterRevision, Report

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
        if f.name != "version" and not getattr(f, "auto_now", False)
    ]
    current = type(record).objects.get(pk=record.pk)
    return [f for f in tracked if not _same(getattr(seen.instance, f), getattr(current, f))]


def _same(a, b) -> bool:
    # Empty text and None mean the same (an untranslated description, say).
    return a == b or (a in (None, "") and b in (None, ""))


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
    """The names of `fields` whose value differs from the record's."""
    return [name for name, value in fields.items() if not _same(getattr(record, name), value)]


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


@transaction.atomic
def company_create(*, fields: dict) -> Company:
    """Validate and create a company; raises ValidationError naming the bad fields."""
    register_lock()
    company = Company(**fields)
    company.full_clean()
    company.save()
    return company


@transaction.atomic
def company_update(
    *, company: Company, fields: dict, expected_version: int | None = None
) -> Company:
    """Validate and apply `fields` to a company, locked against parallel writes.

    With `expected_version`, refuses (StaleWrite) if the company changed since then. A
    write that changes nothing saves nothing: no new version, no history entry."""
    company = _locked(Company, company.pk, expected_version)
    if not _changes(record=company, fields=fields):
        return company
    for name, value in fields.items():
        setattr(company, name, value)
    company.full_clean()
    company.save()
    return company


@transaction.atomic
def company_delete(*, company: Company, expected_version: int | None = None) -> None:
    """Delete a company and its reports; refuses a stale delete like an update."""
    _locked(Company, company.pk, expected_version).delete()


@transaction.atomic
def report_create(*, company: Company, fields: dict) -> Report:
    """Validate and create a report; the company's current figures follow."""
    register_lock()
    report = Report(company=company, **fields)
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def report_update(*, report: Report, fields: dict, expected_version: int | None = None) -> Report:
    """Validate and apply `fields` to a report, locked; refuses a stale write. A write
    that changes nothing saves nothing."""
    report = _locked(Report, report.pk, expected_version)
    if not _changes(record=report, fields=fields):
        return report
    for name, value in fields.items():
        setattr(report, name, value)
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def report_delete(*, report: Report, expected_version: int | None = None) -> None:
    """Delete a report; the company's current figures follow."""
    _locked(Report, report.pk, expected_version).delete()


class _Deferred:
    def __init__(self):
        self.companies: dict[int, object] = {}
        self.touched = False


# Set inside a refresh_deferred block.
_deferred: contextvars.ContextVar[_Deferred | None] = contextvars.ContextVar(
    "deferred_refreshes", default=None
)


@contextmanager
def refresh_deferred():
    """Inside the block, report changes queue their company's figure refresh, and the
    register revision rises once at the end, instead of after every row (bulk imports:
    one refresh and one history record per company). A block that raises refreshes
    nothing; its transaction is rolled back anyway."""
    deferred = _Deferred()
    token = _deferred.set(deferred)
    try:
        yield
    finally:
        _deferred.reset(token)
    for company_id, user in deferred.companies.items():
        company_refresh_figures(company_id=company_id, user=user)
    if deferred.touched:
        register_touch()


def company_figures_changed(*, company_id: int, user=None) -> None:
    """A report of the company changed: refresh its figures now, or at the end of the
    refresh_deferred block around this change."""
    deferred = _deferred.get()
    if deferred is None:
        company_refresh_figures(company_id=company_id, user=user)
    else:
        deferred.companies.setdefault(company_id, user)


def company_refresh_figures(*, company_id: int, user=None) -> bool:
    """Copy a company's current figures (as of today) from its reports onto the company,
    with the date and source of the report each comes from.

    Returns whether they changed; an unchanged company keeps its version. A change
    enters the company's history like any other, by `user` (default: the user of the
    current request)."""
    columns = selectors.company_figure_columns_as_of(
        company_id=company_id, day=timezone.localdate()
    )
    unchanged = Q(**columns)
    changed = (
        Company.objects.filter(pk=company_id)
        .exclude(unchanged)
        .update(**columns, version=F("version") + 1, updated_at=timezone.now())
    )
    if changed:
        # update() sends no signal, so the history record is written here.
        company = Company.objects.get(pk=company_id)
        if user is not None:
            company._history_user = user
        company._change_reason = _("figures from its reports")
        Company.history.bulk_history_create([company], update=True)
    return bool(changed)


def companies_refresh_figures(*, companies: QuerySet | None = None) -> int:
    """Recompute the current figures of many companies (default: all), with their
    reports' dates and sources, in one UPDATE.

    For bulk loads, which bypass the per-report signals; returns the rows updated."""
    today = timezone.localdate()
    companies = Company.objects.all() if companies is None else companies
    columns = {}
    for figure in selectors.FIGURES:
        columns[figure] = selectors.figure_as_of(figure=figure, day=today)
        columns[f"{figure}_reported_on"] = selectors.figure_as_of(
            figure=figure, day=today, column="reported_on"
        )
        columns[f"{figure}_source"] = selectors.figure_as_of(
            figure=figure, day=today, column="source"
        )
    updated = companies.update(**columns)
    register_touch()
    return updated


def company_removal_record(*, slug: str, reason: str, public: bool) -> CompanyRemoval:
    """Record that `slug` left the register (`public`: the public one too), for the change
    feed; called whenever a company is deleted, unpublished or given another slug."""
    return CompanyRemoval.objects.create(slug=slug, reason=reason, public=public)


def register_touch() -> None:
    """Raise the register revision, which invalidates cached figures and ETags."""
    deferred = _deferred.get()
    if deferred is not None:
        deferred.touched = True
        return
    now = timezone.now()
    if not RegisterRevision.objects.filter(pk=1).update(number=F("number") + 1, changed_at=now):
        RegisterRevision.objects.get_or_create(pk=1, defaults={"number": 1, "changed_at": now})


@transaction.atomic
def companies_set_published(*, companies: QuerySet, published: bool) -> int:
    """Publish or unpublish companies one by one, so that each change enters the history.

    Returns how many companies changed."""
    register_lock()
    changed = 0
    for company in companies.select_for_update().exclude(is_published=published):
        company.is_published = published
        company.save(update_fields=["is_published", "version", "updated_at"])
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
