"""A deterministic, realistic demo register, and large synthetic ones for benchmarks.

The demo follows the park's published trajectory: as of the day of every statement marked
`reference` in the published claims (CLAIMS_FILE, which load_demo imports as the demo's
claims), the register agrees with it, from 7 residents in May 2015 through the 2021
snapshot (71 companies from 13 countries, declared investment over $1.2 billion, over
1,000 direct jobs) to 171 residents from 16 countries and about $1.7 billion declared at
the end of 2025. The statements that contradict those it then does not agree with. The
names are invented; the shape (China and Belarus lead, residents since 2014, realised
investment a fraction of the declared) follows public reports on the park.
"""

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from modeltranslation import settings as mt_settings
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname
from simple_history.utils import bulk_create_with_history

from . import imports, selectors, services
from .models import Company, FigureChange, FigureSnapshot, Report, Sector
from .resources import ClaimResource
from .text import name_key

SNAPSHOT_DAY = date(2021, 6, 30)
SEED = 20210630

# slug, English, Russian, Simplified Chinese
SECTORS = [
    ("electronics-telecom", "Electronics and telecommunications",
     "Электроника и телекоммуникации", "电子与通信"),
    ("machine-building", "Machine building", "Машиностроение", "机械制造"),
    ("new-materials", "New materials", "Новые материалы", "新材料"),
    ("fine-chemistry", "Fine chemistry", "Тонкая химия", "精细化工"),
    ("biomedicine", "Biomedicine and pharmaceuticals",
     "Биомедицина и фармацевтика", "生物医药"),
    ("logistics", "Logistics", "Логистика", "物流"),
    ("e-commerce", "E-commerce", "Электронная коммерция", "电子商务"),
    ("big-data", "Big data", "Большие данные", "大数据"),
    ("research", "Research and development", "Научные исследования и разработки", "研发"),
    ("social-cultural", "Social and cultural activities",
     "Социально-культурная деятельность", "社会文化活动"),
]  # fmt: skip

# What each sector's companies make: English, Russian, Chinese.
PRODUCTS = {
    "electronics-telecom": ("5G network equipment", "оборудование сетей 5G", "5G网络设备"),
    "machine-building": ("road-building machinery", "дорожно-строительную технику", "筑路机械"),
    "new-materials": ("composite materials", "композитные материалы", "复合材料"),
    "fine-chemistry": ("specialty coatings", "специальные покрытия", "特种涂料"),
    "biomedicine": ("generic medicines and vaccines", "дженерики и вакцины", "仿制药和疫苗"),
    "logistics": ("warehousing and rail freight", "складские услуги и ж/д перевозки",
                  "仓储和铁路货运"),
    "e-commerce": ("a cross-border marketplace", "трансграничный маркетплейс", "跨境电商平台"),
    "big-data": ("data-centre services", "услуги центров обработки данных", "数据中心服务"),
    "research": ("applied research for industry", "прикладные исследования для промышленности",
                 "工业应用研究"),
    "social-cultural": ("education and exhibitions", "образование и выставки", "教育和展览"),
}  # fmt: skip

