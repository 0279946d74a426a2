"""A deterministic, realistic demo register, and large synthetic ones for benchmarks.

The demo reproduces the park's published snapshot as of 2021-06-30 exactly: 71 resident
companies from 13 countries, declared investment over $1.2 billion, over 1,000 direct
jobs. The names are invented; the shape (China and Belarus lead, residents since 2014,
realised investment a fraction of the declared) follows public reports on the park.
"""

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from . import services
from .models import Claim, Company, Report, Sector

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
           "Weixing", "Dongfang", "Sanhe", "Zhenhua", "Guotai", "Minghua"],
    "BY": ["Neman", "Svisloch", "Berezina", "Polesie", "Pripyat", "Belmash", "Narach",
           "Sozh", "Dvina", "Zaslavl", "Smolevichi", "Braslav"],
    "RU": ["Volga", "Uralpribor", "Sibtech", "Neva"],
    "DE": ["Rheinwerk", "Havel", "Elbtal"],
    "AT": ["Donautech", "Alpina"],
    "LT": ["Baltik"],
    "US": ["Lakeshore", "Redwood"],
    "IL": ["Negev"],
    "KZ": ["Steppe"],
    "CH": ["Jura"],
    "SE": ["Nordvik"],
    "KR": ["Hanbit"],
    "LV": ["Daugava"],
    "UZ": ["Samarkand"],
    "AE": ["Gulfstar"],
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

# Residents on the snapshot day, by country (71 companies from 13 countries).
SNAPSHOT_COUNTRIES = {
    "CN": 36, "BY": 17, "RU": 4, "DE": 3, "AT": 2, "US": 2,
    "LT": 1, "IL": 1, "KZ": 1, "CH": 1, "SE": 1, "KR": 1, "LV": 1,
}  # fmt: skip
# ... and by year of registration (the first-half of 2021 last).
SNAPSHOT_YEARS = {2014: 2, 2015: 5, 2016: 7, 2017: 12, 2018: 15, 2019: 14, 2020: 10, 2021: 6}
# Declared investment on the snapshot day adds up to this (USD), jobs to about this.
SNAPSHOT_DECLARED = Decimal("1263400000")
SNAPSHOT_JOBS = 1080

SNAPSHOT_CLAIM = {
    "statement": (
        "71 companies from 13 countries, an estimated total investment of more than "
        "$1.2 billion and more than 1,000 direct jobs."
    ),
    "claimed_on": SNAPSHOT_DAY,
    "date_is_approximate": True,
    "source": "Park administration, published snapshot (undated; figures as of mid-2021)",
    "companies": 71,
    "countries": 13,
    "declared_investment": Decimal("1200000000"),
    "declared_investment_qualifier": Claim.Qualifier.MORE_THAN,
    "direct_jobs": 1000,
    "direct_jobs_qualifier": Claim.Qualifier.MORE_THAN,
}

# For local use only: load_demo refuses to create it unless debug is on.
DEMO_EDITOR = "editor"
DEMO_EDITOR_PASSWORD = "great-stone-demo"

# The last year for which demo companies reported.
LAST_REPORT_YEAR = 2025


