"""Factories for the register's models; each builds a valid, published object by default.

Companies and reports are written through the services' RegisterWrite, as every surface
writes them, so that their figures, the ledger and the removals feed follow."""

from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import translation

from companies import services
from companies.models import Claim, Company, Report, Sector


class RegisterWriteFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        record = model_class(*args, **kwargs)
        with services.register_write() as write:
            write.save(record)
        return record


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"sector-{n}")
    name_en = factory.Sequence(lambda n: f"Sector {n}")
    name_ru = factory.Sequence(lambda n: f"Отрасль {n}")
    name_zh_hans = factory.Sequence(lambda n: f"行业 {n}")


class CompanyFactory(RegisterWriteFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")
    legal_name = factory.LazyAttribute(lambda c: f"{c.name} LLC")
    country = "CN"
    sector = factory.SubFactory(SectorFactory)
    status = Company.Status.RESIDENT
    resident_since = date(2018, 1, 1)
    description_en = "Makes things in the park."
    is_published = True

    class Params:
        exited = factory.Trait(
            status=Company.Status.EXITED, exited_on=date(2020, 6, 30), exit_reason="Moved away."
        )
        applicant = factory.Trait(status=Company.Status.APPLICANT, resident_since=None)


class ReportFactory(RegisterWriteFactory):
    class Meta:
        model = Report

    company = factory.SubFactory(CompanyFactory)
    reported_on = date(2019, 12, 31)
    declared_investment = Decimal("1000000.00")
    realised_investment = Decimal("250000.00")
    direct_jobs = 10
    source = "Annual report"


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    statement = "Residents from many countries."
    claimed_on = date(2020, 12, 31)
    speaker = factory.Sequence(lambda n: f"Newspaper {n}")
    source = "Press release"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # The texts are translated fields: given here in English, whatever language a
        # test left active.
        with translation.override("en"):
            return super()._create(model_class, *args, **kwargs)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("a-long-test-password")
