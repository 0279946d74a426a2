"""The public pages: function views over the shared FilterSet and the selectors, and the
row building and kept copies that make them fast.

Every list starts from `Company.objects.published()`, so drafts never reach a page, and
every figure comes from companies/selectors.py, so a page and the API never disagree.
The home, directory, country and sector pages take `as_of=YYYY-MM-DD` (the FilterSet's
parser, filters.day_parse): the register as it stood that day (see AS_OF in the
templates' as_of include). Their tables are built here as rows of ready text (names,
addresses, formatted figures), so a template does no lookup or translation per row.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache, wraps
from hashlib import sha256

from django.core.exceptions import ValidationError
from django.core.paginator import InvalidPage, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django_countries import countries

from . import params, selectors
from .caching import cached_per_revision, request_revision
from .filters import REPEATABLE, CompanyFilter, day_parse, filter_parameters
from .models import Claim, Company, Sector
from .templatetags.pages import number, usd

PAGE_SIZE = 25
RECENT_RESIDENTS = 6

# The columns of the home page's tables of totals (templatetags.pages.figure_rows):
# (key, label, whether in US dollars).
_RESIDENTS = ("companies", gettext_lazy("Resident companies"), False)
_DECLARED = ("declared_investment", gettext_lazy("Declared investment"), True)
_REALISED = ("realised_investment", gettext_lazy("Realised investment"), True)
_JOBS = ("direct_jobs", gettext_lazy("Direct jobs"), False)
TOTALS_COLUMNS = {
    "by_year": (
        ("joined", gettext_lazy("Joined"), False),
        ("exited", gettext_lazy("Exited"), False),
        _RESIDENTS,
        _JOBS,
    ),
    "by_country": (_RESIDENTS, _DECLARED, _REALISED, _JOBS),
    "by_sector": (_RESIDENTS, _DECLARED, _JOBS),
}

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


@dataclass(frozen=True)
class AsOf:
    """The day a page answers for: today unless `as_of` asked for another day (`asked`);
    `errors` say why an `as_of` could not be read (the page then answers for today)."""

    day: date
    asked: bool = False
    errors: list = field(default_factory=list)

    @property
    def query(self) -> str:
        """`as_of=...` for links that keep the day, empty for today's register."""
        return f"as_of={self.day.isoformat()}" if self.asked else ""


def _as_of(request: HttpRequest) -> AsOf:
    today = timezone.localdate()
    raw = request.GET.get("as_of", "").strip()
    if not raw:
        return AsOf(day=today)
    try:
        return AsOf(day=day_parse(raw), asked=True)
    except ValidationError as error:
        return AsOf(day=today, errors=error.messages)


def _status(as_of: AsOf) -> int:
    return 400 if as_of.errors else 200


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


# --- Kept copies of the register's pages ------------------------------------------------

# The one part of a register page that differs between visitors: the language switcher's
# CSRF token. A kept copy holds this mark instead, replaced by the visitor's own token.
_CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_CSRF_MARK = "\x00csrf-token\x00"