# Name parts by country; each country's companies are named from its own pool.
NAME_PREFIXES = {
    "CN": ["Huaxin", "Zhongke", "Tianrui", "Jinlong", "Hengtai", "Xinhai", "Changfeng",
           "Ruida", "Baolong", "Yuanhang", "Kaida", "Shengtai", "Longxing", "Haitian",
           "Weixing", "Dongfang", "Sanhe", "Zhenhua", "Guotai", "Minghua", "Tongda", "Huarui",
           "Jiahe", "Xinyuan", "Lianfeng", "Hongda", "Fuxing", "Taihe", "Yongsheng"],
    "BY": ["Neman", "Svisloch", "Berezina", "Polesie", "Pripyat", "Belmash", "Narach",
           "Sozh", "Dvina", "Zaslavl", "Smolevichi", "Braslav", "Lida", "Orsha", "Grodno",
           "Vitebsk", "Pinsk", "Slonim"],
    "RU": ["Volga", "Uralpribor", "Sibtech", "Neva", "Kama", "Ladoga"],
    "DE": ["Rheinwerk", "Havel", "Elbtal"],
    "AT": ["Donautech", "Alpina"],
    "LT": ["Baltik"],
    "US": ["Lakeshore", "Redwood"],
    "IL": ["Negev"],
    "KZ": ["Steppe", "Altyn"],
    "CH": ["Jura"],
    "SE": ["Nordvik"],
    "KR": ["Hanbit"],
    "LV": ["Daugava"],
    "UZ": ["Samarkand", "Tashkent"],
    "AE": ["Gulfstar", "Oasis"],
    "TR": ["Anadolu"],
    "PL": ["Wisla"],
}  # fmt: skip
NAME_CORES = {
    "electronics-telecom": ["Telecom", "Photonics", "Electronics"],
    "machine-building": ["Machinery", "Heavy Industries", "Motors"],
    "new-materials": ["Materials", "Composites"],
    "fine-chemistry": ["Chemicals", "Coatings"],
    "biomedicine": ["Pharma", "Biotech", "Medical"],
    "logistics": ["Logistics", "Freight"],
    "e-commerce": ["Trade", "Commerce"],
    "big-data": ["Data", "Cloud"],
    "research": ["Research", "Labs"],
    "social-cultural": ["Education", "Culture"],
}

# How common each sector is among residents.
SECTOR_WEIGHTS = {
    "electronics-telecom": 18, "machine-building": 16, "new-materials": 8,
    "fine-chemistry": 6, "biomedicine": 12, "logistics": 12, "e-commerce": 8,
    "big-data": 6, "research": 10, "social-cultural": 4,
}  # fmt: skip

# The statements public sources made about the park, loaded as the demo's claims.
CLAIMS_FILE = Path(__file__).resolve().parent / "data" / "published-claims.csv"

# For local use only: load_demo refuses to create it unless debug is on.
DEMO_EDITOR = "editor"
DEMO_EDITOR_PASSWORD = "great-stone-demo"


# Residents joining the park, period by period: the period's last day, how many published
# residents the park had on it (as the park's published statements give them: the claims
# marked `reference` in CLAIMS_FILE), who joined (country: how many), and who left
# during it (the day, and the country of the resident that left).
TRAJECTORY = [
    (date(2015, 5, 12), 7, {"CN": 4, "BY": 3}, []),
    (date(2017, 9, 28), 19, {"CN": 6, "BY": 3, "RU": 1, "DE": 1, "US": 1}, []),
    (date(2018, 5, 14), 34, {"CN": 7, "BY": 4, "RU": 1, "AT": 1, "LT": 1, "IL": 1}, []),
    (date(2018, 12, 31), 41, {"CN": 4, "BY": 2, "DE": 1}, []),
    (date(2019, 10, 31), 55,
     {"CN": 6, "BY": 3, "RU": 1, "KZ": 1, "CH": 1, "SE": 1, "KR": 1, "LV": 1},
     [(date(2019, 8, 30), "CN")]),
    (date(2020, 5, 12), 60, {"CN": 3, "BY": 2, "RU": 1}, [(date(2020, 2, 14), "RU")]),
    (date(2021, 6, 30), 71, {"CN": 6, "BY": 3, "DE": 1, "RU": 1, "KZ": 1},
     [(date(2021, 1, 29), "DE")]),
    (date(2022, 5, 11), 90, {"CN": 10, "BY": 6, "RU": 2, "UZ": 1, "DE": 1},
     [(date(2022, 3, 15), "CN")]),
    (date(2022, 11, 3), 99, {"CN": 5, "BY": 3, "RU": 1, "KZ": 1}, [(date(2022, 9, 20), "BY")]),
    (date(2023, 4, 30), 108, {"CN": 4, "BY": 3, "AE": 1, "UZ": 1}, []),
    (date(2023, 12, 31), 120, {"CN": 7, "BY": 4, "RU": 1, "UZ": 1},
     [(date(2023, 7, 10), "CN")]),
    # Sweden's only resident leaves: 14 countries in April 2024.
    (date(2024, 4, 20), 132, {"CN": 7, "BY": 4, "RU": 1, "KZ": 1}, [(date(2024, 2, 12), "SE")]),
    (date(2025, 6, 30), 157,
     {"CN": 13, "BY": 7, "RU": 2, "TR": 1, "UZ": 1, "DE": 1, "AE": 1},
     [(date(2024, 11, 5), "BY")]),
    (date(2025, 12, 31), 171, {"CN": 7, "BY": 4, "RU": 1, "PL": 1, "KZ": 1}, []),
]  # fmt: skip
FIRST_RESIDENT_DAY = date(2014, 9, 1)

