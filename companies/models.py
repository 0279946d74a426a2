"""The register: sectors, resident companies, their reported figures and published claims."""

from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q, TextField, Value
from django.db.models.functions import Coalesce, Lower, Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .text import NameField, NameKeyField, name_key, validate_line, validate_lines
from .validators import (
    ConstraintsCheckedInPython,
    validate_not_in_future,
    validate_report_date,
    validate_residence_date,
)


class CountryCodeField(CountryField):
    """A country by its ISO code, checked against django-countries' table of codes
    instead of by walking the field's choices, which translates and sorts every
    country's name on each validation (2 ms, most of a company's validation)."""

    def validate(self, value, model_instance):
        if value not in self.empty_values and value not in self.countries:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        if value is None and not self.null:
            raise ValidationError(self.error_messages["null"], code="null")
        if not self.blank and value in self.empty_values:
            raise ValidationError(self.error_messages["blank"], code="blank")

    def deconstruct(self):
        # The same column as a CountryField: migrations see no change.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django_countries.fields.CountryField", args, kwargs


# Amounts are US dollars with cents; 16 digits hold up to 99 trillion.
# The columns that search (`q`) reads.
SEARCHED_FIELDS = ("name", "legal_name", "description_en", "description_ru", "description_zh_hans")


class SearchText(models.Func):
    """The searched columns as one text, a space between each and the next: a word of a
    search (which holds no space) is in it exactly when it is in one of the columns.
    With the country, one trigram index serves it on PostgreSQL (company_search_trgm)."""

    arg_joiner = " || ' ' || "
    template = "(%(expressions)s)"
    output_field = models.TextField()

    def __init__(self):
        super().__init__(
            *(Coalesce(F(field), Value(""), output_field=TextField()) for field in SEARCHED_FIELDS)
        )


# A current figure on Company, the date of its report and that report's source.
PROVENANCE = ("", "_reported_on", "_source")
MONEY = {"max_digits": 16, "decimal_places": 2, "validators": [MinValueValidator(0)]}


def version_field() -> models.PositiveIntegerField:
    """The version of a record (Versioned): ETags and If-Match name it."""
    return models.PositiveIntegerField(
        _("version"), default=1, editable=False, help_text=_("Raised by every change.")
    )


class Versioned:
    """Model mixin: every save of a stored record raises its `version` (version_field),
    so that a stale edit, from the admin or the API, is refused."""

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
        super().save(*args, **kwargs)


class UniqueNameKey:
    """Model mixin for a unique `name_key` (text.NameKeyField): its check is reported on
    the name that people edit, as `name_taken_message` (a form never shows the key, and
    would otherwise skip its check)."""

    name_taken_message: str

    def validate_constraints(self, exclude=None):
        exclude = set(exclude or ())
        errors = {}
        try:
            super().validate_constraints(exclude=exclude | {"name_key"})
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        name = self._meta.get_field("name_key").of
        if name not in exclude and self.name_taken():
            message = ValidationError(self.name_taken_message, code="unique")
            errors.setdefault(name, []).append(message)
        if errors:
            raise ValidationError(errors)

    def name_taken(self) -> bool:
        """Whether another record has a name that reads as this one (see text.name_key)."""
        name = getattr(self, self._meta.get_field("name_key").of) or ""
        others = type(self)._default_manager.filter(name_key=name_key(name))
        return others.exclude(pk=self.pk).exists() if self.pk else others.exists()


SECTOR_NAME_TAKEN = _("A sector with this name already exists.")


class Sector(Versioned, UniqueNameKey, models.Model):
    """One of the park's priority areas (electronics, logistics, biomedicine, ...).

    Its name is translated, and its history recorded, in translation.py."""

    name_taken_message = SECTOR_NAME_TAKEN

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = NameField(_("name"), max_length=120)
    name_key = NameKeyField(
        _("name as compared"),
        of="name_en",
        help_text=_("The English name normalised and case-folded: no two sectors share it."),
    )
    version = version_field()

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name_key"],
                name="sector_name_key_unique",
                violation_error_message=SECTOR_NAME_TAKEN,
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("companies:sector-detail", kwargs={"slug": self.slug})


def drafts_visible(user) -> bool:
    """Whether `user` may see unpublished companies: an active user allowed to view
    companies in the admin. Every surface that shows drafts asks this."""
    return user is not None and user.is_active and user.has_perm("companies.view_company")