class DemoBuilder:
    """Builds the demo register in memory, deterministically, then saves it in bulk."""

    def __init__(self):
        self.rng = random.Random(SEED)
        self.names: set[str] = set()
        self.companies: list[Company] = []
        self.reports: list[Report] = []

    def build(self, sectors: dict[str, Sector]) -> None:
        snapshot = self._snapshot_residents()
        for country, day in snapshot:
            self._add(sectors, country=country, since=day, published=True)
        # Four snapshot residents left later; three companies had left before it.
        for company in self.rng.sample(self.companies[10:], 4):
            self._exit(company, on=self._day_between(date(2022, 3, 1), date(2024, 11, 30)))
        for country, since, left in [
            ("CN", date(2016, 4, 12), date(2019, 8, 30)),
            ("RU", date(2017, 9, 1), date(2020, 2, 14)),
            ("DE", date(2018, 5, 21), date(2021, 1, 29)),
        ]:
            self._exit(self._add(sectors, country=country, since=since, published=True), on=left)
        # A resident whose record editors are still checking: a draft.
        self._add(sectors, country="BY", since=date(2019, 10, 3), published=False)
        # Residents registered after the snapshot, some from new countries.
        later = ["CN"] * 18 + ["BY"] * 9 + ["RU", "RU", "UZ", "UZ", "AE", "TR", "PL", "KZ", "DE"]
        for country in later:
            since = self._day_between(date(2021, 7, 1), date(2025, 10, 31))
            self._add(sectors, country=country, since=since, published=True)
        for country, published in [("CN", True), ("CN", True), ("BY", True), ("CN", False),
                                   ("UZ", False)]:  # fmt: skip
            self._add(sectors, country=country, since=None, published=published)
        self._scale_to_snapshot()

    def _snapshot_residents(self) -> list[tuple[str, date]]:
        countries = [c for c, n in SNAPSHOT_COUNTRIES.items() for _ in range(n)]
        self.rng.shuffle(countries)
        # The first residents were Chinese and Belarusian, as in the park.
        countries.sort(key=lambda c: c not in ("CN", "BY"))
        days = []
        for year, count in SNAPSHOT_YEARS.items():
            start = date(year, 1, 15) if year > 2014 else date(2014, 9, 1)
            end = min(date(year, 12, 20), SNAPSHOT_DAY - timedelta(days=20))
            days += sorted(self._day_between(start, end) for _ in range(count))
        return list(zip(countries, days, strict=True))

    def _day_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randrange((end - start).days + 1))

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
        if since:
            self._add_reports(company)
        return company

    def _add_reports(self, company: Company) -> None:
        rng = self.rng
        declared = Decimal(rng.choice([2, 3, 5, 8, 10, 12, 15, 20, 25, 30, 40, 60])) * 10**6
        jobs = rng.randint(4, 30)
        share = Decimal(rng.choice([5, 8, 10, 15])) / 100
        days = [company.resident_since] + [
            date(year, 12, 31) for year in range(company.resident_since.year, LAST_REPORT_YEAR + 1)
        ]
        for n, day in enumerate(days):
            if n and rng.random() < 0.12:
                declared = (declared * Decimal("1.25")).quantize(Decimal(1))
            report = Report(
                company=company,
                reported_on=day,
                declared_investment=declared,
                realised_investment=min(declared, declared * share * n),
                direct_jobs=jobs + n * rng.randint(0, 6),
                source=f"Annual report {day.year}" if n else "Investment agreement",
            )
            # Some reports leave figures out, as real ones do.
            if n and rng.random() < 0.15:
                report.realised_investment = None
            if n and rng.random() < 0.1:
                report.direct_jobs = None
            self.reports.append(report)

    def _exit(self, company: Company, *, on: date) -> None:
        company.status = Company.Status.EXITED
        company.exited_on = on
        company.exit_reason = self.rng.choice(
            [
                "Project cancelled by the investor.",
                "Moved production to another free economic zone.",
                "Merged into another resident.",
                "Liquidated after the parent company's restructuring.",
            ]
        )
        self.reports = [r for r in self.reports if r.company is not company or r.reported_on <= on]

    def _scale_to_snapshot(self) -> None:
        """Scale the snapshot residents' figures so the snapshot totals come out as published."""
        as_of = {}
        for report in sorted(self.reports, key=lambda r: r.reported_on):
            company = report.company
            if report.reported_on <= SNAPSHOT_DAY and _resident_on(company, SNAPSHOT_DAY):
                as_of.setdefault(company.name, {})["declared"] = report.declared_investment
                if report.direct_jobs is not None:
                    as_of[company.name]["jobs"] = report.direct_jobs
        counted = [c for c in self.companies if c.name in as_of and c.is_published]
        declared = sum(as_of[c.name]["declared"] for c in counted)
        jobs = sum(as_of[c.name].get("jobs", 0) for c in counted)
        money_factor = SNAPSHOT_DECLARED / declared
        jobs_factor = Decimal(SNAPSHOT_JOBS) / jobs
        for report in self.reports:
            for field in ("declared_investment", "realised_investment"):
                value = getattr(report, field)
                if value is not None:
                    setattr(report, field, (value * money_factor).quantize(Decimal(1)))
            if report.direct_jobs is not None:
                report.direct_jobs = max(1, round(report.direct_jobs * jobs_factor))