# Declared investment of the published residents on these days (USD), as the park's
# statements give it (about $1.1 billion in May 2018 ... about $1.7 billion at the end
# of 2025); the residents who joined since the previous day committed the difference.
DECLARED_ON = {
    date(2018, 5, 14): 1_100_000_000,
    date(2018, 12, 31): 1_120_000_000,
    date(2020, 5, 12): 1_200_000_000,
    date(2021, 6, 30): 1_230_000_000,
    date(2022, 5, 11): 1_260_000_000,
    date(2023, 4, 30): 1_330_000_000,
    date(2023, 12, 31): 1_400_000_000,
    date(2025, 6, 30): 1_600_000_000,
    date(2025, 12, 31): 1_700_000_000,
}
# Direct jobs of the published residents at each year's end: under 1,000 at the end of
# 2020, about 2,820 at the end of 2023.
JOBS_AT_YEAR_END = {
    2014: 15, 2015: 70, 2016: 160, 2017: 310, 2018: 520, 2019: 740, 2020: 960,
    2021: 1450, 2022: 2100, 2023: 2820, 2024: 3450, 2025: 4100,
}  # fmt: skip
# ... and over 1,000 in mid-2021, when the residents of the first half of 2021 count.
JOBS_ON = (SNAPSHOT_DAY, 1060)
# A resident whose record editors are still checking (a draft), and applicants.
DRAFT = ("BY", date(2019, 10, 3))
APPLICANTS = [("CN", True), ("CN", True), ("BY", True), ("CN", False), ("UZ", False)]
# Chinese investors made the largest commitments, as in the park.
COUNTRY_WEIGHT = {"CN": 3, "BY": 1.5}
# In English, Russian and Chinese.
EXIT_REASONS = [
    ("Project cancelled by the investor.", "Инвестор отказался от проекта.", "投资者取消了项目。"),
    (
        "Moved production to another free economic zone.",
        "Перенесла производство в другую свободную экономическую зону.",
        "将生产迁至另一个自由经济区。",
    ),
    ("Merged into another resident.", "Присоединена к другому резиденту.", "并入另一家入驻企业。"),
    (
        "Liquidated after the parent company's restructuring.",
        "Ликвидирована после реструктуризации материнской компании.",
        "母公司重组后清算。",
    ),
]


def report_source(year: int | None) -> dict[str, str]:
    """A demo report's source in each language: the annual report of `year`, or (None)
    the investment agreement."""
    if year is None:
        return {
            "source_en": "Investment agreement",
            "source_ru": "Инвестиционный договор",
            "source_zh_hans": "投资协议",
        }
    return {
        "source_en": f"Annual report {year}",
        "source_ru": f"Годовой отчёт за {year} год",
        "source_zh_hans": f"{year}年年度报告",
    }


# The last year for which demo companies reported.
LAST_REPORT_YEAR = 2025


