"""The register's health: what needs an editor's attention, each check a selector.

Each selector returns the records that need attention (a queryset, so the admin lists
them and counts them alike); `register_health` counts them all and says which count
crossed its threshold (settings.REGISTER_HEALTH_THRESHOLDS), for the admin's index and
`manage.py register_health`.
"""

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import Lag
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Claim, Company, ImportRecord, Report

# What "recent" means for reports and for imports (the checks' labels say it).
REPORT_MONTHS = 12
IMPORT_DAYS = 30


def _months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when it has no such day)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def companies_without_recent_report(*, today: date | None = None) -> QuerySet[Company]:
    """Residents today with no report dated in the last REPORT_MONTHS months."""
    today = today or timezone.localdate()
    since = _months_before(today, REPORT_MONTHS)
    recent = Report.objects.filter(company=OuterRef("pk"), reported_on__gt=since)
    return Company.objects.resident_on(today).filter(~Exists(recent))


def companies_missing_latest_figure(*, today: date | None = None) -> QuerySet[Company]:
    """Residents today whose latest report lacks one of the three figures."""
    today = today or timezone.localdate()
    latest_on = Subquery(
        Report.objects.filter(company=OuterRef("pk"))
        .order_by("-reported_on")
        .values("reported_on")[:1]
    )
    missing = Q(declared_investment__isnull=True) | Q(realised_investment__isnull=True)
    incomplete = Report.objects.filter(
        missing | Q(direct_jobs__isnull=True),
        company=OuterRef("pk"),
        reported_on=OuterRef("latest_report_on"),
    )
    return (
        Company.objects.resident_on(today)
        .annotate(latest_report_on=latest_on)
        .filter(Exists(incomplete))
    )


def companies_drafts() -> QuerySet[Company]:
    """Companies not yet published (visible to editors only)."""
    return Company.objects.filter(is_published=False)


def companies_with_sharp_fall(*, fall: Decimal | None = None) -> QuerySet[Company]:
    """Companies with a figure that fell by more than `fall` (a fraction, default
    HEALTH_SHARP_FALL) from one of their reports to the next that has the figure."""
    keep = 1 - Decimal(str(settings.HEALTH_SHARP_FALL if fall is None else fall))
    falls = Q()
    for figure in selectors.FIGURES:
        # Reports without the figure are left out before the window, so each report is
        # compared with the previous one that has the figure.
        fallen = (
            Report.objects.filter(**{f"{figure}__isnull": False})
            .annotate(
                previous=Window(Lag(figure), partition_by=[F("company")], order_by="reported_on")
            )
            .filter(previous__gt=0, **{f"{figure}__lt": F("previous") * keep})
            .values("company_id")
        )
        falls |= Q(pk__in=fallen)
    return Company.objects.filter(falls)


def claims_disagreeing() -> QuerySet[Claim]:
    """Published claims that the register, as it stands now, does not agree with."""
    disagreeing = [check.claim.pk for check in selectors.claims_checked() if not check.agrees]
    return Claim.objects.filter(pk__in=disagreeing)


def imports_recent(*, today: date | None = None) -> QuerySet[ImportRecord]:
    """Imports confirmed in the last IMPORT_DAYS days, newest first, with who made them."""
    today = today or timezone.localdate()
    since = today - timedelta(days=IMPORT_DAYS)
    return ImportRecord.objects.filter(made_at__date__gt=since).select_related("user")


@dataclass(frozen=True)
class Check:
    """One health check: the records it finds, and where the admin lists them."""

    key: str
    label: Promise
    model: type
    records: Callable[[], QuerySet]


CHECKS = (
    Check(
        "without_recent_report",
        _("Residents without a report in the last 12 months"),
        Company,
        companies_without_recent_report,
    ),
    Check(
        "missing_figure",
        _("Residents missing a figure in their latest report"),
        Company,
        companies_missing_latest_figure,
    ),
    Check("drafts", _("Drafts waiting to be published"), Company, companies_drafts),
    Check(
        "sharp_fall",
        _("Companies whose figures fell sharply between two reports"),
        Company,
        companies_with_sharp_fall,
    ),
    Check(
        "disagreeing_claims",
        _("Published claims the register no longer agrees with"),
        Claim,
        claims_disagreeing,
    ),
    Check("recent_imports", _("Imports of the last 30 days"), ImportRecord, imports_recent),
)
CHECKS_BY_KEY = {check.key: check for check in CHECKS}


@dataclass(frozen=True)
class Finding:
    """A check's count now, and whether it is above its threshold (None: none set)."""

    check: Check
    count: int
    threshold: int | None

    @property
    def crossed(self) -> bool:
        return self.threshold is not None and self.count > self.threshold


def register_health() -> list[Finding]:
    """Every check's count, against the thresholds of settings.REGISTER_HEALTH_THRESHOLDS."""
    thresholds = settings.REGISTER_HEALTH_THRESHOLDS
    return [
        Finding(check=check, count=check.records().count(), threshold=thresholds.get(check.key))
        for check in CHECKS
    ]
