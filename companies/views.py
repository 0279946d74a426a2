"""The public pages: thin views over the shared FilterSet and the selectors.

Every list starts from `Company.objects.published()`, so drafts never reach a page, and
every figure comes from companies/selectors.py, so a page and the API never disagree.
"""

from datetime import UTC, date, datetime

from django.core.paginator import InvalidPage, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django_countries import countries

from . import params, selectors
from .caching import cached_per_revision
from .filters import REPEATABLE, CompanyFilter, filter_parameters
from .models import Claim, Company, Sector

PAGE_SIZE = 25
RECENT_RESIDENTS = 6

# What the directory's "Order by" offers; any ordering the FilterSet accepts also works.
ORDERINGS = [
    ("name", gettext_lazy("Name, A to Z")),
    ("-name", gettext_lazy("Name, Z to A")),
    ("-resident_since", gettext_lazy("Newest residents first")),
    ("resident_since", gettext_lazy("Oldest residents first")),
    ("-declared_investment", gettext_lazy("Largest declared investment first")),
    ("-realised_investment", gettext_lazy("Largest realised investment first")),
    ("-direct_jobs", gettext_lazy("Most direct jobs first")),
]
FIGURE_LABELS = {
    "companies": gettext_lazy("Resident companies"),
    "countries": gettext_lazy("Countries"),
    "declared_investment": gettext_lazy("Declared investment"),
    "realised_investment": gettext_lazy("Realised investment"),
    "direct_jobs": gettext_lazy("Direct jobs"),
}
MONEY_FIGURES = {"declared_investment", "realised_investment"}


def _published() -> QuerySet:
    return Company.objects.published().select_related("sector")


def _page(request: HttpRequest, queryset: QuerySet):
    """The requested page of `queryset`; a page number that is not a page is a 404."""
    paginator = Paginator(queryset, PAGE_SIZE)
    raw = request.GET.get("page") or "1"
    number = params.whole_number(raw)
    try:
        if number is None and raw != "last":
            raise InvalidPage
        return paginator.page(paginator.num_pages if raw == "last" else number)
    except InvalidPage as error:
        raise Http404(_("There is no such page of results.")) from error


def _money(value) -> float | None:
    # Charts draw floats (None leaves a gap); the tables beside them show exact amounts.
    return None if value is None else float(value)


def _chart(*, kind: str, labels: list, datasets: list, axes: dict, horizontal=False) -> dict:
    """A chart for static/companies/charts.js: one dataset per series, one axis per unit."""
    return {
        "type": kind,
        "horizontal": horizontal,
        "labels": labels,
        "datasets": datasets,
        "axes": axes,
    }


def _home_figures() -> dict:
    today = timezone.localdate()
    return {
        "totals": selectors.park_totals(as_of=today),
        "by_year": selectors.park_totals_by_year(until=today),
    }


def _totals_by(group: str) -> list[dict]:
    """Today's totals by country or sector, shared by the home and the list pages."""
    return cached_per_revision(f"totals-by-{group}", lambda: selectors.park_totals_by(group=group))


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    figures = cached_per_revision("home", _home_figures)
    sector_names = {sector.slug: sector.name for sector in Sector.objects.all()}
    by_country = [{**row, "name": countries.name(row["country"])} for row in _totals_by("country")]
    by_sector = [
        {**row, "name": sector_names.get(row["sector"], "")} for row in _totals_by("sector")
    ]
    by_year = figures["by_year"]
    by_investment = sorted(by_country, key=lambda row: row["declared_investment"], reverse=True)
    charts = {
        "by_year": _chart(
            kind="bar",
            labels=[str(row["year"]) for row in by_year],
            datasets=[
                {
                    "label": _("Resident companies at the year's end"),
                    "data": [row["companies"] for row in by_year],
                    "axis": "y",
                },
                {
                    "label": _("Direct jobs"),
                    "data": [row["direct_jobs"] for row in by_year],
                    "axis": "y1",
                    "type": "line",
                },
            ],
            axes={
                "y": {"title": _("Resident companies"), "position": "left"},
                "y1": {"title": _("Direct jobs"), "position": "right"},
            },
        ),
        "by_country": _chart(
            kind="bar",
            horizontal=True,
            labels=[row["name"] for row in by_investment],
            datasets=[
                {
                    "label": _("Declared investment"),
                    "data": [_money(row["declared_investment"]) for row in by_investment],
                    "axis": "x",
                },
                {
                    "label": _("Realised investment"),
                    "data": [_money(row["realised_investment"]) for row in by_investment],
                    "axis": "x",
                },
            ],
            axes={"x": {"title": _("US dollars"), "position": "bottom", "money": True}},
        ),
        "by_sector": _chart(
            kind="bar",
            horizontal=True,
            labels=[row["name"] for row in by_sector],
            datasets=[
                {
                    "label": _("Resident companies"),
                    "data": [row["companies"] for row in by_sector],
                    "axis": "x",
                }
            ],
            axes={"x": {"title": _("Resident companies"), "position": "bottom"}},
        ),
    }
    recent = _published().filter(status=Company.Status.RESIDENT).order_by("-resident_since", "-pk")
    return render(
        request,
        "companies/home.html",
        {
            "totals": figures["totals"],
            "by_year": by_year,
            "by_country": by_investment,
            "by_sector": by_sector,
            "charts": charts,
            "recent": recent[:RECENT_RESIDENTS],
        },
    )


