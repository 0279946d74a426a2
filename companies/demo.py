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
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from modeltranslation import settings as mt_settings
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname
from simple_history.utils import bulk_create_with_history

from . import selectors, services
from .models import Claim, Company, FigureChange, FigureSnapshot, Report, Sector

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
    services.ledger_companies_added(company_ids=[company.pk for company in saved.values()])
    Claim.objects.create(**SNAPSHOT_CLAIM)
    return True


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
        services.register_touch()
        _analyze_after_load()
    return added


def synthetic_values(*, index: int, sector: Sector, today: date) -> tuple[dict, list[dict]]:
    """The synthetic company number `index` and its reports, as field values (attnames).

    Its current figures are set here from the reports built beside them, as
    company_refresh_figures would set them, to spare a second pass over a large register."""
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
                "source": f"Annual report {year}",
            }
        )
    latest = reports[-1] if reports else {}
    company = {
        "name": name,
        "slug": f"synthetic-{index + 1:07d}",
        "legal_name": f"{name} LLC",
        "country": country,
        "sector_id": sector.pk,
        "status": Company.Status.RESIDENT.value,
        "resident_since": since,
        "description_en": f"{name} is a synthetic resident for benchmarks.",
        "is_published": rng.random() > 0.02,
        **{figure: latest.get(figure) for figure in selectors.FIGURES},
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
            row[original] = row[localized]
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