class DemoBuilder:
    """Builds the demo register in memory, deterministically, then saves it in bulk."""

    def __init__(self):
        self.rng = random.Random(SEED)
        self.names: set[str] = set()
        self.companies: list[Company] = []
        self.reports: list[Report] = []
        self.declared: dict[int, int] = {}

    def build(self, sectors: dict[str, Sector]) -> None:
        start = FIRST_RESIDENT_DAY
        for end, _residents, joined, left in TRAJECTORY:
            countries = [c for c, n in joined.items() for _ in range(n)]
            self.rng.shuffle(countries)
            days = self._days_between(start, end, len(countries))
            for day, country in zip(days, countries, strict=True):
                self._add(sectors, country=country, since=day, published=True)
            for day, country in left:
                self._exit(self._leaving(country, day), on=day)
            start = end + timedelta(days=1)
        self._add(sectors, country=DRAFT[0], since=DRAFT[1], published=False)
        for country, published in APPLICANTS:
            self._add(sectors, country=country, since=None, published=published)
        self._commit_investment()
        for company in self.companies:
            if company.resident_since:
                self._add_reports(company)
        self._fit_jobs()

    def _days_between(self, start: date, end: date, count: int) -> list[date]:
        """`count` days spread over start..end, each in its own stretch; never a 31
        December, the day of the annual reports."""
        span = (end - start).days + 1
        days = []
        for n in range(count):
            first, last = n * span // count, (n + 1) * span // count - 1
            day = start + timedelta(days=self.rng.randint(first, max(first, last)))
            days.append(day - timedelta(days=1) if (day.month, day.day) == (12, 31) else day)
        return days

    def _leaving(self, country: str, day: date) -> Company:
        stayers = [
            c
            for c in self.companies
            if c.country == country and c.is_published and _resident_on(c, day)
        ]
        return self.rng.choice(stayers[:-1] or stayers)

    def _name(self, country: str, sector: str) -> str:
        for _ in range(100):
            prefix = self.rng.choice(NAME_PREFIXES[country])
            name = f"{prefix} {self.rng.choice(NAME_CORES[sector])}"
            if name.lower() in self.names:
                name = f"{prefix} {self.rng.choice(['Group', 'Systems', 'International'])} " + (
                    self.rng.choice(NAME_CORES[sector])
                )
            if name.lower() not in self.names:
                self.names.add(name.lower())
                return name
        raise RuntimeError(f"No free company name for {country}/{sector}")

    def _add(self, sectors, *, country: str, since: date | None, published: bool) -> Company:
        sector_slug = self.rng.choices(list(SECTOR_WEIGHTS), weights=SECTOR_WEIGHTS.values())[0]
        name = self._name(country, sector_slug)
        product_en, product_ru, product_zh = PRODUCTS[sector_slug]
        company = Company(
            name=name,
            slug=slugify(name),
            legal_name=f"{name} LLC",
            country=country,
            sector=sectors[sector_slug],
            status=Company.Status.RESIDENT if since else Company.Status.APPLICANT,
            resident_since=since,
            description_en=f"{name} makes {product_en} in the park.",
            description_ru=f"Компания {name} производит в парке {product_ru}.",
            description_zh_hans=f"{name}在园区生产{product_zh}。",
            website=f"https://www.{slugify(name)}.example",
            is_published=published,
        )
        self.companies.append(company)
        return company

    def _exit(self, company: Company, *, on: date) -> None:
        company.status = Company.Status.EXITED
        company.exited_on = on
        reason = self.rng.choice(EXIT_REASONS)
        company.exit_reason_en, company.exit_reason_ru, company.exit_reason_zh_hans = reason

    def _amount(self, country: str) -> int:
        """A commitment's relative size: a few large investors, many small ones."""
        return self.rng.choice([1, 2, 3, 5, 8, 12, 20]) * COUNTRY_WEIGHT.get(country, 1)

    def _commit_investment(self) -> None:
        """Each resident's declared investment (USD), so that the published residents'
        total on each day of DECLARED_ON is the one given there."""
        published = [c for c in self.companies if c.is_published and c.resident_since]
        previous_day, previous_total = date.min, 0
        for day, total in DECLARED_ON.items():
            joined = [c for c in published if previous_day < c.resident_since <= day]
            staying = [c for c in joined if _resident_on(c, day)]
            for company in joined:
                if company not in staying:
                    self.declared[company.slug] = self._amount(company.country) * 1_000_000
            left_earlier = [
                c for c in published
                if c.exited_on and previous_day < c.exited_on <= day and c not in joined
            ]  # fmt: skip
            share = total - previous_total + sum(self.declared[c.slug] for c in left_earlier)
            weights = [self._amount(c.country) for c in staying]
            amounts = [share * w // sum(weights) // 10_000 * 10_000 for w in weights]
            amounts[weights.index(max(weights))] += share - sum(amounts)
            self.declared.update(zip((c.slug for c in staying), amounts, strict=True))
            previous_day, previous_total = day, total
        for company in self.companies:
            self.declared.setdefault(company.slug, self._amount(company.country) * 1_000_000)

    def _add_reports(self, company: Company) -> None:
        rng = self.rng
        declared = Decimal(self.declared[company.slug])
        jobs = rng.randint(4, 30)
        share = Decimal(rng.choice([3, 4, 5, 6, 8])) / 100
        last = company.exited_on or date(LAST_REPORT_YEAR, 12, 31)
        days = [company.resident_since] + [
            date(year, 12, 31) for year in range(company.resident_since.year, last.year + 1)
        ]
        for n, day in enumerate(d for d in days if d <= last):
            report = Report(
                company=company,
                reported_on=day,
                declared_investment=declared,
                realised_investment=min(declared, (declared * share * n).quantize(Decimal(1))),
                direct_jobs=max(1, jobs // 2) if n == 0 else jobs + n * rng.randint(2, 9),
                **report_source(day.year if n else None),
            )
            # Some reports leave figures out, as real ones do.
            if n and rng.random() < 0.15:
                report.realised_investment = None
            if n and rng.random() < 0.1:
                report.direct_jobs = None
            self.reports.append(report)

    def _fit_jobs(self) -> None:
        """Scale the reported headcounts so that the published residents' jobs come out
        as JOBS_AT_YEAR_END and JOBS_ON give them."""
        by_company: dict[str, list[Report]] = {}
        for report in sorted(self.reports, key=lambda r: r.reported_on):
            by_company.setdefault(report.company.slug, []).append(report)
        targets = [(date(year, 12, 31), jobs) for year, jobs in JOBS_AT_YEAR_END.items()]
        for day, target in sorted([*targets, JOBS_ON]):
            counted, scaled = 0, []
            for company in self.companies:
                if not (company.is_published and _resident_on(company, day)):
                    continue
                reports = [r for r in by_company[company.slug] if r.reported_on <= day]
                latest = next((r for r in reversed(reports) if r.direct_jobs is not None), None)
                if latest is None:
                    continue
                # At a year's end, that day's reports; mid-year, those of the newcomers.
                if latest.reported_on == day or (
                    day.month != 12 and latest.reported_on.year == day.year
                ):
                    scaled.append(latest)
                else:
                    counted += latest.direct_jobs
            raw = sum(r.direct_jobs for r in scaled)
            rest = target - counted
            for report in scaled:
                report.direct_jobs = max(1, report.direct_jobs * rest // raw)
            max(scaled, key=lambda r: r.direct_jobs).direct_jobs += rest - sum(
                r.direct_jobs for r in scaled
            )


def _resident_on(company: Company, day: date) -> bool:
    return (
        company.resident_since is not None
        and company.resident_since <= day
        and (company.exited_on is None or company.exited_on > day)
    )


@transaction.atomic
def demo_load() -> bool:
    """Load the demo register unless it is there already; returns whether it loaded."""
    sectors = {}
    for slug, en, ru, zh in SECTORS:
        sectors[slug], _ = Sector.objects.get_or_create(
            slug=slug, defaults={"name_en": en, "name_ru": ru, "name_zh_hans": zh}
        )
    builder = DemoBuilder()
    builder.build(sectors)
    if Company.objects.filter(slug=builder.companies[0].slug).exists():
        return False
    existing = set(Company.objects.values_list("slug", flat=True))
    companies = [c for c in builder.companies if c.slug not in existing]
    bulk_create_with_history(companies, Company, default_change_reason="demo data")
    saved = {c.slug: c for c in Company.objects.filter(slug__in=[c.slug for c in companies])}
    reports = []
    for report in builder.reports:
        if report.company.slug in saved:
            report.company = saved[report.company.slug]
            reports.append(report)
    bulk_create_with_history(reports, Report, default_change_reason="demo data")
    services.companies_refresh_figures(companies=Company.objects.filter(slug__in=saved))
    services.ledger_companies_added(company_ids=[company.pk for company in saved.values()])
    demo_claims_load()
    return True


def demo_claims_load() -> None:
    """Import the published claims (CLAIMS_FILE) through the editors' claims import."""
    dataset = imports.sheet_read(content=CLAIMS_FILE.read_bytes(), name=CLAIMS_FILE.name)
    result = ClaimResource().import_data(dataset, file_name=CLAIMS_FILE.name)
    if result.problems:
        raise ValueError("\n".join(f"{CLAIMS_FILE.name}: {p}" for p in result.problems))


SYNTHETIC_COUNTRIES = ["CN"] * 10 + ["BY"] * 6 + ["RU", "RU", "DE", "KZ", "UZ", "AE", "TR", "PL"]


def synthetic_missing(*, total: int) -> int:
    """How many synthetic companies `synthetic_load(total=total)` would add."""
    return max(total - Company.objects.count(), 0)


def synthetic_load(
    *,
    total: int,
    batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
    use_copy: bool | None = None,
) -> int:
    """Add synthetic residents (registered after the snapshot day) until the register holds
    `total` companies; returns how many were added. Index i always yields the same company,
    so a larger total extends a smaller one.

    On PostgreSQL the rows go in with COPY (`use_copy`, default: on PostgreSQL), elsewhere
    with bulk_create; either way each batch is one transaction, so an interrupted load
    leaves whole companies with their reports, and the next run carries on from there."""
    sectors = list(Sector.objects.all())
    if not sectors:
        raise ValueError("Load the demo register first: synthetic companies need sectors.")
    if use_copy is None:
        use_copy = connection.vendor == "postgresql"
    write_batch = _copy_batch if use_copy else _bulk_create_batch
    synthetic = Company.objects.filter(slug__startswith="synthetic-").count()
    missing = synthetic_missing(total=total)
    today = timezone.localdate()
    added = 0
    for start in range(synthetic, synthetic + missing, batch_size):
        stop = min(start + batch_size, synthetic + missing)
        built = [
            synthetic_values(index=i, sector=sectors[i % len(sectors)], today=today)
            for i in range(start, stop)
        ]
        with transaction.atomic():
            ids = write_batch(built)
            # Each batch's changes enter the ledger with it; the later snapshots are
            # dropped and taken again once, after the last batch.
            companies = [
                ({**values, "id": pk}, reports)
                for pk, (values, reports) in zip(ids, built, strict=True)
            ]
            services.ledger_apply(
                changes=selectors.ledger_changes_of_values(companies=companies),
                snapshots=False,
            )
        added += len(built)
        if progress:
            progress(len(built))
    if added:
        with transaction.atomic():
            services.register_lock()
            services.ledger_snapshots_extend()
            services.ledger_cluster()
        services.register_touch()
        _analyze_after_load()
    return added


def synthetic_values(*, index: int, sector: Sector, today: date) -> tuple[dict, list[dict]]:
    """The synthetic company number `index` and its reports, as field values (attnames).

    Its current figures, with their reports' dates and sources, are set here from the
    reports built beside them, as company_refresh_figures would set them, to spare a
    second pass over a large register."""
    rng = random.Random(index)
    country = rng.choice(SYNTHETIC_COUNTRIES)
    prefix = rng.choice(NAME_PREFIXES[country])
    core = rng.choice(NAME_CORES.get(sector.slug) or ["Industries"])
    name = f"{prefix} {core} {index + 1:07d}"
    since = date(2021, 7, 1) + timedelta(days=rng.randrange(1500))
    reports = []
    declared = Decimal(rng.randrange(1, 80) * 250_000)
    jobs = rng.randint(3, 60)
    for n, year in enumerate(range(since.year, min(since.year + 3, today.year))):
        reports.append(
            {
                "reported_on": date(year, 12, 31),
                "declared_investment": declared,
                "realised_investment": (declared * Decimal(n + 1) / 10).quantize(Decimal(1)),
                "direct_jobs": jobs + 5 * n,
                **report_source(year),
            }
        )
    latest = {}
    for report in reports:  # oldest first: the last report with a figure gives it
        for figure in selectors.FIGURES:
            if report[figure] is not None:
                latest[figure] = report[figure]
                latest[f"{figure}_reported_on"] = report["reported_on"]
                for copy, source in selectors.source_copies(figure).items():
                    latest[copy] = report[source]
    company = {
        "name": name,
        "name_key": name_key(name),
        "slug": f"synthetic-{index + 1:07d}",
        "legal_name": f"{name} LLC",
        "country": country,
        "sector_id": sector.pk,
        "status": Company.Status.RESIDENT.value,
        "resident_since": since,
        "description_en": f"{name} is a synthetic resident for benchmarks.",
        "is_published": rng.random() > 0.02,
        **{figure: latest.get(figure) for figure in selectors.FIGURES},
        **{
            column: latest.get(column)
            for figure in selectors.FIGURES
            for column in (f"{figure}_reported_on", *selectors.source_copies(figure))
        },
    }
    return company, reports


def _bulk_create_batch(built: list[tuple[dict, list[dict]]]) -> list[int]:
    companies = Company.objects.bulk_create([Company(**values) for values, _ in built])
    Report.objects.bulk_create(
        [
            Report(company=company, **report)
            for company, (_, reports) in zip(companies, built, strict=True)
            for report in reports
        ]
    )
    return [company.pk for company in companies]


def _copy_batch(built: list[tuple[dict, list[dict]]]) -> list[int]:
    # COPY bypasses the ORM, so the rows carry what save() would add: defaults,
    # timestamps, and the default language's text in the translated fields' own columns.
    now = timezone.now()
    company_table = Company._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [company_table, len(built)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        company_rows = _CopyRows(Company, now=now)
        with cursor.copy(company_rows.statement(with_pk=True)) as copy:
            for pk, (values, _) in zip(ids, built, strict=True):
                copy.write_row([pk, *company_rows.row(values)])
        report_rows = _CopyRows(Report, now=now)
        with cursor.copy(report_rows.statement(with_pk=False)) as copy:
            for pk, (_, reports) in zip(ids, built, strict=True):
                for report in reports:
                    copy.write_row(report_rows.row({"company_id": pk, **report}))
    return ids


class _CopyRows:
    """Turns field values into the full column rows that bulk_create would write."""

    def __init__(self, model: type[models.Model], *, now):
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.pk_column = model._meta.pk.column
        self.table = model._meta.db_table
        self.defaults = {}
        for field in self.fields:
            auto_now = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            self.defaults[field.attname] = now if auto_now else field.get_default()
        self.translated = []
        if model in translator.get_registered_models():
            for original in translator.get_options_for_model(model).fields:
                localized = build_localized_fieldname(original, mt_settings.DEFAULT_LANGUAGE)
                self.translated.append((original, localized))

    def statement(self, *, with_pk: bool) -> str:
        quote = connection.ops.quote_name
        columns = [f.column for f in self.fields]
        if with_pk:
            columns.insert(0, self.pk_column)
        return f"COPY {quote(self.table)} ({', '.join(map(quote, columns))}) FROM STDIN"

    def row(self, values: dict) -> list:
        row = {**self.defaults, **values}
        for original, localized in self.translated:
            row[original] = row[localized] or self.defaults[original]
        return [row[field.attname] for field in self.fields]


def _analyze_after_load() -> None:
    """Fresh planner statistics after a large load, so that queries right after it are
    planned as they will be once autovacuum has caught up; outside a transaction also a
    vacuum, which lets PostgreSQL answer from indexes alone."""
    if connection.vendor != "postgresql":
        return
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for model in (Company, Report, FigureChange, FigureSnapshot):
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")


def demo_editor_ensure():
    """Create (or reset) the demo editor: staff, in the Editors group, not a superuser."""
    user, _ = get_user_model().objects.get_or_create(username=DEMO_EDITOR)
    user.is_staff = True
    user.set_password(DEMO_EDITOR_PASSWORD)
    user.save()
    user.groups.add(services.editors_group_sync())
    return user