def _resident_on(company: Company, day: date) -> bool:
    return (
        company.resident_since is not None
        and company.resident_since <= day
        and (company.exited_on is None or company.exited_on > day)
    )


@transaction.atomic
def demo_load() -> bool:
    """Load the demo register unless it is there already; returns whether it loaded."""
    if Claim.objects.filter(statement=SNAPSHOT_CLAIM["statement"]).exists():
        return False
    sectors = {}
    for slug, en, ru, zh in SECTORS:
        sectors[slug], _ = Sector.objects.get_or_create(
            slug=slug, defaults={"name_en": en, "name_ru": ru, "name_zh_hans": zh}
        )
    builder = DemoBuilder()
    builder.build(sectors)
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
    Claim.objects.create(**SNAPSHOT_CLAIM)
    return True


SYNTHETIC_COUNTRIES = ["CN"] * 10 + ["BY"] * 6 + ["RU", "RU", "DE", "KZ", "UZ", "AE", "TR", "PL"]


def synthetic_load(
    *, total: int, batch_size: int = 5000, progress: Callable[[int], None] | None = None
) -> int:
    """Add synthetic residents (registered after the snapshot day) until the register holds
    `total` companies; returns how many were added. Index i always yields the same company,
    so a larger total extends a smaller one."""
    sectors = list(Sector.objects.all())
    if not sectors:
        raise ValueError("Load the demo register first: synthetic companies need sectors.")
    synthetic = Company.objects.filter(slug__startswith="synthetic-").count()
    missing = total - Company.objects.count()
    added = 0
    for start in range(synthetic, synthetic + max(missing, 0), batch_size):
        stop = min(start + batch_size, synthetic + missing)
        built = [_synthetic_company(i, sectors[i % len(sectors)]) for i in range(start, stop)]
        with transaction.atomic():
            Company.objects.bulk_create([company for company, _ in built])
            for company, reports in built:
                for report in reports:
                    report.company = company
            Report.objects.bulk_create([report for _, reports in built for report in reports])
        added += len(built)
        if progress:
            progress(len(built))
    if added:
        services.register_touch()
    return added


def _synthetic_company(index: int, sector: Sector) -> tuple[Company, list[Report]]:
    rng = random.Random(index)
    country = rng.choice(SYNTHETIC_COUNTRIES)
    prefix = rng.choice(NAME_PREFIXES[country])
    core = rng.choice(NAME_CORES.get(sector.slug) or ["Industries"])
    name = f"{prefix} {core} {index + 1:07d}"
    since = date(2021, 7, 1) + timedelta(days=rng.randrange(1500))
    today = timezone.localdate()
    reports = []
    declared = Decimal(rng.randrange(1, 80) * 250_000)
    jobs = rng.randint(3, 60)
    for n, year in enumerate(range(since.year, min(since.year + 3, today.year))):
        reports.append(
            Report(
                reported_on=date(year, 12, 31),
                declared_investment=declared,
                realised_investment=(declared * Decimal(n + 1) / 10).quantize(Decimal(1)),
                direct_jobs=jobs + 5 * n,
                source=f"Annual report {year}",
            )
        )
    latest = reports[-1] if reports else None
    company = Company(
        name=name,
        slug=f"synthetic-{index + 1:07d}",
        legal_name=f"{name} LLC",
        country=country,
        sector=sector,
        status=Company.Status.RESIDENT,
        resident_since=since,
        description_en=f"{name} is a synthetic resident for benchmarks.",
        is_published=rng.random() > 0.02,
        # Derived figures are set here, from the reports built above, to spare a
        # second pass over a large register.
        declared_investment=latest.declared_investment if latest else None,
        realised_investment=latest.realised_investment if latest else None,
        direct_jobs=latest.direct_jobs if latest else None,
    )
    return company, reports


def demo_editor_ensure():
    """Create (or reset) the demo editor: staff, in the Editors group, not a superuser."""
    user, _ = get_user_model().objects.get_or_create(username=DEMO_EDITOR)
    user.is_staff = True
    user.set_password(DEMO_EDITOR_PASSWORD)
    user.save()
    user.groups.add(services.editors_group_sync())
    return user