def kept_page(view):
    """Serve an anonymous GET of a register page from the copy kept for the register's
    revision and the day (companies.caching), keyed on the language, host and full
    address. Only a 200 is kept; with nothing kept (settings.KEPT_CACHES empty) every
    request renders the page."""

    @wraps(view)
    def serve(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_anonymous:
            return view(request, *args, **kwargs)
        rendered = []

        def render_copy():
            response = view(request, *args, **kwargs)
            rendered.append(response)
            if response.status_code != 200:
                return None
            html = _CSRF_VALUE.sub(rf"\g<1>{_CSRF_MARK}\g<2>", response.content.decode())
            return (html, response["Content-Type"])

        address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        key = f"page:{translation.get_language()}:{sha256(address.encode()).hexdigest()}"
        copy = cached_per_revision(key, render_copy, revision=request_revision(request))
        if copy is None:
            return rendered[0]
        html, content_type = copy
        return HttpResponse(
            html.replace(_CSRF_MARK, get_token(request)), content_type=content_type
        )

    return serve


# --- Text that does not depend on the register, built once per language ---------------


@lru_cache(maxsize=8)
def _countries_by_name(language: str) -> tuple[tuple[str, str], ...]:
    """Every country as (code, name) in `language`, sorted by name."""
    with translation.override(language):
        return tuple((code, str(name)) for code, name in countries)


@lru_cache(maxsize=8)
def _country_names(language: str) -> dict[str, str]:
    return dict(_countries_by_name(language))


@lru_cache(maxsize=4096)
def _day_text(language: str, day: date) -> str:
    # Report dates repeat (year ends), and formatting a date costs more than a lookup.
    with translation.override(language):
        return date_format(day)


def _text_of_day(day: date | None) -> str:
    return _day_text(translation.get_language(), day) if day else ""


def _country_options(codes, selected: list[str]) -> str:
    """The country <option>s of the directory's filter, in the page's language."""
    codes = set(codes)
    return mark_safe(  # every name is escaped here
        "".join(
            f'<option value="{code}"{" selected" if code in selected else ""}>'
            f"{escape(name)}</option>"
            for code, name in _countries_by_name(translation.get_language())
            if code in codes
        )
    )


# --- Company tables ---------------------------------------------------------------------


def _company_values(companies: QuerySet) -> QuerySet:
    """What a company table reads of `companies`, annotated as by
    selectors.companies_with_figures_as_of: one row of plain values per company, without
    a join (a join would stay in the page's COUNT, which then costs 50 times as much)."""
    columns = ["name", "slug", "country", "sector_id", "resident_since", "status_as_of"]
    for figure in selectors.FIGURES:
        columns += [f"{figure}_as_of", f"{figure}_as_of_reported_on", f"{figure}_as_of_source"]
    return companies.values(*columns)


def _sectors() -> dict[int, tuple[str, str]]:
    """Every sector's slug and name in the page's language, by id: one small query."""
    return {
        pk: (slug, name)
        for pk, slug, name in Sector.objects.annotate(
            local_name=selectors.localised("name")
        ).values_list("pk", "slug", "local_name")
    }


def _company_rows(values, *, sectors: dict[int, tuple[str, str]]) -> list[dict]:
    """A company table's rows: every cell as text, each figure with its report's date
    and source."""
    language = translation.get_language()
    country_names = _country_names(language)
    statuses = dict(Company.Status.choices)
    companies_url = reverse("companies:company-list")
    countries_url = reverse("companies:country-list")
    sectors_url = reverse("companies:sector-list")
    rows = []
    for value in values:
        figures = []
        for figure in selectors.FIGURES:
            amount = value[f"{figure}_as_of"]
            figures.append(
                {
                    "text": usd(amount) if figure in MONEY_FIGURES else number(amount),
                    "day": _text_of_day(value[f"{figure}_as_of_reported_on"]),
                    "source": value[f"{figure}_as_of_source"] or "",
                }
            )
        sector_slug, sector_name = sectors[value["sector_id"]]
        rows.append(
            {
                "name": value["name"],
                # The pages' addresses are fixed prefixes plus a slug or code
                # (companies/urls.py): cheaper than a reverse() per cell.
                "url": f"{companies_url}{value['slug']}/",
                "country": country_names.get(value["country"], value["country"]),
                "country_url": f"{countries_url}{value['country']}/",
                "sector": sector_name,
                "sector_url": f"{sectors_url}{sector_slug}/",
                "status": statuses.get(value["status_as_of"], ""),
                "resident_since": _text_of_day(value["resident_since"]),
                "figures": figures,
            }
        )
    return rows


def _register_page(request: HttpRequest, companies: QuerySet, *, as_of: AsOf):
    """A page of the register as of the day: `companies` narrowed to those whose
    residence had begun by then (the FilterSet's rule), and its rows."""
    registered = selectors.companies_registered_as_of(companies=companies, day=as_of.day)
    page = _page(request, _company_values(registered))
    return page, _company_rows(page.object_list, sectors=_sectors())


# --- Figures ----------------------------------------------------------------------------


def _home_figures(day: date) -> dict:
    return {
        **selectors.park_overview(as_of=day),
        "by_year": selectors.park_totals_by_year(until=day),
    }


def _figures(request: HttpRequest, name: str, day: date, compute):
    """`compute()`, kept per register revision for the day asked."""
    return cached_per_revision(
        f"{name}:{day.isoformat()}", compute, revision=request_revision(request)
    )


def _sector_names(sectors: dict[int, tuple[str, str]]) -> dict[str, str]:
    """Sector names by slug, in the order of `sectors` (by English name)."""
    return dict(sectors.values())


def _with_as_of(url: str, as_of: AsOf) -> str:
    return f"{url}?{as_of.query}" if as_of.asked else url


@require_safe
@kept_page
def home(request: HttpRequest) -> HttpResponse:
    as_of = _as_of(request)
    figures = _figures(request, "home", as_of.day, lambda: _home_figures(as_of.day))
    country_names = _country_names(translation.get_language())
    sector_names = _sector_names(_sectors())
    countries_url = reverse("companies:country-list")
    sectors_url = reverse("companies:sector-list")
    by_country = [
        {
            **row,
            "name": country_names.get(row["country"], row["country"]),
            "url": _with_as_of(f"{countries_url}{row['country']}/", as_of),
        }
        for row in figures["by_country"]
    ]
    by_sector = [
        {
            **row,
            "name": sector_names.get(row["sector"], ""),
            "url": _with_as_of(f"{sectors_url}{row['sector']}/", as_of),
        }
        for row in figures["by_sector"]
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
            # Logarithmic: the smallest countries' investment stays visible beside China's.
            axes={
                "x": {"title": _("US dollars"), "position": "bottom", "money": True, "log": True}
            },
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
    recent = (
        _published().resident_on(as_of.day).order_by("-resident_since", "-pk")[:RECENT_RESIDENTS]
    )
    return render(
        request,
        "companies/home.html",
        {
            "as_of": as_of,
            "totals": figures["totals"],
            "by_year": by_year,
            "by_country": by_investment,
            "by_sector": by_sector,
            "charts": charts,
            "columns": TOTALS_COLUMNS,
            "recent": recent,
        },
        status=_status(as_of),
    )


@require_safe
@kept_page
def company_list(request: HttpRequest) -> HttpResponse:
    """The directory: the API's FilterSet over the published companies, a page at a time."""
    query = params.without_blanks(request.GET)
    filterset = CompanyFilter(query, queryset=Company.objects.published())
    codes = cached_per_revision(
        "countries", selectors.companies_countries, revision=request_revision(request)
    )
    sectors = _sectors()
    status_chosen = query.getlist("status")
    context = {
        "filterset": filterset,
        "country_options": _country_options(codes, query.getlist("country")),
        "sectors": _sector_names(sectors).items(),
        "statuses": Company.Status.choices,
        "orderings": ORDERINGS,
        "selected": {name: query.getlist(name) for name in ("sector", "status")},
        "filtered": any(name != "page" for name in query),
        "status_chosen": [dict(Company.Status.choices).get(s, s) for s in status_chosen],
        "as_of": AsOf(day=timezone.localdate()),
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
    companies = filterset.qs
    day = filterset.day
    if day is None:
        # Today's register: the same annotations, read from the current columns.
        companies = selectors.companies_with_figures_as_of(
            companies=companies, day=timezone.localdate()
        )
    else:
        context["as_of"] = AsOf(day=day, asked=True)
    context["page_obj"] = page = _page(request, _company_values(companies))
    context["rows"] = _company_rows(page.object_list, sectors=sectors)
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
@kept_page
def country_list(request: HttpRequest) -> HttpResponse:
    """The countries of the residents on the day (selectors.park_countries, as the API's
    countries/), with their totals."""
    as_of = _as_of(request)
    names = _country_names(translation.get_language())
    countries_url = reverse("companies:country-list")
    rows = [
        {
            **row,
            "name": names.get(row["country"], row["country"]),
            "url": _with_as_of(f"{countries_url}{row['country']}/", as_of),
        }
        for row in _figures(
            request, "countries", as_of.day, lambda: selectors.park_countries(as_of=as_of.day)
        )
    ]
    return render(
        request,
        "companies/country_list.html",
        {"as_of": as_of, "rows": rows},
        status=_status(as_of),
    )


@require_safe
@kept_page
def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    name = _country_names(translation.get_language()).get(code)
    if not name:
        raise Http404(_("There is no country with this code."))
    as_of = _as_of(request)
    companies = Company.objects.published().filter(country=code)
    if not companies.exists():
        raise Http404(_("No published company comes from this country."))
    page, rows = _register_page(request, companies, as_of=as_of)
    totals = selectors.park_totals(as_of=as_of.day, among=selectors.Among(countries=(code,)))
    return render(
        request,
        "companies/country_detail.html",
        {
            "as_of": as_of,
            "code": code,
            "name": name,
            "page_obj": page,
            "rows": rows,
            "totals": totals,
        },
        status=_status(as_of),
    )


@require_safe
@kept_page
def sector_list(request: HttpRequest) -> HttpResponse:
    """Every sector, with its residents' totals on the day."""
    as_of = _as_of(request)
    totals = {
        row["sector"]: row
        for row in _figures(
            request,
            "sectors",
            as_of.day,
            lambda: selectors.park_totals_by(group="sector", as_of=as_of.day),
        )
    }
    sectors_url = reverse("companies:sector-list")
    rows = [
        {
            **totals.get(slug, {}),
            "slug": slug,
            "name": name,
            "url": _with_as_of(f"{sectors_url}{slug}/", as_of),
        }
        for slug, name in _sector_names(_sectors()).items()
    ]
    rows.sort(key=lambda row: -row.get("companies", 0))
    return render(
        request,
        "companies/sector_list.html",
        {"as_of": as_of, "rows": rows},
        status=_status(as_of),
    )


@require_safe
@kept_page
def sector_detail(request: HttpRequest, slug: str) -> HttpResponse:
    sector = get_object_or_404(Sector, slug=slug)
    as_of = _as_of(request)
    companies = Company.objects.published().filter(sector=sector)
    page, rows = _register_page(request, companies, as_of=as_of)
    totals = selectors.park_totals(as_of=as_of.day, among=selectors.Among(sectors=(sector.pk,)))
    return render(
        request,
        "companies/sector_detail.html",
        {"as_of": as_of, "sector": sector, "page_obj": page, "rows": rows, "totals": totals},
        status=_status(as_of),
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