class CompanyQuerySet(models.QuerySet):
    def published(self):
        """The companies that anonymous visitors may see."""
        return self.filter(is_published=True)

    def visible_to(self, user):
        """Every company for those who may see drafts (drafts_visible), else the published."""
        return self.visible(drafts=drafts_visible(user))

    def visible(self, *, drafts: bool):
        """Every company if `drafts`, else the published."""
        return self.all() if drafts else self.published()

    def resident_on(self, day: date):
        """Companies that were residents on `day`: registered on or before it, not yet exited."""
        return self.filter(resident_since__lte=day).exclude(exited_on__lte=day)


NAME_TAKEN = _("A company with this name already exists.")


def _source_copy(verbose_name) -> models.CharField:
    """A company's copy of the source of a current figure's report in one language."""
    # None: no figure, or no translation (see the English source's comment).
    return models.CharField(verbose_name, max_length=500, null=True, blank=True, editable=False)


class Company(Versioned, UniqueNameKey, ConstraintsCheckedInPython, models.Model):
    """A resident of the park, an applicant for residence, or a former resident.

    Its current figures (as of today) are derived from its reports and kept here with
    their provenance, for listing, filtering and ordering without reading the reports:
    per figure the value, `<figure>_reported_on` (the date of the report it comes from)
    and `<figure>_source` (that report's source in English, copied, and its translations
    in `<figure>_source_ru`, ...). Only services.company_refresh_figures and
    companies_refresh_figures write them.

    Its description and exit reason are translated, and its history recorded, in
    translation.py."""

    name_taken_message = NAME_TAKEN

    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        RESIDENT = "resident", _("Resident")
        EXITED = "exited", _("Exited")

    name = NameField(_("name"), max_length=200)
    name_key = NameKeyField(
        _("name as compared"),
        help_text=_("The name normalised and case-folded: no two companies share it."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=220,
        unique=True,
        blank=True,
        help_text=_("The company's address in URLs; filled in from the name when left empty."),
    )
    legal_name = NameField(_("legal name"), max_length=300, blank=True)
    country = CountryCodeField(
        _("country"), help_text=_("Country of origin of the company's main investor.")
    )
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("primary sector"),
        on_delete=models.PROTECT,
        related_name="companies",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.APPLICANT
    )
    resident_since = models.DateField(
        _("resident since"),
        null=True,
        blank=True,
        validators=[validate_residence_date, validate_not_in_future],
        help_text=_("Date of registration as a resident; empty for applicants."),
    )
    exited_on = models.DateField(
        _("exited on"),
        null=True,
        blank=True,
        validators=[validate_residence_date, validate_not_in_future],
        help_text=_("Only for companies that exited."),
    )
    exit_reason = models.TextField(_("exit reason"), blank=True, validators=[validate_lines])
    description = models.TextField(_("short description"), blank=True, validators=[validate_lines])
    website = models.URLField(_("website"), blank=True)
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Drafts are visible to editors only.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    version = version_field()

    # Current figures, derived from the reports by services.company_refresh_figures.
    declared_investment = models.DecimalField(
        _("declared investment, USD"), null=True, blank=True, editable=False, **MONEY
    )
    realised_investment = models.DecimalField(
        _("realised investment, USD"), null=True, blank=True, editable=False, **MONEY
    )
    direct_jobs = models.PositiveIntegerField(
        _("direct jobs"), null=True, blank=True, editable=False
    )
    # Where each current figure comes from: the date and the source of its report, both
    # None exactly when the figure is (a source "" would be a figure with a blank source).
    # The source is copied rather than pointed to, so that lists and exports read a
    # figure's provenance from the company's own row (no join per figure); the refresh
    # that runs on every report change keeps the copy.
    declared_investment_reported_on = models.DateField(
        _("declared investment reported on"), null=True, blank=True, editable=False
    )
    declared_investment_source = models.CharField(  # noqa: DJ001 (None: no figure, see above)
        _("declared investment source"), max_length=500, null=True, blank=True, editable=False
    )
    realised_investment_reported_on = models.DateField(
        _("realised investment reported on"), null=True, blank=True, editable=False
    )
    realised_investment_source = models.CharField(  # noqa: DJ001 (None: no figure, see above)
        _("realised investment source"), max_length=500, null=True, blank=True, editable=False
    )
    direct_jobs_reported_on = models.DateField(
        _("direct jobs reported on"), null=True, blank=True, editable=False
    )
    direct_jobs_source = models.CharField(  # noqa: DJ001 (None: no figure, see above)
        _("direct jobs source"), max_length=500, null=True, blank=True, editable=False
    )
    # The source in the other languages, copied from the report's translations: None
    # where it has none, and then the source above (English) is shown.
    declared_investment_source_ru = _source_copy(_("declared investment source"))
    declared_investment_source_zh_hans = _source_copy(_("declared investment source"))
    realised_investment_source_ru = _source_copy(_("realised investment source"))
    realised_investment_source_zh_hans = _source_copy(_("realised investment source"))
    direct_jobs_source_ru = _source_copy(_("direct jobs source"))
    direct_jobs_source_zh_hans = _source_copy(_("direct jobs source"))

    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = [Lower("name")]
        constraints = [
            models.UniqueConstraint(
                fields=["name_key"],
                name="company_name_key_unique",
                violation_error_message=NAME_TAKEN,
            ),
            models.CheckConstraint(
                condition=Q(status="applicant", resident_since__isnull=True)
                | Q(status__in=["resident", "exited"], resident_since__isnull=False),
                name="company_resident_since_matches_status",
                violation_error_message=_(
                    "Residents and former residents need a date of residence; "
                    "applicants have none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status="exited", exited_on__isnull=False)
                | (~Q(status="exited") & Q(exited_on__isnull=True)),
                name="company_exit_date_only_when_exited",
                violation_error_message=_(
                    "An exit date is required for exited companies and allowed for no other."
                ),
            ),
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True) | Q(exited_on__gte=models.F("resident_since")),
                name="company_exit_not_before_residence",
                violation_error_message=_("The exit date cannot be before the residence date."),
            ),
            models.CheckConstraint(
                condition=~Q(status="exited") | ~Q(exit_reason=""),
                name="company_exit_has_reason",
                violation_error_message=_("Record why the company exited."),
            ),
            models.CheckConstraint(
                condition=Q(declared_investment__gte=0)
                & Q(realised_investment__gte=0)
                & Q(direct_jobs__gte=0),
                name="company_figures_not_negative",
                violation_error_message=_("Figures cannot be negative."),
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{figure}{suffix}__isnull": True for suffix in PROVENANCE})
                    | Q(**{f"{figure}{suffix}__isnull": False for suffix in PROVENANCE}),
                    name=f"company_{short}_provenance",
                    violation_error_message=_(
                        "A current figure has the date and source of its report."
                    ),
                )
                for figure, short in (
                    ("declared_investment", "declared"),
                    ("realised_investment", "realised"),
                    ("direct_jobs", "jobs"),
                )
            ),
        ]
        indexes = [
            models.Index(Lower("name"), "id", name="company_name_ci_idx"),
            models.Index(fields=["country", "is_published"], name="company_country_idx"),
            models.Index(fields=["sector", "is_published"], name="company_sector_idx"),
            models.Index(fields=["status"], name="company_status_idx"),
            models.Index(fields=["resident_since", "exited_on"], name="company_residence_idx"),
            models.Index(fields=["declared_investment", "id"], name="company_declared_idx"),
            models.Index(fields=["realised_investment", "id"], name="company_realised_idx"),
            models.Index(fields=["direct_jobs", "id"], name="company_jobs_idx"),
            # Search (`q`) is a case-insensitive substring match of SearchText, which
            # PostgreSQL answers from a trigram index that holds the country too (btree_gin),
            # so that a country and a word are looked up together; created on PostgreSQL
            # only (migration 0015).
            GinIndex(
                F("country"),
                OpClass(Upper(SearchText()), name="gin_trgm_ops"),
                name="company_search_trgm",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.unique_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("companies:company-detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        # In English, the language every other falls back to.
        if self.status == self.Status.EXITED and not (self.exit_reason_en or "").strip():
            raise ValidationError({"exit_reason_en": _("Record why the company exited.")})

    def unique_slug(self, taken: Callable[[str], bool] | None = None) -> str:
        """A slug from the name (transliterated where it can be), unique among companies
        (`taken` says whether a slug is, default: whether another company has it)."""
        if taken is None:
            others = Company.objects.exclude(pk=self.pk)
            taken = lambda slug: others.filter(slug=slug).exists()  # noqa: E731
        base = slugify(self.name)[:200] or "company"
        slug, suffix = base, 2
        while taken(slug):
            slug, suffix = f"{base}-{suffix}", suffix + 1
        return slug


class Report(Versioned, ConstraintsCheckedInPython, models.Model):
    """Figures that a company reported as of a date; any figure may be missing.

    Its source is translated, and its history recorded, in translation.py."""

    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.CASCADE, related_name="reports"
    )
    reported_on = models.DateField(
        _("as of"),
        validators=[validate_report_date, validate_not_in_future],
        help_text=_("The date the figures are for; not in the future."),
    )
    declared_investment = models.DecimalField(
        _("declared investment, USD"),
        null=True,
        blank=True,
        help_text=_("The commitment in the company's investment agreement."),
        **MONEY,
    )
    realised_investment = models.DecimalField(
        _("realised investment, USD"),
        null=True,
        blank=True,
        help_text=_("Cumulative amount actually invested."),
        **MONEY,
    )
    direct_jobs = models.PositiveIntegerField(
        _("direct jobs"), null=True, blank=True, help_text=_("Headcount.")
    )
    source = models.CharField(
        _("source"),
        max_length=500,
        validators=[validate_line],
        help_text=_("The document or URL the figures come from."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = version_field()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["company", "-reported_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "reported_on"],
                name="report_one_per_company_per_date",
                violation_error_message=_("This company already has a report for this date."),
            ),
            models.CheckConstraint(
                condition=Q(declared_investment__gte=0)
                & Q(realised_investment__gte=0)
                & Q(direct_jobs__gte=0),
                name="report_figures_not_negative",
                violation_error_message=_("Figures cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(declared_investment__isnull=False)
                | Q(realised_investment__isnull=False)
                | Q(direct_jobs__isnull=False),
                name="report_has_a_figure",
                violation_error_message=_("A report needs at least one figure."),
            ),
        ]

    def __str__(self):
        return f"{self.company} @ {self.reported_on:%Y-%m-%d}"


class CompanyRemoval(models.Model):
    """A company's slug leaving the register: the company was deleted, unpublished, or
    given another slug. The change feed reports these, so that a client mirroring the
    register by polling can drop what it holds under the slug.

    `public` says whether the slug left the public register (it was published until
    then); the removal of a draft is for editors only."""

    class Reason(models.TextChoices):
        DELETED = "deleted", _("deleted")
        UNPUBLISHED = "unpublished", _("unpublished")
        RENAMED = "renamed", _("given another slug")

    slug = models.SlugField(_("slug"), max_length=220, db_index=False)
    removed_at = models.DateTimeField(_("removed at"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    public = models.BooleanField(
        _("left the public register"), help_text=_("The company was published until then.")
    )

    class Meta:
        verbose_name = _("company removal")
        verbose_name_plural = _("company removals")
        ordering = ["removed_at", "id"]
        indexes = [models.Index(fields=["removed_at", "id"], name="removal_time_idx")]

    def __str__(self):
        return f"{self.slug} {self.reason} {self.removed_at:%Y-%m-%d %H:%M}"


class Claim(Versioned, ConstraintsCheckedInPython, models.Model):
    """A headline statement published about the park, checked against the register.

    Its statement, speaker and source are translated, and its history recorded, in
    translation.py."""

    class Qualifier(models.TextChoices):
        EXACTLY = "exactly", _("exactly")
        MORE_THAN = "more_than", _("more than")
        AT_LEAST = "at_least", _("at least")
        ABOUT = "about", _("about (within 5%)")

    FIGURES = ("companies", "countries", "declared_investment", "direct_jobs")

    statement = models.TextField(
        _("statement"),
        blank=True,
        validators=[validate_lines],
        help_text=_(
            "The statement as published, if it is quoted; the figures say what it states."
        ),
    )
    claimed_on = models.DateField(
        _("date"),
        validators=[validate_report_date, validate_not_in_future],
        help_text=_("The date the statement speaks of."),
    )
    date_is_approximate = models.BooleanField(
        _("approximate date"),
        default=False,
        help_text=_("The source gives only a month, a season or “the end of the year”."),
    )
    speaker = NameField(
        _("speaker"),
        max_length=200,
        help_text=_("Who made the statement, and where it was published."),
    )
    source = models.CharField(
        _("source"),
        max_length=500,
        blank=True,
        validators=[validate_line],
        help_text=_("The address of the publication; empty where none was found."),
    )
    companies = models.PositiveIntegerField(_("companies"), null=True, blank=True)
    companies_qualifier = models.CharField(
        _("companies qualifier"), max_length=10, choices=Qualifier, default=Qualifier.EXACTLY
    )
    countries = models.PositiveIntegerField(_("countries"), null=True, blank=True)
    countries_qualifier = models.CharField(
        _("countries qualifier"), max_length=10, choices=Qualifier, default=Qualifier.EXACTLY
    )
    declared_investment = models.DecimalField(
        _("declared investment, USD"), null=True, blank=True, **MONEY
    )
    declared_investment_qualifier = models.CharField(
        _("declared investment qualifier"),
        max_length=10,
        choices=Qualifier,
        default=Qualifier.EXACTLY,
    )
    direct_jobs = models.PositiveIntegerField(_("direct jobs"), null=True, blank=True)
    direct_jobs_qualifier = models.CharField(
        _("direct jobs qualifier"), max_length=10, choices=Qualifier, default=Qualifier.EXACTLY
    )
    is_reference = models.BooleanField(
        _("reference"),
        default=False,
        help_text=_(
            "One of the mutually consistent statements, mostly from the park's "
            "administration, that trace the park's published trajectory."
        ),
    )
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = version_field()

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["claimed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(declared_investment__gte=0),
                name="claim_investment_not_negative",
                violation_error_message=_("Figures cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(companies__isnull=False)
                | Q(countries__isnull=False)
                | Q(declared_investment__isnull=False)
                | Q(direct_jobs__isnull=False),
                name="claim_states_a_figure",
                violation_error_message=_("A claim needs at least one stated figure."),
            ),
            models.UniqueConstraint(
                fields=["claimed_on", "speaker"],
                name="claim_one_per_speaker_per_date",
                violation_error_message=_("This speaker already has a claim for this date."),
            ),
        ]

    def __str__(self):
        return f"{self.claimed_on:%Y-%m-%d}: {self.speaker}"


class ImportRecord(models.Model):
    """A confirmed spreadsheet import: who made it, when, from which file, what it did.

    `preview` is the token of the preview it confirmed, so that confirming the same
    preview twice (a double submit, the back button) imports nothing the second time."""

    made_at = models.DateTimeField(_("made at"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sheet = models.CharField(_("sheet"), max_length=20)
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    preview = models.CharField(_("preview"), max_length=64, unique=True, null=True, blank=True)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-made_at", "-id"]

    def __str__(self):
        return f"{self.sheet}: {self.file_name}"


class RegisterRevision(models.Model):
    """A counter raised by every change to the register, so caches and ETags know when
    their data is stale. There is exactly one row."""

    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField(
        _("demo register"),
        default=False,
        help_text=_("Set by load_demo: every page then says that the companies are synthetic."),
    )

    class Meta:
        verbose_name = _("register revision")

    def __str__(self):
        return f"revision {self.number}"


class FigureLedgerRow(models.Model):
    """What the ledger's rows have in common: a group of companies (their country, primary
    sector and whether they are published) and figures of the residents among them.

    `joined` and `exited` count residences begun and ended; the residents are their
    difference. The amounts are US dollars, `direct_jobs` a headcount."""

    country = models.CharField(_("country"), max_length=2)
    sector = models.ForeignKey(Sector, verbose_name=_("primary sector"), on_delete=models.CASCADE)
    is_published = models.BooleanField(_("published"))
    joined = models.BigIntegerField(_("residences begun"), default=0)
    exited = models.BigIntegerField(_("residences ended"), default=0)
    declared_investment = models.DecimalField(
        _("declared investment, USD"), max_digits=20, decimal_places=2, default=0
    )
    realised_investment = models.DecimalField(
        _("realised investment, USD"), max_digits=20, decimal_places=2, default=0
    )
    direct_jobs = models.BigIntegerField(_("direct jobs"), default=0)

    class Meta:
        abstract = True


class FigureChange(FigureLedgerRow):
    """The ledger of figure changes: by how much the residents' totals of a group of
    companies changed on a day (a residence begun or ended, a report's new value).

    Kept by services.ledger_companies_changed in the transaction of every write; the
    reports remain the source of truth (services.ledger_rebuild derives it from them)."""

    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("figure change")
        verbose_name_plural = _("figure changes")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "country", "sector", "is_published"], name="figure_change_unique"
            ),
        ]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.country}"


class FigureSnapshot(FigureLedgerRow):
    """The residents' totals of a group of companies at the start of a period (a week):
    the sum of every FigureChange dated before `period`. Totals as of a day are the
    snapshot of its period plus the changes of the days since."""

    period = models.DateField(_("period"))

    class Meta:
        verbose_name = _("figure snapshot")
        verbose_name_plural = _("figure snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "country", "sector", "is_published"],
                name="figure_snapshot_unique",
            ),
        ]
        indexes = [
            # A backdated change updates one group's later snapshots.
            models.Index(
                fields=["country", "sector", "is_published", "period"],
                name="figure_snapshot_group_idx",
            ),
        ]

    def __str__(self):
        return f"{self.period:%Y-%m-%d} {self.country}"