@require_safe
def company_list(request: HttpRequest) -> HttpResponse:
    """The directory: the API's FilterSet over the published companies, a page at a time."""
    query = params.without_blanks(request.GET)
    filterset = CompanyFilter(query, queryset=_published())
    codes = cached_per_revision("countries", selectors.companies_countries)
    context = {
        "filterset": filterset,
        "countries": sorted(((code, countries.name(code)) for code in codes), key=lambda c: c[1]),
        "sectors": Sector.objects.all(),
        "statuses": Company.Status.choices,
        "orderings": ORDERINGS,
        "selected": {name: request.GET.getlist(name) for name in ("country", "sector", "status")},
        "filtered": any(request.GET.get(name) for name in request.GET if name != "page"),
    }
    # Unknown parameters are ignored; the known ones other than the repeatable filters
    # are given once.
    single = (filter_parameters() - REPEATABLE) | {"page"}
    problems = params.query_problems(query, single=single)
    if not filterset.is_valid() or problems:
        fields = filterset.form.fields
        for name, messages in problems.items():
            label = fields[name].label if name in fields else name
            for message in messages:
                filterset.form.add_error(None, f"{label}: {message}")
        return render(request, "companies/company_list.html", context, status=400)
    context["page_obj"] = _page(request, filterset.qs)
    return render(request, "companies/company_list.html", context)


def _timestamp(day: date) -> int:
    """A day as Chart.js's linear axis takes it: milliseconds since 1970, midnight UTC."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


def _company_chart(series: list[dict]) -> dict:
    """The company's figures over time on a time axis to scale (a point per report, at
    its date), carried values flagged so that charts.js draws them apart."""
    ticks = [
        {"value": _timestamp(row["reported_on"]), "label": date_format(row["reported_on"])}
        for row in series
    ]
    datasets = []
    for figure, label, axis in (
        ("declared_investment", _("Declared investment"), "y"),
        ("realised_investment", _("Realised investment"), "y"),
        ("direct_jobs", _("Direct jobs"), "y1"),
    ):
        shown = [row[figure] for row in series]
        datasets.append(
            {
                "label": label,
                "data": [
                    {"x": tick["value"], "y": _money(f.value) if axis == "y" else f.value}
                    for tick, f in zip(ticks, shown, strict=True)
                ],
                "carried": [f.carried for f in shown],
                "axis": axis,
            }
        )
    chart = _chart(
        kind="line",
        labels=[],
        datasets=datasets,
        axes={
            "y": {"title": _("US dollars"), "position": "left", "money": True},
            "y1": {"title": _("Direct jobs"), "position": "right"},
        },
    )
    chart["time"] = {"title": _("Report date"), "ticks": ticks}
    return chart


@require_safe
def company_detail(request: HttpRequest, slug: str) -> HttpResponse:
    company = get_object_or_404(_published(), slug=slug)
    series = selectors.company_figures_over_time(company_id=company.pk)
    return render(
        request,
        "companies/company_detail.html",
        {
            "company": company,
            "series": series,
            "latest": series[-1] if series else None,
            "chart": _company_chart(series),
        },
    )


@require_safe
def country_list(request: HttpRequest) -> HttpResponse:
    """Every country of a published company, with its current residents' totals."""
    totals = {row["country"]: row for row in _totals_by("country")}
    rows = [
        {"code": code, "name": countries.name(code), **totals.get(code, {})}
        for code in cached_per_revision("countries", selectors.companies_countries)
    ]
    rows.sort(key=lambda row: (-row.get("companies", 0), row["name"]))
    return render(request, "companies/country_list.html", {"rows": rows})


@require_safe
def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    name = countries.name(code)
    if not name:
        raise Http404(_("There is no country with this code."))
    page = _page(request, _published().filter(country=code))
    if not page.paginator.count:
        raise Http404(_("No published company comes from this country."))
    totals = selectors.park_totals(among=selectors.Among(countries=(code,)))
    return render(
        request,
        "companies/country_detail.html",
        {"code": code, "name": name, "page_obj": page, "totals": totals},
    )


@require_safe
def sector_list(request: HttpRequest) -> HttpResponse:
    """Every sector, with its current residents' totals."""
    totals = {row["sector"]: row for row in _totals_by("sector")}
    rows = [{**totals.get(sector.slug, {}), "sector": sector} for sector in Sector.objects.all()]
    rows.sort(key=lambda row: -row.get("companies", 0))
    return render(request, "companies/sector_list.html", {"rows": rows})


@require_safe
def sector_detail(request: HttpRequest, slug: str) -> HttpResponse:
    sector = get_object_or_404(Sector, slug=slug)
    page = _page(request, _published().filter(sector=sector))
    totals = selectors.park_totals(among=selectors.Among(sectors=(sector.pk,)))
    return render(
        request,
        "companies/sector_detail.html",
        {"sector": sector, "page_obj": page, "totals": totals},
    )


@require_safe
def claim_list(request: HttpRequest) -> HttpResponse:
    """The published claims as a timeline: each stated figure against the register's own
    over the years, then each claim's verdict and the claims it contradicts."""
    checks = selectors.claims_checked()
    contradictions = selectors.claims_contradictions(claims=[check.claim for check in checks])
    against: dict[int, list[dict]] = {}
    for found in contradictions:
        for claim, other in ((found.earlier, found.later), (found.later, found.earlier)):
            against.setdefault(claim.pk, []).append(
                {
                    "other": other,
                    "figure": FIGURE_LABELS[found.figure],
                    "falls": found.kind == "falls",
                }
            )
    items = [
        {
            "check": check,
            "contradicts": against.get(check.claim.pk, []),
            "figures": [
                {
                    "key": figure.figure,
                    "label": FIGURE_LABELS[figure.figure],
                    "money": figure.figure in MONEY_FIGURES,
                    "qualifier": Claim.Qualifier(figure.qualifier).label,
                    "stated": figure.stated,
                    "register": figure.register,
                    "agrees": figure.agrees,
                }
                for figure in check.figures
            ],
        }
        for check in checks
    ]
    timeline = [
        {
            "figure": figure,
            "label": FIGURE_LABELS[figure],
            "chart": _timeline(checks, figure),
            "chart_id": f"chart-timeline-{figure}",
            "rows": [
                {"claim": item["check"].claim, **stated}
                for item in items
                for stated in item["figures"]
                if stated["key"] == figure
            ],
        }
        for figure in Claim.FIGURES
    ]
    context = {
        "items": items,
        "timeline": timeline,
        "contradictions": len(contradictions),
        "agreeing": sum(check.agrees for check in checks),
    }
    return render(request, "companies/claim_list.html", context)


def _timeline(checks: list, figure: str) -> dict:
    """One figure's chart: the register's value on each claim's day, as a line, and the
    claims that state the figure, as points, apart by verdict. x is the day in
    milliseconds since 1970 (a time axis to scale), each point also named by its day."""

    def point(check, value) -> dict:
        day = check.claim.claimed_on
        value = _money(value) if figure in MONEY_FIGURES else value
        return {"x": moment(day), "y": value, "day": date_format(day, "DATE_FORMAT")}

    def moment(day: date) -> float:
        return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000

    register, seen = [], set()
    stated = {True: [], False: []}
    for check in checks:
        if check.claim.claimed_on not in seen:
            seen.add(check.claim.claimed_on)
            register.append(point(check, getattr(check.totals, figure)))
        for figure_check in check.figures:
            if figure_check.figure == figure:
                stated[figure_check.agrees].append(point(check, figure_check.stated))
    return _chart(
        kind="scatter",
        labels=[],
        datasets=[
            {"label": _("The register"), "data": register, "axis": "y", "line": True},
            {
                "label": _("Stated, the register agrees"),
                "data": stated[True],
                "axis": "y",
                "verdict": "agrees",
            },
            {
                "label": _("Stated, the register does not agree"),
                "data": stated[False],
                "axis": "y",
                "verdict": "disagrees",
                "point": "crossRot",
            },
        ],
        axes={
            "y": {
                "title": FIGURE_LABELS[figure],
                "position": "left",
                "money": figure in MONEY_FIGURES,
            }
        },
    ) | {"time": {"title": _("Date"), "ticks": _year_ticks(checks, moment)}}


def _year_ticks(checks: list, moment) -> list[dict]:
    """A tick at each 1 January from the first claim's year to the one after the last."""
    years = [check.claim.claimed_on.year for check in checks]
    if not years:
        return []
    return [
        {"value": moment(date(year, 1, 1)), "label": str(year)}
        for year in range(min(years), max(years) + 2)
    ]


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    return render(request, "companies/robots.txt", {"sitemap": sitemap}, content_type="text/plain")
